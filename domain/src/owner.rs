//! Account owners on their own page (`/akun`): sign in with the mailbox
//! address and password (the staff sign-in's throttling, the same counters),
//! see the masked reset phone and their requests, change the password
//! knowing the current one (LTB Self Service Password's main page), end
//! their other sessions.
//!
//! An owner session is its own kind ([`SessionKind::Owner`]): it opens
//! nothing in the staff area, and a staff session is not an owner session.
use crate::audit::{Change, Who};
use crate::auth::{LOGIN_PER_ACCOUNT, LOGIN_PER_IP};
use crate::entities::{audit_entry, mailbox, person};
use crate::password_policy;
use crate::rate_limit;
use crate::sessions::{self, SessionKind};
use crate::{notify, AppState, DomainError, DomainResult};
use model::validation::address::normalize_address;
use model::validation::password::Personal;
use model::validation::phone::mask_phone;
use model::validation::FieldErrors;
use model::{ErrorCode, OwnerPage};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

/// Requests listed on the page (newest first).
const REQUESTS: u64 = 20;

/// The signed-in owner, as the server knows them.
#[derive(Clone, Debug)]
pub struct Owner {
    pub mailbox_id: i32,
    pub address: String,
    pub session_id: i32,
}

impl Owner {
    fn who(&self, ip: Option<String>) -> Who {
        Who { mailbox_id: Some(self.mailbox_id), label: self.address.clone(), ip }
    }
}

/// A mailbox that may sign in: active, with a password.
fn can_sign_in(m: &mailbox::Model) -> bool {
    m.status == "active" && m.password_hash.is_some()
}

/// The owner behind a cookie value, if the session is live and the mailbox still active.
pub async fn lookup(state: &AppState, token: &str) -> DomainResult<Option<Owner>> {
    let Some(s) = sessions::lookup_kind(state, token, SessionKind::Owner).await? else { return Ok(None) };
    let Some(m) = mailbox::Entity::find_by_id(s.mailbox_id).one(&state.db).await? else { return Ok(None) };
    if !can_sign_in(&m) {
        return Ok(None);
    }
    Ok(Some(Owner { mailbox_id: m.id, address: m.address, session_id: s.id }))
}

/// Checks the address and password; a right pair makes an owner session
/// and returns its cookie value. Every failure reads the same
/// (`invalid_credentials`), whether the account exists or not.
pub async fn sign_in(state: &AppState, address: &str, password: &str, ip: Option<String>, user_agent: Option<String>) -> DomainResult<String> {
    let now = state.now();
    let address = normalize_address(address);
    if address.is_empty() || password.is_empty() {
        let mut errors = FieldErrors::default();
        for (field, empty) in [("address", address.is_empty()), ("password", password.is_empty())] {
            if empty {
                errors.add(field, ErrorCode::Required);
            }
        }
        return Err(errors.into());
    }
    // The staff sign-in's limits and counters: five wrong passwords for an
    // account are five, whichever door they were tried at.
    let ip_key = rate_limit::client_key(ip.as_deref());
    if !rate_limit::hit(&state.db, &LOGIN_PER_IP, &ip_key, now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: LOGIN_PER_IP.retry_after(now) });
    }
    if rate_limit::take(&state.db, &LOGIN_PER_ACCOUNT, &address, now).await?.is_none() {
        rate_limit::unhit(&state.db, &LOGIN_PER_IP, &ip_key, now).await?;
        return Err(DomainError::RateLimited { retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &LOGIN_PER_ACCOUNT, &address, now).await? });
    }
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(&address)).one(&state.db).await?.filter(can_sign_in);
    let ok = state.hasher.verify(password.to_string(), mb.as_ref().and_then(|m| m.password_hash.clone())).await;
    let Some(m) = mb.filter(|_| ok) else {
        tracing::info!(ip = ?ip, "owner sign-in failed");
        return Err(DomainError::field("address", ErrorCode::InvalidCredentials));
    };
    rate_limit::unhit(&state.db, &LOGIN_PER_IP, &ip_key, now).await?;
    rate_limit::release(&state.db, &LOGIN_PER_ACCOUNT, &address).await?;
    let mut change = Change::begin(state, Who { mailbox_id: Some(m.id), label: m.address.clone(), ip: ip.clone() }).await?;
    let (token, s) = sessions::create_kind(&*change, state, SessionKind::Owner, m.id, now, ip, user_agent, None).await?;
    change.log("owner.sign_in", "session", s.id, json!({ "mailbox": m.id })).await?;
    change.commit().await?;
    Ok(token)
}

