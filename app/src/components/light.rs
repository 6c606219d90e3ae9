//! What the light bundle (`light/`, public pages) reads from a page: the
//! sentences it may show, in the page's language, as JSON in
//! `<script type="application/json" id="surel-text">`. Keys are error codes
//! (as in `errors.*`) and `ui.*` for the rest; `{name}` placeholders are
//! filled in the browser.
use super::text::field_error_template;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use model::ErrorCode;

pub type Entries = Vec<(String, String)>;

#[component]
pub fn LightTexts(entries: Entries) -> impl IntoView {
    let map: serde_json::Map<String, serde_json::Value> = entries.into_iter().map(|(k, v)| (k, v.into())).collect();
    // `<` never appears raw, so no `</script>` can end the block early.
    let json = serde_json::Value::Object(map).to_string().replace('<', "\\u003c");
    view! { <script type="application/json" id="surel-text" inner_html=json></script> }
}

fn entry(key: &str, text: impl ToString) -> (String, String) {
    (key.to_string(), text.to_string())
}

/// The sentences of these field error codes, and of errors not about one field.
pub fn error_texts(i18n: I18nContext<Locale>, codes: &[ErrorCode]) -> Entries {
    let mut out: Entries = codes.iter().map(|&c| entry(c.as_str(), field_error_template(i18n, c))).collect();
    out.extend([
        entry("generic", t_string!(i18n, errors.generic)),
        entry("check_form", t_string!(i18n, errors.check_form)),
        entry("invalid", t_string!(i18n, errors.invalid)),
        entry("unauthenticated", t_string!(i18n, errors.unauthenticated)),
        entry("forbidden", t_string!(i18n, errors.forbidden)),
        entry("not_found", t_string!(i18n, errors.not_found)),
        entry("conflict", t_string!(i18n, errors.conflict)),
        entry("conflict_by", t_string!(i18n, errors.conflict_by)),
        entry("rate_limited", t_string!(i18n, errors.rate_limited)),
        entry("internal", t_string!(i18n, errors.internal)),
        entry("transport", t_string!(i18n, errors.transport)),
    ]);
    out
}

/// Every field error's sentence (forms that talk to server functions).
pub fn all_error_texts(i18n: I18nContext<Locale>) -> Entries {
    error_texts(i18n, &ErrorCode::all().collect::<Vec<_>>())
}

/// `NewPasswordFields`: the password rules and the strength meter's words.
pub fn password_texts(i18n: I18nContext<Locale>) -> Entries {
    use ErrorCode::*;
    let mut out = error_texts(
        i18n,
        &[PasswordEmpty, PasswordShort, PasswordLong, PasswordAddress, PasswordName, PasswordNip, PasswordCommon, PasswordWeak, PasswordMismatch],
    );
    out.extend([
        entry("ui.strength_0", t_string!(i18n, password.strength_0)),
        entry("ui.strength_1", t_string!(i18n, password.strength_1)),
        entry("ui.strength_2", t_string!(i18n, password.strength_2)),
        entry("ui.strength_3", t_string!(i18n, password.strength_3)),
        entry("ui.strength_4", t_string!(i18n, password.strength_4)),
    ]);
    out
}
