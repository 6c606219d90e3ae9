//! Per-request facts the HTTP layer hands to server functions and pages.
use leptos::prelude::*;

/// Client address and agent, as the session middleware saw them.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The nonce of this response's Content-Security-Policy.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The example passphrase this response shows, when the server chose it
/// before rendering (a page kept by the server's page cache gets a fresh one
/// per answer, swapped in like the nonce).
#[derive(Clone, Debug)]
pub struct Suggestion(pub String);

/// This response's example passphrase: the one the request carries, or a new one.
#[cfg(feature = "ssr")]
pub fn suggestion() -> String {
    use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<Suggestion>().map(|s| s.0.clone())).unwrap_or_else(domain::crypto::example_passphrase)
}

/// Makes the response's CSP nonce available to `<HydrationScripts>`.
pub fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(n)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(n));
    }
}

/// Which script a page loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// The staff area (and the staff sign-in steps, for passkeys): the whole
    /// Leptos app, hydrated, navigating on the client.
    Staff,
    /// Public pages with live checks: the light bundle (`light/`, no Leptos).
    Light,
    /// Public pages with nothing to enhance: no script at all.
    None,
}

/// The bundle for a path. Public pages are complete without a script; only
/// the staff area needs the single-page app.
pub fn bundle_for(path: &str) -> Bundle {
    let path = path.trim_end_matches('/');
    if path == "/admin" || path.starts_with("/admin/") || path.starts_with("/masuk/") {
        Bundle::Staff
    } else if path == crate::pages::kinds::personal_account::BLANK_FORM_PATH {
        // a page to print: nothing to enhance
        Bundle::None
    } else if path == "/ganti-sandi" || path == "/akun" || path.starts_with("/aktivasi/") || path == "/permohonan-akun" || path.starts_with("/permohonan-akun/")
    {
        Bundle::Light
    } else {
        Bundle::None
    }
}

/// URLs of the built files under `pkg/`, each with `?v=` and a hash of its
/// content, so they can be cached for a year (the server says `immutable`
/// for versioned URLs) and a new build is fetched at once.
#[derive(Clone, Debug)]
pub struct Assets {
    pub css: String,
    pub staff_js: String,
    pub staff_wasm: String,
    pub light_js: Option<String>,
    pub light_wasm: Option<String>,
    /// The staff app's route chunks (`cargo leptos build --split`) by route
    /// name (`home_route`): a staff page links its route's chunks as
    /// `<link rel=preload>`, so they arrive with the main WASM instead of after it.
    pub split: Option<std::sync::Arc<std::collections::HashMap<String, Vec<String>>>>,
}

static ASSETS: std::sync::OnceLock<Assets> = std::sync::OnceLock::new();

impl Assets {
    /// Reads `{site_root}/pkg` once at start-up. A missing light bundle
    /// only means public pages load no script (they work without).
    pub fn from_site(site_root: &std::path::Path) -> Assets {
        let pkg = site_root.join("pkg");
        let versioned = |file: &str| -> Option<String> {
            let bytes = std::fs::read(pkg.join(file)).ok()?;
            Some(format!("/pkg/{file}?v={:016x}", fnv1a(&bytes)))
        };
        let or_plain = |file: &str| versioned(file).unwrap_or_else(|| format!("/pkg/{file}"));
        Assets {
            css: or_plain("surel.css"),
            // no `?v=`: the split loader imports `./surel.js`, and a second URL
            // would be a second module whose WASM was never initialised
            staff_js: "/pkg/surel.js".into(),
            staff_wasm: or_plain("surel.wasm"),
            light_js: versioned("light.js"),
            light_wasm: versioned("light_bg.wasm"),
            split: split_manifest(&pkg),
        }
    }

    /// Makes these the URLs every page uses (once; later calls are ignored).
    pub fn install(self) {
        let _ = ASSETS.set(self);
    }

