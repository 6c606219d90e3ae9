//! F3 step 1: a Kepala OPD asks for a unit / kegiatan / event account (SOP 000).
use crate::api::kinds::unit_account::submit_unit_account;
use crate::api::requests::check_address;
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::layout::RequireRole;
use crate::components::text::field_error_text;
use crate::components::upload::FileField;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use model::validation::FieldError;
use model::validation::FieldErrors;
use model::UnitAccountData;
use model::{AddressCheck, UnitAccountInput, Uploaded};

#[component]
pub fn UnitAccountNewPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, request.unit_title).to_string()/>
        <RequireRole roles=model::access::UNIT_ACCOUNT_SUBMIT>
            <UnitAccountForm/>
        </RequireRole>
    }
}

/// Live availability of a proposed address, checked when the field changes.
/// A plain signal filled by an effect (effects run only in the browser), so
/// the server and the hydrating browser render the same empty slot.
/// For an address field with [`AddressAvailability`]: the answer goes as the
/// person types (`on:input` empties `local`) and the address is checked when
/// they leave the field, unless it is the one already checked. (`change`
/// would miss typing and then undoing it.)
pub fn check_when_left(local: RwSignal<String>, typed: String) {
    if local.get_untracked() != typed {
        local.set(typed);
    }
}

#[component]
pub fn AddressAvailability(
    local: RwSignal<String>,
    /// On a public page: the applicant's own (rate-limited) check.
    #[prop(optional)]
    public: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let result = RwSignal::new(None::<AddressCheck>);
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        let l = local.get();
        asked.update_value(|n| *n += 1);
        let mine = asked.get_value();
        if l.trim().len() < 3 {
            result.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let answer = if public { crate::api::kinds::personal_account::apply_check_address(l).await.ok() } else { check_address(l).await.ok() };
            // a slower answer to an older question is dropped; so is any
            // answer once the form is gone (try_*: the signals may be disposed)
            if asked.try_get_value() == Some(mine) {
                result.try_set(answer);
            }
        });
    });
    // one line kept free for the answer, so nothing below jumps when it comes or goes
    view! {
        <div class="live-hint" aria-live="polite">
            {move || result.get().map(|c| match c.problem {
                None => view! { <p class="hint hint-ok" data-testid="address-free">{t!(i18n, request.address_free)}": "{c.address}</p> }.into_any(),
                Some(code) => {
                    let text = field_error_text(i18n, &FieldError::new("address", code));
                    view! { <p class="hint hint-bad" data-testid="address-taken">{text}</p> }.into_any()
                }
            })}
        </div>
    }
}

