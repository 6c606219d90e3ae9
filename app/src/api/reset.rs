//! The ganti-sandi page's data. The steps themselves are plain form posts to
//! `/ganti-sandi` (server/src/forms/reset.rs), so the page works without JavaScript.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// Cookie holding the reset attempt (HttpOnly, SameSite=Lax).

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetStep {
    /// Ask for the address.
    Start,
    /// Ask for the code and the new password.
    Code {
        address: String,
        resend_in_secs: i64,
        code_valid_secs: i64,
        /// After a correct code: the masked phone and the owner's name.
        verified: Option<(String, String)>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPage {
    pub step: ResetStep,
    pub min_len: usize,
    /// An example passphrase for people without JavaScript.
    pub suggestion: String,
    /// Where to go without SMS (from the configuration).
    pub support: String,
}

#[server(prefix = "/api", endpoint = "reset/state", input = Json)]
pub async fn reset_state() -> Result<ResetPage, AppError> {
    super::ctx::run(ResetState::PATH, |cx| async move {
        let token =
            use_context::<http::request::Parts>().and_then(|p| domain::cookies::read(&p.headers, domain::cookies::RESET, cx.state.config.secure_cookies()));
        let view = match token {
            Some(t) => domain::reset::view(&cx.state, &t).await?,
            None => None,
        };
        let step = match view {
            None => ResetStep::Start,
            Some(v) => ResetStep::Code { address: v.address, resend_in_secs: v.resend_in_secs, code_valid_secs: v.code_valid_secs, verified: v.verified },
        };
        Ok(ResetPage {
            step,
            min_len: cx.state.config.password_min_len,
            suggestion: crate::web::suggestion(),
            support: cx.state.config.support_contact.clone(),
        })
    })
    .await
}
