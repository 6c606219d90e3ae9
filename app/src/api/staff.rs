//! Staff and role management (Admin sistem).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{StaffRow, UnitOption};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

#[server(prefix = "/api", endpoint = "staff/list", input = Json)]
pub async fn list_staff() -> Result<Vec<StaffRow>, AppError> {
    super::ctx::run(ListStaff::PATH, |cx| async move { domain::staff::list(&cx.state).await }).await
}

#[server(prefix = "/api", endpoint = "units/list", input = Json)]
pub async fn list_units() -> Result<Vec<UnitOption>, AppError> {
    super::ctx::run(ListUnits::PATH, |cx| async move { domain::staff::units(&cx.state).await }).await
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddStaffInput {
    pub address: String,
    pub name: String,
    pub phone: String,
    pub role: String,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddStaffResult {
    pub mailbox_id: i32,
    pub created_mailbox: bool,
    /// An activation link went to the staff member's phone.
    pub activation_sent: bool,
}

#[server(prefix = "/api", endpoint = "staff/add", input = Json)]
pub async fn add_staff(input: AddStaffInput) -> Result<AddStaffResult, AppError> {
    super::ctx::run(AddStaff::PATH, |cx| async move {
        use domain::{audit::Change, staff};
        let actor = cx.actor()?;
        let mut change = Change::begin(&cx.state, actor.who()).await?;
        let added = staff::add(
            &cx.state,
            &mut change,
            staff::NewStaff {
                address: input.address,
                name: Some(input.name),
                phone: Some(input.phone),
                role: input.role,
                unit: Some(input.unit),
                create_domain: false,
                require_phone_for_new: true,
            },
        )
        .await?;
        change.commit().await?;
        Ok(AddStaffResult { mailbox_id: added.mailbox_id, created_mailbox: added.created_mailbox, activation_sent: added.activation_link.is_some() })
    })
    .await
}

#[server(prefix = "/api", endpoint = "staff/revoke", input = Json)]
pub async fn revoke_role(grant_id: i32) -> Result<(), AppError> {
    super::ctx::run(RevokeRole::PATH, |cx| async move { domain::staff::revoke(&cx.state, cx.actor()?, grant_id).await }).await
}
