//! The server's full password check: the shared rules, plus the 120,000-entry
//! list of common and breached passwords and zxcvbn's strength score.
use model::validation::password::{check_basic, check_confirmation, Personal};
use model::validation::{FieldError, FieldErrors};
use model::ErrorCode;
use std::{collections::HashSet, io::Read, sync::OnceLock};

fn common_passwords() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let gz: &[u8] = include_bytes!("../data/common-passwords.txt.gz");
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz).read_to_string(&mut text).expect("bundled list is valid gzip");
        text.lines().map(str::to_string).collect()
    })
}

/// Loads the list now (it takes ~50 ms), so the first request does not pay for it.
pub fn warm_up() -> usize {
    common_passwords().len()
}

pub fn is_common(password: &str) -> bool {
    common_passwords().contains(&password.to_lowercase())
}

/// zxcvbn score 0–4, with the person's own data as known words.
pub fn strength(password: &str, who: &Personal) -> u8 {
    let local = who.address.split('@').next().unwrap_or("");
    let mut inputs: Vec<&str> = vec![local, who.address];
    if let Some(n) = who.name {
        inputs.extend(n.split_whitespace());
    }
    if let Some(nip) = who.nip {
        inputs.push(nip);
    }
    // zxcvbn's cost grows with length; beyond 64 characters nothing is weak.
    let sample: String = password.chars().take(64).collect();
    zxcvbn::zxcvbn(&sample, &inputs).score() as u8
}

/// Every problem with a new password, as errors on `password` / `password_confirm`.
pub fn check_new_password(password: &str, confirm: &str, min_len: usize, who: &Personal) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let basic = check_basic(password, min_len, who);
    let mut common = basic.contains(&model::validation::password::PasswordProblem::Common);
    for p in &basic {
        let mut e = FieldError::new("password", p.code());
        if let Some(a) = p.arg() {
            e = e.with_arg(a);
        }
        errors.push(e);
    }
    if !password.is_empty() && !common && is_common(password) {
        common = true;
        errors.add("password", ErrorCode::PasswordCommon);
    }
    if basic.is_empty() && !common && strength(password, who) < 3 {
        errors.add("password", ErrorCode::PasswordWeak);
    }
    if let Some(p) = check_confirmation(password, confirm) {
        errors.add("password_confirm", p.code());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(e: &FieldErrors) -> Vec<&str> {
        e.0.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn list_is_big_and_loaded() {
        assert!(warm_up() >= 100_000);
        assert!(is_common("Password123"));
        assert!(is_common("bismillah"));
        assert!(!is_common("kopi-Senja-pelangi-7-teluk"));
    }

    #[test]
    fn each_rule_says_why() {
        let who = Personal { address: "budi.santoso@batam.go.id", name: Some("Budi Santoso"), nip: Some("197611231995111002") };
        assert_eq!(codes(&check_new_password("pendek", "pendek", 15, &who)), vec!["password_short"]);
        assert_eq!(codes(&check_new_password("aaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaa", 15, &who)), vec!["password_weak"]);
        assert_eq!(codes(&check_new_password("budisantoso-rahasia", "budisantoso-rahasia", 15, &who)), vec!["password_address", "password_name"]);
        assert_eq!(codes(&check_new_password("1234567890123456", "1234567890123456", 15, &who)), vec!["password_weak"]);
        // with a lower minimum the full list matters: short common passwords are refused by it
        let anyone = Personal { address: "x@batam.go.id", name: None, nip: None };
        assert_eq!(codes(&check_new_password("password123", "password123", 8, &anyone)), vec!["password_common"]);
        assert_eq!(codes(&check_new_password("kopi-Senja-pelangi-7-teluk", "kopi-senja", 15, &who)), vec!["password_mismatch"]);
        assert!(check_new_password("kopi-Senja-pelangi-7-teluk", "kopi-Senja-pelangi-7-teluk", 15, &who).is_empty());
    }
}
