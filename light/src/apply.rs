//! `/permohonan-akun` and `/permohonan-akun/perbaiki/:link` (`ApplyForm` in
//! `app/src/pages/apply.rs`): address suggested from the name and checked
//! live, the phone proved by a code, the signed form uploaded when chosen,
//! and the application sent to the same server functions.
use crate::dom::{self, on};
use crate::net::{self, Failure, FieldErr};
use crate::text::Texts;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, Element};

/// Each field with messages, and the input it belongs to.
const FIELDS: [(&str, &str); 8] = [
    ("name", "ap-name"),
    ("nip", "ap-nip"),
    ("unit_id", "ap-unit"),
    ("proposed_local", "ap-proposed"),
    ("phone", "ap-phone"),
    ("phone_code", "ap-code"),
    ("personal_email", "ap-email"),
    ("form_file", "ap-form-file"),
];

struct Apply {
    doc: Document,
    t: Rc<Texts>,
    form: Element,
    /// The correction link (`/permohonan-akun/perbaiki/:link`), if this is one.
    link: Option<String>,
    /// The phone already proved on a correction: no new code needed for it.
    proved_phone: Option<String>,
    /// The applicant typed an address: stop suggesting one.
    touched: Cell<bool>,
    /// Answers to older questions are dropped.
    asked: Cell<u32>,
    /// The address the shown answer is about ("" when none is shown).
    checked: RefCell<String>,
    uploads: Cell<u32>,
    phone_token: RefCell<String>,
    upload_token: RefCell<String>,
    submit_errors: RefCell<Vec<FieldErr>>,
    code_errors: RefCell<Vec<FieldErr>>,
    pending: Cell<bool>,
    /// A finger (or button) is down: see [`Apply::recheck_later`].
    pressing: Cell<bool>,
    /// Fields left while pressing, checked once it is lifted.
    deferred: RefCell<Vec<(&'static str, &'static str)>>,
}

pub fn enhance(doc: &Document, t: &Rc<Texts>) {
    let Some(form) = dom::find_in_doc(doc, "form[data-testid=apply-form]") else { return };
    let link = form.get_attribute("data-link").filter(|l| !l.is_empty());
    let a = Rc::new(Apply {
        doc: doc.clone(),
        t: t.clone(),
        touched: Cell::new(link.is_some()),
        link,
        proved_phone: form.get_attribute("data-proved-phone"),
        form,
        asked: Cell::new(0),
        checked: RefCell::new(String::new()),
        uploads: Cell::new(0),
        phone_token: RefCell::new(String::new()),
        upload_token: RefCell::new(String::new()),
        submit_errors: RefCell::new(Vec::new()),
        code_errors: RefCell::new(Vec::new()),
        pending: Cell::new(false),
        pressing: Cell::new(false),
        deferred: RefCell::new(Vec::new()),
    });
    if let Some(name) = dom::by_id(doc, "ap-name") {
        let a2 = a.clone();
        on(&name, "change", move |_| a2.suggest());
    }
    if let Some(proposed) = dom::by_id(doc, "ap-proposed") {
        let a2 = a.clone();
        on(&proposed, "input", move |_| {
            a2.touched.set(true);
            a2.forget_address_check();
        });
        // checked when the applicant leaves the field, unless the answer
        // shown is about what it holds (`change` misses typing then undoing)
        let a2 = a.clone();
        on(&proposed, "blur", move |_| {
            if *a2.checked.borrow() != a2.value("ap-proposed") {
                a2.check_address();
            }
        });
    }
    if let Some(phone) = dom::by_id(doc, "ap-phone") {
        let a2 = a.clone();
        on(&phone, "input", move |_| a2.toggle_code());
    }
    if let Some(button) = dom::find_in_doc(doc, "[data-testid=send-code]") {
        let a2 = a.clone();
        on(&button, "click", move |_| a2.send_code());
    }
    if let Some(file) = dom::by_id(doc, "ap-form-file") {
        let a2 = a.clone();
        on(&file, "change", move |_| a2.upload());
    }
    // a field's messages from the last submit go as soon as it is edited
    // (before the finger reaches the button: nothing moves under it); what
    // the browser can check (shared rules) is checked again once it is left
    for (field, id) in FIELDS {
        if let Some(el) = dom::by_id(doc, id) {
            let a2 = a.clone();
            on(&el, "input", move |_| a2.forget_errors(field));
            let a2 = a.clone();
            on(&el, "change", move |_| a2.recheck_later(field, id));
        }
    }
    // a field is left when a finger lands on the next thing (often the
    // button): its message then waits until the finger is lifted, so the
    // button does not move away under it and the tap still counts
    let a2 = a.clone();
    on(doc, "pointerdown", move |_| a2.pressing.set(true));
    for lifted in ["pointerup", "pointercancel"] {
        let a2 = a.clone();
        on(doc, lifted, move |_| {
            a2.pressing.set(false);
            let a3 = a2.clone();
            // after the click this pointerup ends
            dom::later(move || a3.flush_rechecks());
        });
    }
    let a2 = a.clone();
    on(&a.form, "submit", move |ev| {
        ev.prevent_default();
        a2.submit();
    });
    a.toggle_code();
    a.check_address();
}

