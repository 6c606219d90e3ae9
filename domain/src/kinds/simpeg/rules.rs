//! SOP 004 step 2 as rules: every row of the export gets a verdict. Eligible
//! means a valid NIP seen once in the file, a name, a known OPD, a verified
//! mobile number, a verified personal (non-official) e-mail seen once in the
//! file, and complete personnel data. Reasons are stable codes for the UI.

use super::read::columns::Field;
use super::read::{Sheet, SheetRow};
use super::units::UnitMatcher;
use model::validation::email::normalize_email;
use model::validation::nip::parse_nip;
use model::validation::phone::normalize_phone;
use model::validation::Ymd;
use model::ErrorCode;
use std::collections::HashSet;

/// Longest name kept, in characters (display names go into mail headers).
pub const MAX_NAME_CHARS: usize = 150;

/// What happens to a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Goes into the collective request.
    Eligible,
    /// Left out, with every reason found (codes, in field order).
    Rejected(Vec<ErrorCode>),
    /// The NIP already has a personal official mailbox: nothing to request.
    AlreadyHasAccount,
    /// SIMPEG says the person left and their personal mailbox still works:
    /// processing the batch switches it off.
    Leaving,
}

impl Verdict {
    pub fn is_eligible(&self) -> bool {
        matches!(self, Verdict::Eligible)
    }

    /// The reasons of a rejection (empty otherwise).
    pub fn reasons(&self) -> &[ErrorCode] {
        match self {
            Verdict::Rejected(r) => r,
            _ => &[],
        }
    }
}

/// A row after checking: the cleaned values that passed, and the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRow {
    /// Line in the uploaded file.
    pub line: usize,
    /// Normalised NIP (18 digits) when valid.
    pub nip: Option<String>,
    /// The name as written, minus invisible and control characters.
    pub name: String,
    pub title_front: String,
    pub title_back: String,
    /// Id of the matched OPD.
    pub unit_id: Option<i32>,
    /// `+62…` when valid.
    pub phone: Option<String>,
    /// Normalised personal e-mail when valid.
    pub email: Option<String>,
    pub verdict: Verdict,
}

impl CheckedRow {
    /// "Dr. Siti Nurhaliza, S.Kom": the name with its titles, as mail clients show it.
    pub fn display_name(&self) -> String {
        let mut s = String::new();
        if !self.title_front.is_empty() {
            s.push_str(&self.title_front);
            s.push(' ');
        }
        s.push_str(&self.name);
        if !self.title_back.is_empty() {
            s.push_str(", ");
            s.push_str(&self.title_back);
        }
        s
    }
}

/// What the rules need besides the file.
pub struct RuleContext<'a> {
    /// For the NIP's date checks.
    pub today: Ymd,
    /// The known OPDs.
    pub units: &'a UnitMatcher,
    /// The government's own mail domains (`batam.go.id`): a personal address
    /// may not be one of them or a subdomain of one.
    pub official_domains: &'a [&'a str],
    /// NIPs (normalised) that already own a personal official mailbox.
    pub has_mailbox: &'a HashSet<String>,
    /// Of those, the NIPs whose personal mailbox still works (not switched
    /// off or deleted).
    pub working_mailbox: &'a HashSet<String>,
}

/// Counts per verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub eligible: usize,
    pub rejected: usize,
    pub already_has_account: usize,
    pub leaving: usize,
}

/// Checks every row of a sheet. Duplicates are judged in file order: the
/// first row with a NIP or an e-mail keeps it, later ones are rejected.
pub fn check_sheet(sheet: &Sheet, ctx: &RuleContext) -> Vec<CheckedRow> {
    let mut seen = Seen::default();
    sheet.rows.iter().map(|row| check_row(sheet, row, ctx, &mut seen)).collect()
}

/// Counts the verdicts.
pub fn summarize(rows: &[CheckedRow]) -> Summary {
    let mut s = Summary::default();
    for r in rows {
        match r.verdict {
            Verdict::Eligible => s.eligible += 1,
            Verdict::Rejected(_) => s.rejected += 1,
            Verdict::AlreadyHasAccount => s.already_has_account += 1,
            Verdict::Leaving => s.leaving += 1,
        }
    }
    s
}

