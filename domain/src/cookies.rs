//! Every cookie Surel sets or reads, in one place. Over HTTPS each gets
//! `Secure` and the `__Host-` prefix (bound to this host, path `/`).
use crate::config::Config;

/// Cookie leptos_i18n reads the language from (not secret: no prefix).
pub const LOCALE: &str = "i18n_pref_locale";
/// The staff session.
pub const SESSION: &str = "surel_session";
/// An account owner's session on their own page (`/akun`).
pub const OWNER: &str = "surel_akun";
/// The password-reset attempt of this browser (`/ganti-sandi`).
pub const RESET: &str = "surel_reset";
/// A right password waiting for its second step (`/masuk/langkah-2`).
pub const CHALLENGE: &str = "surel_masuk";

fn full_name(cfg: &Config, name: &str) -> String {
    if cfg.secure_cookies() {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// `Set-Cookie` value for an HttpOnly, SameSite=Lax cookie; `max_age` 0 deletes it,
/// none makes it last as long as the browser session.
pub fn named(cfg: &Config, name: &str, value: &str, max_age: Option<i64>) -> String {
    let mut c = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax", full_name(cfg, name));
    if cfg.secure_cookies() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The staff session cookie.
pub fn session(cfg: &Config, value: &str, max_age: Option<i64>) -> String {
    named(cfg, SESSION, value, max_age)
}

/// The language choice (a year).
pub fn locale(cfg: &Config, locale: &str) -> String {
    let secure = if cfg.secure_cookies() { "; Secure" } else { "" };
    format!("{LOCALE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax{secure}")
}

/// The staff session token of a request, if any.
pub fn session_token(headers: &http::HeaderMap, cfg: &Config) -> Option<String> {
    read(headers, SESSION, cfg.secure_cookies())
}

/// A cookie's value from request headers (`__Host-` prefixed when served over HTTPS).
pub fn read(headers: &http::HeaderMap, name: &str, secure: bool) -> Option<String> {
    let wanted = if secure { format!("__Host-{name}") } else { name.to_string() };
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == wanted)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_cookies_are_host_bound_and_secure() {
        let mut cfg = Config::for_tests("sqlite::memory:");
        assert_eq!(named(&cfg, "surel_masuk", "x", Some(600)), "surel_masuk=x; Path=/; HttpOnly; SameSite=Lax; Max-Age=600");
        cfg.public_url = "https://surel.batam.go.id".into();
        assert_eq!(named(&cfg, "surel_masuk", "x", None), "__Host-surel_masuk=x; Path=/; HttpOnly; SameSite=Lax; Secure");
        let mut h = http::HeaderMap::new();
        h.insert(http::header::COOKIE, "a=1; __Host-surel_masuk=tok; surel_masuk=plain".parse().unwrap());
        assert_eq!(read(&h, "surel_masuk", true).as_deref(), Some("tok"));
        assert_eq!(read(&h, "surel_masuk", false).as_deref(), Some("plain"));
        assert_eq!(read(&h, "b", false), None);
    }
}
