//! New password, twice, with live feedback once the page is hydrated: strength
//! meter, the rules that still fail, match check, show/hide and a passphrase helper.
//! Without JavaScript it is two plain password fields and the rules in words.
//! On public pages the light bundle (`light/src/password.rs`) does the same
//! to this server-rendered HTML; keep the two in step.
use super::form::{invalid_live, typed_before_hydration, FieldMessages};
use crate::i18n::*;
use leptos::prelude::*;
use model::validation::password::{check_basic, check_confirmation, estimate_strength, Personal};
use model::validation::{FieldError, FieldErrors};

#[component]
pub fn NewPasswordFields(
    /// Errors from the server for `password` / `password_confirm`.
    #[prop(into)]
    errors: Signal<FieldErrors>,
    /// Whose password it is (the client refuses what the server refuses).
    #[prop(into)]
    address: Signal<String>,
    #[prop(optional, into)] name: Option<String>,
    min_len: usize,
    /// A server-made passphrase shown as an example (works without JavaScript).
    #[prop(optional, into)]
    suggestion: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let password = RwSignal::new(typed_before_hydration("password"));
    let confirm = RwSignal::new(typed_before_hydration("password_confirm"));
    let show = RwSignal::new(false);
    let name = StoredValue::new(name);

    let live = move || {
        let pw = password.get();
        let mut out = FieldErrors::default();
        if pw.is_empty() {
            return out;
        }
        let addr = address.get();
        let owner = name.get_value();
        let who = Personal { address: &addr, name: owner.as_deref(), nip: None };
        for p in check_basic(&pw, min_len, &who) {
            let mut e = FieldError::new("password", p.code());
            if let Some(a) = p.arg() {
                e = e.with_arg(a);
            }
            out.push(e);
        }
        let c = confirm.get();
        if !c.is_empty() {
            if let Some(p) = check_confirmation(&pw, &c) {
                out.add("password_confirm", p.code());
            }
        }
        out
    };
    // Once the person types, live checks replace the server's (older) verdict.
    let shown = Signal::derive(move || if password.with(|p| p.is_empty()) { errors.get() } else { live() });
    let score = move || {
        let pw = password.get();
        if pw.is_empty() {
            0
        } else if live().has("password") {
            estimate_strength(&pw).min(1)
        } else {
            estimate_strength(&pw)
        }
    };
    let score_label = move || match score() {
        0 => t_string!(i18n, password.strength_0).to_string(),
        1 => t_string!(i18n, password.strength_1).to_string(),
        2 => t_string!(i18n, password.strength_2).to_string(),
        3 => t_string!(i18n, password.strength_3).to_string(),
        _ => t_string!(i18n, password.strength_4).to_string(),
    };
    let input_type = move || if show.get() { "text" } else { "password" };
    let suggest = move |_| {
        let p = model::validation::password::passphrase(random_below);
        password.set(p.clone());
        confirm.set(p);
        show.set(true);
    };
    let suggestion_text = suggestion.clone();
    view! {
        <div class="field">
            <label for="password">{t!(i18n, password.new_label)}</label>
            <p class="hint" id="password-hint">{t!(i18n, password.rules, min = min_len)}</p>
            <input id="password" name="password" type=input_type autocomplete="new-password" required
                minlength=min_len maxlength="128" spellcheck="false" autocapitalize="off"
                // what the light bundle checks against (public pages)
                data-min-len=min_len data-address=move || address.get() data-name=move || name.get_value().unwrap_or_default()
                aria-describedby="password-hint password-error password-strength"
                aria-invalid=invalid_live(shown, "password")
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))/>
            <div id="password-strength" class="strength" class:hidden=move || !hydrated.get() aria-live="polite" data-testid="strength">
                <meter min="0" max="4" low="2" high="3" optimum="4" value=score></meter>
                <span data-score=score>{score_label}</span>
            </div>
            <FieldMessages field="password" errors=shown live=true/>
        </div>
        <div class="field">
            <label for="password_confirm">{t!(i18n, password.confirm_label)}</label>
            <input id="password_confirm" name="password_confirm" type=input_type autocomplete="new-password" required
                maxlength="128" spellcheck="false" autocapitalize="off"
                aria-describedby="password_confirm-error"
                aria-invalid=invalid_live(shown, "password_confirm")
                prop:value=move || confirm.get()
                on:input=move |ev| confirm.set(event_target_value(&ev))/>
            <FieldMessages field="password_confirm" errors=shown live=true/>
            <p class="match-ok" class:hidden=move || !(hydrated.get() && !confirm.with(|c| c.is_empty()) && password.get() == confirm.get())>
                {t!(i18n, password.match_ok)}
            </p>
        </div>
        <div class="password-tools" class:hidden=move || !hydrated.get()>
            <label class="check"><input type="checkbox" prop:checked=move || show.get() on:change=move |ev| show.set(event_target_checked(&ev))/>{t!(i18n, password.show)}</label>
            <button type="button" class="button button-quiet" on:click=suggest data-testid="suggest">{t!(i18n, password.suggest)}</button>
        </div>
        {suggestion_text.map(|s| view! {
            <p class="hint suggestion" class:hidden=move || hydrated.get()>{t!(i18n, password.example)}" "<code>{s}</code></p>
        })}
    }
}

#[cfg(feature = "hydrate")]
fn random_below(n: u32) -> u32 {
    // crypto.getRandomValues through js_sys-free web_sys; rejection sampling keeps it uniform.
    let crypto = web_sys::window().and_then(|w| w.crypto().ok()).expect("crypto available");
    let limit = u32::MAX - u32::MAX % n;
    loop {
        let mut buf = [0u8; 4];
        crypto.get_random_values_with_u8_array(&mut buf).expect("random values");
        let v = u32::from_le_bytes(buf);
        if v < limit {
            return v % n;
        }
    }
}

#[cfg(not(feature = "hydrate"))]
fn random_below(n: u32) -> u32 {
    #[cfg(feature = "ssr")]
    return domain::crypto::random_below(n);
    #[cfg(not(feature = "ssr"))]
    return n.saturating_sub(1);
}
