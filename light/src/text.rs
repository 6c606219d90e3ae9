//! The sentences this bundle may show, read from the page
//! (`<script type="application/json" id="surel-text">`), in its language.
//! Keys are error codes (`password_short`, `code_format`, …, as in
//! `errors.*` of the locale files) and `ui.*` for the rest.
use wasm_bindgen::JsValue;
use web_sys::Document;

pub struct Texts(JsValue);

impl Texts {
    pub fn load(doc: &Document) -> Texts {
        let parsed = doc.get_element_by_id("surel-text").and_then(|e| e.text_content()).and_then(|s| js_sys::JSON::parse(&s).ok()).filter(|v| v.is_object());
        Texts(parsed.unwrap_or_else(|| js_sys::Object::new().into()))
    }

    pub fn get(&self, key: &str) -> String {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    /// The sentence with its one `{placeholder}` filled.
    pub fn fill(&self, key: &str, arg: &str) -> String {
        fill(&self.get(key), arg)
    }

    /// The sentence for a field error code (the generic one for an unknown code).
    pub fn field(&self, code: &str, arg: Option<&str>) -> String {
        let t = self.get(code);
        let t = if t.is_empty() { self.get("generic") } else { t };
        fill(&t, arg.unwrap_or(""))
    }
}

/// Replaces the first `{name}` in `text` with `arg` (each sentence has at most one).
pub fn fill(text: &str, arg: &str) -> String {
    match (text.find('{'), text.find('}')) {
        (Some(a), Some(b)) if a < b => {
            let mut out = String::with_capacity(text.len() + arg.len());
            out.push_str(&text[..a]);
            out.push_str(arg);
            out.push_str(&text[b + 1..]);
            out
        }
        _ => text.to_string(),
    }
}
