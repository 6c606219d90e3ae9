//! Every role set, in one place. The server-function policy
//! (`app::api::policy`), the staff navigation, the pages' `RequireRole` and
//! the domain's own checks all name these constants, so a role gained or lost
//! changes everywhere at once. Narrower rules (a request's step, a unit's
//! scope) are checked by the domain on top of these.
use crate::Role;

/// Any signed-in staff member.
pub const ANY_STAFF: &[Role] = &Role::ALL;
/// Admin sistem only: staff and roles, service-level settings, another person's second factor.
pub const ADMIN: &[Role] = &[Role::Admin];
/// The audit log and the service-level standards (read).
pub const AUDIT: &[Role] = &[Role::Admin, Role::Auditor];
/// The outbox of SMS and e-mail (read, retry).
pub const OUTBOX: &[Role] = &[Role::Admin, Role::Petugas];
/// Roles that handle or oversee requests; each request kind narrows it
/// further (the flow tables in `domain::requests::workflow`).
pub const REQUESTS: &[Role] = &Role::ALL;
/// SOP 001 "no" branch: the desk that checks the identity and records the new number.
pub const PHONE_CHANGE_DESK: &[Role] = &[Role::Petugas];
/// The desk and the Kasi's approval.
pub const PHONE_CHANGE_STEP: &[Role] = &[Role::Petugas, Role::Kasi];
/// SOP 003: the head of a unit asks for a unit or event account.
pub const UNIT_ACCOUNT_SUBMIT: &[Role] = &[Role::KepalaOpd];
/// SOP 003: the Kabid approves, the officer creates and tests.
pub const UNIT_ACCOUNT_STEP: &[Role] = &[Role::Kabid, Role::Petugas];
/// Who may ask whether an address is free while filling a request.
pub const ADDRESS_CHECK: &[Role] = &[Role::KepalaOpd, Role::Petugas, Role::Admin];
/// SOP 002: the Kasi checks, the officer creates, the admin fixes.
pub const PERSONAL_ACCOUNT_STEP: &[Role] = &[Role::Kasi, Role::Petugas, Role::Admin];
/// SOP 004: the SIMPEG manager prepares a batch.
pub const SIMPEG_PREPARE: &[Role] = &[Role::PengelolaSimpeg];
/// SOP 004: who may look at a submitted batch.
pub const SIMPEG_VIEW: &[Role] = &[Role::PengelolaSimpeg, Role::Petugas, Role::PejabatStruktural, Role::Admin, Role::Auditor];
/// SOP 004: officers process, the manager fills SIMPEG, the Pejabat Struktural receives.
pub const SIMPEG_STEP: &[Role] = &[Role::Petugas, Role::PengelolaSimpeg, Role::PejabatStruktural];
/// The mailbox directory and a mailbox's page (read). The Kepala OPD sees
/// the mailboxes of the unit the role is granted for.
pub const MAILBOX_VIEW: &[Role] = &[Role::Admin, Role::Petugas, Role::Auditor, Role::KepalaOpd];
/// Switching a mailbox off and on, its quota, end date and aliases.
pub const MAILBOX_MANAGE: &[Role] = &[Role::Admin, Role::Petugas];
/// Requests of every kind, regardless of unit (oversight).
pub const SEE_ALL_REQUESTS: &[Role] = &[Role::Admin, Role::Auditor];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every set names at least one role and no role twice.
    #[test]
    fn sets_are_non_empty_and_without_repeats() {
        for set in [
            ANY_STAFF,
            ADMIN,
            AUDIT,
            OUTBOX,
            REQUESTS,
            PHONE_CHANGE_DESK,
            PHONE_CHANGE_STEP,
            UNIT_ACCOUNT_SUBMIT,
            UNIT_ACCOUNT_STEP,
            ADDRESS_CHECK,
            PERSONAL_ACCOUNT_STEP,
            SIMPEG_PREPARE,
            SIMPEG_VIEW,
            SIMPEG_STEP,
            SEE_ALL_REQUESTS,
            MAILBOX_VIEW,
            MAILBOX_MANAGE,
        ] {
            assert!(!set.is_empty());
            let mut s = set.to_vec();
            s.sort();
            s.dedup();
            assert_eq!(s.len(), set.len(), "{set:?}");
        }
    }

    /// Whoever manages a mailbox can also see it.
    #[test]
    fn mailbox_managers_can_see_mailboxes() {
        for r in MAILBOX_MANAGE {
            assert!(MAILBOX_VIEW.contains(r), "{r:?}");
        }
    }

    /// Whoever prepares or steps a batch can also see it.
    #[test]
    fn simpeg_actors_can_see_their_batches() {
        for r in SIMPEG_PREPARE.iter().chain(SIMPEG_STEP) {
            assert!(SIMPEG_VIEW.contains(r), "{r:?}");
        }
    }
}
