//! Proof that a person without an account holds a phone: a 6-digit code goes
//! by SMS (through the outbox), the browser keeps a random token, and the
//! person types the code back. Used by ASN applicants (SOP 002) for the number
//! they give and to follow their request.
//!
//! The database keeps the token's hash and the code's HMAC (bound to the
//! proof), never either in plain text. A code is valid 10 minutes, allows 5
//! wrong guesses and is used once; a new code for the same subject is refused
//! within 60 seconds, and SMS per number and attempts per address are counted
//! in the database so every instance shares the limits.
use crate::audit::{Change, Who};
use crate::crypto::{random_code, random_token, sha256_hex};
use crate::entities::phone_proof;
use crate::notify;
use crate::outbox::Channel;
use crate::rate_limit::{self, Limit};
use crate::{AppState, DomainError, DomainResult};
use chrono::Duration;
use model::ErrorCode;
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

/// A checked code, to be consumed by the change it authorises.
pub use super::entities::phone_proof::Model as Proof;

pub const CODE_TTL_MINUTES: i64 = 10;
pub const MAX_WRONG_GUESSES: i32 = 5;
pub const RESEND_COOLDOWN_SECS: i64 = 60;
// Generous per address: a whole office may share one address behind NAT;
// the per-number limit is what protects people's phones.
const SENDS_PER_IP: Limit = Limit::new("proof-send-ip", 60, 3600);
const SENDS_PER_NUMBER: Limit = Limit::new("proof-send-number", 5, 24 * 3600);
const GUESSES_PER_IP: Limit = Limit::new("proof-guess-ip", 60, 3600);
/// One code a minute per subject: a ceiling of one over any 60 seconds.
const COOLDOWN: Limit = Limit::new("proof-cooldown", 1, RESEND_COOLDOWN_SECS);
/// Wrong codes per subject (a number, a ticket) over any 24 hours, across
/// all its proofs: new codes bring no fresh budget past it.
pub const WRONG_CODES_PER_SUBJECT: Limit = Limit::new("proof-wrong-subject", 20, 24 * 3600);

/// What a code proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The number given on the application form (subject: the E.164 number).
    Apply,
    /// The applicant may read their request (subject: the ticket number).
    Status,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::Apply => "apply",
            Purpose::Status => "status",
        }
    }
}

fn context(id: i32) -> String {
    format!("proof:{id}")
}

/// Sends a code about `subject` to `phone` and returns the browser's token.
/// With no phone (an unknown ticket) the answer is the same and no SMS leaves.
pub async fn send(
    state: &AppState,
    purpose: Purpose,
    subject: &str,
    phone: Option<&str>,
    text: impl Fn(&str) -> String,
    ip: Option<String>,
) -> DomainResult<String> {
    let now = state.now();
    let ip_key = rate_limit::client_key(ip.as_deref());
    let subject_key = format!("{}:{subject}", purpose.code());
    // One code a minute per subject, taken before anything else (one
    // conditional statement: two parallel sends get one code), so the answer
    // does not depend on whether the subject exists.
    if rate_limit::take(&state.db, &COOLDOWN, &subject_key, now).await?.is_none() {
        return Err(DomainError::RateLimited { retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &COOLDOWN, &subject_key, now).await? });
    }
    if rate_limit::ceiling_reached(&state.db, &WRONG_CODES_PER_SUBJECT, &subject_key, now).await? {
        return Err(DomainError::RateLimited {
            retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &WRONG_CODES_PER_SUBJECT, &subject_key, now).await?,
        });
    }
    if !rate_limit::hit(&state.db, &SENDS_PER_IP, &ip_key, now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: SENDS_PER_IP.retry_after(now) });
    }
    if let Some(p) = phone {
        if !rate_limit::hit(&state.db, &SENDS_PER_NUMBER, p, now).await? {
            return Err(DomainError::RateLimited { retry_after_secs: SENDS_PER_NUMBER.retry_after(now) });
        }
    }
    let token = random_token();
    let code = random_code();
    let mut change = Change::begin(state, Who::public(format!("{}:{subject}", purpose.code()), ip.clone())).await?;
    let row = phone_proof::ActiveModel {
        token_hash: Set(sha256_hex(token.as_bytes())),
        purpose: Set(purpose.code().into()),
        subject: Set(subject.to_string()),
        phone: Set(phone.map(str::to_string)),
        // replaced below, once the id (the MAC's context) is known
        code_mac: Set(String::new()),
        code_expires_at: Set(now + Duration::minutes(CODE_TTL_MINUTES)),
        wrong_guesses: Set(0),
        used_at: Set(None),
        created_at: Set(now),
        ip: Set(ip),
        ..Default::default()
    }
    .insert(&*change)
    .await?;
    let mut am: phone_proof::ActiveModel = row.clone().into();
    am.code_mac = Set(state.keys.code_mac(&context(row.id), &code));
    am.update(&*change).await?;
    if let Some(p) = phone {
        let key = format!("proof:{}:sms", row.id);
        notify::send(state, &change, Channel::Sms, p, None, text(&code), key, Some(format!("proof:{}", purpose.code()))).await?;
    }
    change.log("phone_proof.send", "phone_proof", row.id, json!({ "purpose": purpose.code(), "sent": phone.is_some() })).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(token)
}

