//! F2 at the desk (SOP 001, "no" branch): the officer records the visit,
//! the identity document and the new number; the request page does the rest.
use crate::api::kinds::phone_change::{start_phone_change, PhoneChangeInput};
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::layout::RequireRole;
use crate::components::text::doc_label;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn PhoneDeskPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, request.desk_title).to_string()/>
        <RequireRole roles=model::access::PHONE_CHANGE_DESK>
            <PhoneDesk/>
        </RequireRole>
    }
}

#[component]
fn PhoneDesk() -> impl IntoView {
    let i18n = use_i18n();
    let start = Action::new(|input: &PhoneChangeInput| start_phone_change(input.clone()));
    let errors = Signal::derive(move || field_errors_of(&start.value().get().and_then(|r| r.err())));
    let error = Signal::derive(move || start.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(ticket)) = start.value().get() {
            navigate(&format!("/admin/permohonan/{ticket}"), Default::default());
        }
    });
    let address = NodeRef::<leptos::html::Input>::new();
    let doc_type = NodeRef::<leptos::html::Select>::new();
    let doc_number = NodeRef::<leptos::html::Input>::new();
    let new_phone = NodeRef::<leptos::html::Input>::new();
    let scan = RwSignal::new(None::<model::Uploaded>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        start.dispatch(PhoneChangeInput {
            address: v(address),
            doc_type: doc_type.get().map(|e| e.value()).unwrap_or_default(),
            doc_number: v(doc_number),
            new_phone: v(new_phone),
            doc_scan: scan.get_untracked().map(|u| u.token).unwrap_or_default(),
        });
    };
    view! {
        <h1>{t!(i18n, request.desk_title)}</h1>
        <p class="lead">{t!(i18n, request.desk_lead)}</p>
        <ErrorBanner error=error/>
        <form class="form card" on:submit=on_submit novalidate data-testid="phone-desk">
            <div class="field">
                <label for="pc-address">{t!(i18n, request.desk_address)}</label>
                <input id="pc-address" node_ref=address type="email" inputmode="email" autocomplete="off" autocapitalize="off" spellcheck="false"
                    aria-describedby="address-error" aria-invalid=invalid(errors, "address")/>
                <FieldMessages field="address" errors=errors/>
            </div>
            <div class="field">
                <label for="pc-doc-type">{t!(i18n, request.desk_doc_type)}</label>
                <select id="pc-doc-type" node_ref=doc_type aria-describedby="doc_type-error">
                    {["ktp", "surat_tugas", "kartu_pegawai"].into_iter().map(|d| view! { <option value=d>{doc_label(i18n, d)}</option> }).collect_view()}
                </select>
                <FieldMessages field="doc_type" errors=errors/>
            </div>
            <div class="field">
                <label for="pc-doc-number">{t!(i18n, request.desk_doc_number)}</label>
                <input id="pc-doc-number" node_ref=doc_number type="text" autocomplete="off" spellcheck="false"
                    aria-describedby="pc-doc-hint doc_number-error" aria-invalid=invalid(errors, "doc_number")/>
                <p class="hint" id="pc-doc-hint">{t!(i18n, request.desk_doc_number_hint)}</p>
                <FieldMessages field="doc_number" errors=errors/>
            </div>
            <crate::components::upload::FileField kind="identitas" id="pc-doc-scan" label=t_string!(i18n, request.desk_doc_scan).to_string()
                on_change=Callback::new(move |u: Option<model::Uploaded>| scan.set(u)) messages="doc_scan-error"/>
            <FieldMessages field="doc_scan" errors=errors/>
            <div class="field">
                <label for="pc-phone">{t!(i18n, request.desk_new_phone)}</label>
                <input id="pc-phone" node_ref=new_phone type="tel" inputmode="tel" autocomplete="off" placeholder="0812…"
                    aria-describedby="new_phone-error" aria-invalid=invalid(errors, "new_phone")/>
                <FieldMessages field="new_phone" errors=errors/>
            </div>
            <button type="submit" class="button button-primary button-block" disabled=move || start.pending().get()>{t!(i18n, request.desk_submit)}</button>
        </form>
    }
}

/// SOP 003 steps on the request page: the owner's code, then the Kasi's
/// decision; a reason is required to reject or cancel.
#[component]
pub fn PhoneChangeActions(p: super::StepPanel) -> impl IntoView {
    use super::{NoteForm, StepCall};
    use crate::api::kinds::phone_change::PhoneChangeAction;
    use model::Action as A;
    let i18n = use_i18n();
    let (errors, pending, send) = (p.errors, p.pending, p.send);
    // read from the field itself when sent: after a wrong code the request
    // is fetched again and this panel drawn anew, and a value kept in a
    // signal could then differ from what the officer sees typed
    let code = NodeRef::<leptos::html::Input>::new();
    let (can_reject, can_cancel) = (p.may(A::Tolak), p.may(A::Batalkan));
    view! {
        {p.may(A::KonfirmasiKode).then(|| view! {
            <form class="form" novalidate data-testid="confirm-code" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let typed = code.get().map(|e| e.value()).unwrap_or_default();
                send.run(StepCall::Phone(PhoneChangeAction::ConfirmCode { code: typed }));
            }>
                <div class="field">
                    <label for="rq-code">{t!(i18n, request.code_label)}</label>
                    <input id="rq-code" node_ref=code type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" class="code-input"
                        aria-describedby="code-error" aria-invalid=invalid(errors, "code")/>
                    <FieldMessages field="code" errors=errors/>
                </div>
                <button type="submit" class="button button-primary button-block" disabled=move || pending.get()>{t!(i18n, request.confirm_code)}</button>
            </form>
        })}
        {p.may(A::KirimUlangKode).then(|| view! {
            <button type="button" class="button button-quiet" disabled=move || pending.get()
                on:click=move |_| send.run(StepCall::Phone(PhoneChangeAction::ResendCode))>{t!(i18n, request.resend_code)}</button>
        })}
        {p.may(A::Setujui).then(|| view! {
            <button type="button" class="button button-primary button-block" data-testid="approve" disabled=move || pending.get()
                on:click=move |_| send.run(StepCall::Phone(PhoneChangeAction::Approve))>{t!(i18n, request.approve)}</button>
        })}
        {(can_reject || can_cancel).then(|| {
            let label = if can_reject { t_string!(i18n, request.reject) } else { t_string!(i18n, request.cancel) }.to_string();
            let on_submit = Callback::new(move |note: String| {
                send.run(StepCall::Phone(if can_reject { PhoneChangeAction::Reject { note } } else { PhoneChangeAction::Cancel { note } }))
            });
            view! { <NoteForm label=label errors=errors pending=pending on_submit=on_submit/> }
        })}
    }
}
