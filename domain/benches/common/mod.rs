//! What the database benches share.
use domain::auth::Actor;
use domain::{clock::SystemClock, config::Config, db, AppState};
use model::{Role, RoleGrant};
use std::sync::Arc;

/// The bench's state on `url` (not yet migrated): demo off, the system clock.
pub async fn open(url: &str) -> AppState {
    let mut config = Config::for_tests(url);
    config.demo = false;
    AppState::new(db::connect(url).await.unwrap(), config, Arc::new(SystemClock))
}

/// `state` with the planner statistics a database that has lived a while
/// has: on SQLite gathered as the server does (hourly) and read by a pool
/// opened afterwards (SQLite reads them when a connection opens), on
/// PostgreSQL as autovacuum would.
pub async fn with_statistics(state: AppState, url: &str) -> AppState {
    if url.starts_with("postgres") {
        sea_orm::ConnectionTrait::execute_unprepared(&state.db, "ANALYZE").await.unwrap();
        return state;
    }
    assert!(db::refresh_statistics(&state.db).await.unwrap());
    state.db.clone().close().await.unwrap();
    open(url).await
}

/// A signed-in staff member with one role, for one unit or (`None`) all.
pub fn actor(address: &str, role: Role, unit_id: Option<i32>) -> Actor {
    Actor {
        mailbox_id: 1,
        address: address.into(),
        name: address.split('@').next().unwrap_or(address).into(),
        grants: vec![RoleGrant { id: 0, role, unit_id, unit_name: None }],
        session_id: 0,
        locale: None,
        ip: None,
    }
}
