//! What staff see of requests: lists (overdue first) and the request page
//! with its timeline against the SOP standards (who may see which: [`super::access`]).
use crate::auth::Actor;
use crate::entities::{request, request_event};
use crate::requests::access::{may_see, may_see_row};
use crate::requests::workflow;
use crate::requests::{ServiceLevels, StepActor};
use crate::{AppState, DomainError, DomainResult};
use model::{Action, AttachmentLink, NextParty, RequestDetail, RequestKind, RequestRow, TimelineStep};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect};

pub(crate) fn row(state: &AppState, r: &request::Model) -> RequestRow {
    let now = state.now();
    RequestRow {
        ticket: r.ticket.clone(),
        kind: r.kind,
        state: r.state,
        subject: r.subject.clone(),
        created_at: state.local_time(r.created_at),
        due_at: r.step_due_at.map(|d| state.local_time(d)),
        overdue: r.closed_at.is_none() && r.step_due_at.is_some_and(|d| d < now),
        closed: r.closed_at.is_some(),
    }
}

/// Requests the actor may see; open ones first, overdue before the rest, then by due time.
/// With `queue`, only the requests of that queue of "my work" (the same
/// query as its count on the home page); a queue the actor does not hold is
/// refused like the whole list would be.
pub async fn list(state: &AppState, actor: &Actor, only_open: bool, queue: Option<&str>) -> DomainResult<Vec<RequestRow>> {
    let kinds: Vec<RequestKind> = workflow::ALL.iter().filter(|f| may_see(actor, f)).map(|f| f.kind).collect();
    if kinds.is_empty() {
        return Err(DomainError::Forbidden);
    }
    let mut q = match queue {
        Some(key) => super::queues::requests_of(&super::queues::held(actor, key).ok_or(DomainError::Forbidden)?, actor),
        None => request::Entity::find(),
    }
    .filter(request::Column::Kind.is_in(kinds));
    if only_open {
        q = q.filter(request::Column::ClosedAt.is_null());
    }
    // open before closed, then soonest due; NULLs placed explicitly (SQLite and
    // PostgreSQL sort them differently)
    let rows = q
        .order_by(Expr::col(request::Column::ClosedAt).is_not_null(), Order::Asc)
        .order_by(Expr::col(request::Column::StepDueAt).is_null(), Order::Asc)
        .order_by_asc(request::Column::StepDueAt)
        .order_by_desc(request::Column::Id)
        .limit(500)
        .all(&state.db)
        .await?;
    Ok(rows.iter().filter(|r| may_see_row(actor, workflow::flow(r.kind), r)).map(|r| row(state, r)).collect())
}

/// One request, for those who may see it, with its row; the facts are left
/// to its kind ([`crate::kinds::detail`] fills them), so the generic request
/// code does not depend on the kinds.
pub async fn detail_without_facts(state: &AppState, actor: &Actor, ticket: &str) -> DomainResult<(request::Model, RequestDetail)> {
    let r = request::Entity::find().filter(request::Column::Ticket.eq(ticket)).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    let flow = workflow::flow(r.kind);
    if !may_see_row(actor, flow, &r) {
        // not "forbidden": do not confirm that the ticket exists
        return Err(DomainError::NotFound);
    }
    let levels = ServiceLevels::load(&state.db, state.config.utc_offset_hours).await?;
    let events =
        request_event::Entity::find().filter(request_event::Column::RequestId.eq(r.id)).order_by_asc(request_event::Column::Seq).all(&state.db).await?;
    let steps = events
        .iter()
        .map(|e| {
            let taken = e.duration_secs.map(|s| s / 60);
            let standard = e.standard_secs.map(|s| s / 60);
            TimelineStep {
                seq: e.seq,
                action: e.action,
                to_state: e.to_state,
                actor: e.actor_label.clone(),
                actor_role: step_role(flow, e.action, e.to_state),
                note: e.note.clone(),
                at: state.local_time(e.at),
                minutes_taken: taken,
                standard_minutes: standard,
                late: matches!((taken, standard), (Some(t), Some(s)) if t > s),
            }
        })
        .collect();
    let me = StepActor::staff(actor);
    // Offer only what the engine would allow, four-eyes rule included.
    let earlier = |a: Action| events.iter().rev().find(|e| e.action == a).and_then(|e| e.actor_mailbox_id);
    let allowed = flow.actions_for(r.state, &me.for_unit(r.unit_id));
    let mine = |t: &workflow::Transition| t.not_same_actor_as.is_some_and(|prev| earlier(prev) == Some(actor.mailbox_id));
    let four_eyes = allowed.iter().find(|t| mine(t)).and_then(|t| t.not_same_actor_as);
    let mut actions: Vec<Action> = allowed.iter().filter(|t| !mine(t)).map(|t| t.action).collect();
    actions.dedup();
    let next = flow.states.iter().find(|s| s.code == r.state && !s.terminal).and_then(|s| s.waits_for).map(|p| match p {
        workflow::Party::Staff(roles) => NextParty::Staff(roles.to_vec()),
        workflow::Party::Applicant => NextParty::Applicant,
        workflow::Party::System => NextParty::System,
    });
    let detail = RequestDetail {
        row: row(state, &r),
        version: r.version,
        sop: flow.sop.to_string(),
        standard_minutes: if r.closed_at.is_some() { None } else { levels.standard_minutes(flow, r.state).map(i64::from) },
        facts: vec![],
        attachments: crate::attachments::for_request(&state.db, r.id)
            .await?
            .into_iter()
            .map(|a| AttachmentLink { id: a.id, kind: a.kind, filename: a.filename, size_bytes: a.size_bytes })
            .collect(),
        steps,
        actions,
        next,
        four_eyes,
    };
    Ok((r, detail))
}

/// The role a step is taken in, from the flow table: the first role of the
/// party that may take it (Petugas where Admin sistem may stand in).
fn step_role(flow: &workflow::Flow, action: Action, to: model::RequestState) -> Option<model::Role> {
    let by = flow.transitions.iter().find(|t| t.action == action && t.to == to).map(|t| t.by).or((action == Action::Buat).then_some(flow.created_by));
    match by {
        Some(workflow::Party::Staff(roles)) => roles.first().copied(),
        _ => None,
    }
}
