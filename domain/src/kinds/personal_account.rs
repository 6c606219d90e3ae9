//! F4 — personal ASN accounts (SOP 002) on the workflow engine.
//!
//! 1. The applicant (not signed in) gives name, NIP, unit, a proposed address,
//!    a phone proved by a code, a personal e-mail and the signed form.
//! 2. A Kepala Seksi checks: approves, rejects with a reason, or returns it
//!    for correction; the applicant then gets a link by SMS to fix and resubmit
//!    (every version stays in the request's history).
//! 3. A Petugas (or the Admin sistem) creates the mailbox, without a password.
//! 4. Surel tests it on the mail server (deliver, read back).
//! 5. Surel sends the applicant the username and a one-time link to set the
//!    password. No plaintext password exists at any point.
//!
//! The applicant follows the request with the ticket number and a code sent
//! to the proved phone ([`status_send_code`], [`status`]).
use crate::accounts::{self, NewMailbox};
use crate::attachments;
use crate::audit::{Change, Who};
use crate::auth::Actor;
use crate::crypto::{random_token, sha256_hex};
use crate::entities::{mailbox, person, request, request_event, setting, unit};
use crate::kinds::account_test::{self, Passed, TestedMailbox};
use crate::notify;
use crate::outbox::Channel;
use crate::phone_proof::{self, Purpose};
use crate::rate_limit::{self, Limit};
use crate::requests::workflow::{Acting, Flow, PERSONAL_ACCOUNT};
use crate::requests::{self, NewRequest, StepActor};
use crate::{AppState, DomainError, DomainResult};
use chrono::{DateTime, Duration, Utc};
use model::validation::address::{first_free, propose_local_part, AddressRule};
use model::validation::email::normalize_email;
use model::validation::nip::parse_nip;
use model::validation::phone::{mask_phone, normalize_phone};
use model::validation::FieldErrors;
use model::{Action, ApplicantStatus, ApplicantStep, ErrorCode, PersonalAccountData, PersonalAccountFix, PersonalAccountInput, RequestState, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

/// How long a correction link works.
const FIX_VALID_DAYS: i64 = 14;
const SUBMITS_PER_IP: Limit = Limit::new("apply-submit-ip", 30, 3600);
const ADDRESS_CHECKS_PER_IP: Limit = Limit::new("apply-address-ip", 120, 3600);
/// Setting that holds the rule for proposed addresses (`first.last` …).
pub const ADDRESS_RULE_KEY: &str = "accounts.address_rule";

/// The applicant's data as checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub nip: String,
    pub unit_id: i32,
    pub unit_name: String,
    pub proposed_local: String,
    pub phone: String,
    pub personal_email: String,
}

/// One earlier version, kept when the applicant corrects the request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Revision {
    pub at: DateTime<Utc>,
    pub before: Applicant,
    pub changed: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payload {
    pub applicant: Applicant,
    #[serde(default)]
    pub revisions: Vec<Revision>,
    /// Hash of the current correction link's secret and when it ends.
    pub fix_hash: Option<String>,
    pub fix_expires_at: Option<DateTime<Utc>>,
    // step 3
    pub final_local: Option<String>,
    pub quota_mb: Option<i32>,
    pub mailbox_id: Option<i32>,
    pub address: Option<String>,
    pub test_message: Option<String>,
    #[serde(default)]
    pub activation_sent: bool,
}

fn applicant_actor(name: &str) -> StepActor {
    StepActor { acting: Acting::Applicant, mailbox_id: None, label: format!("Pemohon: {name}"), scopes: vec![] }
}

/// The configured rule for proposed addresses (Admin sistem), `first.last` by default.
pub async fn address_rule(state: &AppState) -> DomainResult<AddressRule> {
    let rule = setting::get(&state.db, ADDRESS_RULE_KEY).await?;
    Ok(rule.and_then(|r| AddressRule::from_code(r.trim())).unwrap_or(AddressRule::FirstDotLast))
}

/// A free address for a name under the configured rule (`siti.rahma2` when taken).
pub async fn suggest_local(state: &AppState, name: &str) -> DomainResult<Option<String>> {
    let Some(base) = propose_local_part(name, address_rule(state).await?) else { return Ok(None) };
    let domain = accounts::default_domain(&state.db).await?;
    // Candidates in order; the first free one wins (a few queries at most).
    let base = first_free(&base, |_| false);
    for n in 1..50 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}{n}") };
        if model::validation::address::check_local_part(&candidate).is_ok() && !accounts::is_taken(&state.db, &format!("{candidate}@{}", domain.name)).await? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// A public availability check, counted per client address.
pub async fn check_public(state: &AppState, local: &str, ip: Option<&str>) -> DomainResult<Result<String, ErrorCode>> {
    let now = state.now();
    if !rate_limit::hit(&state.db, &ADDRESS_CHECKS_PER_IP, &rate_limit::client_key(ip), now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: ADDRESS_CHECKS_PER_IP.retry_after(now) });
    }
    accounts::available(&state.db, local).await
}

