//! Surel: the account service for a local government's official e-mail.
//!
//! - [`validation`]: rules shared by server and browser (NIP, phone, password, address).
//! - [`api`]: server functions, thin: parse, authorize, call the domain, map errors.
//! - [`pages`] and [`components`]: the UI, server-rendered then hydrated.
//! - `domain` (feature `ssr`): entities, services and rules; plain Rust.
#![recursion_limit = "512"]

// The build.rs generator pulls ICU's whole data toolchain in as a build dependency
// (minutes of compile time for nothing we use); the macro reads the same JSON files.
#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;
pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
mod shell;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod domain;

pub use shell::{shell, App};
