//! Surel's shared vocabulary, compiled for the server and for the browser:
//!
//! - [`wire`] (re-exported at the root): the types server functions take and
//!   return;
//! - [`validation`]: the rules both sides check (NIP, phone, password,
//!   address, uploads), so the browser says what the server will enforce;
//! - [`error`]: [`AppError`], the one error type that crosses the wire;
//! - [`vocab`] (re-exported at the root): the typed codes (error codes,
//!   request kinds, states and actions, SIMPEG batch and row statuses),
//!   stored and sent as the same strings as before.
//!
//! No database and no Leptos here (the `db` feature only derives SeaORM's
//! column traits for the vocabulary).
pub mod access;
pub mod error;
pub mod validation;
pub mod vocab;
pub mod wire;

pub use error::AppError;
pub use vocab::*;
pub use wire::*;
