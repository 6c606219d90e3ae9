//! Demo data: units, one staff member for every role, and mailboxes whose
//! owners can try the password reset. Used by `make run` and the tests.
use crate::audit::{Change, Who};
use crate::entities::{domain_name, mailbox, mailbox_forward, person, staff_role, unit};
use crate::{passwords, AppState, DomainResult};
use model::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::json;

/// The password of every demo staff account (printed by `surel seed-demo`).
pub const DEMO_PASSWORD: &str = "sandi-demo-surel-2026";
pub const DEMO_DOMAIN: &str = "batam.go.id";

pub const UNITS: &[(&str, &str, Option<&str>)] = &[
    ("SETDA", "Sekretariat Daerah", None),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", None),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", None),
    ("DISDIK", "Dinas Pendidikan", None),
    ("DINKES", "Dinas Kesehatan", None),
    ("DISPERKIM", "Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertamanan", None),
    ("KEC-BATAMKOTA", "Kecamatan Batam Kota", Some("SETDA")),
    ("KEC-SEKUPANG", "Kecamatan Sekupang", Some("SETDA")),
];

/// (address local part, name, NIP, unit code, phone, role)
pub const STAFF: &[(&str, &str, &str, &str, &str, Role)] = &[
    ("andi.pratama", "Andi Pratama", "198503122010011003", "DISKOMINFO", "+6281270000001", Role::Admin),
    ("dewi.lestari", "Dewi Lestari", "198807232012012004", "DISKOMINFO", "+6281270000002", Role::Auditor),
    ("budi.santoso", "Budi Santoso", "199001152015031002", "DISKOMINFO", "+6281270000003", Role::Petugas),
    ("sari.wulandari", "Sari Wulandari", "199204102019022001", "DISKOMINFO", "+6281270000004", Role::Petugas),
    ("hendra.gunawan", "Hendra Gunawan", "198102182006041001", "DISKOMINFO", "+6281270000005", Role::Kasi),
    ("rudi.hartono", "Rudi Hartono", "197806302003121002", "DISKOMINFO", "+6281270000006", Role::Kabid),
    ("siti.rahma", "Siti Rahma", "197912052005012003", "DISDIK", "+6281270000007", Role::KepalaOpd),
    ("agus.setiawan", "Agus Setiawan", "198609142011011005", "BKPSDM", "+6281270000008", Role::PengelolaSimpeg),
    ("maya.sari", "Maya Sari", "198012242006042002", "BKPSDM", "+6281270000009", Role::PejabatStruktural),
];

/// Account owners without roles: they reset their password on /ganti-sandi.
pub const OWNERS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    ("yusuf.hakim", "Yusuf Hakim", "199305172020121001", "DINKES", Some("+6281290000001")),
    ("nurul.aini", "Nurul Aini", "199508082021022003", "DISDIK", Some("+6281290000002")),
    ("rina.marlina", "Rina Marlina", "198911112014032005", "KEC-BATAMKOTA", None),
    ("dimas.saputra", "Dimas Saputra", "199107072017011004", "DISPERKIM", Some("+6281290000004")),
    ("fitri.handayani", "Fitri Handayani", "199402142019032006", "KEC-SEKUPANG", Some("+6281290000005")),
];

/// Retired owners whose mailboxes were switched off long ago and are listed
/// for deletion, so the directory shows the officers' retention decision.
/// (address local part, name, NIP, unit code, phone)
pub const LEAVERS: &[(&str, &str, &str, &str, &str)] = &[
    ("agus.salim", "Agus Salim", "196503121990031002", "DISPERKIM", "+6281290000031"),
    ("sri.wahyuni", "Sri Wahyuni", "196607231991032004", "KEC-SEKUPANG", "+6281290000032"),
    ("bambang.sutrisno", "Bambang Sutrisno", "196401011989031003", "DINKES", "+6281290000033"),
];

/// A unit mailbox (SOP 000) whose mail is forwarded to the officers who
/// answer it, so the directory shows unit forwarding.
/// (address local part, name, unit code, responsible person's phone, forwarded to)
pub const UNIT_MAILBOXES: &[(&str, &str, &str, &str, &[&str])] =
    &[("pengaduan", "Layanan Pengaduan Diskominfo", "DISKOMINFO", "+6281270000004", &["sari.wulandari"])];

/// Whether the database has no mailboxes yet.
pub async fn is_empty(state: &AppState) -> DomainResult<bool> {
    Ok(mailbox::Entity::find().count(&state.db).await? == 0)
}

/// The demo staff sign-ins, if the demo data is in this database.
pub async fn demo_logins(state: &AppState) -> DomainResult<Option<Vec<(Role, String)>>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let first = format!("{}@{DEMO_DOMAIN}", STAFF[0].0);
    let present = mailbox::Entity::find().filter(mailbox::Column::Address.eq(first)).count(&state.db).await? > 0;
    Ok(present.then(|| STAFF.iter().map(|(l, _, _, _, _, r)| (*r, format!("{l}@{DEMO_DOMAIN}"))).collect()))
}

