//! Connecting to SQLite or PostgreSQL, and bringing the schema up to date.
use crate::entities::audit_head;
use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait, Set};
use std::time::Duration;

/// Opens the database named by `url` (`sqlite://path?mode=rwc` or `postgres://…`).
/// Every pooled SQLite connection gets WAL (readers never block the writer,
/// Dovecot reads alongside), foreign keys and a generous busy timeout
/// (writers queue instead of failing), and a page cache of 32 MiB instead
/// of SQLite's 2 MiB: at a million mailboxes a directory search read its
/// index pages from the file again on every search (bench: one unit and a
/// common surname, p50 14 → 8 ms). Eight connections hold 256 MiB at most;
/// a write by any of them empties the others' caches (WAL). (A
/// memory-mapped file was measured for the directory's search: on this VM
/// it added 100 ms stalls.) PostgreSQL
/// connections turn off synchronised sequential scans: with them a scan
/// with `LIMIT` starts where another one stopped, so the directory's "first
/// 1,000 matches" would change from one search to the next. PostgreSQL
/// connections are opened as needed ([`Pool::OnDemand`]): for commands and
/// tests; the server uses [`connect_server`].
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    open(url, Pool::OnDemand).await
}

/// How many connections a PostgreSQL pool keeps open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pool {
    /// Opened as needed (a command that runs and ends).
    OnDemand,
    /// All [`PG_CONNECTIONS`] opened at start and kept (`surel serve`): a
    /// new PostgreSQL connection is a new server process whose first
    /// statements find its caches empty, and a burst of requests is when
    /// a pool grows. 50 resets at once forked 14 of them; kept open (and
    /// checked only after a pause), PostgreSQL's CPU over the
    /// burst fell by a third, most of it this setting's.
    KeptOpen,
}

/// Connections per instance to PostgreSQL; two instances kept open use 32
/// of PostgreSQL's default 100.
pub const PG_CONNECTIONS: u32 = 16;

/// [`connect`] for the server: see [`Pool::KeptOpen`] (SQLite's pool is the
/// same either way).
pub async fn connect_server(url: &str) -> anyhow::Result<DatabaseConnection> {
    open(url, Pool::KeptOpen).await
}

async fn open(url: &str, pool: Pool) -> anyhow::Result<DatabaseConnection> {
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
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
                // KiB when negative
                .pragma("cache_size", "-32768")
        });
    } else {
        opts.max_connections(PG_CONNECTIONS);
        if pool == Pool::KeptOpen {
            opts.min_connections(PG_CONNECTIONS);
        }
        return connect_postgres(&url, opts).await;
    }
    let db = Database::connect(opts).await.with_context(|| format!("cannot open database {}", redact(&url)))?;
    Ok(db)
}

/// A connection released less than this long ago is handed out again
/// without a round trip to check it (PgBouncer's `server_check_delay`,
/// 30 s by default, is the same idea).
const PG_CHECK_AFTER_IDLE: Duration = Duration::from_secs(1);

/// PostgreSQL's pool, built here rather than by sea-orm for one setting:
/// sqlx checks every connection it hands out with a round trip (and again
/// when it takes it back), so a statement outside a transaction cost three
/// round trips. Here only a connection idle for [`PG_CHECK_AFTER_IDLE`] is
/// checked first: one left over from before a database restart (which
/// takes longer than that) is still found dead and replaced, while a burst
/// of requests saves a round trip per statement outside a transaction (50
/// resets at once: PostgreSQL's CPU about 8 % lower by this alone, the
/// rest of the third is [`Pool::KeptOpen`]). Connections turn off
/// synchronised sequential scans (see [`connect`]).
async fn connect_postgres(url: &str, opts: ConnectOptions) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::sqlx::{
        postgres::{PgConnectOptions, Postgres},
        ConnectOptions as _, Connection as _,
    };
    let options = url
        .parse::<PgConnectOptions>()
        .with_context(|| format!("cannot read database address {}", redact(url)))?
        .disable_statement_logging()
        .options([("synchronize_seqscans", "off")]);
    let pool = opts
        .sqlx_pool_options::<Postgres>()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PG_CHECK_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {}", redact(url)))?;
    Ok(sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// Runs pending migrations and makes sure the audit chain has its head row.
/// How the database's schema stands against this binary's migrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    Current,
    /// This many of the binary's migrations have not run (`surel migrate`).
    Behind(usize),
    /// The database ran migrations this binary does not know: a newer
    /// instance migrated it (a rolling upgrade; migrations are additive).
    Ahead,
}

/// Reads the migrations table only (`/readyz` asks often; sea-orm's own
/// check would create the table when missing).
pub async fn schema(db: &DatabaseConnection) -> Result<Schema, DbErr> {
    use sea_orm::ConnectionTrait;
    let stmt = sea_orm::Statement::from_string(db.get_database_backend(), "SELECT version FROM seaql_migrations");
    let applied: Vec<String> = db.query_all(stmt).await?.iter().map(|r| r.try_get::<String>("", "version")).collect::<Result<_, _>>()?;
    let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
    if applied.iter().any(|a| !known.contains(a)) {
        return Ok(Schema::Ahead);
    }
    Ok(match known.iter().filter(|k| !applied.contains(k)).count() {
        0 => Schema::Current,
        n => Schema::Behind(n),
    })
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

/// SQLite: keeps the query planner's statistics (`sqlite_stat1`) current,
/// as PostgreSQL's autovacuum does by itself. Without them SQLite guesses
/// from the schema alone. `PRAGMA optimize` analyses only tables never
/// analysed or grown or shrunk a lot since, each within a bounded sample,
/// so it is cheap to run at start and every hour. Returns whether
/// statistics for the mailboxes exist afterwards (always `true` on
/// PostgreSQL).
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(true);
    }
    // 0x10000: check every table, not only those this pooled connection used
    db.execute_unprepared("PRAGMA optimize=0x10002").await?;
    let has = db
        .query_one(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1' AND EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'mailboxes')",
        ))
        .await?;
    Ok(has.is_some())
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

    /// A seeded database without statistics gets them from one refresh;
    /// a second refresh finds nothing to do and keeps them.
    #[tokio::test]
    async fn statistics_are_gathered() {
        use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
        let (state, _clock) = crate::testing::state_with_clock().await;
        let stat = "SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'";
        let tables = state.db.query_one(Statement::from_string(DatabaseBackend::Sqlite, stat)).await.unwrap().unwrap();
        assert_eq!(tables.try_get::<i64>("", "n").unwrap(), 0, "a new database has none");
        assert!(super::refresh_statistics(&state.db).await.unwrap());
        assert!(super::refresh_statistics(&state.db).await.unwrap(), "and again");
    }

    /// `/readyz`'s view of the schema: current after `migrate`, behind when a
    /// migration has not run, ahead when a newer binary migrated it.
    #[tokio::test]
    async fn the_schema_is_current_behind_or_ahead() {
        use super::{connect, migrate, schema, Schema};
        use sea_orm::ConnectionTrait;
        let db = connect("sqlite::memory:").await.unwrap();
        migrate(&db).await.unwrap();
        assert_eq!(schema(&db).await.unwrap(), Schema::Current);
        db.execute_unprepared("DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)").await.unwrap();
        assert_eq!(schema(&db).await.unwrap(), Schema::Behind(1));
        db.execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_from_a_newer_binary', 0)").await.unwrap();
        assert_eq!(schema(&db).await.unwrap(), Schema::Ahead);
    }
}
