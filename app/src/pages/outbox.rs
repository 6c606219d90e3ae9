//! "Kotak keluar": every message Surel sends, its delivery state, and the
//! dead letters an officer can send again. In demo mode it shows the texts,
//! so a reset can be finished without a real SMS gateway.
use crate::api::outbox::{list_outbox, retry_outbox};
use crate::components::form::ErrorBanner;
use crate::components::layout::RequireRole;
use crate::components::pager::Pager;
use crate::components::text::{fill, outbox_status_label};
use crate::components::wrap::Breakable;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use model::{OutboxQuery, OutboxStatus};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, outbox.title).to_string()/>
        <RequireRole roles=model::access::OUTBOX>
            <OutboxList/>
        </RequireRole>
    }
}

#[component]
fn OutboxList() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(None::<OutboxStatus>);
    let recipient = RwSignal::new(String::new());
    let page_no = RwSignal::new(0u64);
    let retry = Action::new(|id: &i32| retry_outbox(*id));
    let refresh = RwSignal::new(0u32);
    let query = move || OutboxQuery { status: status.get(), recipient: recipient.get(), page: page_no.get() };
    let page = Resource::new(
        move || (query(), retry.version().get(), refresh.get()),
        |(q, _, _)| async move {
            // the answer carries the search it answers, so the count names it and never
            // describes the previous list while the new one loads
            let searched = q.recipient.trim().to_string();
            (searched, list_outbox(q).await)
        },
    );
    let error = Signal::derive(move || retry.value().get().and_then(|r| r.err()));
    let search = NodeRef::<leptos::html::Input>::new();
    let tabs = [None, Some(OutboxStatus::Pending), Some(OutboxStatus::Sent), Some(OutboxStatus::Dead)];
    view! {
        <h1>{t!(i18n, outbox.title)}</h1>
        <ErrorBanner error=error detailed=true/>
        <form class="search" role="search" data-testid="outbox-search" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            page_no.set(0);
            recipient.set(search.get().map(|i| i.value()).unwrap_or_default());
        }>
            <label for="outbox-q">{t!(i18n, outbox.search)}</label>
            <div class="search-row">
                <input id="outbox-q" node_ref=search type="search" inputmode="search" autocomplete="off" autocapitalize="off" spellcheck="false"
                    placeholder="0812… / nama@…"/>
                <button type="submit" class="button">{t!(i18n, outbox.search_button)}</button>
            </div>
        </form>
        <div class="tabs" role="tablist">
            {tabs.into_iter().map(|value| {
                let label = match value {
                    Some(s) => outbox_status_label(i18n, s),
                    None => t_string!(i18n, outbox.all).to_string(),
                };
                view! {
                    <button role="tab" class="tab" aria-selected=move || (status.get() == value).to_string()
                        on:click=move |_| { page_no.set(0); status.set(value); }>{label}</button>
                }
            }).collect_view()}
            <button class="button button-quiet" on:click=move |_| refresh.update(|n| *n += 1)>{t!(i18n, outbox.refresh)}</button>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let (searched, result) = page.await;
                match result {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(p) => {
                        let pages = p.total.div_ceil(p.page_size.max(1)).max(1);
                        view! {
                            {p.demo.then(|| view! { <div class="banner banner-info" role="note">{t!(i18n, outbox.demo)}</div> })}
                            {(p.dead > 0).then(|| view! { <div class="banner banner-error" data-testid="dead-letters">{t!(i18n, outbox.dead_count, count = p.dead)}</div> })}
                            {match (p.rows.is_empty(), searched.is_empty()) {
                                (true, true) => view! { <p class="muted">{t!(i18n, outbox.empty)}</p> }.into_any(),
                                (true, false) => view! { <p class="muted" data-testid="outbox-found">{t!(i18n, outbox.none_for, query = searched.clone())}</p> }.into_any(),
                                (false, true) => view! { <p class="muted" data-testid="outbox-found">{t!(i18n, outbox.found, count = p.total)}</p> }.into_any(),
                                (false, false) => view! { <p class="muted" data-testid="outbox-found">{t!(i18n, outbox.found_for, count = p.total, query = searched.clone())}</p> }.into_any(),
                            }}
                            <ul class="list" data-testid="outbox">
                                {p.rows.into_iter().map(|m| {
                                    let id = m.id;
                                    let dead = m.status == OutboxStatus::Dead;
                                    let tries = (m.attempts > 1).then(|| format!(" · {}", fill(t_string!(i18n, outbox.attempts), "count", &m.attempts.to_string())));
                                    view! {
                                        <li class="list-item outbox-item" data-status=m.status.as_str() data-recipient=m.recipient.clone()>
                                            <div class="outbox-meta">
                                                <span class="badge">{m.channel.clone()}</span>" "
                                                <strong><Breakable text=m.recipient.clone()/></strong>
                                                <span class="muted">" · "{m.created_at.clone()}" · "
                                                    <span data-testid="outbox-status">{outbox_status_label(i18n, m.status)}</span>{tries}</span>
                                                {m.subject.clone().map(|s| view! { <div>{s}</div> })}
                                                {m.body.clone().map(|b| view! { <p class="outbox-body">{b}</p> })}
                                                {m.last_error.clone().map(|e| view! { <div class="muted outbox-error">{e}</div> })}
                                            </div>
                                            {dead.then(|| view! {
                                                <button class="button" on:click=move |_| { retry.dispatch(id); }>{t!(i18n, outbox.retry)}</button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <Pager page=page_no pages=pages label=Signal::derive(move || t_string!(i18n, outbox.pages).to_string())/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
