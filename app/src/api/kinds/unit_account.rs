//! F3, unit / kegiatan / event accounts (SOP 000): the Kepala OPD submits,
//! the Kabid decides, officers enter, check and test, the report goes out.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// SOP 000 step 1: a Kepala OPD submits; returns the ticket number.
#[server(prefix = "/api", endpoint = "unit-account/submit", input = Json)]
pub async fn submit_unit_account(input: model::UnitAccountInput) -> Result<String, AppError> {
    crate::api::ctx::run(SubmitUnitAccount::PATH, |cx| async move { domain::kinds::unit_account::submit(&cx.state, cx.actor()?, input).await }).await
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
    crate::api::ctx::run(UnitAccountStep::PATH, |cx| async move {
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
