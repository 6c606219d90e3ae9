//! Surel's light browser bundle for the public pages (`/ganti-sandi`,
//! `/aktivasi/…`, `/permohonan-akun…`).
//!
//! The server renders every public page completely; it works without
//! JavaScript (the application form excepted, which has always needed it).
//! This bundle only enhances what is there, found by id and `data-*`
//! attributes: the new-password rules, strength meter and match check, the
//! code format, the "send again" countdown, and the application and status
//! forms (address suggestion and check, phone code, upload, submit). It has
//! no router, no Leptos and no translation tables: every sentence it shows
//! comes from the page, in the page's language (`<script id="surel-text">`).
//! The staff area keeps the full Leptos bundle (`frontend/`).
mod apply;
mod dom;
mod net;
mod password;
mod reset;
mod status;
mod text;

use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    let Some(doc) = dom::document() else { return };
    let texts = Rc::new(text::Texts::load(&doc));
    password::enhance(&doc, &texts);
    reset::enhance(&doc, &texts);
    apply::enhance(&doc, &texts);
    status::enhance(&doc, &texts);
    // Lets tests (and curious people) see that the page came alive, as on staff pages.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__surel_hydrated".into(), &true.into());
    }
}
