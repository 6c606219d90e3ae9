//! Screens of each request kind (the same names as `domain::kinds` and
//! `api::kinds`); the generic list and detail are in `pages::requests`.
pub mod personal_account;
pub mod phone_change;
pub mod simpeg;
pub mod unit_account;
