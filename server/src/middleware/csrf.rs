//! CSRF protection: a state-changing request from another site is refused.
//! Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`);
//! clients that say nothing are not browsers and carry no ambient cookies
//! of a victim. Session cookies are also `SameSite=Lax`.
use axum::{extract::Request, http::{Method, StatusCode}, middleware::Next, response::{IntoResponse, Response}};

pub fn allowed(method: &Method, sec_fetch_site: Option<&str>, origin: Option<&str>, host: Option<&str>, public_url: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        return site == "same-origin" || site == "none";
    }
    match origin {
        None => true,
        Some("null") => false,
        Some(o) => {
            let o = o.trim_end_matches('/');
            o == public_url.trim_end_matches('/') || host.is_some_and(|h| o == format!("http://{h}") || o == format!("https://{h}"))
        }
    }
}

pub async fn layer(public_url: String, req: Request, next: Next) -> Response {
    let h = req.headers();
    let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    if !allowed(req.method(), get("sec-fetch-site"), get("origin"), get("host"), &public_url) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Permintaan lintas situs ditolak (cross-site request refused).").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    const URL: &str = "https://surel.batam.go.id";

    #[test]
    fn reads_are_always_allowed() {
        assert!(allowed(&Method::GET, Some("cross-site"), Some("https://evil.example"), None, URL));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        assert!(!allowed(&Method::POST, Some("cross-site"), None, None, URL));
        assert!(!allowed(&Method::POST, Some("same-site"), None, None, URL));
        assert!(!allowed(&Method::POST, None, Some("https://evil.example"), Some("surel.batam.go.id"), URL));
        assert!(!allowed(&Method::POST, None, Some("null"), None, URL));
    }

    #[test]
    fn same_origin_writes_pass() {
        assert!(allowed(&Method::POST, Some("same-origin"), Some(URL), None, URL));
        assert!(allowed(&Method::POST, None, Some("https://surel.batam.go.id"), Some("surel.batam.go.id"), URL));
        assert!(allowed(&Method::POST, None, Some("http://127.0.0.1:3000"), Some("127.0.0.1:3000"), URL));
        assert!(allowed(&Method::POST, None, None, None, URL));
    }
}
