//! Staff sign-in, sessions, throttling, CSRF, security headers, activation
//! links and the audit chain, over HTTP against the real binary.

use crate::support::{Db, TestServer, DEMO_PASSWORD, STAFF};
use reqwest::{header, StatusCode};
use serde_json::json;
use std::process::Command;

fn strip_nonces(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("nonce=\"").into_iter().chain(rest.find("crossorigin=\"")).min() {
        let start = i + rest[i..].find('"').unwrap() + 1;
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(0);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_failures_reveal_nothing() {
    let s = TestServer::start(Db::Sqlite).await;
    let c = s.client();
    let r = c.post(format!("{}/masuk", s.url)).form(&[("address", STAFF[0].1), ("password", DEMO_PASSWORD), ("next", "/admin/audit")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // a right password only opens the second step
    assert_eq!(r.headers()[header::LOCATION], "/masuk/verifikasi");
    let challenge = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).find(|v| v.starts_with("surel_masuk=")).unwrap();
    assert!(challenge.contains("HttpOnly") && challenge.contains("SameSite=Lax") && challenge.contains("Max-Age=600"), "{challenge}");
    assert!(crate::support::session_token(&r).is_none(), "no session after the password alone");
    let code = s.next_totp(STAFF[0].1).await;
    let r = c.post(format!("{}/masuk/verifikasi", s.url)).form(&[("code", code.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/admin/audit", "back to the page asked for");
    let cookie = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).find(|v| v.starts_with("surel_session=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap().to_string();
    assert!(token.len() >= 43, "256-bit token");
    // only the hash is stored
    let db = s.dir.path().join("surel.db");
    let stored = Command::new("sqlite3").arg(&db).arg("SELECT token_hash FROM sessions").output().unwrap();
    let stored = String::from_utf8_lossy(&stored.stdout);
    assert!(!stored.contains(&token) && stored.trim().len() == 64, "{stored}");

    // A wrong password for a real account and for an unknown one look the same.
    let known = s.client().post(format!("{}/masuk", s.url)).form(&[("address", STAFF[1].1), ("password", "salah-salah-salah")]).send().await.unwrap();
    let known_status = known.status();
    let known_body = strip_nonces(&known.text().await.unwrap()).replace(STAFF[1].1, "X");
    let unknown =
        s.client().post(format!("{}/masuk", s.url)).form(&[("address", "tidak.ada@batam.go.id"), ("password", "salah-salah-salah")]).send().await.unwrap();
    let unknown_status = unknown.status();
    let unknown_body = strip_nonces(&unknown.text().await.unwrap()).replace("tidak.ada@batam.go.id", "X");
    assert_eq!(known_status, StatusCode::UNAUTHORIZED);
    assert_eq!(known_status, unknown_status);
    assert!(known_body.contains("Alamat email atau kata sandi salah."));
    assert_eq!(known_body, unknown_body);
    // An account holder without a staff role cannot sign in either.
    let owner = s.client().post(format!("{}/masuk", s.url)).form(&[("address", "yusuf.hakim@batam.go.id"), ("password", DEMO_PASSWORD)]).send().await.unwrap();
    assert_eq!(owner.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account_across_instances() {
    let s = TestServer::start(Db::Sqlite).await;
    // a second instance on the same database shares the counters
    let second =
        TestServer::start_with(crate::support::Options { seed: false, extra_env: vec![("DATABASE_URL".into(), s.database_url.clone())], ..Default::default() })
            .await;
    let target = STAFF[2].1;
    for i in 0..5 {
        let inst = if i % 2 == 0 { &s } else { &second };
        let r = inst
            .client()
            .post(format!("{}/masuk", inst.url))
            .header("x-forwarded-for", format!("10.0.0.{i}"))
            .form(&[("address", target), ("password", "bukan-sandinya")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // now even the right password is held back, on either instance, with a clear message
    for inst in [&s, &second] {
        let r = inst
            .client()
            .post(format!("{}/masuk", inst.url))
            .header("x-forwarded-for", "10.0.0.99")
            .form(&[("address", target), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().await.unwrap().contains("Terlalu banyak percobaan"));
    }
    // other accounts are unaffected
    let r = s.client().post(format!("{}/masuk", s.url)).form(&[("address", STAFF[3].1), ("password", DEMO_PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_headers_are_set() {
    let s = TestServer::start(Db::Sqlite).await;
    let c = s.client();
    let r = c
        .post(format!("{}/masuk", s.url))
        .header("origin", "http://evil.example")
        .form(&[("address", STAFF[0].1), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(format!("{}/masuk", s.url))
        .header("sec-fetch-site", "cross-site")
        .form(&[("address", STAFF[0].1), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin = s.signed_in(STAFF[0].1).await;
    let r = admin
        .post(format!("{}/api/sessions/end-all", s.url))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = s.call(&admin, "/api/staff/list", json!({})).await;
    assert_eq!(status, StatusCode::OK, "the refused request ended nothing");
    // same-origin posts pass
    let r = admin
        .post(format!("{}/api/staff/list", s.url))
        .header("origin", &s.url)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // a page with a script (/masuk has none since issue #12; /ganti-sandi loads the light bundle)
    let page = s.client().get(format!("{}/ganti-sandi", s.url)).send().await.unwrap();
    let h = page.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'") && csp.contains("object-src 'none'"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's module script carries this response's nonce");
    // the page is kept and served from memory (server::middleware::page_cache),
    // yet every answer has its own nonce, and its own example passphrase (in the page's data)
    let suggestion =
        |html: &str| html.split_once("suggestion\\\":\\\"").and_then(|(_, r)| r.split_once('\\')).map(|(s, _)| s.to_string()).expect("a suggestion");
    let mut suggestions = std::collections::HashSet::from([suggestion(&html)]);
    let mut pages = std::collections::HashSet::from([html.replace(&nonce, "NONCE").replace(&suggestion(&html), "SUGGESTION")]);
    for _ in 0..5 {
        let again = s.client().get(format!("{}/ganti-sandi", s.url)).send().await.unwrap();
        let csp = again.headers()["content-security-policy"].to_str().unwrap().to_string();
        let n = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        let html = again.text().await.unwrap();
        assert_ne!(n, nonce);
        assert!(html.contains(&format!("nonce=\"{n}\"")) && !html.contains(&nonce), "the kept page carries this answer's nonce only");
        suggestions.insert(suggestion(&html));
        pages.insert(html.replace(&n, "NONCE").replace(&suggestion(&html), "SUGGESTION"));
    }
    assert_eq!(pages.len(), 1, "the same page apart from the nonce and the suggestion");
    assert_eq!(suggestions.len(), 6, "two people are not given the same suggested password: {suggestions:?}");
    // no server function changes state on GET
    let r = admin.get(format!("{}/api/sessions/end-all", s.url)).send().await.unwrap();
    assert_ne!(r.status(), StatusCode::OK);
    let (status, _) = s.call(&admin, "/api/staff/list", json!({})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn sign_out_and_sign_out_everywhere_end_sessions() {
    let s = TestServer::start(Db::Sqlite).await;
    let phone = s.signed_in_fresh(STAFF[0].1).await;
    let laptop = s.signed_in_fresh(STAFF[0].1).await;
    let (_, me) = s.call(&phone, "/api/me", json!({})).await;
    assert!(me.contains("andi.pratama@batam.go.id"));
    let (_, list) = s.call(&phone, "/api/sessions/list", json!({})).await;
    let sessions: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 2);
    // plain sign-out ends only this session
    let r = phone.post(format!("{}/keluar", s.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.call(&phone, "/api/me", json!({})).await.1, "null");
    // the staff area now answers with a real redirect to sign-in, keeping the page asked for
    let r = phone.get(format!("{}/admin/permohonan?semua=1", s.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/masuk?next=/admin/permohonan%3Fsemua%3D1");
    assert!(s.call(&laptop, "/api/me", json!({})).await.1.contains("andi.pratama"));
    // everywhere ends them all
    let phone = s.signed_in_fresh(STAFF[0].1).await;
    let (status, _) = s.call(&phone, "/api/sessions/end-all", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.call(&laptop, "/api/staff/list", json!({})).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(s.call(&phone, "/api/staff/list", json!({})).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cli_adds_staff_who_activate_by_link_once() {
    let s = TestServer::start(Db::Sqlite).await;
    let out = Command::new(crate::support::surel_bin())
        .args([
            "user",
            "add",
            "--address",
            "Lina.Marlina@batam.go.id",
            "--role",
            "kepala_opd",
            "--unit",
            "DINKES",
            "--name",
            "Lina Marlina",
            "--phone",
            "0812-7000-0100",
        ])
        .env("DATABASE_URL", &s.database_url)
        .env("SUREL_PUBLIC_URL", &s.url)
        .env("SUREL_SECRET", crate::support::SECRET)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    let link = stdout.lines().find_map(|l| l.split_whitespace().find(|w| w.contains("/aktivasi/"))).unwrap().to_string();
    let c = s.client();
    let page = c.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("lina.marlina@batam.go.id"), "activation page names the mailbox");
    // rules apply: too short, then mismatched, then fine
    let r = c.post(&link).form(&[("password", "pendek"), ("password_confirm", "pendek")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("minimal 15 karakter"));
    let r = c.post(&link).form(&[("password", "rotan-Pelangi-teluk-9-damai"), ("password_confirm", "rotan-pelangi")]).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Kedua kata sandi tidak sama."));
    let r = c.post(&link).form(&[("password", "rotan-Pelangi-teluk-9-damai"), ("password_confirm", "rotan-Pelangi-teluk-9-damai")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/sandi-tersimpan");
    // the link is spent
    let again = c.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("tidak berlaku lagi"));
    // and the new staff member signs in with the new password, then must add a second factor
    let r = s
        .client()
        .post(format!("{}/masuk", s.url))
        .form(&[("address", "lina.marlina@batam.go.id"), ("password", "rotan-Pelangi-teluk-9-damai")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/masuk/faktor-baru");
    // the activation SMS went to the normalised number
    let sms = s.sms.wait_nth("+6281270000100", 1).await;
    assert!(sms.text.contains("/aktivasi/"));
}

#[tokio::test]
async fn every_change_is_in_an_intact_audit_chain() {
    let s = TestServer::start(Db::Sqlite).await;
    let auditor = s.signed_in(STAFF[1].1).await;
    let admin = s.signed_in(STAFF[0].1).await;
    let (status, text) = s
        .call(&admin, "/api/staff/add", json!({ "input": { "address": "budi.santoso@batam.go.id", "name": "", "phone": "", "role": "kasi", "unit": "" } }))
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, page) = s.call(&auditor, "/api/audit/list", json!({ "page": 0, "query": "" })).await;
    assert_eq!(status, StatusCode::OK);
    let page: serde_json::Value = serde_json::from_str(&page).unwrap();
    assert_eq!(page["chain_ok"], true);
    let actions: Vec<&str> = page["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"staff.role_granted") && actions.contains(&"auth.sign_in") && actions.contains(&"demo.seeded"), "{actions:?}");
    // tampering shows
    let db = s.dir.path().join("surel.db");
    let ok =
        Command::new("sqlite3").arg(&db).arg("UPDATE audit_log SET details = '{\"role\":\"admin\"}' WHERE action = 'staff.role_granted'").status().unwrap();
    assert!(ok.success());
    // the next verification (hourly, or by hand) names it, and the page shows it
    assert!(!s.cli(&["audit", "verify"]).status.success());
    let (_, page) = s.call(&auditor, "/api/audit/list", json!({ "page": 0, "query": "" })).await;
    let page: serde_json::Value = serde_json::from_str(&page).unwrap();
    assert_eq!(page["chain_ok"], false);
}

#[tokio::test]
async fn bad_configuration_is_named() {
    let out =
        Command::new(crate::support::surel_bin()).arg("serve").env("SUREL_BIND", "localhost").env("SUREL_SECRET", crate::support::SECRET).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SUREL_BIND") && err.contains("127.0.0.1:3000"), "{err}");
}
