//! Every page as a lazy route: each page's code is its own WASM chunk
//! (`cargo leptos build --split`), fetched when the page is first visited,
//! so the first staff page does not download every other page. Public
//! pages load the light bundle (or nothing); in the staff bundle they are
//! only reached by navigating there, so they are chunks too.
//!
//! Written out one by one on purpose: `#[lazy_route]` names each split by
//! its call site, so a macro generating them would give them all one name.
use crate::components::layout::PublicLayout;
use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// The lazy route that renders a page of the staff bundle, as the split
/// build names its chunks (`HomeRoute` → `home_route`), so the server can
/// link the page's chunks as preloads in the page's head. Keep in step with
/// the routes in `shell.rs`; public pages load the light bundle, not these.
#[cfg(feature = "ssr")]
pub fn staff_route_name(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    Some(match path {
        "/admin" => "home_route",
        "/admin/staf" => "staff_route",
        "/admin/audit" => "audit_route",
        "/admin/sesi" => "sessions_route",
        "/admin/keamanan" => "security_route",
        "/admin/kotak-keluar" => "outbox_route",
        "/admin/permohonan" => "requests_route",
        "/admin/akun" => "mailboxes_route",
        "/admin/ganti-nomor" => "phone_desk_route",
        "/admin/akun-unit/baru" => "unit_account_new_route",
        "/admin/dasbor" => "dashboard_route",
        "/admin/layanan" => "service_levels_route",
        "/admin/simpeg" => "simpeg_route",
        "/masuk/verifikasi" => "second_step_route",
        "/masuk/faktor-baru" => "enroll_route",
        _ if path.strip_prefix("/admin/permohonan/").is_some_and(|t| !t.is_empty() && !t.contains('/')) => "request_route",
        _ if path.strip_prefix("/admin/akun/").is_some_and(|t| !t.is_empty() && !t.contains('/')) => "mailbox_route",
        _ => return None,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::staff_route_name;

    /// Every route struct of this file is reachable from a path, under the
    /// name the split build gives it.
    #[test]
    fn every_staff_route_has_its_chunk_name() {
        let source = include_str!("lazy.rs");
        let staff = [
            "Home",
            "Staff",
            "Audit",
            "Sessions",
            "Security",
            "Outbox",
            "Requests",
            "Request",
            "Mailboxes",
            "Mailbox",
            "PhoneDesk",
            "UnitAccountNew",
            "Dashboard",
            "ServiceLevels",
            "Simpeg",
            "SecondStep",
            "Enroll",
        ];
        let paths = [
            "/admin",
            "/admin/staf",
            "/admin/audit",
            "/admin/sesi",
            "/admin/keamanan",
            "/admin/kotak-keluar",
            "/admin/permohonan",
            "/admin/permohonan/SRL-2026-000001",
            "/admin/akun",
            "/admin/akun/12",
            "/admin/ganti-nomor",
            "/admin/akun-unit/baru",
            "/admin/dasbor",
            "/admin/layanan",
            "/admin/simpeg",
            "/masuk/verifikasi",
            "/masuk/faktor-baru",
        ];
        let mut names: Vec<&str> = paths.iter().map(|p| staff_route_name(p).unwrap_or_else(|| panic!("no route for {p}"))).collect();
        for s in staff {
            assert!(source.contains(&format!("pub struct {s}Route;")), "{s}Route is not a route of this file");
            let snake: String = format!("{s}Route")
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let lower = c.to_ascii_lowercase();
                    if c.is_ascii_uppercase() && i > 0 {
                        vec!['_', lower]
                    } else {
                        vec![lower]
                    }
                })
                .collect();
            assert!(names.contains(&snake.as_str()), "{snake} has no path");
        }
        names.dedup();
        assert_eq!(names.len(), staff.len());
        assert_eq!(staff_route_name("/admin/permohonan/SRL-1/x"), None);
        assert_eq!(staff_route_name("/ganti-sandi"), None);
    }
}

/// The home page.
pub struct HomeRoute;

#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::home::Home/> }.into_any()
    }
}

/// The staff page.
pub struct StaffRoute;

#[lazy_route]
impl LazyRoute for StaffRoute {
    fn data() -> Self {
        StaffRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::staff::StaffPage/> }.into_any()
    }
}

/// The audit page.
pub struct AuditRoute;

#[lazy_route]
impl LazyRoute for AuditRoute {
    fn data() -> Self {
        AuditRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::audit::AuditPage/> }.into_any()
    }
}

/// The sessions page.
pub struct SessionsRoute;

#[lazy_route]
impl LazyRoute for SessionsRoute {
    fn data() -> Self {
        SessionsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::sessions::SessionsPage/> }.into_any()
    }
}

/// The security page.
pub struct SecurityRoute;

#[lazy_route]
impl LazyRoute for SecurityRoute {
    fn data() -> Self {
        SecurityRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::security::SecurityPage/> }.into_any()
    }
}

/// The outbox page.
pub struct OutboxRoute;

#[lazy_route]
impl LazyRoute for OutboxRoute {
    fn data() -> Self {
        OutboxRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::outbox::OutboxPage/> }.into_any()
    }
}

/// The mailbox directory.
pub struct MailboxesRoute;

#[lazy_route]
impl LazyRoute for MailboxesRoute {
    fn data() -> Self {
        MailboxesRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::mailboxes::MailboxesPage/> }.into_any()
    }
}

