//! Integration tests over HTTP: each module starts the real `surel` binary on
//! a loopback port (SQLite and PostgreSQL) and drives it as a browser or a
//! client would. One test binary, since each binary links the whole server.
mod support;

mod attachments;
mod auth_flow;
mod authz;
mod cluster;
mod mail_server;
mod mailboxes;
mod owner;
mod personal_account;
mod requests;
mod reset;
mod second_factor;
mod security;
mod simpeg;
mod unit_account;
