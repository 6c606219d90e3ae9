//! What an officer changes on a mailbox. Every change carries a reason, is
//! one conditional statement (two officers at once: one wins, the other is
//! told it changed meanwhile), is audited, and the owner hears of it.
use super::detail::visible;
use crate::accounts::{is_taken, MAX_ALIASES, QUOTA_MAX_MB, QUOTA_MIN_MB};
use crate::activation::revoke_links;
use crate::audit::Change;
use crate::auth::{grants_of, Actor};
use crate::entities::mailbox_forward;
use crate::entities::{alias, domain_name, mailbox, person, session};
use crate::notify;
use crate::outbox::Channel;
use crate::{AppState, DomainError, DomainResult};
use chrono::NaiveDate;
use model::validation::address::{check_local_part, normalize_address};
use model::validation::FieldErrors;
use model::{access, ErrorCode, MailboxChange, MailboxChangeInput, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

/// Forwarding targets of one mailbox, at most.
pub const MAX_FORWARDS: usize = 5;

/// A reason says something: at least this many characters, at most 500.
pub const REASON_MIN: usize = 5;
pub const REASON_MAX: usize = 500;

/// The checked form of a change: everything the officer typed is valid.
enum Checked {
    Disable,
    Enable,
    Quota(i32),
    EndDate(Option<NaiveDate>),
    AddAlias(String),
    RemoveAlias(i32),
    AddForward(String),
    RemoveForward(i32),
    ResendActivation,
    MoveUnit(i32),
    ConfirmDeletion,
    KeepDisabled,
}

/// Checks the reason and the change's own field together, so the form shows
/// every error at once.
fn check(input: &MailboxChangeInput, today: NaiveDate) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::default();
    let reason = input.reason.trim().chars().count();
    if reason < REASON_MIN {
        errors.add("reason", ErrorCode::NoteRequired);
    } else if reason > REASON_MAX {
        errors.add("reason", ErrorCode::TooLong);
    }
    let checked = match &input.change {
        MailboxChange::Disable => Checked::Disable,
        MailboxChange::Enable => Checked::Enable,
        MailboxChange::SetQuota { quota_mb } => {
            if !(QUOTA_MIN_MB..=QUOTA_MAX_MB).contains(quota_mb) {
                errors.add("quota_mb", ErrorCode::QuotaInvalid);
            }
            Checked::Quota(*quota_mb)
        }
        MailboxChange::SetEndDate { ends_on } => match ends_on.trim() {
            "" => Checked::EndDate(None),
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) if d <= today => {
                    errors.add("ends_on", ErrorCode::DatePast);
                    Checked::EndDate(None)
                }
                Ok(d) => Checked::EndDate(Some(d)),
                Err(_) => {
                    errors.add("ends_on", ErrorCode::DateInvalid);
                    Checked::EndDate(None)
                }
            },
        },
        MailboxChange::AddAlias { address } => {
            let typed = normalize_address(address);
            let local = typed.split('@').next().unwrap_or_default();
            match check_local_part(local) {
                Ok(l) => Checked::AddAlias(match typed.split_once('@') {
                    Some((_, domain)) => format!("{l}@{domain}"),
                    None => l,
                }),
                Err(e) => {
                    errors.add("alias", if typed.is_empty() { ErrorCode::AddressEmpty } else { e.code() });
                    Checked::AddAlias(String::new())
                }
            }
        }
        MailboxChange::RemoveAlias { alias_id } => Checked::RemoveAlias(*alias_id),
        MailboxChange::AddForward { address } => {
            let typed = normalize_address(address);
            if typed.is_empty() {
                errors.add("forward", ErrorCode::AddressEmpty);
            }
            Checked::AddForward(typed)
        }
        MailboxChange::RemoveForward { forward_id } => Checked::RemoveForward(*forward_id),
        MailboxChange::ResendActivation => Checked::ResendActivation,
        MailboxChange::MoveUnit { unit_id } => Checked::MoveUnit(*unit_id),
        MailboxChange::ConfirmDeletion => Checked::ConfirmDeletion,
        MailboxChange::KeepDisabled => Checked::KeepDisabled,
    };
    errors.into_result().map(|()| checked)
}