/// Step 1, before submitting: a code to the phone the applicant gives.
pub async fn send_apply_code(state: &AppState, phone: &str, ip: Option<String>) -> DomainResult<String> {
    let phone = normalize_phone(phone).map_err(|e| DomainError::field("phone", e.code()))?;
    phone_proof::send(
        state,
        Purpose::Apply,
        &phone,
        Some(&phone),
        |c| format!("Surel: kode {c} untuk permohonan akun email ASN. Berlaku 10 menit. Jangan berikan kepada siapa pun."),
        ip,
    )
    .await
}

/// Checks the form; `keep_phone` is the number already proved (a correction
/// that keeps it needs no new code).
async fn check_input(
    state: &AppState,
    input: &PersonalAccountInput,
    keep_phone: Option<&str>,
    require_form: bool,
) -> DomainResult<(Applicant, Option<phone_proof::Proof>)> {
    let mut errors = FieldErrors::default();
    let name: String = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => errors.add("name", ErrorCode::NameEmpty),
        1 => errors.add("name", ErrorCode::TooShort),
        121.. => errors.add("name", ErrorCode::TooLong),
        _ => {}
    }
    let nip = match parse_nip(&input.nip, state.today()) {
        Ok((n, _)) => Some(n),
        Err(e) => {
            errors.add("nip", e.code());
            None
        }
    };
    let unit_row = match input.unit_id.trim().parse::<i32>() {
        Ok(id) => unit::Entity::find_by_id(id).one(&state.db).await?,
        Err(_) => None,
    };
    if unit_row.is_none() {
        errors.add("unit_id", if input.unit_id.trim().is_empty() { ErrorCode::Required } else { ErrorCode::UnitUnknown });
    }
    let proposed = match accounts::available(&state.db, &input.proposed_local).await? {
        Ok(full) => Some(full.split('@').next().unwrap_or_default().to_string()),
        Err(code) => {
            errors.add("proposed_local", code);
            None
        }
    };
    let phone = match normalize_phone(&input.phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("phone", e.code());
            None
        }
    };
    let email = match normalize_email(&input.personal_email) {
        Ok(e) if e.to_lowercase().ends_with(&format!("@{}", accounts::default_domain(&state.db).await?.name)) => {
            // an official address is what is being applied for
            errors.add("personal_email", ErrorCode::EmailOfficial);
            None
        }
        Ok(e) => Some(e),
        Err(code) => {
            errors.add("personal_email", code);
            None
        }
    };
    if require_form && input.form_file.trim().is_empty() {
        errors.add("form_file", ErrorCode::FormRequired);
    }
    // The code last, once the rest is right, so a wrong guess is not spent on a form with other mistakes.
    let mut proof = None;
    if let Some(p) = &phone {
        if keep_phone != Some(p.as_str()) {
            if input.phone_token.trim().is_empty() {
                errors.add("phone_code", ErrorCode::CodeNotSent);
            } else if errors.is_empty() {
                proof = Some(phone_proof::check(state, Purpose::Apply, p, &input.phone_token, &input.phone_code, "phone_code", None).await?);
            }
        }
    }
    errors.into_result()?;
    let unit_row = unit_row.expect("checked");
    let applicant = Applicant {
        name,
        nip: nip.expect("checked"),
        unit_id: unit_row.id,
        unit_name: unit_row.name,
        proposed_local: proposed.expect("checked"),
        phone: phone.expect("checked"),
        personal_email: email.expect("checked"),
    };
    Ok((applicant, proof))
}

/// Step 1: the applicant submits. Returns the ticket number.
pub async fn submit(state: &AppState, input: PersonalAccountInput, ip: Option<String>) -> DomainResult<String> {
    let now = state.now();
    if !rate_limit::hit(&state.db, &SUBMITS_PER_IP, &rate_limit::client_key(ip.as_deref()), now).await? {
        return Err(DomainError::RateLimited { retry_after_secs: SUBMITS_PER_IP.retry_after(now) });
    }
    let (applicant, proof) = check_input(state, &input, None, true).await?;
    let proof = proof.ok_or_else(|| DomainError::field("phone_code", ErrorCode::CodeNotSent))?;
    let payload = Payload {
        applicant: applicant.clone(),
        revisions: vec![],
        fix_hash: None,
        fix_expires_at: None,
        final_local: None,
        quota_mb: None,
        mailbox_id: None,
        address: None,
        test_message: None,
        activation_sent: false,
    };
    let mut change = Change::begin(state, Who::public(format!("pemohon:{}", applicant.nip), ip)).await?;
    phone_proof::consume(&change, &proof, "phone_code").await?;
    let levels = state.service_levels(&*change).await?;
    let new = NewRequest {
        unit_id: Some(applicant.unit_id),
        applicant_mailbox_id: None,
        applicant_person_id: None,
        subject: format!("{} — {}", applicant.name, applicant.unit_name),
        payload: serde_json::to_value(&payload).map_err(anyhow::Error::from)?,
        note: None,
    };
    let row = requests::create(&mut change, &levels, &PERSONAL_ACCOUNT, &applicant_actor(&applicant.name), new).await?;
    let files = attachments::claim(&mut change, state, &[input.form_file.trim().to_string()], row.id)
        .await
        .map_err(|_| DomainError::field("form_file", ErrorCode::AttachmentMissing))?;
    if files.iter().any(|f| f.kind != "formulir") {
        return Err(DomainError::field("form_file", ErrorCode::AttachmentMissing));
    }
    let ticket = row.ticket.clone();
    let status = status_link(state);
    let sms = format!("Surel: permohonan akun email Anda diterima, tiket {ticket}. Pantau statusnya di {status} dengan nomor tiket dan kode SMS.");
    notify::send(state, &change, Channel::Sms, &applicant.phone, None, sms, format!("{ticket}:received:sms"), Some(format!("request:{ticket}"))).await?;
    let text = format!("Surel: permohonan akun ASN {} ({}) tiket {ticket} menunggu pemeriksaan Anda.", applicant.name, applicant.unit_name);
    notify::tell_role(state, &change, Role::Kasi, None, &ticket, "check", "Permohonan akun ASN menunggu pemeriksaan", &text, true).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(ticket)
}

