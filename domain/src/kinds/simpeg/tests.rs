//! The pieces together: generated files read back and judged as the
//! generator planted them, and hostile bytes that must never panic.

use super::addresses::{propose_addresses, DEFAULT_RULE};
use super::generator::{demo_units, generate, Generated, GeneratorConfig, Planted, HEADERS};
use super::read::columns::{ColumnMapping, Field};
use super::read::{read_sheet, FileKind, ReadError};
use super::rules::{check_sheet, summarize, CheckedRow, RuleContext, Summary, Verdict};
use super::units::UnitMatcher;
use model::validation::address::check_local_part;
use model::validation::Ymd;
use model::ErrorCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

const TODAY: Ymd = Ymd { year: 2026, month: 6, day: 1 };

fn config(rows: usize, seed: u64) -> GeneratorConfig {
    GeneratorConfig { rows, bad_fraction: 0.25, seed, today: TODAY }
}

/// Reads and judges `bytes` as the server will, with the generator's context.
fn judge(bytes: &[u8], has_mailbox: &HashSet<String>, mapping: Option<&ColumnMapping>) -> Result<Vec<CheckedRow>, ReadError> {
    let sheet = read_sheet(bytes, mapping)?;
    let units = UnitMatcher::new(&demo_units());
    let ctx = RuleContext { today: TODAY, units: &units, official_domains: &["batam.go.id"], has_mailbox, working_mailbox: has_mailbox };
    Ok(check_sheet(&sheet, &ctx))
}

/// Every row's verdict is the one the generator planted.
fn assert_as_planted(g: &Generated, rows: &[CheckedRow]) {
    assert_eq!(rows.len(), g.rows.len());
    for (i, (row, gen)) in rows.iter().zip(&g.rows).enumerate() {
        let what = format!("row {i} {:?} {:?}: {:?}", gen.planted, gen.name, row.verdict);
        match gen.planted {
            p if p.eligible() => assert_eq!(row.verdict, Verdict::Eligible, "{what}"),
            Planted::AlreadyHasAccount => assert_eq!(row.verdict, Verdict::AlreadyHasAccount, "{what}"),
            Planted::BadNip => {
                assert!(row.verdict.reasons().iter().any(|r| r.as_str().starts_with("nip_") && *r != ErrorCode::NipDuplicateInFile), "{what}")
            }
            p => assert!(p.expected_reason().is_some_and(|e| row.verdict.reasons().contains(&e)), "{what}"),
        }
    }
    let planted = Summary {
        eligible: g.expected_eligible(),
        already_has_account: g.count(Planted::AlreadyHasAccount),
        rejected: g.rows.len() - g.expected_eligible() - g.count(Planted::AlreadyHasAccount),
        leaving: 0,
    };
    assert_eq!(summarize(rows), planted);
}

/// Eligible rows all get distinct, valid addresses.
fn assert_addresses(rows: &[CheckedRow]) {
    let taken: HashSet<String> = ["budi.santoso", "siti.rahma"].iter().map(|s| s.to_string()).collect();
    let proposals = propose_addresses(rows, DEFAULT_RULE, &taken);
    assert_eq!(proposals.len(), summarize(rows).eligible);
    let mut seen = HashSet::new();
    for p in &proposals {
        let local = p.local_part.as_ref().unwrap_or_else(|e| panic!("line {}: {e}", p.line));
        assert!(check_local_part(local).is_ok(), "{local}");
        assert!(!taken.contains(local), "{local}");
        assert!(seen.insert(local.clone()), "{local} twice");
    }
    assert_eq!(proposals, propose_addresses(rows, DEFAULT_RULE, &taken), "deterministic");
}

#[test]
fn xlsx_round_trip_2000_rows() {
    let g = generate(&config(2000, 11));
    let bytes = g.to_xlsx().unwrap();
    let sheet = read_sheet(&bytes, None).unwrap();
    assert_eq!(sheet.kind, FileKind::Xlsx);
    assert_eq!(sheet.header_line, 3, "title line and blank line skipped");
    assert_eq!(sheet.rows[0].line, 4);
    let rows = judge(&bytes, &g.has_mailbox, None).unwrap();
    assert_as_planted(&g, &rows);
    assert_addresses(&rows);
}

#[test]
fn csv_round_trip_2000_rows_both_delimiters() {
    let g = generate(&config(2000, 12));
    for delimiter in [b';', b','] {
        let bytes = g.to_csv(delimiter).unwrap();
        let rows = judge(&bytes, &g.has_mailbox, None).unwrap();
        assert_as_planted(&g, &rows);
        assert_addresses(&rows);
    }
}

#[test]
fn csv_and_xlsx_agree() {
    let g = generate(&config(300, 13));
    let from_csv = judge(&g.to_csv(b';').unwrap(), &g.has_mailbox, None).unwrap();
    let from_xlsx = judge(&g.to_xlsx().unwrap(), &g.has_mailbox, None).unwrap();
    let strip = |rows: &[CheckedRow]| rows.iter().map(|r| (r.nip.clone(), r.name.clone(), r.verdict.clone())).collect::<Vec<_>>();
    assert_eq!(strip(&from_csv), strip(&from_xlsx));
}

