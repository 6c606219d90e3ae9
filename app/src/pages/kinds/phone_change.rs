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
                on_change=Callback::new(move |u: Option<model::Uploaded>| scan.set(u))/>
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
