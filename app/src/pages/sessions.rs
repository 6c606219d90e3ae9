//! The staff member's own sessions: see them, end one, end all.
use crate::api::auth::{end_session, list_my_sessions, sign_out_everywhere};
use crate::components::form::ErrorBanner;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use model::error::AppError;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let end_one = Action::new(|id: &i32| end_session(*id));
    let end_all = Action::new(|_: &()| sign_out_everywhere());
    let sessions = Resource::new(move || end_one.version().get(), |_| list_my_sessions());
    let error = Signal::derive(move || end_one.value().get().and_then(|r| r.err()).or_else(|| end_all.value().get().and_then(|r| r.err())));
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
                                    <strong title=s.user_agent.clone().unwrap_or_default()>{device_name(s.user_agent.as_deref().unwrap_or_default())}</strong>
                                    <div class="muted">{s.ip.clone().unwrap_or_default()}" · "<time datetime=s.last_seen_at.clone()>{s.last_seen_local.clone()}</time></div>
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

/// A browser's User-Agent as people name their device: `Chrome · Android`.
/// The full string stays in the tooltip.
pub fn device_name(ua: &str) -> String {
    let has = |s: &str| ua.contains(s);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("OPR/") || has("Opera") {
        "Opera"
    } else if has("SamsungBrowser") {
        "Samsung Internet"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if has("Android") {
        "Android"
    } else if has("iPhone") || has("iPad") {
        "iOS"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => {
            let short: String = ua.chars().take(40).collect();
            if short.trim().is_empty() {
                "-".into()
            } else {
                short
            }
        }
        ("", s) => s.to_string(),
        (b, "") => b.to_string(),
        (b, s) => format!("{b} · {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::device_name;

    #[test]
    fn devices_are_named_as_people_say_them() {
        assert_eq!(
            device_name("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"),
            "Chrome · Android"
        );
        assert_eq!(
            device_name(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
            ),
            "Safari · iOS"
        );
        assert_eq!(
            device_name("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0"),
            "Edge · Windows"
        );
        assert_eq!(device_name("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"), "Firefox · Linux");
        assert_eq!(device_name("curl/8.5.0"), "curl/8.5.0");
        assert_eq!(device_name(""), "-");
    }
}
