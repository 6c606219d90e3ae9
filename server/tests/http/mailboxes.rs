//! The mailbox directory over HTTP, on SQLite and PostgreSQL: officers find a
//! mailbox by name, phone end or NIP, see its page, switch it off and on,
//! change its quota and aliases, each with a reason, audited and told to the
//! owner; a Kepala OPD sees only the unit's mailboxes and changes none; two
//! officers at once cannot both switch one off.
use crate::support::{Db, TestServer};
use domain::entities::mailbox;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

const YUSUF: &str = "yusuf.hakim@batam.go.id";
const YUSUF_PHONE: &str = "+6281290000001";

pub(crate) async fn list(s: &TestServer, c: &reqwest::Client, query: Value) -> Value {
    let (status, text) = s.call(c, "/api/mailboxes/list", json!({ "query": query })).await;
    if status != StatusCode::OK {
        let log = s.log();
        let from = (log.len().saturating_sub(3000)..log.len()).find(|&i| log.is_char_boundary(i)).unwrap_or(0);
        panic!("{query}: {status} {text}\nserver log (end):\n{}", &log[from..]);
    }
    serde_json::from_str(&text).unwrap()
}

pub(crate) fn addresses(page: &Value) -> Vec<String> {
    page["rows"].as_array().unwrap().iter().map(|r| r["address"].as_str().unwrap().to_string()).collect()
}

pub(crate) async fn id_of(s: &TestServer, c: &reqwest::Client, address: &str) -> i64 {
    let page = list(s, c, json!({ "text": address })).await;
    page["rows"].as_array().unwrap().iter().find(|r| r["address"] == address).unwrap_or_else(|| panic!("{address} not found: {page}"))["id"].as_i64().unwrap()
}

pub(crate) async fn change(s: &TestServer, c: &reqwest::Client, id: i64, what: Value, reason: &str) -> (StatusCode, String) {
    s.call(c, "/api/mailboxes/change", json!({ "input": { "mailbox_id": id, "change": what, "reason": reason } })).await
}

