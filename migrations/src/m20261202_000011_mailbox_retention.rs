//! A switched-off mailbox is kept for `disabled_retention_days`, then marked
//! for deletion and listed for the officers; only a person's confirmation
//! deletes it (the row stays as a tombstone so the address is never handed
//! to someone else, the password hash and the reset phone go).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Alias::new("mailboxes")).add_column(timestamp_with_time_zone_null(Alias::new("marked_for_deletion_at"))).to_owned())
            .await?;
        // the directory's "waiting for deletion" list and its count
        m.create_index(
            Index::create().name("idx_mailboxes_marked_for_deletion").table(Alias::new("mailboxes")).col(Alias::new("marked_for_deletion_at")).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_mailboxes_marked_for_deletion").table(Alias::new("mailboxes")).to_owned()).await?;
        m.alter_table(Table::alter().table(Alias::new("mailboxes")).drop_column(Alias::new("marked_for_deletion_at")).to_owned()).await
    }
}
