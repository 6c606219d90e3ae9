//! The mailbox directory (`/admin/akun`) and a mailbox's page.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{MailboxChangeInput, MailboxDetail, MailboxPage, MailboxQuery};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// One page of the directory, in the viewer's scope.
#[server(prefix = "/api", endpoint = "mailboxes/list", input = Json)]
pub async fn list_mailboxes(query: MailboxQuery) -> Result<MailboxPage, AppError> {
    super::ctx::run(ListMailboxes::PATH, |cx| async move { domain::mailboxes::directory::page(&cx.state, cx.actor()?, &query).await }).await
}

#[server(prefix = "/api", endpoint = "mailboxes/get", input = Json)]
pub async fn get_mailbox(id: i32) -> Result<MailboxDetail, AppError> {
    super::ctx::run(GetMailbox::PATH, |cx| async move { domain::mailboxes::detail::detail(&cx.state, cx.actor()?, id).await }).await
}

/// Switch off or on, quota, end date, aliases; always with a reason.
#[server(prefix = "/api", endpoint = "mailboxes/change", input = Json)]
pub async fn change_mailbox(input: MailboxChangeInput) -> Result<(), AppError> {
    super::ctx::run(ChangeMailbox::PATH, |cx| async move { domain::mailboxes::changes::apply(&cx.state, cx.actor()?, input).await }).await
}
