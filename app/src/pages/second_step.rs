//! The second sign-in step (`/masuk/verifikasi`) and the enrollment of a
//! first factor (`/masuk/faktor-baru`). The TOTP and recovery-code forms are
//! plain posts, so they work without JavaScript; a passkey needs it.
use crate::api::forms::use_form_flash;
use crate::api::second_factor::{passkey_begin, passkey_finish, second_step_info};
use crate::components::form::{invalid, ErrorBanner, FieldMessages};
use crate::components::passkey::{self, WithPasskeys};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use model::error::AppError;
use model::ErrorCode;
use model::TotpSetup;

/// What a TOTP code field looks like everywhere.
#[component]
pub fn TotpField(#[prop(into)] id: String, #[prop(into)] errors: Signal<model::validation::FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{t!(i18n, second.code_label)}</label>
            <input id=id name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="7"
                class="code-input" required aria-describedby=error_id.clone() aria-invalid=invalid(errors, "code")/>
            <p class="hint">{t!(i18n, second.code_hint)}</p>
            <FieldMessages field="code" errors=errors id=error_id/>
        </div>
    }
}

/// The QR code and the secret to type, for adding Surel to an authenticator app.
#[component]
pub fn TotpSetupView(setup: TotpSetup) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="steps">
            <li>{t!(i18n, second.setup_app)}</li>
            <li>
                {t!(i18n, second.setup_scan)}
                <div class="qr" role="img" aria-label=move || t_string!(i18n, second.qr_label).to_string() inner_html=setup.qr_svg.clone()></div>
                <p class="hint">{t!(i18n, second.setup_type)}</p>
                <p><code class="secret" data-testid="totp-secret">{setup.secret_groups.clone()}</code></p>
            </li>
            <li>{t!(i18n, second.setup_code)}</li>
        </ol>
    }
}

/// The recovery codes, once, with the way on.
#[component]
pub fn RecoveryCodes(codes: Vec<String>, #[prop(optional, into)] next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="banner banner-info" role="status">{t!(i18n, second.recovery_lead)}</div>
        <ol class="recovery-codes" data-testid="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ol>
        <p class="hint">{t!(i18n, second.recovery_hint)}</p>
        {next.map(|n| view! { <a class="button button-primary button-block" href=n data-testid="continue">{t!(i18n, second.continue_)}</a> })}
    }
}

fn expired_view() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="banner banner-info" role="status" data-testid="challenge-expired">{t!(i18n, second.expired)}</div>
        <a class="button button-primary button-block" href="/masuk">{t!(i18n, second.back_to_sign_in)}</a>
    }
}

/// Runs a passkey ceremony and, on success, goes where the server says.
fn passkey_action(enroll: bool) -> Action<(), Result<crate::api::second_factor::PasskeyDone, AppError>> {
    Action::new_local(move |_: &()| async move {
        let options = passkey_begin(enroll).await?;
        let answer = if enroll { passkey::create(&options).await } else { passkey::get(&options).await };
        let answer = answer.map_err(|_| AppError::field("passkey", ErrorCode::PasskeyFailed))?;
        passkey_finish(enroll, answer, if enroll { "Passkey".into() } else { String::new() }).await
    })
}

