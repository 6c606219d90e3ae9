//! Security headers on every response, with a fresh CSP nonce per request
//! for the hydration script.
use app::web::CspNonce;
use axum::{extract::Request, http::HeaderValue, middleware::Next, response::Response};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;

pub async fn layer(secure: bool, mut req: Request, next: Next) -> Response {
    // ThreadRng: a CSPRNG seeded from the system, without a system call per answer
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let nonce = URL_SAFE_NO_PAD.encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_static = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    // a handler may set a narrower policy of its own (an attachment shown in
    // the browser: see `forms::attachments`)
    if !h.contains_key("content-security-policy") {
        h.insert("content-security-policy", HeaderValue::from_str(&csp).expect("ascii"));
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if secure {
        h.insert("strict-transport-security", HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    if is_static {
        h.entry("cache-control").or_insert(HeaderValue::from_static("no-cache"));
    } else {
        // Pages can show personal data: never keep them in shared caches.
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    res
}
