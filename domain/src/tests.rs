//! Domain tests (reset, sessions, audit chain, rate limits) against a real
//! (in-memory) SQLite database and a clock the tests move forward.
use crate::entities::outbox;
use crate::testing::*;
use crate::{reset, seed, sessions, AppState};
use chrono::Duration;
use sea_orm::{EntityTrait, QueryOrder};

const OWNER: &str = "yusuf.hakim@batam.go.id";
const GOOD: &str = "kenari-Samudra-lentera-4-sagu";

fn codes(e: super::DomainError) -> Vec<String> {
    match e {
        super::DomainError::Invalid(f) => f.0.into_iter().map(|e| e.code.to_string()).collect(),
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
    let signed = sign_in_fully(&state, budi, seed::DEMO_PASSWORD).await.unwrap();
    assert!(sessions::lookup(&state, &signed.token).await.unwrap().is_some());
    let other = reset::start(&state, budi, None).await.unwrap();
    let token = reset::start(&state, budi, None).await.unwrap();
    let code = last_code(&state).await;
    reset::complete(&state, &token, &code, GOOD, GOOD, None).await.unwrap();
    assert!(sessions::lookup(&state, &signed.token).await.unwrap().is_none(), "staff session ended");
    assert!(reset::view(&state, &other).await.unwrap().is_none(), "other attempt ended");
    assert!(super::auth::sign_in(&state, budi, GOOD, "/admin", None, None).await.is_ok(), "the new password works");
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_twelve_hours() {
    let (state, clock) = state_with_clock().await;
    let admin = "andi.pratama@batam.go.id";
    let s = sign_in_fully(&state, admin, seed::DEMO_PASSWORD).await.unwrap();
    clock.advance(Duration::minutes(29));
    assert!(sessions::lookup(&state, &s.token).await.unwrap().is_some(), "29 minutes idle is fine");
    clock.advance(Duration::minutes(30) + Duration::seconds(1));
    assert!(sessions::lookup(&state, &s.token).await.unwrap().is_none(), "30 minutes idle ends it");
    let s = sign_in_fully(&state, admin, seed::DEMO_PASSWORD).await.unwrap();
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
    super::auth::sign_in(&state, "andi.pratama@batam.go.id", seed::DEMO_PASSWORD, "/admin", None, None).await.unwrap();
    let ok = super::audit::verify_chain(&state.db, &state.keys).await.unwrap();
    assert_eq!(ok.broken_at, None);
    assert!(ok.rows >= 2);
    // an edit in the middle is named by its entry
    let mid: i64 = state
        .db
        .query_one(sea_orm::Statement::from_string(state.db.get_database_backend(), "SELECT MIN(id) + 1 AS id FROM audit_log"))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    state.db.execute_unprepared(&format!("UPDATE audit_log SET details = '{{\"x\":1}}' WHERE id = {mid}")).await.unwrap();
    assert_eq!(super::audit::verify_chain(&state.db, &state.keys).await.unwrap().broken_at, Some(mid));
    // the verdict is kept for the audit page
    let recorded = super::audit::verify_and_record(&state).await.unwrap();
    let head = super::entities::audit_head::Entity::find_by_id(1).one(&state.db).await.unwrap().unwrap();
    assert_eq!((head.verified_broken_at, head.verified_rows as u64), (Some(mid), recorded.rows));
    assert!(head.verified_at.is_some());
    state.db.execute_unprepared("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").await.unwrap();
    assert!(super::audit::verify_chain(&state.db, &state.keys).await.unwrap().broken_at.is_some(), "deleting the last row shows");
}

/// Someone who can write to the database but lacks the server secret cannot
/// forge a chain: one rebuilt with plain SHA-256 (or another key) fails.
#[tokio::test]
async fn the_audit_chain_needs_the_server_key() {
    let (state, _clock) = state_with_clock().await;
    super::auth::sign_in(&state, "andi.pratama@batam.go.id", seed::DEMO_PASSWORD, "/admin", None, None).await.unwrap();
    let other = super::crypto::Keys::from_secret(b"not-the-server-secret-0123456789");
    assert_eq!(super::audit::verify_chain(&state.db, &other).await.unwrap().broken_at, Some(1), "another key fails from the first entry");
    assert_eq!(super::audit::verify_chain(&state.db, &state.keys).await.unwrap().broken_at, None);
}

/// A database written before keyed hashing: an intact plain-SHA chain is
/// re-keyed once at start-up, and the re-keying is logged.
#[tokio::test]
async fn an_intact_legacy_chain_is_keyed_once() {
    use super::entities::{audit_entry, audit_head};
    use sea_orm::{sea_query::Expr, ColumnTrait, QueryFilter};
    let (state, _clock) = state_with_clock().await;
    super::auth::sign_in(&state, "andi.pratama@batam.go.id", seed::DEMO_PASSWORD, "/admin", None, None).await.unwrap();
    // rewrite the chain as the old code wrote it
    let mut prev = super::audit::GENESIS.to_string();
    for r in audit_entry::Entity::find().order_by_asc(audit_entry::Column::Id).all(&state.db).await.unwrap() {
        let canonical = serde_json::json!([
            prev,
            r.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            r.actor_mailbox_id,
            r.actor_label,
            r.action,
            r.target_type,
            r.target_id,
            r.details,
            r.ip
        ])
        .to_string();
        let h = super::crypto::sha256_hex(canonical.as_bytes());
        audit_entry::Entity::update_many()
            .col_expr(audit_entry::Column::PrevHash, Expr::value(prev.clone()))
            .col_expr(audit_entry::Column::Hash, Expr::value(h.clone()))
            .filter(audit_entry::Column::Id.eq(r.id))
            .exec(&state.db)
            .await
            .unwrap();
        prev = h;
    }
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::LastHash, Expr::value(prev))
        .col_expr(audit_head::Column::Scheme, Expr::value(0))
        .exec(&state.db)
        .await
        .unwrap();
    assert!(super::audit::verify_chain(&state.db, &state.keys).await.unwrap().broken_at.is_some());
    super::audit::ensure_keyed(&state).await.unwrap();
    assert_eq!(super::audit::verify_chain(&state.db, &state.keys).await.unwrap().broken_at, None);
    let last = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).one(&state.db).await.unwrap().unwrap();
    assert_eq!(last.action, "audit.keyed");
    super::audit::ensure_keyed(&state).await.unwrap();
    assert_eq!(audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).one(&state.db).await.unwrap().unwrap().id, last.id, "only once");
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

