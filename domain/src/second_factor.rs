//! Staff second factor: something an SMS cannot deliver.
//!
//! A right password no longer makes a session. It opens a short-lived
//! *challenge* (a cookie); the session is made only when the challenge is
//! met with a TOTP code, a passkey (see [`super::passkeys`]) or a one-time
//! recovery code. A staff member without a factor must enroll one before
//! any staff page opens. A password reset through `/ganti-sandi` changes the
//! password only: factors stay as they are.
//!
//! - TOTP (RFC 6238): SHA-1, 6 digits, 30 s, ±1 step, each step accepted once
//!   per factor (one conditional UPDATE on `last_step`). The secret is sealed
//!   with the server key.
//! - Recovery codes: 10, shown once, kept as keyed hashes, each works once.
//! - Wrong codes count toward the sign-in ceiling per account
//!   ([`super::auth::LOGIN_PER_ACCOUNT`]), taken before the code is checked.
use crate::audit::{Change, Who};
use crate::auth::{Actor, SignedIn, LOGIN_PER_ACCOUNT};
use crate::crypto::{random_below, random_token, sha256_hex};
use crate::entities::{mailbox, recovery_code, sign_in_challenge as challenge, staff_factor as factor};
use crate::outbox::Channel;
use crate::{notify, rate_limit, sessions, AppState, DomainError, DomainResult};
use chrono::{Duration, Utc};
use model::{ErrorCode, FactorRow, SecurityOverview, TotpSetup};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// How long the step between the password and the second factor may take.
pub const CHALLENGE_MINUTES: i64 = 10;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// TOTP time step, seconds.
pub const STEP_SECS: i64 = 30;
/// The TOTP secret every demo staff member gets from `seed-demo`, so the
/// demo stays usable and tests can compute codes. Never for real accounts.
pub const DEMO_TOTP_SECRET: &str = "KRUXEZLMJVQWY2LEMVWW6MRQGI3FGVKS";

/// What a right password leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The staff member has a factor: ask for it.
    Verify,
    /// No factor yet: enroll one first.
    Enroll,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Enroll => "enroll",
        }
    }
    fn from_code(s: &str) -> Option<Self> {
        match s {
            "verify" => Some(Purpose::Verify),
            "enroll" => Some(Purpose::Enroll),
            _ => None,
        }
    }
    /// The page that asks for it.
    pub fn path(self) -> &'static str {
        match self {
            Purpose::Verify => "/masuk/verifikasi",
            Purpose::Enroll => "/masuk/faktor-baru",
        }
    }
}

/// The password step's outcome: the challenge cookie's value and where to go.
#[derive(Clone, Debug)]
pub struct Opened {
    pub token: String,
    pub purpose: Purpose,
}

/// Which kind of code the second step was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Totp,
    Recovery,
}

// ---- TOTP ------------------------------------------------------------------

fn totp(secret: &[u8]) -> Totp {
    // skew 0: the ±1 window is walked here, so each step can be checked against `last_step`
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(0)
        .with_step_duration(STEP_SECS as u64)
        .with_secret(secret.to_vec())
        .build_noncompliant()
}

/// The code of `secret` for time step `step` (the demo command and tests).
pub fn code_at(secret_base32: &str, step: i64) -> String {
    let secret = Secret::try_from_base32(secret_base32).map(|s| s.as_bytes().to_vec()).unwrap_or_default();
    totp(&secret).generate((step * STEP_SECS) as u64).to_string()
}

/// The current time step.
pub fn step_of(now: chrono::DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECS)
}

fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// What an authenticator app needs: the secret in groups of four for
/// typing, and the `otpauth://` URL as a QR code (SVG, made on the server).
pub fn setup_for(secret: &[u8], address: &str) -> TotpSetup {
    let b32 = base32(secret);
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let url = format!("otpauth://totp/Surel:{}?secret={b32}&issuer=Surel&algorithm=SHA1&digits=6&period={STEP_SECS}", enc(address));
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build())
        .unwrap_or_default();
    let groups = b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_string()).collect::<Vec<_>>().join(" ");
    TotpSetup { secret_groups: groups, qr_svg: svg, otpauth_url: url }
}

