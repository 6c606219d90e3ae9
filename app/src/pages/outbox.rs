//! "Kotak keluar": every message Surel sends, its delivery state, and the
//! dead letters an officer can send again. In demo mode it shows the texts,
//! so a reset can be finished without a real SMS gateway.
use crate::api::outbox::{list_outbox, retry_outbox};
use crate::components::form::ErrorBanner;
use crate::components::layout::RequireRole;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

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
    let filter = RwSignal::new(String::new());
    let retry = Action::new(|id: &i32| retry_outbox(*id));
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(move || (filter.get(), retry.version().get(), refresh.get()), |(f, _, _)| list_outbox(f));
    let error = Signal::derive(move || retry.value().get().and_then(|r| r.err()));
    let tabs = [("", "all"), ("pending", "pending"), ("sent", "sent"), ("dead", "dead")];
    view! {
        <h1>{t!(i18n, outbox.title)}</h1>
        <ErrorBanner error=error detailed=true/>
        <div class="tabs" role="tablist">
            {tabs.into_iter().map(|(value, key)| {
                let label = match key {
                    "pending" => t_string!(i18n, outbox.pending).to_string(),
                    "sent" => t_string!(i18n, outbox.sent).to_string(),
                    "dead" => t_string!(i18n, outbox.dead).to_string(),
                    _ => t_string!(i18n, outbox.all).to_string(),
                };
                view! {
                    <button role="tab" class="tab" aria-selected=move || (filter.get() == value).to_string() on:click=move |_| filter.set(value.to_string())>{label}</button>
                }
            }).collect_view()}
            <button class="button button-quiet" on:click=move |_| refresh.update(|n| *n += 1)>{t!(i18n, outbox.refresh)}</button>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(p) => view! {
                        {p.demo.then(|| view! { <div class="banner banner-info">{t!(i18n, outbox.demo)}</div> })}
                        {(p.dead > 0).then(|| view! { <div class="banner banner-error" data-testid="dead-letters">{t!(i18n, outbox.dead_count, count = p.dead)}</div> })}
                        {p.rows.is_empty().then(|| view! { <p class="muted">{t!(i18n, outbox.empty)}</p> })}
                        <ul class="list" data-testid="outbox">
                            {p.rows.into_iter().map(|m| {
                                let id = m.id;
                                let dead = m.status == "dead";
                                view! {
                                    <li class="list-item outbox-item" data-status=m.status.clone() data-recipient=m.recipient.clone()>
                                        <div class="outbox-meta">
                                            <span class="badge">{m.channel.clone()}</span>" "
                                            <strong>{m.recipient.clone()}</strong>
                                            <span class="muted">" · "{m.created_at.clone()}" · "{m.status.clone()}{(m.attempts > 1).then(|| format!(" ({}×)", m.attempts))}</span>
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
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
