//! Form pieces: field messages next to their field, a banner for the rest.
use super::text::{app_error_text, field_error_text};
use crate::i18n::*;
use leptos::prelude::*;
use model::error::AppError;
use model::validation::FieldErrors;

/// The messages for one field, linked to the input by `aria-describedby="{field}-error"`.
/// Messages from a submit go as soon as the person edits the field (the next
/// submit checks it again), unless `live`: a live check rewrites them itself.
/// On input, not on change: a message vanishing when the field loses focus
/// would move the button under the finger that is tapping it.
#[component]
pub fn FieldMessages(
    #[prop(into)] field: String,
    #[prop(into)] errors: Signal<FieldErrors>,
    /// The element id when one page has two forms with the same field
    /// (default `{field}-error`).
    #[prop(optional, into)]
    id: Option<String>,
    /// The messages come from a check as you type, not from a submit.
    #[prop(optional)]
    live: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = id.unwrap_or_else(|| format!("{field}-error"));
    let stale = if live { Signal::stored(false) } else { stale_after_edit(errors, id.clone()) };
    let field2 = field.clone();
    let messages = move || {
        if stale.get() {
            return Vec::new();
        }
        errors.with(|e| e.for_field(&field2).map(|fe| field_error_text(i18n, fe)).collect::<Vec<_>>())
    };
    view! {
        <div id=id class="field-messages" aria-live="polite">
            {move || messages().into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
        </div>
    }
}

/// Whether a field has errors from the last submit that the person has not
/// changed since, for `aria-invalid` (the field's messages are `#{field}-error`).
pub fn invalid(errors: Signal<FieldErrors>, field: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let stale = stale_after_edit(errors, format!("{field}-error"));
    move || if !stale.get() && errors.with(|e| e.has(field)) { "true" } else { "false" }
}

/// Whether a field has errors now, for `aria-invalid` of a field checked as you type.
pub fn invalid_live(errors: Signal<FieldErrors>, field: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    move || if errors.with(|e| e.has(field)) { "true" } else { "false" }
}

/// The control a person last edited in any form, by its `aria-describedby`
/// (one listener for the whole app, see [`provide_field_edits`]).
#[derive(Clone, Copy)]
pub struct FieldEdits(RwSignal<String>);

/// Listens for `input` anywhere in the page, so a field's messages from the
/// last submit can go when the person corrects it.
pub fn provide_field_edits() {
    let edits = RwSignal::new(String::new());
    provide_context(FieldEdits(edits));
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // lives as long as the page: the listener is never removed
        let _ = window_event_listener(leptos::ev::input, move |ev| {
            let described = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.get_attribute("aria-describedby"));
            edits.set(described.unwrap_or_default());
        });
    }
}

/// True once the control described by `#{id}` was edited after `errors` last changed.
fn stale_after_edit(errors: Signal<FieldErrors>, id: String) -> Signal<bool> {
    let stale = RwSignal::new(false);
    Effect::watch(move || errors.track(), move |_, _, _| stale.set(false), false);
    if let Some(FieldEdits(edits)) = use_context::<FieldEdits>() {
        Effect::watch(
            move || edits.get(),
            move |described, _, _| {
                if described.split_whitespace().any(|t| t == id) {
                    stale.set(true);
                }
            },
            false,
        );
    }
    stale.into()
}

/// Whether the focused element takes typing (a text field, list or text area).
#[cfg(feature = "hydrate")]
fn typing_in_field() -> bool {
    let Some(el) = document().active_element() else { return false };
    match el.tag_name().to_ascii_lowercase().as_str() {
        "textarea" | "select" => true,
        "input" => !matches!(el.get_attribute("type").unwrap_or_default().as_str(), "submit" | "button" | "checkbox" | "radio" | "file"),
        _ => false,
    }
}

/// A banner for an error that belongs to no single field. For field errors
/// it is the form's error summary: every message, each a link to its field,
/// and it takes the focus, so on a phone the first thing read after a failed
/// submit is what to fix. Without JavaScript the server renders it after a
/// failed post with `autofocus`, which the browser honours on load.
#[component]
pub fn ErrorBanner(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// Say what the field errors are (for actions with no form fields of their own).
    #[prop(optional)]
    detailed: bool,
    /// Prefix of the fields' message ids when the page's inputs have one
    /// (`FieldMessages id=…`): the summary links to `#{prefix}{field}-error`.
    #[prop(optional, into)]
    field_prefix: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let banner = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if error.with(|e| e.is_some()) {
            request_animation_frame(move || {
                // not when the person is already typing in a field again: a
                // focus taken away mid-word loses what they type next
                if typing_in_field() {
                    return;
                }
                // the banner may be gone by the next frame (the page moved
                // on after the error, e.g. a request reloaded): nothing to focus
                if let Some(Some(b)) = banner.try_get_untracked() {
                    let _ = b.focus();
                }
            });
        }
    });
    // Always one element: a bare optional view next to a Suspense trips hydration.
    view! {
        <div class="notice" aria-live="assertive">
            {move || {
                error.get().map(|e| match &e {
                    AppError::Invalid(list) if !detailed => {
                        let items: Vec<(String, String)> = list.0.iter().map(|f| (format!("#{field_prefix}{}-error", f.field), field_error_text(i18n, f))).collect();
                        view! {
                            <div class="banner banner-error error-summary" role="alert" tabindex="-1" autofocus node_ref=banner data-testid="error-summary">
                                <p>{t!(i18n, errors.check_form)}</p>
                                <ul>
                                    {items.into_iter().map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}
                                </ul>
                            </div>
                        }.into_any()
                    }
                    other => {
                        let text = app_error_text(i18n, other);
                        view! { <div class="banner banner-error" role="alert" tabindex="-1" autofocus node_ref=banner>{text}</div> }.into_any()
                    }
                })
            }}
        </div>
    }
}

/// Field errors inside an error, or none.
pub fn field_errors_of(e: &Option<AppError>) -> FieldErrors {
    match e {
        Some(AppError::Invalid(f)) => f.clone(),
        _ => FieldErrors::default(),
    }
}

/// What is already typed in the server-rendered input `id` when the WASM
/// takes over. On a slow phone people type before hydration; starting the
/// signal empty would wipe their input when `prop:value` is applied.
pub fn typed_before_hydration(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        return web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default();
    }
    #[allow(unreachable_code)]
    {
        let _ = id;
        String::new()
    }
}
