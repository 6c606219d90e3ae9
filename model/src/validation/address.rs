//! Official mailbox addresses: the local part rules, and proposals from a name.

use crate::vocab::ErrorCode;

/// Names nobody may take: they belong to the mail system or invite abuse.
pub const RESERVED: &[&str] = &[
    "abuse",
    "admin",
    "administrator",
    "hostmaster",
    "info",
    "mailer-daemon",
    "noc",
    "no-reply",
    "noreply",
    "postmaster",
    "root",
    "security",
    "support",
    "webmaster",
    "www",
    "helpdesk",
    "kominfo",
    "walikota",
    "wakilwalikota",
    "sekda",
    "humas",
    "ppid",
    "surel",
];

/// Academic and honorific titles dropped when proposing an address from a name.
const TITLES: &[&str] = &[
    "dr", "drs", "dra", "ir", "prof", "h", "hj", "st", "s", "skom", "spd", "se", "sh", "sip", "sos", "ssos", "sstp", "ssi", "skm", "sked", "sp", "mm", "msi",
    "mt", "mkom", "mpd", "mh", "ma", "msc", "phd", "ak", "amd", "apt", "ners", "skep", "mkes", "ssit", "sag", "mag", "se", "me", "stp", "sthi", "stt", "spsi",
    "mpsi", "bsc", "ba", "llm",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressError {
    Empty,
    TooShort,
    TooLong,
    BadCharacters,
    BadDots,
    Reserved,
}

impl AddressError {
    pub fn code(self) -> ErrorCode {
        match self {
            AddressError::Empty => ErrorCode::AddressEmpty,
            AddressError::TooShort => ErrorCode::AddressShort,
            AddressError::TooLong => ErrorCode::AddressLong,
            AddressError::BadCharacters => ErrorCode::AddressChars,
            AddressError::BadDots => ErrorCode::AddressDots,
            AddressError::Reserved => ErrorCode::AddressReserved,
        }
    }
}

/// Checks a proposed local part (before the `@`). Returns it lower-cased.
pub fn check_local_part(input: &str) -> Result<String, AddressError> {
    let s = input.trim().to_ascii_lowercase();
    let s = s.split('@').next().unwrap_or("").to_string();
    if s.is_empty() {
        return Err(AddressError::Empty);
    }
    if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '_') {
        return Err(AddressError::BadCharacters);
    }
    if s.starts_with(['.', '-', '_']) || s.ends_with(['.', '-', '_']) || s.contains("..") {
        return Err(AddressError::BadDots);
    }
    if s.len() < 3 {
        return Err(AddressError::TooShort);
    }
    if s.len() > 64 {
        return Err(AddressError::TooLong);
    }
    if RESERVED.contains(&s.as_str()) {
        return Err(AddressError::Reserved);
    }
    Ok(s)
}

/// Normalises what people type as a whole address: trimmed, lower-case.
pub fn normalize_address(input: &str) -> String {
    input.trim().to_lowercase()
}

/// Latin transliteration of one character, for names with diacritics or punctuation.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'a'..='z' | '0'..='9' => return None,
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'ç' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => "",
    })
}

/// The words of a name without titles: "Dr. Siti Nurhaliza, S.Kom., M.Si" → ["siti", "nurhaliza"].
pub fn name_words(name: &str) -> Vec<String> {
    // Titles follow the first comma ("Budi, S.Kom"); prefixes end with a dot ("Dr.").
    let main = name.split(',').next().unwrap_or("");
    main.split_whitespace()
        .filter_map(|word| {
            let lower = word.to_lowercase();
            let letters: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
            if TITLES.contains(&letters.as_str()) && (word.contains('.') || letters.len() <= 3) {
                return None;
            }
            let mut out = String::new();
            for c in lower.chars() {
                match fold(c) {
                    None => out.push(c),
                    Some(s) => out.push_str(s),
                }
            }
            (!out.is_empty()).then_some(out)
        })
        .collect()
}

/// Rule for proposed addresses, configurable by the Admin sistem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AddressRule {
    /// `siti.nurhaliza` (first and last word)
    FirstDotLast,
    /// `sitinurhaliza`
    FirstLast,
    /// `s.nurhaliza`
    InitialDotLast,
    /// `siti.n`
    FirstDotInitial,
}

