//! Personal ASN accounts (SOP 002, F4): the public application, correction
//! and status functions, and the staff steps. Thin: parse, rely on the
//! policy table, call `domain::kinds::personal_account`.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{AddressCheck, ApplicantStatus, PersonalAccountData, PersonalAccountFix, PersonalAccountInput, PublicUnit};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// Units an applicant can choose (public: the list of OPD is public anyway).
#[server(prefix = "/api", endpoint = "apply/units", input = Json)]
pub async fn apply_units() -> Result<Vec<PublicUnit>, AppError> {
    crate::api::ctx::run(ApplyUnits::PATH, |cx| async move {
        Ok(domain::staff::units(&cx.state).await?.into_iter().map(|u| PublicUnit { id: u.id, name: u.name }).collect())
    })
    .await
}

/// A free address for a name under the configured rule, or none.
#[server(prefix = "/api", endpoint = "apply/suggest-address", input = Json)]
pub async fn apply_suggest_address(name: String) -> Result<Option<String>, AppError> {
    crate::api::ctx::run(ApplySuggestAddress::PATH, |cx| async move {
        let now = cx.state.now();
        use domain::rate_limit::{hit, Limit};
        const LIMIT: Limit = Limit::new("apply-suggest-ip", 120, 3600);
        if !hit(&cx.state.db, &LIMIT, &domain::rate_limit::client_key(cx.meta.ip.as_deref()), now).await? {
            return Err(domain::DomainError::RateLimited { retry_after_secs: LIMIT.retry_after(now) });
        }
        domain::kinds::personal_account::suggest_local(&cx.state, &name).await
    })
    .await
}

/// Whether a proposed address is valid and free (counted per client address).
#[server(prefix = "/api", endpoint = "apply/check-address", input = Json)]
pub async fn apply_check_address(local_part: String) -> Result<AddressCheck, AppError> {
    crate::api::ctx::run(ApplyCheckAddress::PATH, |cx| async move {
        let domain = domain::accounts::default_domain(&cx.state.db).await?;
        let local = local_part.trim().to_lowercase();
        let problem = domain::kinds::personal_account::check_public(&cx.state, &local, cx.meta.ip.as_deref()).await?.err();
        Ok(AddressCheck { address: format!("{local}@{}", domain.name), problem })
    })
    .await
}

/// Sends a code to the phone on the form; returns the token that goes back with the code.
#[server(prefix = "/api", endpoint = "apply/send-code", input = Json)]
pub async fn apply_send_code(phone: String) -> Result<String, AppError> {
    crate::api::ctx::run(ApplySendCode::PATH, |cx| async move { domain::kinds::personal_account::send_apply_code(&cx.state, &phone, cx.meta.ip.clone()).await })
        .await
}

/// SOP 002 step 1: returns the ticket number.
#[server(prefix = "/api", endpoint = "apply/submit", input = Json)]
pub async fn apply_submit(input: PersonalAccountInput) -> Result<String, AppError> {
    crate::api::ctx::run(ApplySubmit::PATH, |cx| async move { domain::kinds::personal_account::submit(&cx.state, input, cx.meta.ip.clone()).await }).await
}

/// The request behind a correction link.
#[server(prefix = "/api", endpoint = "apply/fix-info", input = Json)]
pub async fn apply_fix_info(link: String) -> Result<PersonalAccountFix, AppError> {
    crate::api::ctx::run(ApplyFixInfo::PATH, |cx| async move { domain::kinds::personal_account::fix_info(&cx.state, &link).await }).await
}

/// The corrected request, sent again through the link.
#[server(prefix = "/api", endpoint = "apply/resubmit", input = Json)]
pub async fn apply_resubmit(link: String, input: PersonalAccountInput) -> Result<String, AppError> {
    crate::api::ctx::run(ApplyResubmit::PATH, |cx| async move { domain::kinds::personal_account::resubmit(&cx.state, &link, input, cx.meta.ip.clone()).await })
        .await
}

/// Following a request: a code to the applicant's phone (same answer for any ticket).
#[server(prefix = "/api", endpoint = "apply/status-code", input = Json)]
pub async fn apply_status_code(ticket: String) -> Result<String, AppError> {
    crate::api::ctx::run(
        ApplyStatusCode::PATH,
        |cx| async move { domain::kinds::personal_account::status_send_code(&cx.state, &ticket, cx.meta.ip.clone()).await },
    )
    .await
}

#[server(prefix = "/api", endpoint = "apply/status", input = Json)]
pub async fn apply_status(ticket: String, token: String, code: String) -> Result<ApplicantStatus, AppError> {
    crate::api::ctx::run(
        ApplyStatus::PATH,
        |cx| async move { domain::kinds::personal_account::status(&cx.state, &ticket, &token, &code, cx.meta.ip.clone()).await },
    )
    .await
}

/// What the Kepala Seksi or a Petugas does on a personal-account request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonalAccountAction {
    Approve,
    Return { note: String },
    Reject { note: String },
    Create { data: PersonalAccountData },
    RetryTest,
}

#[server(prefix = "/api", endpoint = "personal-account/step", input = Json)]
pub async fn personal_account_step(ticket: String, version: i32, step: PersonalAccountAction) -> Result<(), AppError> {
    crate::api::ctx::run(PersonalAccountStep::PATH, |cx| async move {
        use domain::kinds::personal_account::{self as pa, Decision};
        let (s, a) = (&cx.state, cx.actor()?);
        match step {
            PersonalAccountAction::Approve => pa::decide(s, a, &ticket, version, Decision::Approve).await,
            PersonalAccountAction::Return { note } => pa::decide(s, a, &ticket, version, Decision::Return(note)).await,
            PersonalAccountAction::Reject { note } => pa::decide(s, a, &ticket, version, Decision::Reject(note)).await,
            PersonalAccountAction::Create { data } => pa::create_account(s, a, &ticket, version, data).await,
            PersonalAccountAction::RetryTest => pa::retry_test(s, a, &ticket, version).await,
        }
    })
    .await
}
