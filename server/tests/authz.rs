//! The authorization matrix: every server function, called by every role and
//! without a session, on SQLite and PostgreSQL. A server function missing from
//! this file's sample bodies fails the test, so none can slip through untested.
mod support;

use app::api::policy::{self, Access};
use app::model::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Db, TestServer, STAFF};

/// A well-formed body for each server function (what it does with it does not matter here).
fn sample_body(path: &str) -> Value {
    match path {
        "/api/me" | "/api/sessions/list" | "/api/home/queues" | "/api/staff/list" | "/api/units/list" | "/api/reset/state" => json!({}),
        "/api/form-flash" => json!({ "form": "login" }),
        "/api/activation/info" => json!({ "token": "no-such-token" }),
        "/api/sessions/end" => json!({ "id": 987654 }),
        "/api/sessions/end-all" => json!({}),
        "/api/staff/add" => json!({ "input": { "address": "", "name": "", "phone": "", "role": "", "unit": "" } }),
        "/api/staff/revoke" => json!({ "grant_id": 987654 }),
        "/api/audit/list" => json!({ "page": 0, "query": "" }),
        "/api/outbox/list" => json!({ "status": "" }),
        "/api/outbox/retry" => json!({ "id": 987654 }),
        "/api/requests/list" => json!({ "only_open": true }),
        "/api/requests/get" => json!({ "ticket": "SRL-2000-000000" }),
        "/api/phone-change/start" => json!({ "input": { "address": "", "doc_type": "", "doc_number": "", "new_phone": "" } }),
        "/api/phone-change/step" => json!({ "ticket": "SRL-2000-000000", "version": 1, "step": { "ConfirmCode": { "code": "123456" } } }),
        "/api/unit-account/submit" => json!({ "input": { "account_kind": "", "purpose": "", "proposed_local": "", "responsible_name": "", "responsible_nip": "", "responsible_phone": "", "ends_on": "", "letter_number": "", "letter_date": "", "letter_file": "" } }),
        "/api/unit-account/step" => json!({ "ticket": "SRL-2000-000000", "version": 1, "step": "Approve" }),
        "/api/accounts/check-address" => json!({ "local_part": "humas.contoh" }),
        "/api/apply/units" => json!({}),
        "/api/apply/suggest-address" => json!({ "name": "Dewi Lestari" }),
        "/api/apply/check-address" => json!({ "local_part": "dewi.lestari" }),
        "/api/apply/send-code" => json!({ "phone": "" }),
        "/api/apply/submit" => json!({ "input": { "name": "", "nip": "", "unit_id": "", "proposed_local": "", "phone": "", "phone_token": "", "phone_code": "", "personal_email": "", "form_file": "" } }),
        "/api/apply/fix-info" => json!({ "link": "1.no-such-link" }),
        "/api/apply/resubmit" => json!({ "link": "1.no-such-link", "input": { "name": "", "nip": "", "unit_id": "", "proposed_local": "", "phone": "", "phone_token": "", "phone_code": "", "personal_email": "", "form_file": "" } }),
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
        // Every role, each with a fresh session (some calls end sessions).
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
    for db in support::databases() {
        matrix(db).await;
    }
}
