//! Self-service password reset by SMS code (SOP 001, "yes" branch; flow F1).
//!
//! Every attempt gets a row and a cookie, whether or not the address exists or
//! has a phone: an attempt for an unknown address draws a real code that no one
//! receives, so every later step fails exactly like a wrong guess would. The
//! code travels only in the SMS (through the outbox, never inline); the
//! database keeps its HMAC, bound to the attempt, the mailbox and a sequence
//! number that a resend increments (which kills the previous code).
use crate::activation::set_password;
use crate::audit::{Change, Who};
use crate::crypto::{random_code, random_token, sha256_hex};
use crate::entities::{domain_name, mailbox, person, reset_attempt};
use crate::notify;
use crate::outbox::{self, Channel, Message};
use crate::rate_limit::{self, Limit};
use crate::{password_policy, AppState, DomainError, DomainResult};
use chrono::{DateTime, Duration, Utc};
use model::validation::{address::normalize_address, password::Personal, phone::mask_phone, FieldError};
use model::ErrorCode;
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

pub const CODE_TTL_MINUTES: i64 = 10;
pub const ATTEMPT_TTL_MINUTES: i64 = 30;
pub const MAX_WRONG_GUESSES: i32 = 5;
pub const RESEND_COOLDOWN_SECS: i64 = 60;
pub const SMS_PER_ACCOUNT: Limit = Limit::new("reset-sms-account", 5, 24 * 3600);
pub const SMS_PER_NUMBER: Limit = Limit::new("reset-sms-number", 10, 24 * 3600);
pub const STARTS_PER_IP: Limit = Limit::new("reset-start-ip", 30, 3600);
pub const GUESSES_PER_IP: Limit = Limit::new("reset-guess-ip", 60, 3600);
/// Wrong codes per address over any 24 hours, across all its attempts (far
/// below NIST SP 800-63B's 100). Past it the address gets no new codes until
/// a whole day passes without a wrong one; the owner is told once.
pub const WRONG_CODES_PER_ACCOUNT: Limit = Limit::new("reset-wrong-account", 20, 24 * 3600);

/// What the reset page shows for an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptView {
    pub address: String,
    pub resend_in_secs: i64,
    pub code_valid_secs: i64,
    pub wrong_guesses: i32,
    /// Only after a correct code: the masked phone and the owner's name.
    pub verified: Option<(String, String)>,
}

fn code_context(attempt_id: i32, mailbox_id: Option<i32>, seq: i32) -> String {
    format!("reset:{attempt_id}:{}:{seq}", mailbox_id.unwrap_or(0))
}

/// Turns what people type into a full address: `budi.santoso` gets the default domain.
async fn full_address(state: &AppState, input: &str) -> DomainResult<String> {
    let a = normalize_address(input);
    if a.is_empty() {
        return Err(DomainError::field("address", ErrorCode::AddressEmpty));
    }
    let a = if a.contains('@') {
        a
    } else {
        match domain_name::Entity::find().filter(domain_name::Column::IsDefault.eq(true)).one(&state.db).await? {
            Some(d) => format!("{a}@{}", d.name),
            None => return Err(DomainError::field("address", ErrorCode::AddressUnknown)),
        }
    };
    let ok = a
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !a.contains(char::is_whitespace));
    if !ok || a.len() > 254 {
        return Err(DomainError::field("address", ErrorCode::AddressUnknown));
    }
    Ok(a)
}

