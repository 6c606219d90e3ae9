//! Unit / kegiatan / event accounts (SOP 000, F3) over HTTP, on SQLite and
//! PostgreSQL: a letter that is not a PDF is refused with the form kept, two
//! Kabid sessions decide at the same moment (exactly one wins), the officer
//! who entered the data cannot approve it (four eyes), and the mailbox is
//! created without a password and waits for its account test.

use crate::support::TestServer;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const KEPALA: &str = "siti.rahma@batam.go.id";
const KABID: &str = "rudi.hartono@batam.go.id";
const PETUGAS: &str = "budi.santoso@batam.go.id";
const ADMIN: &str = "andi.pratama@batam.go.id";
const PETUGAS2: &str = "sari.wulandari@batam.go.id";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

async fn detail(s: &TestServer, c: &Client, ticket: &str) -> Value {
    let (status, text) = s.call(c, "/api/requests/get", json!({ "ticket": ticket })).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn submission(letter: &str) -> Value {
    json!({ "input": {
        "account_kind": "kegiatan", "purpose": "Layanan penerimaan peserta didik baru", "proposed_local": "ppdb.disdik",
        "responsible_name": "Ahmad Fauzi", "responsible_nip": "198001012005011001", "responsible_phone": "0812-7400-0010",
        "ends_on": "", "letter_number": "800/9/DISDIK/2026", "letter_date": "2026-01-05", "letter_file": letter,
    } })
}

#[tokio::test]
async fn submitted_decided_concurrently_entered_and_approved_by_another_officer() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let kepala = s.signed_in(KEPALA).await;

        // A PNG is no official letter: refused at upload in the letter's
        // words, and at submit when sent under another kind; nothing created.
        let (status, text) = s.upload(&kepala, "surat_resmi", "surat.png", PNG).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}: {text}");
        assert!(text.contains("letter_pdf"), "{text}");
        let png = s.upload_token(&kepala, "identitas", "surat.png", PNG).await;
        let (status, text) = s.call(&kepala, "/api/unit-account/submit", submission(&png)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}: {text}");
        assert!(text.contains("letter_pdf"), "{text}");
        let pdf = s.upload_token(&kepala, "surat_resmi", "surat.pdf", PDF).await;
        let (status, text) = s.call(&kepala, "/api/unit-account/submit", submission(&pdf)).await;
        assert_eq!(status, StatusCode::OK, "{db:?}: {text}");
        let ticket: String = serde_json::from_str(&text).unwrap();
        let d = detail(&s, &kepala, &ticket).await;
        assert_eq!(d["row"]["state"], "menunggu_kabid");
        assert_eq!(d["attachments"][0]["filename"], "surat.pdf");

        // Two Kabid sessions: approve and reject the same version at once.
        let (a, b) = (s.signed_in_fresh(KABID).await, s.signed_in_fresh(KABID).await);
        let version = d["version"].as_i64().unwrap();
        let step = |version: i64, step: Value| json!({ "ticket": ticket, "version": version, "step": step });
        let approve = s.call(&a, "/api/unit-account/step", step(version, json!("Approve")));
        let reject = s.call(&b, "/api/unit-account/step", step(version, json!({ "Reject": { "note": "surat belum ditandatangani" } })));
        let ((s1, t1), (s2, t2)) = tokio::join!(approve, reject);
        assert_eq!([s1, s2].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{db:?}: {s1} {t1} / {s2} {t2}");
        assert_eq!([s1, s2].iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{db:?}: {s1} {t1} / {s2} {t2}");
        let d = detail(&s, &a, &ticket).await;
        if s1 != StatusCode::OK {
            assert_eq!(d["row"]["state"], "ditolak");
            continue;
        }
        assert_eq!(d["row"]["state"], "input_data");

        // The officer enters the data; the same officer cannot approve it.
        let budi = s.signed_in(PETUGAS).await;
        let version = d["version"].as_i64().unwrap();
        let data = |quota: &str| {
            step(version, json!({ "InputData": { "data": { "local_part": "ppdb.disdik", "quota_mb": quota, "aliases": "ppdb", "ends_on": "" } } }))
        };
        let (status, text) = s.call(&budi, "/api/unit-account/step", data("5")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert!(text.contains("quota_invalid"), "{text}");
        let (status, text) = s.call(&budi, "/api/unit-account/step", data("4096")).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let d = detail(&s, &budi, &ticket).await;
        assert_eq!(d["row"]["state"], "verifikasi_data");
        assert!(!d["actions"].as_array().unwrap().iter().any(|a| a == "setujui_data"), "not offered to the same officer");
        let version = d["version"].as_i64().unwrap();
        let (status, text) = s.call(&budi, "/api/unit-account/step", step(version, json!("ApproveData"))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        assert!(text.contains("same_actor"), "{text}");

        // A second officer approves: the mailbox exists, waiting for its test
        // (this server has no mail server configured: a clear failure, retried later).
        let sari = s.signed_in(PETUGAS2).await;
        let (status, text) = s.call(&sari, "/api/unit-account/step", step(version, json!("ApproveData"))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let d = detail(&s, &sari, &ticket).await;
        assert_eq!(d["row"]["state"], "uji_akun");
        let facts = d["facts"].to_string();
        assert!(facts.contains("ppdb.disdik@batam.go.id") && facts.contains("belum disiapkan"), "{facts}");
        assert!(!facts.contains("SUREL_"), "officers are not shown setting names: {facts}");
        // the service-levels page tells whether the mail server is set up (the admin gets the setting names there)
        let admin = s.signed_in(ADMIN).await;
        let (status, text) = s.call(&admin, "/api/settings/service-levels", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(text.contains("\"mail_server_ready\":false"), "{text}");
        // whose move it is, and the four-eyes rule for the officer who entered the data
        assert_eq!(d["next"], json!("System"), "the account test is Surel's move");
        let (status, text) = s.call(&sari, "/api/accounts/check-address", json!({ "local_part": "ppdb" })).await;
        assert_eq!(status, StatusCode::OK);
        assert!(text.contains("address_taken"), "the alias takes its address: {text}");
        // nobody can skip the test
        let version = d["version"].as_i64().unwrap();
        let (status, _) = s.call(&sari, "/api/unit-account/step", step(version, json!("SendReport"))).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}
