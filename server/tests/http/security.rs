//! Attacks on a running server, each of which worked before it was closed:
//! parallel guesses at one code, many attempts from many clients at one
//! address, racing resends, a burst of wrong staff passwords, forged client
//! addresses, cross-site posts, open redirects, an XLSX that inflates past
//! what it declares, and roles reaching into other units' requests and
//! SIMPEG files. Each drives the real server over HTTP, on SQLite and
//! PostgreSQL where a race is involved.

use crate::support::{gateway::code_in, Db, TestServer, DEMO_PASSWORD, STAFF};
use domain::entities::{audit_entry, mailbox, rate_limit, reset_attempt};
use futures::future::join_all;
use reqwest::{header, Client, StatusCode};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

const OWNER: &str = "yusuf.hakim@batam.go.id";
const OWNER_PHONE: &str = "+6281290000001";
const NEW_PASSWORD: &str = "kenari-Samudra-lentera-4-sagu";

async fn start(s: &TestServer, c: &Client, address: &str, ip: &str) -> reqwest::Response {
    c.post(format!("{}/ganti-sandi", s.url)).header("x-forwarded-for", ip).form(&[("action", "start"), ("address", address)]).send().await.unwrap()
}

/// One guess through the plain form: status and page.
async fn guess(s: &TestServer, c: &Client, code: &str, ip: &str) -> (StatusCode, String) {
    let r = c
        .post(format!("{}/ganti-sandi", s.url))
        .header("x-forwarded-for", ip)
        .form(&[("action", "complete"), ("code", code), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)])
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

fn wrong(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// A guess that was compared and found wrong ("Sisa N kali percobaan").
fn compared(page: &str) -> bool {
    page.contains("kali percobaan")
}

async fn attempts_of(s: &TestServer, address: &str) -> Vec<reset_attempt::Model> {
    reset_attempt::Entity::find().filter(reset_attempt::Column::Address.eq(address)).all(&s.db().await).await.unwrap()
}

async fn audit_count(s: &TestServer, action: &str) -> u64 {
    audit_entry::Entity::find().filter(audit_entry::Column::Action.eq(action)).count(&s.db().await).await.unwrap()
}

/// 40 parallel wrong guesses on one code: each takes its slot in one
/// conditional UPDATE before it is compared, so at most 5 are compared and
/// the real code is dead afterwards.
#[tokio::test]
async fn forty_parallel_guesses_on_one_code_compare_at_most_five() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let c = s.client();
        start(&s, &c, OWNER, "10.20.0.1").await;
        let code = code_in(&s.sms.wait_nth(OWNER_PHONE, 1).await.text);
        let bad = wrong(&code);
        let pages = join_all((0..40).map(|i| {
            let (s, c) = (&s, c.clone());
            async move { guess(s, &c, bad, &format!("10.20.1.{i}")).await }
        }))
        .await;
        assert!(pages.iter().all(|(st, _)| *st == StatusCode::UNPROCESSABLE_ENTITY), "{db:?}: every guess answered");
        // guesses 1–4 say how many are left, the 5th and every refused one say the code is dead
        assert_eq!(pages.iter().filter(|(_, p)| compared(p)).count(), 4, "{db:?}: compared guesses");
        assert_eq!(pages.iter().filter(|(_, p)| p.contains("Terlalu banyak kode salah")).count(), 36, "{db:?}");
        assert_eq!(attempts_of(&s, OWNER).await[0].wrong_guesses, 5, "{db:?}: the stored counter is exact");
        let (_, page) = guess(&s, &c, &code, "10.20.2.1").await;
        assert!(page.contains("Terlalu banyak kode salah"), "{db:?}: the real code is dead too");
    }
}

