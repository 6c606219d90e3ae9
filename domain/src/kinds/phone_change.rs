//! F2 — changing the reset phone after an in-person identity check
//! (SOP 001, "no" branch), on top of the workflow engine.
//!
//! 1. At the desk the officer finds the mailbox, records the identity
//!    document and the new number: a request opens and a code goes by SMS to
//!    the new number (which proves the owner holds it).
//! 2. The owner reads the code back; the officer enters it.
//! 3. A Kasi (never the officer who recorded it) approves or rejects.
//! 4. On approval the number changes and the old number, the new number and
//!    the mailbox are told; the owner then uses /ganti-sandi.
use crate::audit::Change;
use crate::auth::{grants_of, Actor};
use crate::crypto::random_code;
use crate::entities::{mailbox, person, request};
use crate::notify;
use crate::outbox::Channel;
use crate::rate_limit::{self, Limit};
use crate::requests::workflow::PHONE_CHANGE;
use crate::requests::{self, Effects, NewRequest, StepActor};
use crate::{AppState, DomainError, DomainResult};
use chrono::{DateTime, Duration, Utc};
use model::validation::phone::{mask_phone, normalize_phone};
use model::validation::FieldErrors;
use model::{Action, ErrorCode, RequestState, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::{Deserialize, Serialize};

pub const DOC_TYPES: [&str; 3] = ["ktp", "surat_tugas", "kartu_pegawai"];
const CODE_VALID: i64 = 10 * 60;
const MAX_GUESSES: i32 = 5;
/// Wrong desk codes per mailbox over any 24 hours, across resends.
pub const WRONG_CODES_PER_MAILBOX: Limit = Limit::new("desk-wrong-mailbox", 20, 24 * 3600);

/// The request's payload. The document number is sealed (encrypted): it is
/// personal data that only the handling officers need to see.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payload {
    pub mailbox_id: i32,
    pub address: String,
    pub doc_type: String,
    pub doc_number_sealed: String,
    pub old_phone: Option<String>,
    pub new_phone: String,
    pub code_mac: Option<String>,
    pub code_seq: i32,
    pub code_expires_at: Option<DateTime<Utc>>,
    pub wrong_guesses: i32,
    pub code_confirmed: bool,
}

impl Payload {
    fn to_json(&self) -> DomainResult<serde_json::Value> {
        Ok(serde_json::to_value(self).map_err(anyhow::Error::from)?)
    }

    /// The transition effect that stores this payload.
    fn effects(&self) -> DomainResult<Effects> {
        Ok(Effects { payload: Some(self.to_json()?) })
    }
}

pub struct Desk {
    pub address: String,
    pub doc_type: String,
    pub doc_number: String,
    pub new_phone: String,
    /// Token of the uploaded scan or photo of the identity document.
    pub doc_scan: String,
}

/// How much a role may do; a change to a staff member's phone needs at least
/// their rank (a phone reset of an admin is a path to the admin's account).
fn rank(role: Role) -> u8 {
    match role {
        Role::Admin => 3,
        Role::Kabid | Role::Kasi | Role::Auditor => 2,
        _ => 1,
    }
}

fn code_context(ticket: &str, seq: i32) -> String {
    format!("phone_change:{ticket}:{seq}")
}

