//! Keeping personal data no longer than needed: reset attempts and phone
//! proofs (with the client addresses they hold) go after
//! `retention_days`; uploads nobody claimed go after `upload_retention_hours`,
//! file and all unless another row still uses the same bytes. Run by every
//! instance's housekeeping; each delete is one statement, so two instances
//! never delete twice or half. Mailboxes switched off for longer than
//! `disabled_retention_days` are only *marked* for deletion: an officer
//! confirms or keeps each one (`mailboxes::changes`).
use crate::audit::{Change, Who};
use crate::entities::{attachment, mailbox, phone_proof, reset_attempt};
use crate::{AppState, DomainResult};
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde_json::json;

/// What one run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub reset_attempts: u64,
    pub phone_proofs: u64,
    pub uploads: u64,
    pub mailboxes_marked: u64,
}

pub async fn purge(state: &AppState) -> DomainResult<Purged> {
    let now = state.now();
    let cutoff = now - Duration::days(state.config.retention_days as i64);
    let reset_attempts = reset_attempt::Entity::delete_many().filter(reset_attempt::Column::CreatedAt.lt(cutoff)).exec(&state.db).await?.rows_affected;
    let phone_proofs = phone_proof::Entity::delete_many().filter(phone_proof::Column::CreatedAt.lt(cutoff)).exec(&state.db).await?.rows_affected;
    let stale = attachment::Entity::find()
        .filter(attachment::Column::RequestId.is_null())
        .filter(attachment::Column::CreatedAt.lt(now - Duration::hours(state.config.upload_retention_hours as i64)))
        .all(&state.db)
        .await?;
    let mut uploads = 0;
    for a in stale {
        // Conditional on still being unclaimed: a request claiming it right now wins.
        let gone = attachment::Entity::delete_many()
            .filter(attachment::Column::Id.eq(a.id))
            .filter(attachment::Column::RequestId.is_null())
            .exec(&state.db)
            .await?
            .rows_affected;
        if gone == 0 {
            continue;
        }
        uploads += 1;
        let shared = attachment::Entity::find().filter(attachment::Column::Sha256.eq(&a.sha256)).count(&state.db).await?;
        if shared == 0 {
            let _ = tokio::fs::remove_file(super::attachments::path_for(state, &a.sha256)).await;
        }
    }
    let mailboxes_marked = mark_disabled_mailboxes(state).await?;
    let purged = Purged { reset_attempts, phone_proofs, uploads, mailboxes_marked };
    if (Purged { mailboxes_marked: 0, ..purged }) != Purged::default() {
        let mut change = Change::begin(state, Who::system("retention")).await?;
        change
            .log(
                "retention.purged",
                "retention",
                "",
                json!({ "reset_attempts": reset_attempts, "phone_proofs": phone_proofs, "uploads": uploads, "days": state.config.retention_days }),
            )
            .await?;
        change.commit().await?;
    }
    Ok(purged)
}