/// A mailbox's page.
pub struct MailboxRoute;

#[lazy_route]
impl LazyRoute for MailboxRoute {
    fn data() -> Self {
        MailboxRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::mailboxes::MailboxPage/> }.into_any()
    }
}

/// The requests page.
pub struct RequestsRoute;

#[lazy_route]
impl LazyRoute for RequestsRoute {
    fn data() -> Self {
        RequestsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::requests::RequestsPage/> }.into_any()
    }
}

/// The request page.
pub struct RequestRoute;

#[lazy_route]
impl LazyRoute for RequestRoute {
    fn data() -> Self {
        RequestRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::requests::RequestPage/> }.into_any()
    }
}

/// The phone desk page.
pub struct PhoneDeskRoute;

#[lazy_route]
impl LazyRoute for PhoneDeskRoute {
    fn data() -> Self {
        PhoneDeskRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::kinds::phone_change::PhoneDeskPage/> }.into_any()
    }
}

/// The new unit account page.
pub struct UnitAccountNewRoute;

#[lazy_route]
impl LazyRoute for UnitAccountNewRoute {
    fn data() -> Self {
        UnitAccountNewRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::kinds::unit_account::UnitAccountNewPage/> }.into_any()
    }
}

/// The dashboard page.
pub struct DashboardRoute;

#[lazy_route]
impl LazyRoute for DashboardRoute {
    fn data() -> Self {
        DashboardRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::reports::DashboardPage/> }.into_any()
    }
}

/// The service levels page.
pub struct ServiceLevelsRoute;

#[lazy_route]
impl LazyRoute for ServiceLevelsRoute {
    fn data() -> Self {
        ServiceLevelsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::reports::ServiceLevelsPage/> }.into_any()
    }
}

/// The SIMPEG page.
pub struct SimpegRoute;

#[lazy_route]
impl LazyRoute for SimpegRoute {
    fn data() -> Self {
        SimpegRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <pages::kinds::simpeg::SimpegPage/> }.into_any()
    }
}

/// The front page.
pub struct LandingRoute;

#[lazy_route]
impl LazyRoute for LandingRoute {
    fn data() -> Self {
        LandingRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::landing::Landing/></PublicLayout> }.into_any()
    }
}

/// The sign-in page.
pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        LoginRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::login::Login/></PublicLayout> }.into_any()
    }
}

/// The second sign-in step page.
pub struct SecondStepRoute;

#[lazy_route]
impl LazyRoute for SecondStepRoute {
    fn data() -> Self {
        SecondStepRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::second_step::SecondStepPage/></PublicLayout> }.into_any()
    }
}

/// The second factor enrollment page.
pub struct EnrollRoute;

#[lazy_route]
impl LazyRoute for EnrollRoute {
    fn data() -> Self {
        EnrollRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::second_step::EnrollPage/></PublicLayout> }.into_any()
    }
}

/// The password reset page.
pub struct ResetRoute;

#[lazy_route]
impl LazyRoute for ResetRoute {
    fn data() -> Self {
        ResetRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::reset::ResetPassword/></PublicLayout> }.into_any()
    }
}

/// The owner's own page.
pub struct OwnerRoute;

#[lazy_route]
impl LazyRoute for OwnerRoute {
    fn data() -> Self {
        OwnerRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::owner::OwnerAccount/></PublicLayout> }.into_any()
    }
}

/// The no-SMS page.
pub struct NoSmsRoute;

#[lazy_route]
impl LazyRoute for NoSmsRoute {
    fn data() -> Self {
        NoSmsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::reset::NoSms/></PublicLayout> }.into_any()
    }
}

/// The password saved page.
pub struct PasswordSavedRoute;

#[lazy_route]
impl LazyRoute for PasswordSavedRoute {
    fn data() -> Self {
        PasswordSavedRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::activate::PasswordSaved/></PublicLayout> }.into_any()
    }
}

/// The application page.
pub struct ApplyRoute;

#[lazy_route]
impl LazyRoute for ApplyRoute {
    fn data() -> Self {
        ApplyRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::kinds::personal_account::ApplyPage/></PublicLayout> }.into_any()
    }
}

/// The blank form page.
pub struct BlankFormRoute;

#[lazy_route]
impl LazyRoute for BlankFormRoute {
    fn data() -> Self {
        BlankFormRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::kinds::personal_account::BlankFormPage/></PublicLayout> }.into_any()
    }
}

/// The application status page.
pub struct ApplyStatusRoute;

#[lazy_route]
impl LazyRoute for ApplyStatusRoute {
    fn data() -> Self {
        ApplyStatusRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::kinds::personal_account::ApplyStatusPage/></PublicLayout> }.into_any()
    }
}

/// The application correction page.
pub struct ApplyFixRoute;

#[lazy_route]
impl LazyRoute for ApplyFixRoute {
    fn data() -> Self {
        ApplyFixRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::kinds::personal_account::ApplyFixPage/></PublicLayout> }.into_any()
    }
}

/// The activation page.
pub struct ActivateRoute;

#[lazy_route]
impl LazyRoute for ActivateRoute {
    fn data() -> Self {
        ActivateRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PublicLayout><pages::activate::Activate/></PublicLayout> }.into_any()
    }
}
