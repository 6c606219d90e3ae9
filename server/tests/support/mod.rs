//! Test harness: runs the real `surel` binary on a free loopback port against
//! SQLite or a throwaway PostgreSQL, with a small SMS gateway on loopback.
#![allow(dead_code)]
pub mod gateway;
pub mod postgres;

use reqwest::{redirect::Policy, Client, StatusCode};
use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub const DEMO_PASSWORD: &str = "sandi-demo-surel-2026";
pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

/// Which database a test server uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Databases to run a test against: SQLite always; PostgreSQL when the
/// server binaries are installed (always in CI, where the bootstrap installs them).
pub fn databases() -> Vec<Db> {
    let mut v = vec![Db::Sqlite];
    if postgres::available() {
        v.push(Db::Postgres);
    } else if std::env::var("CI").is_ok() {
        panic!("PostgreSQL is not installed but CI is set: run .ci/bootstrap.sh");
    } else {
        eprintln!("note: PostgreSQL not installed; running SQLite only");
    }
    v
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn surel_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_surel"))
}

/// The workspace's built site (for pages; API tests do not need it).
pub fn site_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site")
}

pub struct TestServer {
    pub url: String,
    pub dir: tempfile::TempDir,
    pub database_url: String,
    pub sms: gateway::Gateway,
    child: Child,
    env: Vec<(String, String)>,
    _pg: Option<postgres::Postgres>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Options {
    pub db: Db,
    pub seed: bool,
    pub extra_env: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options { db: Db::Sqlite, seed: true, extra_env: vec![] }
    }
}

impl TestServer {
    pub async fn start(db: Db) -> TestServer {
        Self::start_with(Options { db, ..Default::default() }).await
    }

    pub async fn start_with(opts: Options) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let pg = (opts.db == Db::Postgres).then(postgres::Postgres::start);
        let database_url = match &pg {
            Some(p) => p.url.clone(),
            None => format!("sqlite://{}/surel.db", dir.path().display()),
        };
        let sms = gateway::Gateway::start().await;
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let mut env: Vec<(String, String)> = vec![
            ("DATABASE_URL".into(), database_url.clone()),
            ("SUREL_BIND".into(), format!("127.0.0.1:{port}")),
            ("SUREL_PUBLIC_URL".into(), url.clone()),
            ("SUREL_SITE_ROOT".into(), site_root().display().to_string()),
            ("SUREL_DATA_DIR".into(), dir.path().display().to_string()),
            ("SUREL_SECRET".into(), SECRET.into()),
            ("SUREL_SMS_URL".into(), format!("{}/sms", sms.url)),
            ("SUREL_TRUST_PROXY".into(), "true".into()),
            ("SUREL_LOG".into(), "warn".into()),
        ];
        env.extend(opts.extra_env.iter().cloned());
        if opts.seed {
            let out = Command::new(surel_bin()).arg("seed-demo").envs(env.clone()).output().expect("run surel seed-demo");
            assert!(out.status.success(), "seed-demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(surel_bin()).arg("serve").envs(env.clone()).stdout(Stdio::null()).stderr(log).spawn().expect("start surel serve");
        let server = TestServer { url, dir, database_url, sms, child, env, _pg: pg };
        server.wait_healthy().await;
        server
    }

    /// Kills the `surel` process at once (SIGKILL: a crash, no clean shutdown).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts another `surel serve` on the same database, port and data folder.
    pub async fn restart(&mut self) {
        self.kill();
        let log = std::fs::OpenOptions::new().append(true).create(true).open(self.dir.path().join("server.log")).unwrap();
        self.child = Command::new(surel_bin()).arg("serve").envs(self.env.clone()).stdout(Stdio::null()).stderr(log).spawn().expect("restart surel serve");
        self.wait_healthy().await;
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let c = Client::new();
        while Instant::now() < deadline {
            if let Ok(r) = c.get(format!("{}/healthz", self.url)).send().await {
                if r.status() == StatusCode::OK {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("server did not start: {}", self.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
    }

    /// Signs in through the plain form, as a browser without JavaScript would.
    pub async fn signed_in(&self, address: &str) -> Client {
        let c = self.client();
        let r = c.post(format!("{}/masuk", self.url)).form(&[("address", address), ("password", DEMO_PASSWORD), ("next", "/admin")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {address} failed");
        c
    }

    /// Uploads a file as the browser's FormData would (`POST /lampiran`); returns status and body.
    pub async fn upload(&self, c: &Client, kind: &str, filename: &str, bytes: &[u8]) -> (StatusCode, String) {
        let boundary = "----surel-test-boundary-91c";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n").into_bytes();
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = c.post(format!("{}/lampiran", self.url)).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body).send().await.unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// The token of an upload that must succeed.
    pub async fn upload_token(&self, c: &Client, kind: &str, filename: &str, bytes: &[u8]) -> String {
        let (status, text) = self.upload(c, kind, filename, bytes).await;
        assert_eq!(status, StatusCode::OK, "upload failed: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["token"].as_str().unwrap().to_string()
    }

    /// Calls a server function with a JSON body; returns status and body.
    pub async fn call(&self, c: &Client, path: &str, body: serde_json::Value) -> (StatusCode, String) {
        let r = c.post(format!("{}{path}", self.url)).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }
}

/// Demo staff, one per role (see app::domain::seed).
pub const STAFF: &[(&str, &str)] = &[
    ("admin", "andi.pratama@batam.go.id"),
    ("auditor", "dewi.lestari@batam.go.id"),
    ("petugas", "budi.santoso@batam.go.id"),
    ("kasi", "hendra.gunawan@batam.go.id"),
    ("kabid", "rudi.hartono@batam.go.id"),
    ("kepala_opd", "siti.rahma@batam.go.id"),
    ("pengelola_simpeg", "agus.setiawan@batam.go.id"),
    ("pejabat_struktural", "maya.sari@batam.go.id"),
];
