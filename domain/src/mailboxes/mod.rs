//! The officers' mailbox directory (`/admin/akun`): find a mailbox, see who
//! owns it and what happened to it, and change it (switch off and on, quota,
//! end date, aliases), each change with a reason, audited and told to the owner.
//!
//! Who sees what: [`Scope`]. Admin sistem, Petugas and Auditor see every
//! mailbox; a Kepala OPD sees the mailboxes of the units the role is granted
//! for; anyone else, and a mailbox outside the scope, gets "not found" (no
//! enumeration). Changing needs `model::access::MAILBOX_MANAGE`.
pub mod changes;
pub mod detail;
pub mod directory;
pub mod export;

use crate::auth::Actor;
use crate::entities::mailbox;
use crate::{DomainError, DomainResult};
use chrono::NaiveDate;
use model::{access, MailboxKind, MailboxStatus, Role};

/// The requests that touched mailbox `m`: made by it, naming it in their
/// data (JSON, quoted), or the SIMPEG collective request whose batch row
/// created it. Newest first.
pub fn requests_touching(m: &mailbox::Model) -> sea_orm::Select<crate::entities::request::Entity> {
    use crate::entities::{request, simpeg_batch, simpeg_row};
    use sea_orm::sea_query::Query;
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
    let rows = Query::select().column(simpeg_row::Column::BatchId).from(simpeg_row::Entity).and_where(simpeg_row::Column::MailboxId.eq(m.id)).to_owned();
    let batches = Query::select()
        .column(simpeg_batch::Column::RequestId)
        .from(simpeg_batch::Entity)
        .and_where(simpeg_batch::Column::Id.in_subquery(rows))
        .and_where(simpeg_batch::Column::RequestId.is_not_null())
        .to_owned();
    request::Entity::find()
        .filter(
            Condition::any()
                .add(request::Column::ApplicantMailboxId.eq(m.id))
                .add(request::Column::Payload.contains(format!("\"{}\"", m.address)))
                .add(request::Column::Id.in_subquery(batches)),
        )
        .order_by_desc(request::Column::Id)
}

/// The mailboxes an actor may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(Vec<i32>),
}

impl Scope {
    pub fn of(actor: &Actor) -> DomainResult<Scope> {
        if actor.has_any(&[Role::Admin, Role::Petugas, Role::Auditor]) {
            return Ok(Scope::All);
        }
        if actor.has_any(access::MAILBOX_VIEW) {
            let units: Vec<i32> = actor.units_for(Role::KepalaOpd).into_iter().flatten().collect();
            return Ok(Scope::Units(units));
        }
        Err(DomainError::Forbidden)
    }

    pub fn covers(&self, unit_id: Option<i32>) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(units) => unit_id.is_some_and(|u| units.contains(&u)),
        }
    }
}

/// The stored kind; older rows only ever hold these four.
pub fn kind_of(m: &mailbox::Model) -> MailboxKind {
    MailboxKind::parse(&m.kind).unwrap_or(MailboxKind::Personal)
}

/// A mailbox listed for deletion: switched off, and marked by the
/// housekeeping once its retention period was over (`retention`).
pub(crate) fn listed_for_deletion() -> sea_orm::Condition {
    use sea_orm::ColumnTrait;
    sea_orm::Condition::all().add(mailbox::Column::Status.eq("disabled")).add(mailbox::Column::MarkedForDeletionAt.is_not_null())
}

/// Postfix delivers to it now (the rule of the `postfix_*` views): a
/// forward to a mailbox that is not is kept but carries nothing.
pub fn delivering(m: &mailbox::Model, today: NaiveDate) -> bool {
    matches!(status_of(m, today), MailboxStatus::Active | MailboxStatus::Pending)
}

/// Only these kinds forward: a unit's mail goes to the people who answer it;
/// a person's own mail stays theirs.
pub fn forwards(kind: MailboxKind) -> bool {
    kind != MailboxKind::Personal
}

/// Where a mailbox stands on `today` (local date): past its end date it is
/// expired, whatever is stored, because the mail server refuses it then.
pub fn status_of(m: &mailbox::Model, today: NaiveDate) -> MailboxStatus {
    match m.status.as_str() {
        "deleted" => MailboxStatus::Deleted,
        "disabled" if m.marked_for_deletion_at.is_some() => MailboxStatus::MarkedForDeletion,
        "disabled" => MailboxStatus::Disabled,
        _ if m.ends_on.is_some_and(|d| d < today) => MailboxStatus::Expired,
        "active" => MailboxStatus::Active,
        _ => MailboxStatus::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn mb(status: &str, ends_on: Option<NaiveDate>) -> mailbox::Model {
        mailbox::Model {
            id: 1,
            address: "a@b.go.id".into(),
            local_part: "a".into(),
            domain_id: 1,
            kind: "event".into(),
            display_name: "A".into(),
            person_id: None,
            unit_id: Some(3),
            reset_phone: None,
            status: status.into(),
            status_reason: None,
            status_changed_at: None,
            marked_for_deletion_at: None,
            quota_mb: 1024,
            ends_on,
            password_hash: None,
            password_changed_at: None,
            ui_locale: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn status_follows_the_end_date() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let yesterday = today.pred_opt();
        assert_eq!(status_of(&mb("active", None), today), MailboxStatus::Active);
        assert_eq!(status_of(&mb("active", Some(today)), today), MailboxStatus::Active, "the end date is the last day");
        assert_eq!(status_of(&mb("active", yesterday), today), MailboxStatus::Expired);
        assert_eq!(status_of(&mb("pending", yesterday), today), MailboxStatus::Expired);
        assert_eq!(status_of(&mb("pending", None), today), MailboxStatus::Pending);
        assert_eq!(status_of(&mb("disabled", yesterday), today), MailboxStatus::Disabled, "switched off says so, not expired");
        let marked = mailbox::Model { marked_for_deletion_at: Some(Utc::now()), ..mb("disabled", None) };
        assert_eq!(status_of(&marked, today), MailboxStatus::MarkedForDeletion);
        assert_eq!(status_of(&mb("deleted", yesterday), today), MailboxStatus::Deleted, "a tombstone is never expired");
    }

    #[test]
    fn a_unit_scope_covers_its_units_only() {
        assert!(Scope::All.covers(None));
        let s = Scope::Units(vec![3]);
        assert!(s.covers(Some(3)));
        assert!(!s.covers(Some(4)));
        assert!(!s.covers(None));
    }
}