fn status_link(state: &AppState) -> String {
    format!("{}/permohonan-akun/status", state.config.public_url.trim_end_matches('/'))
}

/// What the Kepala Seksi decides (step 2).
pub enum Decision {
    Approve,
    Return(String),
    Reject(String),
}

/// Step 2: the Kepala Seksi checks the data and the signed form.
pub async fn decide(state: &AppState, actor: &Actor, ticket: &str, version: i32, decision: Decision) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (_, mut p): (_, Payload) = requests::load(&*change, &PERSONAL_ACCOUNT, ticket).await?;
    let who = StepActor::staff(actor);
    let phone = p.applicant.phone.clone();
    let related = Some(format!("request:{ticket}"));
    match decision {
        Decision::Approve => {
            requests::transition(&mut change, &levels, ticket, version, Action::Setujui, &who, None, Default::default()).await?;
            let text = format!("Surel: permohonan akun ASN {} (tiket {ticket}) disetujui Kasi; mohon buat akunnya.", p.applicant.name);
            notify::tell_role(state, &change, Role::Petugas, None, ticket, "create", "Permohonan akun ASN: buat akun", &text, false).await?;
            let sms = format!("Surel: permohonan akun email Anda (tiket {ticket}) lolos pemeriksaan dan sedang dibuat.");
            notify::send(state, &change, Channel::Sms, &phone, None, sms, format!("{ticket}:approved:sms"), related).await?;
        }
        Decision::Return(note) => {
            let secret = random_token();
            p.fix_hash = Some(sha256_hex(secret.as_bytes()));
            p.fix_expires_at = Some(change.now() + Duration::days(FIX_VALID_DAYS));
            let (row, _) =
                requests::transition(&mut change, &levels, ticket, version, Action::Kembalikan, &who, Some(&note), requests::with_payload(&p)?).await?;
            let link = format!("{}/permohonan-akun/perbaiki/{}.{secret}", state.config.public_url.trim_end_matches('/'), row.id);
            let sms = format!("Surel: permohonan akun email Anda (tiket {ticket}) perlu diperbaiki: {}. Perbaiki lewat tautan ini: {link}", note.trim());
            notify::send(state, &change, Channel::Sms, &phone, None, sms, format!("{ticket}:returned:{}:sms", row.version), related.clone()).await?;
            notify::send(state, &change, Channel::Email, &p.applicant.personal_email, Some("Permohonan akun email perlu diperbaiki"), format!("Permohonan akun email Anda (tiket {ticket}) dikembalikan untuk diperbaiki.\n\nCatatan pemeriksa: {}\n\nPerbaiki lewat tautan ini (berlaku {FIX_VALID_DAYS} hari): {link}", note.trim()), format!("{ticket}:returned:{}:mail", row.version), related).await?;
        }
        Decision::Reject(note) => {
            requests::transition(&mut change, &levels, ticket, version, Action::Tolak, &who, Some(&note), Default::default()).await?;
            let sms = format!(
                "Surel: permohonan akun email Anda (tiket {ticket}) ditolak: {}. Hubungi {} bila ada pertanyaan.",
                note.trim(),
                state.config.support_contact
            );
            notify::send(state, &change, Channel::Sms, &phone, None, sms, format!("{ticket}:rejected:sms"), related).await?;
        }
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// The request behind a correction link, if the link is still good.
async fn by_fix_link(state: &AppState, link: &str) -> DomainResult<(request::Model, Payload)> {
    let invalid = || DomainError::field("link", ErrorCode::LinkInvalid);
    let (id, secret) = link.split_once('.').ok_or_else(invalid)?;
    let id: i32 = id.parse().map_err(|_| invalid())?;
    let row = request::Entity::find_by_id(id).one(&state.db).await?.filter(|r| r.kind == PERSONAL_ACCOUNT.kind).ok_or_else(invalid)?;
    let p: Payload = serde_json::from_str(&row.payload).map_err(anyhow::Error::from)?;
    let good = row.state == RequestState::Perbaikan
        && p.fix_hash.as_deref() == Some(sha256_hex(secret.as_bytes()).as_str())
        && p.fix_expires_at.is_some_and(|t| t > state.now());
    if !good {
        return Err(invalid());
    }
    Ok((row, p))
}

/// What the correction page shows.
pub async fn fix_info(state: &AppState, link: &str) -> DomainResult<PersonalAccountFix> {
    let (row, p) = by_fix_link(state, link).await?;
    let note = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(row.id))
        .filter(request_event::Column::Action.eq(Action::Kembalikan))
        .order_by_desc(request_event::Column::Seq)
        .one(&state.db)
        .await?
        .and_then(|e| e.note)
        .unwrap_or_default();
    let a = p.applicant;
    Ok(PersonalAccountFix {
        ticket: row.ticket,
        note,
        input: PersonalAccountInput {
            name: a.name,
            nip: a.nip,
            unit_id: a.unit_id.to_string(),
            proposed_local: a.proposed_local,
            phone: a.phone.clone(),
            personal_email: a.personal_email,
            ..Default::default()
        },
        phone_masked: mask_phone(&a.phone),
    })
}

