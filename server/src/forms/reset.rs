//! `POST /ganti-sandi`: the reset steps as plain form posts (works without
//! JavaScript). `action` is start, resend, complete or cancel.
use super::{read_form, render_with_flash, see_other};
use crate::state::WebState;
use app::api::forms::FormFlash;
use app::web::RequestMeta;
use axum::{
    extract::{Request, State},
    http::{header::SET_COOKIE, request::Parts, HeaderValue, StatusCode},
    response::Response,
};
use domain::{reset, DomainError};
use model::error::AppError;
use model::ErrorCode;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn reset_cookie(state: &WebState, value: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&domain::cookies::named(&state.app.config, domain::cookies::RESET, value, Some(max_age))).expect("ascii")
}

async fn fail(state: &WebState, parts: Parts, address: &str, e: DomainError) -> Response {
    let (status, errors, error) = match e {
        DomainError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, f, None),
        DomainError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, Default::default(), Some(AppError::from(e))),
        other => (StatusCode::INTERNAL_SERVER_ERROR, Default::default(), Some(AppError::from(other))),
    };
    let flash = FormFlash { form: "reset".into(), values: vec![("address".into(), address.trim().to_string())], errors, error };
    render_with_flash(state, parts, flash, status).await
}

fn expired(e: &DomainError) -> bool {
    matches!(e, DomainError::Invalid(f) if f.0.iter().any(|x| x.code == ErrorCode::ResetExpired))
}

pub async fn submit(State(state): State<WebState>, req: Request) -> Response {
    let (parts, form) = match read_form::<ResetForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ip = parts.extensions.get::<RequestMeta>().and_then(|m| m.ip.clone());
    let token = domain::cookies::read(&parts.headers, domain::cookies::RESET, state.app.config.secure_cookies());
    let app = &state.app;
    match (form.action.as_str(), token) {
        ("start", _) => match reset::start(app, &form.address, ip).await {
            Ok(token) => {
                let mut res = see_other("/ganti-sandi", "/ganti-sandi");
                res.headers_mut().append(SET_COOKIE, reset_cookie(&state, &token, reset::ATTEMPT_TTL_MINUTES * 60));
                res
            }
            Err(e) => fail(&state, parts, &form.address, e).await,
        },
        ("resend", Some(t)) => match reset::resend(app, &t, ip).await {
            Ok(()) => see_other("/ganti-sandi?dikirim=1", "/ganti-sandi"),
            Err(e) if expired(&e) => expired_response(&state),
            Err(e) => fail(&state, parts, "", e).await,
        },
        ("complete", Some(t)) => match reset::complete(app, &t, &form.code, &form.password, &form.password_confirm, ip).await {
            Ok(_) => {
                let mut res = see_other("/sandi-tersimpan", "/");
                res.headers_mut().append(SET_COOKIE, reset_cookie(&state, "", 0));
                res
            }
            Err(e) if expired(&e) => expired_response(&state),
            Err(e) => fail(&state, parts, "", e).await,
        },
        ("cancel", Some(t)) => {
            if let Err(e) = reset::cancel(app, &t).await {
                tracing::warn!(error = %e, "cancelling a reset failed");
            }
            let mut res = see_other("/ganti-sandi", "/ganti-sandi");
            res.headers_mut().append(SET_COOKIE, reset_cookie(&state, "", 0));
            res
        }
        // No attempt (cookie gone or expired): start over.
        _ => expired_response(&state),
    }
}

fn expired_response(state: &WebState) -> Response {
    let mut res = see_other("/ganti-sandi?kedaluwarsa=1", "/ganti-sandi");
    res.headers_mut().append(SET_COOKIE, reset_cookie(state, "", 0));
    res
}
