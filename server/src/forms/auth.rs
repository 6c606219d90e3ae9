//! `/masuk` (sign in), `/keluar` (sign out), `/bahasa` (language).
use super::{read_form, render_with_flash, see_other};
use crate::router::WebState;
use app::api::forms::FormFlash;
use app::domain::{auth, auth::Actor, web::RequestMeta, DomainError};
use app::error::AppError;
use axum::{
    extract::{Request, State},
    http::{header::SET_COOKIE, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

/// Cookie name leptos_i18n reads the language from.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

pub fn session_cookie(state: &WebState, value: &str, max_age: Option<i64>) -> HeaderValue {
    let cfg = &state.app.config;
    let mut c = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax", cfg.session_cookie_name());
    if cfg.secure_cookies() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("cookie is ascii")
}

pub fn locale_cookie(state: &WebState, locale: &str) -> HeaderValue {
    let secure = if state.app.config.secure_cookies() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{LOCALE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax{secure}")).expect("ascii")
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

pub async fn sign_in(State(state): State<WebState>, req: Request) -> Response {
    let (parts, form) = match read_form::<SignInForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
    match auth::sign_in(&state.app, &form.address, &form.password, meta.ip, meta.user_agent).await {
        Ok(signed) => {
            let mut res = see_other(if form.next.starts_with("/admin") { &form.next } else { "/admin" }, "/admin");
            res.headers_mut().append(SET_COOKIE, session_cookie(&state, &signed.token, None));
            if let Some(l) = signed.locale {
                res.headers_mut().append(SET_COOKIE, locale_cookie(&state, &l));
            }
            res
        }
        Err(e) => {
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
            let flash = FormFlash { form: "login".into(), values: vec![("address".into(), form.address.trim().to_string())], errors, error };
            render_with_flash(&state, parts, flash, status).await
        }
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
