//! What a server function needs from its request, and how its errors leave.
use crate::web::RequestMeta;
use domain::{auth::Actor, AppState, DomainResult};
use leptos::prelude::*;
use model::error::AppError;
use std::future::Future;

/// The request's state, actor and client facts.
pub struct Cx {
    pub state: AppState,
    pub actor: Option<Actor>,
    pub meta: RequestMeta,
}

impl Cx {
    /// The signed-in actor; the policy table has already checked the role.
    pub fn actor(&self) -> Result<&Actor, domain::DomainError> {
        self.actor.as_ref().ok_or(domain::DomainError::Unauthenticated)
    }
}

pub fn cx() -> Result<Cx, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| AppError::Internal { reference: "no-state".into() })?;
    let parts = use_context::<http::request::Parts>();
    let actor = parts.as_ref().and_then(|p| p.extensions.get::<Option<Actor>>().cloned()).flatten();
    let meta = parts.as_ref().and_then(|p| p.extensions.get::<RequestMeta>().cloned()).unwrap_or_default();
    Ok(Cx { state, actor, meta })
}

/// Sets the HTTP status for an error leaving a server function.
pub fn fail(e: AppError) -> AppError {
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(e.status()) {
            opts.set_status(code);
        }
    }
    e
}

/// Runs the body of the server function at `path` with its context and
/// maps its errors. The function's rule in the policy table is checked here
/// too, not only by the HTTP layer: a page rendered on the server calls
/// server functions directly, past that layer, and must not get more than
/// the signed-in actor may have.
pub async fn run<T, F, Fut>(path: &'static str, f: F) -> Result<T, AppError>
where
    F: FnOnce(Cx) -> Fut,
    Fut: Future<Output = DomainResult<T>>,
{
    let cx = cx().map_err(fail)?;
    super::policy::check(path, cx.actor.as_ref()).map_err(fail)?;
    f(cx).await.map_err(|e| fail(e.into()))
}
