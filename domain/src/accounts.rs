//! Mailboxes created by requests (F3, F4, later F5): availability of an
//! address, creation without any password (the owner sets it through a
//! one-time link), and the account test on the real mail server.
use crate::audit::Change;
use crate::entities::{alias, domain_name, mailbox};
use crate::{mail_check, AppState, DomainError, DomainResult};
use chrono::NaiveDate;
use model::validation::address::check_local_part;
use model::ErrorCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use serde_json::json;

/// Quota limits an officer may give a mailbox (MB).
pub const QUOTA_MIN_MB: i32 = 100;
pub const QUOTA_MAX_MB: i32 = 51_200;
pub const DEFAULT_QUOTA_MB: i32 = 2_048;
/// At most this many aliases per mailbox.
pub const MAX_ALIASES: usize = 5;

/// The domain new mailboxes get.
pub async fn default_domain<C: ConnectionTrait>(db: &C) -> DomainResult<domain_name::Model> {
    let all = domain_name::Entity::find().all(db).await?;
    all.iter().find(|d| d.is_default).or(all.first()).cloned().ok_or_else(|| DomainError::Other(anyhow::anyhow!("no mail domain configured")))
}

/// Whether a full address is already a mailbox or an alias.
pub async fn is_taken<C: ConnectionTrait>(db: &C, address: &str) -> DomainResult<bool> {
    let address = address.to_lowercase();
    let boxes = mailbox::Entity::find().filter(mailbox::Column::Address.eq(address.clone())).count(db).await?;
    let aliases = alias::Entity::find().filter(alias::Column::Address.eq(address)).count(db).await?;
    Ok(boxes + aliases > 0)
}

/// Checks a local part and its availability: the full address, or the field error code.
pub async fn available<C: ConnectionTrait>(db: &C, local: &str) -> DomainResult<Result<String, ErrorCode>> {
    let local = match check_local_part(local) {
        Ok(l) => l,
        Err(e) => return Ok(Err(e.code())),
    };
    let full = format!("{local}@{}", default_domain(db).await?.name);
    Ok(if is_taken(db, &full).await? { Err(ErrorCode::AddressTaken) } else { Ok(full) })
}

pub struct NewMailbox {
    pub local_part: String,
    /// personal | unit | kegiatan | event
    pub kind: String,
    pub display_name: String,
    pub person_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub reset_phone: Option<String>,
    pub quota_mb: i32,
    pub ends_on: Option<NaiveDate>,
    /// Local parts of extra addresses delivered to this mailbox.
    pub aliases: Vec<String>,
}

