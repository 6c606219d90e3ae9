//! Screens of each request kind (the same names as `domain::kinds` and
//! `api::kinds`); the generic list and detail are in `pages::requests`.
//!
//! The request page asks the kind for its action panel ([`ActionPanel`]):
//! this is the one place that lists the kinds, so the generic page never
//! branches on a kind, and a new kind without a panel does not build.
pub mod personal_account;
pub mod phone_change;
pub mod simpeg;
pub mod unit_account;

use crate::api::kinds::personal_account::{personal_account_step, PersonalAccountAction};
use crate::api::kinds::phone_change::{phone_change_step, PhoneChangeAction};
use crate::api::kinds::unit_account::{unit_account_step, UnitAccountAction};
use crate::components::form::{invalid, FieldMessages};
use crate::i18n::*;
use leptos::prelude::*;
use model::error::AppError;
use model::validation::FieldErrors;
use model::{Action as RequestAction, RequestFact, RequestKind};

/// A step on a request, addressed to its kind's server function.
#[derive(Clone, Debug)]
pub enum StepCall {
    Phone(PhoneChangeAction),
    Unit(UnitAccountAction),
    Personal(PersonalAccountAction),
    Simpeg(RequestAction),
}

/// Sends a step to the server function of its kind.
pub async fn send_step(ticket: String, version: i32, call: StepCall) -> Result<(), AppError> {
    match call {
        StepCall::Phone(a) => phone_change_step(ticket, version, a).await,
        StepCall::Unit(a) => unit_account_step(ticket, version, a).await,
        StepCall::Personal(a) => personal_account_step(ticket, version, a).await,
        StepCall::Simpeg(a) => crate::api::kinds::simpeg::simpeg_step(ticket, version, a.to_string()).await,
    }
}

/// What a kind's action panel gets from the request page.
#[derive(Clone)]
pub struct StepPanel {
    pub ticket: String,
    /// The steps the server allows this viewer now.
    pub actions: Vec<RequestAction>,
    pub facts: Vec<RequestFact>,
    pub errors: Signal<FieldErrors>,
    pub pending: Signal<bool>,
    pub send: Callback<StepCall>,
}

impl StepPanel {
    pub fn may(&self, a: RequestAction) -> bool {
        self.actions.contains(&a)
    }
    pub fn fact(&self, key: &str) -> String {
        self.facts.iter().find(|f| f.key == key).map(|f| f.value.clone()).unwrap_or_default()
    }
}

/// The kind's own buttons and forms for the steps the viewer may take.
#[component]
pub fn ActionPanel(kind: RequestKind, panel: StepPanel) -> impl IntoView {
    match kind {
        RequestKind::PhoneChange => view! { <phone_change::PhoneChangeActions p=panel/> }.into_any(),
        RequestKind::UnitAccount => view! { <unit_account::UnitAccountActions p=panel/> }.into_any(),
        RequestKind::PersonalAccount => view! { <personal_account::PersonalAccountActions p=panel/> }.into_any(),
        RequestKind::SimpegBulk => view! { <simpeg::SimpegActions p=panel/> }.into_any(),
    }
}

/// A reason and one button (reject, return, cancel): the reason is required
/// by the server and its error shows under the field.
#[component]
pub fn NoteForm(
    label: String,
    errors: Signal<FieldErrors>,
    pending: Signal<bool>,
    on_submit: Callback<String>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    view! {
        <form class="form" novalidate data-testid=(!testid.is_empty()).then_some(testid) on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            on_submit.run(note.get_untracked());
        }>
            <div class="field">
                <label for="rq-note">{t!(i18n, request.note_label)}</label>
                <textarea id="rq-note" rows="2" aria-describedby="note-error" aria-invalid=invalid(errors, "note")
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <FieldMessages field="note" errors=errors/>
            </div>
            <button type="submit" class="button button-danger" disabled=move || pending.get()>{label}</button>
        </form>
    }
}
