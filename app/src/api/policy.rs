//! Who may call which server function. The HTTP layer checks every call
//! against this table before the function runs; a function missing from the
//! table cannot be called at all (deny by default).
use super::{activation, apply, audit, auth, forms, home, outbox, reports, requests, reset, second_factor, simpeg, staff};
use domain::auth::Actor;
use model::error::AppError;
use model::Role;
use server_fn::ServerFn;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the function itself reveals nothing private).
    Public,
    /// Any signed-in staff member.
    Staff,
    /// Staff holding one of these roles.
    Roles(&'static [Role]),
}

const ADMIN: &[Role] = &[Role::Admin];
const AUDIT: &[Role] = &[Role::Admin, Role::Auditor];
const OUTBOX: &[Role] = &[Role::Admin, Role::Petugas];
/// Roles that handle or oversee requests (each request type narrows it further).
const REQUESTS: &[Role] = crate::pages::requests::REQUEST_ROLES;
/// The phone-change desk and its approval (SOP 001 "no" branch).
const PHONE_CHANGE: &[Role] = &[Role::Petugas, Role::Kasi];
/// SOP 004: the SIMPEG manager prepares; officers process; the Pejabat Struktural receives.
const SIMPEG_PREP: &[Role] = domain::kinds::simpeg::batch::PREPARERS;
const SIMPEG_VIEW: &[Role] = domain::kinds::simpeg::batch::VIEWERS;

