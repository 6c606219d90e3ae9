//! Requests in the database: ticket numbers, creation and transitions.
//!
//! Every transition is one audited transaction ([`Change`]) that checks the
//! flow table, bumps `version` only if it still has the value the actor saw
//! (two officers acting at once: the second gets "already handled by X"),
//! writes a step event with the time taken against the standard, and moves
//! the due time to the next step's standard in office hours.
pub mod access;
pub mod queues;
pub mod sla;
pub mod step_minutes;
pub mod view;
pub mod workflow;

use crate::audit::Change;
use crate::auth::Actor;
use crate::entities::{request, request_event, setting, ticket_counter};
use crate::requests::sla::Calendar;
use crate::requests::workflow::{Acting, Flow, Refusal, Transition};
use crate::{DomainError, DomainResult};
use chrono::{DateTime, Datelike, Utc};
use model::{Action, ErrorCode, RequestState};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{json, Value};
use std::collections::HashMap;

/// `SRL-2026-000123`.
pub fn format_ticket(year: i32, n: i64) -> String {
    format!("SRL-{year}-{n:06}")
}

/// The next ticket number of `year`. Call inside a [`Change`]: its lock on the
/// audit head serialises writers across instances, and the unique index on
/// `requests.ticket` would refuse a duplicate anyway.
pub async fn next_ticket<C: ConnectionTrait>(db: &C, year: i32) -> Result<String, DbErr> {
    let bumped = ticket_counter::Entity::update_many()
        .col_expr(ticket_counter::Column::Last, Expr::col(ticket_counter::Column::Last).add(1))
        .filter(ticket_counter::Column::Year.eq(year))
        .exec(db)
        .await?;
    if bumped.rows_affected == 0 {
        ticket_counter::ActiveModel { year: Set(year), last: Set(1) }.insert(db).await?;
        return Ok(format_ticket(year, 1));
    }
    let row = ticket_counter::Entity::find_by_id(year).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("ticket counter".into()))?;
    Ok(format_ticket(year, row.last))
}

/// Office calendar and per-step standards, with Admin sistem's overrides
/// (settings `sla.calendar` and `sla.standards`, JSON).
#[derive(Clone, Debug)]
pub struct ServiceLevels {
    pub calendar: Calendar,
    /// `"kind.state"` → minutes.
    pub overrides: HashMap<String, u32>,
}

pub const CALENDAR_KEY: &str = "sla.calendar";

impl crate::AppState {
    /// The service levels in force, read on `db` (a request's transaction, so
    /// the due times it writes follow the standards it read).
    pub async fn service_levels<C: ConnectionTrait>(&self, db: &C) -> Result<ServiceLevels, DbErr> {
        ServiceLevels::load(db, self.config.utc_offset_hours).await
    }
}
pub const STANDARDS_KEY: &str = "sla.standards";

impl ServiceLevels {
    pub async fn load<C: ConnectionTrait>(db: &C, utc_offset_hours: i32) -> Result<Self, DbErr> {
        let calendar =
            setting::get(db, CALENDAR_KEY).await?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_else(|| Calendar::indonesian_office(utc_offset_hours));
        let overrides = setting::get(db, STANDARDS_KEY).await?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        Ok(ServiceLevels { calendar, overrides })
    }

    pub fn standard_minutes(&self, flow: &Flow, state: RequestState) -> Option<u32> {
        self.overrides.get(&format!("{}.{state}", flow.kind)).copied().or_else(|| flow.state(state)?.standard_minutes)
    }

    fn due(&self, flow: &Flow, state: RequestState, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.standard_minutes(flow, state).map(|m| self.calendar.due(from, m))
    }
}

/// Who takes a step: what the flow table checks, and what the step event records.
pub struct StepActor {
    pub acting: Acting,
    pub mailbox_id: Option<i32>,
    pub label: String,
    /// Each staff role with the unit its grant is scoped to (none: every
    /// unit). A role counts on a request only where its grant covers the
    /// request's unit; empty means `acting` as it is.
    pub scopes: Vec<(model::Role, Option<i32>)>,
}