/// Creates a pending mailbox (no password) and its aliases, inside `change`.
/// The unique indexes refuse an address taken meanwhile by another instance.
pub async fn create_mailbox(change: &mut Change, new: NewMailbox) -> DomainResult<mailbox::Model> {
    let now = change.now();
    let domain = default_domain(&**change).await?;
    let address = format!("{}@{}", new.local_part, domain.name);
    if is_taken(&**change, &address).await? {
        return Err(DomainError::field("address", ErrorCode::AddressTaken));
    }
    let mb = mailbox::ActiveModel {
        address: Set(address.clone()),
        local_part: Set(new.local_part.clone()),
        domain_id: Set(domain.id),
        kind: Set(new.kind.clone()),
        display_name: Set(new.display_name),
        person_id: Set(new.person_id),
        unit_id: Set(new.unit_id),
        reset_phone: Set(new.reset_phone),
        status: Set("pending".into()),
        quota_mb: Set(new.quota_mb),
        ends_on: Set(new.ends_on),
        password_hash: Set(None),
        password_changed_at: Set(None),
        ui_locale: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    let mut aliases = Vec::new();
    for local in &new.aliases {
        let full = format!("{local}@{}", domain.name);
        if is_taken(&**change, &full).await? {
            return Err(DomainError::field("aliases", ErrorCode::AddressTaken));
        }
        alias::ActiveModel { address: Set(full.clone()), mailbox_id: Set(mb.id), created_at: Set(now), ..Default::default() }.insert(&**change).await?;
        aliases.push(full);
    }
    change
        .log("mailbox.create", "mailbox", &address, json!({ "kind": new.kind, "quota_mb": new.quota_mb, "ends_on": new.ends_on, "aliases": aliases }))
        .await?;
    Ok(mb)
}

/// The account test's result, as the timeline records it.
pub enum TestOutcome {
    Passed { millis: u64 },
    Failed { message: String },
}

/// Delivers a test message to `address` and reads it back on the mail server.
pub async fn test_on_mail_server(state: &AppState, address: &str, ticket: &str) -> TestOutcome {
    let Some(cfg) = state.config.mail_server.as_ref() else {
        return TestOutcome::Failed { message: mail_check::CheckFailure::not_configured().message() };
    };
    match mail_check::test_mailbox(cfg, address, ticket).await {
        Ok(report) => TestOutcome::Passed { millis: report.millis },
        Err(failure) => {
            tracing::warn!(%address, stage = failure.stage, "account test failed");
            TestOutcome::Failed { message: failure.message() }
        }
    }
}

/// Event accounts end on their end date (SOP 000): seven days before, the
/// responsible person and the mailbox are reminded; from the end date on the
/// mailbox is disabled (the mail server already refuses it after `ends_on`).
/// Safe to run on every instance, as often as liked: the outbox keys make
/// each reminder unique and disabling twice changes nothing.
pub async fn end_events(state: &AppState) -> DomainResult<(usize, usize)> {
    use super::notify;
    use super::outbox::Channel;
    let today = state.local_date();
    let remind_on = today + chrono::Duration::days(7);
    let events = mailbox::Entity::find()
        .filter(mailbox::Column::Kind.eq("event"))
        .filter(mailbox::Column::Status.ne("disabled"))
        .filter(mailbox::Column::EndsOn.lte(remind_on))
        .all(&state.db)
        .await?;
    let (mut reminded, mut ended) = (0, 0);
    for mb in events {
        let Some(ends_on) = mb.ends_on else { continue };
        let mut change = Change::begin(state, super::audit::Who::system("event-end")).await?;
        if ends_on <= today {
            let mut am: mailbox::ActiveModel = mb.clone().into();
            am.status = Set("disabled".into());
            am.updated_at = Set(change.now());
            am.update(&*change).await?;
            change.log("mailbox.event_ended", "mailbox", &mb.address, json!({ "ends_on": ends_on })).await?;
            ended += 1;
        } else {
            let date = ends_on.format("%d-%m-%Y");
            let text = format!("Surel: akun event {} berakhir pada {date}. Simpan surat yang masih diperlukan sebelum tanggal itu.", mb.address);
            let related = Some(format!("mailbox:{}", mb.id));
            if let Some(phone) = &mb.reset_phone {
                notify::send(state, &change, Channel::Sms, phone, None, text.clone(), format!("event-end:{}:{ends_on}:sms", mb.id), related.clone()).await?;
            }
            notify::send(
                state,
                &change,
                Channel::Email,
                &mb.address,
                Some("Akun event akan berakhir"),
                text,
                format!("event-end:{}:{ends_on}:mail", mb.id),
                related,
            )
            .await?;
            reminded += 1;
        }
        change.commit().await?;
    }
    if reminded > 0 {
        state.wake_outbox();
    }
    Ok((reminded, ended))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Who;
    use crate::testing::state_with_clock;

    #[tokio::test]
    async fn addresses_and_aliases_are_unique() {
        let (state, _) = state_with_clock().await;
        assert_eq!(available(&state.db, "humas.disdik").await.unwrap(), Ok("humas.disdik@batam.go.id".to_string()));
        assert_eq!(available(&state.db, "yusuf.hakim").await.unwrap(), Err(ErrorCode::AddressTaken));
        assert_eq!(available(&state.db, "postmaster").await.unwrap(), Err(ErrorCode::AddressReserved));
        let mut c = Change::begin(&state, Who::system("test")).await.unwrap();
        let new = NewMailbox {
            local_part: "ppdb.disdik".into(),
            kind: "kegiatan".into(),
            display_name: "PPDB Disdik".into(),
            person_id: None,
            unit_id: None,
            reset_phone: Some("+6281211112222".into()),
            quota_mb: DEFAULT_QUOTA_MB,
            ends_on: None,
            aliases: vec!["ppdb".into()],
        };
        let mb = create_mailbox(&mut c, new).await.unwrap();
        c.commit().await.unwrap();
        assert_eq!((mb.status.as_str(), mb.password_hash.as_deref()), ("pending", None));
        assert_eq!(available(&state.db, "ppdb").await.unwrap(), Err(ErrorCode::AddressTaken), "an alias takes its address");
        // not configured: a clear failure, never a pass
        assert!(matches!(test_on_mail_server(&state, &mb.address, "SRL-2026-000001").await, TestOutcome::Failed { .. }));
    }

    #[tokio::test]
    async fn event_accounts_are_reminded_then_end() {
        let (state, clock) = state_with_clock().await;
        let mut c = Change::begin(&state, Who::system("test")).await.unwrap();
        let ends = state.local_date() + chrono::Duration::days(7);
        let new = NewMailbox {
            local_part: "mtq2026".into(),
            kind: "event".into(),
            display_name: "MTQ 2026".into(),
            person_id: None,
            unit_id: None,
            reset_phone: Some("+6281211113333".into()),
            quota_mb: DEFAULT_QUOTA_MB,
            ends_on: Some(ends),
            aliases: vec![],
        };
        let mb = create_mailbox(&mut c, new).await.unwrap();
        c.commit().await.unwrap();
        assert_eq!(end_events(&state).await.unwrap(), (1, 0));
        // a second run (another instance, a restart) sends nothing new
        end_events(&state).await.unwrap();
        let reminders = crate::entities::outbox::Entity::find()
            .filter(crate::entities::outbox::Column::MessageKey.starts_with(format!("event-end:{}:", mb.id)))
            .count(&state.db)
            .await
            .unwrap();
        // the SMS (this test configuration has no mail transport, so no e-mail)
        assert_eq!(reminders, 1);
        clock.advance(chrono::Duration::days(7));
        assert_eq!(end_events(&state).await.unwrap(), (0, 1));
        let after = mailbox::Entity::find_by_id(mb.id).one(&state.db).await.unwrap().unwrap();
        assert_eq!(after.status, "disabled");
        assert_eq!(end_events(&state).await.unwrap(), (0, 0));
    }
}