/// Lists for deletion the mailboxes switched off for longer than
/// `disabled_retention_days`, each one audited. Conditional on still being
/// switched off and unmarked: an officer enabling it meanwhile wins, and two
/// instances never mark (or audit) one twice.
async fn mark_disabled_mailboxes(state: &AppState) -> DomainResult<u64> {
    let now = state.now();
    let cutoff = now - Duration::days(state.config.disabled_retention_days as i64);
    let due = |q: sea_orm::Select<mailbox::Entity>| {
        q.filter(mailbox::Column::Status.eq("disabled"))
            .filter(mailbox::Column::MarkedForDeletionAt.is_null())
            .filter(mailbox::Column::StatusChangedAt.lt(cutoff))
    };
    let candidates: Vec<(i32, String)> =
        due(mailbox::Entity::find()).select_only().column(mailbox::Column::Id).column(mailbox::Column::Address).limit(500).into_tuple().all(&state.db).await?;
    let mut marked = 0;
    for (id, address) in candidates {
        let mut change = Change::begin(state, Who::system("retention")).await?;
        let n = mailbox::Entity::update_many()
            .col_expr(mailbox::Column::MarkedForDeletionAt, Expr::value(now))
            .filter(mailbox::Column::Id.eq(id))
            .filter(mailbox::Column::Status.eq("disabled"))
            .filter(mailbox::Column::MarkedForDeletionAt.is_null())
            .filter(mailbox::Column::StatusChangedAt.lt(cutoff))
            .exec(&*change)
            .await?
            .rows_affected;
        if n == 1 {
            change.log("mailbox.marked_for_deletion", "mailbox", id, json!({ "address": address, "days": state.config.disabled_retention_days })).await?;
            change.commit().await?;
            marked += 1;
        }
    }
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::state_with_clock;

    #[tokio::test]
    async fn old_attempts_proofs_and_unclaimed_uploads_go() {
        let (mut state, clock) = state_with_clock().await;
        let dir = std::env::temp_dir().join(format!("surel-retention-{}", crate::crypto::random_token()));
        std::sync::Arc::make_mut(&mut state.config).data_dir = dir.clone();
        crate::reset::start(&state, "yusuf.hakim@batam.go.id", Some("203.0.113.5".into())).await.unwrap();
        crate::phone_proof::send(
            &state,
            crate::phone_proof::Purpose::Apply,
            "+6281277770009",
            Some("+6281277770009"),
            |c| format!("kode {c}"),
            Some("203.0.113.5".into()),
        )
        .await
        .unwrap();
        let png: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'r'];
        let up = crate::attachments::store(&state, None, "formulir", "f.png", png).await.unwrap();
        let file = crate::attachments::path_for(&state, &crate::crypto::sha256_hex(png));
        assert!(file.exists());
        // a day later: the upload goes, the attempt and the proof stay
        clock.advance(Duration::hours(25));
        assert_eq!(purge(&state).await.unwrap(), Purged { uploads: 1, ..Purged::default() });
        assert!(!file.exists(), "the bytes go with the last row that used them");
        assert!(attachment::Entity::find_by_id(up.id).one(&state.db).await.unwrap().is_none());
        // after the retention period the attempt and the proof (and their addresses) go
        clock.advance(Duration::days(30));
        assert_eq!(purge(&state).await.unwrap(), Purged { reset_attempts: 1, phone_proofs: 1, ..Purged::default() });
        assert_eq!(reset_attempt::Entity::find().count(&state.db).await.unwrap(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn switched_off_mailboxes_wait_for_a_person_then_go() {
        use crate::entities::{alias, audit_entry};
        use crate::mailboxes::{changes::apply, status_of};
        use crate::DomainError;
        use model::{ErrorCode, MailboxChange, MailboxChangeInput, MailboxStatus};
        let (state, clock) = state_with_clock().await;
        let petugas = crate::testing::staff_actor(&state, "budi.santoso@batam.go.id").await;
        let find = || async { mailbox::Entity::find().filter(mailbox::Column::Address.eq("yusuf.hakim@batam.go.id")).one(&state.db).await.unwrap().unwrap() };
        let id = find().await.id;
        let change = |c| MailboxChangeInput { mailbox_id: id, change: c, reason: "Pensiun per 1 Desember".into() };
        let refused = |r: crate::DomainResult<()>| match r {
            Err(DomainError::Conflict { code, .. }) => code,
            other => panic!("expected a conflict, got {other:?}"),
        };
        apply(&state, &petugas, change(MailboxChange::AddAlias { address: "yusuf.lama".into() })).await.unwrap();
        apply(&state, &petugas, change(MailboxChange::Disable)).await.unwrap();
        let status = || async { status_of(&find().await, state.local_date()) };

        // within the retention period nothing is listed, and nothing can be deleted
        clock.advance(Duration::days(179));
        assert_eq!(purge(&state).await.unwrap().mailboxes_marked, 0);
        assert_eq!(refused(apply(&state, &petugas, change(MailboxChange::ConfirmDeletion)).await), ErrorCode::MailboxNotMarked);
        // past it: listed once (two housekeeping rounds mark it once)
        clock.advance(Duration::days(2));
        assert_eq!(purge(&state).await.unwrap().mailboxes_marked, 1);
        assert_eq!(purge(&state).await.unwrap().mailboxes_marked, 0);
        assert_eq!(status().await, MailboxStatus::MarkedForDeletion);
        assert!(find().await.password_hash.is_some(), "marking deletes nothing");

        // kept: switched off, and a whole new period before it is listed again
        apply(&state, &petugas, change(MailboxChange::KeepDisabled)).await.unwrap();
        assert_eq!(status().await, MailboxStatus::Disabled);
        clock.advance(Duration::days(179));
        assert_eq!(purge(&state).await.unwrap().mailboxes_marked, 0);
        clock.advance(Duration::days(2));
        assert_eq!(purge(&state).await.unwrap().mailboxes_marked, 1);

        // confirmed: a tombstone that keeps the address taken; the secrets and aliases go
        apply(&state, &petugas, change(MailboxChange::ConfirmDeletion)).await.unwrap();
        let gone = find().await;
        assert_eq!(status_of(&gone, state.local_date()), MailboxStatus::Deleted);
        assert!(gone.password_hash.is_none() && gone.reset_phone.is_none());
        assert_eq!(alias::Entity::find().filter(alias::Column::MailboxId.eq(id)).count(&state.db).await.unwrap(), 0);
        assert!(crate::accounts::is_taken(&state.db, "yusuf.hakim@batam.go.id").await.unwrap(), "never handed to someone else");
        assert!(!crate::accounts::is_taken(&state.db, "yusuf.lama@batam.go.id").await.unwrap(), "its aliases are free again");
        assert_eq!(refused(apply(&state, &petugas, change(MailboxChange::Enable)).await), ErrorCode::MailboxDeleted);
        assert_eq!(purge(&state).await.unwrap().mailboxes_marked, 0);

        let actions: Vec<String> = audit_entry::Entity::find()
            .filter(audit_entry::Column::TargetId.eq(id.to_string()))
            .all(&state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .filter(|a| a.starts_with("mailbox.") && a != "mailbox.alias_added")
            .collect();
        let expected = ["mailbox.disabled", "mailbox.marked_for_deletion", "mailbox.kept", "mailbox.marked_for_deletion", "mailbox.deleted"].map(String::from);
        assert!(actions.ends_with(&expected), "{actions:?}");
        assert_eq!(crate::audit::verify_chain(&state.db, &state.keys).await.unwrap().broken_at, None);
    }
}