/// Checks a code (field `field` gets the error). A wrong guess is counted at
/// once, outside any caller's transaction; the proof is not yet used up.
/// Returns the proof, to be consumed with [`consume`] in the caller's change.
pub async fn check(
    state: &AppState,
    purpose: Purpose,
    subject: &str,
    token: &str,
    code: &str,
    field: &str,
    ip: Option<&str>,
) -> DomainResult<phone_proof::Model> {
    let now = state.now();
    let code = code.trim();
    if code.is_empty() {
        return Err(DomainError::field(field, ErrorCode::Required));
    }
    if !rate_limit::hit(&state.db, &GUESSES_PER_IP, &rate_limit::client_key(ip), now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: GUESSES_PER_IP.retry_after(now) });
    }
    let row = phone_proof::Entity::find().filter(phone_proof::Column::TokenHash.eq(sha256_hex(token.trim().as_bytes()))).one(&state.db).await?;
    let Some(row) = row.filter(|r| r.purpose == purpose.code() && r.subject == subject && r.used_at.is_none()) else {
        // no proof for this subject (never sent, or another number): ask for a code
        return Err(DomainError::field(field, ErrorCode::CodeNotSent));
    };
    if row.code_expires_at <= now {
        return Err(DomainError::field(field, ErrorCode::CodeExpired));
    }
    // Take this proof's guess slot before comparing (one conditional UPDATE:
    // parallel guesses cannot all be compared), then the subject's.
    let slot = phone_proof::Entity::update_many()
        .col_expr(phone_proof::Column::WrongGuesses, Expr::col(phone_proof::Column::WrongGuesses).add(1))
        .filter(phone_proof::Column::Id.eq(row.id))
        .filter(phone_proof::Column::UsedAt.is_null())
        .filter(phone_proof::Column::WrongGuesses.lt(MAX_WRONG_GUESSES))
        .exec_with_returning(&state.db)
        .await?;
    let Some(guesses) = slot.first().map(|r| r.wrong_guesses) else {
        return Err(DomainError::field(field, ErrorCode::CodeDead));
    };
    let left = MAX_WRONG_GUESSES - guesses;
    let wrong = || {
        Err(if left <= 0 {
            DomainError::field(field, ErrorCode::CodeDead)
        } else {
            DomainError::Invalid(model::validation::FieldError::new(field, ErrorCode::CodeWrong).with_arg(left).into())
        })
    };
    let subject_key = format!("{}:{subject}", purpose.code());
    if rate_limit::take(&state.db, &WRONG_CODES_PER_SUBJECT, &subject_key, now).await?.is_none() {
        return wrong();
    }
    if row.phone.is_none() || !state.keys.code_matches(&context(row.id), code, &row.code_mac) {
        return wrong();
    }
    // A right code is no wrong guess.
    rate_limit::release(&state.db, &WRONG_CODES_PER_SUBJECT, &subject_key).await?;
    phone_proof::Entity::update_many()
        .col_expr(phone_proof::Column::WrongGuesses, Expr::col(phone_proof::Column::WrongGuesses).sub(1))
        .filter(phone_proof::Column::Id.eq(row.id))
        .exec(&state.db)
        .await?;
    Ok(row)
}

