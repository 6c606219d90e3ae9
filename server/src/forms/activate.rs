//! `POST /aktivasi/{token}`: the first password through a one-time link.
use super::{read_form, render_with_flash, see_other};
use crate::state::WebState;
use app::api::forms::FormFlash;
use app::web::RequestMeta;
use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
    response::Response,
};
use domain::{activation, DomainError};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ActivateForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn submit(State(state): State<WebState>, Path(token): Path<String>, req: Request) -> Response {
    let (parts, form) = match read_form::<ActivateForm>(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ip = parts.extensions.get::<RequestMeta>().and_then(|m| m.ip.clone());
    match activation::activate(&state.app, &token, &form.password, &form.password_confirm, ip).await {
        Ok(_) => see_other("/sandi-tersimpan", "/"),
        Err(DomainError::Invalid(errors)) => {
            let flash = FormFlash { form: "activate".into(), values: vec![], errors, error: None };
            render_with_flash(&state, parts, flash, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => {
            let flash = FormFlash { form: "activate".into(), values: vec![], errors: Default::default(), error: Some(other.into()) };
            render_with_flash(&state, parts, flash, StatusCode::INTERNAL_SERVER_ERROR).await
        }
    }
}