/// The owner's page.
pub async fn page(state: &AppState, owner: &Owner) -> DomainResult<OwnerPage> {
    let db = &state.db;
    let m = mailbox::Entity::find_by_id(owner.mailbox_id).one(db).await?.ok_or(DomainError::NotFound)?;
    // the phone was set when the mailbox was made, or by the last phone change
    let phone_changed = audit_entry::Entity::find()
        .filter(audit_entry::Column::TargetType.eq("mailbox"))
        .filter(audit_entry::Column::TargetId.is_in([m.id.to_string(), m.address.clone()]))
        .filter(audit_entry::Column::Action.eq("mailbox.phone_change"))
        .order_by_desc(audit_entry::Column::Id)
        .one(db)
        .await?
        .map(|e| e.at);
    let now = state.now();
    let idle = chrono::Duration::from_std(state.config.session_idle).unwrap_or(chrono::Duration::minutes(30));
    let other_sessions = crate::entities::session::Entity::find()
        .filter(crate::entities::session::Column::MailboxId.eq(m.id))
        .filter(crate::entities::session::Column::Id.ne(owner.session_id))
        .filter(crate::entities::session::Column::RevokedAt.is_null())
        .filter(crate::entities::session::Column::ExpiresAt.gt(now))
        .filter(crate::entities::session::Column::LastSeenAt.gt(now - idle))
        .count(db)
        .await?;
    let requests = crate::mailboxes::requests_touching(&m).limit(REQUESTS).all(db).await?.iter().map(|r| crate::requests::view::row(state, r)).collect();
    Ok(OwnerPage {
        reset_phone_masked: m.reset_phone.as_deref().map(mask_phone),
        reset_phone_set_at: m.reset_phone.as_ref().map(|_| state.local_time(phone_changed.unwrap_or(m.created_at))),
        password_changed_at: m.password_changed_at.map(|t| state.local_time(t)),
        other_sessions,
        requests,
        min_len: state.config.password_min_len,
        support: state.config.support_contact.clone(),
        address: m.address,
        name: m.display_name,
    })
}