impl StepActor {
    /// A signed-in staff member, with every role and the unit each is granted for.
    pub fn staff(actor: &Actor) -> Self {
        StepActor {
            acting: Acting::Staff { mailbox_id: actor.mailbox_id, roles: actor.grants.iter().map(|g| g.role).collect() },
            mailbox_id: Some(actor.mailbox_id),
            // people read names on timelines, not addresses
            label: if actor.name.trim().is_empty() { actor.address.clone() } else { actor.name.clone() },
            scopes: actor.grants.iter().map(|g| (g.role, g.unit_id)).collect(),
        }
    }

    /// Surel itself (account tests, scheduled jobs).
    pub fn system(label: &str) -> Self {
        StepActor { acting: Acting::System, mailbox_id: None, label: label.to_string(), scopes: vec![] }
    }

    /// Who acts on a request of `unit`: only the roles whose grant covers it.
    pub fn for_unit(&self, unit: Option<i32>) -> Acting {
        match &self.acting {
            Acting::Staff { mailbox_id, .. } if !self.scopes.is_empty() => Acting::Staff {
                mailbox_id: *mailbox_id,
                roles: self.scopes.iter().filter(|(_, scope)| crate::auth::covers(*scope, unit)).map(|(r, _)| *r).collect(),
            },
            other => other.clone(),
        }
    }
}

/// A request of `flow` and its payload.
pub async fn load<C: ConnectionTrait, P: serde::de::DeserializeOwned>(db: &C, flow: &Flow, ticket: &str) -> DomainResult<(request::Model, P)> {
    let row = request::Entity::find()
        .filter(request::Column::Ticket.eq(ticket))
        .filter(request::Column::Kind.eq(flow.kind))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let payload = serde_json::from_str(&row.payload).map_err(anyhow::Error::from)?;
    Ok((row, payload))
}

/// A payload as a transition effect.
pub fn with_payload<P: serde::Serialize>(payload: &P) -> DomainResult<Effects> {
    Ok(Effects { payload: Some(serde_json::to_value(payload).map_err(anyhow::Error::from)?) })
}

/// A note worth keeping: trimmed, and none when blank.
fn clean_note(note: Option<&str>) -> Option<String> {
    note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string)
}

pub struct NewRequest {
    pub unit_id: Option<i32>,
    pub applicant_mailbox_id: Option<i32>,
    pub applicant_person_id: Option<i32>,
    pub subject: String,
    pub payload: Value,
    pub note: Option<String>,
}

