//! Newer/older paging for server-paged lists (audit log, outbox).
use crate::i18n::*;
use leptos::prelude::*;

/// "Lebih baru · Halaman 2 dari 9 · Lebih lama" for a list the server pages;
/// shown only when there is more than one page. `page` counts from 0.
#[component]
pub fn Pager(page: RwSignal<u64>, pages: u64, #[prop(into)] label: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=move || label.get()>
                <button class="button button-quiet" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                    {t!(i18n, common.newer)}
                </button>
                <span>{t!(i18n, common.page_of, page = page.get_untracked() + 1, pages = pages)}</span>
                <button class="button button-quiet" disabled=move || page.get() + 1 >= pages on:click=move |_| page.update(|p| *p += 1)>
                    {t!(i18n, common.older)}
                </button>
            </nav>
        }
    })
}
