//! Public pages of SOP 002 (F4): the application for a personal ASN account
//! (`/permohonan-akun`), the correction link (`/permohonan-akun/perbaiki/:link`)
//! and following a request (`/permohonan-akun/status`).
use crate::api::kinds::personal_account::{
    apply_fix_info, apply_resubmit, apply_send_code, apply_status, apply_status_code, apply_submit, apply_suggest_address, apply_units,
};
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::text::{action_label, state_label};
use crate::components::upload::FileField;
use crate::i18n::*;
use crate::pages::kinds::unit_account::{check_when_left, AddressAvailability};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::error::AppError;
use model::validation::FieldErrors;
use model::PersonalAccountData;
use model::{ApplicantStatus, PersonalAccountFix, PersonalAccountInput, PublicUnit, Uploaded};

/// The printable blank application form (SOP 002 step 1).
pub const BLANK_FORM_PATH: &str = "/permohonan-akun/formulir";

#[component]
pub fn ApplyPage() -> impl IntoView {
    let i18n = use_i18n();
    let units = Resource::new(|| (), |_| apply_units());
    view! {
        <Title text=t_string!(i18n, apply.title).to_string()/>
        <section class="card narrow apply">
            <h1>{t!(i18n, apply.title)}</h1>
            <p class="lead">{t!(i18n, apply.lead)}</p>
            <ul class="checklist">
                <li>{t!(i18n, apply.need_nip)}</li>
                <li>{t!(i18n, apply.need_phone)}</li>
                <li>
                    {t!(i18n, apply.need_form)}" "
                    <a href=BLANK_FORM_PATH data-testid="blank-form-link">{t!(i18n, apply.blank_form_link)}</a>
                </li>
            </ul>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match units.await {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(list) => view! { <ApplyForm units=list fix=None/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The blank application and statement form (SOP 002 step 1: name, NIP
/// and the proposed address, signed), to print, sign and upload with the
/// application. The same fields as the online form.
#[component]
pub fn BlankFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let line = |label: String| view! { <div class="blank-line"><span class="blank-label">{label}</span><span class="blank-fill"></span></div> };
    view! {
        <Title text=t_string!(i18n, apply.blank_title).to_string()/>
        <section class="card narrow blank-form" data-testid="blank-form">
            <div class="banner banner-info no-print" role="note">{t!(i18n, apply.blank_howto)}</div>
            <p class="muted no-print">{t!(i18n, apply.blank_print)}</p>
            <h1>{t!(i18n, apply.blank_title)}</h1>
            {line(t_string!(i18n, apply.name).to_string())}
            {line(t_string!(i18n, apply.nip).to_string())}
            {line(t_string!(i18n, apply.unit).to_string())}
            {line(t_string!(i18n, apply.proposed).to_string())}
            {line(t_string!(i18n, apply.phone).to_string())}
            {line(t_string!(i18n, apply.email).to_string())}
            <p class="blank-statement">{t!(i18n, apply.blank_statement)}</p>
            <div class="blank-signatures">
                <div><p>{t!(i18n, apply.blank_applicant)}</p><div class="blank-sign"></div><p class="muted">{t!(i18n, apply.blank_name_nip)}</p></div>
                <div><p>{t!(i18n, apply.blank_superior)}</p><div class="blank-sign"></div><p class="muted">{t!(i18n, apply.blank_name_nip)}</p></div>
            </div>
            <p class="aside no-print"><a href="/permohonan-akun">{t!(i18n, apply.blank_back)}</a></p>
        </section>
    }
}

#[component]
pub fn ApplyFixPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let link = move || params.with(|p| p.get("link").unwrap_or_default());
    let data = Resource::new(link, |l| async move {
        let units = apply_units().await?;
        let fix = apply_fix_info(l.clone()).await?;
        Ok::<_, AppError>((units, l, fix))
    });
    view! {
        <Title text=t_string!(i18n, apply.fix_title).to_string()/>
        <section class="card narrow apply">
            <h1>{t!(i18n, apply.fix_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(_) => view! {
                            <div class="banner banner-error" role="alert" data-testid="link-invalid">{t!(i18n, errors.link_invalid)}</div>
                            <p>{t!(i18n, apply.fix_invalid_help)}</p>
                            <a class="button button-primary button-block" data-testid="to-status" href="/permohonan-akun/status">{t!(i18n, apply.status_link)}</a>
                        }.into_any(),
                        Ok((units, link, fix)) => view! {
                            <p class="lead">{t!(i18n, apply.fix_lead)}" "<strong>{fix.ticket.clone()}</strong></p>
                            <div class="banner banner-warn" role="status" data-testid="fix-note"><strong>{t!(i18n, apply.fix_note)}": "</strong>{fix.note.clone()}</div>
                            <ApplyForm units=units fix=Some((link, fix))/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The application form; with `fix` it corrects a returned request (the
/// phone already proved needs no new code, the signed form may stay).
#[component]
fn ApplyForm(units: Vec<PublicUnit>, fix: Option<(String, PersonalAccountFix)>) -> impl IntoView {
    let i18n = use_i18n();
    let initial = fix.as_ref().map(|(_, f)| f.input.clone()).unwrap_or_default();
    let link = fix.as_ref().map(|(l, _)| l.clone());
    let is_fix = link.is_some();
    let proved_phone = StoredValue::new(fix.as_ref().map(|(_, f)| f.input.phone.clone()));
    let submit = Action::new(move |(link, input): &(Option<String>, PersonalAccountInput)| {
        let (link, input) = (link.clone(), input.clone());
        async move {
            match link {
                Some(l) => apply_resubmit(l, input).await,
                None => apply_submit(input).await,
            }
        }
    });
    let send_code = Action::new(|phone: &String| apply_send_code(phone.clone()));
    let errors = Signal::derive(move || field_errors_of(&submit.value().get().and_then(|r| r.err())));
    let error = Signal::derive(move || submit.value().get().and_then(|r| r.err()));
    let code_errors = Signal::derive(move || field_errors_of(&send_code.value().get().and_then(|r| r.err())));
    let code_error = Signal::derive(move || send_code.value().get().and_then(|r| r.err()).filter(|e| !matches!(e, AppError::Invalid(_))));
    let token = Signal::derive(move || send_code.value().get().and_then(|r| r.ok()).unwrap_or_default());
    let all_errors = Signal::derive(move || {
        let mut e: FieldErrors = errors.get();
        for fe in code_errors.get().0 {
            e.push(fe);
        }
        e
    });
    let name = RwSignal::new(initial.name.clone());
    let proposed = RwSignal::new(initial.proposed_local.clone());
    let proposed_touched = StoredValue::new(is_fix);
    let phone = RwSignal::new(initial.phone.clone());
    let form_file = RwSignal::new(None::<Uploaded>);
    let nip = NodeRef::<leptos::html::Input>::new();
    let unit = NodeRef::<leptos::html::Select>::new();
    let code = NodeRef::<leptos::html::Input>::new();
    let email = NodeRef::<leptos::html::Input>::new();
    let proposed_in = NodeRef::<leptos::html::Input>::new();
    // Suggest an address from the name until the applicant types their own.
    let on_name = move |ev: leptos::ev::Event| {
        let n = event_target_value(&ev);
        name.set(n.clone());
        if proposed_touched.get_value() || n.trim().len() < 3 {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(Some(s)) = apply_suggest_address(n).await {
                if !proposed_touched.try_get_value().unwrap_or(true) {
                    proposed.try_set(s);
                }
            }
        });
    };
    let needs_code = move || proved_phone.with_value(|p| p.as_deref() != Some(phone.get().trim()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        let input = PersonalAccountInput {
            name: name.get_untracked(),
            nip: v(nip),
            unit_id: unit.get().map(|e| e.value()).unwrap_or_default(),
            proposed_local: v(proposed_in),
            phone: phone.get_untracked(),
            phone_token: token.get_untracked(),
            phone_code: v(code),
            personal_email: v(email),
            form_file: form_file.get_untracked().map(|u| u.token).unwrap_or_default(),
        };
        submit.dispatch((link.clone(), input));
    };
    let done = move || submit.value().get().and_then(|r| r.ok());
    let initial_unit = initial.unit_id.clone();
    // For the light bundle (light/src/apply.rs): the correction link, the
    // phone already proved, its sentences and the "submitted" view to fill.
    let link_attr = fix.as_ref().map(|(l, _)| l.clone());
    let proved_attr = fix.as_ref().map(|(_, f)| f.input.phone.clone());
    let mut texts = crate::components::light::all_error_texts(i18n);
    for (k, v) in [
        ("ui.address_free", t_string!(i18n, request.address_free).to_string()),
        ("ui.send_code", t_string!(i18n, apply.send_code).to_string()),
        ("ui.send_code_again", t_string!(i18n, apply.send_code_again).to_string()),
        ("ui.code_sent", t_string!(i18n, apply.code_sent).to_string()),
        ("ui.uploading", t_string!(i18n, request.uploading).to_string()),
        ("ui.file_remove", t_string!(i18n, request.file_remove).to_string()),
    ] {
        texts.push((k.to_string(), v));
    }
    view! {
        <crate::components::light::LightTexts entries=texts/>
        <template id="apply-done-tpl"><Submitted ticket=String::new() again=is_fix/></template>
        {move || done().map(|t| view! { <Submitted ticket=t again=is_fix/> })}
        <div id="apply-body" class:hidden=move || done().is_some()>
            <ErrorBanner error=error/>
            <form class="form" on:submit=on_submit novalidate data-testid="apply-form" data-link=link_attr data-proved-phone=proved_attr>
                <div class="field">
                    <label for="ap-name">{t!(i18n, apply.name)}</label>
                    <input id="ap-name" name="name" type="text" autocomplete="name" maxlength="120" value=initial.name.clone() prop:value=move || name.get()
                        aria-describedby="ap-name-hint name-error" aria-invalid=invalid(all_errors, "name") on:change=on_name/>
                    <p class="hint" id="ap-name-hint">{t!(i18n, apply.name_hint)}</p>
                    <FieldMessages field="name" errors=all_errors/>
                </div>
                <div class="field">
                    <label for="ap-nip">{t!(i18n, apply.nip)}</label>
                    <input id="ap-nip" name="nip" node_ref=nip type="text" inputmode="numeric" autocomplete="off" maxlength="24" value=initial.nip.clone()
                        placeholder="19761123 199511 1 002" aria-describedby="nip-error" aria-invalid=invalid(all_errors, "nip")/>
                    <FieldMessages field="nip" errors=all_errors/>
                </div>
                <div class="field">
                    <label for="ap-unit">{t!(i18n, apply.unit)}</label>
                    <select id="ap-unit" name="unit_id" node_ref=unit aria-describedby="unit_id-error" aria-invalid=invalid(all_errors, "unit_id")>
                        <option value="" selected=initial_unit.is_empty()>{t!(i18n, apply.unit_choose)}</option>
                        {units.into_iter().map(|u| {
                            let selected = u.id.to_string() == initial_unit;
                            view! { <option value=u.id.to_string() selected=selected>{u.name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessages field="unit_id" errors=all_errors/>
                </div>
                <div class="field">
                    <label for="ap-proposed">{t!(i18n, apply.proposed)}</label>
                    <input id="ap-proposed" name="proposed_local" node_ref=proposed_in type="text" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="64"
                        value=initial.proposed_local.clone() prop:value=move || proposed.get() aria-describedby="ap-proposed-hint proposed_local-error" aria-invalid=invalid(all_errors, "proposed_local")
                        on:input=move |_| proposed_touched.set_value(true)
                        on:change=move |ev| proposed.set(event_target_value(&ev))/>
                    <p class="hint" id="ap-proposed-hint">{t!(i18n, apply.proposed_hint)}</p>
                    <div id="ap-proposed-check" class="live-hint"><AddressAvailability local=proposed public=true/></div>
                    <FieldMessages field="proposed_local" errors=all_errors/>
                </div>
                {view! {
                <div class="field">
                    <label for="ap-phone">{t!(i18n, apply.phone)}</label>
                    <input id="ap-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="0812…" value=initial.phone.clone() prop:value=move || phone.get()
                        aria-describedby="ap-phone-hint phone-error" aria-invalid=invalid(all_errors, "phone") on:input=move |ev| phone.set(event_target_value(&ev))/>
                    <p class="hint" id="ap-phone-hint">{t!(i18n, apply.phone_hint)}</p>
                    <FieldMessages field="phone" errors=all_errors/>
                </div>
                <div id="ap-code-proof" class="field code-proof" class:hidden=move || !needs_code()>
                    <button type="button" class="button button-quiet" data-testid="send-code" disabled=move || send_code.pending().get()
                        on:click=move |_| { send_code.dispatch(phone.get_untracked()); }>
                        {move || if token.get().is_empty() { t_string!(i18n, apply.send_code).to_string() } else { t_string!(i18n, apply.send_code_again).to_string() }}
                    </button>
                    <ErrorBanner error=code_error/>
                    {move || (!token.get().is_empty()).then(|| view! { <p class="hint hint-ok" data-testid="code-sent" role="status">{t!(i18n, apply.code_sent)}</p> })}
                    <label for="ap-code">{t!(i18n, apply.code)}</label>
                    <input id="ap-code" name="phone_code" node_ref=code type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" class="code-input"
                        aria-describedby="phone_code-error" aria-invalid=invalid(all_errors, "phone_code")/>
                    <FieldMessages field="phone_code" errors=all_errors/>
                </div>
                <div class="field">
                    <label for="ap-email">{t!(i18n, apply.email)}</label>
                    <input id="ap-email" name="personal_email" node_ref=email type="email" inputmode="email" autocomplete="email" autocapitalize="off" spellcheck="false"
                        value=initial.personal_email.clone() aria-describedby="ap-email-hint personal_email-error" aria-invalid=invalid(all_errors, "personal_email")/>
                    <p class="hint" id="ap-email-hint">{t!(i18n, apply.email_hint)}</p>
                    <FieldMessages field="personal_email" errors=all_errors/>
                </div>
                <FileField kind="formulir" id="ap-form-file"
                    label=if is_fix { t_string!(i18n, apply.form_file_again).to_string() } else { t_string!(i18n, apply.form_file).to_string() }
                    on_change=Callback::new(move |u: Option<Uploaded>| form_file.set(u)) messages="form_file-error"/>
                <FieldMessages field="form_file" errors=all_errors/>
                }.into_any()}
                <button type="submit" class="button button-primary button-block" disabled=move || submit.pending().get()>
                    {if is_fix { t_string!(i18n, apply.resubmit).to_string() } else { t_string!(i18n, apply.submit).to_string() }}
                </button>
            </form>
            // hidden with the form once sent: the success view has its own (one) link
            <p class="aside"><a href="/permohonan-akun/status">{t!(i18n, apply.status_link)}</a></p>
        </div>
    }
}

/// After a (re)submission: the ticket number to keep.
#[component]
fn Submitted(ticket: String, again: bool) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/permohonan-akun/status?tiket={ticket}");
    view! {
        <div class="banner banner-ok" role="status" data-testid="apply-done">
            {if again { t_string!(i18n, apply.resubmitted).to_string() } else { t_string!(i18n, apply.submitted).to_string() }}
        </div>
        <p class="ticket-number" data-testid="apply-ticket">{ticket}</p>
        <p>{t!(i18n, apply.keep_ticket)}</p>
        <a class="button button-primary button-block" href=href>{t!(i18n, apply.status_link)}</a>
    }
}

#[component]
pub fn ApplyStatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let initial_ticket = query.with_untracked(|q| q.get("tiket").unwrap_or_default());
    let ticket = RwSignal::new(initial_ticket.clone());
    let send = Action::new(|t: &String| apply_status_code(t.clone()));
    let check = Action::new(|(t, token, code): &(String, String, String)| apply_status(t.clone(), token.clone(), code.clone()));
    let token = Signal::derive(move || send.value().get().and_then(|r| r.ok()).unwrap_or_default());
    let send_errors = Signal::derive(move || field_errors_of(&send.value().get().and_then(|r| r.err())));
    let send_error = Signal::derive(move || send.value().get().and_then(|r| r.err()).filter(|e| !matches!(e, AppError::Invalid(_))));
    let check_errors = Signal::derive(move || field_errors_of(&check.value().get().and_then(|r| r.err())));
    let check_error = Signal::derive(move || check.value().get().and_then(|r| r.err()).filter(|e| !matches!(e, AppError::Invalid(_))));
    let code = NodeRef::<leptos::html::Input>::new();
    let result = move || check.value().get().and_then(|r| r.ok());
    // For the light bundle (light/src/status.rs): sentences, labels, templates.
    let mut texts = crate::components::light::all_error_texts(i18n);
    texts.extend(model::RequestState::all().map(|s| (format!("state.{s}"), state_label(i18n, s))));
    texts.extend(model::Action::all().map(|a| (format!("action.{a}"), action_label(i18n, a))));
    texts.push(("action._other".into(), t_string!(i18n, request.action_other).to_string()));
    texts.extend(model::RequestState::all().filter_map(|s| applicant_hint(i18n, s).map(|h| (format!("hint.{s}"), h))));
    view! {
        <Title text=t_string!(i18n, apply.status_title).to_string()/>
        <section class="card narrow apply-status">
            <h1>{t!(i18n, apply.status_title)}</h1>
            <crate::components::light::LightTexts entries=texts/>
            <StatusTemplates/>
            {move || result().map(|s| view! { <StatusView s=s/> })}
            <div id="status-body" class:hidden=move || result().is_some()>
                <p class="lead">{t!(i18n, apply.status_lead)}</p>
                <form class="form" novalidate data-testid="status-ticket" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send.dispatch(ticket.get_untracked());
                }>
                    <ErrorBanner error=send_error/>
                    <div class="field">
                        <label for="st-ticket">{t!(i18n, apply.ticket)}</label>
                        <input id="st-ticket" name="ticket" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="SRL-2026-000123"
                            value=initial_ticket prop:value=move || ticket.get() on:input=move |ev| ticket.set(event_target_value(&ev))
                            aria-describedby="ticket-error" aria-invalid=invalid(send_errors, "ticket")/>
                        <FieldMessages field="ticket" errors=send_errors/>
                    </div>
                    <button type="submit" class="button button-quiet button-block" disabled=move || send.pending().get()>{t!(i18n, apply.status_send)}</button>
                </form>
                // Always rendered (hidden until a code is sent), so the light bundle can show it.
                {view! {
                    <form class="form" novalidate data-testid="status-code" class:hidden=move || token.get().is_empty() on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let c = code.get().map(|e| e.value()).unwrap_or_default();
                        check.dispatch((ticket.get_untracked(), token.get_untracked(), c));
                    }>
                        <p class="hint hint-ok" role="status">{t!(i18n, apply.status_code_sent)}</p>
                        <ErrorBanner error=check_error/>
                        <div class="field">
                            <label for="st-code">{t!(i18n, apply.code)}</label>
                            <input id="st-code" name="code" node_ref=code type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" class="code-input"
                                aria-describedby="code-error" aria-invalid=invalid(check_errors, "code")/>
                            <FieldMessages field="code" errors=check_errors/>
                        </div>
                        <button type="submit" class="button button-primary button-block" disabled=move || check.pending().get()>{t!(i18n, apply.status_show)}</button>
                    </form>
                }}
            </div>
        </section>
    }
}

#[component]
fn StatusView(s: ApplicantStatus) -> impl IntoView {
    let i18n = use_i18n();
    let returned = s.state == model::RequestState::Perbaikan;
    view! {
        <div data-testid="status-view" data-state=s.state.as_str()>
            <p class="lead"><strong>{s.ticket.clone()}</strong>" · "{s.name.clone()}" · "{s.unit.clone()}</p>
            <p><span class="badge" data-testid="status-state">{state_label(i18n, s.state)}</span></p>
            {s.due_at.clone().map(|d| view! { <p class="muted">{t!(i18n, apply.status_due)}": "{d}</p> })}
            {s.address.clone().map(|a| view! { <div class="banner banner-ok" role="status">{t!(i18n, apply.status_address)}": "<strong>{a}</strong></div> })}
            {returned.then(|| view! { <div class="banner banner-warn" role="status">{t!(i18n, apply.status_returned)}</div> })}
            {applicant_hint(i18n, s.state).map(|h| view! { <p class="banner banner-info" data-testid="status-hint">{h}</p> })}
            <ol class="timeline">
                {s.steps.into_iter().map(|st| view! {
                    <li class="timeline-step">
                        <strong>{action_label(i18n, st.action)}</strong>" → "{state_label(i18n, st.to_state)}
                        <div class="muted">{st.at}</div>
                        {st.note.map(|n| view! { <p class="note">{n}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </div>
    }
}

/// SOP 002 step 3: the officer confirms the address and quota; the mailbox is created and tested.
#[component]
pub fn PersonalCreateForm(local: String, errors: Signal<FieldErrors>, pending: Signal<bool>, on_save: Callback<PersonalAccountData>) -> impl IntoView {
    let i18n = use_i18n();
    let local_sig = RwSignal::new(local.clone());
    let local_in = NodeRef::<leptos::html::Input>::new();
    let quota = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        on_save.run(PersonalAccountData { local_part: v(local_in), quota_mb: v(quota) });
    };
    view! {
        <form class="form" novalidate data-testid="create-account" on:submit=on_submit>
            <h3>{t!(i18n, request.create_title)}</h3>
            <div class="field">
                <label for="pa-local">{t!(i18n, request.input_local)}</label>
                <input id="pa-local" node_ref=local_in type="text" autocomplete="off" autocapitalize="off" spellcheck="false" value=local
                    aria-describedby="local_part-error" aria-invalid=invalid(errors, "local_part")
                    on:input=move |_| local_sig.set(String::new()) on:blur=move |ev| check_when_left(local_sig, event_target_value(&ev))/>
                <AddressAvailability local=local_sig/>
                <FieldMessages field="local_part" errors=errors/>
            </div>
            <div class="field">
                <label for="pa-quota">{t!(i18n, request.input_quota)}</label>
                <input id="pa-quota" node_ref=quota type="number" inputmode="numeric" min="100" max="51200" step="100" value="2048"
                    aria-describedby="quota_mb-error" aria-invalid=invalid(errors, "quota_mb")/>
                <FieldMessages field="quota_mb" errors=errors/>
            </div>
            <button type="submit" class="button button-primary button-block" disabled=move || pending.get()>{t!(i18n, request.create_submit)}</button>
        </form>
    }
}

/// What the applicant should do or expect next, for each state they see.
fn applicant_hint(i18n: leptos_i18n::I18nContext<Locale>, state: model::RequestState) -> Option<String> {
    use model::RequestState as S;
    Some(
        match state {
            S::Pemeriksaan => t_string!(i18n, apply.status_hint_pemeriksaan),
            S::PembuatanAkun => t_string!(i18n, apply.status_hint_pembuatan_akun),
            S::Selesai => t_string!(i18n, apply.status_hint_selesai),
            S::Ditolak => t_string!(i18n, apply.status_hint_ditolak),
            _ => return None,
        }
        .to_string(),
    )
}

/// `StatusView` as empty templates the light bundle fills (light/src/status.rs).
#[component]
fn StatusTemplates() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <template id="status-tpl">
            <div data-testid="status-view" data-state="">
                <p class="lead"><strong data-slot="ticket"></strong>" · "<span data-slot="name"></span>" · "<span data-slot="unit"></span></p>
                <p><span class="badge" data-testid="status-state"></span></p>
                <p class="muted" data-slot="due">{t!(i18n, apply.status_due)}": "<span data-slot="due_at"></span></p>
                <div class="banner banner-ok" role="status" data-slot="address">{t!(i18n, apply.status_address)}": "<strong data-slot="address_value"></strong></div>
                <div class="banner banner-warn" role="status" data-slot="returned">{t!(i18n, apply.status_returned)}</div>
                <p class="banner banner-info" data-testid="status-hint" data-slot="hint"></p>
                <ol class="timeline" data-slot="steps"></ol>
            </div>
        </template>
        <template id="status-step-tpl">
            <li class="timeline-step">
                <strong data-slot="action"></strong>" → "<span data-slot="to_state"></span>
                <div class="muted" data-slot="at"></div>
                <p class="note" data-slot="note"></p>
            </li>
        </template>
    }
}

/// SOP 002 steps on the request page: the Kasi's check (approve, return for
/// correction or reject, each with a reason), the account, a retried test.
#[component]
pub fn PersonalAccountActions(p: super::StepPanel) -> impl IntoView {
    use super::StepCall;
    use crate::api::kinds::personal_account::PersonalAccountAction;
    use model::Action as A;
    let i18n = use_i18n();
    let (errors, pending, send) = (p.errors, p.pending, p.send);
    let note = RwSignal::new(String::new());
    let (can_reject, can_return) = (p.may(A::Tolak), p.may(A::Kembalikan));
    view! {
        {p.may(A::Setujui).then(|| view! {
            <button type="button" class="button button-primary button-block" data-testid="approve" disabled=move || pending.get()
                on:click=move |_| send.run(StepCall::Personal(PersonalAccountAction::Approve))>{t!(i18n, request.approve)}</button>
        })}
        {p.may(A::UjiUlang).then(|| view! {
            <button type="button" class="button button-primary button-block" data-testid="retry-test" disabled=move || pending.get()
                on:click=move |_| send.run(StepCall::Personal(PersonalAccountAction::RetryTest))>{t!(i18n, request.retry_test)}</button>
        })}
        {p.may(A::BuatAkun).then(|| view! { <PersonalCreateForm local=p.fact("proposed_local") errors=errors pending=pending
            on_save=Callback::new(move |data| send.run(StepCall::Personal(PersonalAccountAction::Create { data })))/> })}
        {(can_reject || can_return).then(|| view! {
            <form class="form" novalidate data-testid="check-note" on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <div class="field">
                    <label for="rq-note">{t!(i18n, request.note_label)}</label>
                    <textarea id="rq-note" rows="2" aria-describedby="note-error" aria-invalid=invalid(errors, "note")
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    <FieldMessages field="note" errors=errors/>
                </div>
                <div class="button-row">
                    {can_return.then(|| view! {
                        <button type="button" class="button button-quiet" data-testid="return-fix" disabled=move || pending.get()
                            on:click=move |_| send.run(StepCall::Personal(PersonalAccountAction::Return { note: note.get_untracked() }))>{t!(i18n, request.return_fix)}</button>
                    })}
                    {can_reject.then(|| view! {
                        <button type="button" class="button button-danger" data-testid="reject" disabled=move || pending.get()
                            on:click=move |_| send.run(StepCall::Personal(PersonalAccountAction::Reject { note: note.get_untracked() }))>{t!(i18n, request.reject)}</button>
                    })}
                </div>
            </form>
        })}
    }
}
