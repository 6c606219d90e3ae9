//! The audit log: append-only, each row chained to the previous row's hash.
//! The hash is an HMAC keyed from the server secret, so someone who can write
//! to the database but does not hold the secret cannot rewrite the chain.
//!
//! Every change goes through [`Change`]: a transaction that first takes the
//! chain's head row (an UPDATE, so it holds the write lock on SQLite and a row
//! lock on PostgreSQL), then writes the change and its audit rows, then moves
//! the head. Two writers, even on two instances, therefore never fork the chain.
use crate::crypto::Keys;
use crate::entities::{audit_entry, audit_head};
use crate::AppState;
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::Value;
use std::ops::Deref;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// `audit_head.scheme` of a chain hashed with the server key.
pub const SCHEME_KEYED: i32 = 1;

/// Who made a change, as the audit log records it.
#[derive(Clone, Debug)]
pub struct Who {
    pub mailbox_id: Option<i32>,
    pub label: String,
    pub ip: Option<String>,
}

impl Who {
    pub fn system(label: &str) -> Self {
        Who { mailbox_id: None, label: format!("system:{label}"), ip: None }
    }
    pub fn staff(mailbox_id: i32, address: &str, ip: Option<String>) -> Self {
        Who { mailbox_id: Some(mailbox_id), label: address.to_string(), ip }
    }
    pub fn public(label: impl Into<String>, ip: Option<String>) -> Self {
        Who { mailbox_id: None, label: label.into(), ip }
    }
}

/// An audited change in progress. Derefs to the transaction for queries.
pub struct Change {
    txn: DatabaseTransaction,
    keys: Keys,
    last_id: i64,
    last_hash: String,
    who: Who,
    now: DateTime<Utc>,
}

impl Deref for Change {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

/// The canonical form of one row given the previous row's hash (ids are not
/// hashed: PostgreSQL sequences may skip numbers).
#[allow(clippy::too_many_arguments)]
fn canonical(
    prev_hash: &str,
    at: &DateTime<Utc>,
    actor_id: Option<i32>,
    actor: &str,
    action: &str,
    target_type: &str,
    target_id: Option<&str>,
    details: &str,
    ip: Option<&str>,
) -> String {
    serde_json::json!([prev_hash, at.to_rfc3339_opts(SecondsFormat::Micros, true), actor_id, actor, action, target_type, target_id, details, ip]).to_string()
}

/// The keyed hash of one row.
#[allow(clippy::too_many_arguments)]
pub fn row_hash(
    keys: &Keys,
    prev_hash: &str,
    at: &DateTime<Utc>,
    actor_id: Option<i32>,
    actor: &str,
    action: &str,
    target_type: &str,
    target_id: Option<&str>,
    details: &str,
    ip: Option<&str>,
) -> String {
    keys.audit_mac(canonical(prev_hash, at, actor_id, actor, action, target_type, target_id, details, ip).as_bytes())
}

fn entry_hash(keys: &Keys, prev: &str, r: &audit_entry::Model) -> String {
    row_hash(keys, prev, &r.at, r.actor_mailbox_id, &r.actor_label, &r.action, &r.target_type, r.target_id.as_deref(), &r.details, r.ip.as_deref())
}

/// The plain SHA-256 of chains written before keyed hashing.
fn legacy_hash(prev: &str, r: &audit_entry::Model) -> String {
    super::crypto::sha256_hex(
        canonical(prev, &r.at, r.actor_mailbox_id, &r.actor_label, &r.action, &r.target_type, r.target_id.as_deref(), &r.details, r.ip.as_deref()).as_bytes(),
    )
}

impl Change {
    pub async fn begin(state: &AppState, who: Who) -> Result<Change, DbErr> {
        Self::begin_on(&state.db, &state.keys, who, state.now()).await
    }