/// One address, 40 attempts from 40 client addresses, 5 wrong guesses each,
/// all at once: the address's ceiling (20 wrong codes over any 24 hours)
/// holds across attempts and clients; codes withheld by the daily SMS limit
/// were never stored; the owner is told once; an attempt started before the
/// attack cannot finish with its real code; and the address then answers
/// exactly like one that does not exist.
#[tokio::test]
async fn the_account_ceiling_holds_across_attempts_and_clients() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let before = mailbox::Entity::find().filter(mailbox::Column::Address.eq(OWNER)).one(&s.db().await).await.unwrap().unwrap();
        // the owner's own attempt, whose code the attacker never sees
        let owner = s.client();
        start(&s, &owner, OWNER, "10.30.0.1").await;
        let owners_code = code_in(&s.sms.wait_nth(OWNER_PHONE, 1).await.text);
        // 40 attackers, one attempt each
        let attackers: Vec<Client> = (0..40).map(|_| s.client()).collect();
        for (i, c) in attackers.iter().enumerate() {
            assert_eq!(start(&s, c, OWNER, &format!("10.31.{i}.1")).await.status(), StatusCode::SEE_OTHER);
        }
        let guesses = attackers.iter().enumerate().flat_map(|(i, c)| (0..5).map(move |j| (i, j, c.clone())));
        let bad = wrong(&owners_code);
        let pages = join_all(guesses.map(|(i, j, c)| {
            let s = &s;
            async move { guess(s, &c, bad, &format!("10.31.{i}.{}", 10 + j)).await }
        }))
        .await;
        // every comparison takes an account slot first, and exactly the
        // ceiling's 20 slots were taken, whatever the attempts (past it a
        // guess is answered "wrong" without being compared, as for an unknown
        // address, so the pages cannot tell; the password is checked below)
        assert!(pages.iter().any(|(_, p)| compared(p)), "{db:?}: guesses were answered");
        let conn = s.db().await;
        let ceiling = rate_limit::Entity::find_by_id(format!("reset-wrong-account:{OWNER}")).one(&conn).await.unwrap().unwrap();
        assert_eq!(ceiling.count, 20, "{db:?}: exactly the ceiling was taken");
        // the daily SMS limit (5) withheld later codes: no usable code was stored for them
        let attempts = attempts_of(&s, OWNER).await;
        assert_eq!(attempts.len(), 41);
        let sent: Vec<_> = s.sms.settle(OWNER_PHONE).await.into_iter().filter(|m| m.text.starts_with("Kode Surel")).collect();
        assert_eq!(sent.len(), 5, "{db:?}: five codes a day");
        // the owner hears it once
        let paused: Vec<_> = s.sms.to(OWNER_PHONE).into_iter().filter(|m| m.text.contains("dihentikan")).collect();
        assert_eq!(paused.len(), 1, "{db:?}: told once");
        assert_eq!(audit_count(&s, "reset.paused").await, 1);
        // the owner's own real code no longer resets the password
        // (its attempt was cancelled by the pause: back to the start, marked expired)
        let r = owner
            .post(format!("{}/ganti-sandi", s.url))
            .header("x-forwarded-for", "10.30.0.1")
            .form(&[("action", "complete"), ("code", owners_code.as_str()), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()[header::LOCATION], "/ganti-sandi?kedaluwarsa=1", "{db:?}: paused");
        let after = mailbox::Entity::find_by_id(before.id).one(&conn).await.unwrap().unwrap();
        assert_eq!(after.password_hash, before.password_hash, "{db:?}: password unchanged");
        // a new attempt gets no code and looks like an unknown address
        let fresh = s.client();
        let paused_start = start(&s, &fresh, OWNER, "10.32.0.1").await.status();
        let unknown = s.client();
        let unknown_start = start(&s, &unknown, "tidak.ada.sama.sekali@batam.go.id", "10.32.0.2").await.status();
        assert_eq!((paused_start, unknown_start), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
        let (_, p1) = guess(&s, &fresh, "123456", "10.32.0.1").await;
        let (_, p2) = guess(&s, &unknown, "123456", "10.32.0.2").await;
        assert_eq!(p1.contains("Kode salah"), p2.contains("Kode salah"), "{db:?}: same answer as an unknown address");
        assert_eq!(s.sms.settle(OWNER_PHONE).await.iter().filter(|m| m.text.starts_with("Kode Surel")).count(), 5, "{db:?}: no new code");
    }
}