/// Rejected rows counted per reason (a row with two reasons counts for
/// both), most frequent first, then in code order.
pub fn reason_counts<'a>(reasons: impl IntoIterator<Item = &'a ErrorCode>) -> Vec<(ErrorCode, usize)> {
    let mut counts: std::collections::BTreeMap<ErrorCode, usize> = Default::default();
    for r in reasons {
        *counts.entry(*r).or_default() += 1;
    }
    let mut out: Vec<(ErrorCode, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// NIPs and e-mails met so far in the file.
#[derive(Default)]
struct Seen {
    nips: HashSet<String>,
    emails: HashSet<String>,
}

fn check_row(sheet: &Sheet, row: &SheetRow, ctx: &RuleContext, seen: &mut Seen) -> CheckedRow {
    let cell = |f: Field| row.cell(&sheet.mapping, f);
    let mut reasons: Vec<ErrorCode> = Vec::new();

    let nip = match check_nip(cell(Field::Nip), ctx.today) {
        Ok(nip) => {
            if has_left(cell(Field::Employment)) {
                let verdict = if ctx.working_mailbox.contains(&nip) {
                    Verdict::Leaving
                } else if ctx.has_mailbox.contains(&nip) {
                    Verdict::AlreadyHasAccount
                } else {
                    Verdict::Rejected(vec![ErrorCode::EmployeeLeft])
                };
                seen.nips.insert(nip.clone());
                return CheckedRow { verdict, ..partial(row, sheet, Some(nip)) };
            }
            if ctx.has_mailbox.contains(&nip) {
                return CheckedRow { verdict: Verdict::AlreadyHasAccount, ..partial(row, sheet, Some(nip)) };
            }
            if !seen.nips.insert(nip.clone()) {
                reasons.push(ErrorCode::NipDuplicateInFile);
            }
            Some(nip)
        }
        Err(code) => {
            reasons.push(code);
            None
        }
    };

    let mut out = partial(row, sheet, nip);
    if out.name.is_empty() {
        reasons.push(ErrorCode::NameEmpty);
    } else if out.name.chars().count() > MAX_NAME_CHARS {
        reasons.push(ErrorCode::NameTooLong);
    }

    match ctx.units.find(cell(Field::Unit)) {
        Ok(id) => out.unit_id = Some(id),
        Err(e) => reasons.push(e.code()),
    }

    match normalize_phone(cell(Field::Phone)) {
        Ok(p) => out.phone = Some(p),
        Err(e) => reasons.push(e.code()),
    }
    check_flag(cell(Field::PhoneVerified), ErrorCode::PhoneUnverified, ErrorCode::PhoneVerifiedUnreadable, &mut reasons);

    match check_email(cell(Field::Email), ctx.official_domains) {
        Ok(email) => {
            if !seen.emails.insert(email.to_lowercase()) {
                reasons.push(ErrorCode::EmailDuplicateInFile);
            }
            out.email = Some(email);
        }
        Err(code) => reasons.push(code),
    }
    check_flag(cell(Field::EmailVerified), ErrorCode::EmailUnverified, ErrorCode::EmailVerifiedUnreadable, &mut reasons);

    check_flag(cell(Field::DataComplete), ErrorCode::DataIncomplete, ErrorCode::DataCompleteUnreadable, &mut reasons);

    out.verdict = if reasons.is_empty() { Verdict::Eligible } else { Verdict::Rejected(reasons) };
    out
}

/// The row's text fields, cleaned; the checked values are filled in by the caller.
fn partial(row: &SheetRow, sheet: &Sheet, nip: Option<String>) -> CheckedRow {
    let cell = |f: Field| clean_text(row.cell(&sheet.mapping, f));
    CheckedRow {
        line: row.line,
        nip,
        name: cell(Field::Name),
        title_front: cell(Field::TitleFront),
        title_back: cell(Field::TitleBack),
        unit_id: None,
        phone: None,
        email: None,
        verdict: Verdict::Eligible,
    }
}

/// Whether an employment status cell says the person no longer works for
/// the government (SIMPEG's *kedudukan hukum* and the words people use).
/// Anything else, an empty cell included, counts as still working: only a
/// clear word switches a mailbox off. Preparation for retirement (MPP) and
/// leave outside the state's pay (CLTN) are still employment.
pub fn has_left(input: &str) -> bool {
    let s: String = input.trim().to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let words: Vec<&str> = s.split_whitespace().collect();
    let text = words.join(" ");
    const LEFT: &[&str] = &[
        "pensiun",
        "purna tugas",
        "purnatugas",
        "meninggal",
        "meninggal dunia",
        "wafat",
        "berhenti",
        "diberhentikan",
        "pemberhentian",
        "diberhentikan dengan hormat",
        "diberhentikan tidak dengan hormat",
        "pdh",
        "ptdh",
        "mengundurkan diri",
        "mutasi keluar",
        "pindah keluar",
        "pindah instansi",
        "tidak aktif",
        "non aktif",
        "nonaktif",
    ];
    // "Pensiun (BUP)", "PNS - Pensiun", "Meninggal Dunia 2026": the status word leads or stands alone after a dash
    LEFT.iter().any(|w| text == *w || text.starts_with(&format!("{w} ")) || text.ends_with(&format!(" {w}")))
        // MPP ("masa persiapan pensiun") and a suspension ("pemberhentian sementara") are not leaving
        && !text.contains("persiapan")
        && !text.contains("sementara")
}

/// The normalised NIP or a reason. A NIP the spreadsheet stored as a number
/// shows up in scientific notation (see the reader): its last digits are lost.
pub fn check_nip(input: &str, today: Ymd) -> Result<String, ErrorCode> {
    let s = input.trim();
    // Excel exports sometimes keep the leading apostrophe that forces text.
    let s = s.strip_prefix('\'').unwrap_or(s);
    if s.contains(['e', 'E']) && s.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(ErrorCode::NipAsNumber);
    }
    parse_nip(s, today).map(|(nip, _)| nip).map_err(|e| e.code())
}

/// The normalised personal e-mail or a reason.
pub fn check_email(input: &str, official_domains: &[&str]) -> Result<String, ErrorCode> {
    let email = normalize_email(input)?;
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    let official = official_domains.iter().any(|o| {
        let o = o.trim().trim_start_matches('@').to_ascii_lowercase();
        !o.is_empty() && (domain == o || domain.ends_with(&format!(".{o}")))
    });
    if official {
        return Err(ErrorCode::EmailOfficialDomain);
    }
    Ok(email)
}

/// Reads a yes/no status cell the ways SIMPEG and people write it.
/// `None`: neither (the officer must look).
pub fn parse_flag(input: &str) -> Option<bool> {
    let s: String = input.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    match s.as_str() {
        "ya" | "y" | "yes" | "1" | "true" | "benar" | "sudah" | "sudah verifikasi" | "sudah diverifikasi" | "terverifikasi" | "verified" | "valid"
        | "lengkap" | "ok" | "v" | "✓" | "✔" => Some(true),
        "tidak"
        | "t"
        | "no"
        | "n"
        | "0"
        | "false"
        | "salah"
        | "belum"
        | "belum verifikasi"
        | "belum diverifikasi"
        | "belum terverifikasi"
        | "tidak terverifikasi"
        | "unverified"
        | "tidak valid"
        | "tidak lengkap"
        | "belum lengkap"
        | "-"
        | "" => Some(false),
        _ => None,
    }
}

fn check_flag(input: &str, no: ErrorCode, unreadable: ErrorCode, reasons: &mut Vec<ErrorCode>) {
    match parse_flag(input) {
        Some(true) => {}
        Some(false) => reasons.push(no),
        None => reasons.push(unreadable),
    }
}

/// Text as it should be stored: control characters, bidirectional overrides
/// and zero-width characters removed (they can disguise a name on screen),
/// runs of white space made one space; everything else kept as written.
pub fn clean_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{061C}'                // Arabic letter mark
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'   // isolates
        | '\u{FEFF}'                // BOM / zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
    )
}

