//! Requests and approvals: lists, the request page, and the phone-change
//! flow (F2). Thin: parse, rely on the policy table, call the domain.
use crate::error::AppError;
use crate::model::{RequestDetail, RequestRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api", endpoint = "requests/list", input = Json)]
pub async fn list_requests(only_open: bool) -> Result<Vec<RequestRow>, AppError> {
    super::ctx::run(|cx| async move { crate::domain::requests_view::list(&cx.state, cx.actor()?, only_open).await }).await
}

#[server(prefix = "/api", endpoint = "requests/get", input = Json)]
pub async fn get_request(ticket: String) -> Result<RequestDetail, AppError> {
    super::ctx::run(|cx| async move { crate::domain::requests_view::detail(&cx.state, cx.actor()?, ticket.trim()).await }).await
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneChangeInput {
    pub address: String,
    pub doc_type: String,
    pub doc_number: String,
    pub new_phone: String,
}

/// SOP 001 step 1 at the desk: returns the new ticket number.
#[server(prefix = "/api", endpoint = "phone-change/start", input = Json)]
pub async fn start_phone_change(input: PhoneChangeInput) -> Result<String, AppError> {
    super::ctx::run(|cx| async move {
        use crate::domain::phone_change::{start, Desk};
        let desk = Desk { address: input.address, doc_type: input.doc_type, doc_number: input.doc_number, new_phone: input.new_phone };
        start(&cx.state, cx.actor()?, desk).await
    })
    .await
}

/// What the officer or the Kasi does on a phone-change request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneChangeAction {
    ConfirmCode { code: String },
    ResendCode,
    Cancel { note: String },
    Approve,
    Reject { note: String },
}

#[server(prefix = "/api", endpoint = "phone-change/step", input = Json)]
pub async fn phone_change_step(ticket: String, version: i32, step: PhoneChangeAction) -> Result<(), AppError> {
    super::ctx::run(|cx| async move {
        use crate::domain::phone_change as pc;
        let actor = cx.actor()?;
        match step {
            PhoneChangeAction::ConfirmCode { code } => pc::confirm_code(&cx.state, actor, &ticket, version, &code).await.map(|_| ()),
            PhoneChangeAction::ResendCode => pc::resend_code(&cx.state, actor, &ticket, version).await.map(|_| ()),
            PhoneChangeAction::Cancel { note } => pc::cancel(&cx.state, actor, &ticket, version, &note).await,
            PhoneChangeAction::Approve => pc::decide(&cx.state, actor, &ticket, version, true, None).await,
            PhoneChangeAction::Reject { note } => pc::decide(&cx.state, actor, &ticket, version, false, Some(&note)).await,
        }
    })
    .await
}
