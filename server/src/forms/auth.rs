//! `/masuk` (the password), `/masuk/verifikasi` (the second factor),
//! `/masuk/faktor-baru` (enrolling one), `/keluar` (sign out), `/bahasa` (language).
use super::{is_local_path, read_form, render_with_flash, see_other};
use crate::state::WebState;
use app::api::forms::FormFlash;
use app::web::RequestMeta;
use axum::{
    extract::{Request, State},
    http::{header::SET_COOKIE, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use domain::{auth, auth::Actor, cookies, second_factor, DomainError};
use model::error::AppError;
use model::ErrorCode;
use serde::Deserialize;

fn header(v: String) -> HeaderValue {
    HeaderValue::from_str(&v).expect("cookie is ascii")
}

pub fn session_cookie(state: &WebState, value: &str, max_age: Option<i64>) -> HeaderValue {
    header(cookies::session(&state.app.config, value, max_age))
}

pub fn locale_cookie(state: &WebState, locale: &str) -> HeaderValue {
    header(cookies::locale(&state.app.config, locale))
}

fn challenge_cookie(state: &WebState, value: &str, max_age: i64) -> HeaderValue {
    header(cookies::named(&state.app.config, cookies::CHALLENGE, value, Some(max_age)))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Renders `form`'s page again with its field messages, in the error's status.
async fn refused(state: &WebState, parts: axum::http::request::Parts, form: &str, values: Vec<(String, String)>, e: DomainError) -> Response {
    let (status, flash_err): (StatusCode, AppError) = match e {
        DomainError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, e.into()),
        DomainError::Invalid(_) => (StatusCode::UNAUTHORIZED, e.into()),
        other => (StatusCode::INTERNAL_SERVER_ERROR, other.into()),
    };
    let errors = match &flash_err {
        AppError::Invalid(f) => f.clone(),
        _ => Default::default(),
    };
    let error = (!matches!(flash_err, AppError::Invalid(_))).then_some(flash_err);
    let flash = FormFlash { form: form.into(), values, errors, error };
    render_with_flash(state, parts, flash, status).await
}

/// Step one: the password. A right one opens the second step (or the
/// enrollment of a first factor); no session yet.
pub async fn sign_in(State(state): State<WebState>, req: Request) -> Response {
    let (parts, form) = match read_form::<SignInForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
    let next = if form.next.starts_with("/admin") && is_local_path(&form.next) { form.next.clone() } else { "/admin".to_string() };
    match auth::sign_in(&state.app, &form.address, &form.password, &next, meta.ip, meta.user_agent).await {
        Ok(opened) => {
            let mut res = see_other(opened.purpose.path(), "/masuk");
            res.headers_mut().append(SET_COOKIE, challenge_cookie(&state, &opened.token, second_factor::CHALLENGE_MINUTES * 60));
            res
        }
        Err(e) => refused(&state, parts, "login", vec![("address".into(), form.address.trim().to_string())], e).await,
    }
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    #[serde(default)]
    code: String,
    /// `totp` (default) or `recovery`.
    #[serde(default)]
    kind: String,
}

/// The session is made: its cookie replaces the challenge's.
fn signed_in_response(state: &WebState, signed: &auth::SignedIn, next: &str) -> Response {
    let mut res = see_other(next, "/admin");
    with_session(state, &mut res, signed);
    res
}

fn with_session(state: &WebState, res: &mut Response, signed: &auth::SignedIn) {
    res.headers_mut().append(SET_COOKIE, session_cookie(state, &signed.token, None));
    res.headers_mut().append(SET_COOKIE, challenge_cookie(state, "", 0));
    if let Some(l) = &signed.locale {
        res.headers_mut().append(SET_COOKIE, locale_cookie(state, l));
    }
}

fn challenge_of(state: &WebState, parts: &axum::http::request::Parts) -> Option<String> {
    cookies::read(&parts.headers, cookies::CHALLENGE, state.app.config.secure_cookies())
}

fn gone(e: &DomainError) -> bool {
    matches!(e, DomainError::Invalid(f) if f.0.iter().any(|x| x.code == ErrorCode::ChallengeExpired))
}

/// Step two: a TOTP code or a recovery code (`POST /masuk/verifikasi`).
pub async fn second_step(State(state): State<WebState>, req: Request) -> Response {
    let (parts, form) = match read_form::<SecondStepForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
    let Some(token) = challenge_of(&state, &parts) else { return see_other("/masuk?habis=1", "/masuk") };
    let kind = if form.kind == "recovery" { second_factor::CodeKind::Recovery } else { second_factor::CodeKind::Totp };
    match second_factor::verify(&state.app, &token, kind, &form.code, meta.ip, meta.user_agent).await {
        Ok((signed, next)) => signed_in_response(&state, &signed, &next),
        Err(e) if gone(&e) => see_other("/masuk?habis=1", "/masuk"),
        Err(e) => refused(&state, parts, "second-step", vec![("kind".into(), form.kind.clone())], e).await,
    }
}

/// Enrollment at sign-in: the first TOTP code (`POST /masuk/faktor-baru`).
/// On success the same page shows the recovery codes, once, with the session
/// already set.
pub async fn enroll(State(state): State<WebState>, req: Request) -> Response {
    let (parts, form) = match read_form::<SecondStepForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
    let Some(token) = challenge_of(&state, &parts) else { return see_other("/masuk?habis=1", "/masuk") };
    match second_factor::enroll_totp(&state.app, &token, &form.code, meta.ip, meta.user_agent).await {
        Ok((signed, next, codes)) => {
            let mut values: Vec<(String, String)> = codes.into_iter().map(|c| ("recovery".to_string(), c)).collect();
            values.push(("next".into(), next));
            let flash = FormFlash { form: "enrolled".into(), values, errors: Default::default(), error: None };
            let mut res = render_with_flash(&state, parts, flash, StatusCode::OK).await;
            with_session(&state, &mut res, &signed);
            res
        }
        Err(e) if gone(&e) => see_other("/masuk?habis=1", "/masuk"),
        Err(e) => refused(&state, parts, "enroll", vec![], e).await,
    }
}

pub async fn sign_out(State(state): State<WebState>, req: Request) -> Response {
    if let Some(actor) = req.extensions().get::<Option<Actor>>().cloned().flatten() {
        if let Err(e) = auth::sign_out(&state.app, &actor, false).await {
            tracing::error!(error = %e, "sign-out failed");
        }
    }
    let mut res = see_other("/masuk?keluar=1", "/masuk");
    res.headers_mut().append(SET_COOKIE, session_cookie(&state, "", Some(0)));
    res
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    locale: String,
    #[serde(default)]
    next: String,
}

pub async fn language(State(state): State<WebState>, req: Request) -> Response {
    let actor = req.extensions().get::<Option<Actor>>().cloned().flatten();
    let (_, form) = match read_form::<LanguageForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let locale = if form.locale == "en" { "en" } else { "id" };
    if let Some(actor) = actor {
        if let Err(e) = auth::set_locale(&state.app, &actor, locale).await {
            tracing::error!(error = %e, "saving language failed");
        }
    }
    let mut res = see_other(&form.next, "/");
    res.headers_mut().append(SET_COOKIE, locale_cookie(&state, locale));
    res.into_response()
}