impl Apply {
    fn value(&self, id: &str) -> String {
        dom::value_of(&self.doc, id)
    }

    fn set_value(&self, id: &str, v: &str) {
        if let Some(i) = dom::input(&self.doc, id) {
            i.set_value(v);
        }
    }

    /// Suggest an address from the name until the applicant types their own.
    fn suggest(self: &Rc<Self>) {
        let n = self.value("ap-name");
        if self.touched.get() || n.trim().len() < 3 {
            return;
        }
        let a = self.clone();
        spawn_local(async move {
            let answer = net::call("/api/apply/suggest-address", &net::object(&[("name", n.into())])).await;
            if let Ok(Some(s)) = answer.map(|v| v.as_string()) {
                if !a.touched.get() {
                    a.set_value("ap-proposed", &s);
                    a.check_address();
                }
            }
        });
    }

    /// The answer about an address no longer in the field goes at once.
    fn forget_address_check(&self) {
        self.asked.set(self.asked.get() + 1);
        self.checked.borrow_mut().clear();
        if let Some(out) = dom::by_id(&self.doc, "ap-proposed-check") {
            out.set_inner_html("");
        }
    }

    /// The field is being edited: what was said about it no longer holds.
    fn forget_errors(&self, field: &str) {
        let had = self.submit_errors.borrow().iter().chain(self.code_errors.borrow().iter()).any(|e| e.field == field);
        if had {
            for list in [&self.submit_errors, &self.code_errors] {
                list.borrow_mut().retain(|e| e.field != field);
            }
            self.show_errors();
        }
    }

    /// [`Apply::recheck`] now, or once the finger that left the field is lifted.
    fn recheck_later(&self, field: &'static str, id: &'static str) {
        if self.pressing.get() {
            self.deferred.borrow_mut().push((field, id));
        } else {
            self.recheck(field, id);
        }
    }

    fn flush_rechecks(&self) {
        let fields = std::mem::take(&mut *self.deferred.borrow_mut());
        for (field, id) in fields {
            self.recheck(field, id);
        }
    }

    /// After a change of `field` (input `id`): the rules the browser shares
    /// with the server are applied again.
    fn recheck(&self, field: &str, id: &str) {
        let value = self.value(id);
        let problem = if value.trim().is_empty() {
            None
        } else {
            match field {
                "nip" => model::validation::nip::parse_nip(&value, today()).err().map(|e| e.code()),
                "phone" => model::validation::phone::normalize_phone(&value).err().map(|e| e.code()),
                "personal_email" => model::validation::email::normalize_email(&value).err(),
                _ => None,
            }
        };
        for list in [&self.submit_errors, &self.code_errors] {
            list.borrow_mut().retain(|e| e.field != field);
        }
        if let Some(code) = problem {
            self.submit_errors.borrow_mut().push(FieldErr { field: field.to_string(), code: code.as_str().to_string(), arg: None });
        }
        self.show_errors();
    }

