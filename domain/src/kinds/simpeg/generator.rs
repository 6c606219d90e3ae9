//! Realistic, entirely made-up SIMPEG exports for tests, `make bench` and the
//! CLI: Indonesian names (some with titles), valid NIPs, 08xx phones, gmail and
//! yahoo addresses, the demo OPDs, and a chosen share of planted defects.
//! Seeded, so the same config always gives the same file.

use crate::seed::UNITS;
use model::validation::{days_in_month, Ymd};
use model::ErrorCode;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

/// Column headers of a generated file, as SIMPEG writes them.
pub const HEADERS: [&str; 10] =
    ["NIP", "NAMA", "GELAR DEPAN", "GELAR BELAKANG", "UNIT KERJA", "NO HP", "HP TERVERIFIKASI", "EMAIL PRIBADI", "EMAIL TERVERIFIKASI", "DATA LENGKAP"];

/// What the generator did to a row, so tests know the verdict to expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Planted {
    Good,
    /// Valid row whose name is hostile text (markup, quotes, RTL marks, emoji): still eligible.
    HostileName,
    /// Valid row whose NIP is in [`Generated::has_mailbox`].
    AlreadyHasAccount,
    BadNip,
    /// Repeats the NIP of an earlier good row.
    DuplicateNip,
    UnverifiedPhone,
    MissingEmail,
    UnknownUnit,
}

impl Planted {
    /// Defects, drawn uniformly for the bad share of rows.
    pub const DEFECTS: [Planted; 7] = [
        Planted::HostileName,
        Planted::AlreadyHasAccount,
        Planted::BadNip,
        Planted::DuplicateNip,
        Planted::UnverifiedPhone,
        Planted::MissingEmail,
        Planted::UnknownUnit,
    ];

    /// Whether the rules should find the row eligible.
    pub fn eligible(self) -> bool {
        matches!(self, Planted::Good | Planted::HostileName)
    }

    /// The reason code the rules must give (none for a `BadNip`: it gives
    /// one of the `nip_…` codes, depending on how the NIP was broken).
    pub fn expected_reason(self) -> Option<ErrorCode> {
        match self {
            Planted::DuplicateNip => Some(ErrorCode::NipDuplicateInFile),
            Planted::UnverifiedPhone => Some(ErrorCode::PhoneUnverified),
            Planted::MissingEmail => Some(ErrorCode::EmailEmpty),
            Planted::UnknownUnit => Some(ErrorCode::UnitUnknown),
            _ => None,
        }
    }
}

/// How to generate.
#[derive(Clone, Debug)]
pub struct GeneratorConfig {
    pub rows: usize,
    /// Share of rows with a planted defect, 0.0–1.0.
    pub bad_fraction: f64,
    pub seed: u64,
    /// "Today" for plausible NIP dates.
    pub today: Ymd,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self { rows: 200, bad_fraction: 0.2, seed: 2026, today: Ymd::new(2026, 6, 1) }
    }
}

/// One generated row, every cell as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedRow {
    pub nip: String,
    pub name: String,
    pub title_front: String,
    pub title_back: String,
    pub unit: String,
    pub phone: String,
    pub phone_verified: String,
    pub email: String,
    pub email_verified: String,
    pub data_complete: String,
    pub planted: Planted,
}

impl GeneratedRow {
    fn cells(&self) -> [&str; 10] {
        [
            &self.nip,
            &self.name,
            &self.title_front,
            &self.title_back,
            &self.unit,
            &self.phone,
            &self.phone_verified,
            &self.email,
            &self.email_verified,
            &self.data_complete,
        ]
    }
}

/// A generated export and what the rules need to judge it.
#[derive(Clone, Debug)]
pub struct Generated {
    pub rows: Vec<GeneratedRow>,
    /// NIPs to pass as "already has a mailbox" (the `AlreadyHasAccount` rows).
    pub has_mailbox: HashSet<String>,
}

impl Generated {
    /// How many rows had `planted`.
    pub fn count(&self, planted: Planted) -> usize {
        self.rows.iter().filter(|r| r.planted == planted).count()
    }

    /// How many rows the rules should find eligible.
    pub fn expected_eligible(&self) -> usize {
        self.rows.iter().filter(|r| r.planted.eligible()).count()
    }

    /// The header row and every row, as text cells (for writers of other formats).
    pub fn table(&self) -> Vec<Vec<String>> {
        let mut t = vec![HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        t.extend(self.rows.iter().map(|r| r.cells().iter().map(|c| c.to_string()).collect()));
        t
    }

    /// CSV bytes; with `;` (Excel's choice in Indonesian locales) a UTF-8 BOM leads, as Excel writes it.
    pub fn to_csv(&self, delimiter: u8) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        if delimiter == b';' {
            out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
        }
        let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(out);
        w.write_record(HEADERS).map_err(|e| e.to_string())?;
        for row in &self.rows {
            w.write_record(row.cells()).map_err(|e| e.to_string())?;
        }
        w.into_inner().map_err(|e| e.to_string())
    }

