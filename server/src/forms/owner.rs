//! `POST /akun`: the owner's page as plain form posts (works without
//! JavaScript). `action` is sign_in, change_password, end_sessions or sign_out.
use super::{read_form, render_with_flash, see_other};
use crate::state::WebState;
use app::api::forms::FormFlash;
use app::web::RequestMeta;
use axum::{
    extract::{Request, State},
    http::{header::SET_COOKIE, request::Parts, HeaderValue, StatusCode},
    response::Response,
};
use domain::{cookies, owner, DomainError};
use model::error::AppError;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct OwnerForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password_confirm: String,
}

fn owner_cookie(state: &WebState, value: &str, max_age: Option<i64>) -> HeaderValue {
    HeaderValue::from_str(&cookies::named(&state.app.config, cookies::OWNER, value, max_age)).expect("ascii")
}

/// The page again, with what was typed (never a password) and why not.
async fn refused(state: &WebState, parts: Parts, form: &str, values: Vec<(String, String)>, e: DomainError) -> Response {
    let (status, errors, error) = match e {
        DomainError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, f, None),
        DomainError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, Default::default(), Some(AppError::from(e))),
        other => (StatusCode::INTERNAL_SERVER_ERROR, Default::default(), Some(AppError::from(other))),
    };
    render_with_flash(state, parts, FormFlash { form: form.into(), values, errors, error }, status).await
}

/// Back to a signed-out page (the cookie named no live session).
fn signed_out(state: &WebState) -> Response {
    let mut res = see_other("/akun", "/akun");
    res.headers_mut().append(SET_COOKIE, owner_cookie(state, "", Some(0)));
    res
}

pub async fn submit(State(state): State<WebState>, req: Request) -> Response {
    let (parts, form) = match read_form::<OwnerForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
    let app = &state.app;
    if form.action == "sign_in" {
        return match owner::sign_in(app, &form.address, &form.password, meta.ip, meta.user_agent).await {
            Ok(token) => {
                let mut res = see_other("/akun", "/akun");
                res.headers_mut().append(SET_COOKIE, owner_cookie(&state, &token, None));
                res
            }
            Err(e) => refused(&state, parts, "owner-sign-in", vec![("address".into(), form.address.trim().to_string())], e).await,
        };
    }
    let token = cookies::read(&parts.headers, cookies::OWNER, app.config.secure_cookies());
    let me = match token {
        Some(t) => match owner::lookup(app, &t).await {
            Ok(o) => o,
            Err(e) => return refused(&state, parts, "owner", vec![], e).await,
        },
        None => None,
    };
    let Some(me) = me else { return signed_out(&state) };
    match form.action.as_str() {
        "change_password" => match owner::change_password(app, &me, &form.current, &form.password, &form.password_confirm, meta.ip).await {
            Ok(()) => see_other("/akun?tersimpan=1", "/akun"),
            Err(e) => refused(&state, parts, "owner-password", vec![], e).await,
        },
        "end_sessions" => match owner::end_other_sessions(app, &me, meta.ip).await {
            Ok(_) => see_other("/akun?sesi=1", "/akun"),
            Err(e) => refused(&state, parts, "owner", vec![], e).await,
        },
        "sign_out" => {
            if let Err(e) = owner::sign_out(app, &me, meta.ip).await {
                tracing::error!(error = %e, "owner sign-out failed");
            }
            let mut res = see_other("/akun?keluar=1", "/akun");
            res.headers_mut().append(SET_COOKIE, owner_cookie(&state, "", Some(0)));
            res
        }
        _ => see_other("/akun", "/akun"),
    }
}
