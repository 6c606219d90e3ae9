//! Staff sign-in. A plain form post to `/masuk`, so it works without JavaScript.
use crate::api::forms::use_form_flash;
use crate::components::form::{invalid, ErrorBanner, FieldMessages};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let flash = use_form_flash("login");
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).filter(|n| n.starts_with('/') && !n.starts_with("//")).unwrap_or_else(|| "/admin".into());
    let notice = move || {
        query.with(|q| {
            if q.get("keluar").is_some() {
                Some(t_string!(i18n, login.signed_out).to_string())
            } else if q.get("habis").is_some() {
                Some(t_string!(i18n, second.expired).to_string())
            } else if q.get("next").is_some() {
                Some(t_string!(i18n, login.need_sign_in).to_string())
            } else {
                None
            }
        })
    };
    view! {
        <Title text=t_string!(i18n, login.title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <p class="lead">{t!(i18n, login.lead)}</p>
            {move || notice().map(|n| view! { <div class="banner banner-info" role="status">{n}</div> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let f = flash.await;
                    let errors = Signal::stored(f.errors.clone());
                    let error = Signal::stored(f.banner());
                    view! {
                        <ErrorBanner error=error/>
                        <form method="post" action="/masuk" class="form" novalidate data-testid="login-form">
                            <input type="hidden" name="next" value=next/>
                            <div class="field">
                                <label for="address">{t!(i18n, login.address)}</label>
                                <input id="address" name="address" type="email" inputmode="email" autocomplete="username"
                                    autocapitalize="off" spellcheck="false" required value=f.value("address")
                                    aria-describedby="address-error" aria-invalid=invalid(errors, "address")/>
                                <FieldMessages field="address" errors=errors/>
                            </div>
                            <div class="field">
                                <label for="password">{t!(i18n, login.password)}</label>
                                <input id="password" name="password" type="password" autocomplete="current-password" required
                                    aria-describedby="password-error" aria-invalid=invalid(errors, "password")/>
                                <FieldMessages field="password" errors=errors/>
                            </div>
                            <button type="submit" class="button button-primary button-block">{t!(i18n, login.submit)}</button>
                        </form>
                    }
                })}
            </Suspense>
            <p class="aside"><a href="/ganti-sandi">{t!(i18n, login.forgot)}</a></p>
        </section>
    }
}