/// Step 1: the officer records the visit. Returns the ticket number.
pub async fn start(state: &AppState, actor: &Actor, desk: Desk) -> DomainResult<String> {
    if !actor.has(Role::Petugas) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let address = model::validation::address::normalize_address(&desk.address);
    if !DOC_TYPES.contains(&desk.doc_type.as_str()) {
        errors.add("doc_type", ErrorCode::DocTypeInvalid);
    }
    let doc_number = desk.doc_number.trim().to_string();
    if doc_number.is_empty() {
        errors.add("doc_number", ErrorCode::Required);
    } else if doc_number.len() < 4 || doc_number.len() > 64 {
        errors.add("doc_number", ErrorCode::DocNumberInvalid);
    }
    let new_phone = match normalize_phone(&desk.new_phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("new_phone", e.code());
            None
        }
    };
    // every missing piece is reported at once, the scan included
    if desk.doc_scan.trim().is_empty() {
        errors.add("doc_scan", ErrorCode::ScanRequired);
    }
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(address.clone())).one(&state.db).await?;
    let Some(mb) = mb else {
        errors.add("address", if address.is_empty() { ErrorCode::Required } else { ErrorCode::MailboxNotFound });
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let new_phone = new_phone.expect("checked above");
    if mb.reset_phone.as_deref() == Some(new_phone.as_str()) {
        return Err(DomainError::field("new_phone", ErrorCode::PhoneUnchanged));
    }
    // Deny a change to a phone of someone with more power than the officer.
    let mine = actor.grants.iter().map(|g| rank(g.role)).max().unwrap_or(0);
    let theirs = grants_of(&state.db, mb.id).await?.iter().map(|g| rank(g.role)).max().unwrap_or(0);
    if theirs > mine || mb.id == actor.mailbox_id {
        return Err(DomainError::field("address", ErrorCode::PhoneChangeNotPermitted));
    }
    let open = request::Entity::find()
        .filter(request::Column::Kind.eq(PHONE_CHANGE.kind))
        .filter(request::Column::ClosedAt.is_null())
        .filter(request::Column::Subject.eq(mb.address.clone()))
        .one(&state.db)
        .await?;
    if let Some(open) = open {
        return Err(DomainError::Conflict { code: ErrorCode::RequestOpen, by: Some(open.ticket) });
    }

    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let code = random_code();
    let payload = Payload {
        mailbox_id: mb.id,
        address: mb.address.clone(),
        doc_type: desk.doc_type.clone(),
        doc_number_sealed: state.keys.seal(&doc_number),
        old_phone: mb.reset_phone.clone(),
        new_phone: new_phone.clone(),
        code_mac: None,
        code_seq: 1,
        code_expires_at: Some(change.now() + Duration::seconds(CODE_VALID)),
        wrong_guesses: 0,
        code_confirmed: false,
    };
    let who = StepActor::staff(actor);
    let new = NewRequest {
        unit_id: mb.unit_id,
        applicant_mailbox_id: Some(mb.id),
        applicant_person_id: mb.person_id,
        subject: mb.address.clone(),
        payload: payload.to_json()?,
        note: None,
    };
    let row = requests::create(&mut change, &levels, &PHONE_CHANGE, &who, new).await?;
    let scans = crate::attachments::claim(&mut change, state, &[desk.doc_scan.trim().to_string()], row.id)
        .await
        .map_err(|_| DomainError::field("doc_scan", ErrorCode::AttachmentMissing))?;
    if scans.iter().any(|f| f.kind != "identitas") {
        return Err(DomainError::field("doc_scan", ErrorCode::AttachmentMissing));
    }
    // The code's MAC is bound to the ticket, so it is written after creation.
    let mut payload = payload;
    payload.code_mac = Some(state.keys.code_mac(&code_context(&row.ticket, 1), &code));
    let mut am = row.clone().into_active_model();
    am.payload = Set(payload.to_json()?.to_string());
    am.update(&*change).await?;
    send_code(state, &change, &row.ticket, &new_phone, &code, 1).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(row.ticket)
}

async fn send_code(state: &AppState, change: &Change, ticket: &str, phone: &str, code: &str, seq: i32) -> DomainResult<()> {
    let text = format!("Surel: kode {code} untuk mengganti nomor HP akun email (tiket {ticket}). Bacakan kepada petugas. Berlaku 10 menit.");
    notify::send(state, change, Channel::Sms, phone, None, text, format!("{ticket}:code:{seq}"), Some(format!("request:{ticket}"))).await
}

async fn load(change: &Change, ticket: &str) -> DomainResult<(request::Model, Payload)> {
    let row = request::Entity::find()
        .filter(request::Column::Ticket.eq(ticket))
        .filter(request::Column::Kind.eq(PHONE_CHANGE.kind))
        .one(&**change)
        .await?
        .ok_or(DomainError::NotFound)?;
    let payload: Payload = serde_json::from_str(&row.payload).map_err(anyhow::Error::from)?;
    Ok((row, payload))
}

/// Step 2, resend: a new code replaces the old one (the step's clock runs on).
pub async fn resend_code(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<i32> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (_, mut payload) = load(&change, ticket).await?;
    let code = random_code();
    payload.code_seq += 1;
    payload.code_mac = Some(state.keys.code_mac(&code_context(ticket, payload.code_seq), &code));
    payload.code_expires_at = Some(change.now() + Duration::seconds(CODE_VALID));
    payload.wrong_guesses = 0;
    let who = StepActor::staff(actor);
    let effects = payload.effects()?;
    let (row, _) = requests::transition(&mut change, &levels, ticket, version, Action::KirimUlangKode, &who, None, effects).await?;
    send_code(state, &change, ticket, &payload.new_phone, &code, payload.code_seq).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(row.version)
}

