//! The authorization matrix: every server function, called by every role and
//! without a session, on SQLite and PostgreSQL. A server function missing from
//! this file's sample bodies fails the test, so none can slip through untested.
//! Then scope: mixed-role and unit-scoped staff against another unit's
//! tickets, attachments, dashboard, recap and SIMPEG files.

use crate::support::{Db, TestServer, STAFF};
use app::api::policy::{self, Access};
use model::Role;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A well-formed body for each server function (what it does with it does not matter here).
fn sample_body(path: &str) -> Value {
    match path {
        "/api/me" | "/api/sessions/list" | "/api/home/queues" | "/api/staff/list" | "/api/units/list" | "/api/reset/state" | "/api/owner/page" => json!({}),
        "/api/form-flash" => json!({ "form": "login" }),
        "/api/activation/info" => json!({ "token": "no-such-token" }),
        "/api/sessions/end" => json!({ "id": 987654 }),
        "/api/sessions/end-all" => json!({}),
        "/api/staff/add" => json!({ "input": { "address": "", "name": "", "phone": "", "role": "", "unit": "" } }),
        "/api/staff/revoke" => json!({ "grant_id": 987654 }),
        "/api/audit/list" => json!({ "page": 0, "query": "" }),
        "/api/outbox/list" => json!({ "query": {} }),
        "/api/mailboxes/list" => json!({ "query": {} }),
        "/api/mailboxes/get" => json!({ "id": 987654 }),
        "/api/mailboxes/change" => json!({ "input": { "mailbox_id": 987654, "change": "Disable", "reason": "uji matriks" } }),
        "/api/outbox/retry" => json!({ "id": 987654 }),
        "/api/requests/list" => json!({ "only_open": true }),
        "/api/requests/get" => json!({ "ticket": "SRL-2000-000000" }),
        "/api/phone-change/start" => json!({ "input": { "address": "", "doc_type": "", "doc_number": "", "new_phone": "" } }),
        "/api/phone-change/step" => json!({ "ticket": "SRL-2000-000000", "version": 1, "step": { "ConfirmCode": { "code": "123456" } } }),
        "/api/unit-account/submit" => {
            json!({ "input": { "account_kind": "", "purpose": "", "proposed_local": "", "responsible_name": "", "responsible_nip": "", "responsible_phone": "", "ends_on": "", "letter_number": "", "letter_date": "", "letter_file": "" } })
        }
        "/api/unit-account/step" => json!({ "ticket": "SRL-2000-000000", "version": 1, "step": "Approve" }),
        "/api/accounts/check-address" => json!({ "local_part": "humas.contoh" }),
        "/api/apply/units" => json!({}),
        "/api/apply/suggest-address" => json!({ "name": "Dewi Lestari" }),
        "/api/apply/check-address" => json!({ "local_part": "dewi.lestari" }),
        "/api/apply/send-code" => json!({ "phone": "" }),
        "/api/apply/submit" => {
            json!({ "input": { "name": "", "nip": "", "unit_id": "", "proposed_local": "", "phone": "", "phone_token": "", "phone_code": "", "personal_email": "", "form_file": "" } })
        }
        "/api/apply/fix-info" => json!({ "link": "1.no-such-link" }),
        "/api/apply/resubmit" => {
            json!({ "link": "1.no-such-link", "input": { "name": "", "nip": "", "unit_id": "", "proposed_local": "", "phone": "", "phone_token": "", "phone_code": "", "personal_email": "", "form_file": "" } })
        }
        "/api/apply/status-code" => json!({ "ticket": "SRL-2000-000000" }),
        "/api/apply/status" => json!({ "ticket": "SRL-2000-000000", "token": "x", "code": "123456" }),
        "/api/reports/dashboard" => json!({ "month": "2026-11" }),
        "/api/settings/service-levels" => json!({}),
        "/api/settings/service-levels/save" => json!({ "input": { "steps": [], "days": [], "holidays": "" } }),
        "/api/personal-account/step" => json!({ "ticket": "SRL-2000-000000", "version": 1, "step": "Approve" }),
        "/api/simpeg/list" => json!({}),
        "/api/simpeg/view" => json!({ "batch_id": 987654, "filter": "", "page": 0 }),
        "/api/simpeg/mapping" => json!({ "batch_id": 987654 }),
        "/api/simpeg/set-mapping" => json!({ "batch_id": 987654, "columns": [["nip", 0]] }),
        "/api/simpeg/edit-address" => json!({ "batch_id": 987654, "row_id": 1, "local_part": "contoh.nama" }),
        "/api/simpeg/submit" => json!({ "batch_id": 987654 }),
        "/api/simpeg/discard" => json!({ "batch_id": 987654 }),
        "/api/simpeg/step" => json!({ "ticket": "SRL-2000-000000", "version": 1, "action": "tandai_dimuat" }),
        "/api/simpeg/progress" => json!({ "ticket": "SRL-2000-000000" }),
        "/api/masuk/langkah" | "/api/keamanan" | "/api/keamanan/totp-baru" | "/api/keamanan/kode-pemulihan" | "/api/keamanan/passkey-mulai" => json!({}),
        "/api/masuk/passkey-mulai" => json!({ "enroll": false }),
        "/api/masuk/passkey-selesai" => json!({ "enroll": false, "credential": "{}", "name": "" }),
        "/api/keamanan/totp-konfirmasi" => json!({ "code": "000000" }),
        "/api/keamanan/hapus-faktor" => json!({ "id": 987654 }),
        "/api/keamanan/passkey-selesai" => json!({ "credential": "{}", "name": "" }),
        "/api/staff/reset-faktor" => json!({ "mailbox_id": 987654, "reason": "uji coba" }),
        other => panic!("no sample body for server function {other}: add it to tests/authz.rs"),
    }
}

