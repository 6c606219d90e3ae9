//! HTTP middleware: security headers, CSRF, sessions, and the server-function guard.
pub mod api_guard;
pub mod csrf;
pub mod security_headers;
pub mod session;
