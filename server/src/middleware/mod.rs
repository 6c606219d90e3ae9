//! HTTP middleware: security headers, CSRF, sessions, the staff-area redirect, the server-function guard and the shared public pages.
pub mod api_guard;
pub mod csrf;
pub mod page_cache;
pub mod security_headers;
pub mod session;
pub mod staff_area;
pub mod static_cache;
