//! F2, a new phone number after the identity check at the desk (SOP 001,
//! "no" branch): the desk starts it, the officer confirms the code, the Kasi decides.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

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
    crate::api::ctx::run(StartPhoneChange::PATH, |cx| async move {
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
    crate::api::ctx::run(PhoneChangeStep::PATH, |cx| async move {
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
