//! Configuration: an optional TOML file, then environment variables (which win).
//! Every bad value gets a message that names the setting and what it expects.
use anyhow::{anyhow, bail, Context, Result};
use domain::config::{Config, SmsConfig, SmtpConfig, TelegramConfig};
use serde::Deserialize;
use std::{
    collections::HashMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

/// The settings, by the name used in the file (lower case) and in the
/// environment (`SUREL_` + upper case; `DATABASE_URL` as is).
pub const SETTINGS: &[(&str, &str)] = &[
    ("database_url", "sqlite://data/surel.db or postgres://user:pass@host/db"),
    ("bind", "address:port to listen on, e.g. 127.0.0.1:3000"),
    ("public_url", "base URL people reach Surel at, e.g. https://surel.batam.go.id"),
    ("site_root", "folder with the built site (pkg/, favicon), default target/site"),
    ("data_dir", "folder for attachments and the generated secret, default data"),
    ("secret", "server secret, at least 32 characters (or secret_file)"),
    ("secret_file", "file holding the server secret"),
    ("demo", "true to show message texts (codes, links) on the outbox page; for trying Surel out only, refused with an https public_url (default false)"),
    ("sms_url", "SMS gateway URL; Surel POSTs {\"to\",\"text\"} JSON"),
    ("sms_token", "bearer token for the SMS gateway"),
    ("telegram_token", "Telegram bot token"),
    ("telegram_api", "Telegram Bot API base, default https://api.telegram.org"),
    ("smtp_url", "SMTP server, e.g. smtp://127.0.0.1:25 or smtps://user:pass@host"),
    ("mail_from", "sender of notification e-mails, e.g. Surel <surel@batam.go.id>"),
    ("password_min_len", "minimum password length, 8 to 64 (default 15)"),
    (
        "trusted_proxies",
        "reverse proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1, 10.0.0.0/24); default none",
    ),
    ("trust_proxy", "replaced by trusted_proxies"),
    ("metrics_allow", "client addresses or CIDR ranges allowed to read /metrics, comma-separated (default 127.0.0.1, ::1)"),
    ("session_idle_minutes", "minutes of inactivity that end a session (default 30)"),
    ("session_max_hours", "hours after which every session ends (default 12)"),
    ("support_contact", "who owners contact, printed in notifications"),
    ("instance_id", "name of this instance (several instances share one database)"),
    ("hash_concurrency", "password hashes computed at once (default 2)"),
    ("hash_nice", "how many Linux nice steps below the rest of the server password hashing runs, 0 to 19 (default 10; 0: same priority)"),
    ("outbox_lease_secs", "seconds a claimed message is kept from other instances: after a crash, the wait before another sends it (10 to 3600, default 120)"),
    ("utc_offset_hours", "local time zone for messages: 7 (WIB, default), 8 (WITA) or 9 (WIT)"),
    ("retention_days", "days reset attempts and phone proofs (with client addresses) are kept, 1 to 365 (default 30)"),
    ("upload_retention_hours", "hours an upload no request claimed is kept, 1 to 720 (default 24)"),
    ("disabled_retention_days", "days a switched-off mailbox is kept before it is listed for deletion, 1 to 3650 (default 180)"),
    ("mail_lmtp", "mail server LMTP host:port, for account tests (e.g. 127.0.0.1:24)"),
    ("mail_imap", "mail server IMAP host:port, for account tests (e.g. 127.0.0.1:143)"),
    ("mail_master_user", "Dovecot master user that opens new mailboxes for the account test"),
    ("mail_master_password", "that master user's password"),
];

fn env_name(key: &str) -> String {
    if key == "database_url" {
        "DATABASE_URL".into()
    } else {
        format!("SUREL_{}", key.to_uppercase())
    }
}

#[derive(Debug, Default, Deserialize)]
struct FileConfig {
    #[serde(flatten)]
    values: HashMap<String, toml::Value>,
}

/// Raw settings from the file and the environment, before validation.
pub struct Raw {
    values: HashMap<String, (String, String)>, // key -> (value, where it came from)
}

impl Raw {
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Raw> {
        let mut values = HashMap::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
            let parsed: FileConfig = toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
            for (k, v) in parsed.values {
                if !SETTINGS.iter().any(|(name, _)| *name == k) {
                    bail!("{}: unknown setting `{k}`. Known settings: {}", path.display(), SETTINGS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "));
                }
                let s = match v {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                };
                values.insert(k, (s, path.display().to_string()));
            }
        }
        for (k, _) in SETTINGS {
            let name = env_name(k);
            if let Some(v) = env(&name).filter(|v| !v.is_empty()) {
                values.insert(k.to_string(), (v, name));
            }
        }
        Ok(Raw { values })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(v, _)| v.as_str())
    }

    fn bad(&self, key: &str, expected: &str) -> anyhow::Error {
        let (v, from) = self.values.get(key).cloned().unwrap_or_default();
        anyhow!("{from}: `{v}` is not valid for {key}: expected {expected}")
    }

    fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key).map(|s| s.to_ascii_lowercase()) {
            None => Ok(None),
            Some(s) if ["1", "true", "yes", "on"].contains(&s.as_str()) => Ok(Some(true)),
            Some(s) if ["0", "false", "no", "off"].contains(&s.as_str()) => Ok(Some(false)),
            Some(_) => Err(self.bad(key, "true or false")),
        }
    }

    fn number(&self, key: &str, min: u64, max: u64, default: u64) -> Result<u64> {
        match self.get(key) {
            None => Ok(default),
            Some(s) => {
                s.trim().parse::<u64>().ok().filter(|n| (min..=max).contains(n)).ok_or_else(|| self.bad(key, &format!("a whole number from {min} to {max}")))
            }
        }
    }

    fn url(&self, key: &str, schemes: &[&str]) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(s) => {
                let ok = schemes.iter().any(|p| s.starts_with(&format!("{p}://")) && s.len() > p.len() + 3);
                if ok {
                    Ok(Some(s.trim_end_matches('/').to_string()))
                } else {
                    Err(self.bad(key, &format!("a URL starting with {}", schemes.iter().map(|s| format!("{s}://")).collect::<Vec<_>>().join(" or "))))
                }
            }
        }
    }

    /// `trusted_proxies`: a list of addresses or CIDR ranges. The old
    /// `trust_proxy=true` believed any client's header, so it stops the program.
    fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>> {
        if self.get("trust_proxy").is_some() {
            bail!(
                "{}: trust_proxy was replaced by trusted_proxies (SUREL_TRUSTED_PROXIES): list the proxies' addresses, e.g. 127.0.0.1",
                self.values["trust_proxy"].1
            );
        }
        self.networks("trusted_proxies").map(Option::unwrap_or_default)
    }

    /// A comma-separated list of addresses or CIDR ranges (None when unset).
    fn networks(&self, key: &str) -> Result<Option<Vec<ipnet::IpNet>>> {
        let Some(list) = self.get(key) else { return Ok(None) };
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| self.bad(key, "addresses or CIDR ranges such as 127.0.0.1, 10.0.0.0/24, ::1"))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// Validates everything and builds the configuration.
    pub fn build(&self) -> Result<Config> {
        let database_url = self.get("database_url").unwrap_or("sqlite://data/surel.db").to_string();
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(self.bad("database_url", "sqlite://FILE or postgres://USER:PASS@HOST/DB"));
        }
        let bind: SocketAddr = match self.get("bind") {
            None => "127.0.0.1:3000".parse().unwrap(),
            Some(s) => s.parse().map_err(|_| self.bad("bind", "an address and port such as 127.0.0.1:3000"))?,
        };
        let public_url = self.url("public_url", &["http", "https"])?.unwrap_or_else(|| format!("http://{bind}"));
        let data_dir = PathBuf::from(self.get("data_dir").unwrap_or("data"));
        let site_root =
            PathBuf::from(self.get("site_root").map(str::to_string).or_else(|| std::env::var("LEPTOS_SITE_ROOT").ok()).unwrap_or_else(|| "target/site".into()));
        let secret = match (self.get("secret"), self.get("secret_file")) {
            (Some(s), _) if s.len() >= 32 => s.as_bytes().to_vec(),
            (Some(_), _) => return Err(self.bad("secret", "at least 32 characters")),
            (None, Some(f)) => {
                refuse_if_shared(Path::new(f))?;
                let s = std::fs::read_to_string(f).map_err(|e| anyhow!("secret_file {f}: {e}"))?;
                let s = s.trim();
                if s.len() < 32 {
                    return Err(self.bad("secret_file", "a file with at least 32 characters"));
                }
                s.as_bytes().to_vec()
            }
            (None, None) => generated_secret(&data_dir)?,
        };
        let sms = self.url("sms_url", &["http", "https"])?.map(|url| SmsConfig { url, token: self.get("sms_token").map(str::to_string) });
        let telegram = self.get("telegram_token").map(|t| TelegramConfig {
            token: t.to_string(),
            api_base: self.get("telegram_api").unwrap_or("https://api.telegram.org").trim_end_matches('/').to_string(),
        });
        let smtp = match self.url("smtp_url", &["smtp", "smtps"])? {
            Some(url) => {
                let from = self.get("mail_from").ok_or_else(|| anyhow!("smtp_url is set, so mail_from is needed too (e.g. Surel <surel@batam.go.id>)"))?;
                if !from.contains('@') {
                    return Err(self.bad("mail_from", "an address such as Surel <surel@batam.go.id>"));
                }
                Some(SmtpConfig { url, from: from.to_string() })
            }
            None => None,
        };
        // Demo mode shows reset codes and activation links on the outbox
        // page: only when asked for, and never on a public https address.
        let demo = self.bool("demo")?.unwrap_or(false);
        if demo && public_url.starts_with("https://") {
            bail!("demo is true but public_url is {public_url}: demo mode shows reset codes and activation links on the outbox page, so it is refused on a public https address (unset SUREL_DEMO)");
        }
        let mail_keys = ["mail_lmtp", "mail_imap", "mail_master_user", "mail_master_password"];
        let mail_server = match mail_keys.map(|k| self.get(k)) {
            [Some(lmtp), Some(imap), Some(user), Some(password)] => {
                for (k, v) in [("mail_lmtp", lmtp), ("mail_imap", imap)] {
                    if v.rsplit_once(':').is_none_or(|(_, p)| p.parse::<u16>().is_err()) {
                        return Err(self.bad(k, "host:port"));
                    }
                }
                Some(domain::mail_check::MailServerConfig { lmtp: lmtp.into(), imap: imap.into(), master_user: user.into(), master_password: password.into() })
            }
            [None, None, None, None] => None,
            given => {
                let missing: Vec<String> = mail_keys.iter().zip(given).filter(|(_, v)| v.is_none()).map(|(k, _)| format!("{k} ({})", env_name(k))).collect();
                bail!("the mail server for account tests needs all four settings; missing: {}", missing.join(", "));
            }
        };
        Ok(Config {
            database_url,
            bind,
            public_url,
            site_root,
            data_dir,
            secret,
            demo,
            sms,
            telegram,
            smtp,
            password_min_len: self.number("password_min_len", 8, 64, 15)? as usize,
            trusted_proxies: self.trusted_proxies()?,
            metrics_allow: self.networks("metrics_allow")?.unwrap_or_else(domain::config::default_metrics_allow),
            session_idle: Duration::from_secs(60 * self.number("session_idle_minutes", 1, 24 * 60, 30)?),
            session_absolute: Duration::from_secs(3600 * self.number("session_max_hours", 1, 24 * 7, 12)?),
            support_contact: self.get("support_contact").unwrap_or("Diskominfo").to_string(),
            instance_id: self.get("instance_id").map(str::to_string).unwrap_or_else(|| format!("surel-{}", std::process::id())),
            hash_concurrency: self.number("hash_concurrency", 1, 64, 2)? as usize,
            hash_nice: self.number("hash_nice", 0, 19, domain::passwords::DEFAULT_HASH_NICE as u64)? as i32,
            outbox_lease: Duration::from_secs(self.number("outbox_lease_secs", 10, 3600, domain::outbox::DEFAULT_LEASE_SECS as u64)?),
            utc_offset_hours: self.number("utc_offset_hours", 7, 9, 7)? as i32,
            retention_days: self.number("retention_days", 1, 365, 30)? as u32,
            upload_retention_hours: self.number("upload_retention_hours", 1, 720, 24)? as u32,
            disabled_retention_days: self.number("disabled_retention_days", 1, 3650, 180)? as u32,
            mail_server,
        })
    }
}

