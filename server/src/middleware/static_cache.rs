//! Caching of the built files under `/pkg/`. Pages link them with `?v=` and
//! a hash of their content ([`app::web::Assets`]): such a URL never changes
//! meaning, so browsers keep it a year without asking again. Anything else
//! is checked with the server each time (`no-cache`, answered 304).
use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};

pub async fn layer(req: Request, next: Next) -> Response {
    let versioned = req.uri().query().is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")));
    let mut res = next.run(req).await;
    let value = if versioned && res.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The same URL is sent as brotli, gzip or plain, by what the browser accepts.
    h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}
