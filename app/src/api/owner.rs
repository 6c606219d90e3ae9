//! The owner's page data (`/akun`). The steps are plain form posts to
//! `/akun` (server/src/forms/owner.rs), so the page works without JavaScript.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::OwnerPage;
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// The signed-in owner's page, or `None` (the page shows the sign-in form).
#[server(prefix = "/api", endpoint = "owner/page", input = Json)]
pub async fn my_account() -> Result<Option<OwnerPage>, AppError> {
    super::ctx::run(MyAccount::PATH, |cx| async move {
        let token =
            use_context::<http::request::Parts>().and_then(|p| domain::cookies::read(&p.headers, domain::cookies::OWNER, cx.state.config.secure_cookies()));
        let owner = match token {
            Some(t) => domain::owner::lookup(&cx.state, &t).await?,
            None => None,
        };
        match owner {
            Some(o) => Ok(Some(domain::owner::page(&cx.state, &o).await?)),
            None => Ok(None),
        }
    })
    .await
}