pub async fn apply(state: &AppState, actor: &Actor, input: MailboxChangeInput) -> DomainResult<()> {
    if !actor.has_any(access::MAILBOX_MANAGE) {
        return Err(DomainError::Forbidden);
    }
    let checked = check(&input, state.local_date())?;
    let m = visible(state, actor, input.mailbox_id).await?;
    if m.status == "deleted" {
        return Err(DomainError::Conflict { code: ErrorCode::MailboxDeleted, by: None });
    }
    let reason = input.reason.trim().to_string();
    let mut change = Change::begin(state, actor.who()).await?;
    let now = change.now();
    let changed = |n: u64| if n == 1 { Ok(()) } else { Err(DomainError::Conflict { code: ErrorCode::MailboxChanged, by: None }) };
    // deleting or keeping needs the mailbox still listed (not enabled or decided meanwhile)
    let still_listed = |n: u64| if n == 1 { Ok(()) } else { Err(DomainError::Conflict { code: ErrorCode::MailboxNotMarked, by: None }) };
    let tell = match checked {
        Checked::Disable => {
            if m.id == actor.mailbox_id {
                return Err(DomainError::Conflict { code: ErrorCode::MailboxSelf, by: None });
            }
            // A Petugas switches off owners' mailboxes, not a colleague's or an
            // admin's access to Surel. The Admin sistem doing it always leaves
            // one admin (themself), so Surel cannot lose its last one this way.
            if !actor.has(Role::Admin) && !grants_of(&*change, m.id).await?.is_empty() {
                return Err(DomainError::Conflict { code: ErrorCode::MailboxStaff, by: None });
            }
            switch_off(state, &mut change, &m, &reason, json!({})).await?;
            None
        }
        Checked::Enable => {
            let status = if m.password_hash.is_some() { "active" } else { "pending" };
            let n = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::Status, Expr::value(status))
                .col_expr(mailbox::Column::StatusReason, Expr::value(reason.clone()))
                .col_expr(mailbox::Column::StatusChangedAt, Expr::value(now))
                .col_expr(mailbox::Column::MarkedForDeletionAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id))
                .filter(mailbox::Column::Status.eq("disabled"))
                .exec(&*change)
                .await?
                .rows_affected;
            changed(n)?;
            change.log("mailbox.enabled", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "status": status })).await?;
            Some(Tell { key: "enabled", sms: format!("Surel: akun email {} diaktifkan kembali pada {{when}}.", m.address), to_mailbox: true })
        }
        Checked::Quota(quota) => {
            let n = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::QuotaMb, Expr::value(quota))
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id))
                .filter(mailbox::Column::QuotaMb.eq(m.quota_mb))
                .exec(&*change)
                .await?
                .rows_affected;
            changed(n)?;
            change.log("mailbox.quota_changed", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "from": m.quota_mb, "to": quota })).await?;
            Some(Tell { key: "quota", sms: format!("Surel: kuota akun email {} diubah menjadi {quota} MB pada {{when}}.", m.address), to_mailbox: true })
        }
        Checked::EndDate(ends_on) => {
            let mut q = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::EndsOn, Expr::value(ends_on))
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id));
            q = match m.ends_on {
                Some(d) => q.filter(mailbox::Column::EndsOn.eq(d)),
                None => q.filter(mailbox::Column::EndsOn.is_null()),
            };
            changed(q.exec(&*change).await?.rows_affected)?;
            change
                .log("mailbox.end_date_changed", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "from": m.ends_on, "to": ends_on }))
                .await?;
            let until = match ends_on {
                Some(d) => format!("sampai {}", d.format("%d-%m-%Y")),
                None => "tanpa tanggal akhir".to_string(),
            };
            Some(Tell { key: "ends_on", sms: format!("Surel: masa berlaku akun email {} diubah pada {{when}}: {until}.", m.address), to_mailbox: true })
        }
        Checked::AddAlias(typed) => {
            let domain = domain_name::Entity::find_by_id(m.domain_id).one(&*change).await?.ok_or(DomainError::NotFound)?;
            let full = match typed.split_once('@') {
                Some((_, d)) if d != domain.name => return Err(DomainError::field("alias", ErrorCode::AddressDomain)),
                Some(_) => typed,
                None => format!("{typed}@{}", domain.name),
            };
            let count = alias::Entity::find().filter(alias::Column::MailboxId.eq(m.id)).count(&*change).await?;
            if count as usize >= MAX_ALIASES {
                return Err(DomainError::field("alias", ErrorCode::TooMany));
            }
            if is_taken(&*change, &full).await? {
                return Err(DomainError::field("alias", ErrorCode::AddressTaken));
            }
            // the unique index refuses an address taken meanwhile by another instance
            let a = alias::ActiveModel { address: Set(full.clone()), mailbox_id: Set(m.id), created_at: Set(now), ..Default::default() }
                .insert(&*change)
                .await
                .map_err(|_| DomainError::field("alias", ErrorCode::AddressTaken))?;
            change.log("mailbox.alias_added", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "alias": full, "alias_id": a.id })).await?;
            Some(Tell { key: "alias", sms: format!("Surel: alamat {full} kini diterima di akun email {} (sejak {{when}}).", m.address), to_mailbox: true })
        }
        Checked::RemoveAlias(alias_id) => {
            let a = alias::Entity::find_by_id(alias_id).one(&*change).await?.filter(|a| a.mailbox_id == m.id).ok_or(DomainError::NotFound)?;
            changed(alias::Entity::delete_by_id(a.id).exec(&*change).await?.rows_affected)?;
            change.log("mailbox.alias_removed", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "alias": a.address })).await?;
            Some(Tell {
                key: "alias",
                sms: format!("Surel: alamat {} tidak lagi diterima di akun email {} (sejak {{when}}).", a.address, m.address),
                to_mailbox: true,
            })
        }
        Checked::AddForward(typed) => {
            if !super::forwards(super::kind_of(&m)) {
                return Err(DomainError::field("forward", ErrorCode::ForwardPersonal));
            }
            let full = match typed.contains('@') {
                true => typed,
                false => format!("{typed}@{}", domain_name::Entity::find_by_id(m.domain_id).one(&*change).await?.ok_or(DomainError::NotFound)?.name),
            };
            let field = |code| Err(DomainError::field("forward", code));
            let Some(target) = mailbox::Entity::find().filter(mailbox::Column::Address.eq(full.as_str())).one(&*change).await? else {
                return field(ErrorCode::AddressUnknown);
            };
            if target.id == m.id {
                return field(ErrorCode::ForwardSelf);
            }
            if !super::delivering(&target, state.local_date()) {
                return field(ErrorCode::ForwardInactive);
            }
            let existing = mailbox_forward::Entity::find().filter(mailbox_forward::Column::MailboxId.eq(m.id)).all(&*change).await?;
            if existing.iter().any(|f| f.target_id == target.id) {
                return field(ErrorCode::ForwardExists);
            }
            if existing.len() >= MAX_FORWARDS {
                return field(ErrorCode::TooMany);
            }
            // the unique pair index refuses the same target added meanwhile by another officer
            let f = mailbox_forward::ActiveModel { mailbox_id: Set(m.id), target_id: Set(target.id), created_at: Set(now), ..Default::default() }
                .insert(&*change)
                .await
                .map_err(|_| DomainError::field("forward", ErrorCode::ForwardExists))?;
            let details = json!({ "address": m.address, "reason": reason, "target": target.address, "forward_id": f.id });
            change.log("mailbox.forward_added", "mailbox", m.id, details).await?;
            Some(Tell {
                key: "forward",
                sms: format!("Surel: surat ke {} kini juga diteruskan ke {} (sejak {{when}}).", m.address, target.address),
                to_mailbox: true,
            })
        }
        Checked::RemoveForward(forward_id) => {
            let f = mailbox_forward::Entity::find_by_id(forward_id).one(&*change).await?.filter(|f| f.mailbox_id == m.id).ok_or(DomainError::NotFound)?;
            changed(mailbox_forward::Entity::delete_by_id(f.id).exec(&*change).await?.rows_affected)?;
            let target = mailbox::Entity::find_by_id(f.target_id).one(&*change).await?.map(|t| t.address).unwrap_or_default();
            change.log("mailbox.forward_removed", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "target": target })).await?;
            Some(Tell { key: "forward", sms: format!("Surel: surat ke {} tidak lagi diteruskan ke {target} (sejak {{when}}).", m.address), to_mailbox: true })
        }
        Checked::ResendActivation => {
            let conflict = |code| Err(DomainError::Conflict { code, by: None });
            if m.password_hash.is_some() || m.status != "pending" {
                return conflict(ErrorCode::ActivationNotNeeded);
            }
            let Some(phone) = m.reset_phone.clone() else { return conflict(ErrorCode::MailboxNoPhone) };
            // one link at a time: two officers pressing at once send one SMS
            let n = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id))
                .filter(mailbox::Column::UpdatedAt.eq(m.updated_at))
                .exec(&*change)
                .await?
                .rows_affected;
            changed(n)?;
            let link = crate::activation::issue_link(&mut change, state, m.id, "resend").await?;
            change.log("mailbox.activation_resent", "mailbox", m.id, json!({ "address": m.address, "reason": reason })).await?;
            let body = format!("Surel: akun {} siap. Buat kata sandi Anda (berlaku 72 jam): {link}", m.address);
            let key = format!("activation:{}:{}", m.id, now.timestamp_micros());
            notify::send(state, &change, Channel::Sms, &phone, None, body, key, Some(format!("mailbox:{}", m.id))).await?;
            return change.commit().await.map_err(Into::into);
        }
        Checked::MoveUnit(unit_id) => {
            let to =
                crate::entities::unit::Entity::find_by_id(unit_id).one(&*change).await?.ok_or_else(|| DomainError::field("unit", ErrorCode::UnitUnknown))?;
            let mut q = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::UnitId, Expr::value(to.id))
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id));
            q = match m.unit_id {
                Some(u) => q.filter(mailbox::Column::UnitId.eq(u)),
                None => q.filter(mailbox::Column::UnitId.is_null()),
            };
            changed(q.exec(&*change).await?.rows_affected)?;
            // the person moves with their own mailbox
            if let (Some(p), "personal") = (m.person_id, m.kind.as_str()) {
                person::Entity::update_many().col_expr(person::Column::UnitId, Expr::value(to.id)).filter(person::Column::Id.eq(p)).exec(&*change).await?;
            }
            change.log("mailbox.unit_moved", "mailbox", m.id, json!({ "address": m.address, "reason": reason, "from": m.unit_id, "to": to.id })).await?;
            Some(Tell { key: "unit", sms: format!("Surel: akun email {} kini tercatat di {} (sejak {{when}}).", m.address, to.name), to_mailbox: true })
        }
        Checked::ConfirmDeletion => {
            // the owner is told first: the reset phone is one of the things that go
            let tell = Tell {
                key: "deleted",
                sms: format!("Surel: akun email {} dihapus pada {{when}} (nonaktif melewati masa simpan). Pertanyaan? Hubungi {{support}}.", m.address),
                to_mailbox: false,
            };
            tell_owner(state, &change, &m, tell).await?;
            let n = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::Status, Expr::value("deleted"))
                .col_expr(mailbox::Column::StatusReason, Expr::value(reason.clone()))
                .col_expr(mailbox::Column::StatusChangedAt, Expr::value(now))
                .col_expr(mailbox::Column::PasswordHash, Expr::value(Option::<String>::None))
                .col_expr(mailbox::Column::ResetPhone, Expr::value(Option::<String>::None))
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id))
                .filter(super::listed_for_deletion())
                .exec(&*change)
                .await?
                .rows_affected;
            still_listed(n)?;
            let aliases: Vec<String> =
                alias::Entity::find().filter(alias::Column::MailboxId.eq(m.id)).all(&*change).await?.into_iter().map(|a| a.address).collect();
            alias::Entity::delete_many().filter(alias::Column::MailboxId.eq(m.id)).exec(&*change).await?;
            // forwarding from it and to it ends with it (the row stays, so no cascade does it)
            let forwards = mailbox_forward::Entity::delete_many()
                .filter(sea_orm::Condition::any().add(mailbox_forward::Column::MailboxId.eq(m.id)).add(mailbox_forward::Column::TargetId.eq(m.id)))
                .exec(&*change)
                .await?
                .rows_affected;
            let details = json!({ "address": m.address, "reason": reason, "aliases": aliases, "forwards_ended": forwards });
            change.log("mailbox.deleted", "mailbox", m.id, details).await?;
            None
        }
        Checked::KeepDisabled => {
            // the retention period starts again from now
            let n = mailbox::Entity::update_many()
                .col_expr(mailbox::Column::MarkedForDeletionAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
                .col_expr(mailbox::Column::StatusChangedAt, Expr::value(now))
                .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
                .filter(mailbox::Column::Id.eq(m.id))
                .filter(super::listed_for_deletion())
                .exec(&*change)
                .await?
                .rows_affected;
            still_listed(n)?;
            change.log("mailbox.kept", "mailbox", m.id, json!({ "address": m.address, "reason": reason })).await?;
            None
        }
    };
    if let Some(tell) = tell {
        tell_owner(state, &change, &m, tell).await?;
    }
    change.commit().await?;
    Ok(())
}

