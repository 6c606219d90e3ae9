//! Personal e-mail addresses (syntax only; ownership is proved by a message).
use crate::vocab::ErrorCode;

/// Returns the address trimmed and with a lower-case domain, or an error code.
pub fn normalize_email(input: &str) -> Result<String, ErrorCode> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ErrorCode::EmailEmpty);
    }
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ErrorCode::EmailInvalid);
    }
    let (local, domain) = s.rsplit_once('@').ok_or(ErrorCode::EmailInvalid)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(ErrorCode::EmailInvalid);
    }
    if local.chars().any(|c| "<>()[]\\,;:\"".contains(c)) {
        return Err(ErrorCode::EmailInvalid);
    }
    let domain = domain.to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
        || !labels.iter().all(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        || labels.last().is_some_and(|tld| tld.len() < 2 || tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(ErrorCode::EmailInvalid);
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(normalize_email(" Budi.Santoso@Gmail.COM "), Ok("Budi.Santoso@gmail.com".into()));
        assert!(normalize_email("a+tag@mail.co.id").is_ok());
    }

    #[test]
    fn refuses_broken_ones() {
        for bad in [
            "",
            "budi",
            "budi@",
            "@gmail.com",
            "budi@gmail",
            "bu di@gmail.com",
            "budi@@gmail.com",
            "budi@-x.com",
            "budi..s@gmail.com",
            "<b>@x.com",
            "budi@x.123",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