/// Step 1 again: the applicant corrects and resubmits through the link.
pub async fn resubmit(state: &AppState, link: &str, input: PersonalAccountInput, ip: Option<String>) -> DomainResult<String> {
    let (row, mut p) = by_fix_link(state, link).await?;
    let before = p.applicant.clone();
    let (applicant, proof) = check_input(state, &input, Some(&before.phone), false).await?;
    let mut changed = vec![];
    for (field, differs) in [
        ("name", before.name != applicant.name),
        ("nip", before.nip != applicant.nip),
        ("unit", before.unit_id != applicant.unit_id),
        ("proposed_local", before.proposed_local != applicant.proposed_local),
        ("phone", before.phone != applicant.phone),
        ("personal_email", before.personal_email != applicant.personal_email),
        ("form", !input.form_file.trim().is_empty()),
    ] {
        if differs {
            changed.push(field.to_string());
        }
    }
    let mut change = Change::begin(state, Who::public(format!("pemohon:{}", applicant.nip), ip)).await?;
    if let Some(proof) = &proof {
        phone_proof::consume(&change, proof, "phone_code").await?;
    }
    let levels = state.service_levels(&*change).await?;
    p.revisions.push(Revision { at: change.now(), before, changed: changed.clone() });
    p.applicant = applicant.clone();
    p.fix_hash = None;
    p.fix_expires_at = None;
    let note = if changed.is_empty() {
        "Dikirim ulang tanpa perubahan".to_string()
    } else {
        format!("Diperbaiki: {}", changed.iter().map(|f| field_label(f)).collect::<Vec<_>>().join(", "))
    };
    requests::transition(
        &mut change,
        &levels,
        &row.ticket,
        row.version,
        Action::KirimUlang,
        &applicant_actor(&applicant.name),
        Some(&note),
        requests::with_payload(&p)?,
    )
    .await?;
    if !input.form_file.trim().is_empty() {
        let files = attachments::claim(&mut change, state, &[input.form_file.trim().to_string()], row.id)
            .await
            .map_err(|_| DomainError::field("form_file", ErrorCode::AttachmentMissing))?;
        if files.iter().any(|f| f.kind != "formulir") {
            return Err(DomainError::field("form_file", ErrorCode::AttachmentMissing));
        }
    }
    let mut subject: request::ActiveModel = request::Entity::find_by_id(row.id).one(&*change).await?.ok_or(DomainError::NotFound)?.into();
    subject.subject = Set(format!("{} — {}", applicant.name, applicant.unit_name));
    subject.unit_id = Set(Some(applicant.unit_id));
    subject.update(&*change).await?;
    let ticket = row.ticket.clone();
    let text = format!("Surel: permohonan akun ASN {} (tiket {ticket}) sudah diperbaiki pemohon dan menunggu pemeriksaan ulang.", applicant.name);
    notify::tell_role(state, &change, Role::Kasi, None, &ticket, &format!("recheck{}", row.version), "Permohonan akun ASN diperbaiki", &text, true).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(ticket)
}