    pub fn get() -> Assets {
        ASSETS.get().cloned().unwrap_or_else(|| Assets {
            css: "/pkg/surel.css".into(),
            staff_js: "/pkg/surel.js".into(),
            staff_wasm: "/pkg/surel.wasm".into(),
            light_js: None,
            light_wasm: None,
            split: None,
        })
    }
}

/// Reads what the split build wrote, once at start-up: for each lazy route,
/// the chunks it needs, keyed by route name (`__home_route_view_123…` → `home_route`).
fn split_manifest(pkg: &std::path::Path) -> Option<std::sync::Arc<std::collections::HashMap<String, Vec<String>>>> {
    let text = std::fs::read_to_string(pkg.join("__wasm_split_manifest.json")).ok()?;
    let by_split: std::collections::HashMap<String, Vec<String>> = serde_json::from_str(&text).ok()?;
    Some(std::sync::Arc::new(by_split.into_iter().filter_map(|(k, chunks)| Some((route_of_split(&k)?.to_string(), chunks))).collect()))
}

/// The route name in a split's name: `__{route}_view_{digits}`.
fn route_of_split(split: &str) -> Option<&str> {
    let (head, hash) = split.strip_prefix("__")?.rsplit_once("_view_")?;
    (!hash.is_empty() && hash.bytes().all(|b| b.is_ascii_digit())).then_some(head)
}

/// The chunks of the lazy route that renders `path` (file names without `.wasm`).
///
/// Leptos can add these itself, but only for the lazy routes that finished
/// rendering before it writes the head, which on a cold server misses them;
/// the path decides here, every time.
fn split_chunks<'a>(split: &'a std::collections::HashMap<String, Vec<String>>, path: &str) -> &'a [String] {
    crate::lazy::staff_route_name(path).and_then(|name| split.get(name)).map(Vec::as_slice).unwrap_or_default()
}

/// 64-bit FNV-1a: a content fingerprint for cache busting, not security.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The stylesheet and the script tags for the page being rendered.
pub fn page_head() -> impl IntoView {
    let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_string()).unwrap_or_default();
    let assets = Assets::get();
    let css = assets.css.clone();
    let nonce = leptos::nonce::use_nonce();
    let mut chunks = Vec::new();
    // What Leptos's `HydrationScripts` does, with versioned URLs.
    let scripts = match bundle_for(&path) {
        Bundle::Staff => {
            chunks = assets.split.as_deref().map(|m| split_chunks(m, &path).to_vec()).unwrap_or_default();
            let (js, wasm) = (assets.staff_js, assets.staff_wasm);
            let code = format!("import init,{{hydrate}} from {js:?};init({{module_or_path:{wasm:?}}}).then(()=>hydrate())");
            Some((js, wasm, code))
        }
        Bundle::Light => match (assets.light_js, assets.light_wasm) {
            (Some(js), Some(wasm)) => {
                let code = format!("import init from {js:?};init({{module_or_path:{wasm:?}}})");
                Some((js, wasm, code))
            }
            _ => None,
        },
        Bundle::None => None,
    };
    view! {
        <link rel="stylesheet" href=css/>
        {scripts.map(|(js, wasm, code)| view! {
            <link rel="modulepreload" href=js/>
            <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
            <script type="module" nonce=nonce>{code}</script>
        })}
        {(!chunks.is_empty()).then(|| view! { <link rel="modulepreload" href="/pkg/__wasm_split.______________________.js"/> })}
        {chunks.into_iter().map(|c| view! { <link rel="preload" href=format!("/pkg/{c}.wasm") r#as="fetch" r#type="application/wasm" crossorigin=""/> }).collect_view()}
    }
}

#[cfg(test)]
mod tests {
    use super::route_of_split;

    #[test]
    fn split_names_give_their_route() {
        assert_eq!(route_of_split("__home_route_view_1580977471528598112"), Some("home_route"));
        assert_eq!(route_of_split("__unit_account_new_route_view_9"), Some("unit_account_new_route"));
        assert_eq!(route_of_split("__home_route_view_"), None);
        assert_eq!(route_of_split("__home_route_view_12a"), None);
        assert_eq!(route_of_split("home_route_view_12"), None);
    }
}
