//! The request kinds of the SOPs, one folder or file each: their flows'
//! steps, facts and actions on top of the generic [`crate::requests`] code.
pub mod account_test;
pub mod personal_account;
pub mod phone_change;
pub mod simpeg;
pub mod unit_account;
