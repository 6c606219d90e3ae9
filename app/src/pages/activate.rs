//! Setting the first password through a one-time link (`/aktivasi/:token`).
use crate::api::activation::activation_info;
use crate::api::forms::use_form_flash;
use crate::components::form::ErrorBanner;
use crate::components::password::NewPasswordFields;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn Activate() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let info = Resource::new(token, |t| async move { activation_info(t).await.ok().flatten() });
    let flash = use_form_flash("activate");
    view! {
        <Title text=t_string!(i18n, activate.title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, activate.title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let f = flash.await;
                    match info.await {
                        None => view! {
                            <div class="banner banner-error" role="alert" data-testid="link-invalid">{t!(i18n, activate.invalid)}</div>
                            <p>{t!(i18n, activate.invalid_help)}</p>
                        }.into_any(),
                        Some(v) => {
                            let errors = Signal::stored(f.errors.clone());
                            let error = Signal::stored(f.banner());
                            let action = format!("/aktivasi/{}", token());
                            let address = v.address.clone();
                            view! {
                                <crate::components::light::LightTexts entries=crate::components::light::password_texts(i18n)/>
                                <p class="lead">{t!(i18n, activate.lead, address = v.address.clone(), name = v.name.clone())}</p>
                                <ErrorBanner error=error/>
                                <form method="post" action=action class="form" novalidate data-testid="activate-form">
                                    <input type="text" name="address" autocomplete="username" value=address.clone() readonly class="visually-hidden" tabindex="-1" aria-hidden="true"/>
                                    <NewPasswordFields errors=errors address=Signal::stored(address) name=v.name.clone() min_len=v.min_len suggestion=v.suggestion.clone()/>
                                    <button type="submit" class="button button-primary button-block">{t!(i18n, activate.submit)}</button>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Where a successful password change lands (`/sandi-tersimpan`).
#[component]
pub fn PasswordSaved() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, saved.title).to_string()/>
        <section class="card narrow" data-testid="password-saved">
            <h1>{t!(i18n, saved.title)}</h1>
            <p class="lead">{t!(i18n, saved.lead)}</p>
            <ul class="plain">
                <li>{t!(i18n, saved.mail_apps)}</li>
                <li>{t!(i18n, saved.staff)}" "<a href="/masuk">{t!(i18n, nav.staff_login)}</a></li>
            </ul>
        </section>
    }
}