#[cfg(test)]
mod tests {
    use super::super::read::columns::{ColumnMapping, Field};
    use super::super::read::{FileKind, Sheet, SheetRow};
    use super::*;

    const TODAY: Ymd = Ymd { year: 2026, month: 6, day: 1 };
    const GOOD: [&str; 10] = ["199001152015031002", "Budi Santoso", "DISKOMINFO", "0812-3456-7890", "Ya", "budi.s@gmail.com", "Ya", "Ya", "", ""];

    fn sheet(rows: &[[&str; 10]]) -> Sheet {
        // Columns in the order of `GOOD`.
        let order = [
            Field::Nip,
            Field::Name,
            Field::Unit,
            Field::Phone,
            Field::PhoneVerified,
            Field::Email,
            Field::EmailVerified,
            Field::DataComplete,
            Field::TitleFront,
            Field::TitleBack,
        ];
        let mapping = order.iter().enumerate().fold(ColumnMapping::default(), |m, (i, f)| m.with(*f, i));
        Sheet {
            kind: FileKind::Csv,
            header_line: 1,
            headers: Field::ALL.iter().map(|f| f.code().to_string()).collect(),
            mapping,
            unmatched: vec![],
            rows: rows.iter().enumerate().map(|(i, r)| SheetRow { line: i + 2, cells: r.iter().map(|s| s.to_string()).collect() }).collect(),
        }
    }