    /// Whether the proposed address is valid and free (`AddressAvailability`).
    fn check_address(self: &Rc<Self>) {
        let l = self.value("ap-proposed");
        self.asked.set(self.asked.get() + 1);
        let mine = self.asked.get();
        let Some(out) = dom::by_id(&self.doc, "ap-proposed-check") else { return };
        if l.trim().len() < 3 {
            out.set_inner_html("");
            return;
        }
        let a = self.clone();
        let asked_for = l.clone();
        spawn_local(async move {
            let answer = net::call("/api/apply/check-address", &net::object(&[("local_part", l.into())])).await;
            if a.asked.get() != mine {
                return;
            }
            out.set_inner_html("");
            let Ok(v) = answer else { return };
            *a.checked.borrow_mut() = asked_for;
            let p = match net::opt_string(&v, "problem") {
                None => {
                    let text = format!("{}: {}", a.t.get("ui.address_free"), net::string(&v, "address"));
                    dom::make(&a.doc, "p", "hint hint-ok", &text).inspect(|p| {
                        let _ = p.set_attribute("data-testid", "address-free");
                    })
                }
                Some(code) => dom::make(&a.doc, "p", "hint hint-bad", &a.t.field(&code, None)).inspect(|p| {
                    let _ = p.set_attribute("data-testid", "address-taken");
                }),
            };
            if let Some(p) = p {
                let _ = out.append_child(&p);
            }
        });
    }

    fn toggle_code(&self) {
        let phone = self.value("ap-phone");
        let needs = self.proved_phone.as_deref() != Some(phone.trim());
        if let Some(el) = dom::by_id(&self.doc, "ap-code-proof") {
            dom::set_hidden(&el, !needs);
        }
    }

    fn send_code(self: &Rc<Self>) {
        let Some(button) = dom::find_in_doc(&self.doc, "[data-testid=send-code]") else { return };
        dom::set_disabled(&button, true);
        let phone = self.value("ap-phone");
        let a = self.clone();
        spawn_local(async move {
            let answer = net::call("/api/apply/send-code", &net::object(&[("phone", phone.into())])).await;
            dom::set_disabled(&button, false);
            let proof = dom::by_id(&a.doc, "ap-code-proof");
            let notice = proof.as_ref().and_then(|p| dom::find(p, ".notice"));
            let token = answer.as_ref().ok().and_then(|v| v.as_string()).unwrap_or_default();
            *a.code_errors.borrow_mut() = answer.as_ref().err().map(Failure::field_errors).unwrap_or_default();
            let banner = answer.as_ref().err().filter(|f| !matches!(f, Failure::Invalid(_))).map(|f| f.text(&a.t, false));
            dom::banner(&a.doc, notice.as_ref(), banner.as_deref());
            button.set_text_content(Some(&a.t.get(if token.is_empty() { "ui.send_code" } else { "ui.send_code_again" })));
            if let Some(old) = dom::find_in_doc(&a.doc, "[data-testid=code-sent]") {
                old.remove();
            }
            if !token.is_empty() {
                if let (Some(n), Some(p)) = (notice, dom::make(&a.doc, "p", "hint hint-ok", &a.t.get("ui.code_sent"))) {
                    let _ = p.set_attribute("data-testid", "code-sent");
                    let _ = p.set_attribute("role", "status");
                    let _ = n.after_with_node_1(&p);
                }
            }
            *a.phone_token.borrow_mut() = token;
            a.show_errors();
        });
    }

