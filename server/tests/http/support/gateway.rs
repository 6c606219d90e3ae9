//! A small SMS gateway on loopback that records what Surel sends. Like real
//! gateways it honours `Idempotency-Key`: a message posted again under a key
//! it has (a dispatcher that died between sending and recording) is answered
//! 200 and not sent twice; [`Gateway::duplicates`] counts those posts.
use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

#[derive(Clone, Debug)]
pub struct Sms {
    pub to: String,
    pub text: String,
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Default)]
struct Inbox {
    messages: Arc<Mutex<Vec<Sms>>>,
    keys: Arc<Mutex<std::collections::HashSet<String>>>,
    duplicates: Arc<Mutex<u64>>,
    /// Answer 503 to the next N posts (to test retries).
    fail_next: Arc<Mutex<u32>>,
}

pub struct Gateway {
    pub url: String,
    inbox: Inbox,
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, Json(v): Json<serde_json::Value>) -> axum::http::StatusCode {
    {
        let mut f = inbox.fail_next.lock().unwrap();
        if *f > 0 {
            *f -= 1;
            return axum::http::StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    let key = headers.get("idempotency-key").and_then(|h| h.to_str().ok()).map(str::to_string);
    if let Some(k) = &key {
        if !inbox.keys.lock().unwrap().insert(k.clone()) {
            *inbox.duplicates.lock().unwrap() += 1;
            return axum::http::StatusCode::OK;
        }
    }
    let sms = Sms { to: v["to"].as_str().unwrap_or_default().into(), text: v["text"].as_str().unwrap_or_default().into(), idempotency_key: key };
    inbox.messages.lock().unwrap().push(sms);
    axum::http::StatusCode::OK
}

impl Gateway {
    pub async fn start() -> Gateway {
        let inbox = Inbox::default();
        let app = Router::new().route("/sms", post(receive)).with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Gateway { url, inbox }
    }

    pub fn all(&self) -> Vec<Sms> {
        self.inbox.messages.lock().unwrap().clone()
    }

    pub fn to(&self, phone: &str) -> Vec<Sms> {
        self.all().into_iter().filter(|m| m.to == phone).collect()
    }

    /// Posts answered without sending: their key had been sent already.
    pub fn duplicates(&self) -> u64 {
        *self.inbox.duplicates.lock().unwrap()
    }

    pub fn fail_next(&self, n: u32) {
        *self.inbox.fail_next.lock().unwrap() = n;
    }

    /// Waits for the `n`-th message (1-based) to `phone`.
    pub async fn wait_nth(&self, phone: &str, n: usize) -> Sms {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let m = self.to(phone);
            if m.len() >= n {
                return m[n - 1].clone();
            }
            assert!(Instant::now() < deadline, "no SMS #{n} to {phone}; got {:?}", self.all());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits a little and returns everything sent to `phone` so far.
    pub async fn settle(&self, phone: &str) -> Vec<Sms> {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        self.to(phone)
    }
}

/// The 6-digit code in a reset SMS.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a 6-digit code").to_string()
}
