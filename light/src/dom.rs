//! Small DOM helpers (web-sys), so the modules read like the Leptos views they replace.
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget, HtmlInputElement};

pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

pub fn by_id(doc: &Document, id: &str) -> Option<Element> {
    doc.get_element_by_id(id)
}

pub fn input(doc: &Document, id: &str) -> Option<HtmlInputElement> {
    by_id(doc, id)?.dyn_into().ok()
}

pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

pub fn find_in_doc(doc: &Document, selector: &str) -> Option<Element> {
    doc.query_selector(selector).ok().flatten()
}

/// The value of the input with this id ("" when there is none).
pub fn value_of(doc: &Document, id: &str) -> String {
    match by_id(doc, id) {
        Some(el) => match el.dyn_ref::<HtmlInputElement>() {
            Some(i) => i.value(),
            None => el.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default(),
        },
        None => String::new(),
    }
}

/// Adds a listener for the page's lifetime.
pub fn on(target: &EventTarget, event: &str, f: impl FnMut(Event) + 'static) {
    let c = Closure::<dyn FnMut(Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, c.as_ref().unchecked_ref());
    c.forget();
}

/// Runs `f` once the current event's task is over (`setTimeout` 0).
pub fn later(f: impl FnOnce() + 'static) {
    let c = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback(c.unchecked_ref());
    }
}

pub fn set_hidden(el: &Element, hidden: bool) {
    let _ = el.class_list().toggle_with_force("hidden", hidden);
}

pub fn set_invalid(el: &Element, invalid: bool) {
    let _ = el.set_attribute("aria-invalid", if invalid { "true" } else { "false" });
}

pub fn set_disabled(el: &Element, disabled: bool) {
    if disabled {
        let _ = el.set_attribute("disabled", "");
    } else {
        let _ = el.remove_attribute("disabled");
    }
}

/// A new element with a class and a text.
pub fn make(doc: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    Some(el)
}

/// Replaces what `FieldMessages` shows in `#{id}`: one `<p class="field-error">` a message.
pub fn messages(doc: &Document, id: &str, texts: &[String]) {
    let Some(el) = by_id(doc, id) else { return };
    el.set_inner_html("");
    for t in texts {
        if let Some(p) = make(doc, "p", "field-error", t) {
            let _ = el.append_child(&p);
        }
    }
}

/// What `ErrorBanner` shows inside its `<div class="notice">`.
pub fn banner(doc: &Document, notice: Option<&Element>, text: Option<&str>) {
    let Some(notice) = notice else { return };
    notice.set_inner_html("");
    if let Some(t) = text {
        if let Some(b) = make(doc, "div", "banner banner-error", t) {
            let _ = b.set_attribute("role", "alert");
            let _ = notice.append_child(&b);
        }
    }
}

/// What `ErrorBanner` shows for field errors: the form's error summary,
/// `intro` and each message as a link to its field's message
/// (`(href, text)`), focused so the first thing read is what to fix.
pub fn summary(doc: &Document, notice: Option<&Element>, intro: &str, items: &[(String, String)]) {
    let Some(notice) = notice else { return };
    notice.set_inner_html("");
    let Some(b) = make(doc, "div", "banner banner-error error-summary", "") else { return };
    let _ = b.set_attribute("role", "alert");
    let _ = b.set_attribute("tabindex", "-1");
    let _ = b.set_attribute("data-testid", "error-summary");
    if let Some(p) = make(doc, "p", "", intro) {
        let _ = b.append_child(&p);
    }
    if let Some(ul) = make(doc, "ul", "", "") {
        for (href, text) in items {
            if let (Some(li), Some(a)) = (make(doc, "li", "", ""), make(doc, "a", "", text)) {
                let _ = a.set_attribute("href", href);
                let _ = li.append_child(&a);
                let _ = ul.append_child(&li);
            }
        }
        let _ = b.append_child(&ul);
    }
    let _ = notice.append_child(&b);
    if let Some(h) = b.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
}

/// Once the person edits input `#{input_id}`, the messages a submit left in
/// `#{messages_id}` go (the next submit checks the field again). On input,
/// not on change: a message vanishing as the field loses focus would move
/// the button under the finger tapping it.
pub fn clear_on_edit(doc: &Document, input_id: &str, messages_id: &str) {
    let Some(input) = by_id(doc, input_id) else { return };
    let (doc2, id, el) = (doc.clone(), messages_id.to_string(), input.clone());
    on(&input, "input", move |_| {
        messages(&doc2, &id, &[]);
        set_invalid(&el, false);
    });
}

/// A copy of a server-rendered `<template id=…>`'s content.
pub fn from_template(doc: &Document, id: &str) -> Option<web_sys::DocumentFragment> {
    let tpl: web_sys::HtmlTemplateElement = by_id(doc, id)?.dyn_into().ok()?;
    tpl.content().clone_node_with_deep(true).ok()?.dyn_into().ok()
}

/// Sets the text of the first element matching `selector` in `root`.
pub fn fill_slot(root: &web_sys::DocumentFragment, selector: &str, text: &str) {
    if let Ok(Some(el)) = root.query_selector(selector) {
        el.set_text_content(Some(text));
    }
}

/// Removes the first element matching `selector` in `root`.
pub fn drop_slot(root: &web_sys::DocumentFragment, selector: &str) {
    if let Ok(Some(el)) = root.query_selector(selector) {
        el.remove();
    }
}