/// Two resends at the same moment: one wins, and the code in the SMS that
/// went out is the one that works.
#[tokio::test]
async fn parallel_resends_send_the_code_that_works() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let c = s.client();
        start(&s, &c, OWNER, "10.40.0.1").await;
        s.sms.wait_nth(OWNER_PHONE, 1).await;
        // past the 60-second cooldown without waiting for it
        let conn = s.db().await;
        let a = &attempts_of(&s, OWNER).await[0];
        reset_attempt::Entity::update_many()
            .col_expr(reset_attempt::Column::CodeSentAt, Expr::value(a.code_sent_at.map(|t| t - chrono::Duration::seconds(120))))
            .filter(reset_attempt::Column::Id.eq(a.id))
            .exec(&conn)
            .await
            .unwrap();
        let resend = || c.post(format!("{}/ganti-sandi", s.url)).header("x-forwarded-for", "10.40.0.1").form(&[("action", "resend")]).send();
        let (r1, r2) = tokio::join!(resend(), resend());
        let statuses = [r1.unwrap().status(), r2.unwrap().status()];
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 1, "{db:?}: {statuses:?}");
        let second = s.sms.wait_nth(OWNER_PHONE, 2).await;
        assert_eq!(s.sms.settle(OWNER_PHONE).await.len(), 2, "{db:?}: one new SMS");
        let r = c
            .post(format!("{}/ganti-sandi", s.url))
            .form(&[("action", "complete"), ("code", &code_in(&second.text)), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{db:?}: the code that was sent works");
    }
}