    /// XLSX bytes: a title line and a blank line above the header, as SIMPEG
    /// prints it; NIPs and phones as text, `1`/`0` flags as numbers.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, String> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
        sheet.set_name("Daftar ASN").map_err(err)?;
        sheet.write_string(0, 0, "DAFTAR ASN YANG BELUM MEMILIKI AKUN EMAIL RESMI").map_err(err)?;
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string(2, c as u16, *h).map_err(err)?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            let r = 3 + i as u32;
            for (c, text) in row.cells().iter().enumerate() {
                match *text {
                    "" => {}
                    "1" | "0" if c >= 6 => {
                        sheet.write_number(r, c as u16, if *text == "1" { 1.0 } else { 0.0 }).map_err(err)?;
                    }
                    _ => {
                        sheet.write_string(r, c as u16, *text).map_err(err)?;
                    }
                }
            }
        }
        book.save_to_buffer().map_err(err)
    }
}

/// The demo OPDs as `(id, code, name)`, ids in seeding order from 1.
pub fn demo_units() -> Vec<(i32, &'static str, &'static str)> {
    UNITS.iter().enumerate().map(|(i, (code, name, _))| (i as i32 + 1, *code, *name)).collect()
}

const MALE: &[&str] = &[
    "Budi", "Agus", "Andi", "Rudi", "Hendra", "Yusuf", "Ahmad", "Muhammad", "Rizky", "Fajar", "Dedi", "Eko", "Bambang", "Joko", "Teguh", "Arief", "Dimas",
    "Hadi", "Irfan", "Wahyu", "Bayu", "Reza", "Taufik", "Hasan",
];
const FEMALE: &[&str] = &[
    "Siti", "Dewi", "Sari", "Maya", "Rina", "Nur", "Putri", "Ayu", "Fitri", "Indah", "Lestari", "Wulan", "Ratna", "Yuni", "Rahma", "Diah", "Intan", "Nia",
    "Eka", "Dian", "Anisa", "Mega",
];
const FAMILY: &[&str] = &[
    "Santoso",
    "Pratama",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Kurniawan",
    "Setiawan",
    "Gunawan",
    "Hartono",
    "Lestari",
    "Rahmawati",
    "Susanti",
    "Nasution",
    "Siregar",
    "Harahap",
    "Lubis",
    "Simanjuntak",
    "Sitompul",
    "Hakim",
    "Purnomo",
    "Wibowo",
    "Utomo",
    "Rahman",
    "Syahputra",
    "Aritonang",
    "Tanjung",
    "Daulay",
    "Fauzi",
    "Maharani",
    "Permata",
];
const FRONT_TITLES: &[&str] = &["Dr.", "Ir.", "Drs.", "H.", "dr."];
const BACK_TITLES: &[&str] = &["S.Kom", "S.E.", "S.H.", "S.Pd", "M.Si", "S.Kom., M.T.", "A.Md", "S.Kep., Ners", "S.Sos", "S.STP", "M.M."];
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "O'Brien",
    "Robert'); DROP TABLE mailboxes;--",
    "\u{202E}Siti Rahma",
    "Andi 😀 Pratama",
    "Dewi\u{200B} Lestari",
    "Budi \"Bud\" Santoso",
    "Nur Aini\u{200F}",
    "José Ñúñez",
    "=HYPERLINK(\"http://x\")",
];
const UNKNOWN_UNITS: &[&str] = &["Dinas Pariwisata Antariksa", "Badan Urusan Bulan", "OPD Fiktif"];
const OPERATOR_PREFIXES: &[&str] = &[
    "11", "12", "13", "21", "22", "23", "52", "53", "14", "15", "16", "55", "56", "57", "58", "17", "18", "19", "59", "77", "78", "81", "82", "83", "95", "96",
    "97", "98", "99",
];
const MAIL_DOMAINS: &[&str] = &["gmail.com", "gmail.com", "gmail.com", "yahoo.com", "yahoo.co.id"];
const YES: &[&str] = &["Ya", "YA", "1", "Sudah", "TRUE", "Terverifikasi"];
const NO: &[&str] = &["Tidak", "Belum", "0", "TIDAK"];
const COMPLETE: &[&str] = &["Ya", "Lengkap", "1", "LENGKAP"];