/// Step 1: an address. Returns the attempt's cookie value. The outcome is the
/// same whatever the address: only the SMS, if any, differs. A mailbox whose
/// resets are paused (too many wrong codes, see [`WRONG_CODES_PER_ACCOUNT`])
/// is treated exactly like an unknown address.
pub async fn start(state: &AppState, address_input: &str, ip: Option<String>) -> DomainResult<String> {
    let now = state.now();
    let address = full_address(state, address_input).await?;
    if !rate_limit::hit(&state.db, &STARTS_PER_IP, &rate_limit::client_key(ip.as_deref()), now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: STARTS_PER_IP.retry_after(now) });
    }
    let paused = rate_limit::ceiling_reached(&state.db, &WRONG_CODES_PER_ACCOUNT, &address, now).await?;
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(&address)).one(&state.db).await?;
    let usable = mb.filter(|m| m.status == "active" && m.reset_phone.is_some() && !paused);
    let token = random_token();
    let mut change = Change::begin(state, Who::public(address.clone(), ip.clone())).await?;
    let attempt = reset_attempt::ActiveModel {
        token_hash: Set(sha256_hex(token.as_bytes())),
        address: Set(address.clone()),
        mailbox_id: Set(usable.as_ref().map(|m| m.id)),
        code_mac: Set(None),
        code_seq: Set(0),
        wrong_guesses: Set(0),
        sends: Set(0),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(ATTEMPT_TTL_MINUTES)),
        ip: Set(ip),
        ..Default::default()
    }
    .insert(&*change)
    .await?;
    send_code(state, &mut change, &attempt, usable.as_ref()).await?;
    change.commit().await?;
    Ok(token)
}

/// Draws a new code for the attempt (killing the previous one) and, for a real
/// mailbox within its daily limits, queues the SMS. A code that is not sent
/// is not stored either: a withheld attempt accepts no code at all.
///
/// The code takes its sequence number in one conditional UPDATE (the number
/// the caller read, and past the resend cooldown), so two parallel resends
/// cannot send one code while storing another: the second is refused.
async fn send_code(state: &AppState, change: &mut Change, attempt: &reset_attempt::Model, mb: Option<&mailbox::Model>) -> DomainResult<()> {
    let now = change.now();
    let id = attempt.id;
    let seq = attempt.code_seq + 1;
    let taken = reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::CodeSeq, Expr::value(seq))
        .col_expr(reset_attempt::Column::CodeMac, Expr::value(Option::<String>::None))
        .col_expr(reset_attempt::Column::CodeSentAt, Expr::value(Some(now)))
        .col_expr(reset_attempt::Column::CodeExpiresAt, Expr::value(Some(now + Duration::minutes(CODE_TTL_MINUTES))))
        .col_expr(reset_attempt::Column::WrongGuesses, Expr::value(0))
        .col_expr(reset_attempt::Column::Sends, Expr::value(seq))
        .filter(reset_attempt::Column::Id.eq(id))
        .filter(reset_attempt::Column::CodeSeq.eq(attempt.code_seq))
        .filter(reset_attempt::Column::CodeSentAt.is_null().or(reset_attempt::Column::CodeSentAt.lte(now - Duration::seconds(RESEND_COOLDOWN_SECS))))
        .exec(&**change)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(DomainError::Invalid(FieldError::new("code", ErrorCode::ResendWait).with_arg(RESEND_COOLDOWN_SECS).into()));
    }
    // Count against the account and the number even for unknown addresses,
    // so both paths do the same work.
    let (account_key, number_key) = match mb {
        Some(m) => (format!("mb{}", m.id), m.reset_phone.clone().unwrap_or_default()),
        None => (format!("addr:{id}"), format!("none:{id}")),
    };
    let within = rate_limit::hit(&**change, &SMS_PER_ACCOUNT, &account_key, now).await? & rate_limit::hit(&**change, &SMS_PER_NUMBER, &number_key, now).await?;
    let Some(m) = mb else { return Ok(()) };
    if !within {
        change.log("reset.code_withheld", "mailbox", m.id, json!({ "attempt": id, "seq": seq, "reason": "daily limit" })).await?;
        return Ok(());
    }
    let code = random_code();
    reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::CodeMac, Expr::value(Some(state.keys.code_mac(&code_context(id, Some(m.id), seq), &code))))
        .filter(reset_attempt::Column::Id.eq(id))
        .filter(reset_attempt::Column::CodeSeq.eq(seq))
        .exec(&**change)
        .await?;
    let phone = m.reset_phone.clone().unwrap_or_default();
    outbox::enqueue(
        &**change,
        &state.keys,
        Message {
            channel: Channel::Sms,
            recipient: phone.clone(),
            subject: None,
            body: format!(
                "Kode Surel {code} untuk mengganti kata sandi {}. Berlaku {CODE_TTL_MINUTES} menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas.",
                m.address
            ),
            key: format!("reset:{id}:{seq}"),
            related: Some(format!("reset:{id}")),
        },
        now,
    )
    .await?;
    state.wake_outbox();
    change.log("reset.code_sent", "mailbox", m.id, json!({ "attempt": id, "seq": seq, "phone": mask_phone(&phone) })).await?;
    Ok(())
}

