//! The activation page's data: whose mailbox a link is for.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationView {
    pub address: String,
    pub name: String,
    pub min_len: usize,
    /// An example passphrase, for people without JavaScript.
    pub suggestion: String,
}

/// `None` when the link is unknown, used or expired.
#[server(prefix = "/api", endpoint = "activation/info", input = Json)]
pub async fn activation_info(token: String) -> Result<Option<ActivationView>, AppError> {
    super::ctx::run(ActivationInfo::PATH, |cx| async move {
        let info = domain::activation::lookup(&cx.state.db, &token, cx.state.now()).await?;
        Ok(info.map(|i| ActivationView {
            address: i.mailbox.address,
            name: i.mailbox.display_name,
            min_len: cx.state.config.password_min_len,
            suggestion: crate::web::suggestion(),
        }))
    })
    .await
}
