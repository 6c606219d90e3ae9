//! The real mail server: Dovecot authenticates against Surel's SQLite file.
//! After a reset over HTTP, IMAP LOGIN works with the new password and fails
//! with the old one.
mod support;

use reqwest::StatusCode;
use std::{path::Path, process::Command};
use support::{gateway::code_in, Db, TestServer, DEMO_PASSWORD};
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

fn start_dovecot(db: &Path, port: u16) -> Option<Dovecot> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/dovecot/run-local.sh");
    let have = Path::new("/usr/sbin/dovecot").exists();
    let root = String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0";
    if !(have && root) {
        assert!(std::env::var("CI").is_err(), "CI needs Dovecot and root for the mail-server test");
        eprintln!("skipping: Dovecot not installed or not root");
        return None;
    }
    let out = Command::new(script).arg(db).arg(port.to_string()).output().unwrap();
    assert!(out.status.success(), "run-local.sh failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dir = stdout.lines().find_map(|l| l.strip_prefix("DOVECOT_DIR=")).expect("DOVECOT_DIR").to_string();
    Some(Dovecot { dir })
}

#[tokio::test]
async fn imap_login_follows_a_reset() {
    let s = TestServer::start(Db::Sqlite).await;
    let db = s.dir.path().join("surel.db");
    let port = support::free_port();
    let Some(_dovecot) = start_dovecot(&db, port) else { return };
    let user = "yusuf.hakim@batam.go.id";
    assert!(imap_login(port, user, DEMO_PASSWORD).await, "the seeded password works");
    assert!(!imap_login(port, user, "kopi-Senja-pelangi-7-teluk").await);

    let c = s.client();
    let r = c.post(format!("{}/ganti-sandi", s.url)).form(&[("action", "start"), ("address", user)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let code = code_in(&s.sms.wait_nth("+6281290000001", 1).await.text);
    let new = "kopi-Senja-pelangi-7-teluk";
    let r = c.post(format!("{}/ganti-sandi", s.url)).form(&[("action", "complete"), ("code", code.as_str()), ("password", new), ("password_confirm", new)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    assert!(imap_login(port, user, new).await, "IMAP accepts the new password");
    assert!(!imap_login(port, user, DEMO_PASSWORD).await, "IMAP refuses the old password");
    // a password with quotes and non-ASCII reaches Dovecot byte for byte
    assert!(!imap_login(port, "nobody@batam.go.id", new).await);
}
