//! Server-side sessions: a random token in an HttpOnly cookie, only its
//! hash in the database; 30 minutes idle, 12 hours at most. Staff sessions
//! (after both sign-in steps) and owner sessions (`/akun`, password only)
//! are different kinds, and a lookup accepts only the kind it asks for.
use crate::crypto::{random_token, sha256_hex};
use crate::entities::session;
use crate::AppState;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

/// Who a session is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// A staff member, after the password and the second factor.
    Staff,
    /// A mailbox owner on their own page, after the password.
    Owner,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Staff => "staff",
            SessionKind::Owner => "owner",
        }
    }
}

/// Creates a staff session; returns the cookie value (never stored) and the row.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    mailbox_id: i32,
    now: DateTime<Utc>,
    ip: Option<String>,
    user_agent: Option<String>,
    factor: Option<&str>,
) -> Result<(String, session::Model), DbErr> {
    create_kind(db, state, SessionKind::Staff, mailbox_id, now, ip, user_agent, factor).await
}

/// Creates a session of `kind`.
#[allow(clippy::too_many_arguments)]
pub async fn create_kind<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    kind: SessionKind,
    mailbox_id: i32,
    now: DateTime<Utc>,
    ip: Option<String>,
    user_agent: Option<String>,
    factor: Option<&str>,
) -> Result<(String, session::Model), DbErr> {
    let token = random_token();
    let row = session::ActiveModel {
        token_hash: Set(sha256_hex(token.as_bytes())),
        mailbox_id: Set(mailbox_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::from_std(state.config.session_absolute).unwrap_or(Duration::hours(12))),
        ip: Set(ip),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(200).collect())),
        revoked_at: Set(None),
        factor: Set(factor.map(str::to_string)),
        kind: Set(kind.as_str().to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, row))
}

/// The live staff session for a cookie value, touching its idle timer (at most once a minute).
pub async fn lookup(state: &AppState, token: &str) -> Result<Option<session::Model>, DbErr> {
    lookup_kind(state, token, SessionKind::Staff).await
}

/// The live session of `kind` for a cookie value (a session of the other kind is no session).
pub async fn lookup_kind(state: &AppState, token: &str, kind: SessionKind) -> Result<Option<session::Model>, DbErr> {
    let now = state.now();
    let Some(s) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(sha256_hex(token.as_bytes())))
        .filter(session::Column::Kind.eq(kind.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let idle = Duration::from_std(state.config.session_idle).unwrap_or(Duration::minutes(30));
    if s.revoked_at.is_some() || now >= s.expires_at || now - s.last_seen_at >= idle {
        return Ok(None);
    }
    if now - s.last_seen_at >= Duration::seconds(60) {
        session::Entity::update_many().col_expr(session::Column::LastSeenAt, Expr::value(now)).filter(session::Column::Id.eq(s.id)).exec(&state.db).await?;
    }
    Ok(Some(s))
}

/// Ends one session.
pub async fn revoke<C: ConnectionTrait>(db: &C, session_id: i32, now: DateTime<Utc>) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a mailbox (but `keep`); returns how many ended.
pub async fn revoke_all<C: ConnectionTrait>(db: &C, mailbox_id: i32, keep: Option<i32>, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let mut q = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::MailboxId.eq(mailbox_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(k) = keep {
        q = q.filter(session::Column::Id.ne(k));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Live sessions of a mailbox, newest first.
pub async fn list_live(state: &AppState, mailbox_id: i32) -> Result<Vec<session::Model>, DbErr> {
    let now = state.now();
    let idle = Duration::from_std(state.config.session_idle).unwrap_or(Duration::minutes(30));
    session::Entity::find()
        .filter(session::Column::MailboxId.eq(mailbox_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - idle))
        .order_by_desc(session::Column::LastSeenAt)
        .all(&state.db)
        .await
}

/// Deletes sessions that ended more than a day ago.
pub async fn purge<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now - Duration::days(1)).or(session::Column::RevokedAt.lt(now - Duration::days(1))))
        .exec(db)
        .await?
        .rows_affected)
}
