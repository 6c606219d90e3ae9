//! The second sign-in step and the staff member's own security settings.
//! The TOTP and recovery-code steps are plain form posts (server/src/forms/auth.rs),
//! so they work without JavaScript; passkeys need the browser's WebAuthn API.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{SecondStep, SecurityOverview, TotpSetup};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// After a passkey step: where to go (the session cookie came with the answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyDone {
    pub next: String,
    /// After enrolling: the recovery codes, shown once.
    pub recovery_codes: Vec<String>,
}

#[cfg(feature = "ssr")]
fn challenge_token(cx: &super::ctx::Cx) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    domain::cookies::read(&parts.headers, domain::cookies::CHALLENGE, cx.state.config.secure_cookies())
}

/// Sets the session cookie (and ends the challenge cookie) on this response.
#[cfg(feature = "ssr")]
fn sign_in_cookies(cx: &super::ctx::Cx, signed: &domain::auth::SignedIn) {
    use domain::cookies;
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        let cfg = &cx.state.config;
        for c in [cookies::session(cfg, &signed.token, None), cookies::named(cfg, domain::cookies::CHALLENGE, "", Some(0))] {
            if let Ok(v) = http::HeaderValue::from_str(&c) {
                opts.append_header(http::header::SET_COOKIE, v);
            }
        }
        if let Some(l) = &signed.locale {
            if let Ok(v) = http::HeaderValue::from_str(&cookies::locale(cfg, l)) {
                opts.append_header(http::header::SET_COOKIE, v);
            }
        }
    }
}

/// What the second-step or enrollment page shows (none: the challenge is gone).
#[server(prefix = "/api", endpoint = "masuk/langkah", input = Json)]
pub async fn second_step_info() -> Result<Option<SecondStep>, AppError> {
    super::ctx::run(SecondStepInfo::PATH, |cx| async move {
        let Some(token) = challenge_token(&cx) else { return Ok(None) };
        Ok(domain::second_factor::step_info(&cx.state, &token).await?.map(|i| SecondStep {
            purpose: i.purpose.code().into(),
            address: i.address,
            has_totp: i.has_totp,
            has_passkey: i.has_passkey,
            setup: i.setup,
        }))
    })
    .await
}

/// Passkey options for the challenge: sign-in (`enroll` false) or enrollment.
#[server(prefix = "/api", endpoint = "masuk/passkey-mulai", input = Json)]
pub async fn passkey_begin(enroll: bool) -> Result<String, AppError> {
    super::ctx::run(PasskeyBegin::PATH, |cx| async move {
        let token = challenge_token(&cx).ok_or_else(|| domain::DomainError::field("code", model::ErrorCode::ChallengeExpired))?;
        if enroll {
            domain::passkeys::enroll_begin(&cx.state, &token).await
        } else {
            domain::passkeys::login_begin(&cx.state, &token).await
        }
    })
    .await
}

/// The authenticator's answer: signs in (and, enrolling, stores the passkey).
#[server(prefix = "/api", endpoint = "masuk/passkey-selesai", input = Json)]
pub async fn passkey_finish(enroll: bool, credential: String, name: String) -> Result<PasskeyDone, AppError> {
    super::ctx::run(PasskeyFinish::PATH, |cx| async move {
        use domain::{passkeys, DomainError};
        let token = challenge_token(&cx).ok_or_else(|| DomainError::field("code", model::ErrorCode::ChallengeExpired))?;
        let (ip, ua) = (cx.meta.ip.clone(), cx.meta.user_agent.clone());
        let (signed, next, recovery_codes) = if enroll {
            passkeys::enroll_finish(&cx.state, &token, &credential, &name, ip, ua).await?
        } else {
            let (s, n) = passkeys::login_finish(&cx.state, &token, &credential, ip, ua).await?;
            (s, n, vec![])
        };
        sign_in_cookies(&cx, &signed);
        Ok(PasskeyDone { next, recovery_codes })
    })
    .await
}

#[server(prefix = "/api", endpoint = "keamanan", input = Json)]
pub async fn get_security() -> Result<SecurityOverview, AppError> {
    super::ctx::run(GetSecurity::PATH, |cx| async move { domain::second_factor::overview(&cx.state, cx.actor()?).await }).await
}

#[server(prefix = "/api", endpoint = "keamanan/totp-baru", input = Json)]
pub async fn totp_replace_begin() -> Result<TotpSetup, AppError> {
    super::ctx::run(TotpReplaceBegin::PATH, |cx| async move { domain::second_factor::replace_totp_begin(&cx.state, cx.actor()?).await }).await
}

#[server(prefix = "/api", endpoint = "keamanan/totp-konfirmasi", input = Json)]
pub async fn totp_replace_confirm(code: String) -> Result<(), AppError> {
    super::ctx::run(TotpReplaceConfirm::PATH, |cx| async move { domain::second_factor::replace_totp_confirm(&cx.state, cx.actor()?, &code).await }).await
}

#[server(prefix = "/api", endpoint = "keamanan/kode-pemulihan", input = Json)]
pub async fn recovery_regenerate() -> Result<Vec<String>, AppError> {
    super::ctx::run(RecoveryRegenerate::PATH, |cx| async move { domain::second_factor::regenerate_recovery(&cx.state, cx.actor()?).await }).await
}

#[server(prefix = "/api", endpoint = "keamanan/hapus-faktor", input = Json)]
pub async fn factor_remove(id: i32) -> Result<(), AppError> {
    super::ctx::run(FactorRemove::PATH, |cx| async move { domain::second_factor::remove_factor(&cx.state, cx.actor()?, id).await }).await
}

#[server(prefix = "/api", endpoint = "keamanan/passkey-mulai", input = Json)]
pub async fn passkey_add_begin() -> Result<String, AppError> {
    super::ctx::run(PasskeyAddBegin::PATH, |cx| async move { domain::passkeys::add_begin(&cx.state, cx.actor()?).await }).await
}

#[server(prefix = "/api", endpoint = "keamanan/passkey-selesai", input = Json)]
pub async fn passkey_add_finish(credential: String, name: String) -> Result<(), AppError> {
    super::ctx::run(PasskeyAddFinish::PATH, |cx| async move { domain::passkeys::add_finish(&cx.state, cx.actor()?, &credential, &name).await }).await
}

/// Admin sistem: reset another staff member's second factor, with a reason.
#[server(prefix = "/api", endpoint = "staff/reset-faktor", input = Json)]
pub async fn reset_staff_factor(mailbox_id: i32, reason: String) -> Result<(), AppError> {
    super::ctx::run(ResetStaffFactor::PATH, |cx| async move { domain::second_factor::admin_reset(&cx.state, cx.actor()?, mailbox_id, &reason).await }).await
}
