//! The audit-log viewer (Auditor, Admin sistem).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::AuditPage;
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

pub const PAGE_SIZE: u64 = 50;

/// One page of the log, newest first, optionally filtered by action or actor.
#[server(prefix = "/api", endpoint = "audit/list", input = Json)]
pub async fn list_audit(page: u64, query: String) -> Result<AuditPage, AppError> {
    super::ctx::run(ListAudit::PATH, |cx| async move { domain::audit_view::page(&cx.state, page, &query, PAGE_SIZE).await }).await
}