/// Step 3: a Petugas or the Admin sistem creates the mailbox (no password),
/// then Surel tests it.
pub async fn create_account(state: &AppState, actor: &Actor, ticket: &str, version: i32, data: PersonalAccountData) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    let local = match accounts::available(&state.db, &data.local_part).await? {
        Ok(full) => Some(full.split('@').next().unwrap_or_default().to_string()),
        Err(code) => {
            errors.add("local_part", code);
            None
        }
    };
    let quota = data.quota_mb.trim().parse::<i32>().ok().filter(|q| (accounts::QUOTA_MIN_MB..=accounts::QUOTA_MAX_MB).contains(q));
    if quota.is_none() {
        errors.add("quota_mb", ErrorCode::QuotaInvalid);
    }
    errors.into_result()?;
    let (local, quota) = (local.expect("checked"), quota.expect("checked"));
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (row, mut p): (_, Payload) = requests::load(&*change, &PERSONAL_ACCOUNT, ticket).await?;
    // The engine checks state, version and role before anything is created.
    requests::transition(&mut change, &levels, ticket, version, Action::BuatAkun, &StepActor::staff(actor), None, Default::default()).await?;
    let a = &p.applicant;
    let person_id = upsert_person(&change, a).await?;
    let mb = accounts::create_mailbox(
        &mut change,
        NewMailbox {
            local_part: local.clone(),
            kind: "personal".into(),
            display_name: a.name.clone(),
            person_id: Some(person_id),
            unit_id: Some(a.unit_id),
            reset_phone: Some(a.phone.clone()),
            quota_mb: quota,
            ends_on: None,
            aliases: vec![],
        },
    )
    .await
    .map_err(|e| match e {
        DomainError::Invalid(_) => DomainError::field("local_part", ErrorCode::AddressTaken),
        other => other,
    })?;
    p.final_local = Some(local);
    p.quota_mb = Some(quota);
    p.mailbox_id = Some(mb.id);
    p.address = Some(mb.address.clone());
    let mut am: request::ActiveModel = request::Entity::find_by_id(row.id).one(&*change).await?.ok_or(DomainError::NotFound)?.into();
    am.payload = Set(serde_json::to_string(&p).map_err(anyhow::Error::from)?);
    am.applicant_person_id = Set(Some(person_id));
    am.update(&*change).await?;
    change.commit().await?;
    run_account_test(state, ticket).await
}

