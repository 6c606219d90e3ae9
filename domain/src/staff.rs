//! Staff and their roles, managed by the Admin sistem (and `surel user add`).
use crate::activation;
use crate::audit::Change;
use crate::auth::{grants_of, Actor};
use crate::entities::{domain_name, mailbox, person, staff_role, unit};
use crate::outbox::{self, Channel, Message};
use crate::{AppState, DomainError, DomainResult};
use model::validation::{address::normalize_address, phone::normalize_phone, FieldErrors};
use model::{ErrorCode, Role, StaffRow, UnitOption};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

/// Every mailbox that holds at least one role, with its grants.
pub async fn list(state: &AppState) -> DomainResult<Vec<StaffRow>> {
    let grants = staff_role::Entity::find().all(&state.db).await?;
    let mut ids: Vec<i32> = grants.iter().map(|g| g.mailbox_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mailboxes = mailbox::Entity::find().filter(mailbox::Column::Id.is_in(ids)).order_by_asc(mailbox::Column::Address).all(&state.db).await?;
    let mut out = Vec::with_capacity(mailboxes.len());
    for m in mailboxes {
        out.push(StaffRow { mailbox_id: m.id, roles: grants_of(&state.db, m.id).await?, address: m.address, name: m.display_name, status: m.status });
    }
    Ok(out)
}

pub async fn units(state: &AppState) -> DomainResult<Vec<UnitOption>> {
    Ok(unit::Entity::find()
        .order_by_asc(unit::Column::Name)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| UnitOption { id: u.id, code: u.code, name: u.name })
        .collect())
}

/// Looks up a unit by its id or code.
pub async fn find_unit<C: ConnectionTrait>(db: &C, id_or_code: &str) -> DomainResult<Option<unit::Model>> {
    if let Ok(id) = id_or_code.parse::<i32>() {
        if let Some(u) = unit::Entity::find_by_id(id).one(db).await? {
            return Ok(Some(u));
        }
    }
    Ok(unit::Entity::find().filter(unit::Column::Code.eq(id_or_code)).one(db).await?)
}

/// What to create when adding staff whose mailbox does not exist yet.
#[derive(Clone, Debug, Default)]
pub struct NewStaff {
    pub address: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub unit: Option<String>,
    /// Create the mail domain if it is unknown (the command line may; the web may not).
    pub create_domain: bool,
    /// A new mailbox needs a phone for its activation link (the web UI shows no links).
    pub require_phone_for_new: bool,
}

/// Result of adding staff: the mailbox, and an activation link when it has no password yet.
pub struct Added {
    pub mailbox_id: i32,
    pub created_mailbox: bool,
    pub activation_link: Option<String>,
}