fn new_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut b = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

fn open_secret(state: &AppState, f: &factor::Model) -> Option<Vec<u8>> {
    let b32 = state.keys.open(f.secret_sealed.as_deref()?)?;
    Secret::try_from_base32(b32).ok().map(|s| s.as_bytes().to_vec())
}

/// A TOTP secret sealed for storage.
fn seal_secret(state: &AppState, secret: &[u8]) -> String {
    state.keys.seal(&base32(secret))
}

/// Checks `code` against one TOTP factor for steps now−1..=now+1 newer than
/// the last step it accepted, and takes the step in one conditional UPDATE
/// (a code works once, even from two tabs at the same moment).
async fn take_totp_step<C: ConnectionTrait>(db: &C, state: &AppState, f: &factor::Model, code: &str) -> DomainResult<bool> {
    let Some(secret) = open_secret(state, f) else { return Ok(false) };
    let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    if code.len() != 6 {
        return Ok(false);
    }
    let t = totp(&secret);
    let now = step_of(state.now());
    for step in (now - 1)..=(now + 1) {
        if f.last_step.is_some_and(|last| step <= last) || t.check(&code, (step * STEP_SECS) as u64).is_none() {
            continue;
        }
        let taken = factor::Entity::update_many()
            .col_expr(factor::Column::LastStep, Expr::value(Some(step)))
            .col_expr(factor::Column::LastUsedAt, Expr::value(Some(state.now())))
            .filter(factor::Column::Id.eq(f.id))
            .filter(factor::Column::LastStep.is_null().or(factor::Column::LastStep.lt(step)))
            .exec(db)
            .await?
            .rows_affected;
        return Ok(taken == 1);
    }
    Ok(false)
}

async fn confirmed_factors<C: ConnectionTrait>(db: &C, mailbox_id: i32) -> Result<Vec<factor::Model>, sea_orm::DbErr> {
    factor::Entity::find()
        .filter(factor::Column::MailboxId.eq(mailbox_id))
        .filter(factor::Column::ConfirmedAt.is_not_null())
        .order_by_asc(factor::Column::Id)
        .all(db)
        .await
}

/// Whether the mailbox has a factor it can sign in with.
pub async fn has_factor<C: ConnectionTrait>(db: &C, mailbox_id: i32) -> Result<bool, sea_orm::DbErr> {
    Ok(factor::Entity::find().filter(factor::Column::MailboxId.eq(mailbox_id)).filter(factor::Column::ConfirmedAt.is_not_null()).count(db).await? > 0)
}

/// The mailbox's TOTP secret waiting for its first code: the one already
/// waiting, or a new one. (Reloading the enrollment page shows the same QR.)
async fn pending_totp(state: &AppState, mb: &mailbox::Model) -> DomainResult<TotpSetup> {
    let waiting = factor::Entity::find()
        .filter(factor::Column::MailboxId.eq(mb.id))
        .filter(factor::Column::Kind.eq("totp"))
        .filter(factor::Column::ConfirmedAt.is_null())
        .one(&state.db)
        .await?;
    let secret = match waiting.as_ref().and_then(|f| open_secret(state, f)) {
        Some(s) => s,
        None => {
            let s = new_secret();
            factor::ActiveModel {
                mailbox_id: Set(mb.id),
                kind: Set("totp".into()),
                name: Set("Aplikasi autentikator".into()),
                secret_sealed: Set(Some(seal_secret(state, &s))),
                created_at: Set(state.now()),
                ..Default::default()
            }
            .insert(&state.db)
            .await?;
            s
        }
    };
    Ok(setup_for(&secret, &mb.address))
}

