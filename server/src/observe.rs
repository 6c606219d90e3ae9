//! What operators and load balancers ask an instance: `/healthz` (the
//! process answers, and says whether it reaches the database), `/readyz`
//! (200 only when the database answers and its schema is this binary's) and
//! `/metrics` (Prometheus text: requests by route and status with latency
//! histograms, the shared outbox and SIMPEG backlog, rate-limit refusals),
//! readable only from [`domain::config::Config::metrics_allow`].
use crate::middleware::session::client_ip;
use crate::state::WebState;
use axum::{
    extract::{MatchedPath, Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::db::Schema;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::ConnectionTrait;
use std::{sync::OnceLock, time::Instant};

/// Request latency buckets, in seconds: a page is expected in milliseconds,
/// a password hash in a few hundred, a SIMPEG upload in seconds.
const LATENCY_BUCKETS: &[f64] = &[0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process-wide recorder (installed once; the router may be built more than once in tests).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(metrics_exporter_prometheus::Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
            .expect("latency buckets are not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}

/// The route a request matched, as a label with few values: the route
/// pattern (`/admin/akun/{id}`), a server function's own path, or `other`
/// (static files, unknown paths: never the raw path, which anyone can vary).
fn route_label(req: &Request) -> String {
    let path = req.uri().path();
    match req.extensions().get::<MatchedPath>().map(MatchedPath::as_str) {
        Some("/api/{*fn_name}") => path.to_string(),
        Some(p) => p.to_string(),
        None if path.starts_with("/pkg/") => "/pkg/".into(),
        None => "other".into(),
    }
}

/// Counts and times every request (a layer on the router, so the matched route is known).
pub async fn record(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let mut route = route_label(&req);
    let response = next.run(req).await;
    let status = response.status();
    // an unknown server function path would make a label per guess
    if status == StatusCode::NOT_FOUND && route.starts_with("/api/") {
        route = "other".into();
    }
    let labels = [("method", method), ("route", route), ("status", status.as_u16().to_string())];
    metrics::counter!("surel_http_requests_total", &labels).increment(1);
    metrics::histogram!("surel_http_request_duration_seconds", &labels[1..2]).record(started.elapsed().as_secs_f64());
    response
}

/// Whether the database answers within two seconds (the pool would wait
/// its whole connect timeout for a database that is down; a health check
/// must answer before the load balancer gives up on it).
async fn database_answers(state: &WebState) -> bool {
    matches!(tokio::time::timeout(std::time::Duration::from_secs(2), state.app.db.execute_unprepared("SELECT 1")).await, Ok(Ok(_)))
}

/// Liveness: 200 while the process serves; the body says whether the
/// database answers (a load balancer that must not send traffic to an
/// instance without its database asks `/readyz`).
pub async fn healthz(State(state): State<WebState>) -> &'static str {
    if database_answers(&state).await {
        "ok"
    } else {
        "ok; database unavailable"
    }
}

/// Readiness: 200 only when the database answers and has run exactly this
/// binary's migrations; 503 with the reason otherwise.
pub async fn readyz(State(state): State<WebState>) -> (StatusCode, &'static str) {
    if !database_answers(&state).await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    match domain::db::schema(&state.app.db).await {
        Ok(Schema::Current) => (StatusCode::OK, "ready"),
        Ok(Schema::Behind(_)) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending: run `surel migrate`"),
        // during a rolling upgrade the instance not yet replaced meets the
        // new migrations (additive: it keeps working) and says so
        Ok(Schema::Ahead) => (StatusCode::OK, "ready; the database has newer migrations: upgrade this instance"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Prometheus's scrape, from an allowed address only (others get 404, as
/// for a page that does not exist).
pub async fn metrics(State(state): State<WebState>, req: Request) -> Response {
    let config = &state.app.config;
    let allowed = client_ip(&req, &config.trusted_proxies)
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| config.metrics_allow.iter().any(|n| n.contains(&ip)));
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    match domain::ops::backlog(&state.app.db, state.app.now()).await {
        Ok(b) => {
            metrics::gauge!("surel_database_up").set(1.0);
            metrics::gauge!("surel_outbox_queued").set(b.outbox_queued as f64);
            metrics::gauge!("surel_outbox_oldest_queued_seconds").set(b.outbox_oldest_secs);
            metrics::gauge!("surel_outbox_dead_letters").set(b.outbox_dead as f64);
            metrics::gauge!("surel_simpeg_batches_running").set(b.simpeg_batches_running as f64);
            metrics::gauge!("surel_simpeg_rows_pending").set(b.simpeg_rows_pending as f64);
        }
        Err(e) => {
            tracing::warn!(error = %e, "reading the backlog for /metrics failed");
            metrics::gauge!("surel_database_up").set(0.0);
        }
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], recorder().render()).into_response()
}