/// Step 2: the officer enters the code the owner reads back.
pub async fn confirm_code(state: &AppState, actor: &Actor, ticket: &str, version: i32, code: &str) -> DomainResult<i32> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (row, mut payload) = load(&change, ticket).await?;
    if !actor.has_for_unit(Role::Petugas, row.unit_id) {
        return Err(DomainError::Forbidden);
    }
    if row.version != version || row.state != RequestState::VerifikasiKode {
        // the engine words the conflict ("already handled by X")
        let who = StepActor::staff(actor);
        requests::transition(&mut change, &levels, ticket, version, Action::KonfirmasiKode, &who, None, Effects::default()).await?;
        return Err(DomainError::Conflict { code: ErrorCode::AlreadyHandled, by: None });
    }
    let code = code.trim();
    let expired = payload.code_expires_at.is_none_or(|t| change.now() > t);
    if payload.wrong_guesses >= MAX_GUESSES {
        return Err(DomainError::field("code", ErrorCode::CodeDead));
    }
    if expired {
        return Err(DomainError::field("code", ErrorCode::CodeExpired));
    }
    // Wrong codes per mailbox over any 24 hours, across resends: a fresh
    // code brings no fresh budget past the ceiling.
    let Some(_) = rate_limit::take(&*change, &WRONG_CODES_PER_MAILBOX, &payload.address, change.now()).await? else {
        return Err(DomainError::field("code", ErrorCode::CodePaused));
    };
    let right = code.len() == 6 && payload.code_mac.as_deref().is_some_and(|mac| state.keys.code_matches(&code_context(ticket, payload.code_seq), code, mac));
    if right {
        rate_limit::release(&*change, &WRONG_CODES_PER_MAILBOX, &payload.address).await?;
    } else {
        // Count the guess in its own committed change: a refusal must not roll it back.
        payload.wrong_guesses += 1;
        let mut am = row.into_active_model();
        am.payload = Set(payload.to_json()?.to_string());
        am.update(&*change).await?;
        change.log("request.code_wrong", "request", ticket, serde_json::json!({ "guesses": payload.wrong_guesses })).await?;
        change.commit().await?;
        if payload.wrong_guesses >= MAX_GUESSES {
            return Err(DomainError::field("code", ErrorCode::CodeDead));
        }
        let left = (MAX_GUESSES - payload.wrong_guesses).to_string();
        return Err(DomainError::Invalid(model::validation::FieldError::new("code", ErrorCode::CodeWrong).with_arg(left).into()));
    }
    payload.code_confirmed = true;
    payload.code_mac = None;
    let who = StepActor::staff(actor);
    let effects = payload.effects()?;
    let (after, _) = requests::transition(&mut change, &levels, ticket, version, Action::KonfirmasiKode, &who, None, effects).await?;
    notify_approvers(state, &change, ticket, &payload.address, actor.mailbox_id).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(after.version)
}

/// Tells every Kasi (but the officer who recorded it) that a change waits for
/// them, with a link that opens the request on a phone.
async fn notify_approvers(state: &AppState, change: &Change, ticket: &str, address: &str, recorded_by: i32) -> DomainResult<()> {
    let text = format!("Surel: ganti nomor HP {address} (tiket {ticket}) menunggu persetujuan Anda.");
    notify::tell_role(state, change, Role::Kasi, Some(recorded_by), ticket, "approve", "Permohonan menunggu persetujuan Anda", &text, true).await
}

/// The owner left or the document did not match: the officer closes the visit.
pub async fn cancel(state: &AppState, actor: &Actor, ticket: &str, version: i32, note: &str) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (_, mut payload) = load(&change, ticket).await?;
    payload.code_mac = None;
    let who = StepActor::staff(actor);
    let effects = payload.effects()?;
    requests::transition(&mut change, &levels, ticket, version, Action::Batalkan, &who, Some(note), effects).await?;
    change.commit().await?;
    Ok(())
}

