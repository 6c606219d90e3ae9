//! Password rules (NIST SP 800-63B style): long, not common, not personal.
//! No composition rules. The server adds the full 120,000-entry list and zxcvbn.

use crate::vocab::ErrorCode;
use std::sync::OnceLock;

pub const DEFAULT_MIN_LEN: usize = 15;
pub const MAX_LEN: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    Empty,
    TooShort { min: usize },
    TooLong,
    ContainsAddress,
    ContainsName,
    ContainsNip,
    Common,
    Weak,
    Mismatch,
}

impl PasswordProblem {
    pub fn code(self) -> ErrorCode {
        match self {
            PasswordProblem::Empty => ErrorCode::PasswordEmpty,
            PasswordProblem::TooShort { .. } => ErrorCode::PasswordShort,
            PasswordProblem::TooLong => ErrorCode::PasswordLong,
            PasswordProblem::ContainsAddress => ErrorCode::PasswordAddress,
            PasswordProblem::ContainsName => ErrorCode::PasswordName,
            PasswordProblem::ContainsNip => ErrorCode::PasswordNip,
            PasswordProblem::Common => ErrorCode::PasswordCommon,
            PasswordProblem::Weak => ErrorCode::PasswordWeak,
            PasswordProblem::Mismatch => ErrorCode::PasswordMismatch,
        }
    }
    /// The argument shown in the message (the minimum length), if any.
    pub fn arg(self) -> Option<String> {
        match self {
            PasswordProblem::TooShort { min } => Some(min.to_string()),
            PasswordProblem::TooLong => Some(MAX_LEN.to_string()),
            _ => None,
        }
    }
}

/// What a password must not contain: who it belongs to.
#[derive(Clone, Debug, Default)]
pub struct Personal<'a> {
    pub address: &'a str,
    pub name: Option<&'a str>,
    pub nip: Option<&'a str>,
}

/// Length counted in Unicode scalar values, as people count characters.
pub fn length(password: &str) -> usize {
    password.chars().count()
}

