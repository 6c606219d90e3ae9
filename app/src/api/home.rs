//! The staff home page: "my work", one queue per role.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::QueueSummary;
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[server(prefix = "/api", endpoint = "home/queues", input = Json)]
pub async fn my_queues() -> Result<Vec<QueueSummary>, AppError> {
    super::ctx::run(MyQueues::PATH, |cx| async move { domain::requests::queues::for_actor(&cx.state, cx.actor()?).await }).await
}