/// Generates an export as described by `cfg`.
pub fn generate(cfg: &GeneratorConfig) -> Generated {
    let mut g = Gen { rng: StdRng::seed_from_u64(cfg.seed), today: cfg.today, nips: HashSet::new(), emails: HashSet::new() };
    let mut rows: Vec<GeneratedRow> = Vec::with_capacity(cfg.rows);
    let mut has_mailbox = HashSet::new();
    let mut good_nips: Vec<String> = Vec::new();
    let bad = cfg.bad_fraction.clamp(0.0, 1.0);
    for _ in 0..cfg.rows {
        let mut planted = if g.rng.gen_bool(bad) { *Planted::DEFECTS.choose(&mut g.rng).unwrap_or(&Planted::BadNip) } else { Planted::Good };
        if planted == Planted::DuplicateNip && good_nips.is_empty() {
            planted = Planted::BadNip;
        }
        let mut row = g.good_row();
        row.planted = planted;
        match planted {
            Planted::Good => good_nips.push(row.nip.replace(' ', "")),
            Planted::HostileName => row.name = HOSTILE.choose(&mut g.rng).unwrap_or(&"O'Brien").to_string(),
            Planted::AlreadyHasAccount => {
                has_mailbox.insert(row.nip.replace(' ', ""));
            }
            Planted::BadNip => row.nip = g.broken_nip(&row.nip.replace(' ', "")),
            Planted::DuplicateNip => row.nip = good_nips.choose(&mut g.rng).cloned().unwrap_or_default(),
            Planted::UnverifiedPhone => row.phone_verified = pick(&mut g.rng, NO),
            Planted::MissingEmail => {
                row.email.clear();
                row.email_verified = pick(&mut g.rng, NO);
            }
            Planted::UnknownUnit => row.unit = pick(&mut g.rng, UNKNOWN_UNITS),
        }
        rows.push(row);
    }
    Generated { rows, has_mailbox }
}

fn pick(rng: &mut StdRng, list: &[&str]) -> String {
    list.choose(rng).copied().unwrap_or_default().to_string()
}

/// Generator state: the random source and what must stay unique.
struct Gen {
    rng: StdRng,
    today: Ymd,
    nips: HashSet<String>,
    emails: HashSet<String>,
}

impl Gen {
    /// A row that passes every rule.
    fn good_row(&mut self) -> GeneratedRow {
        let female = self.rng.gen_bool(0.5);
        let first = pick(&mut self.rng, if female { FEMALE } else { MALE });
        let family = pick(&mut self.rng, FAMILY);
        let mut name = if self.rng.gen_bool(0.2) {
            let middle = pick(&mut self.rng, if female { FEMALE } else { MALE });
            format!("{first} {middle} {family}")
        } else {
            format!("{first} {family}")
        };
        let front = if self.rng.gen_bool(0.15) {
            let t = pick(&mut self.rng, FRONT_TITLES);
            if female && t == "H." {
                "Hj.".to_string()
            } else {
                t
            }
        } else {
            String::new()
        };
        let back = if self.rng.gen_bool(0.4) { pick(&mut self.rng, BACK_TITLES) } else { String::new() };
        // Half the exports put the titles in their own columns, half in the name.
        let (title_front, title_back) = if self.rng.gen_bool(0.5) {
            (front, back)
        } else {
            if !front.is_empty() {
                name = format!("{front} {name}");
            }
            if !back.is_empty() {
                name = format!("{name}, {back}");
            }
            (String::new(), String::new())
        };
        let nip = self.fresh_nip(female);
        let nip = if self.rng.gen_bool(0.1) { model::validation::nip::format_nip(&nip) } else { nip };
        let email = self.fresh_email(&first, &family);
        GeneratedRow {
            nip,
            name,
            title_front,
            title_back,
            unit: self.unit_text(),
            phone: self.phone(),
            phone_verified: pick(&mut self.rng, YES),
            email,
            email_verified: pick(&mut self.rng, YES),
            data_complete: pick(&mut self.rng, COMPLETE),
            planted: Planted::Good,
        }
    }

    /// A valid NIP not used before in this file: born 1965–2002, appointed
    /// between 20 and 40 years later (not after today), PPPK now and then.
    fn fresh_nip(&mut self, female: bool) -> String {
        loop {
            // Ranges kept non-empty whatever "today" the caller picks.
            let last_birth_year = (self.today.year - 22).clamp(1965, 2002);
            let year = self.rng.gen_range(1965..=last_birth_year);
            let month = self.rng.gen_range(1..=12);
            let day = self.rng.gen_range(1..=days_in_month(year, month));
            let appointed = self.rng.gen_range(year + 20..=(year + 40).min(self.today.year - 1).max(year + 20));
            let code = if self.rng.gen_bool(0.05) { 21 } else { self.rng.gen_range(1..=12) };
            let gender = if female { 2 } else { 1 };
            let seq = self.rng.gen_range(1..=999);
            let nip = format!("{year:04}{month:02}{day:02}{appointed:04}{code:02}{gender}{seq:03}");
            if self.nips.insert(nip.clone()) {
                return nip;
            }
        }
    }