impl AddressRule {
    pub fn code(self) -> &'static str {
        match self {
            AddressRule::FirstDotLast => "first.last",
            AddressRule::FirstLast => "firstlast",
            AddressRule::InitialDotLast => "f.last",
            AddressRule::FirstDotInitial => "first.l",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [AddressRule::FirstDotLast, AddressRule::FirstLast, AddressRule::InitialDotLast, AddressRule::FirstDotInitial].into_iter().find(|r| r.code() == code)
    }
}

/// The base proposal for a name under a rule (without collision handling).
pub fn propose_local_part(name: &str, rule: AddressRule) -> Option<String> {
    let words = name_words(name);
    let first = words.first()?.clone();
    let last = words.last().filter(|_| words.len() > 1).cloned();
    let initial = |w: &str| w.chars().next().map(|c| c.to_string()).unwrap_or_default();
    let proposal = match (rule, last) {
        (_, None) => first,
        (AddressRule::FirstDotLast, Some(l)) => format!("{first}.{l}"),
        (AddressRule::FirstLast, Some(l)) => format!("{first}{l}"),
        (AddressRule::InitialDotLast, Some(l)) => format!("{}.{l}", initial(&first)),
        (AddressRule::FirstDotInitial, Some(l)) => format!("{first}.{}", initial(&l)),
    };
    let proposal: String = proposal.chars().take(60).collect();
    let proposal = proposal.trim_matches('.').to_string();
    // Single-word names shorter than 3 letters get padded by the caller's suffix logic.
    Some(proposal)
}

/// First free variant of `base`: `base`, `base2`, `base3`, … skipping taken and reserved names.
pub fn first_free(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    let base = if base.len() < 3 { format!("{base}.asn") } else { base.to_string() };
    if !taken(&base) && check_local_part(&base).is_ok() {
        return base;
    }
    (2..).map(|n| format!("{base}{n}")).find(|c| !taken(c) && check_local_part(c).is_ok()).expect("unbounded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_local_parts() {
        assert_eq!(check_local_part(" Budi.Santoso "), Ok("budi.santoso".into()));
        assert_eq!(check_local_part("budi.santoso@batam.go.id"), Ok("budi.santoso".into()));
        assert_eq!(check_local_part(""), Err(AddressError::Empty));
        assert_eq!(check_local_part("bu"), Err(AddressError::TooShort));
        assert_eq!(check_local_part(&"a".repeat(65)), Err(AddressError::TooLong));
        assert_eq!(check_local_part("budi santoso"), Err(AddressError::BadCharacters));
        assert_eq!(check_local_part("<script>"), Err(AddressError::BadCharacters));
        assert_eq!(check_local_part(".budi"), Err(AddressError::BadDots));
        assert_eq!(check_local_part("budi..s"), Err(AddressError::BadDots));
        assert_eq!(check_local_part("postmaster"), Err(AddressError::Reserved));
    }

    #[test]
    fn drops_titles_and_folds_diacritics() {
        assert_eq!(name_words("Dr. Siti Nurhaliza, S.Kom., M.Si"), vec!["siti", "nurhaliza"]);
        assert_eq!(name_words("Ir. H. Muhammad Rudi, M.M."), vec!["muhammad", "rudi"]);
        assert_eq!(name_words("José Müller"), vec!["jose", "muller"]);
        assert_eq!(name_words("Andi O'Neil"), vec!["andi", "oneil"]);
        assert_eq!(name_words("\u{202e}Evil 😀 Name"), vec!["evil", "name"]);
    }

    #[test]
    fn proposes_by_rule() {
        let n = "Dr. Siti Nurhaliza Putri, S.Kom";
        assert_eq!(propose_local_part(n, AddressRule::FirstDotLast).as_deref(), Some("siti.putri"));
        assert_eq!(propose_local_part(n, AddressRule::FirstLast).as_deref(), Some("sitiputri"));
        assert_eq!(propose_local_part(n, AddressRule::InitialDotLast).as_deref(), Some("s.putri"));
        assert_eq!(propose_local_part(n, AddressRule::FirstDotInitial).as_deref(), Some("siti.p"));
        assert_eq!(propose_local_part("Sukarno", AddressRule::FirstDotLast).as_deref(), Some("sukarno"));
        assert_eq!(propose_local_part("S.Kom", AddressRule::FirstDotLast), None);
    }

    #[test]
    fn resolves_collisions_with_numbers() {
        let taken = ["budi.santoso", "budi.santoso2"];
        assert_eq!(first_free("budi.santoso", |c| taken.contains(&c)), "budi.santoso3");
        assert_eq!(first_free("admin", |_| false), "admin2");
        assert_eq!(first_free("yo", |_| false), "yo.asn");
    }
}
