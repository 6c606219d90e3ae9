//! nginx in front of several `surel serve` instances, on loopback, with the
//! production proxy rules (`server/deploy/nginx/surel-proxy.conf`) included
//! as they are: what the cluster tests go through is what operators deploy.
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const NGINX: &str = "/usr/sbin/nginx";

pub fn available() -> bool {
    Path::new(NGINX).exists()
}

pub struct Nginx {
    pub url: String,
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

fn proxy_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx/surel-proxy.conf")
}

impl Nginx {
    /// Starts nginx on `port`, round robin over `upstreams` (`127.0.0.1:3000`, …).
    pub async fn start(port: u16, upstreams: &[String]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let servers: String = upstreams.iter().map(|u| format!("        server {u} max_fails=2 fail_timeout=5s;\n")).collect();
        let is_root = String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0";
        let conf = format!(
            "{user}daemon off;\nworker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {d}/body;\n    proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n    uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n\
             \n    upstream surel {{\n{servers}        keepalive 32;\n    }}\n\
             \n    server {{\n        listen 127.0.0.1:{port};\n        include {rules};\n    }}\n}}\n",
            user = if is_root { "user root;\n" } else { "" },
            rules = proxy_rules().display(),
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let check = Command::new(NGINX).args(["-t", "-q", "-p"]).arg(dir.path()).arg("-c").arg(&path).output().unwrap();
        assert!(check.status.success(), "nginx -t: {}", String::from_utf8_lossy(&check.stderr));
        let child = Command::new(NGINX).arg("-p").arg(dir.path()).arg("-c").arg(&path).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        let c = reqwest::Client::new();
        loop {
            if c.get(format!("{url}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(Instant::now() < deadline, "nginx did not start: {}", std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Nginx { url, port, dir, child }
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // the master takes its workers with it on SIGTERM
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}
