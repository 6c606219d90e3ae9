//! What an operator watches: the queue and batch figures `/metrics` shows,
//! read from the database at scrape time (so every instance reports the same
//! shared state, whichever one Prometheus asks).
use crate::entities::{outbox, simpeg_batch as batch, simpeg_row as row};
use chrono::{DateTime, Utc};
use model::{BatchStatus, RowStatus};
use sea_orm::{
    sea_query::{Expr, Query},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

/// The shared work waiting, at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Backlog {
    /// Messages not delivered yet (waiting, being sent or waiting to retry).
    pub outbox_queued: u64,
    /// Age of the oldest of those, in seconds (0 when none).
    pub outbox_oldest_secs: f64,
    /// Messages given up on (an officer may send them again).
    pub outbox_dead: u64,
    /// SIMPEG batches submitted and not finished.
    pub simpeg_batches_running: u64,
    /// Their rows not worked yet.
    pub simpeg_rows_pending: u64,
}

pub async fn backlog<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<Backlog, DbErr> {
    let waiting = || outbox::Entity::find().filter(outbox::Column::Status.is_in(["pending", "sending"]));
    let outbox_queued = waiting().count(db).await?;
    let oldest: Option<DateTime<Utc>> =
        waiting().select_only().column_as(outbox::Column::CreatedAt.min(), "oldest").into_tuple::<Option<DateTime<Utc>>>().one(db).await?.flatten();
    let outbox_dead = outbox::Entity::find().filter(outbox::Column::Status.eq("dead")).count(db).await?;
    let running =
        || Query::select().column(batch::Column::Id).from(batch::Entity).and_where(Expr::col(batch::Column::Status).eq(BatchStatus::Submitted)).to_owned();
    let simpeg_batches_running = batch::Entity::find().filter(batch::Column::Status.eq(BatchStatus::Submitted)).count(db).await?;
    let simpeg_rows_pending =
        row::Entity::find().filter(row::Column::Status.eq(RowStatus::Pending)).filter(row::Column::BatchId.in_subquery(running())).count(db).await?;
    Ok(Backlog {
        outbox_queued,
        outbox_oldest_secs: oldest.map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0).unwrap_or(0.0),
        outbox_dead,
        simpeg_batches_running,
        simpeg_rows_pending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Change, Who};

    fn lease() -> chrono::Duration {
        chrono::Duration::seconds(crate::outbox::DEFAULT_LEASE_SECS)
    }

    #[tokio::test]
    async fn a_queued_message_counts_with_its_age_and_a_sent_one_does_not() {
        let (state, _clock) = crate::testing::state_with_clock().await;
        let now = state.now();
        let before = backlog(&state.db, now).await.unwrap();
        let change = Change::begin(&state, Who::system("ops-test")).await.unwrap();
        crate::notify::send(&state, &change, crate::outbox::Channel::Sms, "+6281200000001", None, "uji".into(), "ops-test".into(), None).await.unwrap();
        change.commit().await.unwrap();
        let later = now + chrono::Duration::seconds(90);
        let b = backlog(&state.db, later).await.unwrap();
        assert_eq!((b.outbox_queued, b.outbox_dead), (before.outbox_queued + 1, before.outbox_dead));
        assert!(b.outbox_oldest_secs >= 89.0, "{b:?}");
        // delivered: no longer waiting
        let claimed = crate::outbox::claim(&state.db, "ops-test", later, 1000, lease()).await.unwrap();
        for r in &claimed {
            crate::outbox::mark_sent(&state.db, r.id, "ops-test", later, None).await.unwrap();
        }
        assert_eq!(backlog(&state.db, later).await.unwrap().outbox_queued, 0);
    }

    #[tokio::test]
    async fn a_stopping_dispatcher_gives_its_claimed_rows_back() {
        let (state, _clock) = crate::testing::state_with_clock().await;
        let change = Change::begin(&state, Who::system("ops-test")).await.unwrap();
        for n in 0..3 {
            crate::notify::send(&state, &change, crate::outbox::Channel::Sms, "+6281200000001", None, "uji".into(), format!("release-{n}"), None)
                .await
                .unwrap();
        }
        change.commit().await.unwrap();
        let now = state.now();
        let claimed = crate::outbox::claim(&state.db, "a", now, 1000, lease()).await.unwrap();
        assert!(claimed.len() >= 3);
        assert!(crate::outbox::claim(&state.db, "b", now, 1000, lease()).await.unwrap().is_empty(), "leased to a");
        assert_eq!(crate::outbox::release(&state.db, "a").await.unwrap(), claimed.len() as u64);
        let again = crate::outbox::claim(&state.db, "b", now, 1000, lease()).await.unwrap();
        assert_eq!(again.len(), claimed.len(), "due again at once for another instance");
        assert!(again.iter().zip(&claimed).all(|(x, y)| x.attempts == y.attempts), "the given-back claim is not counted as an attempt");
    }
}
