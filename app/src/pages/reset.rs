//! `/ganti-sandi`: self-service password reset by SMS code (flow F1), and
//! `/ganti-sandi/tanpa-sms`: the in-person path for people without the phone.
//! Plain forms first; once hydrated the page checks as you type and counts
//! down to "send again".
use crate::api::forms::use_form_flash;
use crate::api::reset::{reset_state, ResetPage, ResetStep};
use crate::components::form::{invalid, invalid_live, ErrorBanner, FieldMessages};
use crate::components::password::NewPasswordFields;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::validation::{FieldError, FieldErrors};
use model::ErrorCode;

#[component]
pub fn ResetPassword() -> impl IntoView {
    let i18n = use_i18n();
    let state = Resource::new(|| (), |_| reset_state());
    let flash = use_form_flash("reset");
    let query = use_query_map();
    let notice = move || {
        query.with(|q| {
            if q.get("dikirim").is_some() {
                Some(("banner-ok", t_string!(i18n, reset.resent).to_string()))
            } else if q.get("kedaluwarsa").is_some() {
                Some(("banner-warn", t_string!(i18n, reset.expired).to_string()))
            } else {
                None
            }
        })
    };
    view! {
        <Title text=t_string!(i18n, reset.title).to_string()/>
        <section class="card narrow reset">
            <h1>{t!(i18n, reset.title)}</h1>
            {move || notice().map(|(class, text)| view! { <div class=format!("banner {class}") role="status">{text}</div> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let f = flash.await;
                    match state.await {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(page) => {
                            let errors = Signal::stored(f.errors.clone());
                            let error = Signal::stored(f.banner());
                            match page.step.clone() {
                                ResetStep::Start => view! { <StartStep errors=errors error=error address=f.value("address")/> }.into_any(),
                                ResetStep::Code { address, resend_in_secs, code_valid_secs, verified } => view! {
                                    <CodeStep page=page.clone() errors=errors error=error address=address
                                        resend_in_secs=resend_in_secs code_valid_secs=code_valid_secs verified=verified/>
                                }.into_any(),
                            }
                        }
                    }
                })}
            </Suspense>
            <p class="aside"><a href="/ganti-sandi/tanpa-sms" data-testid="no-sms-link">{t!(i18n, reset.no_sms_link)}</a></p>
        </section>
    }
}

#[component]
fn StartStep(errors: Signal<FieldErrors>, error: Signal<Option<model::error::AppError>>, address: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="lead">{t!(i18n, reset.start_lead)}</p>
        <ErrorBanner error=error/>
        <form method="post" action="/ganti-sandi" class="form" novalidate data-testid="reset-start">
            <input type="hidden" name="action" value="start"/>
            <div class="field">
                <label for="address">{t!(i18n, reset.address)}</label>
                <input id="address" name="address" type="email" inputmode="email" autocomplete="username" autocapitalize="off"
                    spellcheck="false" required value=address placeholder="nama@batam.go.id"
                    aria-describedby="address-hint address-error" aria-invalid=invalid(errors, "address")/>
                <p class="hint" id="address-hint">{t!(i18n, reset.address_hint)}</p>
                <FieldMessages field="address" errors=errors/>
            </div>
            <button type="submit" class="button button-primary button-block">{t!(i18n, reset.send_code)}</button>
        </form>
    }
}

/// Live check of the code field once hydrated: six digits.
fn code_problem(code: &str) -> Option<FieldError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (!digits.is_empty() && (digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()))).then(|| FieldError::new("code", ErrorCode::CodeFormat))
}