/// The live attempt behind a cookie value.
async fn live_attempt(state: &AppState, token: &str, now: DateTime<Utc>) -> DomainResult<Option<reset_attempt::Model>> {
    let a = reset_attempt::Entity::find().filter(reset_attempt::Column::TokenHash.eq(sha256_hex(token.as_bytes()))).one(&state.db).await?;
    Ok(a.filter(|a| a.completed_at.is_none() && a.cancelled_at.is_none() && now < a.expires_at))
}

/// What the page shows for a cookie value (`None`: start over).
pub async fn view(state: &AppState, token: &str) -> DomainResult<Option<AttemptView>> {
    let now = state.now();
    let Some(a) = live_attempt(state, token, now).await? else { return Ok(None) };
    let resend_in = a.code_sent_at.map(|t| (t + Duration::seconds(RESEND_COOLDOWN_SECS) - now).num_seconds().max(0)).unwrap_or(0);
    let valid = a.code_expires_at.map(|t| (t - now).num_seconds().max(0)).unwrap_or(0);
    let verified = match (a.verified_at, a.mailbox_id) {
        (Some(_), Some(id)) => {
            let m = mailbox::Entity::find_by_id(id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
            Some((m.reset_phone.as_deref().map(mask_phone).unwrap_or_default(), m.display_name))
        }
        _ => None,
    };
    Ok(Some(AttemptView { address: a.address, resend_in_secs: resend_in, code_valid_secs: valid, wrong_guesses: a.wrong_guesses, verified }))
}

/// A new code for the same attempt, after the cooldown.
pub async fn resend(state: &AppState, token: &str, ip: Option<String>) -> DomainResult<()> {
    let now = state.now();
    let a = live_attempt(state, token, now).await?.ok_or_else(|| DomainError::field("address", ErrorCode::ResetExpired))?;
    if let Some(sent) = a.code_sent_at {
        let wait = (sent + Duration::seconds(RESEND_COOLDOWN_SECS) - now).num_seconds();
        if wait > 0 {
            return Err(DomainError::Invalid(FieldError::new("code", ErrorCode::ResendWait).with_arg(wait).into()));
        }
    }
    // A mailbox paused since the attempt began gets no further codes.
    let paused = rate_limit::ceiling_reached(&state.db, &WRONG_CODES_PER_ACCOUNT, &a.address, now).await?;
    let mb = match a.mailbox_id {
        Some(id) if !paused => mailbox::Entity::find_by_id(id).one(&state.db).await?,
        _ => None,
    };
    let mut change = Change::begin(state, Who::public(a.address.clone(), ip)).await?;
    send_code(state, &mut change, &a, mb.as_ref()).await?;
    change.commit().await?;
    Ok(())
}

/// Ends every open attempt of a mailbox (but `except`) and forgets its
/// code; returns how many ended.
pub async fn end_open_attempts<C: sea_orm::ConnectionTrait>(
    db: &C,
    mailbox_id: i32,
    except: Option<i32>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let mut q = reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::CancelledAt, Expr::value(now))
        .col_expr(reset_attempt::Column::CodeMac, Expr::value(Option::<String>::None))
        .filter(reset_attempt::Column::MailboxId.eq(mailbox_id))
        .filter(reset_attempt::Column::CompletedAt.is_null())
        .filter(reset_attempt::Column::CancelledAt.is_null());
    if let Some(id) = except {
        q = q.filter(reset_attempt::Column::Id.ne(id));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Forgets the attempt (the "use another address" link).
pub async fn cancel(state: &AppState, token: &str) -> DomainResult<()> {
    let now = state.now();
    reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::CancelledAt, Expr::value(now))
        .filter(reset_attempt::Column::TokenHash.eq(sha256_hex(token.as_bytes())))
        .filter(reset_attempt::Column::CompletedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(())
}

fn is_code_format(code: &str) -> bool {
    code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())
}

/// Checks a guess at the attempt's code. Each guess first takes a slot, in
/// one conditional UPDATE per counter, and only then is compared, so 40
/// parallel guesses get at most [`MAX_WRONG_GUESSES`] comparisons on the
/// attempt and at most [`WRONG_CODES_PER_ACCOUNT`] on the address across all
/// its attempts. A right code gives its account slot back and is consumed in
/// the statement that marks the attempt verified (single use).
async fn check_code(state: &AppState, a: &reset_attempt::Model, code: &str, ip: Option<&str>) -> DomainResult<()> {
    let now = state.now();
    if !rate_limit::hit(&state.db, &GUESSES_PER_IP, &rate_limit::client_key(ip), now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: GUESSES_PER_IP.retry_after(now) });
    }
    if a.code_expires_at.is_none_or(|t| now >= t) {
        return Err(DomainError::field("code", ErrorCode::CodeExpired));
    }
    // The attempt's slot: this code's guesses.
    let slot = reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::WrongGuesses, Expr::col(reset_attempt::Column::WrongGuesses).add(1))
        .filter(reset_attempt::Column::Id.eq(a.id))
        .filter(reset_attempt::Column::CodeSeq.eq(a.code_seq))
        .filter(reset_attempt::Column::VerifiedAt.is_null())
        .filter(reset_attempt::Column::WrongGuesses.lt(MAX_WRONG_GUESSES))
        .exec_with_returning(&state.db)
        .await?;
    let Some(guesses) = slot.first().map(|r| r.wrong_guesses) else {
        return Err(DomainError::field("code", ErrorCode::CodeDead));
    };
    let wrong = || {
        let left = MAX_WRONG_GUESSES - guesses;
        let err = if left <= 0 { FieldError::new("code", ErrorCode::CodeDead) } else { FieldError::new("code", ErrorCode::CodeWrong).with_arg(left) };
        Err(DomainError::Invalid(err.into()))
    };
    // The account's slot: wrong codes of this address over any 24 hours.
    // Past the ceiling every guess is wrong, as for an unknown address.
    let Some(taken) = rate_limit::take(&state.db, &WRONG_CODES_PER_ACCOUNT, &a.address, now).await? else {
        return wrong();
    };
    let right =
        a.mailbox_id.is_some() && a.code_mac.as_deref().is_some_and(|mac| state.keys.code_matches(&code_context(a.id, a.mailbox_id, a.code_seq), code, mac));
    if !right {
        if taken >= WRONG_CODES_PER_ACCOUNT.max {
            pause(state, a, ip).await?;
        }
        return wrong();
    }
    rate_limit::release(&state.db, &WRONG_CODES_PER_ACCOUNT, &a.address).await?;
    let verified = reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::VerifiedAt, Expr::value(now))
        .col_expr(reset_attempt::Column::CodeMac, Expr::value(Option::<String>::None))
        .col_expr(reset_attempt::Column::WrongGuesses, Expr::col(reset_attempt::Column::WrongGuesses).sub(1))
        .filter(reset_attempt::Column::Id.eq(a.id))
        .filter(reset_attempt::Column::CodeSeq.eq(a.code_seq))
        .filter(reset_attempt::Column::CodeMac.is_not_null())
        .exec(&state.db)
        .await?
        .rows_affected;
    if verified != 1 {
        return Err(DomainError::field("code", ErrorCode::CodeExpired));
    }
    Ok(())
}

