//! The staff area needs a session: a page request under `/admin` without one
//! gets a real `303 See Other` to the sign-in page, before any HTML is
//! rendered. (The client-side redirect in the admin layout stays for sessions
//! that expire while a page is open.)
use app::components::layout::urlencode;
use axum::{
    extract::Request,
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use domain::auth::Actor;

fn is_staff_page(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

pub async fn layer(req: Request, next: Next) -> Response {
    let signed_in = req.extensions().get::<Option<Actor>>().is_some_and(Option::is_some);
    if signed_in || !is_staff_page(req.uri().path()) || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let next_path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/admin");
    Redirect::to(&format!("/masuk?next={}", urlencode(next_path))).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_staff_page;

    #[test]
    fn only_the_staff_area_is_guarded() {
        assert!(is_staff_page("/admin"));
        assert!(is_staff_page("/admin/permohonan/SRL-2026-000001"));
        assert!(!is_staff_page("/administrasi"));
        assert!(!is_staff_page("/ganti-sandi"));
    }
}
