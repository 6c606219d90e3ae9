//! Mailbox administration and delivery: why a mailbox is in its state (an
//! officer's reason), indexes for the officers' directory, and the views
//! Postfix reads (server/deploy/postfix). Postfix accepts mail for exactly
//! the mailboxes Dovecot can store it in: active or waiting for activation,
//! not disabled and not past their end date; aliases of any other mailbox
//! are unknown, so the sender gets a 550 at RCPT time.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

const DELIVERABLE: &str = "m.status IN ('active', 'pending') AND (m.ends_on IS NULL OR m.ends_on >= CURRENT_DATE)";

fn views() -> [String; 3] {
    [
        "CREATE VIEW postfix_domains AS SELECT d.name AS domain FROM domains d".to_string(),
        format!(
            "CREATE VIEW postfix_mailboxes AS \
             SELECT m.address AS address, d.name AS domain, m.quota_mb AS quota_mb \
             FROM mailboxes m JOIN domains d ON d.id = m.domain_id WHERE {DELIVERABLE}"
        ),
        format!(
            "CREATE VIEW postfix_aliases AS \
             SELECT al.address AS address, m.address AS goto \
             FROM aliases al JOIN mailboxes m ON m.id = al.mailbox_id WHERE {DELIVERABLE}"
        ),
    ]
}

const INDEXES: [(&str, &str, &[&str]); 5] = [
    ("idx_mailboxes_name", "mailboxes", &["display_name"]),
    ("idx_mailboxes_unit", "mailboxes", &["unit_id", "address"]),
    ("idx_mailboxes_kind_status", "mailboxes", &["kind", "status", "address"]),
    ("idx_mailboxes_created", "mailboxes", &["created_at"]),
    ("idx_aliases_mailbox", "aliases", &["mailbox_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        m.alter_table(Table::alter().table(a("mailboxes")).add_column(string_null(a("status_reason"))).to_owned()).await?;
        m.alter_table(Table::alter().table(a("mailboxes")).add_column(timestamp_with_time_zone_null(a("status_changed_at"))).to_owned()).await?;
        for (name, table, cols) in INDEXES {
            let mut idx = Index::create().name(name).table(a(table)).to_owned();
            for c in cols {
                idx.col(a(c));
            }
            m.create_index(idx).await?;
        }
        for v in views() {
            m.get_connection().execute_unprepared(&v).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for v in ["postfix_aliases", "postfix_mailboxes", "postfix_domains"] {
            m.get_connection().execute_unprepared(&format!("DROP VIEW IF EXISTS {v}")).await?;
        }
        for (name, table, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table(a(table)).to_owned()).await?;
        }
        for col in ["status_changed_at", "status_reason"] {
            m.alter_table(Table::alter().table(a("mailboxes")).drop_column(a(col)).to_owned()).await?;
        }
        Ok(())
    }
}
