//! Reading the outbox for officers, and retrying dead letters.
use crate::audit::Change;
use crate::auth::Actor;
use crate::entities::outbox;
use crate::{AppState, DomainError, DomainResult};
use model::{OutboxPage, OutboxRow};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

pub async fn page(state: &AppState, status: &str) -> DomainResult<OutboxPage> {
    let mut q = outbox::Entity::find().order_by_desc(outbox::Column::Id).limit(100);
    if ["pending", "sending", "sent", "dead"].contains(&status) {
        q = q.filter(outbox::Column::Status.eq(status));
    }
    let demo = state.config.demo;
    let rows = q
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| OutboxRow {
            id: r.id,
            body: if demo { state.keys.open(&r.body_enc) } else { None },
            channel: r.channel,
            recipient: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            related: r.related,
            created_at: state.local_time(r.created_at),
            sent_at: r.sent_at.map(|t| state.local_time(t)),
        })
        .collect();
    let dead = outbox::Entity::find().filter(outbox::Column::Status.eq("dead")).count(&state.db).await?;
    let pending = outbox::Entity::find().filter(outbox::Column::Status.is_in(["pending", "sending"])).count(&state.db).await?;
    Ok(OutboxPage { demo, rows, dead, pending })
}

pub async fn retry(state: &AppState, actor: &Actor, id: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    if !super::outbox::retry(&*change, id, change.now()).await? {
        return Err(DomainError::NotFound);
    }
    change.log("outbox.retried", "outbox", id, json!({})).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}
