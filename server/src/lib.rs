//! The `surel` binary's parts: configuration, HTTP router and middleware,
//! form handlers for the pages that work without JavaScript, background
//! workers and the command line.
pub mod cli;
pub mod config;
pub mod forms;
pub mod middleware;
pub mod router;
pub mod workers;
