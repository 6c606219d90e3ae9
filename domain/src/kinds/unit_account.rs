//! F3 — unit / kegiatan / event accounts (SOP 000) on the workflow engine.
//!
//! 1. Kepala OPD submits: kind, purpose, proposed address, responsible person,
//!    the official letter (number, date, PDF); end date for events.
//! 2. Kabid PE approves or rejects with a reason.
//! 3. A Petugas inputs the account data (final address, quota, aliases).
//! 4. A different Petugas approves it: the mailbox is created (no password)
//!    and tested on the mail server; on success the responsible person gets a
//!    one-time activation link by SMS.
//! 5. A Petugas sends the report to Kabid PE and the personnel-data manager.
use crate::accounts::{self, NewMailbox};
use crate::attachments;
use crate::audit::Change;
use crate::auth::Actor;
use crate::entities::{person, unit};
use crate::kinds::account_test::{self, Passed, TestedMailbox};
use crate::notify;
use crate::outbox::Channel;
use crate::requests::workflow::{Flow, UNIT_ACCOUNT};
use crate::requests::{self, NewRequest, StepActor};
use crate::{AppState, DomainError, DomainResult};
use chrono::NaiveDate;
use model::validation::address::check_local_part;
use model::validation::nip::normalize_nip;
use model::validation::phone::normalize_phone;
use model::validation::FieldErrors;
use model::{Action, ErrorCode, Role, UnitAccountData, UnitAccountInput};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

pub const KINDS: [&str; 3] = ["unit", "kegiatan", "event"];

/// The request's data as it grows step by step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payload {
    pub account_kind: String,
    pub unit_id: Option<i32>,
    pub unit_name: String,
    pub purpose: String,
    pub proposed_local: String,
    pub responsible_name: String,
    pub responsible_nip: String,
    pub responsible_phone: String,
    pub ends_on: Option<NaiveDate>,
    pub letter_number: String,
    pub letter_date: NaiveDate,
    // step 3
    pub final_local: Option<String>,
    pub quota_mb: Option<i32>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub input_by: Option<i32>,
    // step 4
    pub mailbox_id: Option<i32>,
    pub address: Option<String>,
    pub test_message: Option<String>,
    #[serde(default)]
    pub activation_sent: bool,
}

fn date(input: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").ok()
}

