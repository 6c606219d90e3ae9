//! Reading the outbox for officers, and retrying dead letters.
use crate::audit::Change;
use crate::auth::Actor;
use crate::entities::outbox;
use crate::{AppState, DomainError, DomainResult};
use model::{OutboxPage, OutboxQuery, OutboxRow, OutboxStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

/// Messages on one outbox page.
pub const PAGE_SIZE: u64 = 100;

pub async fn page(state: &AppState, query: &OutboxQuery) -> DomainResult<OutboxPage> {
    let mut q = outbox::Entity::find().order_by_desc(outbox::Column::Id);
    match query.status {
        // "waiting" is what people see: not yet sent, whether or not a dispatcher holds it now
        Some(OutboxStatus::Pending) => q = q.filter(outbox::Column::Status.is_in([OutboxStatus::Pending.as_str(), OutboxStatus::Sending.as_str()])),
        Some(s) => q = q.filter(outbox::Column::Status.eq(s.as_str())),
        None => {}
    }
    let who = recipient_pattern(&query.recipient);
    if !who.is_empty() {
        q = q.filter(outbox::Column::Recipient.contains(&who));
    }
    let pages = q.paginate(&state.db, PAGE_SIZE);
    let total = pages.num_items().await?;
    let demo = state.config.demo;
    let rows = pages
        .fetch_page(query.page)
        .await?
        .into_iter()
        .map(|r| OutboxRow {
            id: r.id,
            body: if demo { state.keys.open(&r.body_enc) } else { None },
            channel: r.channel,
            recipient: r.recipient,
            subject: r.subject,
            // only these four are ever written (outbox.rs)
            status: OutboxStatus::parse(&r.status).unwrap_or(OutboxStatus::Pending),
            attempts: r.attempts,
            last_error: r.last_error,
            related: r.related,
            created_at: state.local_time(r.created_at),
            sent_at: r.sent_at.map(|t| state.local_time(t)),
        })
        .collect();
    let dead = outbox::Entity::find().filter(outbox::Column::Status.eq("dead")).count(&state.db).await?;
    let pending = outbox::Entity::find().filter(outbox::Column::Status.is_in(["pending", "sending"])).count(&state.db).await?;
    Ok(OutboxPage { demo, rows, total, page_size: PAGE_SIZE, dead, pending })
}

/// What to look for in `recipient`: a phone number as people write it
/// (`0812-3456-7890`, `812 3456`) as the stored digits (`+62812…` holds
/// `812…`), anything else as typed, lower-cased.
pub fn recipient_pattern(input: &str) -> String {
    let t = input.trim();
    let phoneish = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || " -+().".contains(c));
    if !phoneish {
        return t.to_lowercase();
    }
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    // 0812… and 62812… are both +62812… in the outbox
    let national = digits.strip_prefix("62").or_else(|| digits.strip_prefix('0')).unwrap_or(&digits);
    national.to_string()
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

#[cfg(test)]
mod tests {
    use super::recipient_pattern;

    #[test]
    fn phone_numbers_are_found_as_people_write_them() {
        assert_eq!(recipient_pattern("0812-3456-7890"), "81234567890");
        assert_eq!(recipient_pattern("+62 812 3456"), "8123456");
        assert_eq!(recipient_pattern("7890"), "7890");
        assert_eq!(recipient_pattern(" Budi.Santoso@batam "), "budi.santoso@batam");
        assert_eq!(recipient_pattern(""), "");
    }
}
