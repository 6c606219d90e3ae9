//! Page frames: the public one (owners, applicants) and the staff area.
use super::me::{me_from_page, me_resource};
use super::text::role_name;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::{
    components::{Outlet, A},
    hooks::use_location,
};
use model::access::{self, ANY_STAFF};
use model::{Me, Role};

/// Language switch: a plain form, so it works without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = move || {
        let q = location.search.get();
        if q.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), q)
        }
    };
    let other = move || if i18n.get_locale() == Locale::id { "en" } else { "id" };
    let label = move || if i18n.get_locale() == Locale::id { "English" } else { "Bahasa Indonesia" };
    view! {
        <form method="post" action="/bahasa" class="lang-switch">
            <input type="hidden" name="locale" value=other/>
            <input type="hidden" name="next" value=next/>
            <button type="submit" class="link-button" lang=other>{label}</button>
        </form>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p>{t!(i18n, footer.tagline)}</p>
            <LanguageSwitch/>
        </footer>
    }
}

/// Frame for public pages: brand, content, footer.
#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, common.skip_to_content)}</a>
        <header class="topbar">
            <a href="/" class="brand"><span class="brand-mark" aria-hidden="true">"@"</span>"Surel"</a>
            <nav class="topbar-links" aria-label=move || t_string!(i18n, nav.public_label)>
                <a href="/ganti-sandi">{t!(i18n, nav.reset)}</a>
                <a href="/masuk">{t!(i18n, nav.staff_login)}</a>
            </nav>
        </header>
        <main id="main" class="page">{children()}</main>
        <Footer/>
    }
}

/// One link of the staff navigation and who sees it.
struct NavItem {
    href: &'static str,
    roles: &'static [Role],
    key: fn(I18nContext<Locale>) -> String,
}

fn nav_items() -> Vec<NavItem> {
    vec![
        NavItem { href: "/admin", roles: ANY_STAFF, key: |i| t_string!(i, nav.home).to_string() },
        NavItem { href: "/admin/permohonan", roles: access::REQUESTS, key: |i| t_string!(i, nav.requests).to_string() },
        NavItem { href: "/admin/akun", roles: access::MAILBOX_VIEW, key: |i| t_string!(i, nav.mailboxes).to_string() },
        NavItem { href: "/admin/simpeg", roles: access::SIMPEG_PREPARE, key: |i| t_string!(i, nav.simpeg).to_string() },
        NavItem { href: "/admin/dasbor", roles: access::REQUESTS, key: |i| t_string!(i, nav.dashboard).to_string() },
        NavItem { href: "/admin/staf", roles: access::ADMIN, key: |i| t_string!(i, nav.staff).to_string() },
        NavItem { href: "/admin/layanan", roles: access::AUDIT, key: |i| t_string!(i, nav.service_levels).to_string() },
        NavItem { href: "/admin/audit", roles: access::AUDIT, key: |i| t_string!(i, nav.audit).to_string() },
        NavItem { href: "/admin/kotak-keluar", roles: access::OUTBOX, key: |i| t_string!(i, nav.outbox).to_string() },
        NavItem { href: "/admin/keamanan", roles: ANY_STAFF, key: |i| t_string!(i, nav.security).to_string() },
        NavItem { href: "/admin/sesi", roles: ANY_STAFF, key: |i| t_string!(i, nav.sessions).to_string() },
    ]
}

/// Frame for the staff area: requires a session, shows the role's navigation.
/// The pages inside navigate on the client (single-page app).
#[component]
pub fn AdminLayout() -> impl IntoView {
    match me_from_page() {
        Some(me) => staff_frame(me),
        None => {
            let me = me_resource();
            view! {
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move { staff_frame(me.await) })}
                </Suspense>
            }
            .into_any()
        }
    }
}

