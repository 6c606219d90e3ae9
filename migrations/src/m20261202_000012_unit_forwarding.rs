//! Unit forwarding: mail to a unit, kegiatan or event mailbox also goes to
//! the people who answer it (their own Surel mailboxes), and the unit
//! mailbox keeps its copy. Postfix reads it from `postfix_aliases`: a
//! forwarded mailbox maps to itself and to each target (an address that
//! maps to itself is delivered, not expanded again). Only deliverable
//! targets are listed, so forwarding to a switched-off mailbox stops without
//! bouncing the unit's mail.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

/// Postfix may deliver to mailbox `m` (same rule as migration 000008's views).
fn deliverable(m: &str) -> String {
    format!("{m}.status IN ('active', 'pending') AND ({m}.ends_on IS NULL OR {m}.ends_on >= CURRENT_DATE)")
}

fn aliases_view() -> String {
    let (m, t) = (deliverable("m"), deliverable("t"));
    format!(
        "CREATE VIEW postfix_aliases AS \
         SELECT al.address AS address, m.address AS goto \
         FROM aliases al JOIN mailboxes m ON m.id = al.mailbox_id WHERE {m} \
         UNION ALL \
         SELECT m.address AS address, m.address AS goto FROM mailboxes m WHERE {m} AND EXISTS \
         (SELECT 1 FROM mailbox_forwards f JOIN mailboxes t ON t.id = f.target_id WHERE f.mailbox_id = m.id AND {t}) \
         UNION ALL \
         SELECT m.address AS address, t.address AS goto \
         FROM mailbox_forwards f JOIN mailboxes m ON m.id = f.mailbox_id JOIN mailboxes t ON t.id = f.target_id WHERE {m} AND {t}"
    )
}

/// Migration 000008's view, for `down`.
fn old_aliases_view() -> String {
    format!(
        "CREATE VIEW postfix_aliases AS \
         SELECT al.address AS address, m.address AS goto \
         FROM aliases al JOIN mailboxes m ON m.id = al.mailbox_id WHERE {}",
        deliverable("m")
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("mailbox_forwards"))
                .col(pk_auto(a("id")))
                .col(integer(a("mailbox_id")))
                .col(integer(a("target_id")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(ForeignKey::create().from(a("mailbox_forwards"), a("mailbox_id")).to(a("mailboxes"), a("id")).on_delete(ForeignKeyAction::Cascade))
                .foreign_key(ForeignKey::create().from(a("mailbox_forwards"), a("target_id")).to(a("mailboxes"), a("id")).on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        // one row per pair: two officers adding the same target at once, one wins
        m.create_index(Index::create().name("idx_forwards_pair").table(a("mailbox_forwards")).col(a("mailbox_id")).col(a("target_id")).unique().to_owned())
            .await?;
        // "which unit mailboxes forward to this one" (the target's page, deletion)
        m.create_index(Index::create().name("idx_forwards_target").table(a("mailbox_forwards")).col(a("target_id")).to_owned()).await?;
        let db = m.get_connection();
        db.execute_unprepared("DROP VIEW postfix_aliases").await?;
        db.execute_unprepared(&aliases_view()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP VIEW postfix_aliases").await?;
        db.execute_unprepared(&old_aliases_view()).await?;
        m.drop_table(Table::drop().table(a("mailbox_forwards")).to_owned()).await
    }
}
