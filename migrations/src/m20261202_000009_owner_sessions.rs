//! Account owners sign in to their own page (`/akun`) with the mailbox
//! password alone. Their sessions share the table with staff sessions but
//! are a different kind: a session of one kind is never accepted as the
//! other (an owner's password-only session opens no staff screen).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Alias::new("sessions")).add_column(string(Alias::new("kind")).default("staff")).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Alias::new("sessions")).drop_column(Alias::new("kind")).to_owned()).await
    }
}