fn staff_frame(me: Option<Me>) -> AnyView {
    let i18n = use_i18n();
    let Some(me) = me else {
        let next = use_location().pathname.get_untracked();
        let to = format!("/masuk?next={}", urlencode(&next));
        return view! { <leptos_router::components::Redirect path=to/> }.into_any();
    };
    // Pages inside read this synchronously (no nested Suspense).
    provide_context(CurrentStaff(me.clone()));
    let items = nav_items().into_iter().filter(|n| me.has_any(n.roles)).collect::<Vec<_>>();
    let roles = me
        .roles
        .iter()
        .map(|g| match &g.unit_name {
            Some(u) => format!("{} ({u})", role_name(i18n, g.role)),
            None => role_name(i18n, g.role),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let name = me.name.clone();
    let address = me.address.clone();
    let nav_ref = NodeRef::<leptos::html::Nav>::new();
    #[cfg(feature = "hydrate")]
    {
        // on a phone the tabs scroll sideways: keep the current one in view
        let path = use_location().pathname;
        Effect::new(move |_| {
            path.track();
            if let Some(nav) = nav_ref.get() {
                request_animation_frame(move || show_current_tab(&nav));
            }
        });
    }
    view! {
        <a class="skip-link" href="#main">{t!(i18n, common.skip_to_content)}</a>
        <header class="topbar topbar-admin">
            <a href="/admin" class="brand"><span class="brand-mark" aria-hidden="true">"@"</span>"Surel"</a>
            <div class="whoami">
                <span class="whoami-name" data-testid="whoami">{name}</span>
                <span class="whoami-roles">{roles}</span>
            </div>
            <form method="post" action="/keluar" class="signout">
                <button type="submit" class="button button-quiet">{t!(i18n, nav.sign_out)}</button>
            </form>
        </header>
        <div class="admin">
            <nav class="admin-nav" node_ref=nav_ref aria-label=move || t_string!(i18n, nav.admin_label) on:scroll=move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(nav) = nav_ref.get_untracked() {
                    mark_scrolled_to_end(&nav);
                }
            }>
                <ul>
                    {items.into_iter().map(|n| {
                        let label = (n.key)(i18n);
                        view! { <li><A href=n.href exact=true>{label}</A></li> }
                    }).collect_view()}
                </ul>
            </nav>
            <main id="main" class="admin-main" data-address=address>
                <Outlet/>
            </main>
        </div>
        <Footer/>
    }
    .into_any()
}

/// The signed-in staff member inside the staff area (provided by [`AdminLayout`]).
#[derive(Clone, Debug)]
pub struct CurrentStaff(pub Me);

pub fn use_staff() -> Option<Me> {
    use_context::<CurrentStaff>().map(|c| c.0)
}

/// Shown (with status 403) when a signed-in staff member opens a page of another role.
#[component]
pub fn RequireRole(roles: &'static [Role], children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let allowed = use_staff().map(|m| m.has_any(roles)).unwrap_or(false);
    if allowed {
        children().into_any()
    } else {
        #[cfg(feature = "ssr")]
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(http::StatusCode::FORBIDDEN);
        }
        view! {
            <section class="card" data-testid="forbidden">
                <h1>{t!(i18n, errors.forbidden_title)}</h1>
                <p>{t!(i18n, errors.forbidden)}</p>
                <p><a href="/admin">{t!(i18n, nav.back_home)}</a></p>
            </section>
        }
        .into_any()
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Scrolls the sideways staff navigation so the current tab is centred, and
/// marks when nothing is left to the right (the fade hint goes away).
#[cfg(feature = "hydrate")]
fn show_current_tab(nav: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;
    if let Ok(Some(a)) = nav.query_selector("a[aria-current=page]") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            let left = a.offset_left() - (nav.client_width() - a.offset_width()) / 2;
            nav.set_scroll_left(left.max(0));
        }
    }
    mark_scrolled_to_end(nav);
}

#[cfg(feature = "hydrate")]
fn mark_scrolled_to_end(nav: &web_sys::HtmlElement) {
    let at_end = nav.scroll_left() + nav.client_width() >= nav.scroll_width() - 4;
    let _ = nav.class_list().toggle_with_force("at-end", at_end);
}
