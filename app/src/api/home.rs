//! The staff home page: "my work", one queue per role.
use crate::error::AppError;
use crate::model::QueueSummary;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[server(prefix = "/api", endpoint = "home/queues", input = Json)]
pub async fn my_queues() -> Result<Vec<QueueSummary>, AppError> {
    super::ctx::run(MyQueues::PATH, |cx| async move { crate::domain::queues::for_actor(&cx.state, cx.actor()?).await }).await
}
