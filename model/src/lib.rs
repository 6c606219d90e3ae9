//! Surel's shared vocabulary, compiled for the server and for the browser:
//!
//! - [`wire`] (re-exported at the root): the types server functions take and
//!   return;
//! - [`validation`]: the rules both sides check (NIP, phone, password,
//!   address, uploads), so the browser says what the server will enforce;
//! - [`error`]: [`AppError`], the one error type that crosses the wire.
//!
//! No database and no Leptos here.
pub mod access;
pub mod error;
pub mod validation;
pub mod wire;

pub use error::AppError;
pub use wire::*;
