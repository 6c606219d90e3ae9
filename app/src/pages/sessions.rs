//! The staff member's own sessions: see them, end one, end all.
use crate::api::auth::{end_session, list_my_sessions, sign_out_everywhere};
use crate::components::form::ErrorBanner;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let end_one = Action::new(|id: &i32| end_session(*id));
    let end_all = Action::new(|_: &()| sign_out_everywhere());
    let sessions = Resource::new(move || end_one.version().get(), |_| list_my_sessions());
    let error = Signal::derive(move || {
        end_one.value().get().and_then(|r| r.err()).or_else(|| end_all.value().get().and_then(|r| r.err()))
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = end_all.value().get() {
            // This session ended too: back to the sign-in page.
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/masuk?keluar=1");
            }
        }
    });
    view! {
        <Title text=t_string!(i18n, sessions.title).to_string()/>
        <h1>{t!(i18n, sessions.title)}</h1>
        <p class="lead">{t!(i18n, sessions.lead)}</p>
        <ErrorBanner error=error detailed=true/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let rows = sessions.await.map_err(|e: AppError| e).unwrap_or_default();
                view! {
                    <ul class="list" data-testid="sessions">
                        {rows.into_iter().map(|s| view! {
                            <li class="list-item">
                                <div>
                                    <strong>{s.user_agent.clone().unwrap_or_else(|| "-".into())}</strong>
                                    <div class="muted">{s.ip.clone().unwrap_or_default()}" · "<time datetime=s.last_seen_at.clone()>{short_time(&s.last_seen_at)}</time></div>
                                </div>
                                {if s.current {
                                    view! { <span class="badge">{t!(i18n, sessions.this_device)}</span> }.into_any()
                                } else {
                                    let id = s.id;
                                    view! { <button class="button button-quiet" on:click=move |_| { end_one.dispatch(id); }>{t!(i18n, sessions.end)}</button> }.into_any()
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </Suspense>
        <button class="button button-danger" data-testid="end-all" on:click=move |_| { end_all.dispatch(()); }>{t!(i18n, sessions.end_all)}</button>
    }
}

/// `2026-11-23T10:04:05+00:00` → `2026-11-23 10:04` (UTC, as stored).
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| rfc3339.to_string())
}