/// Step 1: Kepala OPD submits. Returns the ticket number.
pub async fn submit(state: &AppState, actor: &Actor, input: UnitAccountInput) -> DomainResult<String> {
    let units = actor.units_for(Role::KepalaOpd);
    let Some(unit_id) = units.first().copied() else { return Err(DomainError::Forbidden) };
    let today = state.local_date();
    let mut errors = FieldErrors::default();
    if !KINDS.contains(&input.account_kind.as_str()) {
        errors.add("account_kind", ErrorCode::Invalid);
    }
    let purpose = input.purpose.trim().to_string();
    match purpose.chars().count() {
        0 => errors.add("purpose", ErrorCode::Required),
        1..=9 => errors.add("purpose", ErrorCode::TooShort),
        501.. => errors.add("purpose", ErrorCode::TooLong),
        _ => {}
    }
    let proposed = match accounts::available(&state.db, &input.proposed_local).await? {
        Ok(full) => Some(full.split('@').next().unwrap_or_default().to_string()),
        Err(code) => {
            errors.add("proposed_local", code);
            None
        }
    };
    let name = input.responsible_name.trim().to_string();
    if name.is_empty() {
        errors.add("responsible_name", ErrorCode::Required);
    }
    let nip = match normalize_nip(&input.responsible_nip) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.add("responsible_nip", e.code());
            None
        }
    };
    let phone = match normalize_phone(&input.responsible_phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("responsible_phone", e.code());
            None
        }
    };
    let ends_on = match (input.account_kind.as_str(), input.ends_on.trim()) {
        ("event", "") => {
            errors.add("ends_on", ErrorCode::Required);
            None
        }
        ("event", s) => match date(s) {
            Some(d) if d > today => Some(d),
            Some(_) => {
                errors.add("ends_on", ErrorCode::DatePast);
                None
            }
            None => {
                errors.add("ends_on", ErrorCode::DateInvalid);
                None
            }
        },
        _ => None,
    };
    let letter_number = input.letter_number.trim().to_string();
    if letter_number.is_empty() {
        errors.add("letter_number", ErrorCode::Required);
    }
    let letter_date = match date(&input.letter_date) {
        Some(d) if d <= today => Some(d),
        Some(_) => {
            errors.add("letter_date", ErrorCode::DateFuture);
            None
        }
        None => {
            errors.add("letter_date", if input.letter_date.trim().is_empty() { ErrorCode::Required } else { ErrorCode::DateInvalid });
            None
        }
    };
    if input.letter_file.trim().is_empty() {
        errors.add("letter_file", ErrorCode::LetterRequired);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let unit_row = match unit_id {
        Some(id) => unit::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let payload = Payload {
        account_kind: input.account_kind.clone(),
        unit_id: unit_row.as_ref().map(|u| u.id),
        unit_name: unit_row.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        purpose: purpose.clone(),
        proposed_local: proposed.expect("checked"),
        responsible_name: name,
        responsible_nip: nip.expect("checked"),
        responsible_phone: phone.expect("checked"),
        ends_on,
        letter_number,
        letter_date: letter_date.expect("checked"),
        final_local: None,
        quota_mb: None,
        aliases: vec![],
        input_by: None,
        mailbox_id: None,
        address: None,
        test_message: None,
        activation_sent: false,
    };
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let new = NewRequest {
        unit_id: payload.unit_id,
        applicant_mailbox_id: Some(actor.mailbox_id),
        applicant_person_id: None,
        subject: format!("{} — {}", payload.proposed_local, payload.unit_name),
        payload: serde_json::to_value(&payload).map_err(anyhow::Error::from)?,
        note: None,
    };
    let row = requests::create(&mut change, &levels, &UNIT_ACCOUNT, &StepActor::staff(actor), new).await?;
    let files = attachments::claim(&mut change, state, &[input.letter_file.trim().to_string()], row.id)
        .await
        .map_err(|_| DomainError::field("letter_file", ErrorCode::AttachmentMissing))?;
    if files.iter().any(|f| f.content_type != "application/pdf") {
        return Err(DomainError::field("letter_file", ErrorCode::LetterPdf));
    }
    let text = format!("Surel: permohonan akun {} dari {} (tiket {}) menunggu persetujuan Anda.", payload.proposed_local, payload.unit_name, row.ticket);
    notify::tell_role(state, &change, Role::Kabid, Some(actor.mailbox_id), &row.ticket, "kabid", "Permohonan akun unit menunggu persetujuan", &text, true)
        .await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(row.ticket)
}

/// Step 2: Kabid PE approves or rejects (with a reason).
pub async fn decide(state: &AppState, actor: &Actor, ticket: &str, version: i32, approve: bool, note: Option<&str>) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (row, p): (_, Payload) = requests::load(&*change, &UNIT_ACCOUNT, ticket).await?;
    let action = if approve { Action::Setujui } else { Action::Tolak };
    requests::transition(&mut change, &levels, ticket, version, action, &StepActor::staff(actor), note, Default::default()).await?;
    if approve {
        let text = format!("Surel: permohonan akun {} (tiket {ticket}) disetujui Kabid; mohon input data akun.", p.proposed_local);
        notify::tell_role(state, &change, Role::Petugas, None, ticket, "input", "Permohonan akun unit: input data akun", &text, false).await?;
    }
    if let Some(applicant) = row.applicant_mailbox_id {
        let text = if approve {
            format!("Permohonan akun {} (tiket {ticket}) disetujui dan sedang diproses.", p.proposed_local)
        } else {
            format!("Permohonan akun {} (tiket {ticket}) ditolak: {}", p.proposed_local, note.unwrap_or("").trim())
        };
        notify::tell_mailbox(state, &change, applicant, ticket, action.as_str(), "Keputusan permohonan akun", &text).await?;
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Checks the account data an officer enters (step 3).
async fn check_data(state: &AppState, p: &Payload, data: &UnitAccountData) -> DomainResult<(String, i32, Vec<String>, Option<NaiveDate>)> {
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
    let mut aliases = Vec::new();
    for a in data.aliases.split([',', ' ', '\n']).map(str::trim).filter(|a| !a.is_empty()) {
        match check_local_part(a) {
            Ok(l) if Some(&l) == local.as_ref() || aliases.contains(&l) => {}
            Ok(l) => match accounts::available(&state.db, &l).await? {
                Ok(_) => aliases.push(l),
                Err(code) => errors.push(model::validation::FieldError::new("aliases", code).with_arg(a)),
            },
            Err(e) => errors.push(model::validation::FieldError::new("aliases", e.code()).with_arg(a)),
        }
    }
    if aliases.len() > accounts::MAX_ALIASES {
        errors.add("aliases", ErrorCode::TooMany);
    }
    let ends_on = if p.account_kind == "event" {
        match date(&data.ends_on) {
            Some(d) if d > state.local_date() => Some(d),
            Some(_) => {
                errors.add("ends_on", ErrorCode::DatePast);
                None
            }
            None => {
                errors.add("ends_on", ErrorCode::Required);
                None
            }
        }
    } else {
        None
    };
    errors.into_result()?;
    Ok((local.expect("checked"), quota.expect("checked"), aliases, ends_on))
}

/// Step 3: a Petugas inputs the account data.
pub async fn input_data(state: &AppState, actor: &Actor, ticket: &str, version: i32, data: UnitAccountData) -> DomainResult<()> {
    let (_, mut p): (_, Payload) = requests::load(&state.db, &UNIT_ACCOUNT, ticket).await?;
    let (local, quota, aliases, ends_on) = check_data(state, &p, &data).await?;
    p.final_local = Some(local.clone());
    p.quota_mb = Some(quota);
    p.aliases = aliases;
    if ends_on.is_some() {
        p.ends_on = ends_on;
    }
    p.input_by = Some(actor.mailbox_id);
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    requests::transition(&mut change, &levels, ticket, version, Action::InputData, &StepActor::staff(actor), None, requests::with_payload(&p)?).await?;
    let text = format!("Surel: data akun {local} (tiket {ticket}) menunggu verifikasi petugas kedua.");
    notify::tell_role(state, &change, Role::Petugas, Some(actor.mailbox_id), ticket, "verify", "Data akun menunggu verifikasi", &text, false).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Step 4, back: the second officer returns the data with a reason.
pub async fn return_data(state: &AppState, actor: &Actor, ticket: &str, version: i32, note: &str) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (_, p): (_, Payload) = requests::load(&*change, &UNIT_ACCOUNT, ticket).await?;
    requests::transition(&mut change, &levels, ticket, version, Action::KembalikanData, &StepActor::staff(actor), Some(note), Default::default()).await?;
    if let Some(by) = p.input_by {
        notify::tell_mailbox(
            state,
            &change,
            by,
            ticket,
            "returned",
            "Data akun dikembalikan",
            &format!("Data akun (tiket {ticket}) dikembalikan: {}", note.trim()),
        )
        .await?;
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Step 4: the second officer approves the data; the mailbox is created and tested.
pub async fn approve_data(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (row, mut p): (_, Payload) = requests::load(&*change, &UNIT_ACCOUNT, ticket).await?;
    let (local, quota) = match (p.final_local.clone(), p.quota_mb) {
        (Some(l), Some(q)) => (l, q),
        _ => return Err(DomainError::Conflict { code: ErrorCode::AlreadyHandled, by: None }),
    };
    // The engine checks state, version and the four-eyes rule before anything is created.
    let (_, _) = requests::transition(&mut change, &levels, ticket, version, Action::SetujuiData, &StepActor::staff(actor), None, Default::default()).await?;
    let person_id = responsible_person(&change, &p).await?;
    let mb = accounts::create_mailbox(
        &mut change,
        NewMailbox {
            local_part: local,
            kind: p.account_kind.clone(),
            display_name: if p.unit_name.is_empty() { p.purpose.chars().take(80).collect() } else { format!("{} — {}", p.unit_name, p.proposed_local) },
            person_id: Some(person_id),
            unit_id: row.unit_id,
            reset_phone: Some(p.responsible_phone.clone()),
            quota_mb: quota,
            ends_on: p.ends_on,
            aliases: p.aliases.clone(),
        },
    )
    .await?;
    p.mailbox_id = Some(mb.id);
    p.address = Some(mb.address.clone());
    let mut am: crate::entities::request::ActiveModel =
        crate::entities::request::Entity::find_by_id(row.id).one(&*change).await?.ok_or(DomainError::NotFound)?.into();
    am.payload = Set(serde_json::to_string(&p).map_err(anyhow::Error::from)?);
    am.update(&*change).await?;
    change.commit().await?;
    run_account_test(state, ticket).await
}

/// The responsible person, found by NIP or recorded now.
async fn responsible_person(change: &Change, p: &Payload) -> DomainResult<i32> {
    if let Some(found) = person::Entity::find().filter(person::Column::Nip.eq(p.responsible_nip.clone())).one(&**change).await? {
        return Ok(found.id);
    }
    let now = change.now();
    let row = person::ActiveModel {
        name: Set(p.responsible_name.clone()),
        nip: Set(Some(p.responsible_nip.clone())),
        unit_id: Set(p.unit_id),
        phone: Set(Some(p.responsible_phone.clone())),
        phone_verified_at: Set(None),
        personal_email: Set(None),
        telegram_chat_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    Ok(row.id)
}

/// Step 4, retry after a failed test (the mail server was down, say).
pub async fn retry_test(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<()> {
    account_test::retry::<Payload>(state, actor, ticket, version).await
}

/// Step 4: Surel tests the new mailbox; on success the responsible person
/// gets the one-time activation link and the officer is asked for the report.
pub async fn run_account_test(state: &AppState, ticket: &str) -> DomainResult<()> {
    account_test::run::<Payload>(state, ticket).await
}

impl TestedMailbox for Payload {
    fn flow() -> &'static Flow {
        &UNIT_ACCOUNT
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
        let sms =
            format!("Surel: akun email {address} sudah dibuat (tiket {ticket}). Atur kata sandinya lewat tautan sekali pakai ini, berlaku 72 jam: {link}");
        notify::send(t.state, t.change, Channel::Sms, &self.responsible_phone, None, sms, format!("{ticket}:activation"), Some(format!("request:{ticket}")))
            .await?;
        let text = format!("Surel: akun {address} (tiket {ticket}) lulus uji; mohon kirim laporan.");
        notify::tell_role(t.state, t.change, Role::Petugas, None, ticket, "report", "Akun lulus uji: kirim laporan", &text, false).await?;
        Ok(())
    }
}

/// Step 5: the report goes to Kabid PE, the personnel-data manager and the applicant.
pub async fn send_report(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    let (row, p): (_, Payload) = requests::load(&*change, &UNIT_ACCOUNT, ticket).await?;
    requests::transition(&mut change, &levels, ticket, version, Action::KirimLaporan, &StepActor::staff(actor), None, Default::default()).await?;
    let address = p.address.clone().unwrap_or_default();
    let text =
        format!("Laporan: akun email {address} untuk {} (tiket {ticket}) telah dibuat, diuji dan tautan aktivasi dikirim ke penanggung jawab.", p.unit_name);
    for role in [Role::Kabid, Role::PengelolaSimpeg] {
        notify::tell_role(state, &change, role, None, ticket, "report", "Laporan pembuatan akun email", &text, false).await?;
    }
    if let Some(applicant) = row.applicant_mailbox_id {
        notify::tell_mailbox(state, &change, applicant, ticket, "done", "Akun email selesai dibuat", &text).await?;
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// The request's data for its page, personal data masked.
pub fn facts(r: &crate::entities::request::Model) -> Vec<(String, String)> {
    let fact = |key: &str, value: String| (key.to_string(), value);
    let Ok(p) = serde_json::from_str::<Payload>(&r.payload) else { return vec![] };
    let mut out = vec![
        fact("account_kind", p.account_kind),
        fact("unit", p.unit_name),
        fact("purpose", p.purpose),
        fact("proposed_local", p.proposed_local),
        fact("responsible_name", p.responsible_name),
        fact("responsible_nip", model::validation::nip::format_nip(&p.responsible_nip)),
        fact("responsible_phone", model::validation::phone::mask_phone(&p.responsible_phone)),
        fact("letter", format!("{} ({})", p.letter_number, p.letter_date.format("%d-%m-%Y"))),
    ];
    if let Some(d) = p.ends_on {
        out.push(fact("ends_on", d.format("%Y-%m-%d").to_string()));
    }
    if let Some(l) = p.final_local {
        out.push(fact("final_local", l));
    }
    if let Some(q) = p.quota_mb {
        out.push(fact("quota_mb", q.to_string()));
    }
    if !p.aliases.is_empty() {
        out.push(fact("aliases", p.aliases.join(", ")));
    }
    if let Some(a) = p.address {
        out.push(fact("address", a));
    }
    if let Some(m) = p.test_message {
        out.push(fact("test", m));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{mailbox, request};
    use crate::testing::{staff_actor, state_with_clock};
    use model::RequestState;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

    fn input(letter: String) -> UnitAccountInput {
        UnitAccountInput {
            account_kind: "event".into(),
            purpose: "Musabaqah Tilawatil Quran tingkat kota".into(),
            proposed_local: "mtq2027".into(),
            responsible_name: "Ahmad Fauzi".into(),
            responsible_nip: "198001012005011001".into(),
            responsible_phone: "0812-7400-0009".into(),
            ends_on: "2099-12-31".into(),
            letter_number: "800/1/DISDIK/2026".into(),
            letter_date: "2026-01-05".into(),
            letter_file: letter,
        }
    }

    fn codes(e: DomainError) -> Vec<String> {
        match e {
            DomainError::Invalid(f) => f.0.into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    async fn version(state: &AppState, ticket: &str) -> (RequestState, i32) {
        let r = request::Entity::find().filter(request::Column::Ticket.eq(ticket)).one(&state.db).await.unwrap().unwrap();
        (r.state, r.version)
    }

    #[tokio::test]
    async fn bad_submissions_get_field_errors() {
        let (state, _) = state_with_clock().await;
        let kepala = staff_actor(&state, "siti.rahma@batam.go.id").await;
        let bad = UnitAccountInput {
            account_kind: "event".into(),
            proposed_local: "yusuf.hakim".into(),
            responsible_nip: "123".into(),
            ends_on: "2001-01-01".into(),
            letter_date: "2999-01-01".into(),
            ..Default::default()
        };
        let got = codes(submit(&state, &kepala, bad).await.unwrap_err());
        for want in [
            "purpose:required",
            "proposed_local:address_taken",
            "responsible_name:required",
            "ends_on:date_past",
            "letter_number:required",
            "letter_date:date_future",
            "letter_file:letter_required",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} missing from {got:?}");
        }
        assert!(got.iter().any(|g| g.starts_with("responsible_nip:nip_")), "{got:?}");
        // a PNG is no letter (refused as one at upload, and at submit when
        // sent under another kind); a forged token is no upload
        let png_bytes = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];
        let refused = attachments::store(&state, Some(&kepala), "surat_resmi", "surat.png", &png_bytes).await.unwrap_err();
        assert_eq!(codes(refused), ["file:letter_pdf"]);
        let png = attachments::store(&state, Some(&kepala), "identitas", "surat.png", &png_bytes).await.unwrap();
        assert_eq!(codes(submit(&state, &kepala, input(png.token)).await.unwrap_err()), ["letter_file:letter_pdf"]);
        assert_eq!(codes(submit(&state, &kepala, input("1.forged".into())).await.unwrap_err()), ["letter_file:attachment_missing"]);
        // only a Kepala OPD submits
        let petugas = staff_actor(&state, "budi.santoso@batam.go.id").await;
        assert!(matches!(submit(&state, &petugas, input(String::new())).await, Err(DomainError::Forbidden)));
    }

    #[tokio::test]
    async fn the_whole_flow_with_a_mail_server_that_is_not_there() {
        let (state, _) = state_with_clock().await;
        let kepala = staff_actor(&state, "siti.rahma@batam.go.id").await;
        let kabid = staff_actor(&state, "rudi.hartono@batam.go.id").await;
        let budi = staff_actor(&state, "budi.santoso@batam.go.id").await;
        let sari = staff_actor(&state, "sari.wulandari@batam.go.id").await;
        let letter = attachments::store(&state, Some(&kepala), "surat_resmi", "surat.pdf", PDF).await.unwrap();
        let ticket = submit(&state, &kepala, input(letter.token)).await.unwrap();
        let (s, v) = version(&state, &ticket).await;
        assert_eq!(s, RequestState::MenungguKabid);
        // the officer cannot decide for the Kabid
        assert!(matches!(decide(&state, &budi, &ticket, v, true, None).await, Err(DomainError::Forbidden)));
        decide(&state, &kabid, &ticket, v, true, None).await.unwrap();
        let (s, v) = version(&state, &ticket).await;
        assert_eq!(s, RequestState::InputData);
        let data = |local: &str, quota: &str| UnitAccountData {
            local_part: local.into(),
            quota_mb: quota.into(),
            aliases: "mtq, yusuf.hakim".into(),
            ends_on: "2099-12-31".into(),
        };
        let got = codes(input_data(&state, &budi, &ticket, v, data("postmaster", "1")).await.unwrap_err());
        assert_eq!(got, ["local_part:address_reserved", "quota_mb:quota_invalid", "aliases:address_taken"]);
        let good = UnitAccountData { aliases: "mtq".into(), ..data("mtq2027", "4096") };
        input_data(&state, &budi, &ticket, v, good).await.unwrap();
        let (s, v) = version(&state, &ticket).await;
        assert_eq!(s, RequestState::VerifikasiData);
        // four eyes: the officer who entered it cannot approve it
        assert!(matches!(approve_data(&state, &budi, &ticket, v).await, Err(DomainError::Conflict { code, .. }) if code == ErrorCode::SameActor));
        approve_data(&state, &sari, &ticket, v).await.unwrap();
        // the mailbox exists, without a password, with its end date and alias
        let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq("mtq2027@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        assert_eq!((mb.status.as_str(), mb.password_hash.is_none(), mb.quota_mb, mb.kind.as_str()), ("pending", true, 4096, "event"));
        assert_eq!(mb.ends_on, NaiveDate::from_ymd_opt(2099, 12, 31));
        assert_eq!(accounts::available(&state.db, "mtq").await.unwrap(), Err(ErrorCode::AddressTaken));
        // no mail server configured: the test fails clearly and the request waits
        let (s, v) = version(&state, &ticket).await;
        assert_eq!(s, RequestState::UjiAkun);
        let (_, p): (_, Payload) = requests::load(&state.db, &UNIT_ACCOUNT, &ticket).await.unwrap();
        assert!(p.test_message.unwrap().contains("belum disiapkan"), "a clear reason");
        assert!(!p.activation_sent);
        retry_test(&state, &sari, &ticket, v).await.unwrap();
        assert_eq!(version(&state, &ticket).await.0, RequestState::UjiAkun);
        // and nobody can skip the test
        let v = version(&state, &ticket).await.1;
        assert!(send_report(&state, &sari, &ticket, v).await.is_err());
    }
}
