//! Two `surel serve` instances on one PostgreSQL behind nginx (issue #14),
//! with the production proxy rules: round robin, limits that hold when 200
//! parallel requests land on both instances, two Kabid decisions through
//! different instances, the outbox sent exactly once while both dispatchers
//! run and one is killed with -9 (and one stopped with SIGTERM), the
//! database restarted under the instances while resets come in,
//! `/healthz`, `/readyz` and
//! `/metrics`, and the audit log still one chain at the end.
use crate::simpeg;
use crate::support::{free_port, gateway::code_in, nginx::Nginx, wait_ready, Db, Options, TestServer};
use domain::entities::{outbox, simpeg_batch, simpeg_row};
use domain::kinds::simpeg::generator::{generate, GeneratorConfig, Planted};
use futures::future::join_all;
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const OWNER: &str = "yusuf.hakim@batam.go.id";
const OWNER_PHONE: &str = "+6281290000001";
const KEPALA: &str = "siti.rahma@batam.go.id";
const KABID: &str = "rudi.hartono@batam.go.id";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn host_port(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

/// The sum of a counter's series whose labels include every `label="value"` given.
fn counter(metrics_text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics_text
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter(|l| labels.iter().all(|(k, v)| l.contains(&format!("{k}=\"{v}\""))))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn metrics_of(url: &str) -> String {
    let r = Client::new().get(format!("{url}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "metrics from loopback");
    r.text().await.unwrap()
}

async fn both_metrics(urls: &[&str], name: &str, labels: &[(&str, &str)]) -> f64 {
    let mut sum = 0.0;
    for u in urls {
        sum += counter(&metrics_of(u).await, name, labels);
    }
    sum
}

/// Queues `n` SMS under keys `{prefix}:{i}` in one transaction, as the app
/// would (encrypted with the shared secret).
async fn queue(s: &TestServer, prefix: &str, n: usize) {
    let conn = s.db().await;
    let mut config = domain::config::Config::for_tests(&s.database_url);
    config.secret = crate::support::SECRET.as_bytes().to_vec();
    let state = domain::AppState::new(conn, config, std::sync::Arc::new(domain::clock::SystemClock));
    let change = domain::audit::Change::begin(&state, domain::audit::Who::system("cluster-test")).await.unwrap();
    for i in 0..n {
        let to = format!("+62812{:07}", 5_000_000 + i);
        domain::notify::send(&state, &change, domain::outbox::Channel::Sms, &to, None, format!("Pesan uji {prefix} {i}"), format!("{prefix}:{i}"), None)
            .await
            .unwrap();
    }
    change.commit().await.unwrap();
}

/// Waits until every message under `prefix` is recorded as sent.
async fn all_sent(s: &TestServer, prefix: &str, n: u64) {
    let conn = s.db().await;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let sent = outbox::Entity::find()
            .filter(outbox::Column::MessageKey.starts_with(format!("{prefix}:")))
            .filter(outbox::Column::Status.eq("sent"))
            .count(&conn)
            .await
            .unwrap();
        if sent == n {
            return;
        }
        assert!(Instant::now() < deadline, "{prefix}: {sent} of {n} sent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every key under `prefix` reached the gateway, each exactly once.
fn delivered_once(s: &TestServer, prefix: &str, n: usize) {
    let keys: Vec<String> = s.sms.all().into_iter().filter_map(|m| m.idempotency_key).filter(|k| k.starts_with(&format!("{prefix}:"))).collect();
    let unique: std::collections::HashSet<&String> = keys.iter().collect();
    assert_eq!((keys.len(), unique.len()), (n, n), "{prefix}: every message once");
}

async fn wait_for_sms(s: &TestServer, prefix: &str, at_least: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while s.sms.all().iter().filter(|m| m.idempotency_key.as_deref().is_some_and(|k| k.starts_with(&format!("{prefix}:")))).count() < at_least {
        assert!(Instant::now() < deadline, "{prefix}: sending did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// When a request was sent, when its answer came, and the answer (`None`: none within 15 s).
type Answer = (Instant, Instant, Option<StatusCode>);

const LOAD_ACCOUNTS: usize = 40;

/// Reset starts sent through nginx by six clients, each from its own
/// addresses, for 40 accounts made for it (active, with a reset phone),
/// until stopped; every answer kept with its times.
struct ResetLoad {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<Vec<Answer>>>,
}

impl ResetLoad {
    async fn start(s: &TestServer, proxy: &str) -> ResetLoad {
        use domain::entities::mailbox;
        use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, Set};
        let conn = s.db().await;
        let model = mailbox::Entity::find().filter(mailbox::Column::Address.eq(OWNER)).one(&conn).await.unwrap().unwrap();
        for i in 0..LOAD_ACCOUNTS {
            let mut m: mailbox::ActiveModel = model.clone().into();
            m.id = NotSet;
            m.address = Set(format!("beban{i:02}@batam.go.id"));
            m.local_part = Set(format!("beban{i:02}"));
            m.display_name = Set(format!("Beban {i}"));
            m.person_id = Set(None);
            m.reset_phone = Set(Some(format!("+62812910{i:05}")));
            m.insert(&conn).await.unwrap();
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let tasks = (0..6usize)
            .map(|t| {
                let (stop, url, proxy) = (stop.clone(), format!("{proxy}/ganti-sandi"), proxy.to_string());
                let origin: reqwest::header::HeaderValue = proxy.parse().unwrap();
                let web = Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(15))
                    .default_headers([(reqwest::header::ORIGIN, origin)].into_iter().collect())
                    .build()
                    .unwrap();
                tokio::spawn(async move {
                    let mut answers = Vec::new();
                    let mut n = 0usize;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        n += 1;
                        let address = format!("beban{:02}@batam.go.id", (t * 7 + n) % LOAD_ACCOUNTS);
                        // a client address per request: the per-address limit is tested above
                        let ip = format!("10.81.{t}.{}", n % 250 + 1);
                        let sent = Instant::now();
                        let r = web.post(&url).header("x-forwarded-for", ip).form(&[("action", "start"), ("address", address.as_str())]).send().await;
                        answers.push((sent, Instant::now(), r.ok().map(|r| r.status())));
                        tokio::time::sleep(Duration::from_millis(25)).await;
                    }
                    answers
                })
            })
            .collect();
        ResetLoad { stop, tasks }
    }

    /// Stops the clients; their answers, in no particular order.
    async fn stop(&mut self) -> Vec<Answer> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        join_all(self.tasks.drain(..)).await.into_iter().flat_map(|t| t.expect("load task")).collect()
    }

    /// Every saved start is whole: an attempt whose code was sent has
    /// exactly that code's SMS queued, one withheld (the account's daily
    /// limit) has none, no SMS lacks its attempt, and every start answered
    /// "saved" is there (a few more may be, whose answer was lost).
    async fn check_nothing_half_written(&self, conn: &sea_orm::DatabaseConnection, answered: usize) {
        use domain::entities::reset_attempt;
        use std::collections::HashMap;
        let attempts: HashMap<i32, reset_attempt::Model> = reset_attempt::Entity::find()
            .filter(reset_attempt::Column::Address.starts_with("beban"))
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let sms: Vec<outbox::Model> = outbox::Entity::find().filter(outbox::Column::Recipient.starts_with("+62812910")).all(conn).await.unwrap();
        assert!(attempts.len() >= answered, "every start answered as saved is there: {} of {answered}", attempts.len());
        for m in &sms {
            let id: i32 = m.message_key.split(':').nth(1).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("key {}", m.message_key));
            let a = attempts.get(&id).unwrap_or_else(|| panic!("an SMS without its attempt: {}", m.message_key));
            assert_eq!(m.message_key, format!("reset:{id}:{}", a.code_seq));
        }
        for a in attempts.values() {
            let queued = sms.iter().filter(|m| m.message_key.starts_with(&format!("reset:{}:", a.id))).count();
            assert_eq!(queued, usize::from(a.code_mac.is_some()), "attempt {}: code stored and SMS queued together", a.id);
            assert!(a.mailbox_id.is_some() && a.code_seq == 1, "attempt {}: a whole start", a.id);
        }
        assert!(sms.len() >= 20, "codes were sent: {}", sms.len());
    }
}

// Two worker threads: the test waits for processes to stop (blocking),
// and the SMS gateway it runs must keep answering the instances meanwhile
// (on one thread a stopping instance's last send would hang and be retried).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_nginx_keep_every_promise() {
    let ci = std::env::var("CI").is_ok();
    if !crate::support::nginx::available() || !crate::support::postgres::available() {
        assert!(!ci, "nginx and PostgreSQL are installed by .ci/bootstrap.sh");
        eprintln!("note: nginx or PostgreSQL not installed; cluster test skipped");
        return;
    }
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let env = vec![
        ("SUREL_PUBLIC_URL".to_string(), public.clone()),
        ("SUREL_INSTANCE_ID".to_string(), "surel-a".to_string()),
        // a crashed instance's outbox claim waits 10 s instead of 2 minutes, for real
        ("SUREL_OUTBOX_LEASE_SECS".to_string(), "10".to_string()),
    ];
    let mut a = TestServer::start_with(Options { db: Db::Postgres, seed: true, extra_env: env }).await;
    let mut b = a.another_instance("surel-b").await;
    let proxy = Nginx::start(port, &[host_port(&a.url), host_port(&b.url)]).await;
    let web = a.client_at(&proxy.url, None);
    let instances = [a.url.clone(), b.url.clone()];
    let urls: Vec<&str> = instances.iter().map(String::as_str).collect();

    // round robin: both instances serve the reset page; each counts its own
    for _ in 0..20 {
        assert_eq!(web.get(format!("{}/ganti-sandi", proxy.url)).send().await.unwrap().status(), StatusCode::OK);
    }
    for u in &urls {
        let served = counter(&metrics_of(u).await, "surel_http_requests_total", &[("method", "GET"), ("route", "/ganti-sandi"), ("status", "200")]);
        assert!(served >= 5.0, "{u} served {served} of 20");
    }
    // /metrics is never public: 404 through nginx and from a forwarded client address
    assert_eq!(web.get(format!("{}/metrics", proxy.url)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = Client::new().get(format!("{}/metrics", a.url)).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a client behind the trusted proxy is not the host");

    // one client address, 200 parallel reset starts over both instances: exactly its 30 an hour
    let starts = join_all((0..200).map(|i| {
        let (web, url) = (a.client_at(&proxy.url, None), format!("{}/ganti-sandi", proxy.url));
        async move {
            let address = format!("tidak.ada{i}@batam.go.id");
            web.post(url).header("x-forwarded-for", "10.77.0.1").form(&[("action", "start"), ("address", address.as_str())]).send().await.unwrap().status()
        }
    }))
    .await;
    let held = starts.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((200 - held, held), (domain::reset::STARTS_PER_IP.max as usize, 170), "{starts:?}");
    assert_eq!(both_metrics(&urls, "surel_rate_limit_refusals_total", &[("limit", "reset-start-ip")]).await, 170.0);

    // one account, 200 parallel reset starts from 200 addresses: exactly its 5 codes a day
    let starts = join_all((0..200).map(|i| {
        let (web, url) = (a.client_at(&proxy.url, None), format!("{}/ganti-sandi", proxy.url));
        async move {
            let ip = format!("10.78.{}.{}", i / 200, i % 200 + 1);
            web.post(url).header("x-forwarded-for", ip).form(&[("action", "start"), ("address", OWNER)]).send().await.unwrap().status()
        }
    }))
    .await;
    assert!(starts.iter().all(|s| *s == StatusCode::SEE_OTHER), "the same answer for every start (no enumeration): {starts:?}");
    let codes = a.sms.settle(OWNER_PHONE).await.into_iter().filter(|m| m.text.starts_with("Kode Surel")).count();
    assert_eq!(codes, domain::reset::SMS_PER_ACCOUNT.max as usize, "five codes a day, whichever instance answered");

    // one account, 200 parallel wrong passwords on /akun from 200 addresses: exactly its 5 checks
    let tries = join_all((0..200).map(|i| {
        let (web, url) = (a.client_at(&proxy.url, None), format!("{}/akun", proxy.url));
        async move {
            let ip = format!("10.79.{}.{}", i / 200, i % 200 + 1);
            let form = [("action", "sign_in"), ("address", "nurul.aini@batam.go.id"), ("password", "bukan-sandinya")];
            web.post(url).header("x-forwarded-for", ip).form(&form).send().await.unwrap().status()
        }
    }))
    .await;
    let checked = tries.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
    let held = tries.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, held), (5, 195), "{tries:?}");

    // two Kabid sessions decide one ticket at the same moment on different instances: one wins
    a.signed_in(KEPALA).await;
    let kepala = a.client_at(&proxy.url, a.session_of(KEPALA).as_deref());
    let pdf = a.upload_token(&a.signed_in(KEPALA).await, "surat_resmi", "surat.pdf", PDF).await;
    let submission = json!({ "input": {
        "account_kind": "kegiatan", "purpose": "Layanan penerimaan peserta didik baru", "proposed_local": "ppdb.cluster",
        "responsible_name": "Ahmad Fauzi", "responsible_nip": "198001012005011001", "responsible_phone": "0812-7400-0010",
        "ends_on": "", "letter_number": "800/9/DISDIK/2026", "letter_date": "2026-01-05", "letter_file": pdf,
    } });
    let (status, text) = a.call_at(&proxy.url, &kepala, "/api/unit-account/submit", submission).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let ticket: String = serde_json::from_str(&text).unwrap();
    let (_, text) = a.call_at(&proxy.url, &kepala, "/api/requests/get", json!({ "ticket": ticket })).await;
    let version = serde_json::from_str::<Value>(&text).unwrap()["version"].as_i64().unwrap();
    a.signed_in_fresh(KABID).await;
    let on_a = a.client_at(&a.url, a.session_of(KABID).as_deref());
    a.signed_in_fresh(KABID).await;
    let on_b = a.client_at(&b.url, a.session_of(KABID).as_deref());
    let step = |step: Value| json!({ "ticket": ticket, "version": version, "step": step });
    let approve = a.call_at(&a.url, &on_a, "/api/unit-account/step", step(json!("Approve")));
    let reject = a.call_at(&b.url, &on_b, "/api/unit-account/step", step(json!({ "Reject": { "note": "surat belum ditandatangani" } })));
    let ((s1, t1), (s2, t2)) = tokio::join!(approve, reject);
    assert_eq!([s1, s2].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{s1} {t1} / {s2} {t2}");
    let loser = if s1 == StatusCode::OK { &t2 } else { &t1 };
    assert!(loser.contains("already_handled") && loser.contains("Rudi Hartono"), "changed by someone else, by name: {loser}");

    // SIMPEG: a 10,000-row batch; the instance holding its lease is killed
    // with -9 mid-batch; the other takes it over when the lease runs out, and
    // every eligible row ends with exactly one mailbox and one activation SMS
    let agus = a.signed_in("agus.setiawan@batam.go.id").await;
    let budi = a.signed_in("budi.santoso@batam.go.id").await;
    let g = generate(&GeneratorConfig { rows: 10_000, bad_fraction: 0.15, seed: 45, ..Default::default() });
    let expected = g.expected_eligible() + g.count(Planted::AlreadyHasAccount);
    let (status, text) = simpeg::upload(&a, &agus, "simpeg desember.xlsx", &g.to_xlsx().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let batch = serde_json::from_str::<Value>(&text).unwrap()["Checked"]["batch_id"].as_i64().unwrap() as i32;
    let simpeg_ticket = simpeg::ok(&a, &agus, "/api/simpeg/submit", json!({ "batch_id": batch })).await.as_str().unwrap().to_string();
    let v = simpeg::version(&a, &budi, &simpeg_ticket).await;
    simpeg::ok(&a, &budi, "/api/simpeg/step", json!({ "ticket": simpeg_ticket, "version": v, "action": "proses_batch" })).await;
    let conn = a.db().await;
    let done = |conn: sea_orm::DatabaseConnection| async move {
        simpeg_row::Entity::find()
            .filter(simpeg_row::Column::BatchId.eq(batch))
            .filter(simpeg_row::Column::Status.eq(model::RowStatus::Done))
            .count(&conn)
            .await
            .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while done(conn.clone()).await < 300 {
        assert!(Instant::now() < deadline, "the batch did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let holder = simpeg_batch::Entity::find_by_id(batch).one(&conn).await.unwrap().unwrap().lease_owner.unwrap_or_default();
    let a_held = holder.starts_with("surel-a:");
    if a_held {
        a.kill();
    } else {
        b.kill();
    }
    // (its outbox claim, if any, runs out after the test's 10 s lease, as after a real crash)
    let at_kill = done(conn.clone()).await;
    assert!((at_kill as usize) < expected, "the batch finished before the kill");
    let deadline = Instant::now() + Duration::from_secs(240);
    while done(conn.clone()).await < expected as u64 {
        assert!(Instant::now() < deadline, "the other instance did not take over ({} of {expected})", done(conn.clone()).await);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let taken_over = simpeg_batch::Entity::find_by_id(batch).one(&conn).await.unwrap().unwrap();
    assert_eq!(taken_over.status, model::BatchStatus::Done);
    if a_held {
        a.restart().await;
    } else {
        b.restart().await;
    }
    let made: Vec<i32> = simpeg_row::Entity::find()
        .filter(simpeg_row::Column::BatchId.eq(batch))
        .filter(simpeg_row::Column::Status.eq(model::RowStatus::Done))
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.mailbox_id)
        .collect();
    let distinct: std::collections::HashSet<i32> = made.iter().copied().collect();
    assert_eq!(distinct.len(), made.len(), "one mailbox per row");
    let activations = || outbox::Entity::find().filter(outbox::Column::MessageKey.like("simpeg:%:activation"));
    assert_eq!(activations().count(&conn).await.unwrap() as usize, expected, "one activation message per eligible row");
    let deadline = Instant::now() + Duration::from_secs(120);
    while activations().filter(outbox::Column::Status.eq("sent")).count(&conn).await.unwrap() < expected as u64 {
        assert!(Instant::now() < deadline, "activation SMS not all sent");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let keys: Vec<String> =
        a.sms.all().into_iter().filter_map(|m| m.idempotency_key).filter(|k| k.starts_with("simpeg:") && k.ends_with(":activation")).collect();
    let unique: std::collections::HashSet<&String> = keys.iter().collect();
    assert_eq!((keys.len(), unique.len()), (expected, expected), "one activation SMS each at the gateway");

    // the outbox: 1,000 messages while both dispatchers run; the first instance
    // is killed with -9 in the middle and started again: none lost, none twice
    let dup_before = a.sms.duplicates();
    queue(&a, "bulk", 1000).await;
    wait_for_sms(&a, "bulk", 150).await;
    a.kill();
    // what it had claimed and not sent: sent by someone once its lease (10 s here) ran out, not before
    let held = outbox::Entity::find()
        .filter(outbox::Column::MessageKey.starts_with("bulk:"))
        .filter(outbox::Column::LeaseOwner.starts_with("surel-a:"))
        .filter(outbox::Column::Status.eq("sending"))
        .all(&conn)
        .await
        .unwrap();
    a.restart().await;
    all_sent(&a, "bulk", 1000).await;
    delivered_once(&a, "bulk", 1000);
    for h in &held {
        let row = outbox::Entity::find_by_id(h.id).one(&conn).await.unwrap().unwrap();
        let (sent, until) = (row.sent_at.unwrap(), h.lease_until.unwrap());
        assert!(sent >= until, "{}: sent at {sent}, before its dead claim ran out at {until}", h.message_key);
    }
    eprintln!("kill -9 mid-queue: {} messages were leased to the killed instance, each sent after its lease ran out", held.len());
    assert!(a.sms.duplicates() - dup_before <= 20, "only the killed instance's claim (20 at most) may reach the gateway twice: {}", a.sms.duplicates());

    // SIGTERM in the middle of 500: the instance stops cleanly and gives its
    // claim back, so the other sends the rest at once (no lease to wait out)
    let before = a.sms.duplicates();
    queue(&a, "graceful", 500).await;
    wait_for_sms(&a, "graceful", 100).await;
    let exit = b.terminate();
    assert!(exit.success(), "a clean stop on SIGTERM: {exit:?}\n{}", b.log());
    let stuck = outbox::Entity::find()
        .filter(outbox::Column::LeaseOwner.starts_with("surel-b:"))
        .filter(outbox::Column::Status.eq("sending"))
        .count(&conn)
        .await
        .unwrap();
    assert_eq!(stuck, 0, "nothing left leased to the stopped instance");
    all_sent(&a, "graceful", 500).await;
    delivered_once(&a, "graceful", 500);
    assert_eq!(a.sms.duplicates(), before, "a clean stop sends nothing twice");
    b.restart().await;
    let m = metrics_of(&b.url).await;
    assert!(m.contains("surel_outbox_queued 0"), "the shared queue is empty: {}", m.lines().filter(|l| l.contains("outbox")).collect::<Vec<_>>().join("\n"));

    // PostgreSQL restarted under both instances while resets keep coming in:
    // they say so, answer errors at once (no hanging), recover by themselves,
    // and nothing is half-written
    let mut load = ResetLoad::start(&a, &proxy.url).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pg = a.postgres().unwrap();
    let stopped = Instant::now();
    pg.stop();
    for u in &urls {
        let r = Client::new().get(format!("{u}/healthz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "alive");
        assert!(r.text().await.unwrap().contains("database unavailable"));
        assert_eq!(Client::new().get(format!("{u}/readyz")).send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    let during = web
        .post(format!("{}/ganti-sandi", proxy.url))
        .header("x-forwarded-for", "10.80.0.1")
        .form(&[("action", "start"), ("address", OWNER)])
        .send()
        .await
        .unwrap();
    assert!(during.status().is_server_error(), "no database, no reset: {}", during.status());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarted = Instant::now();
    pg.start_again();
    for u in &urls {
        assert!(wait_ready(u).await, "{u} recovered by itself");
    }
    let ready = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let answers = load.stop().await;
    let tally = |a: &[&Answer]| {
        let mut t = std::collections::BTreeMap::<String, usize>::new();
        a.iter().for_each(|(_, _, s)| *t.entry(s.map_or("none".into(), |s| s.as_u16().to_string())).or_default() += 1);
        t
    };
    let all: Vec<&Answer> = answers.iter().collect();
    let saved = |s: &Option<StatusCode>| *s == Some(StatusCode::SEE_OTHER);
    let sent_in = |from: Instant, to: Instant| answers.iter().filter(move |(sent, _, _)| *sent >= from && *sent < to);
    assert!(answers.iter().filter(|(sent, _, s)| *sent < stopped && saved(s)).count() >= 10, "resets went through before: {:?}", tally(&all));
    // sent during the outage: an error, or saved once the database was back (a request waits up to its pool's 10 s)
    let outage: Vec<_> = sent_in(stopped + Duration::from_millis(500), restarted).collect();
    assert!(!outage.is_empty(), "requests were sent during the outage");
    for (_, answered, status) in &outage {
        assert!(status.is_some_and(|s| s.is_server_error()) || (saved(status) && *answered >= restarted), "{status:?}: {:?}", tally(&outage));
    }
    assert!(outage.iter().any(|(_, _, s)| s.is_some_and(|s| s.is_server_error())), "the outage was felt: {:?}", tally(&outage));
    let after: Vec<_> = sent_in(ready + Duration::from_secs(1), Instant::now()).collect();
    assert!(after.len() >= 10 && after.iter().all(|(_, _, s)| saved(s)), "all saved again once ready: {:?}", tally(&after));
    assert!(answers.iter().all(|(_, _, s)| s.is_some()), "every request was answered within 15 s");
    let slowest = answers.iter().map(|(sent, answered, _)| *answered - *sent).max().unwrap();
    eprintln!("reset load: {} requests, slowest answer {slowest:?}", answers.len());
    let conn = a.db().await;
    let answered = answers.iter().filter(|(_, _, s)| saved(s)).count();
    load.check_nothing_half_written(&conn, answered).await;

    let owner = a.client_at(&proxy.url, None);
    let r = owner
        .post(format!("{}/ganti-sandi", proxy.url))
        .header("x-forwarded-for", "10.80.0.2")
        .form(&[("action", "start"), ("address", "nurul.aini@batam.go.id")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "works again");
    let sms = a.sms.wait_nth("+6281290000002", 1).await;
    assert_eq!(code_in(&sms.text).len(), 6);

    // one audit chain, whoever wrote it
    let out = a.cli(&["audit", "verify"]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(proxy.error_log().lines().all(|l| !l.contains("[emerg]")), "{}", proxy.error_log());
}
