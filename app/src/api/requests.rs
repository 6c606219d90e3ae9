//! Requests of every kind: the list, the request page, and the address
//! check request forms share. Each kind's own steps are in `api::kinds`.
//! Thin: parse, rely on the policy table, call the domain.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{RequestDetail, RequestRow};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[server(prefix = "/api", endpoint = "requests/list", input = Json)]
pub async fn list_requests(only_open: bool, queue: Option<String>) -> Result<Vec<RequestRow>, AppError> {
    super::ctx::run(ListRequests::PATH, |cx| async move { domain::requests::view::list(&cx.state, cx.actor()?, only_open, queue.as_deref()).await }).await
}

#[server(prefix = "/api", endpoint = "requests/get", input = Json)]
pub async fn get_request(ticket: String) -> Result<RequestDetail, AppError> {
    super::ctx::run(GetRequest::PATH, |cx| async move { domain::kinds::detail(&cx.state, cx.actor()?, ticket.trim()).await }).await
}

/// Whether a proposed address (local part) is valid and free.
#[server(prefix = "/api", endpoint = "accounts/check-address", input = Json)]
pub async fn check_address(local_part: String) -> Result<model::AddressCheck, AppError> {
    super::ctx::run(CheckAddress::PATH, |cx| async move {
        let domain = domain::accounts::default_domain(&cx.state.db).await?;
        let local = local_part.trim().to_lowercase();
        let problem = domain::accounts::available(&cx.state.db, &local).await?.err();
        Ok(model::AddressCheck { address: format!("{local}@{}", domain.name), problem })
    })
    .await
}
