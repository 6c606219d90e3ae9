//! The notification outbox: messages are written in the same transaction as
//! the change that causes them, then delivered by a background dispatcher.
use crate::crypto::Keys;
use crate::entities::outbox;
use chrono::{DateTime, Utc};
use sea_orm::{sea_query::OnConflict, ConnectionTrait, DbErr, EntityTrait, Set};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Telegram,
    Email,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Telegram => "telegram",
            Channel::Email => "email",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "sms" => Some(Channel::Sms),
            "telegram" => Some(Channel::Telegram),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }
}

/// A message to send.
#[derive(Clone, Debug)]
pub struct Message {
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// Unique per message: enqueueing the same key twice stores it once.
    pub key: String,
    /// What it is about, for the outbox page (`reset:12`, `request:SRL-2026-000001`).
    pub related: Option<String>,
}

/// Writes the message (body encrypted) into the outbox. Idempotent by `key`.
pub async fn enqueue<C: ConnectionTrait>(db: &C, keys: &Keys, msg: Message, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = outbox::ActiveModel {
        message_key: Set(msg.key),
        channel: Set(msg.channel.code().to_string()),
        recipient: Set(msg.recipient),
        subject: Set(msg.subject),
        body_enc: Set(keys.seal(&msg.body)),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        related: Set(msg.related),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    };
    outbox::Entity::insert(row).on_conflict(OnConflict::column(outbox::Column::MessageKey).do_nothing().to_owned()).do_nothing().exec(db).await?;
    Ok(())
}

// ---- Delivery -------------------------------------------------------------

use crate::entities::outbox::Model as Row;
use chrono::Duration;
use sea_orm::{sea_query::Expr, ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};

/// Attempts before a message becomes a dead letter.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed message is reserved for one dispatcher, unless
/// configured otherwise (`Config::outbox_lease`).
pub const DEFAULT_LEASE_SECS: i64 = 120;

/// Wait before attempt `n + 1`: 15 s, 30 s, 1 min, 2 min … at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 15i64.saturating_mul(1i64 << attempts.clamp(0, 20).saturating_sub(1).min(12));
    Duration::seconds(secs.min(3600))
}

fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Condition::all().add(outbox::Column::Status.eq("pending")).add(outbox::Column::NextAttemptAt.lte(now)))
        // a dispatcher that died mid-send: its lease ran out
        .add(Condition::all().add(outbox::Column::Status.eq("sending")).add(outbox::Column::LeaseUntil.lt(now)))
}

/// Reserves up to `limit` due messages for `owner` for `lease`. The condition
/// is repeated in the UPDATE, so of two instances racing for a row exactly
/// one gets it.
pub async fn claim<C: ConnectionTrait>(db: &C, owner: &str, now: DateTime<Utc>, limit: u64, lease: Duration) -> Result<Vec<Row>, DbErr> {
    let ids: Vec<i32> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(due(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let lease_until = now + lease;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sending"))
        .col_expr(outbox::Column::LeaseOwner, Expr::value(owner))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(lease_until))
        .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
        .filter(outbox::Column::Id.is_in(ids.clone()))
        .filter(due(now))
        .exec(db)
        .await?;
    outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(ids))
        .filter(outbox::Column::LeaseOwner.eq(owner))
        .filter(outbox::Column::Status.eq("sending"))
        .all(db)
        .await
}

/// Gives back the rows `owner` claimed and did not send (a dispatcher
/// stopping cleanly): due again at once for any instance, the claim's
/// attempt not counted.
pub async fn release<C: ConnectionTrait>(db: &C, owner: &str) -> Result<u64, DbErr> {
    Ok(outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("pending"))
        .col_expr(outbox::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).sub(1))
        .filter(outbox::Column::LeaseOwner.eq(owner))
        .filter(outbox::Column::Status.eq("sending"))
        .exec(db)
        .await?
        .rows_affected)
}

/// Records a delivery (only if this dispatcher still holds the lease).
pub async fn mark_sent<C: ConnectionTrait>(db: &C, id: i32, owner: &str, now: DateTime<Utc>, note: Option<String>) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sent"))
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LastError, Expr::value(note))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failure: retried later with backoff, or a dead letter after
/// [`MAX_ATTEMPTS`] (or at once when `permanent`).
pub async fn mark_failed<C: ConnectionTrait>(db: &C, row: &Row, owner: &str, now: DateTime<Utc>, error: &str, permanent: bool) -> Result<(), DbErr> {
    let dead = permanent || row.attempts >= MAX_ATTEMPTS;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(if dead { "dead" } else { "pending" }))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + backoff(row.attempts)))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Puts a dead letter back in the queue (an officer's "send again").
pub async fn retry<C: ConnectionTrait>(db: &C, id: i32, now: DateTime<Utc>) -> Result<bool, DbErr> {
    Ok(outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("pending"))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
        .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq("dead"))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Hides one-time codes and link tokens, for logs.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        flush_digits(&mut out, &mut digits);
        out.push(c);
    }
    flush_digits(&mut out, &mut digits);
    // Link tokens: keep the path, drop what follows the last slash of /aktivasi/ and similar.
    out.split(' ')
        .map(|w| if w.contains("://") && w.matches('/').count() > 3 { format!("{}/***", &w[..w.rfind('/').unwrap_or(w.len())]) } else { w.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

fn flush_digits(out: &mut String, digits: &mut String) {
    if digits.len() == 6 {
        out.push_str("******");
    } else {
        out.push_str(digits);
    }
    digits.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1), Duration::seconds(15));
        assert_eq!(backoff(2), Duration::seconds(30));
        assert_eq!(backoff(3), Duration::seconds(60));
        assert_eq!(backoff(30), Duration::seconds(3600));
    }

    #[test]
    fn redaction_hides_codes_and_tokens() {
        let r = redact("Kode Surel 123456 untuk x. Buka http://h:3000/aktivasi/abcDEF123 sekarang");
        assert!(!r.contains("123456"), "{r}");
        assert!(!r.contains("abcDEF123"), "{r}");
        assert!(r.contains("http://h:3000/aktivasi/***"), "{r}");
        assert_eq!(redact("+6281234567890"), "+6281234567890");
    }
}
