//! The audit-log viewer (Auditor, Admin sistem): newest first, searchable,
//! with the result of the hash-chain check.
use crate::api::audit::{list_audit, PAGE_SIZE};
use crate::components::layout::RequireRole;
use crate::components::pager::Pager;
use crate::components::text::audit_action_text;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, audit.title).to_string()/>
        <RequireRole roles=model::access::AUDIT>
            <AuditLog/>
        </RequireRole>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(0u64);
    let query = RwSignal::new(String::new());
    let log = Resource::new(move || (page.get(), query.get()), |(p, q)| list_audit(p, q));
    view! {
        <h1>{t!(i18n, audit.title)}</h1>
        <form class="search" role="search" on:submit=move |ev| ev.prevent_default()>
            <label for="audit-q" class="visually-hidden">{t!(i18n, audit.search)}</label>
            <input id="audit-q" type="search" placeholder=move || t_string!(i18n, audit.search).to_string()
                on:change=move |ev| { page.set(0); query.set(event_target_value(&ev)); }/>
        </form>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(e) => view! { <div class="banner banner-error">{crate::components::text::app_error_text(i18n, &e)}</div> }.into_any(),
                    Ok(p) => {
                        let pages = p.total.div_ceil(PAGE_SIZE).max(1);
                        view! {
                            {match (p.chain_verified_at.clone(), p.chain_ok) {
                                (None, _) => view! { <div class="banner banner-info" data-testid="chain-unverified">{t!(i18n, audit.chain_unverified)}</div> }.into_any(),
                                (Some(at), true) => view! { <div class="banner banner-ok" data-testid="chain-ok">{t!(i18n, audit.chain_ok, rows = p.chain_checked, at = at)}</div> }.into_any(),
                                (Some(at), false) => {
                                    let entry = p.chain_broken_at.unwrap_or(0).to_string();
                                    view! { <div class="banner banner-error" data-testid="chain-broken">{t!(i18n, audit.chain_broken, entry = entry, at = at)}</div> }.into_any()
                                }
                            }}
                            <ol class="audit" data-testid="audit-rows">
                                {p.rows.into_iter().map(|r| view! {
                                    <li class="audit-row">
                                        <div class="audit-head">
                                            <strong class="audit-label">{audit_action_text(i18n, &r.action)}</strong>
                                            " "<code class="audit-action">{r.action.clone()}</code>
                                            <time datetime=r.at.clone()>{r.at_local.clone()}</time>
                                        </div>
                                        <div class="muted">{r.actor.clone()}" → "{r.target.clone()}{r.ip.clone().map(|ip| format!(" · {ip}"))}</div>
                                        {(r.details != "{}").then(|| view! { <pre class="audit-details">{r.details.clone()}</pre> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                            <Pager page=page pages=pages label=Signal::derive(move || t_string!(i18n, audit.pages).to_string())/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
