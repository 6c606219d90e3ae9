//! F5 over HTTP (SOP 004): upload a SIMPEG export → preview → submit →
//! process → export, with the `surel` process killed in the middle of the
//! batch and another started on the same database: the job resumes, and no
//! mailbox or activation SMS is made twice. SQLite and PostgreSQL.

use crate::support::TestServer;
use domain::entities::{mailbox, outbox, simpeg_row};
use domain::kinds::simpeg::generator::{generate, GeneratorConfig, Planted};
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const AGUS: &str = "agus.setiawan@batam.go.id";
const BUDI: &str = "budi.santoso@batam.go.id";
const MAYA: &str = "maya.sari@batam.go.id";

pub(crate) async fn upload(s: &TestServer, c: &Client, filename: &str, bytes: &[u8]) -> (StatusCode, String) {
    let boundary = "----surel-simpeg-5a1";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r =
        c.post(format!("{}/simpeg/unggah", s.url)).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

pub(crate) async fn ok(s: &TestServer, c: &Client, path: &str, body: Value) -> Value {
    let (status, text) = s.call(c, path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub(crate) async fn progress(s: &TestServer, c: &Client, ticket: &str) -> Value {
    ok(s, c, "/api/simpeg/progress", json!({ "ticket": ticket })).await
}

pub(crate) async fn version(s: &TestServer, c: &Client, ticket: &str) -> i64 {
    ok(s, c, "/api/requests/get", json!({ "ticket": ticket })).await["version"].as_i64().unwrap()
}

#[tokio::test]
async fn upload_preview_submit_process_with_a_restart_and_export() {
    for db in crate::support::databases() {
        let mut s = TestServer::start(db).await;
        let agus = s.signed_in(AGUS).await;
        let budi = s.signed_in(BUDI).await;
        let g = generate(&GeneratorConfig { rows: 900, bad_fraction: 0.2, seed: 44, ..Default::default() });
        let expected = g.expected_eligible() + g.count(Planted::AlreadyHasAccount);
        let bytes = g.to_xlsx().unwrap();

        // only the SIMPEG manager uploads
        assert_eq!(upload(&s, &budi, "simpeg.xlsx", &bytes).await.0, StatusCode::FORBIDDEN);
        assert_eq!(upload(&s, &s.client(), "simpeg.xlsx", &bytes).await.0, StatusCode::UNAUTHORIZED);
        let (status, text) = upload(&s, &agus, "not.xlsx", b"PK\x03\x04 broken").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert!(text.contains("file_unreadable"), "{text}");
        let (status, text) = upload(&s, &agus, "simpeg november.xlsx", &bytes).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let up: Value = serde_json::from_str(&text).unwrap();
        let batch = up["Checked"]["batch_id"].as_i64().unwrap();

        // preview with a filter and pages
        let v = ok(&s, &agus, "/api/simpeg/view", json!({ "batch_id": batch, "filter": "", "page": 0 })).await;
        assert_eq!((v["total"].as_i64(), v["eligible"].as_i64()), (Some(900), Some(expected as i64)));
        let rejected = ok(&s, &agus, "/api/simpeg/view", json!({ "batch_id": batch, "filter": "rejected", "page": 1 })).await;
        assert!(rejected["rows"].as_array().unwrap().iter().all(|r| r["verdict"] == "rejected"));
        let r = agus.get(format!("{}/simpeg/ditolak/{batch}", s.url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
        // the draft is the manager's: an officer sees nothing yet
        assert_eq!(budi.get(format!("{}/simpeg/ditolak/{batch}", s.url)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        // edit an address
        let eligible = ok(&s, &agus, "/api/simpeg/view", json!({ "batch_id": batch, "filter": "eligible", "page": 0 })).await;
        let row_id = eligible["rows"][0]["id"].as_i64().unwrap();
        let (status, text) = s.call(&agus, "/api/simpeg/edit-address", json!({ "batch_id": batch, "row_id": row_id, "local_part": "yusuf.hakim" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert_eq!(ok(&s, &agus, "/api/simpeg/edit-address", json!({ "batch_id": batch, "row_id": row_id, "local_part": "asn.pertama" })).await, "asn.pertama");

        // submit: the month's collective request
        let ticket = ok(&s, &agus, "/api/simpeg/submit", json!({ "batch_id": batch })).await.as_str().unwrap().to_string();
        let v = version(&s, &budi, &ticket).await;
        let (status, _) = s.call(&agus, "/api/simpeg/step", json!({ "ticket": ticket, "version": v, "action": "proses_batch" })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the manager does not process");
        ok(&s, &budi, "/api/simpeg/step", json!({ "ticket": ticket, "version": v, "action": "proses_batch" })).await;

        // kill the server once the job has started, start another on the same database
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let p = progress(&s, &budi, &ticket).await;
            if p["made"].as_i64().unwrap() > 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the job never started: {}", s.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        s.kill();
        let conn = domain::db::connect(&s.database_url).await.unwrap();
        let at_kill = simpeg_row::Entity::find().filter(simpeg_row::Column::Status.eq(model::RowStatus::Done)).count(&conn).await.unwrap();
        assert!((at_kill as usize) < expected, "{db:?}: the batch finished before the kill ({at_kill})");
        s.restart().await;
        let budi = s.signed_in(BUDI).await;
        let agus = s.signed_in(AGUS).await;
        let deadline = Instant::now() + Duration::from_secs(240);
        let p = loop {
            let p = progress(&s, &budi, &ticket).await;
            if p["state"] != "memproses" {
                break p;
            }
            assert!(Instant::now() < deadline, "the job did not resume: {p} {}", s.log());
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(p["state"], "isi_simpeg");
        assert_eq!(p["made"].as_i64().unwrap() + p["failed"].as_i64().unwrap(), expected as i64);
        assert_eq!(p["failed"].as_i64(), Some(0), "{db:?}");

        // nothing twice: one mailbox and one activation message per row
        let done = simpeg_row::Entity::find().filter(simpeg_row::Column::Status.eq(model::RowStatus::Done)).all(&conn).await.unwrap();
        assert_eq!(done.len(), expected);
        let ids: Vec<i32> = done.iter().filter_map(|r| r.mailbox_id).collect();
        assert_eq!(mailbox::Entity::find().filter(mailbox::Column::Id.is_in(ids)).count(&conn).await.unwrap() as usize, expected);
        assert_eq!(outbox::Entity::find().filter(outbox::Column::MessageKey.like("simpeg:%:activation")).count(&conn).await.unwrap() as usize, expected);
        // the gateway may see a message again after a crash mid-send, but always under the same key
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut keys: HashMap<String, String> = HashMap::new();
        for m in s.sms.all().into_iter().filter(|m| m.text.contains("/aktivasi/")) {
            let key = m.idempotency_key.clone().unwrap_or_default();
            if let Some(prev) = keys.insert(key.clone(), m.text.clone()) {
                assert_eq!(prev, m.text, "one key, one text");
            }
        }
        assert!(keys.len() <= expected);

        // step 5: NIP → address for SIMPEG; then loaded, reported, received
        let r = agus.get(format!("{}/simpeg/ekspor/{ticket}", s.url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
        let maya = s.signed_in(MAYA).await;
        for (who, action) in [(&agus, "tandai_dimuat"), (&agus, "laporkan"), (&maya, "terima_laporan")] {
            let v = version(&s, who, &ticket).await;
            ok(&s, who, "/api/simpeg/step", json!({ "ticket": ticket, "version": v, "action": action })).await;
        }
        let d = ok(&s, &maya, "/api/requests/get", json!({ "ticket": ticket })).await;
        assert_eq!(d["row"]["state"], "selesai");
        let actions: Vec<&str> = d["steps"].as_array().unwrap().iter().map(|x| x["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["buat", "proses_batch", "batch_selesai", "tandai_dimuat", "laporkan", "terima_laporan"]);
    }
}

/// `surel import-simpeg` (issue #14): the rejected rows counted per reason,
/// and `--map FIELD=HEADER` for an export whose headers Surel does not know.
#[tokio::test]
async fn the_command_line_counts_rejections_per_reason_and_takes_a_mapping() {
    let s = TestServer::start(crate::support::Db::Sqlite).await;
    let g = generate(&GeneratorConfig { rows: 200, bad_fraction: 0.3, seed: 11, ..Default::default() });
    let path = s.dir.path().join("simpeg.csv");
    std::fs::write(&path, g.to_csv(b';').unwrap()).unwrap();
    let file = path.to_str().unwrap();
    let out = s.cli(&["import-simpeg", file, "--dry-run"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("rejected rows by reason"), "{text}");
    // "     12  nip_length   NIP tidak valid": every planted bad NIP is counted under a nip_ reason
    let count_of = |prefix: &str| -> usize {
        text.lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let n = w.next()?.parse::<usize>().ok()?;
                w.next().filter(|c| c.starts_with(prefix)).map(|_| n)
            })
            .sum()
    };
    assert!(g.count(Planted::BadNip) > 0 && count_of("nip_") >= g.count(Planted::BadNip), "{text}");
    assert!(text.contains("NIP tidak valid"), "the reason in words too: {text}");

    // headers it does not know: refused with the way out, then mapped by hand
    let mut table = g.table();
    table[0][0] = "Nomor Induk".into();
    let csv: String = table.iter().map(|r| r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(";") + "\n").collect();
    let other = s.dir.path().join("lain.csv");
    std::fs::write(&other, csv).unwrap();
    let other = other.to_str().unwrap();
    let out = s.cli(&["import-simpeg", other]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--map FIELD=HEADER"), "{}", String::from_utf8_lossy(&out.stderr));
    for (bad, says) in [("nomor=Nomor Induk", "unknown field"), ("nip=Tidak Ada", "no column 'Tidak Ada'"), ("nip", "expected FIELD=HEADER")] {
        let out = s.cli(&["import-simpeg", other, "--dry-run", "--map", bad]);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(says), "{bad}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = s.cli(&["import-simpeg", other, "--map", "nip=nomor induk"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let expected = g.expected_eligible() + g.count(Planted::AlreadyHasAccount);
    assert!(text.contains(&format!(" {expected} eligible")), "{expected} eligible expected: {text}");
}