fn allowed(access: Access, role: Option<Role>) -> bool {
    match (access, role) {
        (Access::Public, _) => true,
        (_, None) => false,
        (Access::Staff, Some(_)) => true,
        (Access::Roles(rs), Some(r)) => rs.contains(&r),
    }
}

async fn matrix(db: Db) {
    let server = TestServer::start(db).await;
    let table = policy::table();
    assert!(table.len() >= 19, "policy table lost entries");
    let mut checked = 0;
    for (path, access) in &table {
        let body = sample_body(path);
        // Without a session.
        let anon = server.client();
        let (status, text) = server.call(&anon, path, body.clone()).await;
        if allowed(*access, None) {
            assert!(status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN, "{db:?} anonymous {path}: {status} {text}");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{db:?} anonymous {path}: {text}");
            assert!(text.contains("Unauthenticated"), "{path}: {text}");
        }
        checked += 1;
        // Every role, with a live session (signed in again when a call ended it).
        for (code, address) in STAFF {
            let role = Role::from_code(code).unwrap();
            let c = server.signed_in(address).await;
            let (status, text) = server.call(&c, path, body.clone()).await;
            if allowed(*access, Some(role)) {
                assert!(status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN, "{db:?} {code} {path}: {status} {text}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{db:?} {code} {path}: {text}");
                assert!(text.contains("Forbidden"), "{path}: {text}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, table.len() * (STAFF.len() + 1));

    // Deny by default: a path that is no server function is refused for everyone.
    let admin = server.signed_in(STAFF[0].1).await;
    for c in [&server.client(), &admin] {
        let (status, _) = server.call(c, "/api/not-a-function", json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn every_server_function_checks_every_role() {
    for db in crate::support::databases() {
        matrix(db).await;
    }
}

/// Access follows the unit of the role that grants it: a Kepala OPD of one
/// unit who also holds other roles sees only that unit's unit-account
/// requests, attachments, dashboard and recap rows; a Pengelola SIMPEG
/// scoped to a unit sees only that unit's batches, rejected rows and exports.
#[tokio::test]
async fn roles_reach_only_the_units_they_are_granted_for() {
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        // siti.rahma: Kepala OPD of DISDIK; now also Kasi and Pejabat Struktural (unscoped)
        let siti = s.add_staff("siti.rahma@batam.go.id", "kasi", None).await;
        s.add_staff("siti.rahma@batam.go.id", "pejabat_struktural", None).await;
        // a Kepala OPD of DINKES files a request with its letter
        let dinkes = s.add_staff("kepala.dinkes@batam.go.id", "kepala_opd", Some("DINKES")).await;
        let letter = s.upload_token(&dinkes, "surat_resmi", "surat.pdf", PDF).await;
        let (status, text) = s
            .call(
                &dinkes,
                "/api/unit-account/submit",
                json!({ "input": {
                "account_kind": "unit", "purpose": "Layanan kesehatan", "proposed_local": "layanan.dinkes",
                "responsible_name": "Rina Wati", "responsible_nip": "198001012005012001", "responsible_phone": "0812-7400-0011",
                "ends_on": "", "letter_number": "800/1/DINKES/2026", "letter_date": "2026-01-05", "letter_file": letter,
            } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{db:?}: {text}");
        let ticket: String = serde_json::from_str(&text).unwrap();
        let d: Value = serde_json::from_str(&s.call(&dinkes, "/api/requests/get", json!({ "ticket": ticket })).await.1).unwrap();
        let attachment = d["attachments"][0]["id"].as_i64().unwrap();

        // siti sees none of it
        let (_, list) = s.call(&siti, "/api/requests/list", json!({ "only_open": false })).await;
        assert!(!list.contains(&ticket), "{db:?}: listed to another unit's Kepala OPD");
        let (status, _) = s.call(&siti, "/api/requests/get", json!({ "ticket": ticket })).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{db:?}");
        let r = siti.get(format!("{}/lampiran/{attachment}", s.url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{db:?}: attachment");
        let month = chrono::Utc::now().format("%Y-%m").to_string();
        let (_, dash) = s.call(&siti, "/api/reports/dashboard", json!({ "month": month })).await;
        let dash: Value = serde_json::from_str(&dash).unwrap();
        let unit_flow = dash["flows"].as_array().unwrap().iter().find(|f| f["kind"] == "unit_account").cloned();
        let counted = unit_flow.map(|f| f["created"].as_i64().unwrap_or(0) + f["open"].as_i64().unwrap_or(0)).unwrap_or(0);
        assert_eq!(counted, 0, "{db:?}: dashboard counts another unit's request");
        let csv = siti.get(format!("{}/laporan/rekap?sop=000&bulan={month}&format=csv", s.url)).send().await.unwrap().text().await.unwrap();
        assert!(!csv.contains(&ticket), "{db:?}: recap row of another unit");
        // the Kabid (unscoped) and the DINKES head do see it
        let kabid = s.signed_in("rudi.hartono@batam.go.id").await;
        assert_eq!(s.call(&kabid, "/api/requests/get", json!({ "ticket": ticket })).await.0, StatusCode::OK);
        // a queue's list ("my work" → its count) is scoped like the queue
        let queue = |key: &str| json!({ "only_open": true, "queue": key });
        let (status, list) = s.call(&kabid, "/api/requests/list", queue("unit_account_approve")).await;
        assert_eq!(status, StatusCode::OK, "{db:?}: {list}");
        assert!(list.contains(&ticket), "{db:?}: the Kabid's approval queue lists it");
        assert!(s.call(&dinkes, "/api/requests/list", queue("unit_account_mine")).await.1.contains(&ticket), "{db:?}");
        let (status, list) = s.call(&siti, "/api/requests/list", queue("unit_account_mine")).await;
        assert_eq!(status, StatusCode::OK, "{db:?}: {list}");
        assert!(!list.contains(&ticket), "{db:?}: another unit's request in Siti's queue");
        // a queue the role does not give is refused, not shown empty
        assert_eq!(s.call(&siti, "/api/requests/list", queue("unit_account_approve")).await.0, StatusCode::FORBIDDEN, "{db:?}");

        // SIMPEG: a Pengelola scoped to DISDIK, another scoped to DINKES
        let disdik_pengelola = s.add_staff("simpeg.disdik@batam.go.id", "pengelola_simpeg", Some("DISDIK")).await;
        let dinkes_pengelola = s.add_staff("simpeg.dinkes@batam.go.id", "pengelola_simpeg", Some("DINKES")).await;
        let g = domain::kinds::simpeg::generator::generate(&domain::kinds::simpeg::generator::GeneratorConfig {
            rows: 40,
            bad_fraction: 0.3,
            seed: 7,
            ..Default::default()
        });
        let (status, text) = crate::security::simpeg_upload(&s, &disdik_pengelola, "disdik.xlsx", &g.to_xlsx().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let batch = serde_json::from_str::<Value>(&text).unwrap()["Checked"]["batch_id"].as_i64().unwrap();
        let view = |c: Client| {
            let s = &s;
            async move { s.call(&c, "/api/simpeg/view", json!({ "batch_id": batch, "filter": "", "page": 0 })).await }
        };
        assert_eq!(view(disdik_pengelola.clone()).await.0, StatusCode::OK);
        assert_eq!(view(dinkes_pengelola.clone()).await.0, StatusCode::NOT_FOUND, "{db:?}: another unit's draft");
        let (_, listed) = s.call(&dinkes_pengelola, "/api/simpeg/list", json!({})).await;
        assert!(!listed.contains("disdik.xlsx"), "{db:?}: listed to another unit");
        let rejected = |c: &Client| c.get(format!("{}/simpeg/ditolak/{batch}", s.url)).send();
        assert_eq!(rejected(&dinkes_pengelola).await.unwrap().status(), StatusCode::NOT_FOUND);
        assert_eq!(rejected(&disdik_pengelola).await.unwrap().status(), StatusCode::OK);
        let (status, text) = s.call(&dinkes_pengelola, "/api/simpeg/edit-address", json!({ "batch_id": batch, "row_id": 1, "local_part": "nama.baru" })).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
        let (status, text) = s.call(&disdik_pengelola, "/api/simpeg/submit", json!({ "batch_id": batch })).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let simpeg_ticket: String = serde_json::from_str(&text).unwrap();
        let export = |c: &Client| c.get(format!("{}/simpeg/ekspor/{simpeg_ticket}", s.url)).send();
        assert_eq!(export(&dinkes_pengelola).await.unwrap().status(), StatusCode::NOT_FOUND, "{db:?}: another unit's export");
        assert_eq!(s.call(&dinkes_pengelola, "/api/simpeg/progress", json!({ "ticket": simpeg_ticket })).await.0, StatusCode::NOT_FOUND);
        assert_eq!(s.call(&dinkes_pengelola, "/api/requests/get", json!({ "ticket": simpeg_ticket })).await.0, StatusCode::NOT_FOUND);
        assert_eq!(export(&disdik_pengelola).await.unwrap().status(), StatusCode::OK);
        // the unscoped Pengelola sees every unit
        let agus = s.signed_in("agus.setiawan@batam.go.id").await;
        assert_eq!(view(agus.clone()).await.0, StatusCode::OK);
    }
}
