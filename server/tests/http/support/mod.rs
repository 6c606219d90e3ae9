//! Test harness: runs the real `surel` binary on a free loopback port against
//! SQLite or a throwaway PostgreSQL, with a small SMS gateway on loopback.
#![allow(dead_code)]
pub mod gateway;
pub mod nginx;
pub mod postgres;

use reqwest::{redirect::Policy, Client, StatusCode};
use std::{
    collections::HashMap,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
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
    /// The `surel serve` process (its settings, its log in `dir`).
    process: Instance,
    _pg: Option<postgres::Postgres>,
    /// A live session per address, reused by [`TestServer::signed_in`].
    sessions: Mutex<HashMap<String, String>>,
    /// The last TOTP step used per address (a step works once).
    steps: Mutex<HashMap<String, i64>>,
    /// TOTP secrets enrolled during the test (others have the demo secret).
    secrets: Mutex<HashMap<String, String>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // before the data folder and the database go
        self.process.kill();
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
            ("SUREL_TRUSTED_PROXIES".into(), "127.0.0.1".into()),
            ("SUREL_LOG".into(), "warn".into()),
        ];
        env.extend(opts.extra_env.iter().cloned());
        if opts.seed {
            let out = Command::new(surel_bin()).arg("seed-demo").envs(env.clone()).output().expect("run surel seed-demo");
            assert!(out.status.success(), "seed-demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let log = dir.path().join("server.log");
        let process = Instance { url: url.clone(), child: spawn_serve(&env, &log), env, log };
        let server =
            TestServer { url, dir, database_url, sms, process, _pg: pg, sessions: Mutex::default(), steps: Mutex::default(), secrets: Mutex::default() };
        server.wait_healthy().await;
        server
    }

    /// Kills the `surel` process at once (SIGKILL: a crash, no clean shutdown).
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// Asks the `surel` process to stop (SIGTERM, as systemd does) and waits for it.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        self.process.terminate()
    }

    /// Starts another `surel serve` on the same database, port and data folder.
    pub async fn restart(&mut self) {
        self.process.restart().await;
    }

    async fn wait_healthy(&self) {
        if !wait_ready(&self.url).await {
            panic!("server did not start: {}", self.log());
        }
    }

    /// The throwaway PostgreSQL it runs on (None on SQLite).
    pub fn postgres(&self) -> Option<&postgres::Postgres> {
        self._pg.as_ref()
    }

    /// The settings this server runs with.
    pub fn env(&self) -> &[(String, String)] {
        &self.process.env
    }

    /// A second `surel serve` on the same database, secret, data folder and
    /// SMS gateway, on its own port, with its own instance name (several
    /// instances behind one proxy, issue #14).
    pub async fn another_instance(&self, name: &str) -> Instance {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let mut env = self.process.env.clone();
        env.push(("SUREL_BIND".into(), format!("127.0.0.1:{port}")));
        env.push(("SUREL_INSTANCE_ID".into(), name.into()));
        let log = self.dir.path().join(format!("server-{name}.log"));
        let child = spawn_serve(&env, &log);
        let i = Instance { url, child, env, log };
        if !wait_ready(&i.url).await {
            panic!("instance {name} did not start: {}", i.log());
        }
        i
    }

    /// The session token `address` signed in with ([`TestServer::signed_in`]).
    pub fn session_of(&self, address: &str) -> Option<String> {
        self.sessions.lock().unwrap().get(address).cloned()
    }

    /// A browser-like client of the site at `base` (another instance, the
    /// proxy), with this session cookie if any.
    pub fn client_at(&self, base: &str, session: Option<&str>) -> Client {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        if let Some(token) = session {
            jar.add_cookie_str(&format!("surel_session={token}; Path=/"), &base.parse().unwrap());
        }
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, base.parse().unwrap());
        Client::builder().cookie_provider(jar).redirect(Policy::none()).default_headers(headers).build().unwrap()
    }

    /// [`TestServer::call`] on the site at `base`.
    pub async fn call_at(&self, base: &str, c: &Client, path: &str, body: serde_json::Value) -> (StatusCode, String) {
        let r = c.post(format!("{base}{path}")).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// The server's process id (to read its memory, say).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Peak resident memory of the server process so far, in KB (Linux).
    pub fn peak_memory_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|n| n.parse().ok()).unwrap_or(0)
    }

    /// A connection to the server's database, for checks a client cannot make.
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        domain::db::connect(&self.database_url).await.unwrap()
    }

    /// Runs a `surel` subcommand against this server's database and settings.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(surel_bin()).args(args).envs(self.process.env.clone()).output().expect("run surel")
    }

    /// Gives `address` a role with `surel user add`; a new mailbox gets the
    /// demo password through its activation link. Returns a signed-in client.
    pub async fn add_staff(&self, address: &str, role: &str, unit: Option<&str>) -> Client {
        let mut args = vec!["user", "add", "--address", address, "--role", role, "--name", "Staf Uji"];
        if let Some(u) = unit {
            args.extend(["--unit", u]);
        }
        let out = self.cli(&args);
        assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if let Some(link) = text.split_whitespace().find(|w| w.contains("/aktivasi/")) {
            let r = self.client().post(link).form(&[("password", DEMO_PASSWORD), ("password_confirm", DEMO_PASSWORD)]).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "activation of {address}");
        }
        self.signed_in(address).await
    }

    pub fn log(&self) -> String {
        self.process.log()
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and
    /// says its origin on every request as browsers do on a POST.
    pub fn client(&self) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, self.url.parse().unwrap());
        Client::builder().cookie_store(true).redirect(Policy::none()).default_headers(headers).build().unwrap()
    }

    /// A client signed in as `address`: the session made for it earlier if it
    /// is still live, else a new one ([`TestServer::signed_in_fresh`]).
    /// (TOTP accepts each 30-second step once, so signing the same person in
    /// again and again would wait; tests that need a separate session say so.)
    pub async fn signed_in(&self, address: &str) -> Client {
        let cached = self.sessions.lock().unwrap().get(address).cloned();
        if let Some(token) = cached {
            let c = self.client_with_session(&token);
            let (_, me) = self.call(&c, "/api/me", serde_json::json!({})).await;
            if me.contains(address) {
                return c;
            }
        }
        self.signed_in_fresh(address).await
    }

    /// A client with this session cookie (and the server's origin).
    pub fn client_with_session(&self, token: &str) -> Client {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(&format!("surel_session={token}; Path=/"), &self.url.parse().unwrap());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, self.url.parse().unwrap());
        Client::builder().cookie_provider(jar).redirect(Policy::none()).default_headers(headers).build().unwrap()
    }

    /// A client with this owner-session cookie (`/akun`).
    pub fn client_with_owner(&self, token: &str) -> Client {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(&format!("surel_akun={token}; Path=/"), &self.url.parse().unwrap());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, self.url.parse().unwrap());
        Client::builder().cookie_provider(jar).redirect(Policy::none()).default_headers(headers).build().unwrap()
    }

    /// Both sign-in steps through the plain forms, as a browser without
    /// JavaScript would: the demo password, then the demo TOTP code.
    pub async fn signed_in_fresh(&self, address: &str) -> Client {
        let c = self.client();
        let r = c.post(format!("{}/masuk", self.url)).form(&[("address", address), ("password", DEMO_PASSWORD), ("next", "/admin")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {address} failed");
        if r.headers()[reqwest::header::LOCATION] == "/masuk/faktor-baru" {
            return self.enroll(&c, address).await;
        }
        assert_eq!(r.headers()[reqwest::header::LOCATION], "/masuk/verifikasi", "{address} has a second factor");
        let code = self.next_totp(address).await;
        let r = c.post(format!("{}/masuk/verifikasi", self.url)).form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "second step of {address} failed: {}", r.text().await.unwrap_or_default());
        let token = session_token(&r).expect("a session cookie");
        self.sessions.lock().unwrap().insert(address.to_string(), token);
        c
    }

    /// Enrollment after the password step: reads the secret the page shows,
    /// confirms it with a code, keeps the secret for later sign-ins.
    pub async fn enroll(&self, c: &Client, address: &str) -> Client {
        let (status, text) = self.call(c, "/api/masuk/langkah", serde_json::json!({})).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["purpose"], "enroll", "{text}");
        let secret = v["setup"]["secret_groups"].as_str().unwrap().replace(' ', "");
        self.secrets.lock().unwrap().insert(address.to_string(), secret);
        let code = self.next_totp(address).await;
        let r = c.post(format!("{}/masuk/faktor-baru", self.url)).form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "enrollment of {address}");
        let token = session_token(&r).expect("a session after enrolling");
        assert!(r.text().await.unwrap().contains("data-testid=\"recovery-codes\""), "recovery codes shown");
        self.sessions.lock().unwrap().insert(address.to_string(), token);
        c.clone()
    }

    /// The demo TOTP code of the next time step `address` has not used
    /// (steps now−1..=now+1 are accepted; waits when all three are used).
    pub async fn next_totp(&self, address: &str) -> String {
        use domain::second_factor::{code_at, step_of, DEMO_TOTP_SECRET, STEP_SECS};
        loop {
            let now = step_of(chrono::Utc::now());
            let last = self.steps.lock().unwrap().get(address).copied();
            let step = last.map(|l| (l + 1).max(now - 1)).unwrap_or(now);
            if step <= now + 1 {
                self.steps.lock().unwrap().insert(address.to_string(), step);
                let secret = self.secrets.lock().unwrap().get(address).cloned().unwrap_or_else(|| DEMO_TOTP_SECRET.to_string());
                return code_at(&secret, step);
            }
            let wait_until = (step - 1) * STEP_SECS;
            let secs = (wait_until - chrono::Utc::now().timestamp()).max(0) as u64;
            tokio::time::sleep(Duration::from_millis(secs * 1000 + 200)).await;
        }
    }

    /// Uploads a file as the browser's FormData would (`POST /lampiran`); returns status and body.
    pub async fn upload(&self, c: &Client, kind: &str, filename: &str, bytes: &[u8]) -> (StatusCode, String) {
        let boundary = "----surel-test-boundary-91c";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n").into_bytes();
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = c
            .post(format!("{}/lampiran", self.url))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap();
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

/// Starts `surel serve` with these settings, its log appended to `log`.
fn spawn_serve(env: &[(String, String)], log: &Path) -> Child {
    let log = std::fs::OpenOptions::new().append(true).create(true).open(log).unwrap();
    Command::new(surel_bin()).arg("serve").envs(env.iter().cloned()).stdout(Stdio::null()).stderr(log).spawn().expect("start surel serve")
}

/// SIGTERM, then the exit status.
fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    child.wait().unwrap()
}

/// Waits (30 s at most) for `/readyz` to answer 200: the database answers
/// and the schema is current.
pub async fn wait_ready(url: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    let c = Client::new();
    while Instant::now() < deadline {
        if let Ok(r) = c.get(format!("{url}/readyz")).send().await {
            if r.status() == StatusCode::OK {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Another `surel serve` process next to a [`TestServer`].
pub struct Instance {
    pub url: String,
    child: Child,
    env: Vec<(String, String)>,
    log: PathBuf,
}

impl Instance {
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }

    /// Starts it again on the same port (after [`Instance::kill`] or [`Instance::terminate`]).
    pub async fn restart(&mut self) {
        self.kill();
        self.child = spawn_serve(&self.env, &self.log);
        if !wait_ready(&self.url).await {
            panic!("instance did not restart: {}", self.log());
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The session token a response set, if any.
pub fn session_token(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("surel_session=") && !v.starts_with("surel_session=;"))
        .map(|v| v.split(';').next().unwrap_or("").trim_start_matches("surel_session=").to_string())
}

/// Demo staff, one per role (see domain::seed).
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
