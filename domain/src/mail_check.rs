//! The account test on the real mail server (SOP 000/002 step 4): deliver a
//! message to the new mailbox over LMTP, then log in over IMAP as the master
//! user (`address*master`) and find it by a random header value; delete it so
//! the owner's inbox starts clean. A tiny line client: the conversation is
//! four commands each way, not worth an IMAP crate.
use crate::crypto::random_token;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where and how Surel reaches the mail server for tests.
#[derive(Clone, Debug)]
pub struct MailServerConfig {
    /// `host:port` of Dovecot's LMTP listener.
    pub lmtp: String,
    /// `host:port` of Dovecot's IMAP listener.
    pub imap: String,
    pub master_user: String,
    pub master_password: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    pub millis: u64,
}

/// Why a test failed: the stage and the server's own words (never a password).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    pub stage: &'static str,
    pub detail: String,
}

impl CheckFailure {
    fn new(stage: &'static str, detail: impl Into<String>) -> Self {
        CheckFailure { stage, detail: detail.into() }
    }

    pub fn not_configured() -> Self {
        Self::new("not_configured", "")
    }

    /// A sentence for the timeline and the officer.
    pub fn message(&self) -> String {
        let what = match self.stage {
            "not_configured" => {
                return "Server surat belum disiapkan, jadi akun belum dapat diuji. Hubungi Admin sistem; setelah server surat siap, tekan Uji ulang.".into()
            }
            "connect_lmtp" => "Tidak dapat terhubung ke LMTP server surat",
            "rcpt" => "Server surat menolak penerima (RCPT)",
            "data" => "Server surat menolak pesan uji (DATA)",
            "connect_imap" => "Tidak dapat terhubung ke IMAP server surat",
            "login" => "Login uji ke kotak surat ditolak",
            "not_found" => "Pesan uji tidak ditemukan di kotak surat",
            "timeout" => "Server surat tidak menjawab tepat waktu",
            _ => "Uji akun gagal",
        };
        if self.detail.is_empty() {
            format!("{what}.")
        } else {
            format!("{what}: {}", self.detail)
        }
    }
}

struct Conn {
    lines: tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>,
    w: tokio::net::tcp::OwnedWriteHalf,
}

