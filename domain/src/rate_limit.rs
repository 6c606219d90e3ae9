//! Rate limits kept in the database, so every instance counts the same hits.
//!
//! Two kinds, each one SQL statement that parallel requests cannot race:
//! - [`hit`]: fixed windows, the counter for `key` in the window that contains
//!   "now" (per-client limits, where an office behind one NAT address needs a
//!   budget that comes back every window);
//! - [`take`]: a ceiling that holds in *any* window of its length (per-account
//!   limits): a slot is taken only while fewer than `max` are taken, and the
//!   counter empties only after a whole window without a taken slot.
use crate::entities::rate_limit;
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
    let within = hit_count(db, limit, subject, now).await? <= limit.max;
    if !within {
        refused(limit);
    }
    Ok(within)
}

/// Counts a refusal for `/metrics` (`surel_rate_limit_refusals_total{limit}`).
fn refused(limit: &Limit) {
    metrics::counter!("surel_rate_limit_refusals_total", "limit" => limit.name).increment(1);
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

/// Takes one slot under a ceiling that holds over any `limit.window`: returns
/// the slot's number (1..=max), or `None` when the ceiling is reached. The
/// counter starts again only once a whole window has passed since the last
/// slot was taken (refused calls do not extend it), so no window of that
/// length ever holds more than `max` slots. One conditional upsert: 40
/// parallel calls get exactly `max` slots, on SQLite and PostgreSQL.
pub async fn take<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<Option<i32>, DbErr> {
    let key = format!("{}:{}", limit.name, subject);
    let until = now + limit.window;
    let col = |c: rate_limit::Column| Expr::col((rate_limit::Entity, c));
    let quiet = col(rate_limit::Column::ExpiresAt).lte(now);
    let mut insert = Query::insert();
    insert
        .into_table(rate_limit::Entity)
        .columns([rate_limit::Column::Key, rate_limit::Column::WindowStart, rate_limit::Column::Count, rate_limit::Column::ExpiresAt])
        .values_panic([key.into(), now.into(), 1.into(), until.into()])
        .on_conflict(
            OnConflict::column(rate_limit::Column::Key)
                .value(rate_limit::Column::Count, Expr::case(quiet.clone(), 1).finally(col(rate_limit::Column::Count).add(1)))
                .value(rate_limit::Column::WindowStart, now)
                .value(rate_limit::Column::ExpiresAt, until)
                .action_and_where(quiet.or(col(rate_limit::Column::Count).lt(limit.max)))
                .to_owned(),
        )
        .returning_col(rate_limit::Column::Count);
    let row = db.query_one(StatementBuilder::build(&insert, &db.get_database_backend())).await?;
    let slot = row.map(|r| r.try_get::<i32>("", "count")).transpose()?;
    if slot.is_none() {
        refused(limit);
    }
    Ok(slot)
}

/// Gives back a slot taken with [`take`] (the guarded thing turned out fine,
/// e.g. the right password), so only failures count.
pub async fn release<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str) -> Result<(), DbErr> {
    rate_limit::Entity::update_many()
        .col_expr(rate_limit::Column::Count, Expr::col(rate_limit::Column::Count).sub(1))
        .filter(rate_limit::Column::Key.eq(format!("{}:{}", limit.name, subject)))
        .filter(rate_limit::Column::Count.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets a ceiling's count (a full success, such as a completed sign-in).
pub async fn clear_ceiling<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str) -> Result<(), DbErr> {
    rate_limit::Entity::delete_by_id(format!("{}:{}", limit.name, subject)).exec(db).await?;
    Ok(())
}

/// Whether [`take`] would refuse now (without taking a slot).
pub async fn ceiling_reached<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let row = rate_limit::Entity::find_by_id(format!("{}:{}", limit.name, subject)).one(db).await?;
    Ok(row.is_some_and(|r| r.expires_at > now && r.count >= limit.max))
}

/// Seconds until a reached ceiling lets the next slot through.
pub async fn ceiling_retry_after<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let row = rate_limit::Entity::find_by_id(format!("{}:{}", limit.name, subject)).one(db).await?;
    Ok(row.map(|r| (r.expires_at - now).num_seconds().max(1) as u64).unwrap_or(1))
}

/// The key a client address is counted under: IPv4 as is, IPv6 by its /64
/// (one subscriber gets a whole /64 and can pick any address in it).
pub fn client_key(ip: Option<&str>) -> String {
    match ip.and_then(|s| s.parse::<std::net::IpAddr>().ok()) {
        Some(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Some(std::net::IpAddr::V4(v4)) => v4.to_string(),
        None => ip.map(str::to_string).unwrap_or_else(|| "unknown".into()),
    }
}

/// Gives back one hit counted with [`hit`] in this window.
pub async fn unhit<C: ConnectionTrait>(db: &C, limit: &Limit, subject: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    rate_limit::Entity::update_many()
        .col_expr(rate_limit::Column::Count, Expr::col(rate_limit::Column::Count).sub(1))
        .filter(rate_limit::Column::Key.eq(limit.row_key(subject, now)))
        .filter(rate_limit::Column::Count.gt(0))
        .exec(db)
        .await?;
    Ok(())
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

/// Drops counters whose window has ended (for [`take`]: a whole quiet window).
pub async fn purge_expired<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(rate_limit::Entity::delete_many().filter(rate_limit::Column::ExpiresAt.lt(now)).exec(db).await?.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> sea_orm::DatabaseConnection {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        db
    }

    const CEILING: Limit = Limit::new("test-ceiling", 3, 3600);

    #[tokio::test]
    async fn a_ceiling_holds_over_any_window_and_empties_after_a_quiet_one() {
        let db = db().await;
        let t0 = Utc::now();
        for n in 1..=3 {
            assert_eq!(take(&db, &CEILING, "a", t0 + Duration::minutes(n)).await.unwrap(), Some(n as i32));
        }
        // refused, and refusals do not extend the window
        assert_eq!(take(&db, &CEILING, "a", t0 + Duration::minutes(30)).await.unwrap(), None);
        assert!(ceiling_reached(&db, &CEILING, "a", t0 + Duration::minutes(30)).await.unwrap());
        // another subject is counted apart
        assert_eq!(take(&db, &CEILING, "b", t0).await.unwrap(), Some(1));
        // an hour after the last taken slot (t0+3min) the counter starts again
        assert_eq!(take(&db, &CEILING, "a", t0 + Duration::minutes(62)).await.unwrap(), None);
        assert_eq!(take(&db, &CEILING, "a", t0 + Duration::minutes(63)).await.unwrap(), Some(1));
        // a released slot can be taken again
        release(&db, &CEILING, "a").await.unwrap();
        assert_eq!(take(&db, &CEILING, "a", t0 + Duration::minutes(64)).await.unwrap(), Some(1));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(client_key(Some("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(client_key(Some("2001:db8:1:2:bbbb::9")), "2001:db8:1:2::/64");
        assert_eq!(client_key(Some("::ffff:203.0.113.9")), "203.0.113.9");
        assert_eq!(client_key(Some("203.0.113.9")), "203.0.113.9");
        assert_eq!(client_key(None), "unknown");
    }
}