pub(crate) async fn detail(s: &TestServer, c: &reqwest::Client, id: i64) -> Value {
    let (status, text) = s.call(c, "/api/mailboxes/get", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn directory(db: Db) {
    let s = TestServer::start(db).await;
    let petugas = s.signed_in("budi.santoso@batam.go.id").await;

    // found by part of the name (any case), the phone's last digits as typed, and the NIP
    for text in ["Yusuf", "hakim@", "0001", "0812-9000-0001", "199305172020121001"] {
        let page = list(&s, &petugas, json!({ "text": text })).await;
        assert!(addresses(&page).contains(&YUSUF.to_string()), "{db:?} {text}: {page}");
        assert!(page["total"].as_u64().unwrap() <= 3, "{db:?} {text} matched too much: {page}");
    }
    let personal = list(&s, &petugas, json!({ "kind": "personal", "status": "active", "sort": "newest" })).await;
    assert!(personal["rows"].as_array().unwrap().iter().all(|r| r["kind"] == "personal" && r["status"] == "active"), "{personal}");
    let none = list(&s, &petugas, json!({ "text": "tidak-ada-yang-begini" })).await;
    assert_eq!(none["total"], 0);

    let id = id_of(&s, &petugas, YUSUF).await;
    let d = detail(&s, &petugas, id).await;
    assert_eq!(d["status"], "active");
    assert_eq!(d["nip"], "199305172020121001");
    assert_eq!(d["reset_phone_masked"], "+62 812-****-001", "{d}");
    assert_eq!(d["activated"], true);
    assert_eq!(d["can_manage"], true);

    // every error of the form at once, in field terms
    let (status, text) = change(&s, &petugas, id, json!({ "SetQuota": { "quota_mb": 10 } }), " ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("note_required") && text.contains("quota_invalid"), "{text}");

    // switched off: reason and time on the page, owner told, audited
    let (status, text) = change(&s, &petugas, id, json!("Disable"), "Pindah tugas ke luar kota").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let d = detail(&s, &petugas, id).await;
    assert_eq!(d["status"], "disabled");
    assert_eq!(d["status_reason"], "Pindah tugas ke luar kota");
    assert!(d["audit"].as_array().unwrap().iter().any(|a| a["action"] == "mailbox.disabled"), "{d}");
    let sms = s.sms.wait_nth(YUSUF_PHONE, 1).await;
    assert!(sms.text.contains("dinonaktifkan") && sms.text.contains("Pindah tugas"), "{}", sms.text);
    let disabled = list(&s, &petugas, json!({ "status": "disabled" })).await;
    assert!(addresses(&disabled).contains(&YUSUF.to_string()));
    // a reset is refused for it like for any unknown address: no SMS goes out
    let r = s.client().post(format!("{}/ganti-sandi", s.url)).form(&[("action", "start"), ("address", YUSUF)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // again: someone else already did
    let (status, text) = change(&s, &petugas, id, json!("Disable"), "Pindah tugas ke luar kota").await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(text.contains("mailbox_changed"), "{text}");
    let (status, _) = change(&s, &petugas, id, json!("Enable"), "Kembali bertugas di Batam").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail(&s, &petugas, id).await["status"], "active");
    assert_eq!(s.sms.settle(YUSUF_PHONE).await.len(), 2, "one SMS per change, none for the reset");

    // quota and aliases
    let (status, _) = change(&s, &petugas, id, json!({ "SetQuota": { "quota_mb": 4096 } }), "Butuh ruang untuk lampiran").await;
    assert_eq!(status, StatusCode::OK);
    let (status, text) = change(&s, &petugas, id, json!({ "AddAlias": { "address": "Yusuf.Dinkes" } }), "Alamat lama dari sistem lama").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let d = detail(&s, &petugas, id).await;
    assert_eq!(d["quota_mb"], 4096);
    let alias = &d["aliases"][0];
    assert_eq!(alias["address"], "yusuf.dinkes@batam.go.id");
    // unique across mailboxes and aliases, same rules as new addresses
    let nurul = id_of(&s, &petugas, "nurul.aini@batam.go.id").await;
    for (typed, code) in
        [("yusuf.dinkes", "address_taken"), ("nurul.aini", "address_taken"), ("postmaster", "address_reserved"), ("orang.lain@gmail.com", "address_domain")]
    {
        let (status, text) = change(&s, &petugas, nurul, json!({ "AddAlias": { "address": typed } }), "Uji alamat tambahan").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}: {text}");
        assert!(text.contains(code), "{typed}: {text}");
    }
    // an alias is removed only from its own mailbox
    let (status, _) = change(&s, &petugas, nurul, json!({ "RemoveAlias": { "alias_id": alias["id"] } }), "Bukan miliknya").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = change(&s, &petugas, id, json!({ "RemoveAlias": { "alias_id": alias["id"] } }), "Alamat lama tidak dipakai").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail(&s, &petugas, id).await["aliases"].as_array().unwrap().len(), 0);
    // 30 different aliases asked for at once: the limit holds (every change
    // takes the audit head's lock first, so the count cannot be raced)
    let calls = (0..30).map(|n| change(&s, &petugas, nurul, json!({ "AddAlias": { "address": format!("nurul.uji{n}") } }), "Uji batas alamat"));
    let results = futures::future::join_all(calls).await;
    assert_eq!(results.iter().filter(|(st, _)| *st == StatusCode::OK).count(), domain::accounts::MAX_ALIASES, "{db:?}: {results:?}");
    assert!(results.iter().all(|(st, t)| *st == StatusCode::OK || t.contains("too_many")), "{results:?}");
    let aliases = detail(&s, &petugas, nurul).await["aliases"].as_array().unwrap().clone();
    assert_eq!(aliases.len(), domain::accounts::MAX_ALIASES);
    for a in aliases {
        let (status, _) = change(&s, &petugas, nurul, json!({ "RemoveAlias": { "alias_id": a["id"] } }), "Uji selesai").await;
        assert_eq!(status, StatusCode::OK);
    }
    // the owner was told of each change: 5 added, 5 removed
    assert_eq!(s.sms.settle("+6281290000002").await.iter().filter(|m| m.text.contains("nurul.uji")).count(), 2 * domain::accounts::MAX_ALIASES);

    // an officer does not switch off their own mailbox
    let own = id_of(&s, &petugas, "budi.santoso@batam.go.id").await;
    let (status, text) = change(&s, &petugas, own, json!("Disable"), "Uji menonaktifkan diri").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.contains("mailbox_self"), "{text}");

    // the Kepala OPD of DISDIK sees DISDIK's mailboxes only, and changes none
    let kepala = s.signed_in("siti.rahma@batam.go.id").await;
    let seen = addresses(&list(&s, &kepala, json!({})).await);
    assert!(seen.contains(&"nurul.aini@batam.go.id".to_string()), "{seen:?}");
    assert!(!seen.contains(&YUSUF.to_string()), "DINKES leaked to DISDIK: {seen:?}");
    assert_eq!(list(&s, &kepala, json!({ "text": "yusuf" })).await["total"], 0);
    let (status, _) = s.call(&kepala, "/api/mailboxes/get", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another unit's mailbox is 'not found', like one that does not exist");
    assert_eq!(detail(&s, &kepala, nurul).await["can_manage"], false);
    let (status, _) = change(&s, &kepala, nurul, json!("Disable"), "Tidak berwenang").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // 30 officers' clicks at once: exactly one switch-off, one audit entry, one SMS
    let nurul_phone = "+6281290000002";
    let before = s.sms.to(nurul_phone).len();
    let calls = (0..30).map(|_| change(&s, &petugas, nurul, json!("Disable"), "Mengundurkan diri"));
    let results = futures::future::join_all(calls).await;
    let ok = results.iter().filter(|(st, _)| *st == StatusCode::OK).count();
    assert_eq!(ok, 1, "{db:?}: {:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert!(results.iter().all(|(st, t)| *st == StatusCode::OK || t.contains("mailbox_changed")), "{results:?}");
    let d = detail(&s, &petugas, nurul).await;
    assert_eq!(d["audit"].as_array().unwrap().iter().filter(|a| a["action"] == "mailbox.disabled").count(), 1);
    assert_eq!(s.sms.settle(nurul_phone).await.len(), before + 1);

    // moving to another unit: the Kepala OPD of DISDIK now sees it
    let (status, text) = change(&s, &petugas, id, json!({ "MoveUnit": { "unit_id": 987654 } }), "Mutasi ke Dinas Pendidikan").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("unit_unknown"), "{text}");
    let disdik =
        list(&s, &kepala, json!({})).await["rows"].as_array().unwrap().iter().find(|r| r["address"] == "nurul.aini@batam.go.id").unwrap()["unit"].clone();
    let units: Value = serde_json::from_str(&s.call(&petugas, "/api/units/list", json!({})).await.1).unwrap();
    let disdik_id = units.as_array().unwrap().iter().find(|u| u["name"] == disdik).unwrap()["id"].clone();
    let (status, text) = change(&s, &petugas, id, json!({ "MoveUnit": { "unit_id": disdik_id } }), "Mutasi ke Dinas Pendidikan").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(detail(&s, &kepala, id).await["unit"], disdik);

    // a new activation link only for a mailbox that waits for one, and only to a phone
    let (status, text) = change(&s, &petugas, id, json!("ResendActivation"), "Pemilik kehilangan SMS").await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(text.contains("activation_not_needed"), "{text}");
    let out = s.cli(&["user", "add", "--address", "pegawai.baru@batam.go.id", "--role", "kasi", "--name", "Pegawai Baru", "--phone", "081290000099"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fresh = id_of(&s, &petugas, "pegawai.baru@batam.go.id").await;
    let d = detail(&s, &petugas, fresh).await;
    assert_eq!((d["status"].as_str(), d["activated"].as_bool()), (Some("pending"), Some(false)), "{d}");
    let first = s.sms.wait_nth("+6281290000099", 1).await;
    let (status, text) = change(&s, &petugas, fresh, json!("ResendActivation"), "SMS pertama terhapus").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let second = s.sms.wait_nth("+6281290000099", 2).await;
    assert!(second.text.contains("/aktivasi/") && second.text != first.text, "a new link: {}", second.text);
    let old_link = first.text.split_whitespace().find(|w| w.contains("/aktivasi/")).unwrap().to_string();
    let r = s.client().get(&old_link).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Tautan ini tidak berlaku lagi."), "the earlier link no longer works");

    // the list as a file: the same search, formula-safe, in the audit log
    let r = petugas.get(format!("{}/laporan/akun?q=nurul&format=csv", s.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[reqwest::header::CONTENT_DISPOSITION].to_str().unwrap().contains(".csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Alamat,Nama,NIP") && csv.contains("nurul.aini@batam.go.id,Nurul Aini,199508082021022003"), "{csv}");
    assert!(!csv.contains("yusuf.hakim"), "{csv}");
    let r = petugas.get(format!("{}/laporan/akun?status=disabled", s.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK", "an XLSX (zip) file");
    let r = s.signed_in("hendra.gunawan@batam.go.id").await.get(format!("{}/laporan/akun?format=csv", s.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a Kasi has no directory");
    let kepala_csv = kepala.get(format!("{}/laporan/akun?format=csv", s.url)).send().await.unwrap().text().await.unwrap();
    assert!(kepala_csv.contains("nurul.aini@") && !kepala_csv.contains("dimas.saputra@"), "the Kepala OPD's file holds the unit only: {kepala_csv}");

    // past the count's cap: the search stops at "more than", and a narrower
    // one finds every match, whichever part of PostgreSQL's index it is in
    // (ids run across all of them), in the page, the unit and the file
    let conn = s.db().await;
    let units: Vec<domain::entities::unit::Model> = domain::entities::unit::Entity::find().all(&conn).await.unwrap();
    let unit = |code: &str| units.iter().find(|u| u.code == code).unwrap().id;
    let now = chrono::Utc::now();
    let many: Vec<mailbox::ActiveModel> = (0..domain::mailboxes::directory::COUNT_CAP + 20)
        .map(|n| mailbox::ActiveModel {
            address: sea_orm::Set(format!("massal.{n}@batam.go.id")),
            local_part: sea_orm::Set(format!("massal.{n}")),
            domain_id: sea_orm::Set(1),
            kind: sea_orm::Set("personal".into()),
            display_name: sea_orm::Set(format!("Pegawai Massal {n}")),
            unit_id: sea_orm::Set(Some(unit(if n % 2 == 0 { "DISDIK" } else { "DINKES" }))),
            status: sea_orm::Set("pending".into()),
            quota_mb: sea_orm::Set(1024),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in many.chunks(200) {
        mailbox::Entity::insert_many(chunk.to_vec()).exec(&conn).await.unwrap();
    }
    let all = list(&s, &petugas, json!({ "text": "massal" })).await;
    assert_eq!((all["total"].as_u64(), all["more"].as_bool(), all["rows"].as_array().unwrap().len()), (Some(1000), Some(true), 50), "{db:?}");
    let mut few = addresses(&list(&s, &petugas, json!({ "text": "Massal.99" })).await);
    few.sort();
    let mut expected: Vec<String> = std::iter::once(99).chain(990..1000).map(|n| format!("massal.{n}@batam.go.id")).collect();
    expected.sort();
    assert_eq!(few, expected, "{db:?}: massal.99 and massal.990 … 999, from every part");
    let mut in_unit = addresses(&list(&s, &kepala, json!({ "text": "massal.99" })).await);
    in_unit.sort();
    assert_eq!(in_unit, ["massal.990", "massal.992", "massal.994", "massal.996", "massal.998"].map(|a| format!("{a}@batam.go.id")), "{db:?}: DISDIK's only");
    let csv = petugas.get(format!("{}/laporan/akun?q=massal.99&format=csv", s.url)).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().filter(|l| l.starts_with("massal.")).count(), 11, "{db:?}: the file holds the same matches: {csv}");

    // a colleague's or an admin's mailbox is the Admin sistem's to switch off
    let admin_box = id_of(&s, &petugas, "andi.pratama@batam.go.id").await;
    let (status, text) = change(&s, &petugas, admin_box, json!("Disable"), "Uji menonaktifkan admin").await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(text.contains("mailbox_staff"), "{text}");
    let admin = s.signed_in("andi.pratama@batam.go.id").await;
    let (status, text) = change(&s, &admin, own, json!("Disable"), "Petugas pindah tugas").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _) = s.call(&petugas, "/api/mailboxes/list", json!({ "query": {} })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the switched-off officer's session ended");

    // retention: Nurul (switched off above) is listed for deletion once the
    // period is over, deleted nothing by itself, and goes on a person's word
    let (status, text) = change(&s, &admin, nurul, json!("ConfirmDeletion"), "Masa simpan habis").await;
    assert_eq!(status, StatusCode::CONFLICT, "not listed yet: {text}");
    assert!(text.contains("mailbox_not_marked"), "{text}");
    let aged = chrono::Utc::now() - chrono::Duration::days(181);
    mailbox::Entity::update_many()
        .col_expr(mailbox::Column::StatusChangedAt, Expr::value(aged))
        .filter(mailbox::Column::Address.eq("nurul.aini@batam.go.id"))
        .exec(&s.db().await)
        .await
        .unwrap();
    // the demo's retired owners are listed already (domain::seed::LEAVERS), none of them in DISDIK
    let waiting = list(&s, &admin, json!({})).await["awaiting_deletion"].as_u64().unwrap();
    assert_eq!(waiting, domain::seed::LEAVERS.len() as u64);
    assert_eq!(list(&s, &kepala, json!({})).await["awaiting_deletion"], 0);
    let out = s.cli(&["housekeeping"]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success() && said.contains(" 1 mailboxes listed for deletion"), "{said} {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(list(&s, &admin, json!({})).await["awaiting_deletion"], waiting + 1);
    assert_eq!(list(&s, &kepala, json!({})).await["awaiting_deletion"], 1, "Nurul is in the Kepala OPD's unit");
    let marked = addresses(&list(&s, &admin, json!({ "status": "marked_for_deletion" })).await);
    assert!(marked.contains(&"nurul.aini@batam.go.id".to_string()) && marked.len() as u64 == waiting + 1, "{marked:?}");
    assert!(!addresses(&list(&s, &admin, json!({ "status": "disabled" })).await).contains(&"nurul.aini@batam.go.id".to_string()));
    let d = detail(&s, &admin, nurul).await;
    assert_eq!((d["status"].as_str(), d["activated"].as_bool()), (Some("marked_for_deletion"), Some(true)), "marking deletes nothing: {d}");
    let (status, _) = change(&s, &kepala, nurul, json!("ConfirmDeletion"), "Tidak berwenang").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let told = s.sms.to(nurul_phone).len();
    // 30 clicks on "delete" at once: deleted once, audited once, told once
    let calls = (0..30).map(|_| change(&s, &admin, nurul, json!("ConfirmDeletion"), "Masa simpan habis, pegawai sudah berhenti"));
    let results = futures::future::join_all(calls).await;
    assert_eq!(results.iter().filter(|(st, _)| *st == StatusCode::OK).count(), 1, "{db:?}: {results:?}");
    assert!(results.iter().all(|(st, t)| *st == StatusCode::OK || t.contains("mailbox_not_marked") || t.contains("mailbox_deleted")), "{results:?}");
    let d = detail(&s, &admin, nurul).await;
    assert_eq!(d["audit"].as_array().unwrap().iter().filter(|a| a["action"] == "mailbox.deleted").count(), 1);
    assert_eq!((d["status"].as_str(), d["can_manage"].as_bool()), (Some("deleted"), Some(false)), "{d}");
    assert!(d["reset_phone_masked"].is_null() && d["activated"] == false, "the secrets go: {d}");
    assert!(s.sms.wait_nth(nurul_phone, told + 1).await.text.contains("dihapus"), "the owner is told before the phone goes");
    let (status, text) = change(&s, &admin, nurul, json!("Enable"), "Coba aktifkan lagi").await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(text.contains("mailbox_deleted"), "{text}");
    assert_eq!(list(&s, &admin, json!({})).await["awaiting_deletion"], waiting);
    assert_eq!(
        addresses(&list(&s, &admin, json!({ "status": "deleted" })).await),
        vec!["nurul.aini@batam.go.id".to_string()],
        "the tombstone keeps the address"
    );
    assert_eq!(s.sms.settle(nurul_phone).await.len(), told + 1, "one deletion SMS");

    // two officers decide the same listed mailbox at once, one deleting, one keeping: one decision holds
    let leaver = id_of(&s, &admin, "agus.salim@batam.go.id").await;
    let calls = (0..30).map(|n| {
        let what = if n % 2 == 0 { json!("ConfirmDeletion") } else { json!("KeepDisabled") };
        change(&s, &admin, leaver, what, "Keputusan masa simpan")
    });
    let results = futures::future::join_all(calls).await;
    assert_eq!(results.iter().filter(|(st, _)| *st == StatusCode::OK).count(), 1, "{db:?}: {results:?}");
    let d = detail(&s, &admin, leaver).await;
    let decided = d["audit"].as_array().unwrap().iter().filter(|a| a["action"] == "mailbox.deleted" || a["action"] == "mailbox.kept").count();
    assert_eq!(decided, 1, "{d}");
    assert_eq!(list(&s, &admin, json!({})).await["awaiting_deletion"], waiting - 1);

    let out = s.cli(&["audit", "verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn officers_find_check_and_switch_off_mailboxes() {
    for db in crate::support::databases() {
        directory(db).await;
    }
}
