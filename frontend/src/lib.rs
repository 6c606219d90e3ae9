//! Browser entry point. The server renders every page; this hydrates it.
//! Staff pages are lazy routes (their code comes in its own chunk), so
//! hydration waits for the page's chunk: `hydrate_from_async`.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // hydrate_from_async starts Leptos's executor itself
    wasm_bindgen_futures::spawn_local(async {
        let owner = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        owner.forget();
        // Lets tests (and curious people) see that the page came alive.
        if let Some(w) = web_sys::window() {
            let _ = js_sys::Reflect::set(&w, &"__surel_hydrated".into(), &true.into());
        }
    });
}
