//! Calls to the server functions the public forms use (`/api/apply/…`,
//! JSON in and out) and the upload endpoint, and their `AppError` answers.
use crate::text::Texts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// One field's problem, as `model::validation::FieldError` on the wire.
#[derive(Clone, Debug)]
pub struct FieldErr {
    pub field: String,
    pub code: String,
    pub arg: Option<String>,
}

/// `model::AppError`, read from its JSON.
#[derive(Clone, Debug)]
pub enum Failure {
    Unauthenticated,
    Forbidden,
    NotFound,
    Invalid(Vec<FieldErr>),
    Conflict(Option<String>),
    RateLimited(f64),
    Internal(String),
    Transport,
}

impl Failure {
    pub fn field_errors(&self) -> Vec<FieldErr> {
        match self {
            Failure::Invalid(list) => list.clone(),
            _ => Vec::new(),
        }
    }

    /// Shows this failure in the form's `notice`: field errors as the error
    /// summary (focused), anything else as a banner.
    pub fn show_in(&self, doc: &web_sys::Document, notice: Option<&web_sys::Element>, t: &Texts) {
        match self {
            Failure::Invalid(list) if !list.is_empty() => {
                let items: Vec<(String, String)> = list.iter().map(|e| (format!("#{}-error", e.field), t.field(&e.code, e.arg.as_deref()))).collect();
                crate::dom::summary(doc, notice, &t.get("check_form"), &items);
            }
            other => crate::dom::banner(doc, notice, Some(&other.text(t, false))),
        }
    }

    /// What `ErrorBanner` says: for field errors only "check the form"
    /// unless `detailed` (they are shown next to their fields).
    pub fn text(&self, t: &Texts, detailed: bool) -> String {
        match self {
            Failure::Unauthenticated => t.get("unauthenticated"),
            Failure::Forbidden => t.get("forbidden"),
            Failure::NotFound => t.get("not_found"),
            Failure::Invalid(_) if !detailed => t.get("check_form"),
            Failure::Invalid(list) => match list.first() {
                Some(e) => t.field(&e.code, e.arg.as_deref()),
                None => t.get("invalid"),
            },
            Failure::Conflict(Some(by)) => t.fill("conflict_by", by),
            Failure::Conflict(None) => t.get("conflict"),
            Failure::RateLimited(secs) => t.fill("rate_limited", &((secs / 60.0).ceil().max(1.0) as u64).to_string()),
            Failure::Internal(reference) => t.fill("internal", reference),
            Failure::Transport => t.get("transport"),
        }
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_f64(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(0.0)
}

pub fn string(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

pub fn opt_string(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

pub fn array(v: &JsValue, key: &str) -> Vec<JsValue> {
    let a = get(v, key);
    if js_sys::Array::is_array(&a) {
        js_sys::Array::from(&a).iter().collect()
    } else {
        Vec::new()
    }
}

/// Reads an `AppError` (serde's externally tagged enum).
pub fn failure(v: &JsValue) -> Failure {
    if let Some(s) = v.as_string() {
        return match s.as_str() {
            "Unauthenticated" => Failure::Unauthenticated,
            "Forbidden" => Failure::Forbidden,
            "NotFound" => Failure::NotFound,
            _ => Failure::Transport,
        };
    }
    if !v.is_object() {
        return Failure::Transport;
    }
    let invalid = get(v, "Invalid");
    if js_sys::Array::is_array(&invalid) {
        let list = js_sys::Array::from(&invalid)
            .iter()
            .map(|e| FieldErr { field: string(&e, "field"), code: string(&e, "code"), arg: opt_string(&e, "arg") })
            .collect();
        return Failure::Invalid(list);
    }
    let conflict = get(v, "Conflict");
    if conflict.is_object() {
        return Failure::Conflict(opt_string(&conflict, "by"));
    }
    let limited = get(v, "RateLimited");
    if limited.is_object() {
        return Failure::RateLimited(get(&limited, "retry_after_secs").as_f64().unwrap_or(60.0));
    }
    let internal = get(v, "Internal");
    if internal.is_object() {
        return Failure::Internal(string(&internal, "reference"));
    }
    Failure::Transport
}

/// A JSON object from pairs of keys and values.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// POSTs `body` as JSON to a server function; its answer, or its `AppError`.
pub async fn call(path: &str, body: &JsValue) -> Result<JsValue, Failure> {
    let json = js_sys::JSON::stringify(body).map_err(|_| Failure::Transport)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&json.into());
    let headers = web_sys::Headers::new().map_err(|_| Failure::Transport)?;
    let _ = headers.set("content-type", "application/json");
    let _ = headers.set("accept", "application/json");
    init.set_headers(&headers);
    let req = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| Failure::Transport)?;
    send(req).await
}

/// POSTs a multipart form (an upload).
pub async fn post_form(path: &str, form: &web_sys::FormData) -> Result<JsValue, Failure> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(form);
    let req = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| Failure::Transport)?;
    send(req).await
}

async fn send(req: web_sys::Request) -> Result<JsValue, Failure> {
    let window = web_sys::window().ok_or(Failure::Transport)?;
    let resp: web_sys::Response =
        JsFuture::from(window.fetch_with_request(&req)).await.map_err(|_| Failure::Transport)?.dyn_into().map_err(|_| Failure::Transport)?;
    let body = JsFuture::from(resp.text().map_err(|_| Failure::Transport)?).await.map_err(|_| Failure::Transport)?;
    let value = body.as_string().and_then(|s| js_sys::JSON::parse(&s).ok()).unwrap_or(JsValue::NULL);
    if resp.ok() {
        Ok(value)
    } else {
        Err(failure(&value))
    }
}
