//! CSRF protection: a state-changing request from another site is refused.
//! Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`). A
//! request that says neither is refused too, unless it carries something a
//! cross-site HTML form cannot send: a JSON body or the `X-Surel-Client`
//! header (scripts and command-line clients). Session cookies are also
//! `SameSite=Lax`.
use axum::{
    extract::Request,
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The header a non-browser client sends to say it is not a form.
pub const CLIENT_HEADER: &str = "x-surel-client";

/// What the check reads from a request.
pub struct Origin<'a> {
    pub sec_fetch_site: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub host: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub client_header: bool,
}

pub fn allowed(method: &Method, r: &Origin, public_url: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = r.sec_fetch_site {
        return site == "same-origin" || site == "none";
    }
    match r.origin {
        Some("null") => false,
        Some(o) => {
            let o = o.trim_end_matches('/');
            o == public_url.trim_end_matches('/') || r.host.is_some_and(|h| o == format!("http://{h}") || o == format!("https://{h}"))
        }
        // A form can send neither a JSON content type nor a custom header.
        None => r.client_header || r.content_type.is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("application/json")),
    }
}

pub async fn layer(public_url: String, req: Request, next: Next) -> Response {
    let h = req.headers();
    let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    let origin = Origin {
        sec_fetch_site: get("sec-fetch-site"),
        origin: get("origin"),
        host: get("host"),
        content_type: get("content-type"),
        client_header: h.contains_key(CLIENT_HEADER),
    };
    if !allowed(req.method(), &origin, &public_url) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Permintaan lintas situs ditolak (cross-site request refused).").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    const URL: &str = "https://surel.batam.go.id";

    fn o<'a>(site: Option<&'a str>, origin: Option<&'a str>, host: Option<&'a str>) -> Origin<'a> {
        Origin { sec_fetch_site: site, origin, host, content_type: Some("application/x-www-form-urlencoded"), client_header: false }
    }

    #[test]
    fn reads_are_always_allowed() {
        assert!(allowed(&Method::GET, &o(Some("cross-site"), Some("https://evil.example"), None), URL));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        assert!(!allowed(&Method::POST, &o(Some("cross-site"), None, None), URL));
        assert!(!allowed(&Method::POST, &o(Some("same-site"), None, None), URL));
        assert!(!allowed(&Method::POST, &o(None, Some("https://evil.example"), Some("surel.batam.go.id")), URL));
        assert!(!allowed(&Method::POST, &o(None, Some("null"), None), URL));
    }

    #[test]
    fn a_write_that_says_nothing_needs_what_a_form_cannot_send() {
        assert!(!allowed(&Method::POST, &o(None, None, None), URL), "a form post with no origin headers");
        let text = Origin { content_type: Some("text/plain"), ..o(None, None, None) };
        assert!(!allowed(&Method::POST, &text, URL));
        let json = Origin { content_type: Some("application/json"), ..o(None, None, None) };
        assert!(allowed(&Method::POST, &json, URL));
        let client = Origin { client_header: true, ..o(None, None, None) };
        assert!(allowed(&Method::POST, &client, URL));
    }

    #[test]
    fn same_origin_writes_pass() {
        assert!(allowed(&Method::POST, &o(Some("same-origin"), Some(URL), None), URL));
        assert!(allowed(&Method::POST, &o(None, Some("https://surel.batam.go.id"), Some("surel.batam.go.id")), URL));
        assert!(allowed(&Method::POST, &o(None, Some("http://127.0.0.1:3000"), Some("127.0.0.1:3000")), URL));
    }
}
