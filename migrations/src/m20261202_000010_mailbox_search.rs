//! Searching a province's mailboxes (a million rows) by any part of the
//! address, the owner's name or the reset phone's last digits, without a full
//! scan: a trigram index. SQLite gets an FTS5 table with the `trigram`
//! tokenizer kept in step by triggers (external content: the text lives in
//! `mailboxes` only); PostgreSQL gets `pg_trgm` GIN indexes, which serve
//! `LIKE '%…%'` directly. The phone's last four digits have an expression
//! index on both. The directory picks the right query per database.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLS: &str = "address, display_name, reset_phone";

fn sqlite_up() -> Vec<String> {
    vec![
        format!("CREATE VIRTUAL TABLE mailbox_search USING fts5({COLS}, content='mailboxes', content_rowid='id', tokenize='trigram')"),
        format!("CREATE TRIGGER mailbox_search_insert AFTER INSERT ON mailboxes BEGIN INSERT INTO mailbox_search(rowid, {COLS}) VALUES (new.id, new.address, new.display_name, new.reset_phone); END"),
        format!("CREATE TRIGGER mailbox_search_delete AFTER DELETE ON mailboxes BEGIN INSERT INTO mailbox_search(mailbox_search, rowid, {COLS}) VALUES ('delete', old.id, old.address, old.display_name, old.reset_phone); END"),
        format!(
            "CREATE TRIGGER mailbox_search_update AFTER UPDATE OF {COLS} ON mailboxes BEGIN \
             INSERT INTO mailbox_search(mailbox_search, rowid, {COLS}) VALUES ('delete', old.id, old.address, old.display_name, old.reset_phone); \
             INSERT INTO mailbox_search(rowid, {COLS}) VALUES (new.id, new.address, new.display_name, new.reset_phone); END"
        ),
        "INSERT INTO mailbox_search(mailbox_search) VALUES ('rebuild')".to_string(),
    ]
}

const PG_UP: [&str; 3] = [
    // trusted since PostgreSQL 13: the database owner may create it
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX idx_mailboxes_address_trgm ON mailboxes USING gin (address gin_trgm_ops)",
    "CREATE INDEX idx_mailboxes_name_trgm ON mailboxes USING gin (lower(display_name) gin_trgm_ops)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements: Vec<String> = match m.get_database_backend() {
            DatabaseBackend::Sqlite => sqlite_up(),
            _ => PG_UP.iter().map(|s| String::from(*s)).collect(),
        };
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        // the reset phone's last four digits, the directory's phone search
        let tail = match m.get_database_backend() {
            DatabaseBackend::Sqlite => "CREATE INDEX idx_mailboxes_phone_tail ON mailboxes (substr(reset_phone, -4))",
            _ => "CREATE INDEX idx_mailboxes_phone_tail ON mailboxes (right(reset_phone, 4))",
        };
        db.execute_unprepared(tail).await?;
        // a whole NIP finds its owner, then the owner's mailboxes
        m.create_index(Index::create().name("idx_mailboxes_person").table(Alias::new("mailboxes")).col(Alias::new("person_id")).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_mailboxes_person").table(Alias::new("mailboxes")).to_owned()).await?;
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_mailboxes_phone_tail").await?;
        let statements: &[&str] = match m.get_database_backend() {
            DatabaseBackend::Sqlite => &[
                "DROP TRIGGER IF EXISTS mailbox_search_insert",
                "DROP TRIGGER IF EXISTS mailbox_search_delete",
                "DROP TRIGGER IF EXISTS mailbox_search_update",
                "DROP TABLE IF EXISTS mailbox_search",
            ],
            _ => &[
                "DROP INDEX IF EXISTS idx_mailboxes_address_trgm",
                "DROP INDEX IF EXISTS idx_mailboxes_name_trgm",
                "DROP INDEX IF EXISTS idx_mailboxes_phone_trgm",
            ],
        };
        for s in statements {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
