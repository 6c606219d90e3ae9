//! Keeping personal data no longer than needed: reset attempts and phone
//! proofs (with the client addresses they hold) go after
//! `retention_days`; uploads nobody claimed go after `upload_retention_hours`,
//! file and all unless another row still uses the same bytes. Run by every
//! instance's housekeeping; each delete is one statement, so two instances
//! never delete twice or half.
use crate::audit::{Change, Who};
use crate::entities::{attachment, phone_proof, reset_attempt};
use crate::{AppState, DomainResult};
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// What one run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub reset_attempts: u64,
    pub phone_proofs: u64,
    pub uploads: u64,
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
    let purged = Purged { reset_attempts, phone_proofs, uploads };
    if purged != Purged::default() {
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
        assert_eq!(purge(&state).await.unwrap(), Purged { reset_attempts: 0, phone_proofs: 0, uploads: 1 });
        assert!(!file.exists(), "the bytes go with the last row that used them");
        assert!(attachment::Entity::find_by_id(up.id).one(&state.db).await.unwrap().is_none());
        // after the retention period the attempt and the proof (and their addresses) go
        clock.advance(Duration::days(30));
        assert_eq!(purge(&state).await.unwrap(), Purged { reset_attempts: 1, phone_proofs: 1, uploads: 0 });
        assert_eq!(reset_attempt::Entity::find().count(&state.db).await.unwrap(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }
}
