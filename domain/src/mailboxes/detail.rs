//! A mailbox's page: owner, state and reason, quota, end date, aliases, the
//! masked reset phone, activation, sessions, the requests that touched it and
//! its audit entries.
use super::{kind_of, status_of, Scope};
use crate::auth::Actor;
use crate::entities::{alias, audit_entry, mailbox, mailbox_forward, person, session, unit};
use crate::{AppState, DomainError, DomainResult};
use model::validation::phone::mask_phone;
use model::{access, AliasRow, ForwardRow, MailboxDetail};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Audit entries and requests shown on the page (newest first).
const HISTORY: u64 = 50;

/// The mailbox if the actor may see it; "not found" otherwise, so an
/// address outside the scope cannot be told from one that does not exist.
pub async fn visible(state: &AppState, actor: &Actor, id: i32) -> DomainResult<mailbox::Model> {
    let scope = Scope::of(actor)?;
    match mailbox::Entity::find_by_id(id).one(&state.db).await? {
        Some(m) if scope.covers(m.unit_id) => Ok(m),
        _ => Err(DomainError::NotFound),
    }
}

pub async fn detail(state: &AppState, actor: &Actor, id: i32) -> DomainResult<MailboxDetail> {
    let m = visible(state, actor, id).await?;
    let db = &state.db;
    let owner = match m.person_id {
        Some(p) => person::Entity::find_by_id(p).one(db).await?,
        None => None,
    };
    let unit = match m.unit_id {
        Some(u) => unit::Entity::find_by_id(u).one(db).await?.map(|u| u.name),
        None => None,
    };
    let aliases = alias::Entity::find()
        .filter(alias::Column::MailboxId.eq(m.id))
        .order_by_asc(alias::Column::Address)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AliasRow { id: a.id, address: a.address })
        .collect();
    let forwards: Vec<mailbox_forward::Model> = mailbox_forward::Entity::find()
        .filter(Condition::any().add(mailbox_forward::Column::MailboxId.eq(m.id)).add(mailbox_forward::Column::TargetId.eq(m.id)))
        .all(db)
        .await?;
    let others: HashMap<i32, mailbox::Model> = mailbox::Entity::find()
        .filter(mailbox::Column::Id.is_in(forwards.iter().map(|f| if f.mailbox_id == m.id { f.target_id } else { f.mailbox_id })))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let today = state.local_date();
    let mut forwarded_from: Vec<String> = Vec::new();
    let mut forwards_to: Vec<ForwardRow> = Vec::new();
    for f in &forwards {
        match (f.mailbox_id == m.id, others.get(&f.target_id), others.get(&f.mailbox_id)) {
            (true, Some(t), _) => forwards_to.push(ForwardRow { id: f.id, address: t.address.clone(), delivering: super::delivering(t, today) }),
            (false, _, Some(from)) => forwarded_from.push(from.address.clone()),
            _ => {}
        }
    }
    forwards_to.sort_by(|a, b| a.address.cmp(&b.address));
    forwarded_from.sort();
    let now = state.now();
    let sessions = session::Entity::find()
        .filter(session::Column::MailboxId.eq(m.id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .count(db)
        .await?;
    // Requests name the mailbox they are about in their data (JSON, quoted).
    let requests = super::requests_touching(&m).limit(HISTORY).all(db).await?.iter().map(|r| crate::requests::view::row(state, r)).collect();
    let audit = audit_entry::Entity::find()
        .filter(audit_entry::Column::TargetType.eq("mailbox"))
        .filter(audit_entry::Column::TargetId.is_in([m.id.to_string(), m.address.clone()]))
        .order_by_desc(audit_entry::Column::Id)
        .limit(HISTORY)
        .all(db)
        .await?
        .into_iter()
        .map(|r| crate::audit_view::row(state, r))
        .collect();
    Ok(MailboxDetail {
        id: m.id,
        kind: kind_of(&m),
        status: status_of(&m, state.local_date()),
        status_reason: m.status_reason.clone(),
        status_changed_at: m.status_changed_at.map(|t| state.local_time(t)),
        person: owner.as_ref().map(|p| p.name.clone()),
        nip: owner.and_then(|p| p.nip),
        unit,
        quota_mb: m.quota_mb,
        ends_on: m.ends_on.map(|d| d.format("%Y-%m-%d").to_string()),
        aliases,
        forwards: forwards_to,
        forwarded_from,
        can_forward: super::forwards(kind_of(&m)),
        reset_phone_masked: m.reset_phone.as_deref().map(mask_phone),
        activated: m.password_hash.is_some(),
        password_changed_at: m.password_changed_at.map(|t| state.local_time(t)),
        sessions,
        created_at: state.local_time(m.created_at),
        requests,
        audit,
        // a deleted mailbox is a record only
        can_manage: actor.has_any(access::MAILBOX_MANAGE) && m.status != "deleted",
        address: m.address,
        name: m.display_name,
    })
}
