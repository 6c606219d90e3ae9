//! Who may call which server function. The HTTP layer checks every call
//! against this table before the function runs; a function missing from the
//! table cannot be called at all (deny by default).
use super::kinds::{personal_account as apply, phone_change, simpeg, unit_account};
use super::{activation, audit, auth, forms, home, mailboxes, outbox, owner, reports, requests, reset, second_factor, staff};
use domain::auth::Actor;
use model::access::*;
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

/// Every server function and its access rule.
pub fn table() -> Vec<(&'static str, Access)> {
    vec![
        (<auth::GetMe as ServerFn>::PATH, Access::Public),
        (<forms::FormFlashFor as ServerFn>::PATH, Access::Public),
        (<activation::ActivationInfo as ServerFn>::PATH, Access::Public),
        (<reset::ResetState as ServerFn>::PATH, Access::Public),
        // the owner's own session is checked inside (a cookie of its own)
        (<owner::MyAccount as ServerFn>::PATH, Access::Public),
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
        (<mailboxes::ListMailboxes as ServerFn>::PATH, Access::Roles(MAILBOX_VIEW)),
        (<mailboxes::GetMailbox as ServerFn>::PATH, Access::Roles(MAILBOX_VIEW)),
        (<mailboxes::ChangeMailbox as ServerFn>::PATH, Access::Roles(MAILBOX_MANAGE)),
        (<outbox::ListOutbox as ServerFn>::PATH, Access::Roles(OUTBOX)),
        (<outbox::RetryOutbox as ServerFn>::PATH, Access::Roles(OUTBOX)),
        (<requests::ListRequests as ServerFn>::PATH, Access::Roles(REQUESTS)),
        (<requests::GetRequest as ServerFn>::PATH, Access::Roles(REQUESTS)),
        (<phone_change::StartPhoneChange as ServerFn>::PATH, Access::Roles(PHONE_CHANGE_DESK)),
        (<phone_change::PhoneChangeStep as ServerFn>::PATH, Access::Roles(PHONE_CHANGE_STEP)),
        (<unit_account::SubmitUnitAccount as ServerFn>::PATH, Access::Roles(UNIT_ACCOUNT_SUBMIT)),
        (<unit_account::UnitAccountStep as ServerFn>::PATH, Access::Roles(UNIT_ACCOUNT_STEP)),
        (<requests::CheckAddress as ServerFn>::PATH, Access::Roles(ADDRESS_CHECK)),
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
        (<apply::PersonalAccountStep as ServerFn>::PATH, Access::Roles(PERSONAL_ACCOUNT_STEP)),
        (<simpeg::SimpegList as ServerFn>::PATH, Access::Roles(SIMPEG_PREPARE)),
        (<simpeg::SimpegView as ServerFn>::PATH, Access::Roles(SIMPEG_VIEW)),
        (<simpeg::SimpegGetMapping as ServerFn>::PATH, Access::Roles(SIMPEG_PREPARE)),
        (<simpeg::SimpegSetMapping as ServerFn>::PATH, Access::Roles(SIMPEG_PREPARE)),
        (<simpeg::SimpegEditAddress as ServerFn>::PATH, Access::Roles(SIMPEG_PREPARE)),
        (<simpeg::SimpegSubmit as ServerFn>::PATH, Access::Roles(SIMPEG_PREPARE)),
        (<simpeg::SimpegDiscard as ServerFn>::PATH, Access::Roles(SIMPEG_PREPARE)),
        (<simpeg::SimpegStep as ServerFn>::PATH, Access::Roles(SIMPEG_STEP)),
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