/// Switches mailbox `m` off, if it still works: one conditional statement
/// (otherwise "changed meanwhile"), then its sessions, activation links and
/// open resets end, the change is audited (with `details` added) and the
/// owner is told. Officers on the mailbox page and the SIMPEG job (a person
/// who left) both come here.
pub(crate) async fn switch_off(state: &AppState, change: &mut Change, m: &mailbox::Model, reason: &str, details: serde_json::Value) -> DomainResult<()> {
    let now = change.now();
    let n = mailbox::Entity::update_many()
        .col_expr(mailbox::Column::Status, Expr::value("disabled"))
        .col_expr(mailbox::Column::StatusReason, Expr::value(reason))
        .col_expr(mailbox::Column::StatusChangedAt, Expr::value(now))
        .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
        .filter(mailbox::Column::Id.eq(m.id))
        .filter(mailbox::Column::Status.ne("disabled"))
        .filter(mailbox::Column::Status.ne("deleted"))
        .exec(&**change)
        .await?
        .rows_affected;
    if n != 1 {
        return Err(DomainError::Conflict { code: ErrorCode::MailboxChanged, by: None });
    }
    // Nothing that was opened before may outlive the switch-off.
    let sessions = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::MailboxId.eq(m.id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&**change)
        .await?
        .rows_affected;
    let links = revoke_links(&**change, m.id, now).await?;
    let resets = crate::reset::end_open_attempts(&**change, m.id, None, now).await?;
    let mut all = json!({ "address": m.address, "reason": reason, "sessions_ended": sessions, "links_ended": links, "resets_ended": resets });
    if let (Some(all), Some(extra)) = (all.as_object_mut(), details.as_object()) {
        all.extend(extra.clone());
    }
    change.log("mailbox.disabled", "mailbox", m.id, all).await?;
    let tell = Tell {
        key: "disabled",
        sms: format!("Surel: akun email {} dinonaktifkan pada {{when}}. Alasan: {reason}. Pertanyaan? Hubungi {{support}}.", m.address),
        to_mailbox: false,
    };
    tell_owner(state, change, m, tell).await
}