/// Every server function and its access rule.
pub fn table() -> Vec<(&'static str, Access)> {
    vec![
        (<auth::GetMe as ServerFn>::PATH, Access::Public),
        (<forms::FormFlashFor as ServerFn>::PATH, Access::Public),
        (<activation::ActivationInfo as ServerFn>::PATH, Access::Public),
        (<reset::ResetState as ServerFn>::PATH, Access::Public),
        // The second sign-in step: no session yet; each function needs the
        // challenge cookie of a right password and reveals nothing without it.
        (<second_factor::SecondStepInfo as ServerFn>::PATH, Access::Public),
        (<second_factor::PasskeyBegin as ServerFn>::PATH, Access::Public),
        (<second_factor::PasskeyFinish as ServerFn>::PATH, Access::Public),
        (<second_factor::GetSecurity as ServerFn>::PATH, Access::Staff),
        (<second_factor::TotpReplaceBegin as ServerFn>::PATH, Access::Staff),
        (<second_factor::TotpReplaceConfirm as ServerFn>::PATH, Access::Staff),
        (<second_factor::RecoveryRegenerate as ServerFn>::PATH, Access::Staff),
        (<second_factor::FactorRemove as ServerFn>::PATH, Access::Staff),
        (<second_factor::PasskeyAddBegin as ServerFn>::PATH, Access::Staff),
        (<second_factor::PasskeyAddFinish as ServerFn>::PATH, Access::Staff),
        (<second_factor::ResetStaffFactor as ServerFn>::PATH, Access::Roles(ADMIN)),
        (<auth::ListMySessions as ServerFn>::PATH, Access::Staff),
        (<auth::EndSession as ServerFn>::PATH, Access::Staff),
        (<auth::SignOutEverywhere as ServerFn>::PATH, Access::Staff),
        (<home::MyQueues as ServerFn>::PATH, Access::Staff),
        (<staff::ListStaff as ServerFn>::PATH, Access::Roles(ADMIN)),
        (<staff::ListUnits as ServerFn>::PATH, Access::Staff),
        (<staff::AddStaff as ServerFn>::PATH, Access::Roles(ADMIN)),
        (<staff::RevokeRole as ServerFn>::PATH, Access::Roles(ADMIN)),
        (<audit::ListAudit as ServerFn>::PATH, Access::Roles(AUDIT)),
        (<outbox::ListOutbox as ServerFn>::PATH, Access::Roles(OUTBOX)),
        (<outbox::RetryOutbox as ServerFn>::PATH, Access::Roles(OUTBOX)),
        (<requests::ListRequests as ServerFn>::PATH, Access::Roles(REQUESTS)),
        (<requests::GetRequest as ServerFn>::PATH, Access::Roles(REQUESTS)),
        (<requests::StartPhoneChange as ServerFn>::PATH, Access::Roles(&[Role::Petugas])),
        (<requests::PhoneChangeStep as ServerFn>::PATH, Access::Roles(PHONE_CHANGE)),
        (<requests::SubmitUnitAccount as ServerFn>::PATH, Access::Roles(&[Role::KepalaOpd])),
        (<requests::UnitAccountStep as ServerFn>::PATH, Access::Roles(&[Role::Kabid, Role::Petugas])),
        (<requests::CheckAddress as ServerFn>::PATH, Access::Roles(&[Role::KepalaOpd, Role::Petugas, Role::Admin])),
        // SOP 002: applicants have no account; each function limits itself
        // (codes, rate limits counted in the database) and reveals nothing
        // about other people's requests.
        (<apply::ApplyUnits as ServerFn>::PATH, Access::Public),
        (<apply::ApplySuggestAddress as ServerFn>::PATH, Access::Public),
        (<apply::ApplyCheckAddress as ServerFn>::PATH, Access::Public),
        (<apply::ApplySendCode as ServerFn>::PATH, Access::Public),
        (<apply::ApplySubmit as ServerFn>::PATH, Access::Public),
        (<apply::ApplyFixInfo as ServerFn>::PATH, Access::Public),
        (<apply::ApplyResubmit as ServerFn>::PATH, Access::Public),
        (<apply::ApplyStatusCode as ServerFn>::PATH, Access::Public),
        (<apply::ApplyStatus as ServerFn>::PATH, Access::Public),
        (<reports::GetDashboard as ServerFn>::PATH, Access::Roles(REQUESTS)),
        (<reports::GetServiceLevels as ServerFn>::PATH, Access::Roles(AUDIT)),
        (<reports::SaveServiceLevels as ServerFn>::PATH, Access::Roles(ADMIN)),
        (<apply::PersonalAccountStep as ServerFn>::PATH, Access::Roles(&[Role::Kasi, Role::Petugas, Role::Admin])),
        (<simpeg::SimpegList as ServerFn>::PATH, Access::Roles(SIMPEG_PREP)),
        (<simpeg::SimpegView as ServerFn>::PATH, Access::Roles(SIMPEG_VIEW)),
        (<simpeg::SimpegGetMapping as ServerFn>::PATH, Access::Roles(SIMPEG_PREP)),
        (<simpeg::SimpegSetMapping as ServerFn>::PATH, Access::Roles(SIMPEG_PREP)),
        (<simpeg::SimpegEditAddress as ServerFn>::PATH, Access::Roles(SIMPEG_PREP)),
        (<simpeg::SimpegSubmit as ServerFn>::PATH, Access::Roles(SIMPEG_PREP)),
        (<simpeg::SimpegDiscard as ServerFn>::PATH, Access::Roles(SIMPEG_PREP)),
        (<simpeg::SimpegStep as ServerFn>::PATH, Access::Roles(&[Role::Petugas, Role::PengelolaSimpeg, Role::PejabatStruktural])),
        (<simpeg::SimpegProgress as ServerFn>::PATH, Access::Roles(SIMPEG_VIEW)),
    ]
}

/// The rule for a path, if the path is a known server function.
pub fn access_for(path: &str) -> Option<Access> {
    table().into_iter().find(|(p, _)| *p == path).map(|(_, a)| a)
}

/// Allows or refuses a call. Unknown paths are refused.
pub fn check(path: &str, actor: Option<&Actor>) -> Result<(), AppError> {
    match (access_for(path), actor) {
        (None, _) => Err(AppError::Forbidden),
        (Some(Access::Public), _) => Ok(()),
        (Some(_), None) => Err(AppError::Unauthenticated),
        (Some(Access::Staff), Some(_)) => Ok(()),
        (Some(Access::Roles(roles)), Some(a)) if a.has_any(roles) => Ok(()),
        (Some(Access::Roles(_)), Some(_)) => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    /// Every server function compiled into the app has an entry in the table.
    #[test]
    fn every_registered_server_function_has_a_rule() {
        let registered: Vec<&str> = server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
        assert!(registered.len() >= 10, "server functions not registered: {registered:?}");
        for path in &registered {
            assert!(super::access_for(path).is_some(), "server function {path} is missing from the policy table");
        }
        for (path, _) in super::table() {
            assert!(registered.contains(&path), "policy entry {path} names no server function");
        }
    }
}
