//! Service levels and reports: the dashboard, the Admin sistem's settings.
//! (The monthly recap downloads are plain GETs: `server/src/forms/recap.rs`.)
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{Dashboard, ServiceLevelSettings};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// Open, overdue and per-step times for `month` (`YYYY-MM`, empty = this month).
#[server(prefix = "/api", endpoint = "reports/dashboard", input = Json)]
pub async fn get_dashboard(month: String) -> Result<Dashboard, AppError> {
    super::ctx::run(GetDashboard::PATH, |cx| async move { domain::reports::dashboard(&cx.state, cx.actor()?, &month).await }).await
}

#[server(prefix = "/api", endpoint = "settings/service-levels", input = Json)]
pub async fn get_service_levels() -> Result<ServiceLevelSettings, AppError> {
    super::ctx::run(GetServiceLevels::PATH, |cx| async move { domain::reports::service_levels(&cx.state).await }).await
}

#[server(prefix = "/api", endpoint = "settings/service-levels/save", input = Json)]
pub async fn save_service_levels(input: ServiceLevelSettings) -> Result<(), AppError> {
    super::ctx::run(SaveServiceLevels::PATH, |cx| async move { domain::reports::save_service_levels(&cx.state, cx.actor()?, input).await }).await
}
