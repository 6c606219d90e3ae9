//! `make bench` (issue #13): the officers' mailbox directory at a
//! province's scale. Seeds 1,000,000 mailboxes (each with its owner) into
//! the database named by `BENCH_DATABASE_URL` (default: a fresh SQLite file),
//! then runs the searches officers make through `directory::page` (count and
//! page, as the screen asks) and prints p50 / p95 of each. Fails when any
//! p95 is over the budget (20 ms).
//!
//! `BENCH_ROWS` changes the size (for a quick look); a database that already
//! holds that many mailboxes is measured as it is.
mod common;

use chrono::{Duration as Days, TimeZone, Utc};
use domain::entities::{mailbox, person, unit};
use domain::{db, mailboxes::directory, seed, AppState};
use model::{MailboxKind, MailboxQuery, MailboxSort, MailboxStatus, Role};
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait, TransactionTrait};
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_millis(20);
const RUNS: usize = 60;
const BATCH: usize = 1_000;

const FIRST: &[&str] = &[
    "budi", "siti", "agus", "dewi", "andi", "sri", "rudi", "nur", "eko", "rina", "hendra", "maya", "yusuf", "fitri", "dimas", "nurul", "joko", "ani",
    "bambang", "wati", "ahmad", "lestari", "fajar", "indah", "rizki", "putri", "hadi", "ratna", "dedi", "yanti", "arif", "wulan", "teguh", "dian", "iwan",
    "sari", "bayu", "ayu", "gilang", "intan",
];
const LAST: &[&str] = &[
    "santoso",
    "wijaya",
    "pratama",
    "lestari",
    "hakim",
    "saputra",
    "handayani",
    "setiawan",
    "gunawan",
    "hartono",
    "rahma",
    "wulandari",
    "kurniawan",
    "susanto",
    "hidayat",
    "nugroho",
    "purnomo",
    "siregar",
    "nasution",
    "simanjuntak",
    "harahap",
    "lubis",
    "sitompul",
    "tanjung",
    "marpaung",
    "siahaan",
    "panjaitan",
    "sembiring",
    "ginting",
    "tarigan",
];

/// A deterministic mix (no RNG crate needed): the n-th value of a simple LCG.
fn mix(n: u64) -> u64 {
    n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 17
}

