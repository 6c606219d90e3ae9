//! Runtime configuration as the domain sees it. The `surel` binary fills it from
//! a file and the environment (see server/src/config.rs and the README).
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Clone, Debug)]
pub struct SmsConfig {
    /// Surel POSTs JSON `{"to":"+62…","text":"…"}` here.
    pub url: String,
    pub token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TelegramConfig {
    pub token: String,
    /// `https://api.telegram.org` unless a test points it elsewhere.
    pub api_base: String,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    /// `smtp://host:port`, `smtps://user:pass@host` … (lettre URL syntax)
    pub url: String,
    pub from: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// Base of links sent to people (activation, approval), e.g. `https://surel.batam.go.id`.
    pub public_url: String,
    pub site_root: PathBuf,
    pub data_dir: PathBuf,
    pub secret: Vec<u8>,
    /// Demo mode: no gateways needed; the outbox page shows message texts.
    pub demo: bool,
    pub sms: Option<SmsConfig>,
    pub telegram: Option<TelegramConfig>,
    pub smtp: Option<SmtpConfig>,
    pub password_min_len: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or
    /// CIDR ranges). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Client addresses (after [`Config::trusted_proxies`]) allowed to read
    /// `/metrics`. Default: loopback only.
    pub metrics_allow: Vec<ipnet::IpNet>,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Who to contact, printed in notifications ("Diskominfo Kota Batam, 0778-…").
    pub support_contact: String,
    /// Name of the running instance; used to lease outbox rows.
    pub instance_id: String,
    /// Argon2 hashes computed at once (each takes ~19 MiB).
    pub hash_concurrency: usize,
    /// Linux nice steps the hashing threads run below the rest of the server
    /// (0 to 19; see [`crate::passwords::DEFAULT_HASH_NICE`]).
    pub hash_nice: i32,
    /// How long an outbox message claimed by one instance is kept from the
    /// others: after a crash, how long its claim waits to be sent by another.
    pub outbox_lease: Duration,
    /// Local time zone for messages and reports: 7 (WIB), 8 (WITA) or 9 (WIT).
    pub utc_offset_hours: i32,
    /// Days reset attempts and phone proofs (with their client addresses) are kept.
    pub retention_days: u32,
    /// Hours an upload nobody attached to a request is kept.
    /// Days a switched-off mailbox is kept before it is marked for deletion
    /// (a person then confirms or keeps it; nothing is deleted by itself).
    pub disabled_retention_days: u32,
    pub upload_retention_hours: u32,
    /// The mail server, for account tests (LMTP delivery, IMAP master login).
    pub mail_server: Option<super::mail_check::MailServerConfig>,
}

/// Who may read `/metrics` unless told otherwise: this host only.
pub fn default_metrics_allow() -> Vec<ipnet::IpNet> {
    vec![ipnet::IpNet::from(std::net::IpAddr::from([127, 0, 0, 1])), ipnet::IpNet::from(std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST))]
}

impl Config {
    /// Cookies get `Secure` and the `__Host-` prefix when served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-surel_session"
        } else {
            "surel_session"
        }
    }

    /// A configuration for tests: in-memory SQLite unless told otherwise.
    pub fn for_tests(database_url: &str) -> Self {
        Config {
            database_url: database_url.to_string(),
            bind: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://127.0.0.1:3000".into(),
            site_root: "target/site".into(),
            data_dir: std::env::temp_dir(),
            secret: b"test-secret-test-secret-test-secret".to_vec(),
            demo: true,
            sms: None,
            telegram: None,
            smtp: None,
            password_min_len: model::validation::password::DEFAULT_MIN_LEN,
            trusted_proxies: vec![],
            metrics_allow: default_metrics_allow(),
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            support_contact: "Diskominfo".into(),
            instance_id: "test".into(),
            hash_concurrency: 2,
            hash_nice: crate::passwords::DEFAULT_HASH_NICE,
            outbox_lease: Duration::from_secs(crate::outbox::DEFAULT_LEASE_SECS as u64),
            utc_offset_hours: 7,
            retention_days: 30,
            upload_retention_hours: 24,
            disabled_retention_days: 180,
            mail_server: None,
        }
    }
}