/// Uses a checked proof up, inside the change it authorises. Two submissions
/// racing with one code: the second finds it used.
pub async fn consume(change: &Change, proof: &phone_proof::Model, field: &str) -> DomainResult<()> {
    let done = phone_proof::Entity::update_many()
        .col_expr(phone_proof::Column::UsedAt, Expr::value(Some(change.now())))
        .filter(phone_proof::Column::Id.eq(proof.id))
        .filter(phone_proof::Column::UsedAt.is_null())
        .exec(&**change)
        .await?;
    if done.rows_affected != 1 {
        return Err(DomainError::field(field, ErrorCode::CodeNotSent));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{last_code, state_with_clock};

    fn codes(e: DomainError) -> String {
        match e {
            DomainError::Invalid(f) => f.0.iter().map(|e| e.code.to_string()).collect::<Vec<_>>().join(","),
            other => format!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_code_proves_the_number_once() {
        let (state, clock) = state_with_clock().await;
        let phone = "+6281277770001";
        let token = send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await.unwrap();
        // a second code within a minute is refused
        assert!(matches!(send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await, Err(DomainError::RateLimited { .. })));
        let code = last_code(&state).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(codes(check(&state, Purpose::Apply, phone, &token, wrong, "phone_code", None).await.unwrap_err()), "code_wrong");
        // bound to its subject: not valid for another number or purpose
        assert_eq!(codes(check(&state, Purpose::Apply, "+6281277770002", &token, &code, "phone_code", None).await.unwrap_err()), "code_not_sent");
        assert_eq!(codes(check(&state, Purpose::Status, phone, &token, &code, "phone_code", None).await.unwrap_err()), "code_not_sent");
        let proof = check(&state, Purpose::Apply, phone, &token, &code, "phone_code", None).await.unwrap();
        let change = Change::begin(&state, Who::system("test")).await.unwrap();
        consume(&change, &proof, "phone_code").await.unwrap();
        change.commit().await.unwrap();
        assert_eq!(codes(check(&state, Purpose::Apply, phone, &token, &code, "phone_code", None).await.unwrap_err()), "code_not_sent", "single use");
        // expiry
        clock.advance(Duration::minutes(2));
        let token = send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await.unwrap();
        let code = last_code(&state).await;
        clock.advance(Duration::minutes(CODE_TTL_MINUTES + 1));
        assert_eq!(codes(check(&state, Purpose::Apply, phone, &token, &code, "phone_code", None).await.unwrap_err()), "code_expired");
    }

    #[tokio::test]
    async fn five_wrong_guesses_lock_the_code() {
        let (state, _) = state_with_clock().await;
        let phone = "+6281277770003";
        let token = send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await.unwrap();
        let code = last_code(&state).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..MAX_WRONG_GUESSES {
            assert!(check(&state, Purpose::Apply, phone, &token, wrong, "c", None).await.is_err());
        }
        assert_eq!(codes(check(&state, Purpose::Apply, phone, &token, &code, "c", None).await.unwrap_err()), "code_dead");
    }

    #[tokio::test]
    async fn an_unknown_subject_gets_the_same_answer_and_no_sms() {
        let (state, _) = state_with_clock().await;
        let token = send(&state, Purpose::Status, "SRL-2026-999999", None, |c| format!("kode {c}"), None).await.unwrap();
        assert_eq!(token.len(), 43);
        let sent = crate::entities::outbox::Entity::find().filter(crate::entities::outbox::Column::Related.eq("proof:status")).all(&state.db).await.unwrap();
        assert!(sent.is_empty());
        // any code fails like a wrong guess
        assert_eq!(codes(check(&state, Purpose::Status, "SRL-2026-999999", &token, "123456", "code", None).await.unwrap_err()), "code_wrong");
    }

    /// New codes bring no fresh budget: 20 wrong codes for one number over
    /// any 24 hours and no further code is sent for it until a quiet day.
    #[tokio::test]
    async fn a_subject_has_a_ceiling_across_its_codes() {
        let (state, clock) = state_with_clock().await;
        let phone = "+6281277770004";
        for _ in 0..4 {
            let token = send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await.unwrap();
            let code = last_code(&state).await;
            let wrong = if code == "000000" { "111111" } else { "000000" };
            for _ in 0..MAX_WRONG_GUESSES {
                assert!(check(&state, Purpose::Apply, phone, &token, wrong, "c", None).await.is_err());
            }
            clock.advance(Duration::seconds(RESEND_COOLDOWN_SECS + 1));
        }
        assert!(matches!(send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await, Err(DomainError::RateLimited { .. })));
        clock.advance(Duration::hours(24));
        let token = send(&state, Purpose::Apply, phone, Some(phone), |c| format!("kode {c}"), None).await.unwrap();
        let code = last_code(&state).await;
        check(&state, Purpose::Apply, phone, &token, &code, "c", None).await.unwrap();
    }
}