/// Grants a role to a mailbox, creating the mailbox when needed. A mailbox
/// without a password gets an activation link, sent by SMS when it has a phone.
pub async fn add(state: &AppState, change: &mut Change, new: NewStaff) -> DomainResult<Added> {
    let now = change.now();
    let mut errors = FieldErrors::default();
    let address = normalize_address(&new.address);
    let role = Role::from_code(new.role.trim());
    if role.is_none() {
        errors.add("role", ErrorCode::RoleUnknown);
    }
    let (local, domain) = match address.split_once('@') {
        Some((l, d)) if !l.is_empty() && d.contains('.') => (l.to_string(), d.to_string()),
        _ => {
            errors.add("address", if address.is_empty() { ErrorCode::Required } else { ErrorCode::AddressUnknown });
            (String::new(), String::new())
        }
    };
    let unit = match new.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(u) => match find_unit(&**change, u.trim()).await? {
            Some(u) => Some(u),
            None => {
                errors.add("unit", ErrorCode::UnitUnknown);
                None
            }
        },
        None => None,
    };
    if role.is_some_and(|r| r.needs_unit()) && unit.is_none() && !errors.has("unit") {
        errors.add("unit", ErrorCode::RoleNeedsUnit);
    }
    let phone = match new.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(p) => match normalize_phone(p) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add("phone", e.code());
                None
            }
        },
        None => None,
    };
    errors.into_result()?;
    let role = role.expect("checked");

    let existing = mailbox::Entity::find().filter(mailbox::Column::Address.eq(&address)).one(&**change).await?;
    let (mb, created) = match existing {
        Some(m) => (m, false),
        None => {
            let mut missing = FieldErrors::default();
            if new.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                missing.add("name", ErrorCode::NameEmpty);
            }
            if new.require_phone_for_new && phone.is_none() {
                missing.add("phone", ErrorCode::PhoneEmpty);
            }
            missing.into_result()?;
            let name = new.name.clone().unwrap_or_default();
            let dom = match domain_name::Entity::find().filter(domain_name::Column::Name.eq(&domain)).one(&**change).await? {
                Some(d) => d,
                None if new.create_domain => {
                    let d = domain_name::ActiveModel { name: Set(domain.clone()), is_default: Set(false), created_at: Set(now), ..Default::default() }
                        .insert(&**change)
                        .await?;
                    change.log("domain.created", "domain", d.id, json!({ "name": domain })).await?;
                    d
                }
                None => return Err(DomainError::field("address", ErrorCode::AddressDomain)),
            };
            let p = person::ActiveModel {
                name: Set(name.trim().to_string()),
                unit_id: Set(unit.as_ref().map(|u| u.id)),
                phone: Set(phone.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&**change)
            .await?;
            let m = mailbox::ActiveModel {
                address: Set(address.clone()),
                local_part: Set(local),
                domain_id: Set(dom.id),
                kind: Set("personal".into()),
                display_name: Set(name.trim().to_string()),
                person_id: Set(Some(p.id)),
                unit_id: Set(unit.as_ref().map(|u| u.id)),
                reset_phone: Set(phone.clone()),
                status: Set("pending".into()),
                quota_mb: Set(1024),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&**change)
            .await?;
            change.log("mailbox.created", "mailbox", m.id, json!({ "address": address, "kind": "personal", "via": "staff" })).await?;
            (m, true)
        }
    };

    let grants = staff_role::Entity::find().filter(staff_role::Column::MailboxId.eq(mb.id)).all(&**change).await?;
    let unit_id = unit.as_ref().map(|u| u.id);
    if grants.iter().any(|g| g.role == role.code() && g.unit_id == unit_id) {
        return Err(DomainError::field("role", ErrorCode::RoleExists));
    }
    let g = staff_role::ActiveModel {
        mailbox_id: Set(mb.id),
        role: Set(role.code().into()),
        unit_id: Set(unit_id),
        created_at: Set(now),
        created_by: Set(change.who().mailbox_id),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    change.log("staff.role_granted", "mailbox", mb.id, json!({ "role": role.code(), "unit": unit.as_ref().map(|u| &u.code), "grant": g.id })).await?;

    let mut activation_link = None;
    if mb.password_hash.is_none() {
        let link = activation::issue_link(change, state, mb.id, "staff").await?;
        if let Some(to) = mb.reset_phone.clone() {
            outbox::enqueue(
                &**change,
                &state.keys,
                Message {
                    channel: Channel::Sms,
                    recipient: to,
                    subject: None,
                    body: format!("Surel: akun {} siap. Buat kata sandi Anda (berlaku 72 jam): {link}", mb.address),
                    key: format!("activation:{}:{}", mb.id, now.timestamp_micros()),
                    related: Some(format!("mailbox:{}", mb.id)),
                },
                now,
            )
            .await?;
        }
        activation_link = Some(link);
    }
    Ok(Added { mailbox_id: mb.id, created_mailbox: created, activation_link })
}

/// Removes one role grant. The last Admin sistem cannot be removed.
pub async fn revoke(state: &AppState, actor: &Actor, grant_id: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let g = staff_role::Entity::find_by_id(grant_id).one(&*change).await?.ok_or(DomainError::NotFound)?;
    if g.role == Role::Admin.code() {
        let admins = staff_role::Entity::find().filter(staff_role::Column::Role.eq(Role::Admin.code())).all(&*change).await?;
        if admins.len() <= 1 {
            return Err(DomainError::field("role", ErrorCode::LastAdmin));
        }
    }
    staff_role::Entity::delete_by_id(grant_id).exec(&*change).await?;
    change.log("staff.role_revoked", "mailbox", g.mailbox_id, json!({ "role": g.role, "unit": g.unit_id, "grant": grant_id })).await?;
    change.commit().await?;
    Ok(())
}