/// Confirms the waiting TOTP secret with its first code: it becomes the
/// mailbox's TOTP factor, replacing an older one.
async fn confirm_pending_totp(state: &AppState, change: &mut Change, mailbox_id: i32, code: &str) -> DomainResult<bool> {
    let Some(waiting) = factor::Entity::find()
        .filter(factor::Column::MailboxId.eq(mailbox_id))
        .filter(factor::Column::Kind.eq("totp"))
        .filter(factor::Column::ConfirmedAt.is_null())
        .one(&**change)
        .await?
    else {
        return Ok(false);
    };
    if !take_totp_step(&**change, state, &waiting, code).await? {
        return Ok(false);
    }
    factor::Entity::delete_many()
        .filter(factor::Column::MailboxId.eq(mailbox_id))
        .filter(factor::Column::Kind.eq("totp"))
        .filter(factor::Column::Id.ne(waiting.id))
        .exec(&**change)
        .await?;
    factor::Entity::update_many()
        .col_expr(factor::Column::ConfirmedAt, Expr::value(Some(change.now())))
        .filter(factor::Column::Id.eq(waiting.id))
        .exec(&**change)
        .await?;
    change.log("factor.totp_added", "mailbox", mailbox_id, json!({ "factor": waiting.id })).await?;
    Ok(true)
}

// ---- Recovery codes ----------------------------------------------------------

fn recovery_hash(state: &AppState, mailbox_id: i32, code: &str) -> String {
    state.keys.code_mac(&format!("recovery:{mailbox_id}"), &normalize_recovery(code))
}

/// Recovery codes are typed from paper: case, spaces and dashes do not matter.
fn normalize_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// `xxxx-xxxx-xx`: 10 characters from an alphabet without look-alikes (≈ 50 bits).
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let c: String = (0..10).map(|_| ALPHABET[random_below(ALPHABET.len() as u32) as usize] as char).collect();
    format!("{}-{}-{}", &c[..4], &c[4..8], &c[8..])
}

/// Replaces the mailbox's recovery codes with new ones; returns them (the
/// only time they are ever shown).
pub async fn new_recovery_codes(change: &mut Change, state: &AppState, mailbox_id: i32) -> DomainResult<Vec<String>> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::MailboxId.eq(mailbox_id)).exec(&**change).await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for c in &codes {
        recovery_code::ActiveModel {
            mailbox_id: Set(mailbox_id),
            code_hash: Set(recovery_hash(state, mailbox_id, c)),
            used_at: Set(None),
            created_at: Set(change.now()),
            ..Default::default()
        }
        .insert(&**change)
        .await?;
    }
    change.log("factor.recovery_codes_made", "mailbox", mailbox_id, json!({ "count": codes.len() })).await?;
    Ok(codes)
}

