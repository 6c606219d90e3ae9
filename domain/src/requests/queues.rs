//! "My work": the queues a staff member's roles give them, with open and
//! overdue counts. Request types register their queues here.
use crate::auth::Actor;
use crate::entities::request;
use crate::{AppState, DomainResult};
use model::{QueueSummary, Role};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// A queue: requests of `kind` in one of `states`, for holders of `role`.
pub struct QueueDef {
    pub key: &'static str,
    pub role: Role,
    pub kind: &'static str,
    pub states: &'static [&'static str],
    pub href: &'static str,
}

/// Every queue: for each flow, the states waiting on a staff role.
pub fn all() -> Vec<QueueDef> {
    vec![
        QueueDef { key: "phone_change_code", role: Role::Petugas, kind: "phone_change", states: &["verifikasi_kode"], href: "/admin/permohonan" },
        QueueDef { key: "phone_change_approve", role: Role::Kasi, kind: "phone_change", states: &["menunggu_kasi"], href: "/admin/permohonan" },
        QueueDef { key: "unit_account_approve", role: Role::Kabid, kind: "unit_account", states: &["menunggu_kabid"], href: "/admin/permohonan" },
        QueueDef { key: "unit_account_input", role: Role::Petugas, kind: "unit_account", states: &["input_data"], href: "/admin/permohonan" },
        QueueDef { key: "unit_account_verify", role: Role::Petugas, kind: "unit_account", states: &["verifikasi_data", "uji_akun"], href: "/admin/permohonan" },
        QueueDef { key: "unit_account_report", role: Role::Petugas, kind: "unit_account", states: &["pelaporan"], href: "/admin/permohonan" },
        QueueDef { key: "personal_account_check", role: Role::Kasi, kind: "personal_account", states: &["pemeriksaan"], href: "/admin/permohonan" },
        QueueDef {
            key: "personal_account_create",
            role: Role::Petugas,
            kind: "personal_account",
            states: &["pembuatan_akun", "uji_akun"],
            href: "/admin/permohonan",
        },
        QueueDef {
            key: "personal_account_create",
            role: Role::Admin,
            kind: "personal_account",
            states: &["pembuatan_akun", "uji_akun"],
            href: "/admin/permohonan",
        },
        QueueDef { key: "simpeg_process", role: Role::Petugas, kind: "simpeg_bulk", states: &["proses", "memproses"], href: "/admin/permohonan" },
        QueueDef { key: "simpeg_fill", role: Role::PengelolaSimpeg, kind: "simpeg_bulk", states: &["isi_simpeg", "pelaporan"], href: "/admin/permohonan" },
        QueueDef { key: "simpeg_receive", role: Role::PejabatStruktural, kind: "simpeg_bulk", states: &["penerimaan"], href: "/admin/permohonan" },
        QueueDef {
            key: "unit_account_mine",
            role: Role::KepalaOpd,
            kind: "unit_account",
            states: &["menunggu_kabid", "input_data", "verifikasi_data", "uji_akun", "pelaporan"],
            href: "/admin/permohonan",
        },
    ]
}

pub async fn for_actor(state: &AppState, actor: &Actor) -> DomainResult<Vec<QueueSummary>> {
    let now = state.now();
    let mut out = Vec::new();
    for q in all().into_iter().filter(|q| actor.has(q.role)) {
        // one queue may be open to several roles (Petugas and Admin sistem)
        if out.iter().any(|o: &QueueSummary| o.key == q.key) {
            continue;
        }
        let base = request::Entity::find().filter(request::Column::Kind.eq(q.kind)).filter(request::Column::State.is_in(q.states.iter().copied()));
        let scoped = match actor.units_for(q.role).iter().all(|u| u.is_some()) {
            true => base.filter(request::Column::UnitId.is_in(actor.units_for(q.role).into_iter().flatten())),
            false => base,
        };
        let open = scoped.clone().count(&state.db).await?;
        let overdue = scoped.filter(request::Column::StepDueAt.lt(now)).count(&state.db).await?;
        out.push(QueueSummary { key: q.key.to_string(), href: q.href.to_string(), open, overdue });
    }
    Ok(out)
}
