//! Who may see which request: by the roles the flow names (creator, the
//! parties it waits on, its readers), scoped to the units the roles are
//! granted for; oversight roles (`model::access::SEE_ALL_REQUESTS`) see all.
use crate::auth::Actor;
use crate::entities::request;
use crate::requests::workflow::{Flow, Party};
use model::Role;

/// Whether these roles see requests of this type: Admin sistem and Auditor
/// see every type; others the types they create, wait on, or receive.
fn roles_see(roles: &[Role], flow: &Flow) -> bool {
    let has = |rs: &[Role]| roles.iter().any(|r| rs.contains(r));
    if has(model::access::SEE_ALL_REQUESTS) {
        return true;
    }
    let mine = |p: Option<Party>| matches!(p, Some(Party::Staff(rs)) if has(rs));
    has(flow.readers) || mine(Some(flow.created_by)) || flow.states.iter().any(|s| mine(s.waits_for))
}

/// May the actor see requests of this type at all (in some unit)?
pub fn may_see(actor: &Actor, flow: &Flow) -> bool {
    roles_see(&actor.grants.iter().map(|g| g.role).collect::<Vec<_>>(), flow)
}

/// Which requests of a type the actor sees, in the terms the dashboard's
/// queries use. Agrees with [`may_see_row`] row for row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every request of the type (a grant without a unit).
    All,
    /// Those of these units, and (`own`) the ones the actor applied for.
    Units { units: Vec<i32>, own: bool },
}

pub fn scope(actor: &Actor, flow: &Flow) -> Scope {
    let units: Vec<Option<i32>> = actor.grants.iter().filter(|g| roles_see(&[g.role], flow)).map(|g| g.unit_id).collect();
    if units.iter().any(Option::is_none) {
        return Scope::All;
    }
    Scope::Units { units: units.into_iter().flatten().collect(), own: may_see(actor, flow) }
}

/// [`scope`] as a condition on `requests` (the dashboard counts in SQL).
pub fn visible_rows(actor: &Actor, flow: &Flow) -> sea_orm::Condition {
    use sea_orm::ColumnTrait;
    let Scope::Units { units, own } = scope(actor, flow) else { return sea_orm::Condition::all() };
    let mut c = sea_orm::Condition::any();
    if own {
        c = c.add(request::Column::ApplicantMailboxId.eq(actor.mailbox_id));
    }
    if !units.is_empty() {
        c = c.add(request::Column::UnitId.is_in(units));
    }
    if c.is_empty() {
        // sees nothing of this type: a condition no row meets
        c = c.add(request::Column::Id.lt(0));
    }
    c
}

/// May the actor see this request: through a role whose grant covers the
/// request's unit (a Kepala OPD of unit A who is also Kasi elsewhere sees
/// only unit A's unit-account requests), or as the one who applied.
pub fn may_see_row(actor: &Actor, flow: &Flow, r: &request::Model) -> bool {
    if r.applicant_mailbox_id == Some(actor.mailbox_id) && may_see(actor, flow) {
        return true;
    }
    roles_see(&actor.roles_for_unit(r.unit_id), flow)
}
