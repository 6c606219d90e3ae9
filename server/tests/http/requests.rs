//! Requests over HTTP: the phone-change flow (F2) end to end, with two Kasi
//! approving at the same moment (exactly one wins, the other is told), and the
//! roles the policy keeps out — on SQLite and PostgreSQL.

use crate::support::{gateway::code_in, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PETUGAS: &str = "budi.santoso@batam.go.id";
const KASI: &str = "hendra.gunawan@batam.go.id";
const OWNER: &str = "fitri.handayani@batam.go.id";
const OLD_PHONE: &str = "+6281290000005";
const NEW_PHONE: &str = "+6281273000009";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

async fn detail(s: &TestServer, c: &reqwest::Client, ticket: &str) -> Value {
    let (status, text) = s.call(c, "/api/requests/get", json!({ "ticket": ticket })).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn phone_change_with_concurrent_approval() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let petugas = s.signed_in(PETUGAS).await;
        let scan = s.upload_token(&petugas, "identitas", "ktp.png", PNG).await;
        let start =
            json!({ "input": { "address": OWNER, "doc_type": "ktp", "doc_number": "2171015508900003", "new_phone": "0812-7300-0009", "doc_scan": scan } });

        // A Kasi cannot record a desk visit; the officer can.
        let kasi_a = s.signed_in(KASI).await;
        let (status, _) = s.call(&kasi_a, "/api/phone-change/start", start.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{db:?}");
        let (status, text) = s.call(&petugas, "/api/phone-change/start", start.clone()).await;
        assert_eq!(status, StatusCode::OK, "{db:?}: {text}");
        let ticket: String = serde_json::from_str(&text).unwrap();
        assert!(ticket.starts_with("SRL-") && ticket.len() == "SRL-2026-000001".len(), "{ticket}");
        // a second visit for the same mailbox while one is open is refused
        let (status, text) = s.call(&petugas, "/api/phone-change/start", start).await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");

        // The code went to the new number; the officer enters it.
        let sms = s.sms.wait_nth(NEW_PHONE, 1).await;
        let code = code_in(&sms.text);
        let d = detail(&s, &petugas, &ticket).await;
        let step = |version: i64, step: Value| json!({ "ticket": ticket, "version": version, "step": step });
        let (status, text) = s.call(&petugas, "/api/phone-change/step", step(d["version"].as_i64().unwrap(), json!({ "ConfirmCode": { "code": code } }))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let d = detail(&s, &petugas, &ticket).await;
        assert_eq!(d["row"]["state"], "menunggu_kasi");
        let version = d["version"].as_i64().unwrap();

        // The officer's role cannot approve at all.
        let (status, _) = s.call(&petugas, "/api/phone-change/step", step(version, json!("Approve"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{db:?}: the engine lets only a Kasi approve");
        let d = detail(&s, &petugas, &ticket).await;
        assert_eq!(d["row"]["state"], "menunggu_kasi", "{db:?}: a Petugas approved");

        // Two Kasi sessions approve and reject the same version at once.
        let kasi_b = s.signed_in_fresh(KASI).await;
        let approve = s.call(&kasi_a, "/api/phone-change/step", step(version, json!("Approve")));
        let reject = s.call(&kasi_b, "/api/phone-change/step", step(version, json!({ "Reject": { "note": "dokumen tidak cocok" } })));
        let ((s1, t1), (s2, t2)) = tokio::join!(approve, reject);
        let outcomes = [s1, s2];
        assert_eq!(outcomes.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{db:?}: {s1} {t1} / {s2} {t2}");
        assert_eq!(outcomes.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{db:?}: {s1} {t1} / {s2} {t2}");
        let loser = if s1 == StatusCode::CONFLICT { &t1 } else { &t2 };
        // who won, by name (timelines and conflicts name people, not addresses)
        assert!(loser.contains("already_handled") && loser.contains("Hendra Gunawan"), "{loser}");

        let d = detail(&s, &kasi_a, &ticket).await;
        let steps: Vec<&str> = d["steps"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
        assert_eq!(steps.len(), 3, "{steps:?}");
        if s1 == StatusCode::OK {
            assert_eq!(d["row"]["state"], "selesai");
            // the new number heard it, with the way to /ganti-sandi; the old number too
            let to_new = s.sms.wait_nth(NEW_PHONE, 2).await;
            assert!(to_new.text.contains("/ganti-sandi"), "{}", to_new.text);
            let to_old = s.sms.wait_nth(OLD_PHONE, 1).await;
            assert!(to_old.text.contains(OWNER), "{}", to_old.text);
        } else {
            assert_eq!(d["row"]["state"], "ditolak");
        }
        // A role that does not handle phone changes sees nothing of it: not
        // even that the ticket exists (the same answer as an unknown ticket).
        let simpeg = s.signed_in("agus.setiawan@batam.go.id").await;
        let (status, _) = s.call(&simpeg, "/api/requests/get", json!({ "ticket": ticket })).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = s.call(&simpeg, "/api/requests/get", json!({ "ticket": "SRL-2000-999999" })).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
