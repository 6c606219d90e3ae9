//! Staff second factor over HTTP: the password alone opens nothing, a TOTP
//! code works once, wrong codes are throttled with the password's ceiling,
//! recovery codes work once, Admin sistem resets another's factor (audited,
//! the owner told), and a `/ganti-sandi` reset leaves the factor in place.

use crate::support::{gateway::code_in, session_token, Db, TestServer, DEMO_PASSWORD, STAFF};
use reqwest::{header, Client, StatusCode};
use serde_json::json;

const ADMIN: &str = "andi.pratama@batam.go.id";
const BUDI: &str = "budi.santoso@batam.go.id";
const BUDI_PHONE: &str = "+6281270000003";

async fn password_step(s: &TestServer, address: &str, password: &str) -> (Client, reqwest::Response) {
    let c = s.client();
    let r = c.post(format!("{}/masuk", s.url)).form(&[("address", address), ("password", password), ("next", "/admin")]).send().await.unwrap();
    (c, r)
}

async fn second(s: &TestServer, c: &Client, kind: &str, code: &str) -> reqwest::Response {
    c.post(format!("{}/masuk/verifikasi", s.url)).form(&[("kind", kind), ("code", code)]).send().await.unwrap()
}

#[tokio::test]
async fn a_password_alone_opens_nothing_and_a_code_works_once() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let (c, r) = password_step(&s, ADMIN, DEMO_PASSWORD).await;
        assert_eq!(r.headers()[header::LOCATION], "/masuk/verifikasi", "{db:?}");
        // with only the challenge cookie: no staff page, no server function
        let r = c.get(format!("{}/admin", s.url)).send().await.unwrap();
        assert_eq!((r.status(), r.headers()[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/masuk?next=/admin"));
        assert_eq!(s.call(&c, "/api/me", json!({})).await.1, "null");
        for (path, body) in [("/api/staff/list", json!({})), ("/api/requests/list", json!({ "only_open": true })), ("/api/keamanan", json!({}))] {
            assert_eq!(s.call(&c, path, body).await.0, StatusCode::UNAUTHORIZED, "{db:?} {path}");
        }
        // the page shows the second step
        let page = c.get(format!("{}/masuk/verifikasi", s.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"autocomplete="one-time-code""#) && page.contains(ADMIN), "{db:?}");
        // the right code makes the session
        let code = s.next_totp(ADMIN).await;
        let r = second(&s, &c, "totp", &code).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{db:?}");
        assert!(session_token(&r).is_some());
        assert!(s.call(&c, "/api/me", json!({})).await.1.contains(ADMIN));
        // the same code again (a replay) fails on a new password step
        let (c2, _) = password_step(&s, ADMIN, DEMO_PASSWORD).await;
        let r = second(&s, &c2, "totp", &code).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{db:?}: replayed code");
        assert!(r.text().await.unwrap().contains("sudah dipakai"));
        assert!(
            second(&s, &c, "totp", &s.next_totp(ADMIN).await).await.headers()[header::LOCATION].to_str().unwrap().starts_with("/masuk"),
            "a used challenge leads back to the password"
        );
    }
}

#[tokio::test]
async fn wrong_codes_share_the_password_ceiling() {
    let s = TestServer::start(Db::Sqlite).await;
    let (c, _) = password_step(&s, STAFF[3].1, DEMO_PASSWORD).await;
    for i in 0..5 {
        let r = second(&s, &c, "totp", "000000").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let r = second(&s, &c, "totp", &s.next_totp(STAFF[3].1).await).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "even the right code waits");
    let (_, r) = password_step(&s, STAFF[3].1, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "and so does the password");
}

/// Budi lost his phone: Admin sistem resets his factor (not their own, with a
/// reason; audited; Budi told). His next sign-in enrolls a new one and gets
/// recovery codes, each working once. A `/ganti-sandi` reset of his mailbox
/// then changes the password and leaves the factor in place.
#[tokio::test]
async fn admin_reset_enrollment_recovery_and_password_reset() {
    let s = TestServer::start(Db::Sqlite).await;
    let admin = s.signed_in(ADMIN).await;
    let budi_before = s.signed_in(BUDI).await;
    let (_, staff) = s.call(&admin, "/api/staff/list", json!({})).await;
    let staff: serde_json::Value = serde_json::from_str(&staff).unwrap();
    let id_of = |a: &str| staff.as_array().unwrap().iter().find(|r| r["address"] == a).unwrap()["mailbox_id"].as_i64().unwrap();
    let (status, text) = s.call(&admin, "/api/staff/reset-faktor", json!({ "mailbox_id": id_of(ADMIN), "reason": "ponsel hilang" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not their own: {text}");
    assert!(text.contains("factor_reset_self"));
    // a Petugas may not reset anyone
    let (status, _) = s.call(&budi_before, "/api/staff/reset-faktor", json!({ "mailbox_id": id_of(ADMIN), "reason": "coba-coba" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, text) = s.call(&admin, "/api/staff/reset-faktor", json!({ "mailbox_id": id_of(BUDI), "reason": "ponsel hilang, diperiksa di loket" })).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(s.call(&budi_before, "/api/me", json!({})).await.1, "null", "his sessions ended");
    let told = s.sms.wait_nth(BUDI_PHONE, 1).await;
    assert!(told.text.contains("direset") && told.text.contains("ponsel hilang"), "{}", told.text);
    let auditor = s.signed_in(STAFF[1].1).await;
    let (_, audit) = s.call(&auditor, "/api/audit/list", json!({ "page": 0, "query": "factor.reset_by_admin" })).await;
    assert!(audit.contains("ponsel hilang") && audit.contains(ADMIN), "{audit}");

    // enrollment at the next sign-in, without JavaScript
    let (c, r) = password_step(&s, BUDI, DEMO_PASSWORD).await;
    assert_eq!(r.headers()[header::LOCATION], "/masuk/faktor-baru");
    let page = c.get(format!("{}/masuk/faktor-baru", s.url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg") && page.contains(r#"data-testid="totp-secret""#), "a QR code and the secret to type");
    let enrolled = s.enroll(&c, BUDI).await;
    assert!(s.call(&enrolled, "/api/me", json!({})).await.1.contains(BUDI));
    let (_, overview) = s.call(&enrolled, "/api/keamanan", json!({})).await;
    assert!(overview.contains("\"recovery_left\":10"), "{overview}");
    // new recovery codes (the settings page): shown once, each works once
    let (_, codes) = s.call(&enrolled, "/api/keamanan/kode-pemulihan", json!({})).await;
    let codes: Vec<String> = serde_json::from_str(&codes).unwrap();
    assert_eq!(codes.len(), 10);
    let (c, _) = password_step(&s, BUDI, DEMO_PASSWORD).await;
    let r = second(&s, &c, "recovery", &codes[0].to_uppercase()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a recovery code signs in");
    let (c, _) = password_step(&s, BUDI, DEMO_PASSWORD).await;
    let r = second(&s, &c, "recovery", &codes[0]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "once");

    // a password reset by SMS does not remove or bypass the factor
    let owner = s.client();
    owner.post(format!("{}/ganti-sandi", s.url)).header("x-forwarded-for", "10.80.0.1").form(&[("action", "start"), ("address", BUDI)]).send().await.unwrap();
    let sms = s.sms.wait_nth(BUDI_PHONE, 2).await;
    let new_password = "kenari-Samudra-lentera-4-sagu";
    let r = owner
        .post(format!("{}/ganti-sandi", s.url))
        .form(&[("action", "complete"), ("code", &code_in(&sms.text)), ("password", new_password), ("password_confirm", new_password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, r) = password_step(&s, BUDI, new_password).await;
    assert_eq!(r.headers()[header::LOCATION], "/masuk/verifikasi", "the new password leads to the same second factor");
    assert!(session_token(&r).is_none());
}