/// The 6th attempt of the day gets no SMS, and so no usable code either.
#[tokio::test]
async fn a_withheld_code_is_not_stored() {
    use super::entities::reset_attempt;
    use sea_orm::{ColumnTrait, QueryFilter};
    let (state, _clock) = state_with_clock().await;
    for _ in 0..reset::SMS_PER_ACCOUNT.max {
        reset::start(&state, OWNER, None).await.unwrap();
    }
    let sms_before = outbox::Entity::find().all(&state.db).await.unwrap().len();
    let token = reset::start(&state, OWNER, None).await.unwrap();
    assert_eq!(outbox::Entity::find().all(&state.db).await.unwrap().len(), sms_before, "withheld");
    let row = reset_attempt::Entity::find()
        .filter(reset_attempt::Column::Address.eq(OWNER))
        .order_by_desc(reset_attempt::Column::Id)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.code_seq, row.code_mac), (1, None), "nothing to guess");
    assert_eq!(codes(reset::complete(&state, &token, "123456", GOOD, GOOD, None).await.unwrap_err()), vec!["code_wrong"]);
}

/// Twenty wrong codes over several attempts pause the address: the real
/// code of a live attempt is then refused like a wrong one, new attempts get
/// no SMS, the owner is told once, and a quiet day lifts it.
#[tokio::test]
async fn twenty_wrong_codes_pause_an_address_until_a_quiet_day() {
    let (state, clock) = state_with_clock().await;
    let live = reset::start(&state, OWNER, None).await.unwrap();
    let live_code = last_code(&state).await;
    for _ in 0..4 {
        let t = reset::start(&state, OWNER, None).await.unwrap();
        for _ in 0..5 {
            assert!(reset::complete(&state, &t, if live_code == "000000" { "111111" } else { "000000" }, GOOD, GOOD, None).await.is_err());
        }
    }
    let paused_messages = |state: AppState| async move {
        let rows = outbox::Entity::find().all(&state.db).await.unwrap();
        rows.iter().filter_map(|r| state.keys.open(&r.body_enc)).filter(|t| t.contains("dihentikan")).count()
    };
    assert_eq!(paused_messages(state.clone()).await, 1, "told once");
    assert_eq!(codes(reset::complete(&state, &live, &live_code, GOOD, GOOD, None).await.unwrap_err()), vec!["reset_expired"], "open attempts end");
    let before = outbox::Entity::find().all(&state.db).await.unwrap().len();
    let t = reset::start(&state, OWNER, None).await.unwrap();
    assert_eq!(outbox::Entity::find().all(&state.db).await.unwrap().len(), before, "no code while paused");
    assert_eq!(codes(reset::complete(&state, &t, "123456", GOOD, GOOD, None).await.unwrap_err()), vec!["code_wrong"]);
    // a whole day without a counted wrong code lifts it (refused guesses do not extend the pause)
    clock.advance(Duration::hours(24) + Duration::minutes(1));
    let t = reset::start(&state, OWNER, None).await.unwrap();
    let code = last_code(&state).await;
    assert_eq!(reset::complete(&state, &t, &code, GOOD, GOOD, None).await.unwrap(), OWNER);
    assert_eq!(paused_messages(state.clone()).await, 1);
}

