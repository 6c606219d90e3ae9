//! F5 files over plain HTTP, for the Pengelola SIMPEG and those who follow
//! the collective request:
//! - `POST /simpeg/unggah` (multipart `file`, ≤ 16 MB) checks a SIMPEG
//!   export and answers JSON `SimpegUploaded` (or a field error as JSON `AppError`);
//! - `GET /simpeg/ditolak/{batch}`: the rejected rows with reasons (XLSX);
//! - `GET /simpeg/ekspor/{ticket}`: NIP → official address for SIMPEG (XLSX).
use super::{upload_body_error, upload_error};
use crate::state::WebState;
use axum::{
    extract::{multipart::MultipartRejection, DefaultBodyLimit, Multipart, Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Json,
};
use domain::kinds::simpeg::{batch, read::MAX_FILE_BYTES};
use domain::{auth::Actor, DomainError};
use model::ErrorCode;

/// A file of exactly 16 MB passes (plus multipart framing); more is cut off.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)
}

pub async fn upload(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, form: Result<Multipart, MultipartRejection>) -> Response {
    let Some(actor) = actor else { return upload_error(DomainError::Unauthenticated) };
    if !actor.has_any(model::access::SIMPEG_PREPARE) {
        return upload_error(DomainError::Forbidden);
    }
    let mut form = match form {
        Ok(f) => f,
        Err(r) => return upload_body_error(r.status()),
    };
    let mut file = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return upload_body_error(e.status()),
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(bytes) => file = Some((name, bytes)),
                Err(e) => return upload_body_error(e.status()),
            }
        }
    }
    let Some((name, bytes)) = file else { return upload_error(DomainError::field("file", ErrorCode::FileEmpty)) };
    match batch::upload(&state.app, &actor, &name, &bytes).await {
        Ok(up) => Json(up).into_response(),
        Err(e) => upload_error(e),
    }
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let mut res = super::attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

fn file_error(e: DomainError) -> Response {
    match e {
        DomainError::Forbidden => (StatusCode::FORBIDDEN, "Peran Anda tidak memiliki akses ke berkas ini.").into_response(),
        DomainError::NotFound => (StatusCode::NOT_FOUND, "Berkas tidak ditemukan.").into_response(),
        e => {
            tracing::error!(error = %e, "simpeg file failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Berkas gagal dibuat.").into_response()
        }
    }
}

pub async fn rejected(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, Path(batch): Path<i32>) -> Response {
    let Some(actor) = actor else { return Redirect::to("/masuk").into_response() };
    match batch::rejected_xlsx(&state.app, &actor, batch).await {
        Ok((name, bytes)) => xlsx(&name, bytes),
        Err(e) => file_error(e),
    }
}

pub async fn export(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, Path(ticket): Path<String>) -> Response {
    let Some(actor) = actor else { return Redirect::to("/masuk").into_response() };
    match batch::export_xlsx(&state.app, &actor, &ticket).await {
        Ok((name, bytes)) => xlsx(&name, bytes),
        Err(e) => file_error(e),
    }
}