impl Conn {
    async fn open(addr: &str, stage: &'static str) -> Result<Self, CheckFailure> {
        let s = TcpStream::connect(addr).await.map_err(|e| CheckFailure::new(stage, format!("{addr}: {e}")))?;
        let (r, w) = s.into_split();
        Ok(Conn { lines: BufReader::new(r).lines(), w })
    }
    async fn send(&mut self, line: &str, stage: &'static str) -> Result<(), CheckFailure> {
        self.w.write_all(format!("{line}\r\n").as_bytes()).await.map_err(|e| CheckFailure::new(stage, e.to_string()))
    }
    async fn line(&mut self, stage: &'static str) -> Result<String, CheckFailure> {
        match self.lines.next_line().await {
            Ok(Some(l)) => Ok(l),
            Ok(None) => Err(CheckFailure::new(stage, "connection closed")),
            Err(e) => Err(CheckFailure::new(stage, e.to_string())),
        }
    }
    /// An SMTP/LMTP reply (multi-line `250-...` then `250 ...`); Ok if 2xx/3xx.
    async fn reply(&mut self, stage: &'static str) -> Result<String, CheckFailure> {
        loop {
            let l = self.line(stage).await?;
            if l.len() >= 4 && l.as_bytes()[3] == b'-' {
                continue;
            }
            return if l.starts_with('2') || l.starts_with('3') { Ok(l) } else { Err(CheckFailure::new(stage, l)) };
        }
    }
    /// Lines up to the tagged IMAP response; Err unless it is OK.
    async fn tagged(&mut self, tag: &str, stage: &'static str) -> Result<Vec<String>, CheckFailure> {
        let mut untagged = vec![];
        loop {
            let l = self.line(stage).await?;
            if let Some(rest) = l.strip_prefix(&format!("{tag} ")) {
                return if rest.starts_with("OK") { Ok(untagged) } else { Err(CheckFailure::new(stage, rest.to_string())) };
            }
            untagged.push(l);
        }
    }
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

async fn deliver(cfg: &MailServerConfig, address: &str, ticket: &str, token: &str) -> Result<(), CheckFailure> {
    let mut c = Conn::open(&cfg.lmtp, "connect_lmtp").await?;
    c.reply("connect_lmtp").await?;
    c.send("LHLO surel", "connect_lmtp").await?;
    c.reply("connect_lmtp").await?;
    c.send("MAIL FROM:<surel@localhost>", "rcpt").await?;
    c.reply("rcpt").await?;
    c.send(&format!("RCPT TO:<{address}>"), "rcpt").await?;
    c.reply("rcpt").await?;
    c.send("DATA", "data").await?;
    c.reply("data").await?;
    let domain = address.split('@').nth(1).unwrap_or("localhost");
    let date = chrono::Utc::now().to_rfc2822();
    let message = format!(
        "From: Surel <surel@{domain}>\r\nTo: <{address}>\r\nSubject: Uji akun Surel {ticket}\r\nDate: {date}\r\nMessage-ID: <{token}@surel>\r\nX-Surel-Test: {token}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPesan uji otomatis dari Surel untuk tiket {ticket}. Pesan ini dihapus setelah terbaca.\r\n."
    );
    c.send(&message, "data").await?;
    // LMTP answers once per recipient
    c.reply("data").await?;
    let _ = c.send("QUIT", "data").await;
    Ok(())
}

async fn find_and_remove(cfg: &MailServerConfig, address: &str, token: &str) -> Result<(), CheckFailure> {
    let mut c = Conn::open(&cfg.imap, "connect_imap").await?;
    c.line("connect_imap").await?;
    c.send(&format!("a1 LOGIN {} {}", quoted(&format!("{address}*{}", cfg.master_user)), quoted(&cfg.master_password)), "login").await?;
    c.tagged("a1", "login").await?;
    let mut found = Vec::new();
    for attempt in 0..10 {
        c.send(&format!("a2{attempt} SELECT INBOX"), "not_found").await?;
        c.tagged(&format!("a2{attempt}"), "not_found").await?;
        c.send(&format!("a3{attempt} UID SEARCH HEADER X-Surel-Test {token}"), "not_found").await?;
        let lines = c.tagged(&format!("a3{attempt}"), "not_found").await?;
        found = lines.iter().filter_map(|l| l.strip_prefix("* SEARCH")).flat_map(|rest| rest.split_whitespace().map(str::to_string)).collect();
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    if found.is_empty() {
        return Err(CheckFailure::new("not_found", ""));
    }
    c.send(&format!("a4 UID STORE {} +FLAGS.SILENT (\\Deleted)", found.join(",")), "not_found").await?;
    c.tagged("a4", "not_found").await?;
    c.send("a5 EXPUNGE", "not_found").await?;
    c.tagged("a5", "not_found").await?;
    let _ = c.send("a6 LOGOUT", "not_found").await;
    Ok(())
}

/// Delivers a test message to `address` and reads it back. At most 15 s.
pub async fn test_mailbox(cfg: &MailServerConfig, address: &str, ticket: &str) -> Result<CheckReport, CheckFailure> {
    let start = Instant::now();
    let token = random_token().chars().filter(char::is_ascii_alphanumeric).take(24).collect::<String>();
    let run = async {
        deliver(cfg, address, ticket, &token).await?;
        find_and_remove(cfg, address, &token).await
    };
    match tokio::time::timeout(Duration::from_secs(15), run).await {
        Ok(Ok(())) => Ok(CheckReport { millis: start.elapsed().as_millis() as u64 }),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(CheckFailure::new("timeout", "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_port_is_a_clear_failure() {
        let cfg = MailServerConfig { lmtp: "127.0.0.1:9".into(), imap: "127.0.0.1:9".into(), master_user: "m".into(), master_password: "p".into() };
        let e = test_mailbox(&cfg, "x@batam.go.id", "SRL-2026-000001").await.unwrap_err();
        assert_eq!(e.stage, "connect_lmtp");
        assert!(e.message().starts_with("Tidak dapat terhubung ke LMTP"), "{}", e.message());
        assert!(CheckFailure::not_configured().message().contains("belum disiapkan"));
        assert!(!CheckFailure::not_configured().message().contains("SUREL_"), "officers are not shown setting names");
    }
}
