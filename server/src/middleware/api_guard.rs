//! Checks every server-function call against the policy table before it runs.
//! Unknown functions are refused (deny by default), and so is any body that
//! is not JSON: every server function takes JSON, and refusing the encodings
//! a cross-site form can send (`text/plain`, urlencoded, multipart) closes
//! that door too. (Each server function checks the table again itself.)
use app::api::policy;
use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::auth::Actor;

pub async fn layer(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "server functions take application/json").into_response();
    }
    let actor = req.extensions().get::<Option<Actor>>().cloned().flatten();
    match policy::check(req.uri().path(), actor.as_ref()) {
        Ok(()) => next.run(req).await,
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
            let body = serde_json::to_string(&e).unwrap_or_default();
            let mut res = (status, body).into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res
        }
    }
}