/// Step 4: Kasi decides. Approval changes the number and tells everyone.
pub async fn decide(state: &AppState, actor: &Actor, ticket: &str, version: i32, approve: bool, note: Option<&str>) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (_, payload) = load(&change, ticket).await?;
    let who = StepActor::staff(actor);
    let action = if approve { Action::Setujui } else { Action::Tolak };
    requests::transition(&mut change, &levels, ticket, version, action, &who, note, Effects::default()).await?;
    let related = Some(format!("request:{ticket}"));
    if approve {
        let mb = mailbox::Entity::find_by_id(payload.mailbox_id).one(&*change).await?.ok_or(DomainError::NotFound)?;
        let mut am = mb.clone().into_active_model();
        am.reset_phone = Set(Some(payload.new_phone.clone()));
        am.updated_at = Set(change.now());
        am.update(&*change).await?;
        change
            .log(
                "mailbox.phone_change",
                "mailbox",
                &mb.address,
                serde_json::json!({ "ticket": ticket, "from": payload.old_phone.as_deref().map(mask_phone), "to": mask_phone(&payload.new_phone) }),
            )
            .await?;
        let when = state.local_time(change.now());
        let support = state.config.support_contact.clone();
        let reset = format!("{}/ganti-sandi", state.config.public_url.trim_end_matches('/'));
        let to_new = format!("Surel: nomor ini sekarang terdaftar untuk {} (tiket {ticket}). Atur kata sandi di {reset}", mb.address);
        notify::send(state, &change, Channel::Sms, &payload.new_phone, None, to_new, format!("{ticket}:done:new"), related.clone()).await?;
        if let Some(old) = &payload.old_phone {
            let to_old = format!("Surel: nomor HP akun {} diganti pada {when} (tiket {ticket}). Bukan Anda? Hubungi {support}.", mb.address);
            notify::send(state, &change, Channel::Sms, old, None, to_old, format!("{ticket}:done:old"), related.clone()).await?;
        }
        let mail = format!(
            "Yth. {},\n\nNomor HP untuk mengatur ulang kata sandi akun {} diganti menjadi {} pada {when} setelah pemeriksaan identitas di loket (tiket {ticket}).\n\nJika Anda tidak melakukannya, segera hubungi {support}.\n\nPesan ini dikirim otomatis; jangan dibalas.",
            mb.display_name, mb.address, mask_phone(&payload.new_phone)
        );
        notify::send(state, &change, Channel::Email, &mb.address, Some("Nomor HP akun email Anda diganti"), mail, format!("{ticket}:done:mailbox"), related)
            .await?;
    } else {
        let text = format!("Surel: permohonan ganti nomor HP {} (tiket {ticket}) ditolak: {}", payload.address, note.unwrap_or("").trim());
        notify::send(state, &change, Channel::Sms, &payload.new_phone, None, text, format!("{ticket}:rejected"), related).await?;
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// The request's data for its page, personal data masked. The owner's name
/// is there so the officer can compare it with the identity document.
pub async fn facts(state: &AppState, r: &request::Model) -> DomainResult<Vec<(String, String)>> {
    let fact = |key: &str, value: String| (key.to_string(), value);
    let Ok(p) = serde_json::from_str::<Payload>(&r.payload) else { return Ok(vec![]) };
    let owner = match mailbox::Entity::find_by_id(p.mailbox_id).one(&state.db).await? {
        Some(m) => match m.person_id {
            Some(pid) => person::Entity::find_by_id(pid).one(&state.db).await?.map(|x| x.name).unwrap_or(m.display_name),
            None => m.display_name,
        },
        None => String::new(),
    };
    let doc = state.keys.open(&p.doc_number_sealed).unwrap_or_default();
    let tail: String = doc.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    Ok(vec![
        fact("owner_name", owner),
        fact("address", p.address),
        fact("doc_type", p.doc_type),
        fact("doc_number", format!("••••{tail}")),
        fact("old_phone", p.old_phone.as_deref().map(mask_phone).unwrap_or_else(|| "—".into())),
        fact("new_phone", mask_phone(&p.new_phone)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::outbox;
    use crate::testing::{last_code, state_with_clock};

    async fn staff(state: &AppState, address: &str) -> Actor {
        crate::testing::staff_actor(state, address).await
    }

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

    async fn scan(state: &AppState, by: &Actor) -> String {
        crate::attachments::store(state, Some(by), "identitas", "ktp.png", PNG).await.unwrap().token
    }

    async fn desk(state: &AppState, by: &Actor, phone: &str) -> Desk {
        Desk {
            address: "yusuf.hakim@batam.go.id".into(),
            doc_type: "ktp".into(),
            doc_number: "2171010101900001".into(),
            new_phone: phone.into(),
            doc_scan: scan(state, by).await,
        }
    }

    #[tokio::test]
    async fn whole_flow_changes_the_number() {
        let (state, _) = state_with_clock().await;
        // e-mail is only queued where it can be delivered: give this instance an SMTP relay
        let mut config = (*state.config).clone();
        config.smtp = Some(crate::config::SmtpConfig { url: "smtp://127.0.0.1:9".into(), from: "surel@batam.go.id".into() });
        let state = AppState { config: std::sync::Arc::new(config), ..state };
        let budi = staff(&state, "budi.santoso@batam.go.id").await;
        let hendra = staff(&state, "hendra.gunawan@batam.go.id").await;
        let ticket = start(&state, &budi, desk(&state, &budi, "0812-7777-0001").await).await.unwrap();
        let code = last_code(&state).await;
        // a wrong code counts, the right one moves the request to the Kasi
        assert!(matches!(confirm_code(&state, &budi, &ticket, 1, "000000").await, Err(DomainError::Invalid(_))));
        let v = confirm_code(&state, &budi, &ticket, 1, &code).await.unwrap();
        // the Kasi is told, with a link to the request
        let kasi_mail = outbox::Entity::find().filter(outbox::Column::Recipient.eq("hendra.gunawan@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        assert!(state.keys.open(&kasi_mail.body_enc).unwrap().contains(&format!("/admin/permohonan/{ticket}")));
        // the officer cannot approve; the Kasi can
        assert!(matches!(decide(&state, &budi, &ticket, v, true, None).await, Err(DomainError::Forbidden)));
        decide(&state, &hendra, &ticket, v, true, None).await.unwrap();
        let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq("yusuf.hakim@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        assert_eq!(mb.reset_phone.as_deref(), Some("+6281277770001"));
        let req = request::Entity::find().filter(request::Column::Ticket.eq(ticket.clone())).one(&state.db).await.unwrap().unwrap();
        assert_eq!(req.state, RequestState::Selesai);
        // the document number is not stored in clear
        assert!(!req.payload.contains("2171010101900001"));
        // old number, new number and mailbox heard about it
        let sent: Vec<String> = outbox::Entity::find().all(&state.db).await.unwrap().into_iter().map(|m| m.recipient).collect();
        for who in ["+6281290000001", "+6281277770001", "yusuf.hakim@batam.go.id"] {
            assert!(sent.iter().any(|r| r == who), "{who} not notified: {sent:?}");
        }
    }

    #[tokio::test]
    async fn bad_desk_input_gets_field_errors() {
        let (state, _) = state_with_clock().await;
        let budi = staff(&state, "budi.santoso@batam.go.id").await;
        let bad = Desk {
            address: "nobody@batam.go.id".into(),
            doc_type: "paspor-palsu".into(),
            doc_number: "1".into(),
            new_phone: "12ab".into(),
            doc_scan: String::new(),
        };
        match start(&state, &budi, bad).await {
            Err(DomainError::Invalid(f)) => {
                for field in ["address", "doc_type", "doc_number", "new_phone"] {
                    assert!(f.has(field), "{field}: {f:?}");
                }
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        // an empty address is asked for, not reported as unknown
        let empty = Desk {
            address: " ".into(),
            doc_type: "ktp".into(),
            doc_number: "2171015508900003".into(),
            new_phone: "081273000001".into(),
            doc_scan: String::new(),
        };
        // every missing piece at once: the address and the scan
        let Err(DomainError::Invalid(f)) = start(&state, &budi, empty).await else { panic!("field errors expected") };
        assert!(f.0.iter().any(|e| e.field == "address" && e.code == ErrorCode::Required), "{f:?}");
        assert!(f.0.iter().any(|e| e.field == "doc_scan" && e.code == ErrorCode::ScanRequired), "{f:?}");
    }

    #[tokio::test]
    async fn an_officer_cannot_change_a_more_powerful_phone() {
        let (state, _) = state_with_clock().await;
        let budi = staff(&state, "budi.santoso@batam.go.id").await;
        let mut d = desk(&state, &budi, "0812-7777-0002").await;
        d.address = "andi.pratama@batam.go.id".into(); // Admin sistem
        assert!(matches!(start(&state, &budi, d).await, Err(DomainError::Invalid(f)) if f.has("address")));
    }

    #[tokio::test]
    async fn codes_expire_and_lock() {
        let (state, clock) = state_with_clock().await;
        let budi = staff(&state, "budi.santoso@batam.go.id").await;
        let ticket = start(&state, &budi, desk(&state, &budi, "0812-7777-0003").await).await.unwrap();
        let code = last_code(&state).await;
        clock.advance(Duration::minutes(11));
        assert!(matches!(confirm_code(&state, &budi, &ticket, 1, &code).await, Err(DomainError::Invalid(f)) if f.0[0].code == ErrorCode::CodeExpired));
        let v = resend_code(&state, &budi, &ticket, 1).await.unwrap();
        let fresh = last_code(&state).await;
        for _ in 0..MAX_GUESSES {
            let _ = confirm_code(&state, &budi, &ticket, v, "111111").await;
        }
        assert!(matches!(confirm_code(&state, &budi, &ticket, v, &fresh).await, Err(DomainError::Invalid(f)) if f.0[0].code == ErrorCode::CodeDead));
    }
}
