//! Security round: the audit chain's keyed hashing and its last verdict,
//! the unit a SIMPEG batch belongs to (scoped Pengelola), and indexes for the
//! retention worker (old reset attempts, phone proofs, unclaimed uploads).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        // 0: plain SHA-256 (older databases, re-keyed at start-up); 1: HMAC with the server key
        m.alter_table(Table::alter().table(a("audit_head")).add_column(integer(a("scheme")).default(0)).to_owned()).await?;
        m.alter_table(Table::alter().table(a("audit_head")).add_column(timestamp_with_time_zone_null(a("verified_at"))).to_owned()).await?;
        m.alter_table(Table::alter().table(a("audit_head")).add_column(big_integer(a("verified_rows")).default(0)).to_owned()).await?;
        m.alter_table(Table::alter().table(a("audit_head")).add_column(big_integer_null(a("verified_broken_at"))).to_owned()).await?;
        m.alter_table(Table::alter().table(a("simpeg_batches")).add_column(integer_null(a("unit_id"))).to_owned()).await?;
        m.create_index(Index::create().name("idx_reset_attempts_created").table(a("reset_attempts")).col(a("created_at")).to_owned()).await?;
        m.create_index(Index::create().name("idx_phone_proofs_created").table(a("phone_proofs")).col(a("created_at")).to_owned()).await?;
        m.create_index(Index::create().name("idx_attachments_unclaimed").table(a("attachments")).col(a("request_id")).col(a("created_at")).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for idx in ["idx_attachments_unclaimed", "idx_phone_proofs_created", "idx_reset_attempts_created"] {
            m.drop_index(Index::drop().name(idx).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(a("simpeg_batches")).drop_column(a("unit_id")).to_owned()).await?;
        for col in ["verified_broken_at", "verified_rows", "verified_at", "scheme"] {
            m.alter_table(Table::alter().table(a("audit_head")).drop_column(a(col)).to_owned()).await?;
        }
        Ok(())
    }
}
