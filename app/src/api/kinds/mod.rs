//! Server functions of each request kind (the same names as
//! `domain::kinds` and `pages::kinds`).
pub mod personal_account;
pub mod simpeg;