async fn seed_million(state: &AppState, rows: usize) {
    let db = &state.db;
    let units: Vec<i32> = unit::Entity::find().all(db).await.unwrap().into_iter().map(|u| u.id).collect();
    let domain_id = domain::entities::domain_name::Entity::find().one(db).await.unwrap().unwrap().id;
    let start_people = person::Entity::find().count(db).await.unwrap() as i32;
    let t0 = Instant::now();
    let base = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    for chunk in 0..rows.div_ceil(BATCH) {
        let txn = db.begin().await.unwrap();
        let range = chunk * BATCH..((chunk + 1) * BATCH).min(rows);
        let mut people = Vec::with_capacity(BATCH);
        let mut boxes = Vec::with_capacity(BATCH);
        for n in range {
            let r = mix(n as u64);
            let first = FIRST[(r % FIRST.len() as u64) as usize];
            let last = LAST[((r >> 8) % LAST.len() as u64) as usize];
            let name = format!("{} {}", cap(first), cap(last));
            let local = format!("{first}.{last}{n}");
            let created = base + Days::minutes((r % (2 * 365 * 24 * 60)) as i64);
            let unit_id = units[(r >> 16) as usize % units.len()];
            // 18 digits, unique by the row number
            let nip = format!("19{:06}{:010}", 800_101 + r % 1000, n);
            people.push(person::ActiveModel {
                name: Set(name.clone()),
                nip: Set(Some(nip)),
                unit_id: Set(Some(unit_id)),
                created_at: Set(created),
                updated_at: Set(created),
                ..Default::default()
            });
            let (kind, status) = match r % 100 {
                0..=79 => ("personal", "active"),
                80..=87 => ("personal", "pending"),
                88..=92 => ("personal", "disabled"),
                93..=96 => ("unit", "active"),
                97..=98 => ("kegiatan", "active"),
                _ => ("event", "active"),
            };
            boxes.push(mailbox::ActiveModel {
                address: Set(format!("{local}@batam.go.id")),
                local_part: Set(local),
                domain_id: Set(domain_id),
                kind: Set(kind.into()),
                display_name: Set(name),
                person_id: Set((kind == "personal").then_some(start_people + n as i32 + 1)),
                unit_id: Set(Some(unit_id)),
                reset_phone: Set(Some(format!("+62812{:08}", mix(n as u64 + 7) % 100_000_000))),
                status: Set(status.into()),
                quota_mb: Set(1024),
                created_at: Set(created),
                updated_at: Set(created),
                ..Default::default()
            });
        }
        person::Entity::insert_many(people).exec(&txn).await.unwrap();
        mailbox::Entity::insert_many(boxes).exec(&txn).await.unwrap();
        txn.commit().await.unwrap();
    }
    println!("seeded {rows} mailboxes and owners in {:.1?}", t0.elapsed());
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/surel.db?mode=rwc", tmp.path().display()));
    let which = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let state = common::open(&url).await;
    db::migrate(&state.db).await.unwrap();
    // a database seeded by an earlier run (BENCH_DATABASE_URL) is used as it is
    if mailbox::Entity::find().count(&state.db).await.unwrap() < rows as u64 {
        seed::seed_demo(&state).await.unwrap();
        seed_million(&state, rows).await;
    }
    let state = common::with_statistics(state, &url).await;
    let officer = common::actor("budi.santoso@batam.go.id", Role::Petugas, None);
    let some_unit = unit::Entity::find().one(&state.db).await.unwrap().unwrap().id;
    // a NIP, an address part and a phone end that exist
    let sample = mailbox::Entity::find_by_id(1234).one(&state.db).await.unwrap().unwrap();
    let nip = person::Entity::find_by_id(sample.person_id.unwrap_or(1000)).one(&state.db).await.unwrap().and_then(|p| p.nip).unwrap_or_default();
    let phone_end: String = sample.reset_phone.clone().unwrap_or_default().chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let q = |text: &str| MailboxQuery { text: text.into(), ..Default::default() };
    let cases: Vec<(&str, MailboxQuery)> = vec![
        ("everything, by address, page 1", q("")),
        ("everything, page 15", MailboxQuery { page: 14, ..q("") }),
        ("everything, by name", MailboxQuery { sort: MailboxSort::Name, ..q("") }),
        ("everything, newest first", MailboxQuery { sort: MailboxSort::Newest, ..q("") }),
        ("common name 'budi'", q("budi")),
        ("name 'Hakim' by name", MailboxQuery { sort: MailboxSort::Name, ..q("Hakim") }),
        ("address part 'pratama12'", q("pratama12")),
        ("one address, whole", q(&sample.address)),
        ("two letters 'yu'", q("yu")),
        ("whole NIP", q(&nip)),
        ("phone's last 4 digits", q(&phone_end)),
        ("kind unit, active", MailboxQuery { kind: Some(MailboxKind::Unit), status: Some(MailboxStatus::Active), ..q("") }),
        ("disabled, newest", MailboxQuery { status: Some(MailboxStatus::Disabled), sort: MailboxSort::Newest, ..q("") }),
        ("one unit + 'santoso'", MailboxQuery { unit_id: Some(some_unit), ..q("santoso") }),
        ("created in 2025-03", MailboxQuery { created_month: Some("2025-03".into()), ..q("") }),
        ("nothing matches 'qqqzzz'", q("qqqzzz")),
    ];
    println!("\n{which}, {rows} mailboxes: directory::page (count up to {} + one page of {})", directory::COUNT_CAP, directory::PAGE_SIZE);
    println!("{:<36} {:>9} {:>9} {:>9}", "search", "found", "p50", "p95");
    let mut worst = Duration::ZERO;
    for (name, query) in &cases {
        let first = directory::page(&state, &officer, query).await.unwrap(); // warm-up
        let mut samples: Vec<Duration> = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let p = directory::page(&state, &officer, query).await.unwrap();
            samples.push(t.elapsed());
            assert_eq!(p.total, first.total);
        }
        samples.sort();
        let (p50, p95) = (samples[RUNS / 2], samples[RUNS * 95 / 100]);
        worst = worst.max(p95);
        let found = if first.more { format!(">{}", first.total) } else { first.total.to_string() };
        println!("{name:<36} {found:>9} {:>9.2?} {:>9.2?}{}", p50, p95, if p95 > BUDGET { "  OVER BUDGET" } else { "" });
        assert!(first.total > 0 || name.starts_with("nothing"), "{name}: the search should find something");
    }
    println!("worst p95: {worst:.2?} (budget {BUDGET:?})");
    if worst > BUDGET {
        eprintln!("FAILED: directory search p95 over {BUDGET:?} on {which}");
        std::process::exit(1);
    }
}