/// The applicant as a person (found by NIP, or recorded now), with the proved
/// phone and the personal address.
async fn upsert_person(change: &Change, a: &Applicant) -> DomainResult<i32> {
    let now = change.now();
    if let Some(found) = person::Entity::find().filter(person::Column::Nip.eq(a.nip.clone())).one(&**change).await? {
        let id = found.id;
        let mut am: person::ActiveModel = found.into();
        am.name = Set(a.name.clone());
        am.unit_id = Set(Some(a.unit_id));
        am.phone = Set(Some(a.phone.clone()));
        am.phone_verified_at = Set(Some(now));
        am.personal_email = Set(Some(a.personal_email.clone()));
        am.updated_at = Set(now);
        am.update(&**change).await?;
        return Ok(id);
    }
    let row = person::ActiveModel {
        name: Set(a.name.clone()),
        nip: Set(Some(a.nip.clone())),
        unit_id: Set(Some(a.unit_id)),
        phone: Set(Some(a.phone.clone())),
        phone_verified_at: Set(Some(now)),
        personal_email: Set(Some(a.personal_email.clone())),
        telegram_chat_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    Ok(row.id)
}

/// Step 4 again, after a failed test.
pub async fn retry_test(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<()> {
    account_test::retry::<Payload>(state, actor, ticket, version).await
}

/// Steps 4 and 5: Surel tests the mailbox; on success it sends the username
/// and the one-time activation link to the applicant, and the request ends.
pub async fn run_account_test(state: &AppState, ticket: &str) -> DomainResult<()> {
    account_test::run::<Payload>(state, ticket).await
}

impl TestedMailbox for Payload {
    fn flow() -> &'static Flow {
        &PERSONAL_ACCOUNT
    }
    fn mailbox(&self) -> Option<(i32, String)> {
        Some((self.mailbox_id?, self.address.clone()?))
    }
    fn record_test(&mut self, message: String, activation_sent: bool) {
        self.test_message = Some(message);
        self.activation_sent |= activation_sent;
    }
    async fn on_passed(&mut self, t: Passed<'_>) -> DomainResult<()> {
        let (ticket, address, link) = (t.ticket, t.address, t.link);
        let sender = StepActor::system("Surel (pengiriman)");
        let sent = format!("Nama pengguna dan tautan aktivasi dikirim ke {}.", mask_phone(&self.applicant.phone));
        requests::transition(t.change, t.levels, ticket, t.request.version, Action::KirimAktivasi, &sender, Some(&sent), requests::with_payload(&*self)?)
            .await?;
        let sms =
            format!("Surel: akun email Anda sudah dibuat. Nama pengguna: {address}. Atur kata sandi lewat tautan sekali pakai ini (berlaku 72 jam): {link}");
        notify::send(t.state, t.change, Channel::Sms, &self.applicant.phone, None, sms, format!("{ticket}:activation"), Some(format!("request:{ticket}")))
            .await?;
        let mail = format!(
            "Yth. {},\n\nAkun email dinas Anda sudah dibuat.\nNama pengguna: {address}\n\nTautan untuk mengatur kata sandi dikirim lewat SMS ke {}. \
             Tautan itu hanya berlaku sekali dan selama 72 jam. Petugas tidak pernah menanyakan kata sandi Anda.\n\nTiket: {ticket}",
            self.applicant.name,
            mask_phone(&self.applicant.phone)
        );
        notify::send(
            t.state,
            t.change,
            Channel::Email,
            &self.applicant.personal_email,
            Some("Akun email dinas Anda sudah dibuat"),
            mail,
            format!("{ticket}:done:mail"),
            Some(format!("request:{ticket}")),
        )
        .await?;
        Ok(())
    }
}

/// Following a request: a code goes to the phone on the request. The answer
/// is the same for a ticket that does not exist (no SMS then).
pub async fn status_send_code(state: &AppState, ticket: &str, ip: Option<String>) -> DomainResult<String> {
    let ticket = ticket.trim().to_uppercase();
    if ticket.is_empty() {
        return Err(DomainError::field("ticket", ErrorCode::Required));
    }
    let phone = match request::Entity::find()
        .filter(request::Column::Ticket.eq(ticket.clone()))
        .filter(request::Column::Kind.eq(PERSONAL_ACCOUNT.kind))
        .one(&state.db)
        .await?
    {
        Some(r) => serde_json::from_str::<Payload>(&r.payload).ok().map(|p| p.applicant.phone),
        None => None,
    };
    let t = ticket.clone();
    phone_proof::send(
        state,
        Purpose::Status,
        &ticket,
        phone.as_deref(),
        move |c| format!("Surel: kode {c} untuk melihat status tiket {t}. Berlaku 10 menit."),
        ip,
    )
    .await
}

/// The state an applicant is shown: the steps after the officer's (account
/// test, sending) are all "the account is being made".
fn as_applicant_sees(s: RequestState) -> RequestState {
    match s {
        RequestState::UjiAkun | RequestState::Pengiriman => RequestState::PembuatanAkun,
        other => other,
    }
}

/// The applicant's view of the request, after a correct code.
pub async fn status(state: &AppState, ticket: &str, token: &str, code: &str, ip: Option<String>) -> DomainResult<ApplicantStatus> {
    let ticket = ticket.trim().to_uppercase();
    let proof = phone_proof::check(state, Purpose::Status, &ticket, token, code, "code", ip.as_deref()).await?;
    let change = Change::begin(state, Who::public(format!("status:{ticket}"), ip)).await?;
    phone_proof::consume(&change, &proof, "code").await?;
    let row = request::Entity::find().filter(request::Column::Ticket.eq(ticket.clone())).one(&*change).await?.ok_or(DomainError::NotFound)?;
    change.commit().await?;
    let p: Payload = serde_json::from_str(&row.payload).map_err(anyhow::Error::from)?;
    let events =
        request_event::Entity::find().filter(request_event::Column::RequestId.eq(row.id)).order_by_asc(request_event::Column::Seq).all(&state.db).await?;
    // Staff names stay inside: the applicant sees what happened and when.
    // The account test is Surel's own business: a failed test and its retry
    // are not shown, and its states read as the account being made.
    let steps = events
        .iter()
        .filter(|e| !matches!(e.action, Action::UjiBerhasil | Action::UjiGagal | Action::UjiUlang))
        .map(|e| ApplicantStep {
            action: e.action,
            to_state: as_applicant_sees(e.to_state),
            at: state.local_time(e.at),
            note: e.note.clone().filter(|_| matches!(e.action, Action::Kembalikan | Action::Tolak)),
        })
        .collect();
    Ok(ApplicantStatus {
        ticket: row.ticket,
        state: as_applicant_sees(row.state),
        name: p.applicant.name,
        unit: p.applicant.unit_name,
        address: p.address.filter(|_| row.state == RequestState::Selesai),
        due_at: row.step_due_at.filter(|_| row.closed_at.is_none()).map(|d| state.local_time(d)),
        steps,
    })
}

/// The form's label of a field the applicant corrected (people never read
/// field names).
fn field_label(field: &str) -> &str {
    match field {
        "name" => "Nama lengkap",
        "nip" => "NIP",
        "unit" => "OPD",
        "proposed_local" => "Usulan alamat email",
        "phone" => "Nomor HP",
        "personal_email" => "Email pribadi",
        "form" => "Formulir bertanda tangan",
        other => other,
    }
}

/// Facts for the staff request page, with a warning when the NIP already has
/// a personal mailbox or another open request.
pub async fn facts(state: &AppState, r: &request::Model) -> DomainResult<Vec<(String, String)>> {
    let p: Payload = serde_json::from_str(&r.payload).map_err(anyhow::Error::from)?;
    let a = &p.applicant;
    let mut out = vec![("applicant_name".to_string(), a.name.clone()), ("nip".to_string(), model::validation::nip::format_nip(&a.nip))];
    if let Ok((_, info)) = parse_nip(&a.nip, state.today()) {
        let gender = match info.gender {
            model::validation::nip::Gender::Male => "L",
            model::validation::nip::Gender::Female => "P",
        };
        let appointed = match info.appointed_month {
            Some(m) => format!("{:02}-{}", m, info.appointed_year),
            None => format!("PPPK {}", info.appointed_year),
        };
        out.push(("nip_info".into(), format!("{:02}-{:02}-{} · {appointed} · {gender}", info.birth.day, info.birth.month, info.birth.year)));
    }
    out.push(("unit".into(), a.unit_name.clone()));
    out.push(("proposed_local".into(), a.proposed_local.clone()));
    out.push(("phone_verified".into(), mask_phone(&a.phone)));
    out.push(("personal_email".into(), a.personal_email.clone()));
    if r.closed_at.is_none() && r.state != RequestState::Selesai {
        let has_box = match person::Entity::find().filter(person::Column::Nip.eq(a.nip.clone())).one(&state.db).await? {
            Some(pe) => mailbox::Entity::find()
                .filter(mailbox::Column::PersonId.eq(pe.id))
                .filter(mailbox::Column::Kind.eq("personal"))
                .one(&state.db)
                .await?
                .map(|m| m.address),
            None => None,
        };
        if let Some(addr) = has_box.filter(|addr| Some(addr) != p.address.as_ref()) {
            out.push(("warning".into(), format!("NIP ini sudah memiliki akun: {addr}")));
        }
    }
    for rev in &p.revisions {
        out.push((
            "revision".into(),
            format!(
                "{}: {}",
                state.local_time(rev.at),
                if rev.changed.is_empty() { "—".to_string() } else { rev.changed.iter().map(|f| field_label(f)).collect::<Vec<_>>().join(", ") }
            ),
        ));
    }
    if let Some(l) = &p.final_local {
        out.push(("final_local".into(), l.clone()));
    }
    if let Some(q) = p.quota_mb {
        out.push(("quota_mb".into(), q.to_string()));
    }
    if let Some(a) = &p.address {
        out.push(("address".into(), a.clone()));
    }
    if let Some(m) = &p.test_message {
        out.push(("test".into(), m.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{last_code, staff_actor, state_with_clock};

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

    fn codes(e: DomainError) -> Vec<String> {
        match e {
            DomainError::Invalid(f) => f.0.into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    async fn unit_id(state: &AppState) -> String {
        unit::Entity::find().one(&state.db).await.unwrap().unwrap().id.to_string()
    }

    async fn form(state: &AppState, phone: &str) -> PersonalAccountInput {
        let token = send_apply_code(state, phone, None).await.unwrap();
        let code = last_code(state).await;
        let upload = attachments::store(state, None, "formulir", "formulir.pdf", PDF).await.unwrap();
        PersonalAccountInput {
            name: "Ratna Kusuma, S.Kom".into(),
            nip: "199203152019032015".into(),
            unit_id: unit_id(state).await,
            proposed_local: "ratna.kusuma".into(),
            phone: phone.into(),
            phone_token: token,
            phone_code: code,
            personal_email: "ratna.kusuma@gmail.com".into(),
            form_file: upload.token,
        }
    }

    async fn state_of(state: &AppState, ticket: &str) -> (RequestState, i32) {
        let r = request::Entity::find().filter(request::Column::Ticket.eq(ticket)).one(&state.db).await.unwrap().unwrap();
        (r.state, r.version)
    }

    #[tokio::test]
    async fn bad_applications_get_field_errors_and_keep_the_code() {
        let (state, _) = state_with_clock().await;
        let mut bad = form(&state, "0812-7700-1001").await;
        let good_code = bad.phone_code.clone();
        bad.name = " ".into();
        bad.nip = "199213452019032015".into();
        bad.unit_id = "9999".into();
        bad.proposed_local = "postmaster".into();
        bad.personal_email = "ratna@batam.go.id".into();
        bad.form_file = String::new();
        let got = codes(submit(&state, bad.clone(), None).await.unwrap_err());
        for want in [
            "name:name_empty",
            "nip:nip_birth",
            "unit_id:unit_unknown",
            "proposed_local:address_reserved",
            "personal_email:email_official",
            "form_file:form_required",
        ] {
            assert!(got.contains(&want.to_string()), "{want} missing from {got:?}");
        }
        // the code was not spent on a form with other mistakes
        let fixed = PersonalAccountInput { phone_code: good_code, ..form_fields_ok(&state, bad).await };
        let ticket = submit(&state, fixed, None).await.unwrap();
        assert_eq!(state_of(&state, &ticket).await.0, RequestState::Pemeriksaan);
    }

    async fn form_fields_ok(state: &AppState, mut f: PersonalAccountInput) -> PersonalAccountInput {
        f.name = "Ratna Kusuma".into();
        f.nip = "199203152019032015".into();
        f.unit_id = unit_id(state).await;
        f.proposed_local = "ratna.kusuma".into();
        f.personal_email = "ratna.kusuma@gmail.com".into();
        f.form_file = attachments::store(state, None, "formulir", "formulir.pdf", PDF).await.unwrap().token;
        f
    }

    #[tokio::test]
    async fn a_phone_must_be_proved() {
        let (state, _) = state_with_clock().await;
        let mut f = form(&state, "0812-7700-1002").await;
        f.phone = "0812-7700-1003".into();
        assert_eq!(codes(submit(&state, f, None).await.unwrap_err()), ["phone_code:code_not_sent"]);
    }

    #[tokio::test]
    async fn returned_corrected_approved_created_and_followed() {
        let (state, clock) = state_with_clock().await;
        let f = form(&state, "0812-7700-1004").await;
        let ticket = submit(&state, f, None).await.unwrap();
        let kasi = staff_actor(&state, "hendra.gunawan@batam.go.id").await;
        let budi = staff_actor(&state, "budi.santoso@batam.go.id").await;
        let (_, v) = state_of(&state, &ticket).await;
        // only a Kasi checks
        assert!(matches!(decide(&state, &budi, &ticket, v, Decision::Approve).await, Err(DomainError::Forbidden)));
        assert_eq!(codes(decide(&state, &kasi, &ticket, v, Decision::Return("  ".into())).await.unwrap_err()), ["note:note_required"]);
        decide(&state, &kasi, &ticket, v, Decision::Return("Formulir belum ditandatangani".into())).await.unwrap();
        assert_eq!(state_of(&state, &ticket).await.0, RequestState::Perbaikan);
        // the link from the SMS
        let sms = crate::entities::outbox::Entity::find().order_by_desc(crate::entities::outbox::Column::Id).all(&state.db).await.unwrap();
        let text = sms.iter().map(|m| state.keys.open(&m.body_enc).unwrap()).find(|t| t.contains("/permohonan-akun/perbaiki/")).unwrap();
        let link = text.split("/permohonan-akun/perbaiki/").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
        let info = fix_info(&state, &link).await.unwrap();
        assert_eq!(info.note, "Formulir belum ditandatangani");
        assert_eq!(info.input.proposed_local, "ratna.kusuma");
        assert!(fix_info(&state, &format!("{link}x")).await.is_err(), "a forged link");
        // resubmit with a new signed form and another address
        let mut again = info.input.clone();
        again.proposed_local = "ratna.k".into();
        again.form_file = attachments::store(&state, None, "formulir", "formulir-ttd.pdf", PDF).await.unwrap().token;
        resubmit(&state, &link, again, None).await.unwrap();
        assert!(fix_info(&state, &link).await.is_err(), "the link is used up");
        let (s, v) = state_of(&state, &ticket).await;
        assert_eq!(s, RequestState::Pemeriksaan);
        let (_, p): (_, Payload) = requests::load(&state.db, &PERSONAL_ACCOUNT, &ticket).await.unwrap();
        assert_eq!(p.revisions.len(), 1);
        assert_eq!(p.revisions[0].before.proposed_local, "ratna.kusuma");
        assert_eq!(p.revisions[0].changed, ["proposed_local", "form"]);
        decide(&state, &kasi, &ticket, v, Decision::Approve).await.unwrap();
        let (s, v) = state_of(&state, &ticket).await;
        assert_eq!(s, RequestState::PembuatanAkun);
        let bad = PersonalAccountData { local_part: "yusuf.hakim".into(), quota_mb: "5".into() };
        assert_eq!(codes(create_account(&state, &budi, &ticket, v, bad).await.unwrap_err()), ["local_part:address_taken", "quota_mb:quota_invalid"]);
        create_account(&state, &budi, &ticket, v, PersonalAccountData { local_part: "ratna.k".into(), quota_mb: "2048".into() }).await.unwrap();
        let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq("ratna.k@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        assert_eq!((mb.kind.as_str(), mb.status.as_str(), mb.password_hash.is_none()), ("personal", "pending", true));
        assert_eq!(mb.reset_phone.as_deref(), Some("+6281277001004"));
        let pe = person::Entity::find_by_id(mb.person_id.unwrap()).one(&state.db).await.unwrap().unwrap();
        assert!(pe.phone_verified_at.is_some());
        assert_eq!(pe.personal_email.as_deref(), Some("ratna.kusuma@gmail.com"));
        // no mail server in unit tests: the test fails clearly and waits for a retry
        assert_eq!(state_of(&state, &ticket).await.0, RequestState::UjiAkun);
        // the applicant follows the request: the same answer for an unknown ticket
        clock.advance(Duration::minutes(2));
        assert!(status_send_code(&state, "SRL-2099-999999", None).await.is_ok());
        let token = status_send_code(&state, &ticket.to_lowercase(), None).await.unwrap();
        let code = last_code(&state).await;
        let seen = status(&state, &ticket, &token, &code, None).await.unwrap();
        // the applicant sees the account test as the account being made
        assert_eq!(seen.state, RequestState::PembuatanAkun);
        assert!(seen.steps.iter().all(|s| !matches!(s.action, Action::UjiGagal | Action::UjiUlang | Action::UjiBerhasil)));
        assert!(seen.steps.iter().any(|s| s.note.as_deref() == Some("Formulir belum ditandatangani")));
        assert!(seen.steps.iter().all(|s| !s.at.is_empty()));
        assert!(status(&state, &ticket, &token, &code, None).await.is_err(), "a status code works once");
    }
}