/// A completed reset ends the mailbox's unused activation links.
#[tokio::test]
async fn a_reset_ends_unused_activation_links() {
    use super::audit::{Change, Who};
    use super::entities::mailbox;
    use sea_orm::{ColumnTrait, QueryFilter};
    let (state, _clock) = state_with_clock().await;
    let mb = mailbox::Entity::find().filter(mailbox::Column::Address.eq(OWNER)).one(&state.db).await.unwrap().unwrap();
    let mut change = Change::begin(&state, Who::system("test")).await.unwrap();
    let link = super::activation::issue_link(&mut change, &state, mb.id, "test").await.unwrap();
    change.commit().await.unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();
    assert!(super::activation::lookup(&state.db, &token, state.now()).await.unwrap().is_some());
    let attempt = reset::start(&state, OWNER, None).await.unwrap();
    let code = last_code(&state).await;
    reset::complete(&state, &attempt, &code, GOOD, GOOD, None).await.unwrap();
    assert!(super::activation::lookup(&state.db, &token, state.now()).await.unwrap().is_none(), "the old link cannot set the password again");
}

/// A right password gives its failure slot back: only failures count, and a
/// completed sign-in (both steps) forgets them.
#[tokio::test]
async fn a_right_password_gives_its_slot_back() {
    let (state, _clock) = state_with_clock().await;
    let admin = "andi.pratama@batam.go.id";
    let wrong = || super::auth::sign_in(&state, admin, "bukan-sandi-ini", "/admin", None, None);
    for _ in 0..4 {
        assert!(matches!(wrong().await, Err(super::DomainError::Invalid(_))));
    }
    // the right password takes the 5th slot and gives it back
    super::auth::sign_in(&state, admin, seed::DEMO_PASSWORD, "/admin", None, None).await.unwrap();
    assert!(matches!(wrong().await, Err(super::DomainError::Invalid(_))), "the 5th failure is still checked");
    assert!(
        matches!(super::auth::sign_in(&state, admin, seed::DEMO_PASSWORD, "/admin", None, None).await, Err(super::DomainError::RateLimited { .. })),
        "then even the right one waits"
    );
    // another account is not affected, and a full sign-in forgets its failures
    let budi = "budi.santoso@batam.go.id";
    for _ in 0..4 {
        assert!(super::auth::sign_in(&state, budi, "bukan-sandi-ini", "/admin", None, None).await.is_err());
    }
    sign_in_fully(&state, budi, seed::DEMO_PASSWORD).await.unwrap();
    for _ in 0..5 {
        assert!(matches!(super::auth::sign_in(&state, budi, "bukan-sandi-ini", "/admin", None, None).await, Err(super::DomainError::Invalid(_))));
    }
}
