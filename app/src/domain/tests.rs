//! Domain tests against a real (in-memory) SQLite database and a clock the
//! tests move forward.
use super::clock::OffsetClock;
use super::config::Config;
use super::entities::outbox;
use super::{db, reset, seed, sessions, AppState};
use chrono::Duration;
use sea_orm::{EntityTrait, QueryOrder};
use std::sync::Arc;

pub async fn state_with_clock() -> (AppState, OffsetClock) {
    let clock = OffsetClock::default();
    let conn = db::connect("sqlite::memory:").await.unwrap();
    db::migrate(&conn).await.unwrap();
    let mut config = Config::for_tests("sqlite::memory:");
    config.sms = Some(super::config::SmsConfig { url: "http://127.0.0.1:9/sms".into(), token: None });
    config.demo = false;
    let state = AppState::new(conn, config, Arc::new(clock.clone()));
    seed::seed_demo(&state).await.unwrap();
    (state, clock)
}

/// A signed-in demo staff member (seeded by `seed_demo`).
pub async fn staff_actor(state: &AppState, address: &str) -> super::auth::Actor {
    use super::entities::{mailbox, session};
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(address)).one(&state.db).await.unwrap().unwrap();
    let now = state.now();
    let s = session::ActiveModel {
        token_hash: Set(format!("test-{address}-{}", super::crypto::random_token())),
        mailbox_id: Set(mb.id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(1)),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .unwrap();
    super::auth::actor_for_session(state, &s, None).await.unwrap().unwrap()
}

/// The code in the newest SMS (decrypted from the outbox, as the gateway would see it).
pub async fn last_code(state: &AppState) -> String {
    let row = outbox::Entity::find().order_by_desc(outbox::Column::Id).one(&state.db).await.unwrap().unwrap();
    let text = state.keys.open(&row.body_enc).unwrap();
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_string()
}

const OWNER: &str = "yusuf.hakim@batam.go.id";
const GOOD: &str = "kenari-Samudra-lentera-4-sagu";

fn codes(e: super::DomainError) -> Vec<String> {
    match e {
        super::DomainError::Invalid(f) => f.0.into_iter().map(|e| e.code).collect(),
        other => vec![format!("{other:?}")],
    }
}

#[tokio::test]
async fn codes_expire_after_ten_minutes() {
    let (state, clock) = state_with_clock().await;
    let token = reset::start(&state, OWNER, None).await.unwrap();
    let code = last_code(&state).await;
    clock.advance(Duration::minutes(10) + Duration::seconds(1));
    let err = reset::complete(&state, &token, &code, GOOD, GOOD, None).await.unwrap_err();
    assert_eq!(codes(err), vec!["code_expired"]);
}

#[tokio::test]
async fn a_valid_code_within_ten_minutes_works_once() {
    let (state, clock) = state_with_clock().await;
    let token = reset::start(&state, OWNER, None).await.unwrap();
    let code = last_code(&state).await;
    clock.advance(Duration::minutes(9));
    assert_eq!(reset::complete(&state, &token, &code, GOOD, GOOD, None).await.unwrap(), OWNER);
    let err = reset::complete(&state, &token, &code, GOOD, GOOD, None).await.unwrap_err();
    assert_eq!(codes(err), vec!["reset_expired"]);
}

#[tokio::test]
async fn a_resend_kills_the_previous_code_and_waits_a_minute() {
    let (state, clock) = state_with_clock().await;
    let token = reset::start(&state, OWNER, None).await.unwrap();
    let first = last_code(&state).await;
    assert_eq!(codes(reset::resend(&state, &token, None).await.unwrap_err()), vec!["resend_wait"]);
    clock.advance(Duration::seconds(61));
    reset::resend(&state, &token, None).await.unwrap();
    let second = last_code(&state).await;
    if first != second {
        let err = reset::complete(&state, &token, &first, GOOD, GOOD, None).await.unwrap_err();
        assert_eq!(codes(err), vec!["code_wrong"]);
    }
    reset::complete(&state, &token, &second, GOOD, GOOD, None).await.unwrap();
}

#[tokio::test]
async fn attempts_expire_after_half_an_hour() {
    let (state, clock) = state_with_clock().await;
    let token = reset::start(&state, OWNER, None).await.unwrap();
    assert!(reset::view(&state, &token).await.unwrap().is_some());
    clock.advance(Duration::minutes(31));
    assert!(reset::view(&state, &token).await.unwrap().is_none());
}

