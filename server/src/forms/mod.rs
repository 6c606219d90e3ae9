//! Handlers for plain form posts (pages that work without JavaScript).
//! Success redirects (303); a failure renders the same page again with the
//! typed values and field messages, in the right status.
pub mod activate;
pub mod attachments;
pub mod auth;
pub mod mailbox_export;
pub mod owner;
pub mod recap;
pub mod reset;
pub mod simpeg;

use crate::state::WebState;
use app::api::forms::FormFlash;
use app::shell;
use axum::{
    body::Body,
    extract::Request,
    http::{request::Parts, Method, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::*;
use model::ErrorCode;
use serde::de::DeserializeOwned;

/// An upload endpoint's error, as the JSON `AppError` the browser reads.
/// A file to download: its type and the name the browser saves it under.
pub fn attachment(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    use axum::http::{header, HeaderValue};
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub fn upload_error(e: domain::DomainError) -> Response {
    let e = model::error::AppError::from(e);
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(e)).into_response()
}

/// A broken multipart body: over the limit (413 from axum) or malformed.
/// The rest of the body is left unread, so the connection cannot carry
/// another request: say so, or the client may reuse it and fail.
pub fn upload_body_error(status: StatusCode) -> Response {
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE { ErrorCode::FileTooLarge } else { ErrorCode::UploadFailed };
    let mut res = upload_error(domain::DomainError::field("file", code));
    res.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    res
}

/// Reads a urlencoded form body (at most 64 KiB) and keeps the request's parts.
pub async fn read_form<T: DeserializeOwned>(req: Request) -> Result<(Parts, T), Response> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| (StatusCode::BAD_REQUEST, "formulir tidak lengkap").into_response())?;
    Ok((parts, form))
}

/// Renders the page at the request's path with `flash` available to it.
pub async fn render_with_flash(state: &WebState, mut parts: Parts, flash: FormFlash, status: StatusCode) -> Response {
    parts.method = Method::GET;
    let app = state.app.clone();
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(app.clone());
            provide_context(flash.clone());
        },
        move || shell(options.clone()),
    );
    let mut res = handler(Request::from_parts(parts, Body::empty())).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res
}

/// Whether `path` is a path on this site: one `/` followed by anything but
/// `/` or `\\`, and no control characters anywhere (browsers drop tabs and
/// newlines from URLs, so `/\t/evil.example` would become `//evil.example`,
/// another host).
pub fn is_local_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\')) && !path.contains('\\') && !path.chars().any(char::is_control)
}

/// 303 to a same-site path (anything else goes to `fallback`).
pub fn see_other(path: &str, fallback: &str) -> Response {
    let to = if is_local_path(path) { path } else { fallback };
    (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, to.to_string())]).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        for ok in ["/", "/admin", "/admin/permohonan?x=1", "/ganti-sandi#kode"] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "admin",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "https://evil.example",
            "/a\u{7f}b",
            "/\\/x",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
