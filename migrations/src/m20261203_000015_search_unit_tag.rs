//! SQLite: the directory's FTS5 table learns each mailbox's unit, as a
//! fourth column `unit_tag` holding `~<unit id>~`, so "this word in this
//! unit" is answered inside the index instead of by fetching every match of
//! the word and dropping the other units' rows (a common name in one unit of
//! a million mailboxes: about 20 ms → 7 ms in the SQLite shell). The tag is
//! three characters at least, one trigram per unit id, so `"~1~"` never
//! matches unit 12. The text still lives only in `mailboxes`: the table's
//! content is a view that adds the tag. Also a partial index of the
//! mailboxes listed for deletion, which the directory counts on every page.
//! PostgreSQL's search index already holds the unit (migration 000013), and
//! its statistics know how many rows are null.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLS: &str = "address, display_name, reset_phone";
/// Mailboxes listed for deletion, by unit.
const LISTED: &str = "idx_mailboxes_listed_for_deletion";
/// A row's tag; mailboxes without a unit get `~0~`, which no unit has.
const TAG: &str = "'~' || coalesce(unit_id, 0) || '~'";

fn drop_search() -> Vec<String> {
    ["mailbox_search_insert", "mailbox_search_delete", "mailbox_search_update"]
        .iter()
        .map(|t| format!("DROP TRIGGER IF EXISTS {t}"))
        .chain(["DROP TABLE IF EXISTS mailbox_search".to_string()])
        .collect()
}

fn up_statements() -> Vec<String> {
    let old = "old.id, old.address, old.display_name, old.reset_phone, '~' || coalesce(old.unit_id, 0) || '~'";
    let new = "new.id, new.address, new.display_name, new.reset_phone, '~' || coalesce(new.unit_id, 0) || '~'";
    let mut s = drop_search();
    s.extend([
        format!("CREATE VIEW IF NOT EXISTS mailbox_search_source AS SELECT id, {COLS}, {TAG} AS unit_tag FROM mailboxes"),
        format!("CREATE VIRTUAL TABLE mailbox_search USING fts5({COLS}, unit_tag, content='mailbox_search_source', content_rowid='id', tokenize='trigram')"),
        format!("CREATE TRIGGER mailbox_search_insert AFTER INSERT ON mailboxes BEGIN INSERT INTO mailbox_search(rowid, {COLS}, unit_tag) VALUES ({new}); END"),
        format!(
            "CREATE TRIGGER mailbox_search_delete AFTER DELETE ON mailboxes BEGIN \
             INSERT INTO mailbox_search(mailbox_search, rowid, {COLS}, unit_tag) VALUES ('delete', {old}); END"
        ),
        format!(
            "CREATE TRIGGER mailbox_search_update AFTER UPDATE OF {COLS}, unit_id ON mailboxes BEGIN \
             INSERT INTO mailbox_search(mailbox_search, rowid, {COLS}, unit_tag) VALUES ('delete', {old}); \
             INSERT INTO mailbox_search(rowid, {COLS}, unit_tag) VALUES ({new}); END"
        ),
        "INSERT INTO mailbox_search(mailbox_search) VALUES ('rebuild')".to_string(),
        // the directory's "waiting for deletion" count: a handful of rows,
        // which SQLite's statistics cannot tell from the million without a
        // date (they say half the rows per value); with them it scanned the
        // table (150 ms at 1,000,000)
        format!("CREATE INDEX IF NOT EXISTS {LISTED} ON mailboxes (unit_id) WHERE status = 'disabled' AND marked_for_deletion_at IS NOT NULL"),
    ]);
    s
}

/// Back to migration 000010's table, without the tag.
fn down_statements() -> Vec<String> {
    let old = "old.id, old.address, old.display_name, old.reset_phone";
    let new = "new.id, new.address, new.display_name, new.reset_phone";
    let mut s = drop_search();
    s.extend([
        format!("DROP INDEX IF EXISTS {LISTED}"),
        "DROP VIEW IF EXISTS mailbox_search_source".to_string(),
        format!("CREATE VIRTUAL TABLE mailbox_search USING fts5({COLS}, content='mailboxes', content_rowid='id', tokenize='trigram')"),
        format!("CREATE TRIGGER mailbox_search_insert AFTER INSERT ON mailboxes BEGIN INSERT INTO mailbox_search(rowid, {COLS}) VALUES ({new}); END"),
        format!(
            "CREATE TRIGGER mailbox_search_delete AFTER DELETE ON mailboxes BEGIN \
             INSERT INTO mailbox_search(mailbox_search, rowid, {COLS}) VALUES ('delete', {old}); END"
        ),
        format!(
            "CREATE TRIGGER mailbox_search_update AFTER UPDATE OF {COLS} ON mailboxes BEGIN \
             INSERT INTO mailbox_search(mailbox_search, rowid, {COLS}) VALUES ('delete', {old}); \
             INSERT INTO mailbox_search(rowid, {COLS}) VALUES ({new}); END"
        ),
        "INSERT INTO mailbox_search(mailbox_search) VALUES ('rebuild')".to_string(),
    ]);
    s
}

/// All of `statements` as one batch, so one pooled connection runs them.
/// Dropped and re-created under the same names: spread over connections, a
/// connection whose schema cache predates the drop refused the `CREATE
/// TRIGGER` ("already exists"), which SQLite checks against that cache when
/// it compiles the statement, before it notices the schema changed.
async fn run_on_one_connection(m: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    m.get_connection().execute_unprepared(&statements.join(";\n")).await.map(|_| ())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        run_on_one_connection(m, up_statements()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        run_on_one_connection(m, down_statements()).await
    }
}