#[tokio::test]
async fn unknown_addresses_behave_like_wrong_codes() {
    let (state, _clock) = state_with_clock().await;
    let before = outbox::Entity::find().all(&state.db).await.unwrap().len();
    let token = reset::start(&state, "nobody@batam.go.id", None).await.unwrap();
    assert_eq!(outbox::Entity::find().all(&state.db).await.unwrap().len(), before, "no SMS for an unknown address");
    for _ in 0..4 {
        assert_eq!(codes(reset::complete(&state, &token, "123456", GOOD, GOOD, None).await.unwrap_err()), vec!["code_wrong"]);
    }
    assert_eq!(codes(reset::complete(&state, &token, "123456", GOOD, GOOD, None).await.unwrap_err()), vec!["code_dead"]);
    let v = reset::view(&state, &token).await.unwrap().unwrap();
    assert_eq!(v.verified, None);
}

#[tokio::test]
async fn a_reset_ends_staff_sessions_and_other_attempts() {
    let (state, _clock) = state_with_clock().await;
    // Budi is a Petugas: give him a session, and two reset attempts.
    let budi = "budi.santoso@batam.go.id";
    let signed = super::auth::sign_in(&state, budi, seed::DEMO_PASSWORD, None, None).await.unwrap();
    assert!(sessions::lookup(&state, &signed.token).await.unwrap().is_some());
    let other = reset::start(&state, budi, None).await.unwrap();
    let token = reset::start(&state, budi, None).await.unwrap();
    let code = last_code(&state).await;
    reset::complete(&state, &token, &code, GOOD, GOOD, None).await.unwrap();
    assert!(sessions::lookup(&state, &signed.token).await.unwrap().is_none(), "staff session ended");
    assert!(reset::view(&state, &other).await.unwrap().is_none(), "other attempt ended");
    assert!(super::auth::sign_in(&state, budi, GOOD, None, None).await.is_ok());
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_twelve_hours() {
    let (state, clock) = state_with_clock().await;
    let admin = "andi.pratama@batam.go.id";
    let s = super::auth::sign_in(&state, admin, seed::DEMO_PASSWORD, None, None).await.unwrap();
    clock.advance(Duration::minutes(29));
    assert!(sessions::lookup(&state, &s.token).await.unwrap().is_some(), "29 minutes idle is fine");
    clock.advance(Duration::minutes(30) + Duration::seconds(1));
    assert!(sessions::lookup(&state, &s.token).await.unwrap().is_none(), "30 minutes idle ends it");
    let s = super::auth::sign_in(&state, admin, seed::DEMO_PASSWORD, None, None).await.unwrap();
    for _ in 0..(12 * 60 / 20) {
        assert!(sessions::lookup(&state, &s.token).await.unwrap().is_some());
        clock.advance(Duration::minutes(20));
    }
    assert!(sessions::lookup(&state, &s.token).await.unwrap().is_none(), "12 hours at most");
}

#[tokio::test]
async fn the_audit_chain_detects_edits_and_deletions() {
    use sea_orm::ConnectionTrait;
    let (state, _clock) = state_with_clock().await;
    super::auth::sign_in(&state, "andi.pratama@batam.go.id", seed::DEMO_PASSWORD, None, None).await.unwrap();
    let ok = super::audit::verify_chain(&state.db).await.unwrap();
    assert_eq!(ok.broken_at, None);
    assert!(ok.rows >= 2);
    state.db.execute_unprepared("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").await.unwrap();
    assert!(super::audit::verify_chain(&state.db).await.unwrap().broken_at.is_some(), "deleting the last row shows");
}

#[tokio::test]
async fn rate_limits_count_per_window() {
    let (state, clock) = state_with_clock().await;
    let limit = super::rate_limit::Limit::new("test", 3, 60);
    let now = clock.now_for_tests();
    for _ in 0..3 {
        assert!(super::rate_limit::hit(&state.db, &limit, "x", now).await.unwrap());
    }
    assert!(!super::rate_limit::hit(&state.db, &limit, "x", now).await.unwrap());
    assert!(super::rate_limit::hit(&state.db, &limit, "y", now).await.unwrap(), "other subjects are separate");
    assert!(super::rate_limit::hit(&state.db, &limit, "x", now + Duration::seconds(61)).await.unwrap(), "a new window starts fresh");
}
