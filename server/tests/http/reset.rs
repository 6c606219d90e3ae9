//! Ganti-sandi over HTTP, as a browser without JavaScript would use it:
//! identical answers for unknown addresses, code rules and limits, the
//! notifications, and (separately) the real mail server.

use crate::support::{gateway::code_in, Db, TestServer};
use reqwest::{header, Client, StatusCode};
use std::time::{Duration, Instant};

const OWNER: &str = "yusuf.hakim@batam.go.id";
const OWNER_PHONE: &str = "+6281290000001";
const OTHER: &str = "nurul.aini@batam.go.id";
const OTHER_PHONE: &str = "+6281290000002";
const NEW_PASSWORD: &str = "kenari-Samudra-lentera-4-sagu";

async fn start(s: &TestServer, c: &Client, address: &str, ip: &str) -> reqwest::Response {
    c.post(format!("{}/ganti-sandi", s.url)).header("x-forwarded-for", ip).form(&[("action", "start"), ("address", address)]).send().await.unwrap()
}

async fn complete(s: &TestServer, c: &Client, code: &str, password: &str, confirm: &str) -> reqwest::Response {
    c.post(format!("{}/ganti-sandi", s.url))
        .form(&[("action", "complete"), ("code", code), ("password", password), ("password_confirm", confirm)])
        .send()
        .await
        .unwrap()
}