/// Uses one recovery code up (conditional on still being unused).
async fn use_recovery_code<C: ConnectionTrait>(db: &C, state: &AppState, mailbox_id: i32, code: &str) -> DomainResult<bool> {
    if normalize_recovery(code).len() != 10 {
        return Ok(false);
    }
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Some(state.now())))
        .filter(recovery_code::Column::MailboxId.eq(mailbox_id))
        .filter(recovery_code::Column::CodeHash.eq(recovery_hash(state, mailbox_id, code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    Ok(used == 1)
}

// ---- Challenges ------------------------------------------------------------

/// After a right password: a challenge for the second step (or enrollment).
pub async fn open_challenge(change: &mut Change, mailbox_id: i32, next: &str, ip: Option<String>, user_agent: Option<String>) -> DomainResult<Opened> {
    let now = change.now();
    let purpose = if has_factor(&**change, mailbox_id).await? { Purpose::Verify } else { Purpose::Enroll };
    let token = random_token();
    challenge::ActiveModel {
        token_hash: Set(sha256_hex(token.as_bytes())),
        mailbox_id: Set(mailbox_id),
        purpose: Set(purpose.code().into()),
        next_path: Set(next.to_string()),
        webauthn_state: Set(None),
        ip: Set(ip),
        user_agent: Set(user_agent.map(|u| u.chars().take(200).collect())),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(CHALLENGE_MINUTES)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    change.log("auth.password_ok", "mailbox", mailbox_id, json!({ "next_step": purpose.code() })).await?;
    Ok(Opened { token, purpose })
}

/// The live challenge of `token` for one step (password checked, second
/// step or enrollment pending); any other is expired, as far as the page
/// can tell.
pub async fn challenge_for(state: &AppState, token: &str, purpose: Purpose) -> DomainResult<(challenge::Model, mailbox::Model)> {
    match live_challenge(state, token).await? {
        Some((c, mb, p)) if p == purpose => Ok((c, mb)),
        _ => Err(DomainError::field("code", ErrorCode::ChallengeExpired)),
    }
}

/// A live challenge and its mailbox (still active staff).
pub async fn live_challenge(state: &AppState, token: &str) -> DomainResult<Option<(challenge::Model, mailbox::Model, Purpose)>> {
    let now = state.now();
    let Some(c) = challenge::Entity::find().filter(challenge::Column::TokenHash.eq(sha256_hex(token.as_bytes()))).one(&state.db).await? else {
        return Ok(None);
    };
    if c.used_at.is_some() || now >= c.expires_at {
        return Ok(None);
    }
    let Some(purpose) = Purpose::from_code(&c.purpose) else { return Ok(None) };
    let Some(mb) = mailbox::Entity::find_by_id(c.mailbox_id).one(&state.db).await?.filter(|m| m.status == "active") else {
        return Ok(None);
    };
    if super::auth::grants_of(&state.db, mb.id).await?.is_empty() {
        return Ok(None);
    }
    Ok(Some((c, mb, purpose)))
}

/// What the second-step and enrollment pages show.
#[derive(Clone, Debug)]
pub struct StepInfo {
    pub purpose: Purpose,
    pub address: String,
    pub has_totp: bool,
    pub has_passkey: bool,
    /// Enrollment: the TOTP secret to add.
    pub setup: Option<TotpSetup>,
}

pub async fn step_info(state: &AppState, token: &str) -> DomainResult<Option<StepInfo>> {
    let Some((_, mb, purpose)) = live_challenge(state, token).await? else { return Ok(None) };
    let factors = confirmed_factors(&state.db, mb.id).await?;
    let setup = match purpose {
        Purpose::Enroll => Some(pending_totp(state, &mb).await?),
        Purpose::Verify => None,
    };
    Ok(Some(StepInfo {
        purpose,
        address: mb.address.clone(),
        has_totp: factors.iter().any(|f| f.kind == "totp"),
        has_passkey: factors.iter().any(|f| f.kind == "passkey"),
        setup,
    }))
}

/// Takes the account's sign-in slot for a second-factor guess (wrong codes
/// count toward the same ceiling as wrong passwords).
async fn take_slot(state: &AppState, address: &str) -> DomainResult<()> {
    let now = state.now();
    if rate_limit::take(&state.db, &LOGIN_PER_ACCOUNT, address, now).await?.is_none() {
        return Err(DomainError::RateLimited { retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &LOGIN_PER_ACCOUNT, address, now).await? });
    }
    Ok(())
}

async fn wrong(state: &AppState, mb: &mailbox::Model, ip: Option<String>, field: &str, code: ErrorCode) -> DomainError {
    if let Ok(mut change) = Change::begin(state, Who::public(mb.address.clone(), ip)).await {
        if change.log("auth.second_factor_failed", "mailbox", mb.id, json!({ "kind": code })).await.is_ok() {
            let _ = change.commit().await;
        }
    }
    DomainError::field(field, code)
}

/// Ends the challenge and makes the session (both steps done).
pub(crate) async fn finish(
    state: &AppState,
    change: &mut Change,
    c: &challenge::Model,
    mb: &mailbox::Model,
    factor_kind: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> DomainResult<(SignedIn, String)> {
    let now = change.now();
    let ended = challenge::Entity::update_many()
        .col_expr(challenge::Column::UsedAt, Expr::value(Some(now)))
        .filter(challenge::Column::Id.eq(c.id))
        .filter(challenge::Column::UsedAt.is_null())
        .exec(&**change)
        .await?
        .rows_affected;
    if ended != 1 {
        return Err(DomainError::field("code", ErrorCode::ChallengeExpired));
    }
    rate_limit::clear_ceiling(&**change, &LOGIN_PER_ACCOUNT, &mb.address).await?;
    let (token, s) = sessions::create(&**change, state, mb.id, now, ip, user_agent, Some(factor_kind)).await?;
    change.log("auth.sign_in", "session", s.id, json!({ "factor": factor_kind })).await?;
    Ok((SignedIn { token, locale: mb.ui_locale.clone() }, c.next_path.clone()))
}

/// The second step with a TOTP or recovery code. Returns the session and
/// where to go next.
pub async fn verify(
    state: &AppState,
    token: &str,
    kind: CodeKind,
    code: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> DomainResult<(SignedIn, String)> {
    let (c, mb) = challenge_for(state, token, Purpose::Verify).await?;
    if code.trim().is_empty() {
        return Err(DomainError::field("code", ErrorCode::Required));
    }
    take_slot(state, &mb.address).await?;
    let mut change = Change::begin(state, Who::staff(mb.id, &mb.address, ip.clone())).await?;
    let ok = match kind {
        CodeKind::Totp => {
            let mut ok = false;
            for f in confirmed_factors(&*change, mb.id).await?.iter().filter(|f| f.kind == "totp") {
                if take_totp_step(&*change, state, f, code).await? {
                    ok = true;
                    break;
                }
            }
            ok
        }
        CodeKind::Recovery => use_recovery_code(&*change, state, mb.id, code).await?,
    };
    if !ok {
        drop(change);
        return Err(wrong(state, &mb, ip, "code", if kind == CodeKind::Totp { ErrorCode::TotpWrong } else { ErrorCode::RecoveryWrong }).await);
    }
    let factor_kind = if kind == CodeKind::Totp { "totp" } else { "recovery" };
    if kind == CodeKind::Recovery {
        let left = recovery_code::Entity::find()
            .filter(recovery_code::Column::MailboxId.eq(mb.id))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&*change)
            .await?;
        change.log("factor.recovery_code_used", "mailbox", mb.id, json!({ "left": left })).await?;
    }
    let out = finish(state, &mut change, &c, &mb, factor_kind, ip, user_agent).await?;
    change.commit().await?;
    Ok(out)
}

/// Enrollment at sign-in: the first TOTP code confirms the secret shown; the
/// session is made and ten recovery codes are returned, to be shown once.
pub async fn enroll_totp(
    state: &AppState,
    token: &str,
    code: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> DomainResult<(SignedIn, String, Vec<String>)> {
    let (c, mb) = challenge_for(state, token, Purpose::Enroll).await?;
    if code.trim().is_empty() {
        return Err(DomainError::field("code", ErrorCode::Required));
    }
    take_slot(state, &mb.address).await?;
    let mut change = Change::begin(state, Who::staff(mb.id, &mb.address, ip.clone())).await?;
    if !confirm_pending_totp(state, &mut change, mb.id, code).await? {
        drop(change);
        return Err(wrong(state, &mb, ip, "code", ErrorCode::TotpWrong).await);
    }
    let codes = new_recovery_codes(&mut change, state, mb.id).await?;
    let (signed, next) = finish(state, &mut change, &c, &mb, "totp", ip, user_agent).await?;
    change.commit().await?;
    Ok((signed, next, codes))
}

// ---- The staff member's own settings ------------------------------------------

pub async fn overview(state: &AppState, actor: &Actor) -> DomainResult<SecurityOverview> {
    let factors = confirmed_factors(&state.db, actor.mailbox_id).await?;
    let recovery_left = recovery_code::Entity::find()
        .filter(recovery_code::Column::MailboxId.eq(actor.mailbox_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(&state.db)
        .await?;
    Ok(SecurityOverview {
        factors: factors
            .into_iter()
            .map(|f| FactorRow {
                id: f.id,
                kind: f.kind,
                name: f.name,
                created_at: state.local_time(f.created_at),
                last_used_at: f.last_used_at.map(|t| state.local_time(t)),
            })
            .collect(),
        recovery_left: recovery_left as u32,
    })
}

/// A new TOTP secret to replace the current one (shown; not in force until confirmed).
pub async fn replace_totp_begin(state: &AppState, actor: &Actor) -> DomainResult<TotpSetup> {
    let mb = mailbox::Entity::find_by_id(actor.mailbox_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    // always a fresh secret: an old pending one may have been seen by someone else
    factor::Entity::delete_many().filter(factor::Column::MailboxId.eq(mb.id)).filter(factor::Column::ConfirmedAt.is_null()).exec(&state.db).await?;
    pending_totp(state, &mb).await
}

/// Confirms the new TOTP secret with a code from it; the old one stops working.
pub async fn replace_totp_confirm(state: &AppState, actor: &Actor, code: &str) -> DomainResult<()> {
    take_slot(state, &actor.address).await?;
    let mut change = Change::begin(state, actor.who()).await?;
    if !confirm_pending_totp(state, &mut change, actor.mailbox_id, code).await? {
        return Err(DomainError::field("code", ErrorCode::TotpWrong));
    }
    rate_limit::release(&*change, &LOGIN_PER_ACCOUNT, &actor.address).await?;
    notify_factor_change(state, &change, actor.mailbox_id, "TOTP diganti").await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

pub async fn regenerate_recovery(state: &AppState, actor: &Actor) -> DomainResult<Vec<String>> {
    let mut change = Change::begin(state, actor.who()).await?;
    let codes = new_recovery_codes(&mut change, state, actor.mailbox_id).await?;
    change.commit().await?;
    Ok(codes)
}

/// Removes one of the actor's passkeys; the last factor cannot go.
pub async fn remove_factor(state: &AppState, actor: &Actor, factor_id: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let all = confirmed_factors(&*change, actor.mailbox_id).await?;
    let Some(f) = all.iter().find(|f| f.id == factor_id) else { return Err(DomainError::NotFound) };
    if all.len() <= 1 {
        return Err(DomainError::field("factor", ErrorCode::LastFactor));
    }
    factor::Entity::delete_by_id(f.id).exec(&*change).await?;
    change.log("factor.removed", "mailbox", actor.mailbox_id, json!({ "factor": f.id, "kind": f.kind, "name": f.name })).await?;
    notify_factor_change(state, &change, actor.mailbox_id, &format!("{} dihapus", f.name)).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Admin sistem resets another staff member's second factor (never their
/// own), with a reason: factors and recovery codes go, their sessions end,
/// they enroll again at their next sign-in, and they are told by SMS and e-mail.
pub async fn admin_reset(state: &AppState, admin: &Actor, mailbox_id: i32, reason: &str) -> DomainResult<()> {
    let reason = reason.trim();
    if mailbox_id == admin.mailbox_id {
        return Err(DomainError::field("reason", ErrorCode::FactorResetSelf));
    }
    if reason.chars().count() < 5 {
        return Err(DomainError::field("reason", ErrorCode::NoteRequired));
    }
    let mut change = Change::begin(state, admin.who()).await?;
    let mb = mailbox::Entity::find_by_id(mailbox_id).one(&*change).await?.ok_or(DomainError::NotFound)?;
    if super::auth::grants_of(&*change, mb.id).await?.is_empty() {
        return Err(DomainError::NotFound);
    }
    let removed = factor::Entity::delete_many().filter(factor::Column::MailboxId.eq(mb.id)).exec(&*change).await?.rows_affected;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::MailboxId.eq(mb.id)).exec(&*change).await?;
    let ended = sessions::revoke_all(&*change, mb.id, None, change.now()).await?;
    change.log("factor.reset_by_admin", "mailbox", mb.id, json!({ "reason": reason, "factors": removed, "sessions_ended": ended })).await?;
    let text = format!(
        "Surel: faktor kedua akun staf {} direset oleh Admin sistem pada {}. Alasan: {reason}. Daftarkan faktor baru saat masuk. Bukan permintaan Anda? Hubungi {}.",
        mb.address,
        state.local_time(change.now()),
        state.config.support_contact
    );
    let key = format!("factorreset:{}:{}", mb.id, change.now().timestamp_micros());
    if let Some(phone) = &mb.reset_phone {
        notify::send(state, &change, Channel::Sms, phone, None, text.clone(), format!("{key}:sms"), Some(format!("mailbox:{}", mb.id))).await?;
    }
    notify::send(
        state,
        &change,
        Channel::Email,
        &mb.address,
        Some("Faktor kedua akun staf Anda direset"),
        text,
        format!("{key}:mail"),
        Some(format!("mailbox:{}", mb.id)),
    )
    .await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Tells the staff member a factor changed (on the mailbox; SMS too).
pub(crate) async fn notify_factor_change(state: &AppState, change: &Change, mailbox_id: i32, what: &str) -> DomainResult<()> {
    let Some(mb) = mailbox::Entity::find_by_id(mailbox_id).one(&**change).await? else { return Ok(()) };
    let text = format!(
        "Surel: {what} untuk akun staf {} pada {}. Bukan Anda? Segera hubungi {}.",
        mb.address,
        state.local_time(change.now()),
        state.config.support_contact
    );
    let key = format!("factorchange:{}:{}", mb.id, change.now().timestamp_micros());
    if let Some(phone) = &mb.reset_phone {
        notify::send(state, change, Channel::Sms, phone, None, text.clone(), format!("{key}:sms"), Some(format!("mailbox:{}", mb.id))).await?;
    }
    notify::send(
        state,
        change,
        Channel::Email,
        &mb.address,
        Some("Keamanan akun staf Anda berubah"),
        text,
        format!("{key}:mail"),
        Some(format!("mailbox:{}", mb.id)),
    )
    .await?;
    Ok(())
}

/// Demo data: a confirmed TOTP factor with [`DEMO_TOTP_SECRET`].
pub async fn add_demo_totp<C: ConnectionTrait>(db: &C, state: &AppState, mailbox_id: i32) -> Result<(), sea_orm::DbErr> {
    let secret = Secret::try_from_base32(DEMO_TOTP_SECRET).expect("valid base32").as_bytes().to_vec();
    factor::ActiveModel {
        mailbox_id: Set(mailbox_id),
        kind: Set("totp".into()),
        name: Set("Demo".into()),
        secret_sealed: Set(Some(seal_secret(state, &secret))),
        confirmed_at: Set(Some(state.now())),
        created_at: Set(state.now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{staff_actor, state_with_clock};

    const ADMIN: &str = "andi.pratama@batam.go.id";
    const BUDI: &str = "budi.santoso@batam.go.id";

    fn code_now(state: &AppState, offset: i64) -> String {
        code_at(DEMO_TOTP_SECRET, step_of(state.now()) + offset)
    }

    async fn password_step(state: &AppState, address: &str) -> Opened {
        super::super::auth::sign_in(state, address, super::super::seed::DEMO_PASSWORD, "/admin", None, None).await.unwrap()
    }

    fn codes(e: DomainError) -> String {
        match e {
            DomainError::Invalid(f) => f.0[0].code.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits: 287082
        let secret = base32(b"12345678901234567890");
        assert_eq!(code_at(&secret, 59 / STEP_SECS), "287082");
        assert_eq!(code_at(&secret, 1111111109 / STEP_SECS), "081804");
        let s = setup_for(b"12345678901234567890", "andi@batam.go.id");
        assert!(s.qr_svg.starts_with("<?xml") || s.qr_svg.contains("<svg"), "an SVG");
        assert!(s.otpauth_url.contains("issuer=Surel") && s.otpauth_url.contains("andi%40batam.go.id"));
        assert_eq!(s.secret_groups.split(' ').count(), 8);
    }

    #[tokio::test]
    async fn a_password_alone_makes_no_session_and_a_code_works_once() {
        let (state, _clock) = state_with_clock().await;
        let opened = password_step(&state, ADMIN).await;
        assert_eq!(opened.purpose, Purpose::Verify, "demo staff have a factor");
        let code = code_now(&state, 0);
        let (signed, next) = verify(&state, &opened.token, CodeKind::Totp, &code, None, None).await.unwrap();
        assert_eq!(next, "/admin");
        assert!(super::super::sessions::lookup(&state, &signed.token).await.unwrap().is_some());
        // the challenge is spent, and the same code (same step) does not work again
        assert_eq!(codes(verify(&state, &opened.token, CodeKind::Totp, &code, None, None).await.unwrap_err()), "challenge_expired");
        let again = password_step(&state, ADMIN).await;
        assert_eq!(codes(verify(&state, &again.token, CodeKind::Totp, &code, None, None).await.unwrap_err()), "totp_wrong", "replayed code");
        // the next step's code still works (±1 step), once
        verify(&state, &again.token, CodeKind::Totp, &code_now(&state, 1), None, None).await.unwrap();
    }

    #[tokio::test]
    async fn wrong_codes_count_toward_the_sign_in_ceiling() {
        let (state, _clock) = state_with_clock().await;
        let opened = password_step(&state, BUDI).await;
        let mut last = Ok(());
        for _ in 0..LOGIN_PER_ACCOUNT.max {
            last = verify(&state, &opened.token, CodeKind::Totp, "000000", None, None).await.map(|_| ());
        }
        assert!(last.is_err());
        assert!(
            matches!(verify(&state, &opened.token, CodeKind::Totp, &code_now(&state, 0), None, None).await, Err(DomainError::RateLimited { .. })),
            "the right code waits too"
        );
    }

    #[tokio::test]
    async fn enrollment_then_recovery_codes_work_once_and_admin_resets_others_only() {
        let (state, _clock) = state_with_clock().await;
        // Budi loses his factor: the admin resets it (not their own), with a reason
        let admin = staff_actor(&state, ADMIN).await;
        let budi = staff_actor(&state, BUDI).await;
        assert_eq!(codes(admin_reset(&state, &admin, admin.mailbox_id, "hilang ponsel").await.unwrap_err()), "factor_reset_self");
        assert_eq!(codes(admin_reset(&state, &admin, budi.mailbox_id, "").await.unwrap_err()), "note_required");
        admin_reset(&state, &admin, budi.mailbox_id, "ponsel hilang, lapor di loket").await.unwrap();
        assert!(super::super::sessions::lookup(&state, "nothing").await.unwrap().is_none());
        // next sign-in: enrollment, with a secret shown until confirmed
        let opened = password_step(&state, BUDI).await;
        assert_eq!(opened.purpose, Purpose::Enroll);
        let info = step_info(&state, &opened.token).await.unwrap().unwrap();
        let secret = info.setup.unwrap().secret_groups.replace(' ', "");
        assert_eq!(step_info(&state, &opened.token).await.unwrap().unwrap().setup.unwrap().secret_groups.replace(' ', ""), secret, "same secret on reload");
        assert!(verify(&state, &opened.token, CodeKind::Totp, &code_at(&secret, step_of(state.now())), None, None).await.is_err(), "not a verify challenge");
        assert_eq!(codes(enroll_totp(&state, &opened.token, "000000", None, None).await.unwrap_err()), "totp_wrong");
        let (_, _, recovery) = enroll_totp(&state, &opened.token, &code_at(&secret, step_of(state.now())), None, None).await.unwrap();
        assert_eq!(recovery.len(), RECOVERY_CODES);
        // a recovery code signs in once (typed loosely), then never again
        let opened = password_step(&state, BUDI).await;
        assert_eq!(opened.purpose, Purpose::Verify);
        verify(&state, &opened.token, CodeKind::Recovery, &recovery[0].to_uppercase().replace('-', " "), None, None).await.unwrap();
        let opened = password_step(&state, BUDI).await;
        assert_eq!(codes(verify(&state, &opened.token, CodeKind::Recovery, &recovery[0], None, None).await.unwrap_err()), "recovery_wrong");
        // the reset is audited and Budi is told
        let audited = super::super::entities::audit_entry::Entity::find()
            .filter(super::super::entities::audit_entry::Column::Action.eq("factor.reset_by_admin"))
            .count(&state.db)
            .await
            .unwrap();
        assert_eq!(audited, 1);
    }

    #[tokio::test]
    async fn a_password_reset_leaves_the_factor_in_place() {
        let (state, _clock) = state_with_clock().await;
        let token = super::super::reset::start(&state, BUDI, None).await.unwrap();
        let code = crate::testing::last_code(&state).await;
        super::super::reset::complete(&state, &token, &code, "kenari-Samudra-lentera-4-sagu", "kenari-Samudra-lentera-4-sagu", None).await.unwrap();
        let opened = super::super::auth::sign_in(&state, BUDI, "kenari-Samudra-lentera-4-sagu", "/admin", None, None).await.unwrap();
        assert_eq!(opened.purpose, Purpose::Verify, "the new password leads to the same second factor");
    }
}