    fn check_with(rows: &[[&str; 10]], has: &[&str]) -> Vec<CheckedRow> {
        let units = UnitMatcher::new(&[(2, "DISKOMINFO", "Dinas Komunikasi dan Informatika"), (3, "DISDIK", "Dinas Pendidikan")]);
        let has: HashSet<String> = has.iter().map(|s| s.to_string()).collect();
        let ctx = RuleContext { today: TODAY, units: &units, official_domains: &["batam.go.id"], has_mailbox: &has, working_mailbox: &has };
        check_sheet(&sheet(rows), &ctx)
    }

    #[test]
    fn reasons_are_counted_most_frequent_first() {
        let rows =
            [vec![ErrorCode::PhoneUnverified, ErrorCode::NipLength], vec![ErrorCode::NipLength], vec![ErrorCode::DataIncomplete], vec![ErrorCode::NipLength]];
        let got = reason_counts(rows.iter().flatten());
        assert_eq!(got[0], (ErrorCode::NipLength, 3));
        assert_eq!(got.len(), 3);
        assert!(got[1..].iter().all(|(_, n)| *n == 1));
        assert!(got[1].0 < got[2].0, "ties in code order");
    }

    #[test]
    fn employment_status_words() {
        for left in [
            "Pensiun",
            "PENSIUN (BUP)",
            "Meninggal Dunia",
            "wafat",
            "Diberhentikan dengan hormat",
            "PTDH",
            "PNS - Pensiun",
            "Mutasi keluar",
            "Tidak Aktif",
            "non-aktif",
        ] {
            assert!(has_left(left), "{left}");
        }
        for working in ["", "Aktif", "PNS", "CPNS", "PPPK", "MPP (Masa Persiapan Pensiun)", "Pemberhentian sementara", "CLTN", "Tugas belajar", "Pensiunan?x"] {
            assert!(!has_left(working), "{working}");
        }
    }

    /// SIMPEG's status column: a working mailbox of someone who left is
    /// proposed for switching off; no new mailbox for a leaver.
    #[test]
    fn people_who_left_get_no_mailbox_and_lose_a_working_one() {
        let units = UnitMatcher::new(&[(2, "DISKOMINFO", "Dinas Komunikasi dan Informatika")]);
        let mut rows = [GOOD; 4];
        rows[1][0] = "199001152015031003";
        rows[2][0] = "199001152015031004";
        rows[3][0] = "199001152015031005";
        let mut s = sheet(&rows);
        s.mapping.set(Field::Employment, Some(10));
        for (r, status) in s.rows.iter_mut().zip(["Pensiun", "Pensiun", "Meninggal dunia", "Aktif"]) {
            r.cells.push(status.to_string());
        }
        let has: HashSet<String> = ["199001152015031002", "199001152015031003", "199001152015031005"].iter().map(|s| s.to_string()).collect();
        let working: HashSet<String> = ["199001152015031002", "199001152015031005"].iter().map(|s| s.to_string()).collect();
        let ctx = RuleContext { today: TODAY, units: &units, official_domains: &["batam.go.id"], has_mailbox: &has, working_mailbox: &working };
        let got: Vec<Verdict> = check_sheet(&s, &ctx).into_iter().map(|r| r.verdict).collect();
        assert_eq!(
            got,
            vec![Verdict::Leaving, Verdict::AlreadyHasAccount, Verdict::Rejected(vec![ErrorCode::EmployeeLeft]), Verdict::AlreadyHasAccount],
            "left with a working mailbox / left, already off / left, never had one / still working, has one"
        );
        let summary = summarize(&check_sheet(&s, &ctx));
        assert_eq!((summary.leaving, summary.already_has_account, summary.rejected), (1, 2, 1));
    }

