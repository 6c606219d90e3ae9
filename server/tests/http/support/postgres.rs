//! A throwaway PostgreSQL cluster on loopback (initdb under /tmp, as the
//! `postgres` user because initdb refuses root).
use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

pub struct Postgres {
    pub url: String,
    dir: PathBuf,
    bin: PathBuf,
    /// The server options it was started with (to start it again).
    opts: String,
}

fn bin_dir() -> Option<PathBuf> {
    let base = PathBuf::from("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> =
        std::fs::read_dir(&base).ok()?.filter_map(|e| e.ok().map(|e| e.path().join("bin"))).filter(|p| p.join("initdb").exists()).collect();
    versions.sort();
    versions.pop()
}

pub fn available() -> bool {
    bin_dir().is_some()
}

fn as_postgres(bin: &std::path::Path, tool: &str, args: &[&str]) -> std::process::Output {
    let tool = bin.join(tool);
    let is_root = unsafe_geteuid() == 0;
    let mut cmd = if is_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&tool);
        c
    } else {
        Command::new(&tool)
    };
    cmd.args(args).output().unwrap_or_else(|e| panic!("{}: {e}", tool.display()))
}

fn unsafe_geteuid() -> u32 {
    // Avoid a libc dependency: ask `id`.
    String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap().trim().parse().unwrap_or(1000)
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = bin_dir().expect("PostgreSQL server binaries");
        let dir = PathBuf::from(format!("/tmp/surel-pg-{}-{}", std::process::id(), super::free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        if unsafe_geteuid() == 0 {
            Command::new("chown").args(["postgres:postgres"]).arg(&dir).status().unwrap();
        }
        let data = dir.join("data");
        let out = as_postgres(&bin, "initdb", &["-D", data.to_str().unwrap(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = super::free_port();
        let opts = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", dir.display());
        let out = as_postgres(&bin, "pg_ctl", &["-D", data.to_str().unwrap(), "-o", &opts, "-l", dir.join("log").to_str().unwrap(), "-w", "start"]);
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = as_postgres(&bin, "createdb", &["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres", "surel"]);
            if out.status.success() {
                break;
            }
            assert!(Instant::now() < deadline, "createdb: {}", String::from_utf8_lossy(&out.stderr));
            std::thread::sleep(Duration::from_millis(200));
        }
        Postgres { url: format!("postgres://postgres@127.0.0.1:{port}/surel"), dir, bin, opts }
    }

    /// Stops the server (fast shutdown: sessions are cut, as in a restart).
    pub fn stop(&self) {
        let data = self.dir.join("data");
        let out = as_postgres(&self.bin, "pg_ctl", &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"]);
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Starts it again on the same port and data.
    pub fn start_again(&self) {
        let data = self.dir.join("data");
        let out =
            as_postgres(&self.bin, "pg_ctl", &["-D", data.to_str().unwrap(), "-o", &self.opts, "-l", self.dir.join("log").to_str().unwrap(), "-w", "start"]);
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = as_postgres(&self.bin, "pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
