//! Attaches the caller to every request: client address, user agent and the
//! signed-in staff member (if the session cookie names a live session).
use app::web::RequestMeta;
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use domain::{auth, AppState};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The client's address. Behind trusted proxies, `X-Forwarded-For` is read
/// from the right (each proxy appends the address it saw) and the first
/// address that is not a trusted proxy is the client: whatever a client
/// writes at the left of the header itself is never believed. A peer that is
/// not a trusted proxy is the client, whatever it sends.
pub fn client_ip(req: &Request, trusted: &[IpNet]) -> Option<String> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip())?;
    let hops: Vec<String> =
        req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(|s| s.trim().to_string()).collect();
    Some(client_from(peer, &hops, trusted).to_string())
}

fn client_from(peer: IpAddr, hops: &[String], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = peer;
    if !is_trusted(&peer) {
        return peer;
    }
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => client = ip,
            Ok(ip) => return ip,
            // Garbage from a proxy: the last address it vouched for is all we know.
            Err(_) => return client,
        }
    }
    client
}

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&req, &state.config.trusted_proxies);
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(|s| s.chars().take(200).collect());
    let actor = match domain::cookies::session_token(req.headers(), &state.config) {
        Some(token) => match auth::actor_for_token(&state, &token, ip.clone()).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn net(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }
    fn hops(s: &str) -> Vec<String> {
        s.split(',').map(|h| h.trim().to_string()).filter(|h| !h.is_empty()).collect()
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let t = net(&["127.0.0.1/32", "10.0.0.0/24"]);
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        // nginx appended the real address after what the client forged
        assert_eq!(client_from(lo, &hops("6.6.6.6, 203.0.113.7"), &t).to_string(), "203.0.113.7");
        // two proxies in a row
        assert_eq!(client_from(lo, &hops("6.6.6.6, 203.0.113.7, 10.0.0.5"), &t).to_string(), "203.0.113.7");
        // no header: the proxy itself
        assert_eq!(client_from(lo, &[], &t), lo);
        // an untrusted peer is the client, whatever it writes
        let peer: IpAddr = "198.51.100.2".parse().unwrap();
        assert_eq!(client_from(peer, &hops("127.0.0.1"), &t), peer);
        assert_eq!(client_from(peer, &hops("1.2.3.4"), &[]), peer);
        // garbage stops the walk at the last trusted address
        assert_eq!(client_from(lo, &hops("6.6.6.6, junk"), &t), lo);
    }
}