/// Rules both sides check. `min_len` is configurable (never below 8).
pub fn check_basic(password: &str, min_len: usize, who: &Personal) -> Vec<PasswordProblem> {
    let min = min_len.max(8);
    let mut problems = Vec::new();
    let len = length(password);
    if len == 0 {
        return vec![PasswordProblem::Empty];
    }
    if len < min {
        problems.push(PasswordProblem::TooShort { min });
    }
    if len > MAX_LEN {
        problems.push(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let local = who.address.split('@').next().unwrap_or("").to_lowercase();
    let local_squashed: String = local.chars().filter(|c| c.is_alphanumeric()).collect();
    if local_squashed.chars().count() >= 3 && (lower.contains(&local) || squashed.contains(&local_squashed)) {
        problems.push(PasswordProblem::ContainsAddress);
    }
    if let Some(name) = who.name {
        let hit = name
            .split(|c: char| !c.is_alphanumeric())
            .map(|part| part.to_lowercase())
            .filter(|part| part.chars().count() >= 4)
            .any(|part| squashed.contains(&part));
        if hit {
            problems.push(PasswordProblem::ContainsName);
        }
    }
    if let Some(nip) = who.nip {
        let digits: String = password.chars().filter(|c| c.is_ascii_digit()).collect();
        // the whole NIP, or its birth-date part, are guessable from public records
        if nip.len() >= 8 && (digits.contains(nip) || digits.contains(&nip[..8])) {
            problems.push(PasswordProblem::ContainsNip);
        }
    }
    if is_common_long(&lower) {
        problems.push(PasswordProblem::Common);
    }
    problems
}

/// Adds the "twice the same" check for the confirmation field.
pub fn check_confirmation(password: &str, confirm: &str) -> Option<PasswordProblem> {
    (password != confirm).then_some(PasswordProblem::Mismatch)
}

fn common_long() -> &'static std::collections::HashSet<&'static str> {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| include_str!("common_long.txt").lines().collect())
}

/// Common passwords of 12 characters or more (the ones a length rule does not stop).
pub fn is_common_long(lower: &str) -> bool {
    common_long().contains(lower)
}

/// A quick strength estimate for the meter in the browser, 0 (very weak) to 4.
/// The server's verdict comes from zxcvbn; this follows it closely enough to guide.
pub fn estimate_strength(password: &str) -> u8 {
    let chars: Vec<char> = password.chars().collect();
    if chars.is_empty() {
        return 0;
    }
    let mut pool = 0u32;
    if chars.iter().any(|c| c.is_ascii_lowercase()) {
        pool += 26;
    }
    if chars.iter().any(|c| c.is_ascii_uppercase()) {
        pool += 26;
    }
    if chars.iter().any(|c| c.is_ascii_digit()) {
        pool += 10;
    }
    if chars.iter().any(|c| c.is_ascii_punctuation() || *c == ' ') {
        pool += 33;
    }
    if chars.iter().any(|c| !c.is_ascii()) {
        pool += 100;
    }
    // Count only characters that are not a repeat or a step of the previous one.
    let mut effective = 1.0f64;
    for w in chars.windows(2) {
        let d = w[1] as i64 - w[0] as i64;
        effective += if d == 0 {
            0.1
        } else if d.abs() == 1 {
            0.3
        } else {
            1.0
        };
    }
    let distinct = {
        let mut v = chars.clone();
        v.sort_unstable();
        v.dedup();
        v.len() as f64
    };
    let effective = effective.min(distinct * 2.5);
    let bits = effective * (pool.max(10) as f64).log2();
    match bits {
        b if b < 28.0 => 0,
        b if b < 40.0 => 1,
        b if b < 60.0 => 2,
        b if b < 80.0 => 3,
        _ => 4,
    }
}

/// Indonesian words for passphrases: easy to type on a phone, easy to remember.
pub const WORDS: &[&str] = &[
    "abadi",
    "adil",
    "agung",
    "air",
    "akar",
    "alam",
    "alun",
    "ambar",
    "aman",
    "anggrek",
    "angin",
    "angsa",
    "anyam",
    "apel",
    "arah",
    "arus",
    "asam",
    "asri",
    "atap",
    "awan",
    "ayam",
    "bahari",
    "bahu",
    "baju",
    "bakti",
    "balai",
    "bambu",
    "bangau",
    "bantal",
    "barat",
    "baru",
    "batik",
    "batu",
    "bayam",
    "bekal",
    "belimbing",
    "bening",
    "benteng",
    "beras",
    "berlian",
    "besi",
    "bijak",
    "bintang",
    "biru",
    "bola",
    "buah",
    "bubur",
    "budaya",
    "bukit",
    "bulan",
    "bulat",
    "bunga",
    "buku",
    "cahaya",
    "camar",
    "candi",
    "cangkir",
    "cemara",
    "cepat",
    "cerah",
    "cermin",
    "cokelat",
    "cuaca",
    "dahan",
    "damai",
    "danau",
    "dapur",
    "darat",
    "daun",
    "dayung",
    "delima",
    "dermaga",
    "desa",
    "dingin",
    "dompet",
    "duku",
    "durian",
    "elang",
    "embun",
    "emas",
    "enau",
    "gajah",
    "galah",
    "gambir",
    "gandum",
    "garam",
    "gelas",
    "gembira",
    "gemilang",
    "genta",
    "gerbang",
    "gita",
    "gula",
    "gunung",
    "gurih",
    "halaman",
    "hangat",
    "harimau",
    "harum",
    "hati",
    "hijau",
    "hujan",
    "hutan",
    "ikan",
    "indah",
    "intan",
    "irama",
    "jagung",
    "jahe",
    "jalan",
    "jambu",
    "jangkar",
    "jati",
    "jembatan",
    "jendela",
    "jeruk",
    "jingga",
    "jujur",
    "kabut",
    "kacang",
    "kain",
    "kali",
    "kamar",
    "kambing",
    "kancil",
    "kapal",
    "karang",
    "kasih",
    "kayu",
    "kebun",
    "kecap",
    "kelapa",
    "kelinci",
    "kemangi",
    "kembang",
    "kenanga",
    "kendi",
    "kertas",
    "ketupat",
    "kijang",
    "kilat",
    "kipas",
    "kopi",
    "kota",
    "kuda",
    "kuning",
    "kunci",
    "kupu",
    "labu",
    "ladang",
    "laguna",
    "lampu",
    "langit",
    "lautan",
    "layang",
    "lebah",
    "lembah",
    "lemon",
    "lentera",
    "lilin",
    "lombok",
    "lontar",
    "lumut",
    "madu",
    "mangga",
    "manggis",
    "manis",
    "matahari",
    "mawar",
    "meja",
    "melati",
    "merah",
    "merpati",
    "mutiara",
    "nanas",
    "nangka",
    "nelayan",
    "nusa",
    "obor",
    "ombak",
    "padi",
    "pagi",
    "pala",
    "palem",
    "pandan",
    "pantai",
    "papan",
    "pasir",
    "payung",
    "pelangi",
    "pelita",
    "pena",
    "perahu",
    "perak",
    "pesisir",
    "petang",
    "pinang",
    "pintu",
    "pisang",
    "pohon",
    "pulau",
    "pura",
    "putih",
    "rajawali",
    "rakit",
    "ramah",
    "rambutan",
    "randu",
    "rantau",
    "rawa",
    "rebana",
    "rempah",
    "rindang",
    "rotan",
    "rumah",
    "rusa",
    "sabar",
    "sagu",
    "salak",
    "sambal",
    "samudra",
    "sapi",
    "sarung",
    "satria",
    "sawah",
    "sayur",
    "sejuk",
    "selasih",
    "semangka",
    "sembilan",
    "senja",
    "sepeda",
    "serai",
    "seruling",
    "sirih",
    "sore",
    "suling",
    "sumur",
    "sungai",
    "surya",
    "taman",
    "tanah",
    "tangga",
    "tebu",
    "teduh",
    "teh",
    "teluk",
    "tembaga",
    "tenang",
    "tenun",
    "terang",
    "timur",
    "topi",
    "tulip",
    "tupai",
    "ubi",
    "udang",
    "ujung",
    "ulet",
    "utara",
    "wangi",
    "warna",
    "waru",
    "wayang",
    "wortel",
    "zaitun",
    "cendana",
    "beringin",
    "kenari",
    "merbau",
    "meranti",
    "kemiri",
];

/// Builds a passphrase like `kopi-Senja-pelangi-7-teluk-rotan` from a source of random numbers.
/// Six words from 272 give 48 bits, plus a digit; comfortably above zxcvbn's score 3.
pub fn passphrase(mut random_below: impl FnMut(u32) -> u32) -> String {
    let mut parts: Vec<String> = (0..6).map(|_| WORDS[random_below(WORDS.len() as u32) as usize].to_string()).collect();
    let cap = random_below(parts.len() as u32) as usize;
    let mut c = parts[cap].chars();
    if let Some(first) = c.next() {
        parts[cap] = first.to_uppercase().chain(c).collect();
    }
    let pos = 1 + random_below(parts.len() as u32 - 1) as usize;
    parts.insert(pos, random_below(10).to_string());
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> Personal<'static> {
        Personal { address: "budi.santoso@batam.go.id", name: Some("Budi Santoso, S.Kom"), nip: Some("197611231995111002") }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(length("sandi-ñandú-😀"), 13);
        assert!(check_basic("ééééééééééééééé", 15, &Personal::default()).iter().all(|p| !matches!(p, PasswordProblem::TooShort { .. })));
        assert_eq!(check_basic("short", 15, &Personal::default()), vec![PasswordProblem::TooShort { min: 15 }]);
        assert_eq!(check_basic("", 15, &Personal::default()), vec![PasswordProblem::Empty]);
        assert!(check_basic(&"x".repeat(129), 15, &Personal::default()).contains(&PasswordProblem::TooLong));
    }

    #[test]
    fn minimum_is_configurable_but_never_below_eight() {
        assert!(check_basic("kopi-senja-7", 12, &Personal::default()).is_empty());
        assert_eq!(check_basic("abc-def", 4, &Personal::default()), vec![PasswordProblem::TooShort { min: 8 }]);
    }

    #[test]
    fn refuses_personal_data() {
        assert!(check_basic("budi.santoso-kopi-senja", 15, &who()).contains(&PasswordProblem::ContainsAddress));
        assert!(check_basic("BudiSantoso!pelangi", 15, &who()).contains(&PasswordProblem::ContainsAddress));
        assert!(check_basic("pelangi-santoso-teluk", 15, &who()).contains(&PasswordProblem::ContainsName));
        assert!(check_basic("rotan-19761123-teluk", 15, &who()).contains(&PasswordProblem::ContainsNip));
        assert!(check_basic("kopi-senja-pelangi-teluk", 15, &who()).is_empty());
    }

    #[test]
    fn refuses_long_common_passwords() {
        assert!(check_basic("bismillahirrahmanirrahim", 15, &Personal::default()).contains(&PasswordProblem::Common));
        assert!(check_basic("QWERTYUIOPASDFGHJKL", 15, &Personal::default()).contains(&PasswordProblem::Common) || !is_common_long("qwertyuiopasdfghjkl"));
    }

    #[test]
    fn confirmation_must_match() {
        assert_eq!(check_confirmation("a", "b"), Some(PasswordProblem::Mismatch));
        assert_eq!(check_confirmation("a", "a"), None);
    }

    #[test]
    fn estimate_penalises_repeats_and_sequences() {
        assert!(estimate_strength("aaaaaaaaaaaaaaaaaaaa") <= 1);
        assert!(estimate_strength("123456789012345") <= 2);
        assert!(estimate_strength("kopi-Senja-pelangi-7-teluk") >= 3);
    }

    #[test]
    fn passphrases_are_long_and_varied() {
        let mut n = 0u32;
        let p = passphrase(|below| {
            n = n.wrapping_mul(1103515245).wrapping_add(12345);
            (n >> 8) % below
        });
        assert!(length(&p) >= 20, "{p}");
        assert!(p.split('-').count() == 7);
        assert!(check_basic(&p, 15, &Personal::default()).is_empty());
    }
}

#[cfg(test)]
mod word_tests {
    #[test]
    fn word_list_has_no_duplicates() {
        let mut w = super::WORDS.to_vec();
        w.sort_unstable();
        w.dedup();
        assert_eq!(w.len(), super::WORDS.len());
        assert!(w.len() >= 256);
    }
}