#[component]
fn UnitAccountForm() -> impl IntoView {
    let i18n = use_i18n();
    let submit = Action::new(|input: &UnitAccountInput| submit_unit_account(input.clone()));
    let errors = Signal::derive(move || field_errors_of(&submit.value().get().and_then(|r| r.err())));
    let error = Signal::derive(move || submit.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(ticket)) = submit.value().get() {
            navigate(&format!("/admin/permohonan/{ticket}"), Default::default());
        }
    });
    let kind = RwSignal::new("unit".to_string());
    let proposed = RwSignal::new(String::new());
    let letter = RwSignal::new(None::<Uploaded>);
    let proposed_input = NodeRef::<leptos::html::Input>::new();
    let purpose = NodeRef::<leptos::html::Textarea>::new();
    let name = NodeRef::<leptos::html::Input>::new();
    let nip = NodeRef::<leptos::html::Input>::new();
    let phone = NodeRef::<leptos::html::Input>::new();
    let ends_on = NodeRef::<leptos::html::Input>::new();
    let letter_number = NodeRef::<leptos::html::Input>::new();
    let letter_date = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        submit.dispatch(UnitAccountInput {
            account_kind: kind.get_untracked(),
            purpose: purpose.get().map(|e| e.value()).unwrap_or_default(),
            proposed_local: v(proposed_input),
            responsible_name: v(name),
            responsible_nip: v(nip),
            responsible_phone: v(phone),
            ends_on: if kind.get_untracked() == "event" { v(ends_on) } else { String::new() },
            letter_number: v(letter_number),
            letter_date: v(letter_date),
            letter_file: letter.get_untracked().map(|u| u.token).unwrap_or_default(),
        });
    };
    let kinds = [
        ("unit", t_string!(i18n, request.unit_kind_unit).to_string()),
        ("kegiatan", t_string!(i18n, request.unit_kind_kegiatan).to_string()),
        ("event", t_string!(i18n, request.unit_kind_event).to_string()),
    ];
    view! {
        <h1>{t!(i18n, request.unit_title)}</h1>
        <p class="lead">{t!(i18n, request.unit_lead)}</p>
        <ErrorBanner error=error/>
        <form class="form card" on:submit=on_submit novalidate data-testid="unit-account-form">
            <fieldset class="field">
                <legend>{t!(i18n, request.unit_kind)}</legend>
                {kinds.into_iter().map(|(code, label)| view! {
                    <label class="check">
                        <input type="radio" name="account_kind" value=code checked=code == "unit"
                            on:change=move |_| kind.set(code.to_string())/>
                        {label}
                    </label>
                }).collect_view()}
                <FieldMessages field="account_kind" errors=errors/>
            </fieldset>
            <div class="field">
                <label for="ua-purpose">{t!(i18n, request.unit_purpose)}</label>
                <textarea id="ua-purpose" node_ref=purpose rows="3" maxlength="500" aria-describedby="purpose-error" aria-invalid=invalid(errors, "purpose")></textarea>
                <FieldMessages field="purpose" errors=errors/>
            </div>
            <div class="field">
                <label for="ua-proposed">{t!(i18n, request.unit_proposed)}</label>
                <input id="ua-proposed" node_ref=proposed_input type="text" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="64"
                    aria-describedby="ua-proposed-hint proposed_local-error" aria-invalid=invalid(errors, "proposed_local")
                    on:input=move |_| proposed.set(String::new())
                    on:blur=move |ev| check_when_left(proposed, event_target_value(&ev))/>
                <p class="hint" id="ua-proposed-hint">{t!(i18n, request.unit_proposed_hint)}</p>
                <AddressAvailability local=proposed/>
                <FieldMessages field="proposed_local" errors=errors/>
            </div>
            <div class="field" class:hidden=move || kind.get() != "event">
                <label for="ua-ends">{t!(i18n, request.unit_ends_on)}</label>
                <input id="ua-ends" node_ref=ends_on type="date" aria-describedby="ends_on-error" aria-invalid=invalid(errors, "ends_on")/>
                <FieldMessages field="ends_on" errors=errors/>
            </div>
            <h2>{t!(i18n, request.unit_responsible)}</h2>
            <div class="field">
                <label for="ua-name">{t!(i18n, request.unit_resp_name)}</label>
                <input id="ua-name" node_ref=name type="text" autocomplete="off" aria-describedby="responsible_name-error" aria-invalid=invalid(errors, "responsible_name")/>
                <FieldMessages field="responsible_name" errors=errors/>
            </div>
            <div class="field">
                <label for="ua-nip">{t!(i18n, request.unit_resp_nip)}</label>
                <input id="ua-nip" node_ref=nip type="text" inputmode="numeric" autocomplete="off" maxlength="24"
                    aria-describedby="responsible_nip-error" aria-invalid=invalid(errors, "responsible_nip")/>
                <FieldMessages field="responsible_nip" errors=errors/>
            </div>
            <div class="field">
                <label for="ua-phone">{t!(i18n, request.unit_resp_phone)}</label>
                <input id="ua-phone" node_ref=phone type="tel" inputmode="tel" autocomplete="off" placeholder="0812…"
                    aria-describedby="ua-phone-hint responsible_phone-error" aria-invalid=invalid(errors, "responsible_phone")/>
                <p class="hint" id="ua-phone-hint">{t!(i18n, request.unit_resp_phone_hint)}</p>
                <FieldMessages field="responsible_phone" errors=errors/>
            </div>
            <h2>{t!(i18n, request.unit_letter)}</h2>
            <div class="field">
                <label for="ua-letter-number">{t!(i18n, request.unit_letter_number)}</label>
                <input id="ua-letter-number" node_ref=letter_number type="text" autocomplete="off" maxlength="100"
                    aria-describedby="letter_number-error" aria-invalid=invalid(errors, "letter_number")/>
                <FieldMessages field="letter_number" errors=errors/>
            </div>
            <div class="field">
                <label for="ua-letter-date">{t!(i18n, request.unit_letter_date)}</label>
                <input id="ua-letter-date" node_ref=letter_date type="date" aria-describedby="letter_date-error" aria-invalid=invalid(errors, "letter_date")/>
                <FieldMessages field="letter_date" errors=errors/>
            </div>
            <FileField kind="surat_resmi" id="ua-letter-file" label=t_string!(i18n, request.unit_letter_file).to_string()
                on_change=Callback::new(move |u: Option<Uploaded>| letter.set(u)) messages="letter_file-error"/>
            <FieldMessages field="letter_file" errors=errors/>
            <button type="submit" class="button button-primary button-block" disabled=move || submit.pending().get()>{t!(i18n, request.unit_submit)}</button>
        </form>
    }
}

