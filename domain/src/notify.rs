//! What people are told, and on which channels. Messages go through the outbox
//! in the same transaction as the change they report.
use crate::audit::Change;
use crate::entities::{mailbox, person};
use crate::outbox::{self, Channel, Message};
use crate::{AppState, DomainResult};

/// Queues one message if its channel can deliver here (a configured gateway,
/// or demo mode where the outbox page shows it). SMS is always queued: without
/// a gateway outside demo mode it lands in the dead letters for officers to see.
// Every argument is one fact of the message; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    state: &AppState,
    change: &Change,
    channel: Channel,
    to: &str,
    subject: Option<&str>,
    body: String,
    key: String,
    related: Option<String>,
) -> DomainResult<()> {
    let cfg = &state.config;
    let deliverable = match channel {
        Channel::Sms => true,
        Channel::Email => cfg.smtp.is_some() || cfg.demo,
        Channel::Telegram => cfg.telegram.is_some() || cfg.demo,
    };
    if !deliverable || to.trim().is_empty() {
        return Ok(());
    }
    outbox::enqueue(
        &**change,
        &state.keys,
        Message { channel, recipient: to.to_string(), subject: subject.map(str::to_string), body, key, related },
        change.now(),
    )
    .await?;
    Ok(())
}

/// After a password change: the registered phone, the mailbox itself, the
/// personal address and Telegram (if known) hear when it happened and whom to call.
/// Where a password was changed, as the owner is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangedVia {
    /// `/ganti-sandi`, with an SMS code.
    Reset,
    /// `/akun`, knowing the current password.
    OwnerPage,
}

pub async fn password_changed(state: &AppState, change: &mut Change, mb: &mailbox::Model, person: Option<&person::Model>, via: ChangedVia) -> DomainResult<()> {
    let when = state.local_time(change.now());
    let support = &state.config.support_contact;
    let stamp = change.now().timestamp_micros();
    let related = Some(format!("mailbox:{}", mb.id));
    let sms = format!("Surel: kata sandi {} diganti pada {when}. Bukan Anda? Segera hubungi {support}.", mb.address);
    let mail = format!(
        "Yth. {name},\n\nKata sandi akun email {addr} telah diganti pada {when} {how}.\n\n\
         Jika Anda tidak melakukannya, segera hubungi {support} dan atur ulang kata sandi Anda.\n\n\
         Pesan ini dikirim otomatis; jangan dibalas.",
        name = mb.display_name,
        addr = mb.address,
        how = match via {
            ChangedVia::Reset => "melalui layanan ganti sandi Surel",
            ChangedVia::OwnerPage => "di halaman akun Surel, dengan kata sandi lama",
        }
    );
    if let Some(phone) = &mb.reset_phone {
        send(state, change, Channel::Sms, phone, None, sms.clone(), format!("pwchanged:{}:{stamp}:sms", mb.id), related.clone()).await?;
    }
    let subject = Some("Kata sandi email Anda telah diganti");
    send(state, change, Channel::Email, &mb.address, subject, mail.clone(), format!("pwchanged:{}:{stamp}:mailbox", mb.id), related.clone()).await?;
    if let Some(p) = person {
        if let Some(personal) = &p.personal_email {
            send(state, change, Channel::Email, personal, subject, mail.clone(), format!("pwchanged:{}:{stamp}:personal", mb.id), related.clone()).await?;
        }
        if let Some(chat) = &p.telegram_chat_id {
            send(state, change, Channel::Telegram, chat, None, sms, format!("pwchanged:{}:{stamp}:telegram", mb.id), related).await?;
        }
    }
    Ok(())
}

/// The address took too many wrong reset codes: resets are paused for a day.
/// Told once (the guess that reached the ceiling), on the phone and the mailbox.
pub async fn resets_paused(state: &AppState, change: &mut Change, mb: &mailbox::Model) -> DomainResult<()> {
    let support = &state.config.support_contact;
    let stamp = change.now().timestamp_micros();
    let related = Some(format!("mailbox:{}", mb.id));
    let text =
        format!("Surel: terlalu banyak kode salah untuk ganti sandi {}. Ganti sandi lewat SMS dihentikan 24 jam. Bukan Anda? Hubungi {support}.", mb.address);
    if let Some(phone) = &mb.reset_phone {
        send(state, change, Channel::Sms, phone, None, text.clone(), format!("resetpaused:{}:{stamp}:sms", mb.id), related.clone()).await?;
    }
    send(
        state,
        change,
        Channel::Email,
        &mb.address,
        Some("Ganti sandi akun email Anda dihentikan sementara"),
        text,
        format!("resetpaused:{}:{stamp}:mailbox", mb.id),
        related,
    )
    .await?;
    Ok(())
}

/// The page of a request, for links in notifications (opens on a phone too).
pub fn request_link(state: &AppState, ticket: &str) -> String {
    format!("{}/admin/permohonan/{ticket}", state.config.public_url.trim_end_matches('/'))
}

/// Tells every active staff member holding `role` (except `except`) that a
/// request needs them: by e-mail, and by SMS too when `sms`. `step` makes the
/// outbox keys unique per step, so a retry never sends twice.
#[allow(clippy::too_many_arguments)]
pub async fn tell_role(
    state: &AppState,
    change: &Change,
    role: model::Role,
    except: Option<i32>,
    ticket: &str,
    step: &str,
    subject: &str,
    text: &str,
    sms: bool,
) -> DomainResult<()> {
    use super::entities::staff_role;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let ids: Vec<i32> = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq(role.code()))
        .all(&**change)
        .await?
        .into_iter()
        .map(|g| g.mailbox_id)
        .filter(|id| Some(*id) != except)
        .collect();
    let text = format!("{text} {}", request_link(state, ticket));
    let related = Some(format!("request:{ticket}"));
    for mb in mailbox::Entity::find().filter(mailbox::Column::Id.is_in(ids)).filter(mailbox::Column::Status.eq("active")).all(&**change).await? {
        if sms {
            if let Some(phone) = &mb.reset_phone {
                send(state, change, Channel::Sms, phone, None, text.clone(), format!("{ticket}:{step}:{}:sms", mb.id), related.clone()).await?;
            }
        }
        send(state, change, Channel::Email, &mb.address, Some(subject), text.clone(), format!("{ticket}:{step}:{}:mail", mb.id), related.clone()).await?;
    }
    Ok(())
}

/// Tells one mailbox (an applicant, the officer who input data) by e-mail.
pub async fn tell_mailbox(state: &AppState, change: &Change, mailbox_id: i32, ticket: &str, step: &str, subject: &str, text: &str) -> DomainResult<()> {
    use sea_orm::EntityTrait;
    if let Some(mb) = mailbox::Entity::find_by_id(mailbox_id).one(&**change).await? {
        let text = format!("{text} {}", request_link(state, ticket));
        send(state, change, Channel::Email, &mb.address, Some(subject), text, format!("{ticket}:{step}:{}:mail", mb.id), Some(format!("request:{ticket}")))
            .await?;
    }
    Ok(())
}
