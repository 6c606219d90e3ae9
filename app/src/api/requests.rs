//! Requests and approvals: lists, the request page, and the phone-change
//! flow (F2). Thin: parse, rely on the policy table, call the domain.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{RequestDetail, RequestRow};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[server(prefix = "/api", endpoint = "requests/list", input = Json)]
pub async fn list_requests(only_open: bool) -> Result<Vec<RequestRow>, AppError> {
    super::ctx::run(ListRequests::PATH, |cx| async move { domain::requests::view::list(&cx.state, cx.actor()?, only_open).await }).await
}

#[server(prefix = "/api", endpoint = "requests/get", input = Json)]
pub async fn get_request(ticket: String) -> Result<RequestDetail, AppError> {
    super::ctx::run(GetRequest::PATH, |cx| async move { domain::requests::view::detail(&cx.state, cx.actor()?, ticket.trim()).await }).await
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneChangeInput {
    pub address: String,
    pub doc_type: String,
    pub doc_number: String,
    pub new_phone: String,
    /// Token of the uploaded identity scan (`POST /lampiran`, kind `identitas`).
    #[serde(default)]
    pub doc_scan: String,
}

/// SOP 001 step 1 at the desk: returns the new ticket number.
#[server(prefix = "/api", endpoint = "phone-change/start", input = Json)]
pub async fn start_phone_change(input: PhoneChangeInput) -> Result<String, AppError> {
    super::ctx::run(StartPhoneChange::PATH, |cx| async move {
        use domain::kinds::phone_change::{start, Desk};
        let desk =
            Desk { address: input.address, doc_type: input.doc_type, doc_number: input.doc_number, new_phone: input.new_phone, doc_scan: input.doc_scan };
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
    super::ctx::run(PhoneChangeStep::PATH, |cx| async move {
        use domain::kinds::phone_change as pc;
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

/// SOP 000 step 1: a Kepala OPD submits; returns the ticket number.
#[server(prefix = "/api", endpoint = "unit-account/submit", input = Json)]
pub async fn submit_unit_account(input: model::UnitAccountInput) -> Result<String, AppError> {
    super::ctx::run(SubmitUnitAccount::PATH, |cx| async move { domain::kinds::unit_account::submit(&cx.state, cx.actor()?, input).await }).await
}

/// What Kabid PE or a Petugas does on a unit-account request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitAccountAction {
    Approve,
    Reject { note: String },
    InputData { data: model::UnitAccountData },
    ApproveData,
    ReturnData { note: String },
    RetryTest,
    SendReport,
}

#[server(prefix = "/api", endpoint = "unit-account/step", input = Json)]
pub async fn unit_account_step(ticket: String, version: i32, step: UnitAccountAction) -> Result<(), AppError> {
    super::ctx::run(UnitAccountStep::PATH, |cx| async move {
        use domain::kinds::unit_account as ua;
        let (s, a) = (&cx.state, cx.actor()?);
        match step {
            UnitAccountAction::Approve => ua::decide(s, a, &ticket, version, true, None).await,
            UnitAccountAction::Reject { note } => ua::decide(s, a, &ticket, version, false, Some(&note)).await,
            UnitAccountAction::InputData { data } => ua::input_data(s, a, &ticket, version, data).await,
            UnitAccountAction::ApproveData => ua::approve_data(s, a, &ticket, version).await,
            UnitAccountAction::ReturnData { note } => ua::return_data(s, a, &ticket, version, &note).await,
            UnitAccountAction::RetryTest => ua::retry_test(s, a, &ticket, version).await,
            UnitAccountAction::SendReport => ua::send_report(s, a, &ticket, version).await,
        }
    })
    .await
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