    /// Uploads the chosen file at once (`FileField`); the form sends its token.
    fn upload(self: &Rc<Self>) {
        self.uploads.set(self.uploads.get() + 1);
        let mine = self.uploads.get();
        self.upload_token.borrow_mut().clear();
        let Some(input) = dom::input(&self.doc, "ap-form-file") else { return };
        let kind = input.get_attribute("data-kind").unwrap_or_else(|| "formulir".into());
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            self.file_status(FileStatus::Empty);
            return;
        };
        if let Err(code) = model::validation::upload::precheck_for(&kind, file.size() as usize, &file.type_()) {
            // a refused file leaves the input: the message stays, the name goes
            input.set_value("");
            self.file_status(FileStatus::Failed(code.to_string()));
            return;
        }
        self.file_status(FileStatus::Sending);
        let a = self.clone();
        spawn_local(async move {
            let result = send_file(&kind, &file).await;
            if a.uploads.get() != mine {
                return;
            }
            match result {
                Ok(v) => {
                    *a.upload_token.borrow_mut() = net::string(&v, "token");
                    let size = net::get_f64(&v, "size_bytes").max(0.0) as u64;
                    a.file_status(FileStatus::Done(format!("{} · {}", net::string(&v, "filename"), size_text(size))));
                }
                Err(code) => {
                    a.set_value("ap-form-file", "");
                    a.file_status(FileStatus::Failed(code));
                }
            }
        });
    }

    fn file_status(self: &Rc<Self>, status: FileStatus) {
        let Some(out) = dom::by_id(&self.doc, "ap-form-file-error") else { return };
        out.set_inner_html("");
        let doc = &self.doc;
        let add = |el: Option<Element>| {
            if let Some(el) = el {
                let _ = out.append_child(&el);
            }
        };
        match status {
            FileStatus::Empty => {}
            FileStatus::Sending => add(dom::make(doc, "p", "hint", &self.t.get("ui.uploading"))),
            FileStatus::Done(text) => {
                let p = dom::make(doc, "p", "hint hint-ok", &text);
                if let Some(p) = &p {
                    let _ = p.set_attribute("data-testid", "file-ok");
                }
                add(p);
                let b = dom::make(doc, "button", "button button-quiet", &self.t.get("ui.file_remove"));
                if let Some(b) = &b {
                    let _ = b.set_attribute("type", "button");
                    let _ = b.set_attribute("data-testid", "file-remove");
                    let a = self.clone();
                    on(b, "click", move |_| {
                        a.uploads.set(a.uploads.get() + 1);
                        a.set_value("ap-form-file", "");
                        a.upload_token.borrow_mut().clear();
                        a.file_status(FileStatus::Empty);
                    });
                }
                add(b);
            }
            FileStatus::Failed(code) => {
                let p = dom::make(doc, "p", "field-error", &self.t.field(&code, None));
                if let Some(p) = &p {
                    let _ = p.set_attribute("data-testid", "file-error");
                }
                add(p);
            }
        }
    }

    fn submit(self: &Rc<Self>) {
        if self.pending.get() {
            return;
        }
        let v = |id: &str| JsValue::from_str(&self.value(id));
        let input = net::object(&[
            ("name", v("ap-name")),
            ("nip", v("ap-nip")),
            ("unit_id", v("ap-unit")),
            ("proposed_local", v("ap-proposed")),
            ("phone", v("ap-phone")),
            ("phone_token", JsValue::from_str(&self.phone_token.borrow())),
            ("phone_code", v("ap-code")),
            ("personal_email", v("ap-email")),
            ("form_file", JsValue::from_str(&self.upload_token.borrow())),
        ]);
        let (path, body) = match &self.link {
            Some(l) => ("/api/apply/resubmit", net::object(&[("link", JsValue::from_str(l)), ("input", input)])),
            None => ("/api/apply/submit", net::object(&[("input", input)])),
        };
        let button = dom::find(&self.form, "button[type=submit]");
        self.pending.set(true);
        if let Some(b) = &button {
            dom::set_disabled(b, true);
        }
        let a = self.clone();
        spawn_local(async move {
            let answer = net::call(path, &body).await;
            a.pending.set(false);
            if let Some(b) = &button {
                dom::set_disabled(b, false);
            }
            let body_el = dom::by_id(&a.doc, "apply-body");
            let notice = body_el.as_ref().and_then(|b| dom::find(b, ".notice"));
            match answer {
                Ok(ticket) => {
                    *a.submit_errors.borrow_mut() = Vec::new();
                    dom::banner(&a.doc, notice.as_ref(), None);
                    a.done(&ticket.as_string().unwrap_or_default(), body_el.as_ref());
                }
                Err(Failure::Invalid(list)) if !list.is_empty() => {
                    a.summary(&list, notice.as_ref());
                    *a.submit_errors.borrow_mut() = list;
                }
                Err(f) => {
                    *a.submit_errors.borrow_mut() = f.field_errors();
                    f.show_in(&a.doc, notice.as_ref(), &a.t);
                }
            }
            a.show_errors();
        });
    }

    /// The error summary, each message after its field's label: two fields
    /// may say the same ("Alamat email wajib diisi.").
    fn summary(&self, list: &[FieldErr], notice: Option<&Element>) {
        let items: Vec<(String, String)> = list
            .iter()
            .map(|e| {
                let message = self.t.field(&e.code, e.arg.as_deref());
                // the file's message names the file already
                let label = FIELDS
                    .iter()
                    .find(|(f, _)| *f == e.field && *f != "form_file")
                    .and_then(|(_, id)| dom::find_in_doc(&self.doc, &format!("label[for={id}]")))
                    .and_then(|l| l.text_content())
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty());
                let text = match label {
                    Some(l) => format!("{l}: {message}"),
                    None => message,
                };
                (format!("#{}-error", e.field), text)
            })
            .collect();
        dom::summary(&self.doc, notice, &self.t.get("check_form"), &items);
    }

    /// Field messages and `aria-invalid` from the last submit and code request.
    fn show_errors(&self) {
        let all: Vec<FieldErr> = self.submit_errors.borrow().iter().chain(self.code_errors.borrow().iter()).cloned().collect();
        for (field, input) in FIELDS {
            let texts: Vec<String> = all.iter().filter(|e| e.field == field).map(|e| self.t.field(&e.code, e.arg.as_deref())).collect();
            dom::messages(&self.doc, &format!("{field}-error"), &texts);
            if field != "form_file" {
                if let Some(el) = dom::by_id(&self.doc, input) {
                    dom::set_invalid(&el, !texts.is_empty());
                }
            }
        }
    }

    /// The ticket to keep (`Submitted`), in place of the form.
    fn done(&self, ticket: &str, body: Option<&Element>) {
        let Some(body) = body else { return };
        if let Some(frag) = dom::from_template(&self.doc, "apply-done-tpl") {
            dom::fill_slot(&frag, "[data-testid=apply-ticket]", ticket);
            if let Ok(Some(a)) = frag.query_selector("a") {
                let _ = a.set_attribute("href", &format!("/permohonan-akun/status?tiket={ticket}"));
            }
            if let Some(parent) = body.parent_node() {
                let _ = parent.insert_before(&frag, Some(body));
            }
        }
        dom::set_hidden(body, true);
    }
}

/// Today in the browser's clock, for the NIP's dates.
fn today() -> model::validation::Ymd {
    let d = js_sys::Date::new_0();
    model::validation::Ymd::new(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
}

enum FileStatus {
    Empty,
    Sending,
    Done(String),
    Failed(String),
}

/// "123 KB" / "1.2 MB": enough to recognise the file (integers only: float
/// formatting would add 20 KB to the bundle).
fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// `POST /lampiran`; the upload's JSON, or an error code for the file field.
async fn send_file(kind: &str, file: &web_sys::File) -> Result<JsValue, String> {
    let failed = || "upload_failed".to_string();
    let form = web_sys::FormData::new().map_err(|_| failed())?;
    form.append_with_str("kind", kind).map_err(|_| failed())?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(|_| failed())?;
    match net::post_form("/lampiran", &form).await {
        Ok(v) => Ok(v),
        Err(Failure::Invalid(list)) => Err(list.into_iter().next().map(|e| e.code).unwrap_or_else(failed)),
        Err(Failure::RateLimited(_)) => Err("upload_limited".into()),
        Err(_) => Err(failed()),
    }
}
