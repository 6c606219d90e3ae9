//! Personal ASN accounts (SOP 002, F4) over HTTP, on SQLite and PostgreSQL:
//! a public application with the phone proved through the loopback SMS
//! gateway, a bad attachment refused, two Kasi deciding at the same moment
//! (exactly one wins), the account created without a password, and the
//! applicant following the request with a code — with no way to learn about
//! a ticket that is not theirs.

use crate::support::{gateway::code_in, TestServer};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const KASI: &str = "hendra.gunawan@batam.go.id";
const PETUGAS: &str = "budi.santoso@batam.go.id";
const PHONE: &str = "+6281276500001";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn detail(s: &TestServer, c: &Client, ticket: &str) -> Value {
    let (status, text) = s.call(c, "/api/requests/get", json!({ "ticket": ticket })).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn apply_decide_concurrently_create_and_follow() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let applicant = s.client();

        // A text file posing as a PDF is refused by its content; a real one is kept.
        let (status, text) = s.upload(&applicant, "formulir", "formulir.pdf", b"bukan pdf").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}: {text}");
        assert!(text.contains("file_type"), "{text}");
        let (status, text) = s.upload(&applicant, "formulir", "formulir.pdf", PDF).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let form: Value = serde_json::from_str(&text).unwrap();

        // The phone is proved by a code from the gateway.
        let (status, text) = s.call(&applicant, "/api/apply/send-code", json!({ "phone": "0812-7650-0001" })).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let token: String = serde_json::from_str(&text).unwrap();
        let code = code_in(&s.sms.wait_nth(PHONE, 1).await.text);
        let (_, text) = s.call(&applicant, "/api/apply/units", json!({})).await;
        let units: Value = serde_json::from_str(&text).unwrap();
        let unit_id = units[0]["id"].as_i64().unwrap().to_string();
        let (_, text) = s.call(&applicant, "/api/apply/suggest-address", json!({ "name": "Ir. Wahyu Pratama, M.T." })).await;
        assert_eq!(text, "\"wahyu.pratama\"", "titles dropped");
        let input = |code: &str| {
            json!({ "input": {
                "name": "Ir. Wahyu Pratama, M.T.", "nip": "198507122010011003", "unit_id": unit_id, "proposed_local": "wahyu.pratama",
                "phone": "0812-7650-0001", "phone_token": token, "phone_code": code, "personal_email": "wahyu.p@gmail.com",
                "form_file": form["token"],
            } })
        };
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (status, text) = s.call(&applicant, "/api/apply/submit", input(wrong)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert!(text.contains("code_wrong"), "{text}");
        let (status, text) = s.call(&applicant, "/api/apply/submit", input(&code)).await;
        assert_eq!(status, StatusCode::OK, "{db:?}: {text}");
        let ticket: String = serde_json::from_str(&text).unwrap();
        // the same code cannot make a second request
        let (status, _) = s.call(&applicant, "/api/apply/submit", input(&code)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let received = s.sms.wait_nth(PHONE, 2).await;
        assert!(received.text.contains(&ticket), "{}", received.text);

        // Two Kasi sessions: one approves, one returns it, at the same moment.
        let (kasi_a, kasi_b) = (s.signed_in_fresh(KASI).await, s.signed_in_fresh(KASI).await);
        let version = detail(&s, &kasi_a, &ticket).await["version"].as_i64().unwrap();
        let step = |version: i64, step: Value| json!({ "ticket": ticket, "version": version, "step": step });
        let approve = s.call(&kasi_a, "/api/personal-account/step", step(version, json!("Approve")));
        let back = s.call(&kasi_b, "/api/personal-account/step", step(version, json!({ "Return": { "note": "NIP tidak cocok dengan SK" } })));
        let ((s1, t1), (s2, t2)) = tokio::join!(approve, back);
        assert_eq!([s1, s2].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{db:?}: {s1} {t1} / {s2} {t2}");
        assert_eq!([s1, s2].iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{db:?}: {s1} {t1} / {s2} {t2}");
        let d = detail(&s, &kasi_a, &ticket).await;
        if s1 != StatusCode::OK {
            // returned: resubmit unchanged through the link, then approve
            assert_eq!(d["row"]["state"], "perbaikan");
            let sms = s.sms.wait_nth(PHONE, 3).await;
            let link = sms.text.split("/permohonan-akun/perbaiki/").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
            let (status, text) = s.call(&applicant, "/api/apply/fix-info", json!({ "link": link })).await;
            assert_eq!(status, StatusCode::OK, "{text}");
            let fix: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(fix["note"], "NIP tidak cocok dengan SK");
            let mut again = fix["input"].clone();
            again["form_file"] = json!("");
            let (status, text) = s.call(&applicant, "/api/apply/resubmit", json!({ "link": link, "input": again })).await;
            assert_eq!(status, StatusCode::OK, "{text}");
            let version = detail(&s, &kasi_a, &ticket).await["version"].as_i64().unwrap();
            let (status, text) = s.call(&kasi_a, "/api/personal-account/step", step(version, json!("Approve"))).await;
            assert_eq!(status, StatusCode::OK, "{text}");
        }
        let d = detail(&s, &kasi_a, &ticket).await;
        assert_eq!(d["row"]["state"], "pembuatan_akun", "{db:?}");

        // The Kasi cannot create the account; the officer can. No mail server
        // runs in this test, so the account test fails clearly and can be retried.
        let version = d["version"].as_i64().unwrap();
        let create = step(version, json!({ "Create": { "data": { "local_part": "wahyu.pratama", "quota_mb": "2048" } } }));
        let (status, _) = s.call(&kasi_a, "/api/personal-account/step", create.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let petugas = s.signed_in(PETUGAS).await;
        let (status, text) = s.call(&petugas, "/api/personal-account/step", create).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let d = detail(&s, &petugas, &ticket).await;
        assert_eq!(d["row"]["state"], "uji_akun");
        assert!(d["actions"].as_array().unwrap().iter().any(|a| a == "uji_ulang"), "{d}");
        let facts = d["facts"].to_string();
        assert!(facts.contains("wahyu.pratama@batam.go.id") && facts.contains("belum disiapkan"), "{facts}");

        // Following the request: an unknown ticket gets the same answer (and no SMS).
        let before = s.sms.settle(PHONE).await.len();
        let (status, unknown) = s.call(&applicant, "/api/apply/status-code", json!({ "ticket": "SRL-2099-999999" })).await;
        assert_eq!(status, StatusCode::OK);
        let (status, text) = s.call(&applicant, "/api/apply/status-code", json!({ "ticket": ticket })).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(unknown.len(), text.len(), "same shape of answer");
        let token: String = serde_json::from_str(&text).unwrap();
        let sms = s.sms.settle(PHONE).await;
        assert_eq!(sms.len(), before + 1, "one code to the applicant");
        let code = code_in(&sms.last().unwrap().text);
        let (status, text) = s.call(&applicant, "/api/apply/status", json!({ "ticket": ticket, "token": token, "code": code })).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let seen: Value = serde_json::from_str(&text).unwrap();
        // the account test is Surel's own step: the applicant reads "the account is being made"
        assert_eq!(seen["state"], "pembuatan_akun");
        assert!(!text.contains("uji_"), "no test step is shown: {text}");
        assert!(!text.contains(KASI) && !text.contains(PETUGAS), "staff stay anonymous: {text}");
        // the code works once
        let (status, _) = s.call(&applicant, "/api/apply/status", json!({ "ticket": ticket, "token": token, "code": code })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
