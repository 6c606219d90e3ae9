//! Surel's UI: the account service for a local government's official e-mail.
//!
//! - [`api`]: server functions, thin: parse, authorize, call the domain, map errors.
//! - [`pages`] and [`components`]: the UI, server-rendered then hydrated.
//! - The wire types, shared validation and the error type live in the `model`
//!   crate; entities, services and rules in the `domain` crate (feature `ssr`).
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
mod lazy;
pub mod pages;
mod shell;
#[cfg(feature = "ssr")]
pub mod web;

pub use shell::{shell, App};
