//! The staff member's own second factors (`/admin/keamanan`): what is in
//! use, add a passkey, replace the TOTP app, new recovery codes, and the way
//! to sign out everywhere.
use super::second_step::{RecoveryCodes, TotpSetupView};
use crate::api::second_factor::{
    factor_remove, get_security, passkey_add_begin, passkey_add_finish, recovery_regenerate, totp_replace_begin, totp_replace_confirm,
};
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::passkey::{self, WithPasskeys};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use model::error::AppError;
use model::ErrorCode;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    let remove = Action::new(|id: &i32| factor_remove(*id));
    let regenerate = Action::new(|_: &()| recovery_regenerate());
    let replace_begin = Action::new(|_: &()| totp_replace_begin());
    let replace_confirm = Action::new(|code: &String| totp_replace_confirm(code.clone()));
    let add_passkey = Action::new_local(|name: &String| {
        let name = name.clone();
        async move {
            let options = passkey_add_begin().await?;
            let answer = passkey::create(&options).await.map_err(|_| AppError::field("passkey", ErrorCode::PasskeyFailed))?;
            passkey_add_finish(answer, name).await
        }
    });
    let overview = Resource::new(
        move || (remove.version().get(), replace_confirm.version().get(), add_passkey.version().get(), regenerate.version().get()),
        |_| get_security(),
    );
    let error = Signal::derive(move || {
        remove
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| add_passkey.value().get().and_then(|r| r.err()))
            .or_else(|| regenerate.value().get().and_then(|r| r.err()))
    });
    let confirm_errors = Signal::derive(move || field_errors_of(&replace_confirm.value().get().and_then(|r| r.err())));
    let replaced = Signal::derive(move || matches!(replace_confirm.value().get(), Some(Ok(()))));
    let passkey_added = Signal::derive(move || matches!(add_passkey.value().get(), Some(Ok(()))));
    let code = NodeRef::<leptos::html::Input>::new();
    let passkey_name = NodeRef::<leptos::html::Input>::new();

    view! {
        <Title text=t_string!(i18n, security.title).to_string()/>
        <h1>{t!(i18n, security.title)}</h1>
        <p class="lead">{t!(i18n, security.lead)}</p>
        <ErrorBanner error=error detailed=true/>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let o = overview.await.ok();
                let count = o.as_ref().map(|o| o.factors.len()).unwrap_or(0);
                view! {
                    <ul class="list" data-testid="factors">
                        {o.as_ref().map(|o| o.factors.clone()).unwrap_or_default().into_iter().map(|f| {
                            let id = f.id;
                            let kind = if f.kind == "passkey" { t_string!(i18n, security.kind_passkey).to_string() } else { t_string!(i18n, security.kind_totp).to_string() };
                            let used = f.last_used_at.clone().unwrap_or_else(|| "—".into());
                            view! {
                                <li class="list-item" data-kind=f.kind.clone()>
                                    <div>
                                        <strong>{f.name.clone()}</strong>" "<span class="badge">{kind}</span>
                                        <div class="muted">{t!(i18n, security.added_on, at = f.created_at.clone())}" · "{t!(i18n, security.last_used, at = used)}</div>
                                    </div>
                                    {(count > 1).then(|| view! {
                                        <button class="button button-quiet" on:click=move |_| { remove.dispatch(id); }>{t!(i18n, security.remove)}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="muted" data-testid="recovery-left">{t!(i18n, security.recovery_left, count = o.map(|o| o.recovery_left).unwrap_or(0))}</p>
                }
            })}
        </Transition>

        <section class="card">
            <h2>{t!(i18n, security.passkey_title)}</h2>
            <p class="hint">{t!(i18n, security.passkey_help)}</p>
            <WithPasskeys>
            {move || passkey_added.get().then(|| view! { <div class="banner banner-ok" role="status" data-testid="passkey-added">{t!(i18n, security.passkey_added)}</div> })}
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                add_passkey.dispatch(passkey_name.get().map(|e| e.value()).unwrap_or_default());
            }>
                <div class="field">
                    <label for="passkey-name">{t!(i18n, security.passkey_name)}</label>
                    <input id="passkey-name" node_ref=passkey_name type="text" maxlength="60" autocomplete="off" placeholder=move || t_string!(i18n, security.passkey_placeholder).to_string()/>
                </div>
                <button type="submit" class="button button-primary" data-testid="add-passkey" disabled=move || add_passkey.pending().get()>{t!(i18n, security.passkey_add)}</button>
            </form>
            </WithPasskeys>
        </section>

        <section class="card">
            <h2>{t!(i18n, security.totp_title)}</h2>
            <p class="hint">{t!(i18n, security.totp_help)}</p>
            {move || replaced.get().then(|| view! { <div class="banner banner-ok" role="status" data-testid="totp-replaced">{t!(i18n, security.totp_replaced)}</div> })}
            {move || match replace_begin.value().get() {
                Some(Ok(setup)) if !replaced.get() => view! {
                    <TotpSetupView setup=setup/>
                    <form class="form" novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        replace_confirm.dispatch(code.get().map(|e| e.value()).unwrap_or_default());
                    }>
                        <div class="field">
                            <label for="new-totp-code">{t!(i18n, second.code_label)}</label>
                            <input id="new-totp-code" node_ref=code type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="7"
                                class="code-input" aria-describedby="code-error" aria-invalid=invalid(confirm_errors, "code")/>
                            <FieldMessages field="code" errors=confirm_errors/>
                        </div>
                        <button type="submit" class="button button-primary" data-testid="confirm-totp">{t!(i18n, security.totp_confirm)}</button>
                    </form>
                }.into_any(),
                _ => view! {
                    <button class="button button-quiet" data-testid="replace-totp" on:click=move |_| { replace_begin.dispatch(()); }>{t!(i18n, security.totp_replace)}</button>
                }.into_any(),
            }}
        </section>

        <section class="card">
            <h2>{t!(i18n, security.recovery_title)}</h2>
            <p class="hint">{t!(i18n, security.recovery_help)}</p>
            {move || match regenerate.value().get() {
                Some(Ok(codes)) => view! { <RecoveryCodes codes=codes/> }.into_any(),
                _ => view! {
                    <button class="button button-quiet" data-testid="new-recovery" on:click=move |_| { regenerate.dispatch(()); }>{t!(i18n, security.recovery_new)}</button>
                }.into_any(),
            }}
        </section>

        <section class="card">
            <h2>{t!(i18n, security.sessions_title)}</h2>
            <p class="hint">{t!(i18n, security.sessions_help)}</p>
            <a class="button button-quiet" href="/admin/sesi">{t!(i18n, nav.sessions)}</a>
        </section>
    }
}