/// Changes the password knowing the current one. A wrong current password
/// counts as a failed sign-in of the account (same limit), so the form is no
/// way around the sign-in's throttling. Every problem is reported at once.
/// Afterwards the owner's other sessions (staff ones too), open reset codes
/// and activation links are ended, and the owner is told on every channel.
pub async fn change_password(state: &AppState, owner: &Owner, current: &str, password: &str, confirm: &str, ip: Option<String>) -> DomainResult<()> {
    let now = state.now();
    let m = mailbox::Entity::find_by_id(owner.mailbox_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    let person = match m.person_id {
        Some(id) => person::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let who = Personal {
        address: &m.address,
        name: person.as_ref().map(|p| p.name.as_str()).or(Some(&m.display_name)),
        nip: person.as_ref().and_then(|p| p.nip.as_deref()),
    };
    let mut errors = password_policy::check_new_password(password, confirm, state.config.password_min_len, &who);
    if current.is_empty() {
        errors.add("current", ErrorCode::Required);
    } else {
        if rate_limit::take(&state.db, &LOGIN_PER_ACCOUNT, &m.address, now).await?.is_none() {
            return Err(DomainError::RateLimited { retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &LOGIN_PER_ACCOUNT, &m.address, now).await? });
        }
        if state.hasher.verify(current.to_string(), m.password_hash.clone()).await {
            rate_limit::release(&state.db, &LOGIN_PER_ACCOUNT, &m.address).await?;
            if current == password {
                errors.add("password", ErrorCode::PasswordUnchanged);
            }
        } else {
            let mut change = Change::begin(state, owner.who(ip.clone())).await?;
            change.log("owner.password_wrong", "mailbox", m.id, json!({})).await?;
            change.commit().await?;
            errors.add("current", ErrorCode::PasswordCurrentWrong);
        }
    }
    errors.into_result()?;
    let hash = state.hasher.hash(password.to_string()).await;
    let mut change = Change::begin(state, owner.who(ip)).await?;
    crate::activation::set_password_keeping(&mut change, m.id, hash, Some(owner.session_id)).await?;
    // a code sent before the change must not set another password after it
    let codes = crate::reset::end_open_attempts(&*change, m.id, None, now).await?;
    let links = crate::activation::revoke_links(&*change, m.id, now).await?;
    change.log("owner.password_changed", "mailbox", m.id, json!({ "reset_codes_ended": codes, "activation_links_ended": links })).await?;
    notify::password_changed(state, &mut change, &m, person.as_ref(), notify::ChangedVia::OwnerPage).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Ends the owner's other sessions (staff ones too); returns how many.
pub async fn end_other_sessions(state: &AppState, owner: &Owner, ip: Option<String>) -> DomainResult<u64> {
    let mut change = Change::begin(state, owner.who(ip)).await?;
    let n = sessions::revoke_all(&*change, owner.mailbox_id, Some(owner.session_id), change.now()).await?;
    change.log("owner.sessions_ended", "mailbox", owner.mailbox_id, json!({ "sessions": n })).await?;
    change.commit().await?;
    Ok(n)
}

/// Ends this session.
pub async fn sign_out(state: &AppState, owner: &Owner, ip: Option<String>) -> DomainResult<()> {
    let mut change = Change::begin(state, owner.who(ip)).await?;
    sessions::revoke(&*change, owner.session_id, change.now()).await?;
    change.log("owner.sign_out", "session", owner.session_id, json!({})).await?;
    change.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::DEMO_PASSWORD;
    use crate::testing::state_with_clock;

    fn codes(e: DomainError) -> Vec<(String, ErrorCode)> {
        match e {
            DomainError::Invalid(f) => f.0.iter().map(|x| (x.field.clone(), x.code)).collect(),
            DomainError::RateLimited { .. } => vec![(String::new(), ErrorCode::Throttled)],
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn owner_session_is_not_a_staff_session_and_back() {
        let (state, _clock) = state_with_clock().await;
        let addr = "andi.pratama@batam.go.id";
        let token = sign_in(&state, addr, DEMO_PASSWORD, None, None).await.unwrap();
        assert!(lookup(&state, &token).await.unwrap().is_some());
        // a staff member's password alone must not open the staff area
        assert!(crate::auth::actor_for_token(&state, &token, None).await.unwrap().is_none());
        assert!(sessions::lookup(&state, &token).await.unwrap().is_none());
        let staff = crate::testing::sign_in_fully(&state, addr, DEMO_PASSWORD).await.unwrap();
        assert!(lookup(&state, &staff.token).await.unwrap().is_none(), "a staff session is no owner session");
    }

    #[tokio::test]
    async fn wrong_passwords_read_the_same_and_share_the_staff_limit() {
        let (state, _clock) = state_with_clock().await;
        let addr = "yusuf.hakim@batam.go.id";
        let bad = vec![("address".to_string(), ErrorCode::InvalidCredentials)];
        assert_eq!(codes(sign_in(&state, "tidak.ada@batam.go.id", "apa-saja-panjang", None, None).await.unwrap_err()), bad);
        for _ in 0..LOGIN_PER_ACCOUNT.max {
            assert_eq!(codes(sign_in(&state, addr, "salah-sekali-ini", None, None).await.unwrap_err()), bad);
        }
        // the account waits a while, even with the right password, at either door
        let throttled = vec![(String::new(), ErrorCode::Throttled)];
        assert_eq!(codes(sign_in(&state, addr, DEMO_PASSWORD, None, None).await.unwrap_err()), throttled);
        assert_eq!(codes(crate::auth::sign_in(&state, addr, DEMO_PASSWORD, "/admin", None, None).await.unwrap_err()), throttled);
    }

    #[tokio::test]
    async fn change_password_checks_current_and_ends_the_rest() {
        let (state, _clock) = state_with_clock().await;
        let addr = "yusuf.hakim@batam.go.id";
        let t1 = sign_in(&state, addr, DEMO_PASSWORD, None, None).await.unwrap();
        let t2 = sign_in(&state, addr, DEMO_PASSWORD, None, None).await.unwrap();
        let me = lookup(&state, &t1).await.unwrap().unwrap();
        let page = page(&state, &me).await.unwrap();
        assert_eq!(page.other_sessions, 1);
        assert_eq!(page.reset_phone_masked.as_deref(), Some("+62 812-****-001"));
        assert!(page.reset_phone_set_at.is_some());

        let wrong = codes(change_password(&state, &me, "bukan-ini", "teh-manis-hujan-9", "teh-manis-hujan-9", None).await.unwrap_err());
        assert_eq!(wrong, vec![("current".to_string(), ErrorCode::PasswordCurrentWrong)]);
        let same = codes(change_password(&state, &me, DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, None).await.unwrap_err());
        assert!(same.contains(&("password".to_string(), ErrorCode::PasswordUnchanged)), "{same:?}");
        let both = codes(change_password(&state, &me, "", "pendek", "lain", None).await.unwrap_err());
        assert!(both.iter().any(|(f, _)| f == "current") && both.iter().any(|(f, _)| f == "password"), "{both:?}");

        change_password(&state, &me, DEMO_PASSWORD, "teh-manis-hujan-9", "teh-manis-hujan-9", None).await.unwrap();
        let m = mailbox::Entity::find_by_id(me.mailbox_id).one(&state.db).await.unwrap().unwrap();
        assert!(crate::passwords::verify_now("teh-manis-hujan-9", m.password_hash.as_deref().unwrap()));
        assert!(lookup(&state, &t1).await.unwrap().is_some(), "this session stays");
        assert!(lookup(&state, &t2).await.unwrap().is_none(), "the other one ended");
        let told = crate::entities::outbox::Entity::find()
            .filter(crate::entities::outbox::Column::Related.eq(format!("mailbox:{}", m.id)))
            .all(&state.db)
            .await
            .unwrap();
        // (e-mail goes out only where SMTP is configured: the HTTP tests see it)
        assert!(told.iter().any(|o| o.channel == "sms" && o.recipient == "+6281290000001"), "told by SMS");
        assert!(sign_in(&state, addr, DEMO_PASSWORD, None, None).await.is_err(), "the old password is gone");
        assert!(sign_in(&state, addr, "teh-manis-hujan-9", None, None).await.is_ok());
        // and back (the browser tests put the demo password back this way)
        change_password(&state, &me, "teh-manis-hujan-9", DEMO_PASSWORD, DEMO_PASSWORD, None).await.unwrap();
    }
}