    fn check(rows: &[[&str; 10]]) -> Vec<CheckedRow> {
        check_with(rows, &[])
    }

    /// The reasons of the single row `GOOD` with column `col` replaced by `value`.
    fn reasons_with(col: usize, value: &str) -> Vec<ErrorCode> {
        let mut row = GOOD;
        row[col] = value;
        check(&[row])[0].verdict.reasons().to_vec()
    }

    #[test]
    fn a_complete_row_is_eligible() {
        let r = &check(&[GOOD])[0];
        assert_eq!(r.verdict, Verdict::Eligible);
        assert_eq!(r.nip.as_deref(), Some("199001152015031002"));
        assert_eq!(r.unit_id, Some(2));
        assert_eq!(r.phone.as_deref(), Some("+6281234567890"));
        assert_eq!(r.email.as_deref(), Some("budi.s@gmail.com"));
        assert_eq!(r.line, 2);
    }

    #[test]
    fn nip_rules() {
        assert_eq!(reasons_with(0, ""), [ErrorCode::NipEmpty]);
        assert_eq!(reasons_with(0, "19900115201503100"), [ErrorCode::NipLength]);
        assert_eq!(reasons_with(0, "199013152015031002"), [ErrorCode::NipBirth]);
        assert_eq!(reasons_with(0, "199001152015033002"), [ErrorCode::NipGender]);
        assert_eq!(reasons_with(0, "1.99001152015031E+17"), [ErrorCode::NipAsNumber]);
        assert_eq!(reasons_with(0, "1.99001152015031e17"), [ErrorCode::NipAsNumber]);
        assert!(reasons_with(0, "'199001152015031002").is_empty(), "Excel's text apostrophe");
        assert!(reasons_with(0, "19900115 201503 1 002").is_empty());
        let rows = check(&[GOOD, {
            let mut r = GOOD;
            r[5] = "other@gmail.com";
            r
        }]);
        assert_eq!(rows[0].verdict, Verdict::Eligible, "the first occurrence keeps its NIP");
        assert_eq!(rows[1].verdict.reasons(), [ErrorCode::NipDuplicateInFile]);
    }

    #[test]
    fn already_has_account_wins() {
        let mut row = GOOD;
        row[3] = "";
        let rows = check_with(&[row], &["199001152015031002"]);
        assert_eq!(rows[0].verdict, Verdict::AlreadyHasAccount);
        assert_eq!(rows[0].name, "Budi Santoso");
    }

    #[test]
    fn name_rules() {
        assert_eq!(reasons_with(1, ""), [ErrorCode::NameEmpty]);
        assert_eq!(reasons_with(1, " \u{200B}\u{202E} "), [ErrorCode::NameEmpty]);
        assert_eq!(reasons_with(1, &"a".repeat(MAX_NAME_CHARS + 1)), [ErrorCode::NameTooLong]);
        for hostile in ["<script>alert(1)</script>", "O'Brien \"Obi\"", "Siti 😀 Rahma", "'; DROP TABLE units; --"] {
            let mut row = GOOD;
            row[1] = hostile;
            let r = &check(&[row])[0];
            assert_eq!(r.verdict, Verdict::Eligible, "{hostile}");
            assert_eq!(r.name, hostile, "kept as written");
        }
        let mut row = GOOD;
        row[1] = "\u{202E}Budi\u{200B}  \tSantoso\u{0007}";
        assert_eq!(check(&[row])[0].name, "Budi Santoso");
    }

    #[test]
    fn titles_make_the_display_name() {
        let mut row = GOOD;
        row[8] = "Dr.";
        row[9] = "S.Kom., M.Si";
        assert_eq!(check(&[row])[0].display_name(), "Dr. Budi Santoso, S.Kom., M.Si");
        assert_eq!(check(&[GOOD])[0].display_name(), "Budi Santoso");
    }