/// Opens a request in the flow's initial state, with a fresh ticket number.
pub async fn create(change: &mut Change, levels: &ServiceLevels, flow: &'static Flow, actor: &StepActor, new: NewRequest) -> DomainResult<request::Model> {
    if !flow.may_create(&actor.for_unit(new.unit_id)) {
        return Err(DomainError::Forbidden);
    }
    let now = change.now();
    let ticket = next_ticket(&**change, now.year()).await?;
    let due = levels.due(flow, flow.initial, now);
    let row = request::ActiveModel {
        ticket: Set(ticket.clone()),
        kind: Set(flow.kind),
        state: Set(flow.initial),
        unit_id: Set(new.unit_id),
        applicant_mailbox_id: Set(new.applicant_mailbox_id),
        applicant_person_id: Set(new.applicant_person_id),
        subject: Set(new.subject),
        payload: Set(new.payload.to_string()),
        version: Set(1),
        step_started_at: Set(now),
        step_due_at: Set(due),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    request_event::ActiveModel {
        request_id: Set(row.id),
        seq: Set(1),
        action: Set(Action::Buat),
        from_state: Set(None),
        to_state: Set(flow.initial),
        actor_mailbox_id: Set(actor.mailbox_id),
        actor_label: Set(actor.label.clone()),
        note: Set(clean_note(new.note.as_deref())),
        step_started_at: Set(now),
        at: Set(now),
        due_at: Set(due),
        duration_secs: Set(None),
        standard_secs: Set(None),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    change.log("request.create", "request", &ticket, json!({ "kind": flow.kind, "state": flow.initial })).await?;
    Ok(row)
}

/// What a transition changes besides the state.
#[derive(Default)]
pub struct Effects {
    /// Replaces the payload (the flow's data after this step).
    pub payload: Option<Value>,
}

/// Moves a request. `seen_version` is the version the actor's screen showed.
// The one place a request moves: each argument is part of the step taken.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    change: &mut Change,
    levels: &ServiceLevels,
    ticket: &str,
    seen_version: i32,
    action: Action,
    actor: &StepActor,
    note: Option<&str>,
    effects: Effects,
) -> DomainResult<(request::Model, &'static Transition)> {
    let current = request::Entity::find().filter(request::Column::Ticket.eq(ticket)).one(&**change).await?.ok_or(DomainError::NotFound)?;
    let flow = crate::requests::workflow::flow(current.kind);
    let events =
        request_event::Entity::find().filter(request_event::Column::RequestId.eq(current.id)).order_by_asc(request_event::Column::Seq).all(&**change).await?;
    let already_handled = || {
        let by = events.last().map(|e| e.actor_label.clone());
        DomainError::Conflict { code: ErrorCode::AlreadyHandled, by }
    };
    if current.version != seen_version {
        return Err(already_handled());
    }
    let earlier = |a: Action| events.iter().rev().find(|e| e.action == a).and_then(|e| e.actor_mailbox_id);
    let t = match flow.check(current.state, action, &actor.for_unit(current.unit_id), note, earlier) {
        Ok(t) => t,
        Err(Refusal::NotAllowedFromState) => return Err(already_handled()),
        Err(Refusal::WrongParty) => return Err(DomainError::Forbidden),
        Err(Refusal::NoteRequired) => return Err(DomainError::field("note", ErrorCode::NoteRequired)),
        Err(Refusal::SameActor) => return Err(DomainError::Conflict { code: ErrorCode::SameActor, by: None }),
    };
    let now = change.now();
    let to_terminal = flow.state(t.to).map(|s| s.terminal).unwrap_or(false);
    // A self-loop (resend, retry) keeps the step's clock running.
    let (step_started, due) = if t.to == t.from { (current.step_started_at, current.step_due_at) } else { (now, levels.due(flow, t.to, now)) };
    let mut update = request::Entity::update_many()
        .col_expr(request::Column::State, Expr::value(t.to))
        .col_expr(request::Column::Version, Expr::value(current.version + 1))
        .col_expr(request::Column::StepStartedAt, Expr::value(step_started))
        .col_expr(request::Column::StepDueAt, Expr::value(if to_terminal { None } else { due }))
        .col_expr(request::Column::UpdatedAt, Expr::value(now))
        .col_expr(request::Column::ClosedAt, Expr::value(if to_terminal { Some(now) } else { None }));
    if let Some(p) = &effects.payload {
        update = update.col_expr(request::Column::Payload, Expr::value(p.to_string()));
    }
    let done = update.filter(request::Column::Id.eq(current.id)).filter(request::Column::Version.eq(seen_version)).exec(&**change).await?;
    if done.rows_affected != 1 {
        return Err(already_handled());
    }
    let worked = levels.calendar.working_minutes(current.step_started_at, now) * 60;
    let standard_secs = levels.standard_minutes(flow, current.state).map(|m| m as i64 * 60);
    request_event::ActiveModel {
        request_id: Set(current.id),
        seq: Set(events.last().map(|e| e.seq).unwrap_or(0) + 1),
        action: Set(action),
        from_state: Set(Some(current.state)),
        to_state: Set(t.to),
        actor_mailbox_id: Set(actor.mailbox_id),
        actor_label: Set(actor.label.clone()),
        note: Set(clean_note(note)),
        step_started_at: Set(current.step_started_at),
        at: Set(now),
        due_at: Set(current.step_due_at),
        duration_secs: Set(Some(worked)),
        standard_secs: Set(standard_secs),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    if t.to != current.state {
        // the dashboard's sums (a self-loop is not a step taken)
        let month = step_minutes::month_key(now, levels.calendar.utc_offset_hours);
        step_minutes::record(&**change, &month, flow.kind, current.unit_id, current.state, worked, standard_secs).await?;
    }
    change.log(&format!("request.{action}"), "request", ticket, json!({ "kind": flow.kind, "from": current.state, "to": t.to })).await?;
    let after = request::Entity::find_by_id(current.id).one(&**change).await?.ok_or(DomainError::NotFound)?;
    Ok((after, t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{audit::Who, testing::state_with_clock, AppState};
    use model::Role;

    async fn state() -> (AppState, crate::clock::OffsetClock) {
        state_with_clock().await
    }

    fn petugas(id: i32) -> Acting {
        Acting::Staff { mailbox_id: id, roles: vec![Role::Petugas] }
    }
    fn kasi(id: i32) -> Acting {
        Acting::Staff { mailbox_id: id, roles: vec![Role::Kasi] }
    }

    async fn open(state: &AppState, levels: &ServiceLevels, who: &Acting) -> request::Model {
        let mut c = Change::begin(state, Who::system("test")).await.unwrap();
        let actor = StepActor { acting: who.clone(), mailbox_id: Some(1), label: "budi.santoso@batam.go.id".into(), scopes: vec![] };
        let new = NewRequest { unit_id: None, applicant_mailbox_id: None, applicant_person_id: None, subject: "HP".into(), payload: json!({}), note: None };
        let r = create(&mut c, levels, &super::workflow::PHONE_CHANGE, &actor, new).await.unwrap();
        c.commit().await.unwrap();
        r
    }

    #[tokio::test]
    async fn tickets_count_up_per_year() {
        let (state, _) = state().await;
        let levels = ServiceLevels::load(&state.db, 7).await.unwrap();
        let a = open(&state, &levels, &petugas(1)).await;
        let b = open(&state, &levels, &petugas(1)).await;
        let year = state.now().year();
        assert_eq!(a.ticket, format_ticket(year, 1));
        assert_eq!(b.ticket, format_ticket(year, 2));
        assert!(b.step_due_at.unwrap() > b.created_at);
    }

    #[tokio::test]
    async fn stale_version_and_double_action_are_refused() {
        let (state, _) = state().await;
        let levels = ServiceLevels::load(&state.db, 7).await.unwrap();
        let r = open(&state, &levels, &petugas(1)).await;
        let step = |action: Action, who: Acting, version: i32, label: &'static str| {
            let state = state.clone();
            let levels = levels.clone();
            let ticket = r.ticket.clone();
            async move {
                let mut c = Change::begin(&state, Who::system("test")).await.unwrap();
                let mailbox_id = match &who {
                    Acting::Staff { mailbox_id, .. } => Some(*mailbox_id),
                    _ => None,
                };
                let actor = StepActor { acting: who, mailbox_id, label: label.into(), scopes: vec![] };
                let out = transition(&mut c, &levels, &ticket, version, action, &actor, Some("ok"), Effects::default()).await;
                if out.is_ok() {
                    c.commit().await.unwrap();
                }
                out.map(|(m, _)| m)
            }
        };
        let moved = step(Action::KonfirmasiKode, petugas(1), 1, "budi").await.unwrap();
        assert_eq!((moved.state.as_str(), moved.version), ("menunggu_kasi", 2));
        // the creator holds Kasi too: four-eyes rule
        let both = Acting::Staff { mailbox_id: 1, roles: vec![Role::Petugas, Role::Kasi] };
        assert!(matches!(step(Action::Setujui, both, 2, "budi").await, Err(DomainError::Conflict { code, .. }) if code == ErrorCode::SameActor));
        // two Kasi saw version 2; the first wins, the second is told who did it
        let first = step(Action::Setujui, kasi(5), 2, "hendra").await.unwrap();
        assert_eq!(first.state, RequestState::Selesai);
        assert!(first.closed_at.is_some() && first.step_due_at.is_none());
        match step(Action::Tolak, kasi(6), 2, "lain").await {
            Err(DomainError::Conflict { code, by }) => assert_eq!((code.as_str(), by.as_deref()), ("already_handled", Some("hendra"))),
            other => panic!("expected a conflict, got {other:?}"),
        }
        let events = request_event::Entity::find().filter(request_event::Column::RequestId.eq(r.id)).all(&state.db).await.unwrap();
        assert_eq!(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["buat", "konfirmasi_kode", "setujui"]);
        assert_eq!(events[1].standard_secs, Some(3600));
    }

    /// What transitions add to `step_minutes` as they happen is what
    /// summing the events afresh gives (the upgrade path, `rebuild`).
    #[tokio::test]
    async fn transitions_keep_the_dashboard_sums_that_a_rebuild_gives() {
        use crate::entities::step_minute;
        let (state, clock) = state().await;
        let levels = ServiceLevels::load(&state.db, 7).await.unwrap();
        let step = |ticket: String, version: i32, action: Action, who: Acting| {
            let (state, levels) = (state.clone(), levels.clone());
            async move {
                let mut c = Change::begin(&state, Who::system("test")).await.unwrap();
                let id = match &who {
                    Acting::Staff { mailbox_id, .. } => Some(*mailbox_id),
                    _ => None,
                };
                let actor = StepActor { acting: who, mailbox_id: id, label: "uji".into(), scopes: vec![] };
                transition(&mut c, &levels, &ticket, version, action, &actor, Some("ok"), Effects::default()).await.unwrap();
                c.commit().await.unwrap();
            }
        };
        for n in 0..6i64 {
            let r = open(&state, &levels, &petugas(1)).await;
            clock.advance(chrono::Duration::minutes(7 + n * 45));
            step(r.ticket.clone(), 1, Action::KonfirmasiKode, petugas(1)).await;
            if n % 2 == 0 {
                clock.advance(chrono::Duration::minutes(n * 300));
                step(r.ticket.clone(), 2, Action::Setujui, kasi(5)).await;
            }
        }
        let rows = || async {
            let mut rows: Vec<_> = step_minute::Entity::find()
                .all(&state.db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.month, r.kind, r.unit_id, r.from_state, r.minutes, r.steps, r.within))
                .collect();
            rows.sort();
            rows
        };
        let kept = rows().await;
        assert_eq!(kept.iter().map(|r| r.5).sum::<i32>(), 6 + 3, "one per step taken");
        assert!(kept.iter().all(|r| r.2 == step_minutes::NO_UNIT));
        assert_eq!(step_minutes::rebuild(&state.db, 7).await.unwrap(), kept.len());
        assert_eq!(rows().await, kept);
    }

    #[tokio::test]
    async fn overrides_change_the_standard() {
        let (state, _) = state().await;
        setting::ActiveModel { key: Set(STANDARDS_KEY.into()), value: Set(r#"{"phone_change.menunggu_kasi": 30}"#.into()), updated_at: Set(state.now()) }
            .insert(&state.db)
            .await
            .unwrap();
        let levels = ServiceLevels::load(&state.db, 7).await.unwrap();
        let flow = &super::workflow::PHONE_CHANGE;
        assert_eq!(levels.standard_minutes(flow, RequestState::MenungguKasi), Some(30));
        assert_eq!(levels.standard_minutes(flow, RequestState::VerifikasiKode), Some(60));
    }
}
