//! Indonesian mobile numbers: normalised to E.164 (`+62…`) and masked for display.

use crate::vocab::ErrorCode;

/// Why a phone number was refused (translation key suffix under `errors.phone_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    InvalidCharacters,
    NotIndonesian,
    NotMobile,
    TooShort,
    TooLong,
}

impl PhoneError {
    pub fn code(self) -> ErrorCode {
        match self {
            PhoneError::Empty => ErrorCode::PhoneEmpty,
            PhoneError::InvalidCharacters => ErrorCode::PhoneChars,
            PhoneError::NotIndonesian => ErrorCode::PhoneNotId,
            PhoneError::NotMobile => ErrorCode::PhoneNotMobile,
            PhoneError::TooShort => ErrorCode::PhoneShort,
            PhoneError::TooLong => ErrorCode::PhoneLong,
        }
    }
}

/// Normalises what people type (`0812-3456-7890`, `+62 812 3456 7890`,
/// `62812…`, `(0812) 3456 7890`) to `+628123456789…`.
pub fn normalize_phone(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut digits = String::with_capacity(trimmed.len());
    let mut plus = false;
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return Err(PhoneError::InvalidCharacters),
        }
    }
    let national = if plus {
        digits.strip_prefix("62").ok_or(PhoneError::NotIndonesian)?.to_string()
    } else if let Some(rest) = digits.strip_prefix("62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else {
        digits.clone()
    };
    let national = national.trim_start_matches('0');
    if national.is_empty() {
        return Err(PhoneError::TooShort);
    }
    if !national.starts_with('8') {
        return Err(PhoneError::NotMobile);
    }
    // Indonesian mobile numbers: 8xx plus 6 to 9 more digits (9–12 digits after +62).
    if national.len() < 9 {
        return Err(PhoneError::TooShort);
    }
    if national.len() > 12 {
        return Err(PhoneError::TooLong);
    }
    Ok(format!("+62{national}"))
}

/// `+6281234567890` → `+62 812-****-890`: enough for the owner to recognise it,
/// too little for anyone else to use.
pub fn mask_phone(e164: &str) -> String {
    let national = e164.strip_prefix("+62").unwrap_or(e164);
    if national.len() < 7 {
        return "+62 ****".to_string();
    }
    let head = &national[..3];
    let tail = &national[national.len() - 3..];
    format!("+62 {head}-****-{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_spellings() {
        for input in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890", "81234567890"] {
            assert_eq!(normalize_phone(input), Ok("+6281234567890".into()), "{input}");
        }
    }

    #[test]
    fn refuses_what_cannot_receive_sms() {
        assert_eq!(normalize_phone(""), Err(PhoneError::Empty));
        assert_eq!(normalize_phone("0812-34x"), Err(PhoneError::InvalidCharacters));
        assert_eq!(normalize_phone("+1 415 555 0100"), Err(PhoneError::NotIndonesian));
        assert_eq!(normalize_phone("0778 123456"), Err(PhoneError::NotMobile)); // Batam landline
        assert_eq!(normalize_phone("0812 345"), Err(PhoneError::TooShort));
        assert_eq!(normalize_phone("0812 3456 7890 1234"), Err(PhoneError::TooLong));
        assert_eq!(normalize_phone("+"), Err(PhoneError::NotIndonesian));
    }

    #[test]
    fn masks_all_but_operator_prefix_and_last_three() {
        assert_eq!(mask_phone("+6281234567890"), "+62 812-****-890");
        assert_eq!(mask_phone("+62812345678"), "+62 812-****-678");
        assert!(!mask_phone("+6281234567890").contains("4567"));
    }
}
