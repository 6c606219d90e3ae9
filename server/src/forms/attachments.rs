//! `POST /lampiran` (multipart: `kind`, `file`) stores an upload and answers
//! JSON `Uploaded` or a field error; `GET /lampiran/{id}` serves a file to
//! staff who may see its request.
use crate::router::WebState;
use app::domain::{attachments, auth::Actor, rate_limit::{self, Limit}, web::RequestMeta, DomainError};
use app::error::AppError;
use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Json,
};

/// Public uploads (F4 applicants) per client address.
const UPLOADS_PER_IP: Limit = Limit::new("upload-ip", 30, 3600);

/// The body may be a little over 5 MB (multipart framing), so that a file of
/// exactly 5 MB passes and a bigger one gets the clear message below.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(attachments::MAX_BYTES + 64 * 1024)
}

fn error(e: DomainError) -> Response {
    let e = AppError::from(e);
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(e)).into_response()
}

pub async fn upload(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, Extension(meta): Extension<RequestMeta>, mut form: Multipart) -> Response {
    let now = state.app.now();
    if actor.is_none() {
        let ip = meta.ip.clone().unwrap_or_default();
        match rate_limit::hit(&state.app.db, &UPLOADS_PER_IP, &ip, now).await {
            Ok(true) => {}
            Ok(false) => return error(DomainError::RateLimited { retry_after_secs: UPLOADS_PER_IP.retry_after(now) }),
            Err(e) => return error(e.into()),
        }
    }
    let (mut kind, mut file) = (String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("berkas").to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes)),
                        // the body limit cut it short: the file is too big
                        Err(_) => return error(DomainError::field("file", "file_too_large")),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return error(DomainError::field("file", "file_too_large")),
        }
    }
    let Some((name, bytes)) = file else { return error(DomainError::field("file", "file_empty")) };
    match attachments::store(&state.app, actor.as_ref(), &kind, &name, &bytes).await {
        Ok(up) => Json(up).into_response(),
        Err(e) => error(e),
    }
}

/// `filename*` (RFC 5987) for any name, plus an ASCII fallback.
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")).unwrap_or(HeaderValue::from_static("attachment"))
}

pub async fn download(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, Path(id): Path<i32>) -> Response {
    let Some(actor) = actor else { return Redirect::to("/masuk").into_response() };
    match attachments::open(&state.app, &actor, id).await {
        Ok((row, bytes)) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&row.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
            h.insert(header::CONTENT_DISPOSITION, disposition(&row.filename));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            res
        }
        Err(e) => error(e),
    }
}
