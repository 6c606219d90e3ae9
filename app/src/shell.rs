//! The HTML document and the route table.
use crate::components::layout::{AdminLayout, PublicLayout};
use crate::i18n::*;
use crate::pages;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The document around every page. Server-side it carries the CSP nonce that
/// lets the page's script run, and picks that script ([`crate::web::bundle_for`]):
/// the staff area hydrates the whole app; public pages load the light bundle
/// or nothing.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let _ = options;
    #[cfg(feature = "ssr")]
    crate::web::provide_request_nonce();
    #[cfg(feature = "ssr")]
    let head = crate::web::page_head();
    #[cfg(not(feature = "ssr"))]
    let head = ();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {head}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::components::form::provide_field_edits();
    view! {
        // Indonesian unless the person chose otherwise (cookie): browsers on
        // Indonesian phones often say "en-US", which is not a choice.
        <I18nContextProvider ssr_lang_header_getter=leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)>
            <Title formatter=|t: String| if t.is_empty() { "Surel".to_string() } else { format!("{t} · Surel") }/>
                <Router>
                    <Routes fallback=|| view! { <PublicLayout><pages::not_found::NotFound/></PublicLayout> }>
                        <Route path=path!("") view=|| view! { <PublicLayout><pages::landing::Landing/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/masuk") view=|| view! { <PublicLayout><pages::login::Login/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/masuk/verifikasi") view=|| view! { <PublicLayout><pages::second_step::SecondStepPage/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/masuk/faktor-baru") view=|| view! { <PublicLayout><pages::second_step::EnrollPage/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/ganti-sandi") view=|| view! { <PublicLayout><pages::reset::ResetPassword/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/ganti-sandi/tanpa-sms") view=|| view! { <PublicLayout><pages::reset::NoSms/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/sandi-tersimpan") view=|| view! { <PublicLayout><pages::activate::PasswordSaved/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/permohonan-akun") view=|| view! { <PublicLayout><pages::kinds::personal_account::ApplyPage/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/permohonan-akun/formulir") view=|| view! { <PublicLayout><pages::kinds::personal_account::BlankFormPage/></PublicLayout> }/>
                        <Route path=path!("/permohonan-akun/status") view=|| view! { <PublicLayout><pages::kinds::personal_account::ApplyStatusPage/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/permohonan-akun/perbaiki/:link") view=|| view! { <PublicLayout><pages::kinds::personal_account::ApplyFixPage/></PublicLayout> } ssr=SsrMode::Async/>
                        <Route path=path!("/aktivasi/:token") view=|| view! { <PublicLayout><pages::activate::Activate/></PublicLayout> } ssr=SsrMode::Async/>
                        <ParentRoute path=path!("/admin") view=AdminLayout ssr=SsrMode::Async>
                            <Route path=path!("") view=pages::home::Home/>
                            <Route path=path!("staf") view=pages::staff::StaffPage/>
                            <Route path=path!("audit") view=pages::audit::AuditPage/>
                            <Route path=path!("sesi") view=pages::sessions::SessionsPage/>
                            <Route path=path!("keamanan") view=pages::security::SecurityPage/>
                            <Route path=path!("kotak-keluar") view=pages::outbox::OutboxPage/>
                            <Route path=path!("permohonan") view=pages::requests::RequestsPage/>
                            <Route path=path!("permohonan/:ticket") view=pages::requests::RequestPage/>
                            <Route path=path!("ganti-nomor") view=pages::kinds::phone_change::PhoneDeskPage/>
                            <Route path=path!("akun-unit/baru") view=pages::kinds::unit_account::UnitAccountNewPage/>
                            <Route path=path!("dasbor") view=pages::reports::DashboardPage/>
                            <Route path=path!("layanan") view=pages::reports::ServiceLevelsPage/>
                            <Route path=path!("simpeg") view=pages::kinds::simpeg::SimpegPage/>
                        </ParentRoute>
                    </Routes>
                </Router>
        </I18nContextProvider>
    }
}
