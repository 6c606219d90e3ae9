//! Staff sign-in: official address and password, throttled per account and
//! per client address; failures never tell whether the account exists.
use crate::audit::{Change, Who};
use crate::entities::{mailbox, session, staff_role, unit};
use crate::rate_limit::{self, Limit};
use crate::second_factor::Opened;
use crate::{sessions, AppState, DomainError, DomainResult};
use model::validation::address::normalize_address;
use model::{ErrorCode, Me, Role, RoleGrant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Failed sign-ins allowed per account over any 15 minutes (a ceiling: see
/// [`rate_limit::take`]). Wrong second-factor codes count here too.
pub const LOGIN_PER_ACCOUNT: Limit = Limit::new("login-account", 5, 15 * 60);
/// Failed sign-ins allowed per client address per 15 minutes.
pub const LOGIN_PER_IP: Limit = Limit::new("login-ip", 20, 15 * 60);

/// The signed-in staff member, as the server knows them.
#[derive(Clone, Debug)]
pub struct Actor {
    pub mailbox_id: i32,
    pub address: String,
    pub name: String,
    pub grants: Vec<RoleGrant>,
    pub session_id: i32,
    pub locale: Option<String>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
    /// The roles whose grant covers `unit` (a request's or a batch's unit):
    /// each permission comes from the grant that gives it, with its scope.
    pub fn roles_for_unit(&self, unit: Option<i32>) -> Vec<Role> {
        self.grants.iter().filter(|g| covers(g.unit_id, unit)).map(|g| g.role).collect()
    }
    /// Holds `role` for `unit`.
    pub fn has_for_unit(&self, role: Role, unit: Option<i32>) -> bool {
        self.grants.iter().any(|g| g.role == role && covers(g.unit_id, unit))
    }
    /// Units this actor may act for with `role` (`None` inside means "all units").
    pub fn units_for(&self, role: Role) -> Vec<Option<i32>> {
        self.grants.iter().filter(|g| g.role == role).map(|g| g.unit_id).collect()
    }
    pub fn who(&self) -> Who {
        Who::staff(self.mailbox_id, &self.address, self.ip.clone())
    }
    pub fn to_me(&self) -> Me {
        Me {
            mailbox_id: self.mailbox_id,
            address: self.address.clone(),
            name: self.name.clone(),
            roles: self.grants.clone(),
            locale: self.locale.clone().unwrap_or_else(|| "id".into()),
        }
    }
}

/// Whether a grant scoped to `scope` (none: every unit) covers `unit`. A
/// scoped grant covers only its own unit, never something without one.
pub fn covers(scope: Option<i32>, unit: Option<i32>) -> bool {
    scope.is_none() || (unit.is_some() && scope == unit)
}

/// Role grants of a mailbox, with unit names.
pub async fn grants_of<C: ConnectionTrait>(db: &C, mailbox_id: i32) -> Result<Vec<RoleGrant>, sea_orm::DbErr> {
    let rows = staff_role::Entity::find().filter(staff_role::Column::MailboxId.eq(mailbox_id)).all(db).await?;
    let unit_ids: Vec<i32> = rows.iter().filter_map(|r| r.unit_id).collect();
    let units: std::collections::HashMap<i32, String> = if unit_ids.is_empty() {
        Default::default()
    } else {
        unit::Entity::find().filter(unit::Column::Id.is_in(unit_ids)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect()
    };
    let mut grants: Vec<RoleGrant> = rows
        .into_iter()
        .filter_map(|r| {
            Some(RoleGrant { id: r.id, role: Role::from_code(&r.role)?, unit_id: r.unit_id, unit_name: r.unit_id.and_then(|id| units.get(&id).cloned()) })
        })
        .collect();
    grants.sort_by_key(|g| g.role);
    Ok(grants)
}

/// The actor behind a session cookie, if the session is live and the mailbox still active staff.
pub async fn actor_for_token(state: &AppState, token: &str, ip: Option<String>) -> DomainResult<Option<Actor>> {
    let Some(s) = sessions::lookup(state, token).await? else { return Ok(None) };
    actor_for_session(state, &s, ip).await
}

pub async fn actor_for_session(state: &AppState, s: &session::Model, ip: Option<String>) -> DomainResult<Option<Actor>> {
    // an owner's password-only session is never a staff session
    if s.kind != sessions::SessionKind::Staff.as_str() {
        return Ok(None);
    }
    let Some(mb) = mailbox::Entity::find_by_id(s.mailbox_id).one(&state.db).await? else { return Ok(None) };
    if mb.status != "active" {
        return Ok(None);
    }
    let grants = grants_of(&state.db, mb.id).await?;
    if grants.is_empty() {
        return Ok(None);
    }
    Ok(Some(Actor { mailbox_id: mb.id, address: mb.address, name: mb.display_name, grants, session_id: s.id, locale: mb.ui_locale, ip }))
}

/// A successful sign-in: the cookie value and the staff member's language.
pub struct SignedIn {
    pub token: String,
    pub locale: Option<String>,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn").field("token", &"…").field("locale", &self.locale).finish()
    }
}

/// The password step. Every failure is the same `invalid_credentials` (or
/// `throttled`) whatever the reason. A right password makes no session: it
/// opens the second step (or the enrollment of a first factor), see
/// [`super::second_factor`]. `next` is where to go once both are done.
pub async fn sign_in(state: &AppState, address: &str, password: &str, next: &str, ip: Option<String>, user_agent: Option<String>) -> DomainResult<Opened> {
    let now = state.now();
    let address = normalize_address(address);
    let ip_key = rate_limit::client_key(ip.as_deref());
    // an empty field says so (it tells nothing about any account)
    if address.is_empty() || password.is_empty() {
        let mut errors = model::validation::FieldErrors::default();
        for (field, empty) in [("address", address.is_empty()), ("password", password.is_empty())] {
            if empty {
                errors.add(field, ErrorCode::Required);
            }
        }
        return Err(errors.into());
    }
    // Reserve the failure slots before the (slow) password check, each in one
    // conditional statement: a burst of parallel wrong passwords is cut at
    // the limit instead of being checked in full. A right password gives them back.
    if !rate_limit::hit(&state.db, &LOGIN_PER_IP, &ip_key, now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: LOGIN_PER_IP.retry_after(now) });
    }
    if rate_limit::take(&state.db, &LOGIN_PER_ACCOUNT, &address, now).await?.is_none() {
        rate_limit::unhit(&state.db, &LOGIN_PER_IP, &ip_key, now).await?;
        return Err(DomainError::RateLimited { retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &LOGIN_PER_ACCOUNT, &address, now).await? });
    }
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(&address)).one(&state.db).await?;
    let is_staff = match &mb {
        Some(m) if m.status == "active" => !grants_of(&state.db, m.id).await?.is_empty(),
        _ => false,
    };
    let stored = mb.as_ref().filter(|_| is_staff).and_then(|m| m.password_hash.clone());
    let ok = state.hasher.verify(password.to_string(), stored).await;
    if !ok {
        if let Some(m) = mb.filter(|_| is_staff) {
            let mut change = Change::begin(state, Who::public(address.clone(), ip.clone())).await?;
            change.log("auth.sign_in_failed", "mailbox", m.id, json!({})).await?;
            change.commit().await?;
        }
        tracing::info!(ip = ?ip, "sign-in failed");
        return Err(DomainError::field("address", ErrorCode::InvalidCredentials));
    }
    let m = mb.expect("verified");
    rate_limit::unhit(&state.db, &LOGIN_PER_IP, &ip_key, now).await?;
    rate_limit::release(&state.db, &LOGIN_PER_ACCOUNT, &address).await?;
    let mut change = Change::begin(state, Who::staff(m.id, &m.address, ip.clone())).await?;
    let opened = super::second_factor::open_challenge(&mut change, m.id, next, ip, user_agent).await?;
    change.commit().await?;
    Ok(opened)
}

