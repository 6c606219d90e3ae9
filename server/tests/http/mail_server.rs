//! The real mail server: Dovecot authenticates against Surel's SQLite file
//! (after a reset over HTTP, IMAP LOGIN works with the new password and fails
//! with the old one), and Postfix delivers to what Surel creates.

use crate::support::{gateway::code_in, Db, TestServer, DEMO_PASSWORD};
use reqwest::StatusCode;
use std::{path::Path, process::Command};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `a1 LOGIN user pass` against 127.0.0.1:port; true on OK.
async fn imap_login(port: u16, user: &str, pass: &str) -> bool {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (r, mut w) = stream.into_split();
    let mut lines = BufReader::new(r).lines();
    let greeting = lines.next_line().await.unwrap().unwrap();
    assert!(greeting.starts_with("* OK"), "{greeting}");
    w.write_all(format!("a1 LOGIN {} {}\r\n", quoted(user), quoted(pass)).as_bytes()).await.unwrap();
    loop {
        let line = lines.next_line().await.unwrap().unwrap();
        if let Some(rest) = line.strip_prefix("a1 ") {
            let _ = w.write_all(b"a2 LOGOUT\r\n").await;
            return rest.starts_with("OK");
        }
    }
}

struct Dovecot {
    dir: String,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/dovecot/stop-local.sh");
        let _ = Command::new(script).arg(&self.dir).status();
    }
}

/// What the local mail servers read: the SQLite file, or the PostgreSQL URL
/// (run-local.sh takes either and uses the matching production maps).
fn mail_db(s: &TestServer) -> String {
    if s.database_url.starts_with("postgres") {
        s.database_url.clone()
    } else {
        s.dir.path().join("surel.db").display().to_string()
    }
}

fn start_dovecot(db: &Path, port: u16) -> Option<Dovecot> {
    start_dovecot_with(db.as_os_str(), port, &[])
}

fn start_dovecot_with(db: &std::ffi::OsStr, port: u16, env: &[(&str, String)]) -> Option<Dovecot> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/dovecot/run-local.sh");
    let have = Path::new("/usr/sbin/dovecot").exists();
    let root = String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0";
    if !(have && root) {
        assert!(std::env::var("CI").is_err(), "CI needs Dovecot and root for the mail-server test");
        eprintln!("skipping: Dovecot not installed or not root");
        return None;
    }
    let out = Command::new(script).arg(db).arg(port.to_string()).envs(env.iter().map(|(k, v)| (*k, v.as_str()))).output().unwrap();
    assert!(out.status.success(), "run-local.sh failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dir = stdout.lines().find_map(|l| l.strip_prefix("DOVECOT_DIR=")).expect("DOVECOT_DIR").to_string();
    Some(Dovecot { dir })
}

