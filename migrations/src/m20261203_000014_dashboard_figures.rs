//! The dashboard at a province's scale (100,000 requests a month):
//! - `step_minutes`: the month's steps summed as they happen, per month
//!   (office time), type, unit (0 = none), state left and minutes (bucketed,
//!   see `domain::requests::step_minutes`), with how many kept their
//!   standard. The dashboard sums a few thousand of these rows instead of
//!   reading 300,000 events. Filled by `surel migrate` / `surel serve` from
//!   the events already there, then by every transition.
//! - indexes for its counts, per type then time, covering what the
//!   visibility rule reads (unit, applicant): created in a month; closed in
//!   a month or still open (`closed_at IS NULL` is the start of the same
//!   index, with the due time for "overdue"); a person's own requests; and
//!   events by time. Type first: the counts are grouped by type, and with
//!   the time first SQLite 3.46 preferred walking the type index and
//!   reading every row.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

/// `(name, table, columns)` of the plain indexes.
const INDEXES: &[(&str, &str, &[&str])] = &[
    ("idx_requests_created", "requests", &["kind", "created_at", "unit_id", "applicant_mailbox_id"]),
    ("idx_requests_closed", "requests", &["kind", "closed_at", "unit_id", "applicant_mailbox_id", "step_due_at"]),
    ("idx_requests_applicant", "requests", &["applicant_mailbox_id"]),
    ("idx_request_events_at", "request_events", &["at"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("step_minutes"))
                .col(pk_auto(a("id")))
                .col(string(a("month")))
                .col(string(a("kind")))
                // 0 for a request without a unit: a NULL would make every such row distinct to the unique index
                .col(integer(a("unit_id")))
                .col(string(a("from_state")))
                .col(big_integer(a("minutes")))
                .col(integer(a("steps")))
                .col(integer(a("within")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_step_minutes_key")
                .table(a("step_minutes"))
                .col(a("month"))
                .col(a("kind"))
                .col(a("unit_id"))
                .col(a("from_state"))
                .col(a("minutes"))
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, table, cols) in INDEXES {
            let mut index = Index::create().name(*name).table(Alias::new(*table)).to_owned();
            for c in *cols {
                index.col(Alias::new(*c));
            }
            m.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            m.drop_index(Index::drop().name(*name).table(Alias::new(*table)).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(a("step_minutes")).to_owned()).await
    }
}