/// What the owner is told (`{when}` and `{support}` filled in here).
struct Tell {
    key: &'static str,
    sms: String,
    /// A switched-off mailbox cannot read its own mail: it is told elsewhere only.
    to_mailbox: bool,
}

async fn tell_owner(state: &AppState, change: &Change, m: &mailbox::Model, tell: Tell) -> DomainResult<()> {
    let text = tell.sms.replace("{when}", &state.local_time(change.now())).replace("{support}", &state.config.support_contact);
    let stamp = change.now().timestamp_micros();
    let related = Some(format!("mailbox:{}", m.id));
    let key = |to: &str| format!("mailbox-{}:{}:{stamp}:{to}", tell.key, m.id);
    let subject = Some("Perubahan akun email Anda");
    if let Some(phone) = &m.reset_phone {
        notify::send(state, change, Channel::Sms, phone, None, text.clone(), key("sms"), related.clone()).await?;
    }
    if tell.to_mailbox {
        notify::send(state, change, Channel::Email, &m.address, subject, text.clone(), key("mailbox"), related.clone()).await?;
    }
    let personal = match m.person_id {
        Some(p) => person::Entity::find_by_id(p).one(&**change).await?.and_then(|p| p.personal_email),
        None => None,
    };
    if let Some(personal) = personal {
        notify::send(state, change, Channel::Email, &personal, subject, text, key("personal"), related).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(change: MailboxChange, reason: &str) -> MailboxChangeInput {
        MailboxChangeInput { mailbox_id: 1, change, reason: reason.into() }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn codes(r: Result<Checked, FieldErrors>) -> Vec<(String, ErrorCode)> {
        r.err().map(|e| e.0.into_iter().map(|f| (f.field, f.code)).collect()).unwrap_or_default()
    }

    #[test]
    fn every_change_needs_a_reason() {
        assert_eq!(codes(check(&input(MailboxChange::Disable, " pin "), today())), vec![("reason".to_string(), ErrorCode::NoteRequired)]);
        assert!(check(&input(MailboxChange::Disable, "Pensiun per 1 Desember"), today()).is_ok());
    }

    #[test]
    fn the_reason_and_the_field_are_reported_together() {
        let got = codes(check(&input(MailboxChange::SetQuota { quota_mb: 10 }, ""), today()));
        assert_eq!(got, vec![("reason".to_string(), ErrorCode::NoteRequired), ("quota_mb".to_string(), ErrorCode::QuotaInvalid)]);
    }

    #[test]
    fn end_dates_lie_in_the_future_or_are_removed() {
        let r = "Kegiatan diperpanjang";
        assert!(matches!(check(&input(MailboxChange::SetEndDate { ends_on: "2026-12-03".into() }, r), today()), Ok(Checked::EndDate(Some(_)))));
        assert!(matches!(check(&input(MailboxChange::SetEndDate { ends_on: " ".into() }, r), today()), Ok(Checked::EndDate(None))));
        assert_eq!(
            codes(check(&input(MailboxChange::SetEndDate { ends_on: "2026-12-02".into() }, r), today())),
            vec![("ends_on".to_string(), ErrorCode::DatePast)]
        );
        assert_eq!(
            codes(check(&input(MailboxChange::SetEndDate { ends_on: "31-12-2026".into() }, r), today())),
            vec![("ends_on".to_string(), ErrorCode::DateInvalid)]
        );
    }

    #[test]
    fn aliases_follow_the_address_rules() {
        let r = "Nama jabatan baru";
        assert!(matches!(check(&input(MailboxChange::AddAlias { address: " Humas.Kota ".into() }, r), today()), Ok(Checked::AddAlias(a)) if a == "humas.kota"));
        assert!(
            matches!(check(&input(MailboxChange::AddAlias { address: "sekretariat@batam.go.id".into() }, r), today()), Ok(Checked::AddAlias(a)) if a == "sekretariat@batam.go.id")
        );
        assert_eq!(codes(check(&input(MailboxChange::AddAlias { address: "".into() }, r), today())), vec![("alias".to_string(), ErrorCode::AddressEmpty)]);
        assert_eq!(codes(check(&input(MailboxChange::AddAlias { address: "a b".into() }, r), today())).len(), 1);
    }

    /// Unit forwarding: a unit mailbox's mail also goes to active Surel
    /// mailboxes (Postfix reads `postfix_aliases`), never a personal one's,
    /// and a switched-off target carries nothing until it is back.
    #[tokio::test]
    async fn unit_mail_is_forwarded_to_active_mailboxes() {
        use crate::entities::{audit_entry, mailbox};
        use crate::DomainError;
        use sea_orm::{ConnectionTrait, Statement};
        let (state, _clock) = crate::testing::state_with_clock().await;
        let petugas = crate::testing::staff_actor(&state, "budi.santoso@batam.go.id").await;
        let now = state.now();
        let unit = mailbox::ActiveModel {
            address: Set("humas@batam.go.id".into()),
            local_part: Set("humas".into()),
            domain_id: Set(1),
            kind: Set("unit".into()),
            display_name: Set("Humas Kota".into()),
            status: Set("active".into()),
            quota_mb: Set(2048),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&state.db)
        .await
        .unwrap();
        let id_of = |a: &'static str| {
            let db = state.db.clone();
            async move { mailbox::Entity::find().filter(mailbox::Column::Address.eq(a)).one(&db).await.unwrap().unwrap().id }
        };
        let yusuf = id_of("yusuf.hakim@batam.go.id").await;
        let on = |id: i32, change: MailboxChange| MailboxChangeInput { mailbox_id: id, change, reason: "Pengelola akun humas".into() };
        let forward = |a: &str| MailboxChange::AddForward { address: a.into() };
        let field_code = |r: DomainResult<()>| match r {
            Err(DomainError::Invalid(errors)) => errors.0.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>(),
            other => panic!("expected a field error, got {other:?}"),
        };
        let goto = || async {
            let rows = state
                .db
                .query_all(Statement::from_string(
                    state.db.get_database_backend(),
                    "SELECT goto FROM postfix_aliases WHERE address = 'humas@batam.go.id' ORDER BY goto",
                ))
                .await
                .unwrap();
            rows.iter().map(|r| r.try_get::<String>("", "goto").unwrap()).collect::<Vec<_>>()
        };
        assert!(goto().await.is_empty(), "no forwarding: Postfix delivers it as a plain mailbox");

        let refused = [
            (on(yusuf, forward("nurul.aini")), ErrorCode::ForwardPersonal),
            (on(unit.id, forward("humas")), ErrorCode::ForwardSelf),
            (on(unit.id, forward("tidak.ada@batam.go.id")), ErrorCode::AddressUnknown),
            (on(unit.id, forward(" ")), ErrorCode::AddressEmpty),
        ];
        for (input, code) in refused {
            assert_eq!(field_code(apply(&state, &petugas, input).await), vec![("forward".to_string(), code)]);
        }
        apply(&state, &petugas, on(unit.id, forward("Yusuf.Hakim"))).await.unwrap();
        assert_eq!(
            field_code(apply(&state, &petugas, on(unit.id, forward("yusuf.hakim@batam.go.id"))).await),
            vec![("forward".to_string(), ErrorCode::ForwardExists)]
        );
        assert_eq!(goto().await, vec!["humas@batam.go.id", "yusuf.hakim@batam.go.id"], "the unit keeps its copy");

        let page = crate::mailboxes::detail::detail(&state, &petugas, unit.id).await.unwrap();
        assert!(page.can_forward);
        assert_eq!(page.forwards.iter().map(|f| (f.address.as_str(), f.delivering)).collect::<Vec<_>>(), vec![("yusuf.hakim@batam.go.id", true)]);
        let target = crate::mailboxes::detail::detail(&state, &petugas, yusuf).await.unwrap();
        assert!(!target.can_forward);
        assert_eq!(target.forwarded_from, vec!["humas@batam.go.id"]);

        // the target switched off: nothing goes there, the unit still gets its mail
        apply(&state, &petugas, on(yusuf, MailboxChange::Disable)).await.unwrap();
        assert!(goto().await.is_empty());
        let page = crate::mailboxes::detail::detail(&state, &petugas, unit.id).await.unwrap();
        assert!(!page.forwards[0].delivering, "the page says the forward carries nothing now");
        let dimas = id_of("dimas.saputra@batam.go.id").await;
        apply(&state, &petugas, on(dimas, MailboxChange::Disable)).await.unwrap();
        assert_eq!(field_code(apply(&state, &petugas, on(unit.id, forward("dimas.saputra"))).await), vec![("forward".to_string(), ErrorCode::ForwardInactive)]);
        apply(&state, &petugas, on(yusuf, MailboxChange::Enable)).await.unwrap();
        assert_eq!(goto().await, vec!["humas@batam.go.id", "yusuf.hakim@batam.go.id"]);

        let forward_id = page.forwards[0].id;
        apply(&state, &petugas, on(unit.id, MailboxChange::RemoveForward { forward_id })).await.unwrap();
        assert!(goto().await.is_empty());
        assert!(matches!(apply(&state, &petugas, on(unit.id, MailboxChange::RemoveForward { forward_id })).await, Err(DomainError::NotFound)));
        let actions: Vec<String> = audit_entry::Entity::find()
            .filter(audit_entry::Column::TargetId.eq(unit.id.to_string()))
            .all(&state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert_eq!(actions, vec!["mailbox.forward_added", "mailbox.forward_removed"]);
    }
}
