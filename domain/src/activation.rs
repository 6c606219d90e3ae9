//! One-time links to set a mailbox's password for the first time. The link is
//! the only secret that ever travels; nobody but the owner sees a password.
use crate::audit::{Change, Who};
use crate::crypto::{random_token, sha256_hex};
use crate::entities::{activation_token, mailbox, person};
use crate::{password_policy, sessions, AppState, DomainError, DomainResult};
use chrono::Duration;
use model::validation::password::Personal;
use model::ErrorCode;
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

/// How long an activation link works.
pub const VALID_FOR_HOURS: i64 = 72;

/// Makes a new link for `mailbox_id`, ending any earlier unused one. Returns the URL.
pub async fn issue_link(change: &mut Change, state: &AppState, mailbox_id: i32, purpose: &str) -> DomainResult<String> {
    let now = change.now();
    revoke_links(&**change, mailbox_id, now).await?;
    let token = random_token();
    activation_token::ActiveModel {
        token_hash: Set(sha256_hex(token.as_bytes())),
        mailbox_id: Set(mailbox_id),
        purpose: Set(purpose.to_string()),
        expires_at: Set(now + Duration::hours(VALID_FOR_HOURS)),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    change.log("activation.issued", "mailbox", mailbox_id, json!({ "purpose": purpose })).await?;
    Ok(format!("{}/aktivasi/{}", state.config.public_url.trim_end_matches('/'), token))
}

/// Ends every unused link of a mailbox (a new link, or a password set by
/// other means: an old link must not set it again). Returns how many ended.
pub async fn revoke_links<C: ConnectionTrait>(db: &C, mailbox_id: i32, now: chrono::DateTime<chrono::Utc>) -> Result<u64, sea_orm::DbErr> {
    Ok(activation_token::Entity::update_many()
        .col_expr(activation_token::Column::UsedAt, Expr::value(now))
        .filter(activation_token::Column::MailboxId.eq(mailbox_id))
        .filter(activation_token::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// What the activation page shows: whose mailbox this link is for.
#[derive(Clone, Debug)]
pub struct LinkInfo {
    pub token_id: i32,
    pub mailbox: mailbox::Model,
    pub person: Option<person::Model>,
}

pub async fn lookup<C: ConnectionTrait>(db: &C, token: &str, now: chrono::DateTime<chrono::Utc>) -> DomainResult<Option<LinkInfo>> {
    let Some(t) = activation_token::Entity::find().filter(activation_token::Column::TokenHash.eq(sha256_hex(token.as_bytes()))).one(db).await? else {
        return Ok(None);
    };
    if t.used_at.is_some() || now >= t.expires_at {
        return Ok(None);
    }
    let Some(mb) = mailbox::Entity::find_by_id(t.mailbox_id).one(db).await? else { return Ok(None) };
    if mb.status == "disabled" {
        return Ok(None);
    }
    let person = match mb.person_id {
        Some(id) => person::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(Some(LinkInfo { token_id: t.id, mailbox: mb, person }))
}

/// Sets the first password through a link: checks every rule, stores the hash,
/// activates the mailbox and uses the link up.
pub async fn activate(state: &AppState, token: &str, password: &str, confirm: &str, ip: Option<String>) -> DomainResult<String> {
    let now = state.now();
    let info = lookup(&state.db, token, now).await?.ok_or_else(|| DomainError::field("token", ErrorCode::LinkInvalid))?;
    let who = Personal {
        address: &info.mailbox.address,
        name: info.person.as_ref().map(|p| p.name.as_str()).or(Some(info.mailbox.display_name.as_str())),
        nip: info.person.as_ref().and_then(|p| p.nip.as_deref()),
    };
    password_policy::check_new_password(password, confirm, state.config.password_min_len, &who).into_result()?;
    let hash = state.hasher.hash(password.to_string()).await;
    let mut change = Change::begin(state, Who::public(info.mailbox.address.clone(), ip)).await?;
    // Re-check inside the transaction: the link may have been used meanwhile.
    let used = activation_token::Entity::update_many()
        .col_expr(activation_token::Column::UsedAt, Expr::value(now))
        .filter(activation_token::Column::Id.eq(info.token_id))
        .filter(activation_token::Column::UsedAt.is_null())
        .exec(&*change)
        .await?
        .rows_affected;
    if used != 1 {
        return Err(DomainError::field("token", ErrorCode::LinkInvalid));
    }
    set_password(&mut change, info.mailbox.id, hash).await?;
    change.log("activation.used", "mailbox", info.mailbox.id, json!({})).await?;
    change.commit().await?;
    Ok(info.mailbox.address)
}

/// Replaces a mailbox's password hash, activates it and ends its sessions.
pub async fn set_password(change: &mut Change, mailbox_id: i32, hash: String) -> DomainResult<()> {
    set_password_keeping(change, mailbox_id, hash, None).await
}

/// [`set_password`], keeping one session alive (the owner's own, on `/akun`).
pub async fn set_password_keeping(change: &mut Change, mailbox_id: i32, hash: String, keep: Option<i32>) -> DomainResult<()> {
    let now = change.now();
    // One statement, not a read and a write: it runs under the audit chain's lock.
    let pending_to_active = Expr::case(Expr::col(mailbox::Column::Status).eq("pending"), "active").finally(Expr::col(mailbox::Column::Status));
    let updated = mailbox::Entity::update_many()
        .col_expr(mailbox::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(mailbox::Column::PasswordChangedAt, Expr::value(Some(now)))
        .col_expr(mailbox::Column::Status, pending_to_active.into())
        .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
        .filter(mailbox::Column::Id.eq(mailbox_id))
        .exec(&**change)
        .await?
        .rows_affected;
    if updated != 1 {
        return Err(DomainError::NotFound);
    }
    let ended = sessions::revoke_all(&**change, mailbox_id, keep, now).await?;
    change.log("mailbox.password_set", "mailbox", mailbox_id, json!({ "sessions_ended": ended })).await?;
    Ok(())
}
