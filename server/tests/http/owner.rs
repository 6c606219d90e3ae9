//! `/akun` over HTTP, as a browser without JavaScript uses it: the owner's
//! sign-in (throttled like the staff's, even under a parallel burst), the
//! page, changing the password knowing the current one, and what an owner
//! session may not open.
use crate::support::TestServer;
use domain::seed::DEMO_PASSWORD;
use reqwest::{header, Client, StatusCode};

const OWNER: &str = "yusuf.hakim@batam.go.id";
const OWNER_PHONE: &str = "+6281290000001";
const NEW_PASSWORD: &str = "kenari-Samudra-lentera-4-sagu";

async fn post(s: &TestServer, c: &Client, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(format!("{}/akun", s.url)).form(form).send().await.unwrap()
}

async fn sign_in(s: &TestServer, c: &Client, address: &str, password: &str) -> reqwest::Response {
    post(s, c, &[("action", "sign_in"), ("address", address), ("password", password)]).await
}

async fn page(s: &TestServer, c: &Client) -> String {
    c.get(format!("{}/akun", s.url)).send().await.unwrap().text().await.unwrap()
}

fn owner_token(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("surel_akun=") && !v.starts_with("surel_akun=;"))
        .map(|v| v.split(';').next().unwrap_or("").trim_start_matches("surel_akun=").to_string())
}

#[tokio::test]
async fn owners_sign_in_see_their_account_and_change_the_password() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let c = s.client();
        let html = page(&s, &c).await;
        assert!(html.contains(r#"data-testid="owner-sign-in""#) && html.contains(r#"autocomplete="current-password""#), "{db:?}: sign-in form");
        // wrong password and unknown account read the same
        let wrong = sign_in(&s, &c, OWNER, "bukan-sandinya").await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(owner_token(&wrong).is_none());
        assert!(wrong.text().await.unwrap().contains("Alamat email atau kata sandi salah."));
        let unknown = sign_in(&s, &c, "tidak.ada@batam.go.id", "bukan-sandinya").await;
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.text().await.unwrap().contains("Alamat email atau kata sandi salah."));

        let other = s.client();
        assert_eq!(sign_in(&s, &other, OWNER, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let r = sign_in(&s, &c, OWNER, DEMO_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{db:?}");
        let cookie = r.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find(|v| v.starts_with("surel_akun=")).unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let token = owner_token(&r).unwrap();

        // the page: masked phone with the desk link, no full number, requests, other sessions
        let html = page(&s, &c).await;
        assert!(html.contains("Yusuf Hakim") && html.contains("+62 812-****-001"), "{db:?}: masked phone shown");
        assert!(!html.contains("81290000001"), "the full number never reaches the page");
        assert!(html.contains(r#"href="/ganti-sandi/tanpa-sms""#), "the desk procedure is linked");
        assert!(html.contains("Sesi lain yang masih aktif: 1."), "{db:?}: the other browser's session");
        assert!(html.contains(r#"name="current""#) && html.contains(r#"autocomplete="new-password""#));

        // an owner session opens nothing of the staff's, under either cookie name
        let (status, _) = s.call(&c, "/api/mailboxes/list", serde_json::json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{db:?}: the owner cookie is no staff session");
        let as_staff = s.client_with_session(&token);
        let r = as_staff.get(format!("{}/admin", s.url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{db:?}: /admin sends an owner token to sign in");
        let (status, _) = s.call(&as_staff, "/api/mailboxes/list", serde_json::json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{db:?}: no staff function with an owner token");

        // wrong current password, mismatched new ones: every problem at once
        let r = post(&s, &c, &[("action", "change_password"), ("current", "bukan-ini"), ("password", NEW_PASSWORD), ("password_confirm", "lain")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        // (the page also carries the light bundle's texts: read the fields' messages)
        let said =
            |id: &str, text: &str| html.split_once(&format!(r#"id="{id}""#)).is_some_and(|(_, rest)| rest.chars().take(300).collect::<String>().contains(text));
        assert!(said("current-error", "Kata sandi saat ini salah."), "{db:?}: the current password");
        assert!(said("password_confirm-error", "Kedua kata sandi tidak sama."), "{db:?}: the mismatch, at the same time");
        // the same password again is refused
        let r =
            post(&s, &c, &[("action", "change_password"), ("current", DEMO_PASSWORD), ("password", DEMO_PASSWORD), ("password_confirm", DEMO_PASSWORD)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Kata sandi baru sama dengan yang sekarang."));

        let r =
            post(&s, &c, &[("action", "change_password"), ("current", DEMO_PASSWORD), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{db:?}");
        assert_eq!(r.headers()[header::LOCATION], "/akun?tersimpan=1");
        let told = s.sms.wait_nth(OWNER_PHONE, 1).await;
        assert!(told.text.contains("diganti") && told.text.contains(OWNER), "{}", told.text);
        // this session stays, the other one ended, the old password is gone
        assert!(page(&s, &c).await.contains("Sesi lain yang masih aktif: 0."), "{db:?}");
        assert!(page(&s, &other).await.contains(r#"data-testid="owner-sign-in""#), "{db:?}: the other session ended");
        assert_eq!(sign_in(&s, &s.client(), OWNER, DEMO_PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(sign_in(&s, &s.client(), OWNER, NEW_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        // no plaintext password in the log
        assert!(!s.log().contains(NEW_PASSWORD));

        // signing out ends the session
        let r = post(&s, &c, &[("action", "sign_out")]).await;
        assert_eq!(r.headers()[header::LOCATION], "/akun?keluar=1");
        let r =
            post(&s, &s.client_with_owner(&token), &[("action", "change_password"), ("current", NEW_PASSWORD), ("password", "x"), ("password_confirm", "x")])
                .await;
        assert_eq!(r.headers()[header::LOCATION], "/akun", "{db:?}: an ended session changes nothing");
        // every step is in the audit chain, and the chain is intact
        let (status, audit) = s.call(&s.signed_in(crate::support::STAFF[1].1).await, "/api/audit/list", serde_json::json!({ "page": 0, "query": "" })).await;
        assert_eq!(status, StatusCode::OK);
        let audit: serde_json::Value = serde_json::from_str(&audit).unwrap();
        assert_eq!(audit["chain_ok"], true);
        let actions: Vec<&str> = audit["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
        for a in ["owner.sign_in", "owner.password_wrong", "owner.password_changed", "owner.sign_out"] {
            assert!(actions.contains(&a), "{db:?}: {a} missing from {actions:?}");
        }
    }
}

/// 40 parallel wrong passwords for one account, each from its own address:
/// exactly the account's limit is checked, the rest are told to wait, and
/// then even the right password waits (shared with the staff sign-in).
#[tokio::test]
async fn parallel_wrong_passwords_stop_at_the_account_limit() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let target = "nurul.aini@batam.go.id";
        let tries = (0..40).map(|i| {
            let c = s.client();
            let url = format!("{}/akun", s.url);
            async move {
                c.post(url)
                    .header("x-forwarded-for", format!("10.9.{}.{}", i / 200, i % 200 + 1))
                    .form(&[("action", "sign_in"), ("address", target), ("password", "bukan-sandinya")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        });
        let statuses = futures::future::join_all(tries).await;
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        let held = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((checked, held), (5, 35), "{db:?}: {statuses:?}");
        let r = sign_in(&s, &s.client(), target, DEMO_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{db:?}");
        assert!(r.text().await.unwrap().contains("Terlalu banyak percobaan"));
        let r = s.client().post(format!("{}/masuk", s.url)).form(&[("address", target), ("password", DEMO_PASSWORD)]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{db:?}: the staff door shares the count");
    }
}
