//! The browser side of passkeys: `navigator.credentials.create` and `.get`,
//! called from the WASM. The server's options arrive as webauthn-rs JSON
//! (binary fields in base64url); the authenticator's answer goes back the
//! same way. On the server build these only say "not available".

use leptos::prelude::*;

/// Children that need JavaScript (passkeys): rendered only once the page has
/// hydrated and the browser has WebAuthn, so a page without JavaScript never
/// shows a button that cannot work. (The server and the first client render
/// agree on "nothing"; an effect, which runs only in the browser, turns it on.)
#[component]
pub fn WithPasskeys(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(supported()));
    move || ready.get().then(|| children())
}

/// Whether this browser can make and use passkeys at all.
pub fn supported() -> bool {
    #[cfg(feature = "hydrate")]
    {
        return web_sys::window().is_some_and(|w| js_sys::Reflect::has(&w, &"PublicKeyCredential".into()).unwrap_or(false));
    }
    #[allow(unreachable_code)]
    false
}

/// Makes a new passkey from creation options; returns the answer as JSON.
pub async fn create(options_json: &str) -> Result<String, String> {
    #[cfg(feature = "hydrate")]
    {
        return imp::ceremony(options_json, true).await;
    }
    #[allow(unreachable_code)]
    {
        let _ = options_json;
        Err("unsupported".into())
    }
}

/// Signs a request with an existing passkey; returns the answer as JSON.
pub async fn get(options_json: &str) -> Result<String, String> {
    #[cfg(feature = "hydrate")]
    {
        return imp::ceremony(options_json, false).await;
    }
    #[allow(unreachable_code)]
    {
        let _ = options_json;
        Err("unsupported".into())
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn err(e: JsValue) -> String {
        Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_else(|| format!("{e:?}"))
    }

    fn get(o: &JsValue, key: &str) -> JsValue {
        Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
    }

    /// Replaces the base64url string at `o[key]` with its bytes.
    fn to_bytes(o: &JsValue, key: &str) -> Result<(), String> {
        if let Some(s) = get(o, key).as_string() {
            let bytes = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).map_err(|e| e.to_string())?;
            Reflect::set(o, &key.into(), &Uint8Array::from(bytes.as_slice()).into()).map_err(err)?;
        }
        Ok(())
    }

    fn b64(v: &JsValue) -> Option<String> {
        if v.is_undefined() || v.is_null() {
            return None;
        }
        Some(URL_SAFE_NO_PAD.encode(Uint8Array::new(v).to_vec()))
    }

    pub async fn ceremony(options_json: &str, create: bool) -> Result<String, String> {
        let options = JSON::parse(options_json).map_err(err)?;
        let public_key = get(&options, "publicKey");
        to_bytes(&public_key, "challenge")?;
        if create {
            to_bytes(&get(&public_key, "user"), "id")?;
        }
        for list in ["excludeCredentials", "allowCredentials"] {
            if let Ok(items) = get(&public_key, list).dyn_into::<Array>() {
                for item in items.iter() {
                    to_bytes(&item, "id")?;
                }
            }
        }
        let arg = Object::new();
        Reflect::set(&arg, &"publicKey".into(), &public_key).map_err(err)?;
        let navigator = web_sys::window().ok_or("no window")?.navigator();
        let credentials = get(&navigator, "credentials");
        let call: Function = get(&credentials, if create { "create" } else { "get" }).dyn_into().map_err(|_| "no WebAuthn".to_string())?;
        let promise: Promise = call.call1(&credentials, &arg).map_err(err)?.dyn_into().map_err(|_| "no promise".to_string())?;
        let cred = JsFuture::from(promise).await.map_err(err)?;
        let response = get(&cred, "response");
        let mut answer = serde_json::json!({
            "id": get(&cred, "id").as_string().unwrap_or_default(),
            "rawId": b64(&get(&cred, "rawId")),
            "type": "public-key",
            "extensions": {},
        });
        answer["response"] = if create {
            serde_json::json!({
                "attestationObject": b64(&get(&response, "attestationObject")),
                "clientDataJSON": b64(&get(&response, "clientDataJSON")),
            })
        } else {
            serde_json::json!({
                "authenticatorData": b64(&get(&response, "authenticatorData")),
                "clientDataJSON": b64(&get(&response, "clientDataJSON")),
                "signature": b64(&get(&response, "signature")),
                "userHandle": b64(&get(&response, "userHandle")),
            })
        };
        Ok(answer.to_string())
    }
}