/// SOP 000 step 3: the officer enters the account data (address checked live).
#[component]
pub fn AccountDataForm(
    defaults: UnitAccountData,
    is_event: bool,
    errors: Signal<FieldErrors>,
    pending: Signal<bool>,
    on_save: Callback<UnitAccountData>,
) -> impl IntoView {
    let i18n = use_i18n();
    let local = RwSignal::new(defaults.local_part.clone());
    let local_in = NodeRef::<leptos::html::Input>::new();
    let quota = NodeRef::<leptos::html::Input>::new();
    let aliases = NodeRef::<leptos::html::Input>::new();
    let ends_on = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        let data = UnitAccountData { local_part: v(local_in), quota_mb: v(quota), aliases: v(aliases), ends_on: v(ends_on) };
        on_save.run(data);
    };
    view! {
        <form class="form" novalidate data-testid="account-data" on:submit=on_submit>
            <h3>{t!(i18n, request.input_title)}</h3>
            <div class="field">
                <label for="ad-local">{t!(i18n, request.input_local)}</label>
                <input id="ad-local" node_ref=local_in type="text" autocomplete="off" autocapitalize="off" spellcheck="false" value=defaults.local_part.clone()
                    aria-describedby="local_part-error" aria-invalid=invalid(errors, "local_part")
                    on:input=move |_| local.set(String::new()) on:blur=move |ev| check_when_left(local, event_target_value(&ev))/>
                <AddressAvailability local=local/>
                <FieldMessages field="local_part" errors=errors/>
            </div>
            <div class="field">
                <label for="ad-quota">{t!(i18n, request.input_quota)}</label>
                <input id="ad-quota" node_ref=quota type="number" inputmode="numeric" min="100" max="51200" step="100" value=defaults.quota_mb.clone()
                    aria-describedby="quota_mb-error" aria-invalid=invalid(errors, "quota_mb")/>
                <FieldMessages field="quota_mb" errors=errors/>
            </div>
            <div class="field">
                <label for="ad-aliases">{t!(i18n, request.input_aliases)}</label>
                <input id="ad-aliases" node_ref=aliases type="text" autocomplete="off" autocapitalize="off" spellcheck="false" value=defaults.aliases.clone()
                    aria-describedby="aliases-error" aria-invalid=invalid(errors, "aliases")/>
                <FieldMessages field="aliases" errors=errors/>
            </div>
            {is_event.then(|| view! {
                <div class="field">
                    <label for="ad-ends">{t!(i18n, request.unit_ends_on)}</label>
                    <input id="ad-ends" node_ref=ends_on type="date" value=defaults.ends_on.clone() aria-describedby="ends_on-error" aria-invalid=invalid(errors, "ends_on")/>
                    <FieldMessages field="ends_on" errors=errors/>
                </div>
            })}
            <button type="submit" class="button button-primary button-block" disabled=move || pending.get()>{t!(i18n, request.input_submit)}</button>
        </form>
    }
}

/// SOP 000 steps on the request page: approvals, the officer's account data,
/// the second officer's check, a retried test and the report.
#[component]
pub fn UnitAccountActions(p: super::StepPanel) -> impl IntoView {
    use super::{NoteForm, StepCall};
    use crate::api::kinds::unit_account::UnitAccountAction;
    use model::Action as A;
    let i18n = use_i18n();
    let (errors, pending, send) = (p.errors, p.pending, p.send);
    let defaults = UnitAccountData {
        local_part: Some(p.fact("final_local")).filter(|l| !l.is_empty()).unwrap_or_else(|| p.fact("proposed_local")),
        quota_mb: Some(p.fact("quota_mb")).filter(|q| !q.is_empty()).unwrap_or_else(|| "2048".into()),
        aliases: p.fact("aliases"),
        ends_on: p.fact("ends_on"),
    };
    let is_event = p.fact("account_kind") == "event";
    let (can_reject, can_return) = (p.may(A::Tolak), p.may(A::KembalikanData));
    let button = move |testid: &'static str, label: String, action: UnitAccountAction| {
        view! {
            <button type="button" class="button button-primary button-block" data-testid=testid disabled=move || pending.get()
                on:click=move |_| send.run(StepCall::Unit(action.clone()))>{label}</button>
        }
    };
    view! {
        {p.may(A::Setujui).then(|| button("approve", t_string!(i18n, request.approve).to_string(), UnitAccountAction::Approve))}
        {p.may(A::InputData).then(|| view! { <AccountDataForm defaults=defaults is_event=is_event errors=errors pending=pending
            on_save=Callback::new(move |data| send.run(StepCall::Unit(UnitAccountAction::InputData { data })))/> })}
        {p.may(A::SetujuiData).then(|| button("approve-data", t_string!(i18n, request.approve_data).to_string(), UnitAccountAction::ApproveData))}
        {p.may(A::UjiUlang).then(|| button("retry-test", t_string!(i18n, request.retry_test).to_string(), UnitAccountAction::RetryTest))}
        {p.may(A::KirimLaporan).then(|| button("send-report", t_string!(i18n, request.send_report).to_string(), UnitAccountAction::SendReport))}
        {(can_reject || can_return).then(|| {
            let label = if can_reject { t_string!(i18n, request.reject) } else { t_string!(i18n, request.return_data) }.to_string();
            let on_submit = Callback::new(move |note: String| {
                send.run(StepCall::Unit(if can_reject { UnitAccountAction::Reject { note } } else { UnitAccountAction::ReturnData { note } }))
            });
            view! { <NoteForm label=label errors=errors pending=pending on_submit=on_submit/> }
        })}
    }
}