    /// A NIP broken in one of the ways exports break them.
    fn broken_nip(&mut self, nip: &str) -> String {
        let bytes = nip.as_bytes();
        match self.rng.gen_range(0..5) {
            0 => nip.get(..17).unwrap_or(nip).to_string(),                                   // a digit lost
            1 => format!("{}13{}", nip.get(..4).unwrap_or(""), nip.get(6..).unwrap_or("")),  // month 13
            2 => format!("{}3{}", nip.get(..14).unwrap_or(""), nip.get(15..).unwrap_or("")), // gender 3
            3 => format!("{}O{}", nip.get(..9).unwrap_or(""), nip.get(10..).unwrap_or("")),  // letter O
            _ if bytes.len() == 18 => format!("{}000", nip.get(..15).unwrap_or("")),         // sequence 000
            _ => String::new(),
        }
    }

    fn fresh_email(&mut self, first: &str, family: &str) -> String {
        let base = format!("{}.{}", first.to_lowercase(), family.to_lowercase());
        let domain = pick(&mut self.rng, MAIL_DOMAINS);
        let mut email = format!("{base}@{domain}");
        while self.emails.contains(&email.to_lowercase()) {
            let n: u32 = self.rng.gen_range(1..10_000);
            email = format!("{base}{n}@{domain}");
        }
        self.emails.insert(email.to_lowercase());
        email
    }

    fn phone(&mut self) -> String {
        let prefix = pick(&mut self.rng, OPERATOR_PREFIXES);
        let len = self.rng.gen_range(7..=8);
        let rest: String = (0..len).map(|_| char::from(b'0' + self.rng.gen_range(0..10u8))).collect();
        let national = format!("8{prefix}{rest}");
        match self.rng.gen_range(0..10) {
            0 => format!("+62 {national}"),
            1 => format!("62{national}"),
            2 => format!("0{}-{}-{}", &national[..3], &national[3..7], &national[7..]),
            _ => format!("0{national}"),
        }
    }

    /// A demo OPD the ways people write it: code, name, shouting, no "Dinas".
    fn unit_text(&mut self) -> String {
        let (code, name, _) = UNITS.choose(&mut self.rng).copied().unwrap_or(("SETDA", "Sekretariat Daerah", None));
        match self.rng.gen_range(0..10) {
            0..=3 => code.to_string(),
            4..=7 => name.to_string(),
            8 => name.to_uppercase(),
            _ => name.strip_prefix("Dinas ").or_else(|| name.strip_prefix("Badan ")).unwrap_or(name).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::validation::email::normalize_email;
    use model::validation::nip::parse_nip;
    use model::validation::phone::normalize_phone;

    #[test]
    fn same_seed_same_file() {
        let cfg = GeneratorConfig { rows: 50, ..Default::default() };
        assert_eq!(generate(&cfg).rows, generate(&cfg).rows);
        let other = GeneratorConfig { seed: 7, ..cfg.clone() };
        assert_ne!(generate(&cfg).rows, generate(&other).rows);
    }

    #[test]
    fn good_rows_are_valid() {
        let cfg = GeneratorConfig { rows: 500, bad_fraction: 0.0, ..Default::default() };
        let g = generate(&cfg);
        assert_eq!(g.count(Planted::Good), 500);
        for r in &g.rows {
            assert!(parse_nip(&r.nip, cfg.today).is_ok(), "{}", r.nip);
            assert!(normalize_phone(&r.phone).is_ok(), "{}", r.phone);
            assert!(normalize_email(&r.email).is_ok(), "{}", r.email);
        }
        assert!(g.rows.iter().any(|r| !r.title_back.is_empty()), "some titles in their own column");
        assert!(g.rows.iter().any(|r| r.name.contains(", ")), "some titles in the name");
    }

    #[test]
    fn plants_the_bad_share() {
        let g = generate(&GeneratorConfig { rows: 1000, bad_fraction: 0.3, ..Default::default() });
        let bad = 1000 - g.count(Planted::Good);
        assert!((220..=380).contains(&bad), "{bad}");
        for p in Planted::DEFECTS {
            assert!(g.count(p) > 0, "{p:?}");
        }
        assert_eq!(g.has_mailbox.len(), g.count(Planted::AlreadyHasAccount));
    }

    #[test]
    fn writes_csv_and_xlsx() {
        let g = generate(&GeneratorConfig { rows: 20, ..Default::default() });
        let csv = g.to_csv(b';').unwrap();
        assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert!(std::str::from_utf8(&csv).unwrap().contains("NIP;NAMA;"));
        assert!(g.to_csv(b',').unwrap().starts_with(b"NIP,NAMA,"));
        assert!(g.to_xlsx().unwrap().starts_with(b"PK"));
    }
}
