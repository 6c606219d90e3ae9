//! What the database benches share.
use domain::auth::Actor;
use model::{Role, RoleGrant};

/// A signed-in staff member with one role, for one unit or (`None`) all.
pub fn actor(address: &str, role: Role, unit_id: Option<i32>) -> Actor {
    Actor {
        mailbox_id: 1,
        address: address.into(),
        name: address.split('@').next().unwrap_or(address).into(),
        grants: vec![RoleGrant { id: 0, role, unit_id, unit_name: None }],
        session_id: 0,
        locale: None,
        ip: None,
    }
}