#[test]
fn unknown_headers_need_the_mapping_screen() {
    let g = generate(&config(100, 14));
    let csv = String::from_utf8(g.to_csv(b';').unwrap()).unwrap();
    let renamed: Vec<String> = (1..=HEADERS.len()).map(|i| format!("Kolom {i}")).collect();
    let csv = csv.replacen(&HEADERS.join(";"), &renamed.join(";"), 1);
    assert_eq!(judge(csv.as_bytes(), &g.has_mailbox, None).unwrap_err(), ReadError::HeaderMissing(Field::Nip));

    let sheet = read_sheet(csv.as_bytes(), Some(&ColumnMapping::default())).unwrap_err();
    assert_eq!(sheet, ReadError::HeaderMissing(Field::Nip));

    // The screen maps the columns in the generator's order.
    let fields = [
        Field::Nip,
        Field::Name,
        Field::TitleFront,
        Field::TitleBack,
        Field::Unit,
        Field::Phone,
        Field::PhoneVerified,
        Field::Email,
        Field::EmailVerified,
        Field::DataComplete,
    ];
    let mapping = fields.iter().enumerate().fold(ColumnMapping::default(), |m, (i, f)| m.with(*f, i));
    let rows = judge(csv.as_bytes(), &g.has_mailbox, Some(&mapping)).unwrap();
    assert_as_planted(&g, &rows);
}

/// Random and damaged inputs: reading, checking and proposing may refuse, never panic.
#[test]
fn hostile_bytes_never_panic() {
    let mut rng = StdRng::seed_from_u64(404);
    let g = generate(&GeneratorConfig { rows: 40, bad_fraction: 0.5, seed: 5, today: TODAY });
    let xlsx = g.to_xlsx().unwrap();
    let csv = g.to_csv(b';').unwrap();
    let xls = super::xls_fixture::xls_from_rows(&g.table());
    let run = |bytes: &[u8]| {
        if let Ok(rows) = judge(bytes, &g.has_mailbox, None) {
            let _ = propose_addresses(&rows, DEFAULT_RULE, &HashSet::new());
        }
    };

    // Noise, some dressed with the magic numbers that pick a parser.
    let prefixes: [&[u8]; 5] = [b"", b"PK\x03\x04", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], &[0xEF, 0xBB, 0xBF], b"NIP;NAMA\n"];
    for i in 0..300 {
        let mut bytes = prefixes[i % prefixes.len()].to_vec();
        let len = rng.gen_range(0..2000);
        bytes.extend((0..len).map(|_| rng.gen::<u8>()));
        run(&bytes);
    }
    // Real files with flipped bytes, cut short, or with a run of bytes overwritten.
    for source in [&xlsx, &csv, &xls] {
        for _ in 0..300 {
            let mut bytes = source.clone();
            match rng.gen_range(0..3) {
                0 => {
                    for _ in 0..rng.gen_range(1..20) {
                        let at = rng.gen_range(0..bytes.len());
                        bytes[at] = rng.gen();
                    }
                }
                1 => bytes.truncate(rng.gen_range(0..bytes.len())),
                _ => {
                    let at = rng.gen_range(0..bytes.len());
                    let end = (at + rng.gen_range(1..200)).min(bytes.len());
                    let fill: u8 = rng.gen();
                    bytes[at..end].iter_mut().for_each(|b| *b = fill);
                }
            }
            run(&bytes);
        }
    }
    // CSV text made of the characters that upset parsers.
    let alphabet = ['"', ';', ',', '\n', '\r', '\t', '\'', '<', '>', '\u{202E}', '\u{200B}', '😀', 'é', '0', '8', '@', '.', ' ', 'a'];
    for _ in 0..200 {
        let mut text = format!("{}\n", HEADERS.join(";"));
        for _ in 0..rng.gen_range(0..400) {
            text.push(alphabet[rng.gen_range(0..alphabet.len())]);
        }
        run(text.as_bytes());
    }
}

/// A batch where every name is the same still gets distinct addresses, fast.
#[test]
fn many_equal_names_stay_distinct() {
    let mut g = generate(&GeneratorConfig { rows: 3000, bad_fraction: 0.0, seed: 8, today: TODAY });
    for r in &mut g.rows {
        r.name = "Budi Santoso".into();
        r.title_front.clear();
        r.title_back.clear();
    }
    let rows = judge(&g.to_csv(b',').unwrap(), &g.has_mailbox, None).unwrap();
    let proposals = propose_addresses(&rows, DEFAULT_RULE, &HashSet::new());
    let distinct: HashSet<_> = proposals.iter().map(|p| p.local_part.clone().unwrap_or_default()).collect();
    assert_eq!(distinct.len(), 3000);
    assert_eq!(proposals[2999].local_part.as_deref(), Ok("budi.santoso3000"));
}

#[test]
fn xls_round_trip_1000_rows() {
    let g = generate(&config(1000, 15));
    let bytes = super::xls_fixture::xls_from_rows(&g.table());
    let sheet = read_sheet(&bytes, None).unwrap();
    assert_eq!(sheet.kind, FileKind::Xls);
    assert_eq!(sheet.rows.len(), 1000);
    let rows = judge(&bytes, &g.has_mailbox, None).unwrap();
    assert_as_planted(&g, &rows);
    assert_addresses(&rows);
}