/// 30 wrong staff passwords at once: the failure slot is taken before the
/// Argon2 check, so exactly 5 are checked and the rest refused at once.
#[tokio::test]
async fn a_burst_of_wrong_passwords_is_cut_at_the_limit() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let admin = STAFF[0].1;
        let statuses = join_all((0..30).map(|i| {
            let s = &s;
            async move {
                s.client()
                    .post(format!("{}/masuk", s.url))
                    .header("x-forwarded-for", format!("10.50.{i}.1"))
                    .form(&[("address", admin), ("password", "salah-sekali-bukan-sandinya")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        }))
        .await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count(), 5, "{db:?}: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 25, "{db:?}");
        // the right password waits too; another account does not
        let r = s
            .client()
            .post(format!("{}/masuk", s.url))
            .header("x-forwarded-for", "10.50.99.1")
            .form(&[("address", admin), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        s.signed_in(STAFF[1].1).await;
    }
}

/// Through the trusted proxy a client's own `X-Forwarded-For` entries are
/// not believed: it is counted under the address the proxy appended. IPv6
/// clients are counted by their /64. A peer that is no trusted proxy is the
/// client, whatever header it sends.
#[tokio::test]
async fn forged_client_addresses_are_not_believed() {
    let s = TestServer::start(Db::Sqlite).await;
    // 30 starts an hour per client address
    for i in 0..30 {
        let r = start(&s, &s.client(), OWNER, &format!("6.6.{i}.6, 203.0.113.50")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "start {i}");
    }
    assert_eq!(start(&s, &s.client(), OWNER, "1.2.3.4, 203.0.113.50").await.status(), StatusCode::TOO_MANY_REQUESTS, "forged left part ignored");
    assert_eq!(start(&s, &s.client(), OWNER, "203.0.113.51").await.status(), StatusCode::SEE_OTHER, "another client is not affected");
    for i in 0..30 {
        start(&s, &s.client(), OWNER, &format!("2001:db8:5:6::{i:x}")).await;
    }
    assert_eq!(start(&s, &s.client(), OWNER, "2001:db8:5:6:ffff::1").await.status(), StatusCode::TOO_MANY_REQUESTS, "same /64");
    assert_eq!(start(&s, &s.client(), OWNER, "2001:db8:5:7::1").await.status(), StatusCode::SEE_OTHER, "another /64");

    // without trusted proxies the header means nothing
    let direct =
        TestServer::start_with(crate::support::Options { db: Db::Sqlite, seed: true, extra_env: vec![("SUREL_TRUSTED_PROXIES".into(), String::new())] }).await;
    for i in 0..30 {
        start(&direct, &direct.client(), OWNER, &format!("198.51.100.{i}")).await;
    }
    assert_eq!(start(&direct, &direct.client(), OWNER, "198.51.100.200").await.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// Phone-proof codes (F4): 40 parallel guesses at one proof compare at most
/// five; two parallel sends for one number send one code.
#[tokio::test]
async fn phone_proofs_cannot_be_raced() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let c = s.client();
        let sends = join_all((0..2).map(|_| s.call(&c, "/api/apply/send-code", json!({ "phone": "0812-7650-0099" })))).await;
        assert_eq!(sends.iter().filter(|(st, _)| *st == StatusCode::OK).count(), 1, "{db:?}: {sends:?}");
        assert_eq!(sends.iter().filter(|(st, _)| *st == StatusCode::TOO_MANY_REQUESTS).count(), 1, "{db:?}");
        assert_eq!(s.sms.settle("+6281276500099").await.len(), 1, "{db:?}: one SMS");
        // a status code for an unknown ticket: no SMS, and every guess is wrong
        let (status, token) = s.call(&c, "/api/apply/status-code", json!({ "ticket": "SRL-2099-000777" })).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        let token: String = serde_json::from_str(&token).unwrap();
        let answers = join_all((0..40).map(|i| {
            let (s, token) = (&s, token.clone());
            async move {
                let c = s.client();
                let r = c
                    .post(format!("{}/api/apply/status", s.url))
                    .header("x-forwarded-for", format!("10.60.{i}.1"))
                    .header("content-type", "application/json")
                    .body(json!({ "ticket": "SRL-2099-000777", "token": token, "code": "123456" }).to_string())
                    .send()
                    .await
                    .unwrap();
                r.text().await.unwrap()
            }
        }))
        .await;
        assert_eq!(answers.iter().filter(|a| a.contains("code_wrong")).count(), 4, "{db:?}: {answers:?}");
        assert_eq!(answers.iter().filter(|a| a.contains("code_dead")).count(), 36, "{db:?}");
    }
}

/// Cross-site and client-less posts, non-JSON server-function bodies, and
/// redirect targets that leave the site.
#[tokio::test]
async fn cross_site_posts_and_open_redirects_are_refused() {
    let s = TestServer::start(Db::Sqlite).await;
    let bare = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // a form post that says nothing about where it comes from
    let r = bare.post(format!("{}/ganti-sandi", s.url)).form(&[("action", "start"), ("address", OWNER)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // a command-line client says so with a header a form cannot send
    let r = bare.post(format!("{}/ganti-sandi", s.url)).header("x-surel-client", "cli").form(&[("action", "start"), ("address", OWNER)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // server functions take JSON only (a cross-site form can send text/plain)
    let admin = s.signed_in(STAFF[0].1).await;
    let r = admin.post(format!("{}/api/staff/list", s.url)).header("content-type", "text/plain").body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // redirect targets: a tab (dropped by browsers) must not turn into another host
    // (the target is kept through the second step; each try signs in as
    // another person so no TOTP step is waited for)
    let nexts = ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/admin", "/admin/permohonan"];
    for (i, next) in nexts.into_iter().enumerate() {
        let who = STAFF[i + 1].1;
        let c = s.client();
        let r = c.post(format!("{}/masuk", s.url)).form(&[("address", who), ("password", DEMO_PASSWORD), ("next", next)]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[header::LOCATION], "/masuk/verifikasi", "{next:?}");
        let code = s.next_totp(who).await;
        let r = c.post(format!("{}/masuk/verifikasi", s.url)).form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let want = if next.starts_with("/admin") { next } else { "/admin" };
        assert_eq!(r.headers()[header::LOCATION], want, "{next:?}");
    }
    for next in ["/\t/evil.example", "//evil.example"] {
        let r = s.client().post(format!("{}/bahasa", s.url)).form(&[("locale", "en"), ("next", next)]).send().await.unwrap();
        assert_eq!(r.headers()[header::LOCATION], "/", "{next:?}");
    }
}

/// Outside demo mode no code or link is shown to anyone; demo mode is never
/// implied and is refused on an https address.
#[tokio::test]
async fn demo_mode_is_opt_in() {
    let s = TestServer::start(Db::Sqlite).await;
    start(&s, &s.client(), OWNER, "10.70.0.1").await;
    s.sms.wait_nth(OWNER_PHONE, 1).await;
    for who in [STAFF[0].1, STAFF[2].1] {
        let c = s.signed_in(who).await;
        let (status, text) = s.call(&c, "/api/outbox/list", json!({ "query": {} })).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["demo"], false);
        assert!(v["rows"].as_array().unwrap().iter().all(|r| r["body"].is_null()), "no text outside demo mode");
    }
    // no SMS gateway does not mean demo mode
    let out = std::process::Command::new(crate::support::surel_bin())
        .args(["serve"])
        .env("SUREL_SECRET", crate::support::SECRET)
        .env("SUREL_DEMO", "true")
        .env("SUREL_PUBLIC_URL", "https://surel.batam.go.id")
        .env("DATABASE_URL", format!("sqlite://{}/other.db", s.dir.path().display()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// An XLSX whose shared strings really inflate past the limit (whatever the
/// zip declares) is refused with a clear message, and the server's memory
/// stays far below what inflating it would take.
#[tokio::test]
async fn an_xlsx_that_inflates_past_the_limit_is_refused() {
    let s = TestServer::start(Db::Sqlite).await;
    let agus = s.signed_in("agus.setiawan@batam.go.id").await;
    for lie in [false, true] {
        let bytes = bomb(40 * 1024 * 1024, lie);
        assert!(bytes.len() < 1024 * 1024, "a small file");
        let (status, text) = simpeg_upload(&s, &agus, "bom.xlsx", &bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "lie={lie}: {text}");
        assert!(text.contains("file_unpacks_too_large") || (lie && text.contains("file_unreadable")), "lie={lie}: {text}");
    }
    let peak = s.peak_memory_kb();
    assert!(peak > 0 && peak < 200 * 1024, "peak memory {peak} KB");
}

/// A minimal XLSX whose `xl/sharedStrings.xml` inflates to `size` bytes;
/// with `lie`, the zip declares 1 KB for it.
fn bomb(size: usize, lie: bool) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/sharedStrings.xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#).unwrap();
    let chunk = vec![b'A'; 1024 * 1024];
    for _ in 0..size / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.write_all(b"</t></si></sst>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#).unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    if lie {
        // rewrite the uncompressed size of the big part in its local header
        // and its central directory entry to 1 KB
        let name = b"xl/sharedStrings.xml";
        for (sig, size_at) in [(&[0x50u8, 0x4B, 0x03, 0x04][..], 22usize), (&[0x50u8, 0x4B, 0x01, 0x02][..], 24usize)] {
            let mut i = 0;
            while let Some(p) = bytes[i..].windows(4).position(|w| w == sig).map(|p| p + i) {
                let name_at = if sig[2] == 3 { p + 30 } else { p + 46 };
                if bytes.get(name_at..name_at + name.len()) == Some(&name[..]) {
                    bytes[p + size_at..p + size_at + 4].copy_from_slice(&1024u32.to_le_bytes());
                }
                i = p + 4;
            }
        }
    }
    bytes
}

pub async fn simpeg_upload(s: &TestServer, c: &Client, filename: &str, bytes: &[u8]) -> (StatusCode, String) {
    let boundary = "----surel-security-77";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r =
        c.post(format!("{}/simpeg/unggah", s.url)).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The audit chain is keyed with the server secret: `surel audit verify`
/// says it is intact, names the first entry someone changed in the database,
/// and the audit page shows that verdict.
#[tokio::test]
async fn the_audit_chain_is_verified_and_names_a_tampered_entry() {
    use sea_orm::ConnectionTrait;
    let s = TestServer::start(Db::Sqlite).await;
    s.signed_in(STAFF[0].1).await;
    let out = s.cli(&["audit", "verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact"));
    let conn = s.db().await;
    let second = audit_entry::Entity::find().all(&conn).await.unwrap()[1].id;
    conn.execute_unprepared(&format!("UPDATE audit_log SET actor_label = 'orang lain' WHERE id = {second}")).await.unwrap();
    let out = s.cli(&["audit", "verify"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("broken at entry #{second}")), "{err}");
    let auditor = s.signed_in(STAFF[1].1).await;
    let (_, text) = s.call(&auditor, "/api/audit/list", json!({ "page": 0, "query": "" })).await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((v["chain_ok"].as_bool(), v["chain_broken_at"].as_i64()), (Some(false), Some(second as i64)), "{text}");
}
