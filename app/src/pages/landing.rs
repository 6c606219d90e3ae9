//! The public front page: what people come to do.
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>{t!(i18n, landing.title)}</h1>
            <p class="lead">{t!(i18n, landing.lead)}</p>
        </section>
        <ul class="tiles">
            <li><a class="tile" href="/ganti-sandi">
                <strong>{t!(i18n, landing.reset_title)}</strong>
                <span>{t!(i18n, landing.reset_text)}</span>
            </a></li>
            <li><a class="tile" href="/akun" data-testid="tile-owner">
                <strong>{t!(i18n, landing.owner_title)}</strong>
                <span>{t!(i18n, landing.owner_text)}</span>
            </a></li>
            <li><a class="tile" href="/permohonan-akun">
                <strong>{t!(i18n, landing.apply_title)}</strong>
                <span>{t!(i18n, landing.apply_text)}</span>
            </a></li>
            <li><a class="tile" href="/permohonan-akun/status">
                <strong>{t!(i18n, landing.status_title)}</strong>
                <span>{t!(i18n, landing.status_text)}</span>
            </a></li>
            <li><a class="tile" href="/masuk">
                <strong>{t!(i18n, landing.staff_title)}</strong>
                <span>{t!(i18n, landing.staff_text)}</span>
            </a></li>
        </ul>
    }
}
