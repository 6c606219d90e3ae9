use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t_string!(i18n, errors.not_found_title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, errors.not_found_title)}</h1>
            <p>{t!(i18n, errors.not_found)}</p>
            <p><a class="button button-primary" href="/">{t!(i18n, nav.back_home)}</a></p>
        </section>
    }
}
