//! One module per screen.
pub mod activate;
pub mod audit;
pub mod home;
pub mod kinds;
pub mod landing;
pub mod login;
pub mod mailboxes;
pub mod not_found;
pub mod outbox;
pub mod owner;
pub mod reports;
pub mod requests;
pub mod reset;
pub mod second_step;
pub mod security;
pub mod sessions;
pub mod staff;
