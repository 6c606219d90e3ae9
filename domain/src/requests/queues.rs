//! "My work": the queues a staff member's roles give them, with open and
//! overdue counts. Request types register their queues here.
use crate::auth::Actor;
use crate::entities::request;
use crate::{AppState, DomainResult};
use model::{QueueItem, QueueSummary, RequestKind, RequestState, Role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Requests listed under each queue on the home page (the count covers all).
pub const SHOWN: usize = 10;

/// A queue: requests of `kind` in one of `states`, for holders of `role`.
pub struct QueueDef {
    pub key: &'static str,
    pub role: Role,
    pub kind: RequestKind,
    pub states: &'static [RequestState],
}

/// Every queue: for each flow, the states waiting on a staff role.
pub fn all() -> Vec<QueueDef> {
    use RequestState as S;
    vec![
        QueueDef { key: "phone_change_code", role: Role::Petugas, kind: RequestKind::PhoneChange, states: &[S::VerifikasiKode] },
        QueueDef { key: "phone_change_approve", role: Role::Kasi, kind: RequestKind::PhoneChange, states: &[S::MenungguKasi] },
        QueueDef { key: "unit_account_approve", role: Role::Kabid, kind: RequestKind::UnitAccount, states: &[S::MenungguKabid] },
        QueueDef { key: "unit_account_input", role: Role::Petugas, kind: RequestKind::UnitAccount, states: &[S::InputData] },
        QueueDef { key: "unit_account_verify", role: Role::Petugas, kind: RequestKind::UnitAccount, states: &[S::VerifikasiData, S::UjiAkun] },
        QueueDef { key: "unit_account_report", role: Role::Petugas, kind: RequestKind::UnitAccount, states: &[S::Pelaporan] },
        QueueDef { key: "personal_account_check", role: Role::Kasi, kind: RequestKind::PersonalAccount, states: &[S::Pemeriksaan] },
        QueueDef { key: "personal_account_create", role: Role::Petugas, kind: RequestKind::PersonalAccount, states: &[S::PembuatanAkun, S::UjiAkun] },
        QueueDef { key: "personal_account_create", role: Role::Admin, kind: RequestKind::PersonalAccount, states: &[S::PembuatanAkun, S::UjiAkun] },
        QueueDef { key: "simpeg_process", role: Role::Petugas, kind: RequestKind::SimpegBulk, states: &[S::Proses, S::Memproses] },
        QueueDef { key: "simpeg_fill", role: Role::PengelolaSimpeg, kind: RequestKind::SimpegBulk, states: &[S::IsiSimpeg, S::Pelaporan] },
        QueueDef { key: "simpeg_receive", role: Role::PejabatStruktural, kind: RequestKind::SimpegBulk, states: &[S::Penerimaan] },
        QueueDef {
            key: "unit_account_mine",
            role: Role::KepalaOpd,
            kind: RequestKind::UnitAccount,
            states: &[S::MenungguKabid, S::InputData, S::VerifikasiData, S::UjiAkun, S::Pelaporan],
        },
    ]
}

/// Where a queue's count leads: the request list showing that queue only.
pub fn href(key: &str) -> String {
    format!("/admin/permohonan?antrean={key}")
}

/// The queue `key` as the actor holds it (the first role granting it).
pub fn held(actor: &Actor, key: &str) -> Option<QueueDef> {
    all().into_iter().find(|q| q.key == key && actor.has(q.role))
}

/// The requests in queue `q` for the actor: its kind and states, within the
/// units of the role that grants it. The home page counts and the filtered
/// list both read this, so a count and its list cannot disagree.
pub fn requests_of(q: &QueueDef, actor: &Actor) -> sea_orm::Select<request::Entity> {
    let base = request::Entity::find().filter(request::Column::Kind.eq(q.kind)).filter(request::Column::State.is_in(q.states.iter().copied()));
    match actor.units_for(q.role).iter().all(|u| u.is_some()) {
        true => base.filter(request::Column::UnitId.is_in(actor.units_for(q.role).into_iter().flatten())),
        false => base,
    }
}

pub async fn for_actor(state: &AppState, actor: &Actor) -> DomainResult<Vec<QueueSummary>> {
    let now = state.now();
    let mut out = Vec::new();
    for q in all().into_iter().filter(|q| actor.has(q.role)) {
        // one queue may be open to several roles (Petugas and Admin sistem)
        if out.iter().any(|o: &QueueSummary| o.key == q.key) {
            continue;
        }
        // one query for the count and the list: the open requests' keys, due first
        let rows: Vec<(String, String, Option<chrono::DateTime<chrono::Utc>>)> = requests_of(&q, actor)
            .select_only()
            .column(request::Column::Ticket)
            .column(request::Column::Subject)
            .column(request::Column::StepDueAt)
            .order_by_asc(request::Column::StepDueAt)
            .order_by_asc(request::Column::Id)
            .into_tuple()
            .all(&state.db)
            .await?;
        let open = rows.len() as u64;
        let overdue = rows.iter().filter(|r| r.2.is_some_and(|d| d < now)).count() as u64;
        let items = rows
            .into_iter()
            .take(SHOWN)
            .map(|(ticket, subject, due)| QueueItem { ticket, subject, due_at: due.map(|d| state.local_time(d)), overdue: due.is_some_and(|d| d < now) })
            .collect();
        out.push(QueueSummary { key: q.key.to_string(), href: href(q.key), open, overdue, items });
    }
    Ok(out)
}
