//! Self-service password reset by SMS code (SOP 001, "yes" branch).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per reset attempt, whether or not the address exists: an
        // attempt for an unknown address behaves identically (no enumeration).
        m.create_table(
            Table::create()
                .table(a("reset_attempts"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("token_hash")))
                .col(string(a("address")))
                .col(integer_null(a("mailbox_id")))
                // HMAC of the current code; the code itself is never stored
                .col(string_null(a("code_mac")))
                .col(integer(a("code_seq")).default(0))
                .col(timestamp_with_time_zone_null(a("code_sent_at")))
                .col(timestamp_with_time_zone_null(a("code_expires_at")))
                .col(integer(a("wrong_guesses")).default(0))
                .col(integer(a("sends")).default(0))
                .col(timestamp_with_time_zone_null(a("verified_at")))
                .col(timestamp_with_time_zone_null(a("completed_at")))
                .col(timestamp_with_time_zone_null(a("cancelled_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("expires_at")))
                .col(string_null(a("ip")))
                .foreign_key(ForeignKey::create().from(a("reset_attempts"), a("mailbox_id")).to(a("mailboxes"), a("id")).on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_reset_attempts_mailbox").table(a("reset_attempts")).col(a("mailbox_id")).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("reset_attempts")).to_owned()).await
    }
}
