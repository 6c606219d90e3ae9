//! Browser entry point. The server renders every page; this hydrates it.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets tests (and curious people) see that the page came alive.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__surel_hydrated".into(), &true.into());
    }
}
