//! `/akun`: an account owner's own page. Signed out it is the sign-in form;
//! signed in it shows the masked reset phone (and where to change it), the
//! owner's requests, the change-password form and the other sessions.
//! Every step is a plain form post to `/akun`, so it works without
//! JavaScript; the light bundle adds the live password checks.
use crate::api::forms::use_form_flash;
use crate::api::owner::my_account;
use crate::components::form::{invalid, ErrorBanner, FieldMessages};
use crate::components::password::NewPasswordFields;
use crate::components::text::{fill, kind_label, state_label};
use crate::components::wrap::breakable_html;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::validation::FieldErrors;
use model::OwnerPage;

#[component]
pub fn OwnerAccount() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| my_account());
    let query = use_query_map();
    let notice = move || {
        query.with(|q| {
            if q.get("tersimpan").is_some() {
                Some(t_string!(i18n, owner.saved).to_string())
            } else if q.get("sesi").is_some() {
                Some(t_string!(i18n, owner.sessions_ended).to_string())
            } else if q.get("keluar").is_some() {
                Some(t_string!(i18n, owner.signed_out).to_string())
            } else {
                None
            }
        })
    };
    view! {
        <Title text=t_string!(i18n, owner.title).to_string()/>
        <section class="card narrow owner" data-testid="owner-page">
            <h1>{t!(i18n, owner.title)}</h1>
            {move || notice().map(|n| view! { <div class="banner banner-ok" role="status" data-testid="owner-notice">{n}</div> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(None) => view! { <SignIn/> }.into_any(),
                        Ok(Some(p)) => view! { <Overview page=p/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let flash = use_form_flash("owner-sign-in");
    view! {
        <p class="lead">{t!(i18n, owner.sign_in_lead)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let f = flash.await;
                let errors = Signal::stored(f.errors.clone());
                view! {
                    <ErrorBanner error=Signal::stored(f.banner())/>
                    <form method="post" action="/akun" class="form" novalidate data-testid="owner-sign-in">
                        <input type="hidden" name="action" value="sign_in"/>
                        <div class="field">
                            <label for="address">{t!(i18n, owner.address)}</label>
                            <input id="address" name="address" type="email" inputmode="email" autocomplete="username"
                                autocapitalize="off" spellcheck="false" required value=f.value("address")
                                aria-describedby="address-error" aria-invalid=invalid(errors, "address")/>
                            <FieldMessages field="address" errors=errors/>
                        </div>
                        <div class="field">
                            <label for="password">{t!(i18n, owner.password)}</label>
                            <input id="password" name="password" type="password" autocomplete="current-password" required
                                aria-describedby="password-error" aria-invalid=invalid(errors, "password")/>
                            <FieldMessages field="password" errors=errors/>
                        </div>
                        <button type="submit" class="button button-primary button-block">{t!(i18n, owner.sign_in)}</button>
                    </form>
                }
            })}
        </Suspense>
        <p class="aside"><a href="/ganti-sandi">{t!(i18n, owner.forgot)}</a></p>
    }
}

#[component]
fn Overview(page: OwnerPage) -> impl IntoView {
    let i18n = use_i18n();
    let flash = use_form_flash("owner-password");
    let other_flash = use_form_flash("owner");
    let texts = crate::components::light::password_texts(i18n);
    let phone = match (&page.reset_phone_masked, &page.reset_phone_set_at) {
        (Some(p), Some(when)) => fill(&fill(t_string!(i18n, owner.phone_set), "phone", p), "when", when),
        (Some(p), None) => p.clone(),
        _ => t_string!(i18n, owner.no_phone).to_string(),
    };
    let address = page.address.clone();
    let name = page.name.clone();
    let min_len = page.min_len;
    let changed = page.password_changed_at.clone().map(|w| fill(t_string!(i18n, owner.password_changed_at), "when", &w));
    let requests = page.requests.clone();
    let other_sessions = page.other_sessions;
    view! {
        <crate::components::light::LightTexts entries=texts/>
        <p class="lead" data-testid="owner-who"><strong>{page.name.clone()}</strong><br/>
            <span class="address" inner_html=breakable_html(&page.address)></span></p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let f = other_flash.await;
                view! { <ErrorBanner error=Signal::stored(f.banner())/> }
            })}
        </Suspense>

        <h2>{t!(i18n, owner.phone_title)}</h2>
        <p data-testid="owner-phone">{phone}</p>
        <p class="links"><a href="/ganti-sandi/tanpa-sms" data-testid="owner-phone-desk">{t!(i18n, owner.phone_change)}</a></p>

        <h2>{t!(i18n, owner.password_title)}</h2>
        {changed.map(|c| view! { <p class="hint">{c}</p> })}
        <Suspense fallback=|| ()>
            {move || {
                let address = address.clone();
                let name = name.clone();
                Suspend::new(async move {
                    let f = flash.await;
                    let errors = Signal::stored(f.errors.clone());
                    let password_errors =
                        Signal::stored(FieldErrors(f.errors.0.iter().filter(|e| e.field != "current").cloned().collect()));
                    view! {
                        <ErrorBanner error=Signal::stored(f.banner())/>
                        <form method="post" action="/akun" class="form" novalidate data-testid="owner-password">
                            <input type="hidden" name="action" value="change_password"/>
                            <input type="text" name="username" autocomplete="username" value=address.clone() readonly class="visually-hidden" tabindex="-1" aria-hidden="true"/>
                            <div class="field">
                                <label for="current">{t!(i18n, owner.current)}</label>
                                <input id="current" name="current" type="password" autocomplete="current-password" required
                                    aria-describedby="current-error" aria-invalid=invalid(errors, "current")/>
                                <FieldMessages field="current" errors=errors/>
                            </div>
                            <NewPasswordFields errors=password_errors address=Signal::stored(address) name=name min_len=min_len/>
                            <button type="submit" class="button button-primary button-block">{t!(i18n, owner.save)}</button>
                        </form>
                    }
                })
            }}
        </Suspense>

        <h2>{t!(i18n, owner.requests_title)}</h2>
        {if requests.is_empty() {
            view! { <p class="hint" data-testid="owner-no-requests">{t!(i18n, owner.no_requests)}</p> }.into_any()
        } else {
            view! {
                <ul class="plain owner-requests" data-testid="owner-requests">
                    {requests.into_iter().map(|r| view! {
                        <li>
                            <span class="ticket">{r.ticket.clone()}</span>" · "{kind_label(i18n, r.kind)}<br/>
                            <span class="badge">{state_label(i18n, r.state)}</span>" "<span class="hint">{r.created_at.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        <h2>{t!(i18n, owner.sessions_title)}</h2>
        <p data-testid="owner-sessions">{fill(t_string!(i18n, owner.other_sessions), "count", &other_sessions.to_string())}</p>
        <div class="actions">
            {(other_sessions > 0).then(|| view! {
                <form method="post" action="/akun" class="inline-form">
                    <input type="hidden" name="action" value="end_sessions"/>
                    <button type="submit" class="button" data-testid="owner-end-sessions">{t!(i18n, owner.end_sessions)}</button>
                </form>
            })}
            <form method="post" action="/akun" class="inline-form">
                <input type="hidden" name="action" value="sign_out"/>
                <button type="submit" class="button button-quiet" data-testid="owner-sign-out">{t!(i18n, owner.sign_out)}</button>
            </form>
        </div>
    }
}
