//! Reusable UI pieces.
pub mod form;
pub mod layout;
pub mod light;
pub mod me;
pub mod pager;
pub mod passkey;
pub mod password;
pub mod text;
pub mod upload;
pub mod wrap;