/// Ends the actor's session (or all of them).
pub async fn sign_out(state: &AppState, actor: &Actor, everywhere: bool) -> DomainResult<u64> {
    let mut change = Change::begin(state, actor.who()).await?;
    let now = change.now();
    let n = if everywhere {
        sessions::revoke_all(&*change, actor.mailbox_id, None, now).await?
    } else {
        sessions::revoke(&*change, actor.session_id, now).await?;
        1
    };
    change.log(if everywhere { "auth.sign_out_everywhere" } else { "auth.sign_out" }, "mailbox", actor.mailbox_id, json!({ "sessions": n })).await?;
    change.commit().await?;
    Ok(n)
}

/// Ends one of the actor's own other sessions.
pub async fn end_own_session(state: &AppState, actor: &Actor, session_id: i32) -> DomainResult<()> {
    let s = session::Entity::find_by_id(session_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    if s.mailbox_id != actor.mailbox_id {
        return Err(DomainError::NotFound);
    }
    let mut change = Change::begin(state, actor.who()).await?;
    sessions::revoke(&*change, session_id, change.now()).await?;
    change.log("auth.session_ended", "session", session_id, json!({})).await?;
    change.commit().await?;
    Ok(())
}

/// Remembers the staff member's language.
pub async fn set_locale(state: &AppState, actor: &Actor, locale: &str) -> DomainResult<()> {
    let locale = if locale == "en" { "en" } else { "id" };
    let mut change = Change::begin(state, actor.who()).await?;
    mailbox::Entity::update_many()
        .col_expr(mailbox::Column::UiLocale, sea_orm::sea_query::Expr::value(locale))
        .filter(mailbox::Column::Id.eq(actor.mailbox_id))
        .exec(&*change)
        .await?;
    change.log("staff.locale", "mailbox", actor.mailbox_id, json!({ "locale": locale })).await?;
    change.commit().await?;
    Ok(())
}
