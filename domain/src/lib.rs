//! Surel's domain: entities, services and rules. Plain Rust on SeaORM,
//! server only; no HTTP and no Leptos (`cargo test -p domain` builds
//! without the view macros).
pub mod accounts;
pub mod activation;
pub mod attachments;
pub mod audit;
pub mod audit_view;
pub mod auth;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod entities;
pub mod error;
pub mod kinds;
pub mod mail_check;
pub mod mailboxes;
pub mod notify;
pub mod ops;
pub mod outbox;
pub mod outbox_view;
pub mod owner;
pub mod passkeys;
pub mod password_policy;
pub mod passwords;
pub mod phone_proof;
pub mod rate_limit;
pub mod reports;
pub mod requests;
pub mod reset;
pub mod retention;
pub mod second_factor;
pub mod seed;
pub mod sessions;
pub mod staff;
pub mod state;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use error::{DomainError, DomainResult};
pub use state::AppState;
