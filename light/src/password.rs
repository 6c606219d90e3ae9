//! The new-password fields (`NewPasswordFields` in `app`): rules that still
//! fail, strength meter, match check, show/hide and a passphrase helper.
//! Same rules as the server (`model::validation::password`).
use crate::dom::{self, on};
use crate::text::Texts;
use model::validation::password::{check_basic, check_confirmation, estimate_strength, passphrase, Personal};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

struct Fields {
    doc: Document,
    t: Rc<Texts>,
    password: HtmlInputElement,
    confirm: HtmlInputElement,
    min_len: usize,
    address: String,
    name: Option<String>,
    /// What the server said (shown again while the password field is empty).
    server: [(String, Option<String>); 2],
}

const IDS: [(&str, &str); 2] = [("password", "password-error"), ("password_confirm", "password_confirm-error")];

pub fn enhance(doc: &Document, t: &Rc<Texts>) {
    let (Some(password), Some(confirm)) = (dom::input(doc, "password"), dom::input(doc, "password_confirm")) else { return };
    // Only the new-password widget says its minimum length.
    let Some(min_len) = password.get_attribute("data-min-len").and_then(|v| v.parse().ok()) else { return };
    let server = IDS.map(|(input, msgs)| {
        (dom::by_id(doc, msgs).map(|e| e.inner_html()).unwrap_or_default(), dom::by_id(doc, input).and_then(|e| e.get_attribute("aria-invalid")))
    });
    let f = Rc::new(Fields {
        doc: doc.clone(),
        t: t.clone(),
        min_len,
        address: password.get_attribute("data-address").unwrap_or_default(),
        name: password.get_attribute("data-name").filter(|n| !n.is_empty()),
        password,
        confirm,
        server,
    });
    // What only works with a script: shown now; the no-script example goes.
    for sel in ["#password-strength", ".password-tools"] {
        if let Some(el) = dom::find_in_doc(doc, sel) {
            dom::set_hidden(&el, false);
        }
    }
    if let Some(el) = dom::find_in_doc(doc, ".suggestion") {
        dom::set_hidden(&el, true);
    }
    for input in [&f.password, &f.confirm] {
        let f2 = f.clone();
        on(input, "input", move |_| f2.update());
    }
    if let Some(show) = dom::find_in_doc(doc, ".password-tools input[type=checkbox]").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()) {
        let f2 = f.clone();
        let s = show.clone();
        on(&show, "change", move |_| f2.show(s.checked()));
        if let Some(button) = dom::find_in_doc(doc, "[data-testid=suggest]") {
            let f2 = f.clone();
            on(&button, "click", move |_| {
                let p = passphrase(random_below);
                f2.password.set_value(&p);
                f2.confirm.set_value(&p);
                show.set_checked(true);
                f2.show(true);
                f2.update();
            });
        }
    }
    // People type before the script arrives on a slow phone.
    f.update();
}

impl Fields {
    fn show(&self, visible: bool) {
        for i in [&self.password, &self.confirm] {
            i.set_type(if visible { "text" } else { "password" });
        }
    }

    /// Problems per field (`password`, `password_confirm`) as sentences.
    fn live(&self, pw: &str) -> [Vec<String>; 2] {
        let who = Personal { address: &self.address, name: self.name.as_deref(), nip: None };
        let rules = check_basic(pw, self.min_len, &who).into_iter().map(|p| self.t.field(p.code().as_str(), p.arg().as_deref())).collect();
        let c = self.confirm.value();
        let mismatch = if c.is_empty() { None } else { check_confirmation(pw, &c) };
        [rules, mismatch.into_iter().map(|p| self.t.field(p.code().as_str(), None)).collect()]
    }

    fn update(&self) {
        let pw = self.password.value();
        let c = self.confirm.value();
        // Once the person types, live checks replace the server's (older) verdict.
        let mut password_ok = true;
        if pw.is_empty() {
            for (i, (input, msgs)) in IDS.iter().enumerate() {
                if let Some(el) = dom::by_id(&self.doc, msgs) {
                    el.set_inner_html(&self.server[i].0);
                }
                if let Some(el) = dom::by_id(&self.doc, input) {
                    let _ = el.set_attribute("aria-invalid", self.server[i].1.as_deref().unwrap_or("false"));
                }
            }
        } else {
            let live = self.live(&pw);
            password_ok = live[0].is_empty();
            for (i, (input, msgs)) in IDS.iter().enumerate() {
                dom::messages(&self.doc, msgs, &live[i]);
                if let Some(el) = dom::by_id(&self.doc, input) {
                    dom::set_invalid(&el, !live[i].is_empty());
                }
            }
        }
        let score = if pw.is_empty() {
            0
        } else if !password_ok {
            estimate_strength(&pw).min(1)
        } else {
            estimate_strength(&pw)
        };
        if let Some(strength) = dom::by_id(&self.doc, "password-strength") {
            if let Some(meter) = dom::find(&strength, "meter") {
                let _ = meter.set_attribute("value", &score.to_string());
            }
            if let Some(label) = dom::find(&strength, "span") {
                let _ = label.set_attribute("data-score", &score.to_string());
                label.set_text_content(Some(&self.t.get(&format!("ui.strength_{score}"))));
            }
        }
        if let Some(ok) = dom::find_in_doc(&self.doc, ".match-ok") {
            set_hidden_el(&ok, c.is_empty() || pw != c);
        }
    }
}

fn set_hidden_el(el: &Element, hidden: bool) {
    dom::set_hidden(el, hidden);
}

/// crypto.getRandomValues; rejection sampling keeps it uniform.
fn random_below(n: u32) -> u32 {
    let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) else { return 0 };
    let limit = u32::MAX - u32::MAX % n;
    loop {
        let mut buf = [0u8; 4];
        if crypto.get_random_values_with_u8_array(&mut buf).is_err() {
            return 0;
        }
        let v = u32::from_le_bytes(buf);
        if v < limit {
            return v % n;
        }
    }
}