#[component]
pub fn SecondStepPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = Resource::new(|| (), |_| async move { second_step_info().await.ok().flatten() });
    let flash = use_form_flash("second-step");
    let by_passkey = passkey_action(false);
    Effect::new(move |_| {
        if let Some(Ok(done)) = by_passkey.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&done.next);
            }
            let _ = done;
        }
    });
    let passkey_error = Signal::derive(move || by_passkey.value().get().and_then(|r| r.err()));
    view! {
        <Title text=t_string!(i18n, second.title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, second.title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let f = flash.await;
                    match info.await {
                        None => expired_view().into_any(),
                        Some(i) if i.purpose == "enroll" => view! {
                            <a class="button button-primary button-block" href="/masuk/faktor-baru">{t!(i18n, second.enroll_first)}</a>
                        }.into_any(),
                        Some(i) => {
                            let errors = Signal::stored(f.errors.clone());
                            let error = Signal::stored(f.banner());
                            let recovery_open = f.value("kind") == "recovery";
                            let (totp_errors, recovery_errors) = if recovery_open { (Signal::stored(Default::default()), errors) } else { (errors, Signal::stored(Default::default())) };
                            view! {
                                <p class="lead">{t!(i18n, second.lead, address = i.address.clone())}</p>
                                <ErrorBanner error=error field_prefix=if recovery_open { "recovery-" } else { "totp-" }/>
                                <ErrorBanner error=passkey_error detailed=true/>
                                {i.has_passkey.then(|| view! {
                                    <WithPasskeys>
                                        <button type="button" class="button button-primary button-block" data-testid="use-passkey"
                                            disabled=move || by_passkey.pending().get()
                                            on:click=move |_| { by_passkey.dispatch(()); }>{t!(i18n, second.use_passkey)}</button>
                                        <p class="hint">{t!(i18n, second.passkey_hint)}</p>
                                    </WithPasskeys>
                                })}
                                {i.has_totp.then(|| view! {
                                    <form method="post" action="/masuk/verifikasi" class="form" novalidate data-testid="totp-form">
                                        <input type="hidden" name="kind" value="totp"/>
                                        <TotpField id="totp-code" errors=totp_errors/>
                                        <button type="submit" class="button button-primary button-block">{t!(i18n, second.submit)}</button>
                                    </form>
                                })}
                                <details class="disclosure" open=recovery_open>
                                    <summary>{t!(i18n, second.use_recovery)}</summary>
                                    <form method="post" action="/masuk/verifikasi" class="form" novalidate data-testid="recovery-form">
                                        <input type="hidden" name="kind" value="recovery"/>
                                        <div class="field">
                                            <label for="recovery-code">{t!(i18n, second.recovery_label)}</label>
                                            <input id="recovery-code" name="code" type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                                                aria-describedby="recovery-code-error" aria-invalid=invalid(recovery_errors, "code")/>
                                            <FieldMessages field="code" errors=recovery_errors id="recovery-code-error"/>
                                        </div>
                                        <button type="submit" class="button button-quiet button-block">{t!(i18n, second.submit_recovery)}</button>
                                    </form>
                                    <p class="hint">{t!(i18n, second.lost_everything)}</p>
                                </details>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn EnrollPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = Resource::new(|| (), |_| async move { second_step_info().await.ok().flatten() });
    let flash = use_form_flash("enroll");
    let done_flash = use_form_flash("enrolled");
    let by_passkey = passkey_action(true);
    let passkey_error = Signal::derive(move || by_passkey.value().get().and_then(|r| r.err()));
    let passkey_done = Signal::derive(move || by_passkey.value().get().and_then(|r| r.ok()));
    view! {
        <Title text=t_string!(i18n, second.enroll_title).to_string()/>
        <section class="card narrow">
            <h1>{t!(i18n, second.enroll_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let done = done_flash.await;
                    let f = flash.await;
                    let info = info.await;
                    // After a right first code: the session is set, the recovery codes shown once.
                    let codes: Vec<String> = done.values.iter().filter(|(k, _)| k == "recovery").map(|(_, v)| v.clone()).collect();
                    if !codes.is_empty() {
                        return view! {
                            <p class="lead">{t!(i18n, second.enrolled)}</p>
                            <RecoveryCodes codes=codes next=done.value("next")/>
                        }.into_any();
                    }
                    match info {
                        Some(i) if i.purpose == "enroll" => {
                            let errors = Signal::stored(f.errors.clone());
                            let error = Signal::stored(f.banner());
                            view! {
                                <Show when=move || passkey_done.get().is_none() fallback=move || {
                                    let d = passkey_done.get().unwrap_or(crate::api::second_factor::PasskeyDone { next: "/admin".into(), recovery_codes: vec![] });
                                    view! { <p class="lead">{t!(i18n, second.enrolled)}</p><RecoveryCodes codes=d.recovery_codes next=d.next/> }
                                }>
                                    <p class="lead">{t!(i18n, second.enroll_lead, address = i.address.clone())}</p>
                                    <ErrorBanner error=error field_prefix="enroll-"/>
                                    {i.setup.clone().map(|s| view! { <TotpSetupView setup=s/> })}
                                    <form method="post" action="/masuk/faktor-baru" class="form" novalidate data-testid="enroll-form">
                                        <TotpField id="enroll-code" errors=errors/>
                                        <button type="submit" class="button button-primary button-block">{t!(i18n, second.enroll_submit)}</button>
                                    </form>
                                    <WithPasskeys>
                                        <p class="hint">{t!(i18n, second.or_passkey)}</p>
                                        <ErrorBanner error=passkey_error detailed=true/>
                                        <button type="button" class="button button-quiet button-block" data-testid="enroll-passkey"
                                            disabled=move || by_passkey.pending().get()
                                            on:click=move |_| { by_passkey.dispatch(()); }>{t!(i18n, second.enroll_passkey)}</button>
                                    </WithPasskeys>
                                </Show>
                            }.into_any()
                        }
                        Some(_) => view! { <a class="button button-primary button-block" href="/masuk/verifikasi">{t!(i18n, second.title)}</a> }.into_any(),
                        None => expired_view().into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