#[component]
fn CodeStep(
    page: ResetPage,
    errors: Signal<FieldErrors>,
    error: Signal<Option<model::error::AppError>>,
    address: String,
    resend_in_secs: i64,
    code_valid_secs: i64,
    verified: Option<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(crate::components::form::typed_before_hydration("code"));
    let code_errors = Signal::derive(move || {
        let typed = code.get();
        if typed.is_empty() {
            FieldErrors(errors.with(|e| e.for_field("code").cloned().collect()))
        } else {
            FieldErrors(code_problem(&typed).into_iter().collect())
        }
    });
    let password_errors = Signal::derive(move || FieldErrors(errors.with(|e| e.0.iter().filter(|f| f.field != "code").cloned().collect())));
    let countdown = RwSignal::new(resend_in_secs);
    Effect::new(move |_| {
        // Client only: tick the "send again" countdown.
        if let Ok(handle) = set_interval_with_handle(move || countdown.update(|s| *s = (*s - 1).max(0)), std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let minutes = (code_valid_secs + 59) / 60;
    let (name, is_verified) = match &verified {
        Some((_, n)) => (Some(n.clone()), true),
        None => (None, false),
    };
    let addr_signal = Signal::stored(address.clone());
    // what the light bundle may say on this step (light/src/reset.rs, password.rs)
    let mut texts = crate::components::light::password_texts(i18n);
    texts.extend(crate::components::light::error_texts(i18n, &[model::ErrorCode::CodeFormat]));
    texts.push(("ui.resend_in".into(), t_string!(i18n, reset.resend_in).to_string()));
    texts.push(("ui.resend".into(), t_string!(i18n, reset.resend).to_string()));
    view! {
        <crate::components::light::LightTexts entries=texts/>
        {match verified.clone() {
            Some((phone, _)) => view! {
                <div class="banner banner-ok" role="status" data-testid="code-verified">{t!(i18n, reset.verified, phone = phone)}</div>
            }.into_any(),
            None => view! {
                <p class="lead" data-testid="code-sent">{t!(i18n, reset.code_lead, address = address.clone())}</p>
                <p class="hint">{t!(i18n, reset.code_validity, minutes = minutes)}</p>
            }.into_any(),
        }}
        <ErrorBanner error=error/>
        <form method="post" action="/ganti-sandi" class="form" novalidate data-testid="reset-complete">
            <input type="hidden" name="action" value="complete"/>
            <input type="text" name="address" autocomplete="username" value=address.clone() readonly class="visually-hidden" tabindex="-1" aria-hidden="true"/>
            {(!is_verified).then(|| view! {
                <div class="field">
                    <label for="code">{t!(i18n, reset.code)}</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6"
                        required class="code-input" aria-describedby="code-error" aria-invalid=invalid_live(code_errors, "code")
                        on:input=move |ev| code.set(event_target_value(&ev))/>
                    <FieldMessages field="code" errors=code_errors live=true/>
                </div>
            })}
            <NewPasswordFields errors=password_errors address=addr_signal name=name.unwrap_or_default() min_len=page.min_len suggestion=page.suggestion.clone()/>
            <button type="submit" class="button button-primary button-block">{t!(i18n, reset.save)}</button>
        </form>
        {(!is_verified).then(|| view! {
            <form method="post" action="/ganti-sandi" class="inline-form" data-testid="reset-resend">
                <input type="hidden" name="action" value="resend"/>
                <button type="submit" class="button button-quiet" disabled=move || { countdown.get() > 0 } data-resend-in=resend_in_secs>
                    {move || if countdown.get() > 0 {
                        crate::components::text::fill(t_string!(i18n, reset.resend_in), "secs", &countdown.get().to_string())
                    } else {
                        t_string!(i18n, reset.resend).to_string()
                    }}
                </button>
            </form>
        })}
        <form method="post" action="/ganti-sandi" class="inline-form">
            <input type="hidden" name="action" value="cancel"/>
            <button type="submit" class="link-button">{t!(i18n, reset.other_address)}</button>
        </form>
    }
}

/// `/ganti-sandi/tanpa-sms`: SOP 001's "no" branch, explained.
#[component]
pub fn NoSms() -> impl IntoView {
    let i18n = use_i18n();
    let state = Resource::new(|| (), |_| reset_state());
    view! {
        <Title text=t_string!(i18n, nosms.title).to_string()/>
        <section class="card narrow" data-testid="no-sms">
            <h1>{t!(i18n, nosms.title)}</h1>
            <p class="lead">{t!(i18n, nosms.lead)}</p>
            <h2>{t!(i18n, nosms.where_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let support = state.await.map(|p| p.support).unwrap_or_default();
                    view! { <p class="office">{support}</p> }
                })}
            </Suspense>
            <p>{t!(i18n, nosms.hours)}</p>
            <h2>{t!(i18n, nosms.bring_title)}</h2>
            <ul class="plain">
                <li>{t!(i18n, nosms.bring_id)}</li>
                <li>{t!(i18n, nosms.bring_letter)}</li>
                <li>{t!(i18n, nosms.bring_phone)}</li>
            </ul>
            <h2>{t!(i18n, nosms.next_title)}</h2>
            <ol class="plain">
                <li>{t!(i18n, nosms.step_check)}</li>
                <li>{t!(i18n, nosms.step_code)}</li>
                <li>{t!(i18n, nosms.step_approve)}</li>
                <li>{t!(i18n, nosms.step_reset)}</li>
            </ol>
            <p><a class="button button-primary" href="/ganti-sandi">{t!(i18n, nosms.back)}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_field_wants_six_digits() {
        assert!(super::code_problem("").is_none());
        assert!(super::code_problem("123 456").is_none());
        assert!(super::code_problem("12345").is_some());
        assert!(super::code_problem("12a456").is_some());
    }
}
