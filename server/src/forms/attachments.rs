//! `POST /lampiran` (multipart: `kind`, `file`) stores an upload and answers
//! JSON `Uploaded`, or a field error as JSON `AppError` (the shape server
//! functions use); `GET /lampiran/{id}` serves a file to staff who may see
//! its request.
use super::{upload_body_error, upload_error};
use crate::state::WebState;
use app::web::RequestMeta;
use axum::{
    extract::{multipart::MultipartRejection, DefaultBodyLimit, Multipart, Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Json,
};
use domain::{
    attachments,
    auth::Actor,
    rate_limit::{self, Limit},
    DomainError,
};
use model::ErrorCode;

/// Public uploads (F4 applicants are not signed in) per client address; a
/// form needs a few files, retries included. Counted in the database, so the
/// limit holds across instances.
const UPLOADS_PER_IP: Limit = Limit::new("upload-ip", 20, 3600);

/// The body may be a little over 5 MB (multipart framing), so that a file of
/// exactly 5 MB passes and one a byte bigger gets `file_too_large` from the
/// content check; a much bigger body is cut off and gets the same message.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(attachments::MAX_BYTES + 64 * 1024)
}

pub async fn upload(
    State(state): State<WebState>,
    Extension(actor): Extension<Option<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut form = match form {
        Ok(f) => f,
        Err(r) => return upload_body_error(r.status()),
    };
    if actor.is_none() {
        let now = state.app.now();
        let ip = rate_limit::client_key(meta.ip.as_deref());
        match rate_limit::hit(&state.app.db, &UPLOADS_PER_IP, &ip, now).await {
            Ok(true) => {}
            Ok(false) => return upload_error(DomainError::RateLimited { retry_after_secs: UPLOADS_PER_IP.retry_after(now) }),
            Err(e) => return upload_error(e.into()),
        }
    }
    let (mut kind, mut file) = (String::new(), None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return upload_body_error(e.status()),
        };
        match field.name() {
            Some("kind") => match field.text().await {
                Ok(t) => kind = t,
                Err(e) => return upload_body_error(e.status()),
            },
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(e) => return upload_body_error(e.status()),
                }
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file else { return upload_error(DomainError::field("file", ErrorCode::FileEmpty)) };
    match attachments::store(&state.app, actor.as_ref(), &kind, &name, &bytes).await {
        Ok(up) => Json(up).into_response(),
        Err(e) => upload_error(e),
    }
}

/// An ASCII `filename` for old clients plus `filename*` (RFC 5987) with the
/// real name. (The stored name has no control characters or quotes.)
/// Types a browser shows by itself, safely: the upload check decided the
/// type from the content, so a file stored as one of these is one.
const SHOWN_INLINE: &[&str] = &["application/pdf", "image/png", "image/jpeg"];

/// The policy of a PDF shown in the browser (see `download`).
const PDF_CSP: &str = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `?lihat=1`: open in the browser instead of downloading (PDF, images).
#[derive(serde::Deserialize)]
pub struct ViewQuery {
    lihat: Option<String>,
}

fn disposition(name: &str) -> HeaderValue {
    disposition_as("attachment", name)
}

fn disposition_as(kind: &str, name: &str) -> HeaderValue {
    let ascii: String = name.chars().map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' }).collect();
    let encoded: String =
        name.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    HeaderValue::from_str(&format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")).unwrap_or(HeaderValue::from_static("attachment"))
}

pub async fn download(
    State(state): State<WebState>,
    Extension(actor): Extension<Option<Actor>>,
    Path(id): Path<i32>,
    Query(view): Query<ViewQuery>,
) -> Response {
    // (no `next`: sign-in returns only into /admin, where the links to files are)
    let Some(actor) = actor else { return Redirect::to("/masuk").into_response() };
    match attachments::open(&state.app, &actor, id).await {
        Ok((row, bytes)) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&row.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
            let inline = view.lihat.is_some() && SHOWN_INLINE.contains(&row.content_type.as_str());
            h.insert(header::CONTENT_DISPOSITION, if inline { disposition_as("inline", &row.filename) } else { disposition(&row.filename) });
            // (the security-headers layer then makes every non-static
            // response plain `no-store`, which is as strict)
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            if inline && row.content_type == "application/pdf" {
                // Chromium shows a PDF through an internal <embed> with inline
                // styles: the pages' `object-src 'none'` would block it. This
                // document runs no script of ours and may not be framed.
                h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PDF_CSP));
            }
            res
        }
        // A person followed a link: a sentence, not JSON. Same answer for
        // "no such file" and "not yours".
        Err(DomainError::NotFound) => (StatusCode::NOT_FOUND, "Lampiran tidak ditemukan (attachment not found).").into_response(),
        Err(e) => upload_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn disposition_keeps_non_ascii_names_in_filename_star() {
        assert_eq!(disposition("surat.pdf"), "attachment; filename=\"surat.pdf\"; filename*=UTF-8''surat.pdf");
        assert_eq!(disposition("Surat Ñ.pdf"), "attachment; filename=\"Surat _.pdf\"; filename*=UTF-8''Surat%20%C3%91.pdf");
    }
}
