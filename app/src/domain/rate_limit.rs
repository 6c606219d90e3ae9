//! Rate limits kept in the database, so every instance counts the same hits.
//! Fixed windows: the counter for `key` in the window that contains "now".
use super::entities::rate_limit;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict, Query},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, StatementBuilder,
};

/// One limit: at most `max` hits per `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: i32,
    pub window: Duration,
}

impl Limit {
    pub const fn new(name: &'static str, max: i32, window_secs: i64) -> Self {
        Limit { name, max, window: Duration::seconds(window_secs) }
    }

    fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let w = self.window.num_seconds().max(1);
        DateTime::from_timestamp(now.timestamp().div_euclid(w) * w, 0).unwrap_or(now)
    }

    fn row_key(&self, subject: &str, now: DateTime<Utc>) -> String {
        format!("{}:{}:{}", self.name, subject, self.window_start(now).timestamp())
    }

    /// Seconds until this window ends.
    pub fn retry_after(&self, now: DateTime<Utc>) -> u64 {
        ((self.window_start(now) + self.window) - now).num_seconds().max(1) as u64
    }
}

/// Counts one hit and says whether it is still within the limit.
pub async fn hit<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    Ok(hit_count(db, limit, subject, now).await? <= limit.max)
}

/// Counts one hit and returns the count in this window.
pub async fn hit_count<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<i32, DbErr> {
    let key = limit.row_key(subject, now);
    let start = limit.window_start(now);
    let mut insert = Query::insert();
    insert
        .into_table(rate_limit::Entity)
        .columns([rate_limit::Column::Key, rate_limit::Column::WindowStart, rate_limit::Column::Count, rate_limit::Column::ExpiresAt])
        .values_panic([key.into(), start.into(), 1.into(), (start + limit.window).into()])
        .on_conflict(
            OnConflict::column(rate_limit::Column::Key)
                .value(rate_limit::Column::Count, Expr::col((rate_limit::Entity, rate_limit::Column::Count)).add(1))
                .to_owned(),
        )
        .returning_col(rate_limit::Column::Count);
    let row = db.query_one(StatementBuilder::build(&insert, &db.get_database_backend())).await?;
    Ok(row.map(|r| r.try_get::<i32>("", "count")).transpose()?.unwrap_or(1))
}

/// The count so far in this window, without counting a hit.
pub async fn peek<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<i32, DbErr> {
    Ok(rate_limit::Entity::find_by_id(limit.row_key(subject, now)).one(db).await?.map(|r| r.count).unwrap_or(0))
}

/// Whether the limit is already used up (without counting a hit).
pub async fn exhausted<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    Ok(peek(db, limit, subject, now).await? >= limit.max)
}

/// Forgets the count (after a successful sign-in, say).
pub async fn clear<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    rate_limit::Entity::delete_by_id(limit.row_key(subject, now)).exec(db).await?;
    Ok(())
}

/// Drops counters whose window has ended.
pub async fn purge_expired<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(rate_limit::Entity::delete_many().filter(rate_limit::Column::ExpiresAt.lt(now)).exec(db).await?.rows_affected)
}
