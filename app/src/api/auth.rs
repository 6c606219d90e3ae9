//! Who am I, my sessions. (Sign-in and sign-out are plain form posts: see server/src/forms.)
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{Me, SessionRow};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[server(prefix = "/api", endpoint = "me", input = Json)]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let cx = super::ctx::cx().map_err(super::ctx::fail)?;
    Ok(cx.actor.map(|a| a.to_me()))
}

#[server(prefix = "/api", endpoint = "sessions/list", input = Json)]
pub async fn list_my_sessions() -> Result<Vec<SessionRow>, AppError> {
    super::ctx::run(ListMySessions::PATH, |cx| async move {
        let actor = cx.actor()?;
        let rows = domain::sessions::list_live(&cx.state, actor.mailbox_id).await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionRow {
                id: s.id,
                created_at: s.created_at.to_rfc3339(),
                last_seen_at: s.last_seen_at.to_rfc3339(),
                last_seen_local: cx.state.local_time(s.last_seen_at),
                ip: s.ip,
                user_agent: s.user_agent,
                current: s.id == actor.session_id,
            })
            .collect())
    })
    .await
}

#[server(prefix = "/api", endpoint = "sessions/end", input = Json)]
pub async fn end_session(id: i32) -> Result<(), AppError> {
    super::ctx::run(EndSession::PATH, |cx| async move { domain::auth::end_own_session(&cx.state, cx.actor()?, id).await }).await
}

/// Ends every session of the signed-in staff member, this one included.
#[server(prefix = "/api", endpoint = "sessions/end-all", input = Json)]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    super::ctx::run(SignOutEverywhere::PATH, |cx| async move { domain::auth::sign_out(&cx.state, cx.actor()?, true).await }).await
}
