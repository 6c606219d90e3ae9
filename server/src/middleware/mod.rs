//! HTTP middleware: security headers, CSRF, sessions, the staff-area redirect and the server-function guard.
pub mod api_guard;
pub mod csrf;
pub mod security_headers;
pub mod session;
pub mod staff_area;
pub mod static_cache;
