//! The `surel` binary's parts: configuration, HTTP router and middleware,
//! form handlers for the pages that work without JavaScript, background
//! workers and the command line.
// Leptos view types nest deeply; rendering a long form needs room.
#![recursion_limit = "512"]
pub mod cli;
pub mod config;
pub mod forms;
pub mod middleware;
pub mod observe;
pub mod router;
pub mod state;
pub mod workers;
