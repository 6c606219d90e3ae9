//! Reading the audit log: pages, filters and the verdict of the last chain
//! check (made hourly by every instance and by `surel audit verify`; a page
//! view does not re-hash the whole chain).
use crate::entities::{audit_entry, audit_head};
use crate::{AppState, DomainResult};
use model::{AuditPage, AuditRow};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// One entry as the log shows it.
pub(crate) fn row(state: &AppState, r: audit_entry::Model) -> AuditRow {
    AuditRow {
        id: r.id as i64,
        at: r.at.to_rfc3339(),
        at_local: state.local_time(r.at),
        actor: r.actor_label,
        action: r.action,
        target: match r.target_id {
            Some(id) => format!("{} #{id}", r.target_type),
            None => r.target_type,
        },
        details: r.details,
        ip: r.ip,
    }
}

pub async fn page(state: &AppState, page: u64, query: &str, size: u64) -> DomainResult<AuditPage> {
    let mut q = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id);
    let query = query.trim();
    if !query.is_empty() {
        q = q.filter(
            Condition::any()
                .add(audit_entry::Column::Action.contains(query))
                .add(audit_entry::Column::ActorLabel.contains(query))
                .add(audit_entry::Column::TargetId.eq(query)),
        );
    }
    let pages = q.paginate(&state.db, size);
    let total = pages.num_items().await?;
    let rows = pages.fetch_page(page).await?.into_iter().map(|r| row(state, r)).collect();
    let head = audit_head::Entity::find_by_id(1).one(&state.db).await?;
    let verified_at = head.as_ref().and_then(|h| h.verified_at);
    Ok(AuditPage {
        rows,
        total,
        chain_ok: head.as_ref().is_some_and(|h| h.verified_broken_at.is_none()),
        chain_checked: head.as_ref().map(|h| h.verified_rows as u64).unwrap_or(0),
        chain_verified_at: verified_at.map(|t| state.local_time(t)),
        chain_broken_at: head.and_then(|h| h.verified_broken_at),
    })
}
