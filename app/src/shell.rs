//! The HTML document and the route table.
use crate::components::layout::{AdminLayout, PublicLayout};
use crate::i18n::*;
use crate::{lazy, pages};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
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
                        <Route path=path!("") view={Lazy::<lazy::LandingRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/masuk") view={Lazy::<lazy::LoginRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/masuk/verifikasi") view={Lazy::<lazy::SecondStepRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/masuk/faktor-baru") view={Lazy::<lazy::EnrollRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/ganti-sandi") view={Lazy::<lazy::ResetRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/ganti-sandi/tanpa-sms") view={Lazy::<lazy::NoSmsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/akun") view={Lazy::<lazy::OwnerRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/sandi-tersimpan") view={Lazy::<lazy::PasswordSavedRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/permohonan-akun") view={Lazy::<lazy::ApplyRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/permohonan-akun/formulir") view={Lazy::<lazy::BlankFormRoute>::new()}/>
                        <Route path=path!("/permohonan-akun/status") view={Lazy::<lazy::ApplyStatusRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/permohonan-akun/perbaiki/:link") view={Lazy::<lazy::ApplyFixRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/aktivasi/:token") view={Lazy::<lazy::ActivateRoute>::new()} ssr=SsrMode::Async/>
                        <ParentRoute path=path!("/admin") view=AdminLayout ssr=SsrMode::Async>
                            <Route path=path!("") view={Lazy::<lazy::HomeRoute>::new()}/>
                            <Route path=path!("staf") view={Lazy::<lazy::StaffRoute>::new()}/>
                            <Route path=path!("audit") view={Lazy::<lazy::AuditRoute>::new()}/>
                            <Route path=path!("sesi") view={Lazy::<lazy::SessionsRoute>::new()}/>
                            <Route path=path!("keamanan") view={Lazy::<lazy::SecurityRoute>::new()}/>
                            <Route path=path!("kotak-keluar") view={Lazy::<lazy::OutboxRoute>::new()}/>
                            <Route path=path!("permohonan") view={Lazy::<lazy::RequestsRoute>::new()}/>
                            <Route path=path!("permohonan/:ticket") view={Lazy::<lazy::RequestRoute>::new()}/>
                            <Route path=path!("akun") view={Lazy::<lazy::MailboxesRoute>::new()}/>
                            <Route path=path!("akun/:id") view={Lazy::<lazy::MailboxRoute>::new()}/>
                            <Route path=path!("ganti-nomor") view={Lazy::<lazy::PhoneDeskRoute>::new()}/>
                            <Route path=path!("akun-unit/baru") view={Lazy::<lazy::UnitAccountNewRoute>::new()}/>
                            <Route path=path!("dasbor") view={Lazy::<lazy::DashboardRoute>::new()}/>
                            <Route path=path!("layanan") view={Lazy::<lazy::ServiceLevelsRoute>::new()}/>
                            <Route path=path!("simpeg") view={Lazy::<lazy::SimpegRoute>::new()}/>
                        </ParentRoute>
                    </Routes>
                </Router>
        </I18nContextProvider>
    }
}
