//! `/permohonan-akun/status` (`ApplyStatusPage` in `app/src/pages/apply.rs`):
//! a code to the applicant's phone for the ticket, then the request's state
//! and history, filled into templates the server rendered in the page's language.
use crate::dom::{self, on};
use crate::net::{self, Failure};
use crate::text::Texts;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, Element};

struct Status {
    doc: Document,
    t: Rc<Texts>,
    ticket_form: Element,
    code_form: Element,
    token: RefCell<String>,
    pending: Cell<bool>,
}

pub fn enhance(doc: &Document, t: &Rc<Texts>) {
    let (Some(ticket_form), Some(code_form)) =
        (dom::find_in_doc(doc, "form[data-testid=status-ticket]"), dom::find_in_doc(doc, "form[data-testid=status-code]"))
    else {
        return;
    };
    dom::clear_on_edit(doc, "st-ticket", "ticket-error");
    dom::clear_on_edit(doc, "st-code", "code-error");
    let s = Rc::new(Status { doc: doc.clone(), t: t.clone(), ticket_form, code_form, token: RefCell::new(String::new()), pending: Cell::new(false) });
    let s2 = s.clone();
    on(&s.ticket_form, "submit", move |ev| {
        ev.prevent_default();
        s2.send_code();
    });
    let s2 = s.clone();
    on(&s.code_form, "submit", move |ev| {
        ev.prevent_default();
        s2.check();
    });
}

impl Status {
    fn busy(&self, form: &Element, busy: bool) {
        self.pending.set(busy);
        if let Some(b) = dom::find(form, "button[type=submit]") {
            dom::set_disabled(&b, busy);
        }
    }

    /// Field messages of one form (`#{field}-error`, input `input_id`) and its banner.
    fn show(&self, form: &Element, field: &str, input_id: &str, answer: Option<&Failure>) {
        let texts: Vec<String> = answer
            .map(|f| f.field_errors().into_iter().filter(|e| e.field == field).map(|e| self.t.field(&e.code, e.arg.as_deref())).collect())
            .unwrap_or_default();
        dom::messages(&self.doc, &format!("{field}-error"), &texts);
        if let Some(i) = dom::by_id(&self.doc, input_id) {
            dom::set_invalid(&i, !texts.is_empty());
        }
        let notice = dom::find(form, ".notice");
        match answer {
            Some(f) => f.show_in(&self.doc, notice.as_ref(), &self.t),
            None => dom::banner(&self.doc, notice.as_ref(), None),
        }
    }

    fn send_code(self: &Rc<Self>) {
        if self.pending.get() {
            return;
        }
        let ticket = dom::value_of(&self.doc, "st-ticket");
        self.busy(&self.ticket_form, true);
        let s = self.clone();
        spawn_local(async move {
            let answer = net::call("/api/apply/status-code", &net::object(&[("ticket", ticket.into())])).await;
            s.busy(&s.ticket_form, false);
            s.show(&s.ticket_form, "ticket", "st-ticket", answer.as_ref().err());
            let token = answer.ok().and_then(|v| v.as_string()).unwrap_or_default();
            dom::set_hidden(&s.code_form, token.is_empty());
            *s.token.borrow_mut() = token;
        });
    }

    fn check(self: &Rc<Self>) {
        if self.pending.get() {
            return;
        }
        let body = net::object(&[
            ("ticket", dom::value_of(&self.doc, "st-ticket").into()),
            ("token", JsValue::from_str(&self.token.borrow())),
            ("code", dom::value_of(&self.doc, "st-code").into()),
        ]);
        self.busy(&self.code_form, true);
        let s = self.clone();
        spawn_local(async move {
            let answer = net::call("/api/apply/status", &body).await;
            s.busy(&s.code_form, false);
            s.show(&s.code_form, "code", "st-code", answer.as_ref().err());
            if let Ok(v) = answer {
                s.render(&v);
            }
        });
    }

    /// `StatusView`, from `#status-tpl` and `#status-step-tpl`.
    fn render(&self, v: &JsValue) {
        let (Some(frag), Some(body)) = (dom::from_template(&self.doc, "status-tpl"), dom::by_id(&self.doc, "status-body")) else { return };
        let state = net::string(v, "state");
        let label = |prefix: &str, key: &str, fallback: &str| {
            let t = self.t.get(&format!("{prefix}.{key}"));
            if t.is_empty() {
                fallback.to_string()
            } else {
                t
            }
        };
        if let Ok(Some(view)) = frag.query_selector("[data-testid=status-view]") {
            let _ = view.set_attribute("data-state", &state);
        }
        dom::fill_slot(&frag, "[data-slot=ticket]", &net::string(v, "ticket"));
        dom::fill_slot(&frag, "[data-slot=name]", &net::string(v, "name"));
        dom::fill_slot(&frag, "[data-slot=unit]", &net::string(v, "unit"));
        dom::fill_slot(&frag, "[data-testid=status-state]", &label("state", &state, &state));
        match net::opt_string(v, "due_at") {
            Some(d) => dom::fill_slot(&frag, "[data-slot=due_at]", &d),
            None => dom::drop_slot(&frag, "[data-slot=due]"),
        }
        match net::opt_string(v, "address") {
            Some(a) => dom::fill_slot(&frag, "[data-slot=address_value]", &a),
            None => dom::drop_slot(&frag, "[data-slot=address]"),
        }
        if state != "perbaikan" {
            dom::drop_slot(&frag, "[data-slot=returned]");
        }
        match label("hint", &state, "") {
            h if h.is_empty() => dom::drop_slot(&frag, "[data-slot=hint]"),
            h => dom::fill_slot(&frag, "[data-slot=hint]", &h),
        }
        if let Ok(Some(list)) = frag.query_selector("[data-slot=steps]") {
            for st in net::array(v, "steps") {
                let Some(item) = dom::from_template(&self.doc, "status-step-tpl") else { break };
                let action = net::string(&st, "action");
                let other = self.t.get("action._other");
                dom::fill_slot(&item, "[data-slot=action]", &label("action", &action, &other));
                let to = net::string(&st, "to_state");
                dom::fill_slot(&item, "[data-slot=to_state]", &label("state", &to, &to));
                dom::fill_slot(&item, "[data-slot=at]", &net::string(&st, "at"));
                match net::opt_string(&st, "note") {
                    Some(n) => dom::fill_slot(&item, "[data-slot=note]", &n),
                    None => dom::drop_slot(&item, "[data-slot=note]"),
                }
                let _ = list.append_child(&item);
            }
        }
        if let Some(parent) = body.parent_node() {
            let _ = parent.insert_before(&frag, Some(&body));
        }
        dom::set_hidden(&body, true);
    }
}
