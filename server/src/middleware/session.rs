//! Attaches the caller to every request: client address, user agent and the
//! signed-in staff member (if the session cookie names a live session).
use app::domain::{auth, web::RequestMeta, AppState};
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use axum_extra::extract::cookie::CookieJar;
use std::net::SocketAddr;

/// The client's address: the TCP peer, or the first `X-Forwarded-For` hop
/// when a trusted proxy sits in front.
pub fn client_ip(req: &Request, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        if let Some(fwd) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            if let Some(first) = fwd.split(',').next().map(str::trim).filter(|s| !s.is_empty()) {
                return Some(first.to_string());
            }
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip().to_string())
}

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&req, state.config.trust_proxy);
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(|s| s.chars().take(200).collect());
    let jar = CookieJar::from_headers(req.headers());
    let actor = match jar.get(state.config.session_cookie_name()) {
        Some(c) => match auth::actor_for_token(&state, c.value(), ip.clone()).await {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                None
            }
        },
        None => None,
    };
    req.extensions_mut().insert(RequestMeta { ip, user_agent });
    req.extensions_mut().insert(actor);
    next.run(req).await
}
