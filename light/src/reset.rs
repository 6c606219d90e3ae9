//! `/ganti-sandi`, code step: the code's format as you type, and the
//! "send again" countdown (`CodeStep` in `app/src/pages/reset.rs`).
use crate::dom::{self, on};
use crate::text::Texts;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Document;

/// Six digits (spaces are ignored); nothing to say while the field is empty.
pub fn code_problem(code: &str) -> bool {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    !digits.is_empty() && (digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()))
}

pub fn enhance(doc: &Document, t: &Rc<Texts>) {
    if dom::find_in_doc(doc, "[data-testid=reset-start]").is_some() {
        dom::clear_on_edit(doc, "address", "address-error");
    }
    code_field(doc, t);
    countdown(doc, t);
}

fn code_field(doc: &Document, t: &Rc<Texts>) {
    let Some(code) = dom::find_in_doc(doc, "[data-testid=reset-complete] #code").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
        return;
    };
    let server = dom::by_id(doc, "code-error").map(|e| e.inner_html()).unwrap_or_default();
    let server_invalid = code.get_attribute("aria-invalid").unwrap_or_else(|| "false".into());
    let (doc2, t2, input) = (doc.clone(), t.clone(), code.clone());
    let update = move || {
        let typed = input.value();
        if typed.is_empty() {
            if let Some(el) = dom::by_id(&doc2, "code-error") {
                el.set_inner_html(&server);
            }
            let _ = input.set_attribute("aria-invalid", &server_invalid);
        } else {
            let bad = code_problem(&typed);
            let msgs = if bad { vec![t2.field("code_format", None)] } else { Vec::new() };
            dom::messages(&doc2, "code-error", &msgs);
            dom::set_invalid(&input, bad);
        }
    };
    if !code.value().is_empty() {
        update();
    }
    on(&code, "input", move |_| update());
}

fn countdown(doc: &Document, t: &Rc<Texts>) {
    let Some(button) = dom::find_in_doc(doc, "[data-resend-in]") else { return };
    let secs = button.get_attribute("data-resend-in").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    if secs <= 0 {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let left = Rc::new(Cell::new(secs));
    let handle = Rc::new(Cell::new(0i32));
    let (t, h) = (t.clone(), handle.clone());
    let tick = Closure::<dyn FnMut()>::new(move || {
        let s = (left.get() - 1).max(0);
        left.set(s);
        if s > 0 {
            button.set_text_content(Some(&t.fill("ui.resend_in", &s.to_string())));
        } else {
            button.set_text_content(Some(&t.get("ui.resend")));
            dom::set_disabled(&button, false);
            if let Some(w) = web_sys::window() {
                w.clear_interval_with_handle(h.get());
            }
        }
    });
    if let Ok(id) = window.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000) {
        handle.set(id);
    }
    tick.forget();
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_field_wants_six_digits() {
        assert!(!super::code_problem(""));
        assert!(!super::code_problem("123 456"));
        assert!(super::code_problem("12345"));
        assert!(super::code_problem("12a456"));
    }
}