/// The address reached its ceiling of wrong codes: every open attempt dies,
/// the owner hears it once (this is the guess that reached it), and the
/// audit log keeps it. Unknown addresses get the same treatment minus the
/// messages, so the page cannot tell them apart.
async fn pause(state: &AppState, a: &reset_attempt::Model, ip: Option<&str>) -> DomainResult<()> {
    let now = state.now();
    let mut change = Change::begin(state, Who::public(a.address.clone(), ip.map(str::to_string))).await?;
    reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::CancelledAt, Expr::value(now))
        .col_expr(reset_attempt::Column::CodeMac, Expr::value(Option::<String>::None))
        .filter(reset_attempt::Column::Address.eq(&a.address))
        .filter(reset_attempt::Column::CompletedAt.is_null())
        .filter(reset_attempt::Column::CancelledAt.is_null())
        .exec(&*change)
        .await?;
    if let Some(mb) = mailbox::Entity::find().filter(mailbox::Column::Address.eq(&a.address)).one(&*change).await? {
        change
            .log("reset.paused", "mailbox", mb.id, json!({ "wrong_codes": WRONG_CODES_PER_ACCOUNT.max, "hours": WRONG_CODES_PER_ACCOUNT.window.num_hours() }))
            .await?;
        notify::resets_paused(state, &mut change, &mb).await?;
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Step 2: code (unless already verified) and the new password twice.
/// A correct code is remembered even when the password is refused, so the
/// owner only fixes the password (a reset-only state, not a sign-in).
pub async fn complete(state: &AppState, token: &str, code: &str, password: &str, confirm: &str, ip: Option<String>) -> DomainResult<String> {
    let now = state.now();
    let a = live_attempt(state, token, now).await?.ok_or_else(|| DomainError::field("address", ErrorCode::ResetExpired))?;
    if a.verified_at.is_none() {
        // Every problem of the form at once: the code's and the password's
        // together, not one per submit. Until the code is right only the
        // checks that do not depend on whose account it is are made (an
        // unknown address must read exactly like a known one).
        let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        let code_error = if code.is_empty() {
            Some(FieldError::new("code", ErrorCode::Required).into())
        } else if !is_code_format(&code) {
            Some(FieldError::new("code", ErrorCode::CodeFormat).into())
        } else {
            match check_code(state, &a, &code, ip.as_deref()).await {
                Ok(()) => None,
                Err(DomainError::Invalid(wrong)) => Some(wrong),
                Err(other) => return Err(other),
            }
        };
        // a right code is remembered, and the password gets the full check below
        if let Some(code_errors) = code_error {
            let anyone = Personal { address: &a.address, name: None, nip: None };
            let mut errors = password_policy::check_new_password(password, confirm, state.config.password_min_len, &anyone);
            code_errors.0.into_iter().for_each(|e| errors.push(e));
            return Err(errors.into());
        }
    }
    let mailbox_id = a.mailbox_id.ok_or(DomainError::NotFound)?;
    let mb = mailbox::Entity::find_by_id(mailbox_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    let person = match mb.person_id {
        Some(id) => person::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let who = Personal {
        address: &mb.address,
        name: person.as_ref().map(|p| p.name.as_str()).or(Some(&mb.display_name)),
        nip: person.as_ref().and_then(|p| p.nip.as_deref()),
    };
    password_policy::check_new_password(password, confirm, state.config.password_min_len, &who).into_result()?;
    let hash = state.hasher.hash(password.to_string()).await;

    let mut change = Change::begin(state, Who::public(mb.address.clone(), ip)).await?;
    let done = reset_attempt::Entity::update_many()
        .col_expr(reset_attempt::Column::CompletedAt, Expr::value(now))
        .filter(reset_attempt::Column::Id.eq(a.id))
        .filter(reset_attempt::Column::CompletedAt.is_null())
        .exec(&*change)
        .await?
        .rows_affected;
    if done != 1 {
        return Err(DomainError::field("address", ErrorCode::ResetExpired));
    }
    // Every other open attempt (and its code) for this mailbox dies.
    end_open_attempts(&*change, mailbox_id, Some(a.id), now).await?;
    set_password(&mut change, mailbox_id, hash).await?;
    let links = super::activation::revoke_links(&*change, mailbox_id, now).await?;
    change.log("reset.completed", "mailbox", mailbox_id, json!({ "attempt": a.id, "activation_links_ended": links })).await?;
    notify::password_changed(state, &mut change, &mb, person.as_ref(), notify::ChangedVia::Reset).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(mb.address)
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_format_is_six_digits() {
        assert!(super::is_code_format("012345"));
        assert!(!super::is_code_format("12345"));
        assert!(!super::is_code_format("12345a"));
        assert!(!super::is_code_format("١٢٣٤٥٦")); // Arabic-Indic digits are not ASCII
    }
}
