//! Server functions of each request kind (the same names as
//! `domain::kinds` and `pages::kinds`).
pub mod personal_account;
pub mod phone_change;
pub mod simpeg;
pub mod unit_account;