/// Inserts the demo data. Returns (role, address) for every staff login.
pub async fn seed_demo(state: &AppState) -> DomainResult<Vec<(Role, String)>> {
    let hash = passwords::hash_now(DEMO_PASSWORD);
    let mut change = Change::begin(state, Who::system("seed-demo")).await?;
    let now = change.now();
    let dom =
        domain_name::ActiveModel { name: Set(DEMO_DOMAIN.into()), is_default: Set(true), created_at: Set(now), ..Default::default() }.insert(&*change).await?;
    let mut unit_ids = std::collections::HashMap::new();
    for (code, name, parent) in UNITS {
        let u = unit::ActiveModel {
            code: Set(code.to_string()),
            name: Set(name.to_string()),
            parent_id: Set(parent.and_then(|p| unit_ids.get(p).copied())),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&*change)
        .await?;
        unit_ids.insert(*code, u.id);
    }
    let mut logins = Vec::new();
    let people = STAFF
        .iter()
        .map(|(l, n, nip, u, ph, r)| (*l, *n, *nip, *u, Some(*ph), Some(*r)))
        .chain(OWNERS.iter().map(|(l, n, nip, u, ph)| (*l, *n, *nip, *u, *ph, None)));
    for (local, name, nip, unit_code, phone, role) in people {
        let unit_id = unit_ids.get(unit_code).copied();
        let p = person::ActiveModel {
            name: Set(name.into()),
            nip: Set(Some(nip.into())),
            unit_id: Set(unit_id),
            phone: Set(phone.map(Into::into)),
            phone_verified_at: Set(phone.map(|_| now)),
            personal_email: Set(Some(format!("{}@contoh.id", local.replace('.', "")))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*change)
        .await?;
        let address = format!("{local}@{DEMO_DOMAIN}");
        let m = mailbox::ActiveModel {
            address: Set(address.clone()),
            local_part: Set(local.into()),
            domain_id: Set(dom.id),
            kind: Set("personal".into()),
            display_name: Set(name.into()),
            person_id: Set(Some(p.id)),
            unit_id: Set(unit_id),
            reset_phone: Set(phone.map(Into::into)),
            status: Set("active".into()),
            quota_mb: Set(1024),
            password_hash: Set(Some(hash.clone())),
            password_changed_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*change)
        .await?;
        if let Some(role) = role {
            staff_role::ActiveModel {
                mailbox_id: Set(m.id),
                role: Set(role.code().into()),
                unit_id: Set(if role.needs_unit() { unit_id } else { None }),
                created_at: Set(now),
                created_by: Set(None),
                ..Default::default()
            }
            .insert(&*change)
            .await?;
            // demo staff share a known TOTP secret (printed by `seed-demo`)
            super::second_factor::add_demo_totp(&*change, state, m.id).await?;
            logins.push((role, address));
        }
    }
    for (local, name, nip, unit_code, phone) in LEAVERS {
        let unit_id = unit_ids.get(unit_code).copied();
        let long_ago = now - chrono::Duration::days(3650);
        let p = person::ActiveModel {
            name: Set(name.to_string()),
            nip: Set(Some(nip.to_string())),
            unit_id: Set(unit_id),
            phone: Set(Some(phone.to_string())),
            phone_verified_at: Set(Some(long_ago)),
            created_at: Set(long_ago),
            updated_at: Set(long_ago),
            ..Default::default()
        }
        .insert(&*change)
        .await?;
        mailbox::ActiveModel {
            address: Set(format!("{local}@{DEMO_DOMAIN}")),
            local_part: Set(local.to_string()),
            domain_id: Set(dom.id),
            kind: Set("personal".into()),
            display_name: Set(name.to_string()),
            person_id: Set(Some(p.id)),
            unit_id: Set(unit_id),
            reset_phone: Set(Some(phone.to_string())),
            status: Set("disabled".into()),
            status_reason: Set(Some("Pensiun".into())),
            status_changed_at: Set(Some(now - chrono::Duration::days(state.config.disabled_retention_days as i64 + 20))),
            marked_for_deletion_at: Set(Some(now)),
            quota_mb: Set(1024),
            password_hash: Set(Some(hash.clone())),
            password_changed_at: Set(Some(long_ago)),
            created_at: Set(long_ago),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*change)
        .await?;
    }
    for (local, name, unit_code, phone, targets) in UNIT_MAILBOXES {
        let m = mailbox::ActiveModel {
            address: Set(format!("{local}@{DEMO_DOMAIN}")),
            local_part: Set(local.to_string()),
            domain_id: Set(dom.id),
            kind: Set("unit".into()),
            display_name: Set(name.to_string()),
            unit_id: Set(unit_ids.get(unit_code).copied()),
            reset_phone: Set(Some(phone.to_string())),
            status: Set("active".into()),
            quota_mb: Set(2048),
            password_hash: Set(Some(hash.clone())),
            password_changed_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*change)
        .await?;
        for target in *targets {
            use sea_orm::{ColumnTrait, QueryFilter};
            let t = mailbox::Entity::find().filter(mailbox::Column::Address.eq(format!("{target}@{DEMO_DOMAIN}"))).one(&*change).await?;
            if let Some(t) = t {
                mailbox_forward::ActiveModel { mailbox_id: Set(m.id), target_id: Set(t.id), created_at: Set(now), ..Default::default() }
                    .insert(&*change)
                    .await?;
            }
        }
    }
    let counts = json!({ "staff": logins.len(), "owners": OWNERS.len(), "leavers": LEAVERS.len(), "unit_mailboxes": UNIT_MAILBOXES.len() });
    change.log("demo.seeded", "database", "", counts).await?;
    change.commit().await?;
    Ok(logins)
}
