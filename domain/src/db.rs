//! Connecting to SQLite or PostgreSQL, and bringing the schema up to date.
use crate::entities::audit_head;
use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait, Set};
use std::time::Duration;

/// Opens the database named by `url` (`sqlite://path?mode=rwc` or `postgres://…`).
/// Every pooled SQLite connection gets WAL (readers never block the writer,
/// Dovecot reads alongside), foreign keys and a generous busy timeout
/// (writers queue instead of failing). (A memory-mapped file was measured
/// for the directory's search: on this VM it added 100 ms stalls.) PostgreSQL
/// connections turn off synchronised sequential scans: with them a scan
/// with `LIMIT` starts where another one stopped, so the directory's "first
/// 1,000 matches" would change from one search to the next.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut url = url.to_string();
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
    }
    if let Some(path) = url.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or("")) {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
    }
    let mut opts = ConnectOptions::new(url.clone());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
        opts.max_connections(if url.contains(":memory:") { 1 } else { 8 }).min_connections(1);
        // per connection, not once on the pool: each of the eight needs them
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal).busy_timeout(Duration::from_secs(30)).foreign_keys(true).synchronous(SqliteSynchronous::Normal)
        });
    } else {
        opts.max_connections(16);
        opts.map_sqlx_postgres_opts(|o| o.options([("synchronize_seqscans", "off")]));
    }
    let db = Database::connect(opts).await.with_context(|| format!("cannot open database {}", redact(&url)))?;
    Ok(db)
}

/// Runs pending migrations and makes sure the audit chain has its head row.
/// Migrations this binary has that the database has not run (`/readyz`:
/// an instance older or newer than the schema says so instead of serving).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.len())
}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("migration failed")?;
    if audit_head::Entity::find_by_id(1).one(db).await?.is_none() {
        audit_head::Entity::insert(audit_head::ActiveModel {
            id: Set(1),
            last_id: Set(0),
            last_hash: Set(super::audit::GENESIS.to_string()),
            updated_at: Set(chrono::Utc::now()),
            // a new database is keyed from its first row
            scheme: Set(super::audit::SCHEME_KEYED),
            verified_at: Set(None),
            verified_rows: Set(0),
            verified_broken_at: Set(None),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("postgres://surel:geheim@127.0.0.1/surel"), "postgres://surel:***@127.0.0.1/surel");
        assert_eq!(super::redact("sqlite://data/surel.db"), "sqlite://data/surel.db");
    }
}
