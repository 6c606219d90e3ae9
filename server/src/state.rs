//! What every handler shares. Its own module so that the router and the
//! form handlers both depend on it instead of on each other.
use axum::extract::FromRef;
use domain::AppState;
use leptos::prelude::LeptosOptions;

/// What handlers share: the domain state and Leptos's options.
#[derive(Clone)]
pub struct WebState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

impl FromRef<WebState> for LeptosOptions {
    fn from_ref(s: &WebState) -> Self {
        s.leptos.clone()
    }
}

impl FromRef<WebState> for AppState {
    fn from_ref(s: &WebState) -> Self {
        s.app.clone()
    }
}