/// A secret generated once and kept in `data_dir/secret.key`, created with
/// mode 0600 (never readable by others, not even for a moment). An existing
/// file that others may read stops the program: the secret signs sessions'
/// codes and the audit chain. Several instances must instead share one
/// `secret` or `secret_file`.
fn generated_secret(data_dir: &Path) -> Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    if path.exists() {
        refuse_if_shared(&path)?;
        let s = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if s.trim().len() >= 32 {
            return Ok(s.trim().as_bytes().to_vec());
        }
        bail!("{} holds fewer than 32 characters: delete it to generate a new secret (sessions and pending codes end)", path.display());
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let secret = domain::crypto::random_token();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut f = options.open(&path).with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(secret.as_bytes()).and_then(|_| f.sync_all()).with_context(|| format!("cannot write {}", path.display()))?;
    tracing::warn!(path = %path.display(), "generated a server secret; set SUREL_SECRET_FILE to share one between instances");
    Ok(secret.into_bytes())
}

/// Stops when a secret file can be read or written by group or others.
fn refuse_if_shared(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            bail!("{} is readable by other users (mode {:o}): run `chmod 600 {}`", path.display(), mode & 0o777, path.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(env: &[(&str, &str)]) -> Result<Config> {
        let map: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Raw::load(None, |k| map.get(k).cloned())?.build()
    }

    const SECRET: (&str, &str) = ("SUREL_SECRET", "0123456789abcdef0123456789abcdef");

    #[test]
    fn defaults_are_local_and_demo_is_opt_in() {
        let c = build(&[SECRET]).unwrap();
        assert!(!c.demo, "no SMS gateway does not imply demo mode");
        let c = build(&[SECRET, ("SUREL_DEMO", "true")]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/surel.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert!(c.demo);
        assert!(!c.secure_cookies());
        assert_eq!(c.password_min_len, 15);
    }

    #[test]
    fn every_bad_value_names_the_setting() {
        let cases: &[(&str, &str, &str)] = &[
            ("SUREL_BIND", "localhost", "bind"),
            ("DATABASE_URL", "mysql://x", "database_url"),
            ("SUREL_PUBLIC_URL", "surel.batam.go.id", "public_url"),
            ("SUREL_SMS_URL", "ftp://x", "sms_url"),
            ("SUREL_PASSWORD_MIN_LEN", "4", "password_min_len"),
            ("SUREL_DEMO", "maybe", "demo"),
            ("SUREL_SECRET", "short", "secret"),
            ("SUREL_SESSION_IDLE_MINUTES", "0", "session_idle_minutes"),
            ("SUREL_TRUSTED_PROXIES", "127.0.0.1, nginx", "trusted_proxies"),
            ("SUREL_TRUST_PROXY", "true", "trust_proxy"),
        ];
        for (name, value, key) in cases {
            let env = [SECRET, (name, value)];
            let env: Vec<(&str, &str)> = if *name == "SUREL_SECRET" { vec![(name, value)] } else { env.to_vec() };
            let err = build(&env).unwrap_err().to_string();
            assert!(err.contains(key) && err.contains(name), "{name}: {err}");
        }
    }

    #[test]
    fn demo_is_refused_on_https() {
        let err = build(&[SECRET, ("SUREL_DEMO", "true"), ("SUREL_PUBLIC_URL", "https://surel.batam.go.id")]).unwrap_err().to_string();
        assert!(err.contains("demo") && err.contains("https"), "{err}");
    }

    #[test]
    fn gateway_and_https_secure_cookies() {
        let c = build(&[SECRET, ("SUREL_SMS_URL", "http://127.0.0.1:9/sms"), ("SUREL_PUBLIC_URL", "https://surel.batam.go.id/")]).unwrap();
        assert!(!c.demo);
        assert_eq!(c.public_url, "https://surel.batam.go.id");
        assert!(c.secure_cookies());
        assert_eq!(c.session_cookie_name(), "__Host-surel_session");
    }

    #[cfg(unix)]
    #[test]
    fn the_secret_file_is_private_from_the_start() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = generated_secret(&data).unwrap();
        let key = data.join("secret.key");
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(generated_secret(&data).unwrap(), first, "the same secret next time");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = generated_secret(&data).unwrap_err().to_string();
        assert!(err.contains("readable by other users") && err.contains("chmod 600"), "{err}");
        let shared = dir.path().join("shared.key");
        std::fs::write(&shared, "0123456789abcdef0123456789abcdef").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = build(&[("SUREL_SECRET_FILE", shared.to_str().unwrap())]).unwrap_err().to_string();
        assert!(err.contains("readable by other users"), "{err}");
    }

    #[test]
    fn smtp_needs_a_sender() {
        let err = build(&[SECRET, ("SUREL_SMTP_URL", "smtp://127.0.0.1:25")]).unwrap_err().to_string();
        assert!(err.contains("mail_from"), "{err}");
    }

    #[test]
    fn file_settings_are_checked_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("surel.toml");
        std::fs::write(&f, "bind = \"0.0.0.0:8080\"\npassword_min_len = 16\nsecret = \"0123456789abcdef0123456789abcdef\"\n").unwrap();
        let c = Raw::load(Some(&f), |k| (k == "SUREL_BIND").then(|| "127.0.0.1:9000".to_string())).unwrap().build().unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:9000");
        assert_eq!(c.password_min_len, 16);
        std::fs::write(&f, "colour = \"blue\"\n").unwrap();
        let err = Raw::load(Some(&f), |_| None).err().unwrap().to_string();
        assert!(err.contains("unknown setting `colour`"), "{err}");
    }
}