    #[test]
    fn unit_rules() {
        assert_eq!(reasons_with(2, ""), [ErrorCode::UnitEmpty]);
        assert_eq!(reasons_with(2, "Dinas Pariwisata"), [ErrorCode::UnitUnknown]);
        assert!(reasons_with(2, "dinas pendidikan").is_empty());
        assert!(reasons_with(2, "Pendidikan").is_empty());
    }

    #[test]
    fn phone_rules() {
        assert_eq!(reasons_with(3, ""), [ErrorCode::PhoneEmpty]);
        assert_eq!(reasons_with(3, "0778 123456"), [ErrorCode::PhoneNotMobile]);
        assert_eq!(reasons_with(3, "0812"), [ErrorCode::PhoneShort]);
        assert!(reasons_with(3, "81234567890").is_empty(), "a number cell loses its 0");
        assert_eq!(reasons_with(4, "Tidak"), [ErrorCode::PhoneUnverified]);
        assert_eq!(reasons_with(4, ""), [ErrorCode::PhoneUnverified]);
        assert_eq!(reasons_with(4, "mungkin"), [ErrorCode::PhoneVerifiedUnreadable]);
    }

    #[test]
    fn email_rules() {
        assert_eq!(reasons_with(5, ""), [ErrorCode::EmailEmpty]);
        assert_eq!(reasons_with(5, "budi@gmail"), [ErrorCode::EmailInvalid]);
        assert_eq!(reasons_with(5, "budi@batam.go.id"), [ErrorCode::EmailOfficialDomain]);
        assert_eq!(reasons_with(5, "budi@Dinkes.Batam.go.id"), [ErrorCode::EmailOfficialDomain]);
        assert!(reasons_with(5, "budi@notbatam.go.id").is_empty());
        assert_eq!(reasons_with(6, "belum"), [ErrorCode::EmailUnverified]);
        assert_eq!(reasons_with(6, "?"), [ErrorCode::EmailVerifiedUnreadable]);
        let mut second = GOOD;
        second[0] = "199204102019022001";
        second[5] = "BUDI.S@GMAIL.COM";
        let rows = check(&[GOOD, second]);
        assert_eq!(rows[1].verdict.reasons(), [ErrorCode::EmailDuplicateInFile]);
    }

    #[test]
    fn data_completeness() {
        assert_eq!(reasons_with(7, "Belum Lengkap"), [ErrorCode::DataIncomplete]);
        assert_eq!(reasons_with(7, "0"), [ErrorCode::DataIncomplete]);
        assert_eq!(reasons_with(7, "sebagian"), [ErrorCode::DataCompleteUnreadable]);
        assert!(reasons_with(7, "LENGKAP").is_empty());
    }

    #[test]
    fn collects_every_reason_in_field_order() {
        let row = ["x", "", "Dinas X", "x", "tidak", "x", "0", "belum", "", ""];
        assert_eq!(
            check(&[row])[0].verdict.reasons(),
            [
                ErrorCode::NipDigits,
                ErrorCode::NameEmpty,
                ErrorCode::UnitUnknown,
                ErrorCode::PhoneChars,
                ErrorCode::PhoneUnverified,
                ErrorCode::EmailInvalid,
                ErrorCode::EmailUnverified,
                ErrorCode::DataIncomplete
            ]
        );
    }

    #[test]
    fn flags() {
        for yes in ["Ya", " YA ", "1", "true", "TRUE", "Sudah", "sudah  verifikasi", "Terverifikasi", "✓"] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["tidak", "0", "false", "Belum", "", "-", "Tidak Lengkap"] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
        assert_eq!(parse_flag("maybe"), None);
    }

    #[test]
    fn summarizes() {
        let mut bad = GOOD;
        bad[0] = "199204102019022001";
        bad[4] = "tidak";
        let mut other = GOOD;
        other[0] = "198807232012012004";
        other[5] = "dewi@yahoo.co.id";
        let rows = check_with(&[GOOD, bad, other], &["198807232012012004"]);
        assert_eq!(summarize(&rows), Summary { eligible: 1, rejected: 1, already_has_account: 1, leaving: 0 });
    }
}