    pub async fn begin_on(db: &DatabaseConnection, keys: &Keys, who: Who, now: DateTime<Utc>) -> Result<Change, DbErr> {
        let txn = db.begin().await?;
        // Take the lock and read the head in one statement (RETURNING): every
        // round trip from here to the commit is one that all other writers
        // wait for.
        let head = audit_head::Entity::update_many()
            .col_expr(audit_head::Column::UpdatedAt, Expr::value(now))
            .filter(audit_head::Column::Id.eq(1))
            .exec_with_returning(&txn)
            .await?
            .pop()
            .ok_or_else(|| DbErr::Custom("audit head missing: run `surel migrate`".into()))?;
        Ok(Change { txn, keys: keys.clone(), last_id: head.last_id, last_hash: head.last_hash, who, now })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn who(&self) -> &Who {
        &self.who
    }

    /// Records one change. `details` must never hold passwords, codes or tokens.
    pub async fn log(&mut self, action: &str, target_type: &str, target_id: impl ToString, details: Value) -> Result<(), DbErr> {
        let details = details.to_string();
        let target_id = Some(target_id.to_string()).filter(|s| !s.is_empty());
        // Microsecond precision: what both databases store exactly.
        let at = DateTime::from_timestamp_micros(self.now.timestamp_micros()).unwrap_or(self.now);
        let hash = row_hash(
            &self.keys,
            &self.last_hash,
            &at,
            self.who.mailbox_id,
            &self.who.label,
            action,
            target_type,
            target_id.as_deref(),
            &details,
            self.who.ip.as_deref(),
        );
        let row = audit_entry::ActiveModel {
            at: Set(at),
            actor_mailbox_id: Set(self.who.mailbox_id),
            actor_label: Set(self.who.label.clone()),
            action: Set(action.to_string()),
            target_type: Set(target_type.to_string()),
            target_id: Set(target_id),
            details: Set(details),
            ip: Set(self.who.ip.clone()),
            prev_hash: Set(self.last_hash.clone()),
            hash: Set(hash.clone()),
            ..Default::default()
        }
        .insert(&self.txn)
        .await?;
        self.last_id = row.id as i64;
        self.last_hash = hash;
        Ok(())
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        audit_head::Entity::update_many()
            .col_expr(audit_head::Column::LastId, Expr::value(self.last_id))
            .col_expr(audit_head::Column::LastHash, Expr::value(self.last_hash.clone()))
            .filter(audit_head::Column::Id.eq(1))
            .exec(&self.txn)
            .await?;
        self.txn.commit().await
    }
}

/// Result of checking the whole chain.
#[derive(Debug, PartialEq, Eq)]
pub struct ChainCheck {
    pub rows: u64,
    /// First row id whose hash or link is wrong (or 0 when the head disagrees).
    pub broken_at: Option<i64>,
}

/// Recomputes every keyed hash in order up to the head as it was when the
/// check began (rows appended meanwhile are left for the next check); any
/// edit, deletion or insertion shows, and so does a chain rewritten by
/// someone without the server secret.
pub async fn verify_chain(db: &DatabaseConnection, keys: &Keys) -> Result<ChainCheck, DbErr> {
    walk_chain(db, |prev, r| entry_hash(keys, prev, r)).await
}

async fn walk_chain(db: &DatabaseConnection, hash: impl Fn(&str, &audit_entry::Model) -> String) -> Result<ChainCheck, DbErr> {
    let head = audit_head::Entity::find_by_id(1).one(db).await?.ok_or_else(|| DbErr::Custom("audit head missing: run `surel migrate`".into()))?;
    let mut prev = GENESIS.to_string();
    let mut rows = 0u64;
    let mut pages =
        audit_entry::Entity::find().filter(audit_entry::Column::Id.lte(head.last_id as i32)).order_by_asc(audit_entry::Column::Id).paginate(db, 1000);
    while let Some(batch) = pages.fetch_and_next().await? {
        for r in batch {
            rows += 1;
            if r.prev_hash != prev || r.hash != hash(&prev, &r) {
                return Ok(ChainCheck { rows, broken_at: Some(r.id as i64) });
            }
            prev = r.hash;
        }
    }
    if head.last_hash != prev {
        return Ok(ChainCheck { rows, broken_at: Some(0) });
    }
    Ok(ChainCheck { rows, broken_at: None })
}

/// Verifies the chain and keeps the verdict on the head row, for the audit
/// page (which shows it instead of re-hashing everything on each view).
pub async fn verify_and_record(state: &AppState) -> Result<ChainCheck, DbErr> {
    let check = verify_chain(&state.db, &state.keys).await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::VerifiedAt, Expr::value(Some(state.now())))
        .col_expr(audit_head::Column::VerifiedRows, Expr::value(check.rows as i64))
        .col_expr(audit_head::Column::VerifiedBrokenAt, Expr::value(check.broken_at))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&state.db)
        .await?;
    if let Some(at) = check.broken_at {
        tracing::error!(broken_at = at, rows = check.rows, "the audit chain is broken");
    }
    Ok(check)
}

/// A database whose chain predates keyed hashing gets it once: when the old
/// chain is intact, every row is hashed again with the server key (one
/// transaction, holding the chain's lock) and the re-keying is itself logged.
/// A chain that is already broken is left as it is, so verification keeps
/// reporting it. Called at start-up by every command that opens the database.
pub async fn ensure_keyed(state: &AppState) -> Result<(), DbErr> {
    let Some(head) = audit_head::Entity::find_by_id(1).one(&state.db).await? else { return Ok(()) };
    if head.scheme == SCHEME_KEYED {
        return Ok(());
    }
    let legacy = walk_chain(&state.db, legacy_hash).await?;
    let mut change = Change::begin(state, Who::system("audit")).await?;
    let head = audit_head::Entity::find_by_id(1).one(&*change).await?.ok_or_else(|| DbErr::Custom("audit head missing".into()))?;
    if head.scheme == SCHEME_KEYED {
        return Ok(()); // another instance did it meanwhile
    }
    if legacy.broken_at.is_none() {
        let mut prev = GENESIS.to_string();
        let rows = audit_entry::Entity::find().order_by_asc(audit_entry::Column::Id).all(&*change).await?;
        for r in rows {
            let hash = entry_hash(&state.keys, &prev, &r);
            audit_entry::Entity::update_many()
                .col_expr(audit_entry::Column::PrevHash, Expr::value(prev.clone()))
                .col_expr(audit_entry::Column::Hash, Expr::value(hash.clone()))
                .filter(audit_entry::Column::Id.eq(r.id))
                .exec(&*change)
                .await?;
            prev = hash;
        }
        change.last_hash = prev;
    } else {
        tracing::error!(broken_at = ?legacy.broken_at, "the audit chain was already broken before keyed hashing; left as it is");
    }
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Scheme, Expr::value(SCHEME_KEYED))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&*change)
        .await?;
    change.log("audit.keyed", "audit", "", serde_json::json!({ "rows": legacy.rows, "intact": legacy.broken_at.is_none() })).await?;
    change.commit().await
}
