//! The outbox page: messages, their delivery state, dead letters to retry.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{OutboxPage, OutboxQuery};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// One page of messages, newest first, filtered by state and recipient.
#[server(prefix = "/api", endpoint = "outbox/list", input = Json)]
pub async fn list_outbox(query: OutboxQuery) -> Result<OutboxPage, AppError> {
    super::ctx::run(ListOutbox::PATH, |cx| async move { domain::outbox_view::page(&cx.state, &query).await }).await
}

/// Sends a dead letter again.
#[server(prefix = "/api", endpoint = "outbox/retry", input = Json)]
pub async fn retry_outbox(id: i32) -> Result<(), AppError> {
    super::ctx::run(RetryOutbox::PATH, |cx| async move { domain::outbox_view::retry(&cx.state, cx.actor()?, id).await }).await
}
