//! Sending one outbox message on its channel: SMS gateway (HTTP JSON),
//! Telegram Bot API, e-mail over SMTP. In demo mode a channel without a
//! gateway "delivers" to the outbox page and the log (codes redacted).
use crate::config::Config;
use crate::entities::outbox::Model as Row;
use crate::outbox::{redact, Channel};
use lettre::{message::header::ContentType, AsyncSmtpTransport, AsyncTransport, Message as Mail, Tokio1Executor};
use std::{sync::OnceLock, time::Duration};

#[derive(Debug)]
pub enum SendError {
    /// Worth trying again later (network, 5xx, 429).
    Retry(String),
    /// Will never work as it is (bad number, no gateway configured).
    Permanent(String),
}

fn http() -> &'static reqwest::Client {
    static C: OnceLock<reqwest::Client> = OnceLock::new();
    C.get_or_init(|| reqwest::Client::builder().timeout(Duration::from_secs(15)).connect_timeout(Duration::from_secs(5)).build().expect("http client"))
}

fn classify(status: reqwest::StatusCode, body: String) -> SendError {
    let msg = format!("HTTP {}: {}", status.as_u16(), body.chars().take(200).collect::<String>());
    if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
        SendError::Retry(msg)
    } else {
        SendError::Permanent(msg)
    }
}

/// Posts JSON; errors name neither the URL (a Telegram token lives in its
/// path) nor any secret the gateway might echo back.
async fn post_json(url: &str, token: Option<&str>, idempotency_key: &str, body: serde_json::Value, secrets: &[&str]) -> Result<(), SendError> {
    let mut req = http().post(url).header("Idempotency-Key", idempotency_key).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let scrubbed = |e: SendError| match e {
        SendError::Retry(m) => SendError::Retry(scrub(&m, secrets)),
        SendError::Permanent(m) => SendError::Permanent(scrub(&m, secrets)),
    };
    let res = req.send().await.map_err(|e| scrubbed(SendError::Retry(format!("network: {}", e.without_url()))))?;
    if res.status().is_success() {
        Ok(())
    } else {
        let status = res.status();
        Err(scrubbed(classify(status, res.text().await.unwrap_or_default())))
    }
}

/// Replaces every secret in a message with `***`.
pub fn scrub(message: &str, secrets: &[&str]) -> String {
    secrets.iter().filter(|s| s.len() >= 4).fold(message.to_string(), |m, s| m.replace(s, "***"))
}

/// Delivers one message. `Ok(Some(note))` records how (demo mode).
pub async fn deliver(cfg: &Config, row: &Row, body: &str) -> Result<Option<String>, SendError> {
    let channel = Channel::from_code(&row.channel).ok_or_else(|| SendError::Permanent(format!("unknown channel {}", row.channel)))?;
    let demo = |what: &str| {
        tracing::info!(channel = %row.channel, to = %row.recipient, text = %redact(body), "message kept on the outbox page (demo mode, no {what})");
        Ok(Some(format!("demo: no {what}; shown on the outbox page")))
    };
    match channel {
        Channel::Sms => match &cfg.sms {
            Some(sms) => {
                let secrets: Vec<&str> = sms.token.as_deref().into_iter().collect();
                post_json(&sms.url, sms.token.as_deref(), &row.message_key, serde_json::json!({ "to": row.recipient, "text": body }), &secrets)
                    .await
                    .map(|_| None)
            }
            None if cfg.demo => demo("SMS gateway"),
            None => Err(SendError::Permanent("no SMS gateway configured (SUREL_SMS_URL)".into())),
        },
        Channel::Telegram => match &cfg.telegram {
            Some(tg) => {
                let url = format!("{}/bot{}/sendMessage", tg.api_base, tg.token);
                post_json(&url, None, &row.message_key, serde_json::json!({ "chat_id": row.recipient, "text": body }), &[&tg.token]).await.map(|_| None)
            }
            None if cfg.demo => demo("Telegram bot"),
            None => Err(SendError::Permanent("no Telegram bot configured".into())),
        },
        Channel::Email => match &cfg.smtp {
            Some(smtp) => {
                let mail = Mail::builder()
                    .from(smtp.from.parse().map_err(|e| SendError::Permanent(format!("mail_from: {e}")))?)
                    .to(row.recipient.parse().map_err(|e| SendError::Permanent(format!("recipient: {e}")))?)
                    .subject(row.subject.clone().unwrap_or_else(|| "Surel".into()))
                    .header(ContentType::TEXT_PLAIN)
                    .message_id(Some(format!("<{}@surel>", row.message_key.replace(['<', '>', '@', ' '], "-"))))
                    .body(body.to_string())
                    .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
                    .map_err(|e| SendError::Permanent(format!("smtp_url: {e}")))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                match transport.send(mail).await {
                    Ok(_) => Ok(None),
                    Err(e) if e.is_permanent() => Err(SendError::Permanent(format!("smtp: {e}"))),
                    Err(e) => Err(SendError::Retry(format!("smtp: {e}"))),
                }
            }
            None if cfg.demo => demo("SMTP server"),
            None => Err(SendError::Permanent("no SMTP server configured".into())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gateway that cannot be reached: the error names neither the URL's
    /// token nor the bearer token.
    #[tokio::test]
    async fn gateway_errors_carry_no_token() {
        let token = "123456:SECRET-bot-token";
        let url = format!("http://127.0.0.1:9/bot{token}/sendMessage");
        let err = post_json(&url, Some("bearer-secret-xyz"), "k", serde_json::json!({}), &[token, "bearer-secret-xyz"]).await.unwrap_err();
        let SendError::Retry(m) = err else { panic!("network errors are retried") };
        assert!(!m.contains("SECRET") && !m.contains("bearer-secret"), "{m}");
        assert_eq!(scrub("HTTP 401: bad token 123456:SECRET-bot-token", &[token]), "HTTP 401: bad token ***");
    }
}
