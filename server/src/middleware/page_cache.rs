//! The public pages everyone gets the same (`/ganti-sandi`'s first step,
//! the landing page, "no SMS?"), rendered once and served from memory for a
//! short while: a burst of people resetting passwords should cost page
//! renders only once per language, not once per phone.
//!
//! Served from memory only when nothing in the request can change the page:
//! a GET of exactly one of [`PATHS`], without a query, and with no cookie
//! but the language choice (a reset in progress, a session or an owner's
//! sign-in all bypass it). Only a 200 HTML answer that sets no cookie is
//! kept. What must differ per answer is chosen here before rendering and
//! swapped in each time: the CSP nonce, and the example passphrase the
//! reset page carries in its data (two people must never be given the same
//! suggested password).
use app::web::{CspNonce, Suggestion};
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::Request,
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Pages whose first view depends on the language only.
pub const PATHS: &[&str] = &["/", "/ganti-sandi", "/ganti-sandi/tanpa-sms"];

/// How long a rendered page is reused (a restart or this, whichever first).
const FRESH_FOR: Duration = Duration::from_secs(30);

/// A page larger than this is not kept (ours are about 10 KB).
const MAX_PAGE: usize = 256 * 1024;

/// A kept page: its answer cut where the per-answer values go.
struct Kept {
    path: &'static str,
    language: String,
    at: Instant,
    status: StatusCode,
    headers: HeaderMap,
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Text(Bytes),
    Nonce,
    Suggestion,
}

fn kept() -> &'static Mutex<Vec<Kept>> {
    static KEPT: OnceLock<Mutex<Vec<Kept>>> = OnceLock::new();
    KEPT.get_or_init(Mutex::default)
}

/// The language cookie's value ("" when none), or `None` when the request
/// carries any other cookie (its page may differ).
fn only_language(headers: &HeaderMap) -> Option<String> {
    let mut language = String::new();
    for value in headers.get_all(header::COOKIE) {
        for pair in value.to_str().ok()?.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, v) = pair.split_once('=').unwrap_or((pair, ""));
            if name != domain::cookies::LOCALE {
                return None;
            }
            language = v.to_string();
        }
    }
    Some(language)
}

/// `body` cut at every `nonce` and `suggestion` (empty ones are not looked for).
fn cut(body: &[u8], nonce: &str, suggestion: &str) -> Vec<Piece> {
    let marks: Vec<(&[u8], Piece)> =
        [(nonce.as_bytes(), Piece::Nonce), (suggestion.as_bytes(), Piece::Suggestion)].into_iter().filter(|(m, _)| !m.is_empty()).collect();
    let (mut pieces, mut start, mut i) = (Vec::new(), 0, 0);
    while i < body.len() {
        match marks.iter().find(|(m, _)| body[i..].starts_with(m)) {
            Some((m, piece)) => {
                pieces.push(Piece::Text(Bytes::copy_from_slice(&body[start..i])));
                pieces.push(piece.clone());
                i += m.len();
                start = i;
            }
            None => i += 1,
        }
    }
    pieces.push(Piece::Text(Bytes::copy_from_slice(&body[start..])));
    pieces
}

/// The page put together with this answer's values.
fn joined(pieces: &[Piece], nonce: &str, suggestion: &str) -> Bytes {
    let mut out = Vec::with_capacity(pieces.iter().map(|p| if let Piece::Text(t) = p { t.len() } else { 64 }).sum());
    for p in pieces {
        match p {
            Piece::Text(t) => out.extend_from_slice(t),
            Piece::Nonce => out.extend_from_slice(nonce.as_bytes()),
            Piece::Suggestion => out.extend_from_slice(suggestion.as_bytes()),
        }
    }
    Bytes::from(out)
}

pub async fn layer(mut req: Request, next: Next) -> Response {
    let cacheable = req.method() == Method::GET && req.uri().query().is_none();
    let Some(path) = PATHS.iter().copied().find(|p| cacheable && *p == req.uri().path()) else { return next.run(req).await };
    let Some(language) = only_language(req.headers()) else { return next.run(req).await };
    let nonce = req.extensions().get::<CspNonce>().map(|n| n.0.clone()).unwrap_or_default();
    {
        let map = kept().lock().expect("page cache");
        if let Some(hit) = map.iter().find(|k| k.path == path && k.language == language && k.at.elapsed() < FRESH_FOR) {
            // made only for a page that carries one
            let suggestion = if hit.pieces.contains(&Piece::Suggestion) { domain::crypto::example_passphrase() } else { String::new() };
            let mut res = Response::new(Body::from(joined(&hit.pieces, &nonce, &suggestion)));
            *res.status_mut() = hit.status;
            *res.headers_mut() = hit.headers.clone();
            return res;
        }
    }
    let suggestion = domain::crypto::example_passphrase();
    req.extensions_mut().insert(Suggestion(suggestion.clone()));
    let res = next.run(req).await;
    let html = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK || !html || res.headers().contains_key(header::SET_COOKIE) || res.headers().contains_key(header::CONTENT_ENCODING) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match to_bytes(body, MAX_PAGE).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "page not kept: too large or cut short");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_LENGTH); // set again from the body sent
    let page = Kept { path, language, at: Instant::now(), status: parts.status, headers, pieces: cut(&body, &nonce, &suggestion) };
    let mut map = kept().lock().expect("page cache");
    map.retain(|k| k.at.elapsed() < FRESH_FOR && !(k.path == page.path && k.language == page.language));
    // a few pages times a few languages; a flood of odd language values is not kept
    if map.len() < 32 {
        map.push(page);
    }
    drop(map);
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_the_language_cookie_lets_a_page_be_shared() {
        let mut h = HeaderMap::new();
        assert_eq!(only_language(&h).as_deref(), Some(""));
        h.insert(header::COOKIE, HeaderValue::from_static("i18n_pref_locale=en"));
        assert_eq!(only_language(&h).as_deref(), Some("en"));
        h.insert(header::COOKIE, HeaderValue::from_static("i18n_pref_locale=en; surel_reset=abc"));
        assert_eq!(only_language(&h), None, "a reset in progress shows its own step");
        h.insert(header::COOKIE, HeaderValue::from_static("surel_session=x"));
        assert_eq!(only_language(&h), None);
    }

    #[test]
    fn each_answer_gets_its_own_nonce_and_suggestion() {
        let body = b"<script nonce=\"AAA\"></script><code>kopi-senja-7</code><script nonce=\"AAA\"></script>";
        let pieces = cut(body, "AAA", "kopi-senja-7");
        assert_eq!(pieces.iter().filter(|p| **p == Piece::Nonce).count(), 2);
        let out = joined(&pieces, "BBBB", "teh-hujan-3");
        assert_eq!(out, Bytes::from_static(b"<script nonce=\"BBBB\"></script><code>teh-hujan-3</code><script nonce=\"BBBB\"></script>"));
        assert_eq!(joined(&cut(body, "", ""), "x", "y"), Bytes::from_static(body), "nothing to swap: the page as it was");
    }
}
