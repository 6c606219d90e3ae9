//! Test fixtures for the domain's unit tests: a fresh in-memory SQLite
//! database with the demo seed, a clock the tests move forward, signed-in
//! staff, and the code of the last SMS.
use crate::clock::OffsetClock;
use crate::config::Config;
use crate::entities::outbox;
use crate::{db, seed, AppState};
use chrono::Duration;
use sea_orm::{EntityTrait, QueryOrder};
use std::sync::Arc;

pub async fn state_with_clock() -> (AppState, OffsetClock) {
    let clock = OffsetClock::default();
    let conn = db::connect("sqlite::memory:").await.unwrap();
    db::migrate(&conn).await.unwrap();
    let mut config = Config::for_tests("sqlite::memory:");
    config.sms = Some(crate::config::SmsConfig { url: "http://127.0.0.1:9/sms".into(), token: None });
    config.demo = false;
    let state = AppState::new(conn, config, Arc::new(clock.clone()));
    seed::seed_demo(&state).await.unwrap();
    (state, clock)
}

/// A signed-in demo staff member (seeded by `seed_demo`).
pub async fn staff_actor(state: &AppState, address: &str) -> crate::auth::Actor {
    use crate::entities::{mailbox, session};
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(address)).one(&state.db).await.unwrap().unwrap();
    let now = state.now();
    let s = session::ActiveModel {
        token_hash: Set(format!("test-{address}-{}", crate::crypto::random_token())),
        mailbox_id: Set(mb.id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(1)),
        kind: Set("staff".into()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .unwrap();
    crate::auth::actor_for_session(state, &s, None).await.unwrap().unwrap()
}

/// Both sign-in steps with the demo TOTP secret: the password, then the
/// code of the next time step the factor has not used yet.
pub async fn sign_in_fully(state: &AppState, address: &str, password: &str) -> crate::DomainResult<crate::auth::SignedIn> {
    use crate::entities::{mailbox, staff_factor};
    use crate::second_factor::{code_at, step_of, verify, CodeKind, DEMO_TOTP_SECRET};
    use sea_orm::{ColumnTrait, QueryFilter};
    let opened = crate::auth::sign_in(state, address, password, "/admin", None, None).await?;
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(address)).one(&state.db).await?.unwrap();
    let last =
        staff_factor::Entity::find().filter(staff_factor::Column::MailboxId.eq(mb.id)).all(&state.db).await?.into_iter().filter_map(|f| f.last_step).max();
    let now = step_of(state.now());
    let step = last.map(|l| (l + 1).max(now - 1)).unwrap_or(now - 1);
    assert!(step <= now + 1, "more than three sign-ins of {address} in 30 seconds");
    Ok(verify(state, &opened.token, CodeKind::Totp, &code_at(DEMO_TOTP_SECRET, step), None, None).await?.0)
}

/// The code in the newest SMS (decrypted from the outbox, as the gateway would see it).
pub async fn last_code(state: &AppState) -> String {
    let row = outbox::Entity::find().order_by_desc(outbox::Column::Id).one(&state.db).await.unwrap().unwrap();
    let text = state.keys.open(&row.body_enc).unwrap();
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_string()
}
