//! Server functions: the thin API. Each parses, relies on the policy table
//! (checked by the HTTP layer before it runs, deny by default), calls the
//! domain and maps errors.
pub mod activation;
pub mod audit;
pub mod auth;
pub mod forms;
pub mod home;
pub mod kinds;
pub mod mailboxes;
pub mod outbox;
pub mod owner;
pub mod reports;
pub mod requests;
pub mod reset;
pub mod second_factor;
pub mod staff;

#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod policy;