async fn page(s: &TestServer, c: &Client) -> String {
    c.get(format!("{}/ganti-sandi", s.url)).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn full_reset_without_javascript() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let c = s.client();
        // The form is there with the contract's field names.
        let html = page(&s, &c).await;
        assert!(html.contains(r#"name="address""#) && html.contains(r#"autocomplete="username""#));
        let r = start(&s, &c, "yusuf.hakim", "10.1.0.1").await; // default domain is added
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = page(&s, &c).await;
        for needle in [
            r#"name="code""#,
            r#"autocomplete="one-time-code""#,
            r#"name="password""#,
            r#"name="password_confirm""#,
            r#"autocomplete="new-password""#,
            r#"inputmode="numeric""#,
        ] {
            assert!(html.contains(needle), "{db:?}: step 2 lacks {needle}");
        }
        assert!(!html.contains("****"), "the phone is not shown before a valid code");
        // the password step is never a kept page: another person's shows another example passphrase
        let suggestion =
            |html: &str| html.split_once("hint suggestion").and_then(|(_, r)| r.split_once("<code>")).map(|(_, r)| r.split('<').next().unwrap().to_string());
        let other = s.client();
        assert_eq!(start(&s, &other, OTHER, "10.1.0.2").await.status(), StatusCode::SEE_OTHER);
        let (mine, theirs) = (suggestion(&html).expect("an example passphrase"), suggestion(&page(&s, &other).await).expect("an example passphrase"));
        assert_ne!(mine, theirs);
        let sms = s.sms.wait_nth(OWNER_PHONE, 1).await;
        let code = code_in(&sms.text);
        assert_eq!(sms.idempotency_key.as_deref().map(|k| k.starts_with("reset:")), Some(true));
        // the code is nowhere in the database
        if db == Db::Sqlite {
            let dump = std::process::Command::new("sqlite3").arg(s.dir.path().join("surel.db")).arg(".dump").output().unwrap();
            assert!(!String::from_utf8_lossy(&dump.stdout).contains(&code), "code stored in plain text");
            assert!(!s.log().contains(&code), "code in the log");
        }
        // no code and two different passwords: both said at once, no guess spent
        let html = complete(&s, &c, "", NEW_PASSWORD, "lain").await.text().await.unwrap();
        // (the page also carries every text for the light bundle: read the fields' messages)
        let said =
            |id: &str, text: &str| html.split_once(&format!(r#"id="{id}""#)).is_some_and(|(_, rest)| rest.chars().take(300).collect::<String>().contains(text));
        assert!(said("code-error", "Wajib diisi."), "{db:?}: the empty code");
        assert!(said("password_confirm-error", "Kedua kata sandi tidak sama."), "{db:?}: the mismatch with the code's error");
        // a weak password with the right code: refused with a reason, code remembered, phone now shown
        let r = complete(&s, &c, &code, "yusufhakim12345", "yusufhakim12345").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("tidak boleh memuat alamat email"), "{db:?}: reason shown");
        assert!(html.contains("+62 812-****-001"), "masked phone after a valid code");
        // now the password alone (the code was used already)
        let r = complete(&s, &c, "", NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{db:?}");
        assert_eq!(r.headers()[header::LOCATION], "/sandi-tersimpan");
        // the owner is told by SMS (and e-mail is queued for the mailbox)
        let told = s.sms.wait_nth(OWNER_PHONE, 2).await;
        assert!(told.text.contains("diganti"), "{}", told.text);
        // the attempt is over: the same cookie cannot set another password
        let r = complete(&s, &c, &code, "another-Long-pass-phrase-77", "another-Long-pass-phrase-77").await;
        assert_eq!(r.headers()[header::LOCATION], "/ganti-sandi?kedaluwarsa=1");
    }
}

#[tokio::test]
async fn unknown_addresses_get_the_same_answer_at_the_same_speed() {
    let s = TestServer::start(Db::Sqlite).await;
    let normalise = |html: String, address: &str| {
        let mut out = String::new();
        let mut rest = html.as_str();
        while let Some(i) = rest.find("nonce=\"").into_iter().chain(rest.find("crossorigin=\"")).min() {
            let start = i + rest[i..].find('"').unwrap() + 1;
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            rest = &rest[rest.find('"').unwrap_or(0)..];
        }
        out.push_str(rest);
        // the example passphrase is random on every page, and the countdowns tick
        let suggestion = match (out.find("<code>"), out.find("</code>")) {
            (Some(a), Some(b)) if b > a => out[a + 6..b].to_string(),
            _ => String::new(),
        };
        let out = if suggestion.is_empty() { out } else { out.replace(&suggestion, "SUGGESTION") };
        let out = out.replace(address, "ADDRESS");
        out.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect::<String>()
    };
    let mut real = vec![];
    let mut fake = vec![];
    for i in 0..30 {
        for (address, times) in [(OWNER, &mut real), ("tidak.terdaftar@batam.go.id", &mut fake)] {
            let c = s.client();
            let t = Instant::now();
            let r = start(&s, &c, address, &format!("10.2.{i}.{}", times.len())).await;
            times.push(t.elapsed());
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            assert!(r.headers().get_all(header::SET_COOKIE).iter().any(|v| v.to_str().unwrap().starts_with("surel_reset=")));
        }
    }
    // identical pages for the next step
    let (a, b) = (s.client(), s.client());
    start(&s, &a, OTHER, "10.3.0.1").await;
    start(&s, &b, "nobody.here@batam.go.id", "10.3.0.2").await;
    let pa = normalise(page(&s, &a).await, OTHER);
    let pb = normalise(page(&s, &b).await, "nobody.here@batam.go.id");
    assert_eq!(pa, pb, "step 2 differs between a real and an unknown address");
    // and identical failures for a guessed code
    let ra = complete(&s, &a, "123456", NEW_PASSWORD, NEW_PASSWORD).await;
    let rb = complete(&s, &b, "123456", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(ra.status(), rb.status());
    let (ta, tb) = (normalise(ra.text().await.unwrap(), OTHER), normalise(rb.text().await.unwrap(), "nobody.here@batam.go.id"));
    if !ta.contains("Kode salah") {
        // the one-in-a-million chance that 123456 was the real code
        return;
    }
    assert_eq!(ta, tb);
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (mr, mf) = (median(&mut real), median(&mut fake));
    let diff = mr.abs_diff(mf);
    assert!(diff < Duration::from_millis(20), "median real {mr:?} vs unknown {mf:?}");
}

#[tokio::test]
async fn codes_are_single_use_limited_and_bound_to_their_attempt() {
    let s = TestServer::start(Db::Sqlite).await;
    // wrong guesses: 5 per code, then the code is dead even if right
    let c = s.client();
    start(&s, &c, OWNER, "10.4.0.1").await;
    let code = code_in(&s.sms.wait_nth(OWNER_PHONE, 1).await.text);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let html = complete(&s, &c, wrong, NEW_PASSWORD, NEW_PASSWORD).await.text().await.unwrap();
        assert!(html.contains(&format!("Sisa {left} kali percobaan")), "expected {left} left");
    }
    let html = complete(&s, &c, wrong, NEW_PASSWORD, NEW_PASSWORD).await.text().await.unwrap();
    assert!(html.contains("Terlalu banyak kode salah"));
    let html = complete(&s, &c, &code, NEW_PASSWORD, NEW_PASSWORD).await.text().await.unwrap();
    assert!(html.contains("Terlalu banyak kode salah"), "a dead code stays dead");

    // resend: not before the cooldown; a new code kills the old one
    let r = c.post(format!("{}/ganti-sandi", s.url)).form(&[("action", "resend")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("detik sebelum meminta kode baru"));

    // another attempt for another account: its code does not work here
    let other = s.client();
    start(&s, &other, OTHER, "10.4.0.2").await;
    let other_code = code_in(&s.sms.wait_nth(OTHER_PHONE, 1).await.text);
    let fresh = s.client();
    start(&s, &fresh, OWNER, "10.4.0.3").await;
    let own_code = code_in(&s.sms.wait_nth(OWNER_PHONE, 2).await.text);
    if other_code != own_code {
        let html = complete(&s, &fresh, &other_code, NEW_PASSWORD, NEW_PASSWORD).await.text().await.unwrap();
        assert!(html.contains("Kode salah"), "cross-account code refused");
    }
    // bad format is explained
    let html = complete(&s, &fresh, "12ab", NEW_PASSWORD, NEW_PASSWORD).await.text().await.unwrap();
    assert!(html.contains("Kode terdiri atas 6 angka."));
    // the right code works once
    let r = complete(&s, &fresh, &own_code, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // the other account's attempt still stands; the owner's other attempts died
    let html = complete(&s, &c, &code, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(html.headers()[header::LOCATION], "/ganti-sandi?kedaluwarsa=1");
}

#[tokio::test]
async fn daily_sms_limit_withholds_codes_silently_and_never_locks() {
    let s = TestServer::start(Db::Sqlite).await;
    for i in 0..7 {
        let c = s.client();
        let r = start(&s, &c, OTHER, &format!("10.5.0.{i}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "the page answers the same every time");
    }
    let sent = s.sms.settle(OTHER_PHONE).await;
    assert_eq!(sent.len(), 5, "at most 5 codes a day");
    // the account itself is untouched: its old password still signs in to IMAP-less check via reset state
    let db = s.dir.path().join("surel.db");
    let out = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT status, password_hash IS NOT NULL FROM mailboxes WHERE address='nurul.aini@batam.go.id'")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "active|1");
}

#[tokio::test]
async fn failed_deliveries_are_retried_then_kept_for_officers() {
    let s = TestServer::start(Db::Sqlite).await;
    s.sms.fail_next(1);
    let c = s.client();
    start(&s, &c, OWNER, "10.6.0.1").await;
    // the first post fails with 503; the dispatcher retries after its backoff
    let sms = tokio::time::timeout(Duration::from_secs(40), s.sms.wait_nth(OWNER_PHONE, 1)).await.expect("retried");
    assert_eq!(code_in(&sms.text).len(), 6);
    let petugas = s.signed_in("budi.santoso@batam.go.id").await;
    // found by the number as people write it (0812…), sent, in one page
    let national = format!("0{}", &OWNER_PHONE[3..]);
    let query = serde_json::json!({ "query": { "status": "sent", "recipient": national, "page": 0 } });
    let (status, body) = s.call(&petugas, "/api/outbox/list", query).await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["recipient"] == OWNER_PHONE && r["status"] == "sent"), "{body}");
    assert_eq!(v["total"], rows.len());
    let row = rows[0].clone();
    assert_eq!(row["attempts"], 2);
    // nobody else's messages match
    let query = serde_json::json!({ "query": { "recipient": "0899-0000-0000" } });
    let (_, body) = s.call(&petugas, "/api/outbox/list", query).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"], 0, "{body}");
    assert!(row["body"].is_null(), "texts are not shown outside demo mode");
}