#[tokio::test]
async fn imap_login_follows_a_reset() {
    let s = TestServer::start(Db::Sqlite).await;
    let db = s.dir.path().join("surel.db");
    let port = crate::support::free_port();
    let Some(_dovecot) = start_dovecot(&db, port) else { return };
    let user = "yusuf.hakim@batam.go.id";
    assert!(imap_login(port, user, DEMO_PASSWORD).await, "the seeded password works");
    assert!(!imap_login(port, user, "kopi-Senja-pelangi-7-teluk").await);

    let c = s.client();
    let r = c.post(format!("{}/ganti-sandi", s.url)).form(&[("action", "start"), ("address", user)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let code = code_in(&s.sms.wait_nth("+6281290000001", 1).await.text);
    let new = "kopi-Senja-pelangi-7-teluk";
    let r = c
        .post(format!("{}/ganti-sandi", s.url))
        .form(&[("action", "complete"), ("code", code.as_str()), ("password", new), ("password_confirm", new)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    assert!(imap_login(port, user, new).await, "IMAP accepts the new password");
    assert!(!imap_login(port, user, DEMO_PASSWORD).await, "IMAP refuses the old password");
    // a password with quotes and non-ASCII reaches Dovecot byte for byte
    assert!(!imap_login(port, "nobody@batam.go.id", new).await);

    // the owner changes it again on /akun, knowing the current one: Dovecot follows
    let owner = s.client();
    let r = owner.post(format!("{}/akun", s.url)).form(&[("action", "sign_in"), ("address", user), ("password", new)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let third = "Teluk-Senja-kopi-\"9\"-ombak";
    let r = owner
        .post(format!("{}/akun", s.url))
        .form(&[("action", "change_password"), ("current", new), ("password", third), ("password_confirm", third)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[reqwest::header::LOCATION], "/akun?tersimpan=1");
    assert!(imap_login(port, user, third).await, "IMAP accepts the owner's new password");
    assert!(!imap_login(port, user, new).await, "and refuses the one before");
}

/// SOP 000/002 step 4: a new mailbox (pending, no password) is delivered to
/// and read back through the master user; nobody can log in to it directly.
#[tokio::test]
async fn new_mailboxes_pass_the_account_test_but_cannot_be_logged_into() {
    let s = TestServer::start(Db::Sqlite).await;
    let db = s.dir.path().join("surel.db");
    let (imap, lmtp) = (crate::support::free_port(), crate::support::free_port());
    let master = ("surel-test", "master-Sandi-uji-2026");
    let env = [("LMTP_PORT", lmtp.to_string()), ("MASTER_USER", master.0.to_string()), ("MASTER_PASSWORD", master.1.to_string())];
    let Some(_dovecot) = start_dovecot_with(db.as_os_str(), imap, &env) else { return };
    let sql = "INSERT INTO mailboxes (address, local_part, domain_id, kind, display_name, status, quota_mb, created_at, updated_at) \
               SELECT 'ppdb.baru@batam.go.id', 'ppdb.baru', id, 'kegiatan', 'PPDB', 'pending', 1024, '2026-11-24 00:00:00+00:00', '2026-11-24 00:00:00+00:00' FROM domains LIMIT 1; \
               UPDATE mailboxes SET status = 'disabled' WHERE address = 'dimas.saputra@batam.go.id';";
    let out = Command::new("sqlite3").arg(&db).arg(sql).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let check = |address: &str| {
        Command::new(env!("CARGO_BIN_EXE_surel"))
            .args(["check-mailbox", address])
            .env("DATABASE_URL", &s.database_url)
            .env("SUREL_SECRET", "0123456789abcdef0123456789abcdef")
            .env("SUREL_MAIL_LMTP", format!("127.0.0.1:{lmtp}"))
            .env("SUREL_MAIL_IMAP", format!("127.0.0.1:{imap}"))
            .env("SUREL_MAIL_MASTER_USER", master.0)
            .env("SUREL_MAIL_MASTER_PASSWORD", master.1)
            .output()
            .unwrap()
    };
    let ok = check("ppdb.baru@batam.go.id");
    assert!(ok.status.success(), "{}{}", String::from_utf8_lossy(&ok.stdout), String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("delivered and read back"));
    // no password yet: no login, whatever is typed
    for guess in ["", "x", DEMO_PASSWORD] {
        assert!(!imap_login(imap, "ppdb.baru@batam.go.id", guess).await, "logged in to a pending mailbox with {guess:?}");
    }
    // unknown and disabled mailboxes fail the test, saying why
    for address in ["tidak.ada@batam.go.id", "dimas.saputra@batam.go.id"] {
        let bad = check(address);
        assert!(!bad.status.success());
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.contains("[rcpt]") && err.contains("menolak penerima"), "{address}: {err}");
    }
}

struct Postfix {
    dir: String,
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/postfix/stop-local.sh");
        let _ = Command::new(script).arg(&self.dir).status();
    }
}

/// A throwaway Postfix on 127.0.0.1:smtp reading Surel's database (SQLite
/// file or PostgreSQL URL), delivering to LMTP on 127.0.0.1:lmtp.
fn start_postfix(db: &str, smtp: u16, lmtp: u16) -> Option<Postfix> {
    if !Path::new("/usr/sbin/postfix").exists() {
        assert!(std::env::var("CI").is_err(), "CI needs Postfix (postfix, postfix-sqlite) for the delivery test");
        eprintln!("skipping: Postfix not installed");
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/postfix/run-local.sh");
    let out = Command::new(script).arg(db).arg(smtp.to_string()).arg(lmtp.to_string()).output().unwrap();
    assert!(out.status.success(), "postfix run-local.sh failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dir = stdout.lines().find_map(|l| l.strip_prefix("POSTFIX_DIR=")).expect("POSTFIX_DIR").to_string();
    Some(Postfix { dir })
}

/// One SMTP transaction to 127.0.0.1:port. Returns the RCPT reply code and
/// text; when the recipient is accepted, the message is sent.
async fn smtp_send(port: u16, rcpt: &str, subject: &str) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (r, mut w) = stream.into_split();
    let mut lines = BufReader::new(r).lines();
    async fn reply(lines: &mut tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>) -> (u16, String) {
        let mut all = Vec::new();
        loop {
            let line = lines.next_line().await.unwrap().unwrap();
            let last = line.len() < 4 || line.as_bytes()[3] != b'-';
            all.push(line);
            if last {
                return (all.last().unwrap()[..3].parse().unwrap(), all.join(" / "));
            }
        }
    }
    assert_eq!(reply(&mut lines).await.0, 220);
    for (cmd, want) in [("EHLO surel-test".to_string(), 250), ("MAIL FROM:<sistem@batam.go.id>".to_string(), 250)] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).await.unwrap();
        let (code, text) = reply(&mut lines).await;
        assert_eq!(code, want, "{cmd}: {text}");
    }
    w.write_all(format!("RCPT TO:<{rcpt}>\r\n").as_bytes()).await.unwrap();
    let rcpt_reply = reply(&mut lines).await;
    if rcpt_reply.0 == 250 {
        w.write_all(b"DATA\r\n").await.unwrap();
        assert_eq!(reply(&mut lines).await.0, 354);
        let msg = format!("From: sistem@batam.go.id\r\nTo: {rcpt}\r\nSubject: {subject}\r\n\r\nUji pengiriman lewat Postfix.\r\n.\r\n");
        w.write_all(msg.as_bytes()).await.unwrap();
        let (code, text) = reply(&mut lines).await;
        assert_eq!(code, 250, "DATA: {text}");
    }
    w.write_all(b"QUIT\r\n").await.unwrap();
    rcpt_reply
}

/// Whether a message with `subject` is in `user`'s inbox; None if the login is refused.
async fn imap_has(port: u16, user: &str, pass: &str, subject: &str) -> Option<bool> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (r, mut w) = stream.into_split();
    let mut lines = BufReader::new(r).lines();
    lines.next_line().await.unwrap().unwrap();
    let mut found = false;
    for (tag, cmd) in
        [("a1", format!("LOGIN {} {}", quoted(user), quoted(pass))), ("a2", "EXAMINE INBOX".into()), ("a3", format!("SEARCH SUBJECT {}", quoted(subject)))]
    {
        w.write_all(format!("{tag} {cmd}\r\n").as_bytes()).await.unwrap();
        loop {
            let line = lines.next_line().await.unwrap().unwrap();
            if let Some(rest) = line.strip_prefix("* SEARCH") {
                found = !rest.trim().is_empty();
            }
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                if !rest.starts_with("OK") {
                    assert_eq!(tag, "a1", "{cmd}: {line}");
                    return None;
                }
                break;
            }
        }
    }
    let _ = w.write_all(b"a4 LOGOUT\r\n").await;
    Some(found)
}

/// Polls the inbox for up to 10 s (Postfix hands the message to Dovecot's LMTP in the background).
async fn arrives(port: u16, user: &str, subject: &str) -> bool {
    for _ in 0..200 {
        if imap_has(port, user, DEMO_PASSWORD, subject).await == Some(true) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// The whole mail path, on SQLite and PostgreSQL: Postfix reads Surel's
/// views (the production maps) and hands mail to Dovecot over LMTP. Mail to
/// a mailbox and to the alias an officer added arrives in it; a unit
/// mailbox forwarded to it keeps its copy and passes one on; once the
/// officer switches the mailbox off, SMTP refuses both its addresses and
/// IMAP the login (the unit still gets its mail); switched on again, all
/// works.
#[tokio::test]
async fn postfix_delivers_to_surel_mailboxes_until_they_are_switched_off() {
    for db in crate::support::databases() {
        postfix_delivers(db).await;
    }
}

async fn postfix_delivers(db: Db) {
    use crate::mailboxes::{change, id_of};
    use sea_orm::ConnectionTrait;
    use serde_json::json;
    let s = TestServer::start(db).await;
    let db = mail_db(&s);
    let (imap, lmtp, smtp) = (crate::support::free_port(), crate::support::free_port(), crate::support::free_port());
    let Some(_dovecot) = start_dovecot_with(db.as_ref(), imap, &[("LMTP_PORT", lmtp.to_string())]) else { return };
    let Some(_postfix) = start_postfix(&db, smtp, lmtp) else { return };
    let user = "yusuf.hakim@batam.go.id";
    let alias = "yusuf.kantor@batam.go.id";
    let unit = "humas@batam.go.id";
    let petugas = s.signed_in("budi.santoso@batam.go.id").await;
    let id = id_of(&s, &petugas, user).await;
    let (status, text) = change(&s, &petugas, id, json!({ "AddAlias": { "address": "yusuf.kantor" } }), "Alamat untuk surat kantor").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // a unit mailbox (as SOP 000 creates them), its password the demo one so the test can read it
    let sql = format!(
        "INSERT INTO mailboxes (address, local_part, domain_id, kind, display_name, unit_id, status, quota_mb, password_hash, created_at, updated_at) \
         SELECT '{unit}', 'humas', domain_id, 'unit', 'Humas Kota', unit_id, 'active', 1024, password_hash, created_at, updated_at FROM mailboxes WHERE address = '{user}'"
    );
    s.db().await.execute_unprepared(&sql).await.unwrap();
    let unit_id = id_of(&s, &petugas, unit).await;
    let (status, text) = change(&s, &petugas, unit_id, json!({ "AddForward": { "address": "yusuf.hakim" } }), "Yusuf menjawab surat humas").await;
    assert_eq!(status, StatusCode::OK, "{text}");

    assert_eq!(smtp_send(smtp, user, "Surat langsung").await.0, 250);
    assert_eq!(smtp_send(smtp, &alias.to_uppercase(), "Surat lewat alias").await.0, 250, "addresses are matched in any case");
    assert_eq!(smtp_send(smtp, unit, "Surat untuk humas").await.0, 250);
    assert!(arrives(imap, user, "Surat langsung").await, "mail to the mailbox arrived");
    assert!(arrives(imap, user, "Surat lewat alias").await, "mail to the alias arrived in the mailbox");
    assert!(arrives(imap, unit, "Surat untuk humas").await, "the unit mailbox keeps its copy");
    assert!(arrives(imap, user, "Surat untuk humas").await, "and the person who answers it gets one");
    // an address Surel does not know, and another domain (no open relay)
    assert_eq!(smtp_send(smtp, "tidak.ada@batam.go.id", "x").await.0, 550);
    assert!(smtp_send(smtp, "someone@example.com", "x").await.0 >= 500);

    let (status, _) = change(&s, &petugas, id, json!("Disable"), "Pindah ke instansi lain").await;
    assert_eq!(status, StatusCode::OK);
    for to in [user, alias] {
        let (code, text) = smtp_send(smtp, to, "Setelah nonaktif").await;
        assert_eq!(code, 550, "{to}: {text}");
    }
    assert_eq!(smtp_send(smtp, unit, "Humas saat Yusuf nonaktif").await.0, 250, "the unit's mail does not bounce for a switched-off target");
    assert!(arrives(imap, unit, "Humas saat Yusuf nonaktif").await);
    assert_eq!(imap_has(imap, user, DEMO_PASSWORD, "Surat langsung").await, None, "IMAP refuses a disabled mailbox");

    let (status, _) = change(&s, &petugas, id, json!("Enable"), "Batal pindah").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(smtp_send(smtp, alias, "Setelah aktif lagi").await.0, 250);
    assert!(arrives(imap, user, "Setelah aktif lagi").await);
    assert_eq!(imap_has(imap, user, DEMO_PASSWORD, "Setelah nonaktif").await, Some(false), "nothing slipped through while it was off");
    assert_eq!(imap_has(imap, user, DEMO_PASSWORD, "Humas saat Yusuf nonaktif").await, Some(false), "nor a forward");
}
