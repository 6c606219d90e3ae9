//! F5 (SOP 004): bulk ASN accounts from a SIMPEG export. A batch is one
//! upload, checked row by row; submitting attaches it to the month's
//! collective request. Processing works the rows one transaction each and
//! marks each done, so a crash resumes where it stopped; the lease columns
//! let only one instance work a batch at a time.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("simpeg_batches"))
                .col(pk_auto(a("id")))
                .col(integer(a("created_by")))
                .col(string(a("file_name")))
                // SHA-256 of the upload, kept under data_dir/simpeg for the mapping screen
                .col(string(a("file_sha")))
                .col(string(a("file_kind")))
                // mapping | draft | submitted | done | discarded
                .col(string(a("status")))
                .col(text(a("headers")))
                .col(text(a("mapping")))
                .col(string(a("address_rule")))
                .col(integer_null(a("request_id")))
                .col(integer(a("total")).default(0))
                .col(integer(a("eligible")).default(0))
                .col(integer(a("rejected")).default(0))
                .col(integer(a("already")).default(0))
                .col(integer(a("processed")).default(0))
                .col(integer(a("failed")).default(0))
                .col(string_null(a("lease_owner")))
                .col(timestamp_with_time_zone_null(a("lease_until")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .col(timestamp_with_time_zone_null(a("submitted_at")))
                .col(timestamp_with_time_zone_null(a("finished_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_simpeg_batches_request").table(a("simpeg_batches")).col(a("request_id")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(a("simpeg_rows"))
                .col(pk_auto(a("id")))
                .col(integer(a("batch_id")))
                .col(integer(a("line")))
                .col(string_null(a("nip")))
                .col(text(a("name")))
                .col(text(a("display_name")))
                .col(integer_null(a("unit_id")))
                .col(string_null(a("phone")))
                .col(string_null(a("email")))
                // eligible | rejected | has_account
                .col(string(a("verdict")))
                // reason codes, comma-separated
                .col(text(a("reasons")))
                // the row's cells as read (JSON array), for the rejected-rows file
                .col(text(a("cells")))
                .col(string_null(a("local_part")))
                .col(string_null(a("address_problem")))
                // pending | done | failed | skipped (only eligible rows are worked)
                .col(string(a("status")))
                .col(integer_null(a("mailbox_id")))
                .col(string_null(a("address")))
                .col(string_null(a("error")))
                .col(timestamp_with_time_zone_null(a("processed_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_simpeg_rows_batch").table(a("simpeg_rows")).col(a("batch_id")).col(a("verdict")).col(a("status")).to_owned())
            .await?;
        // A mailbox is made by one row only, whatever happens.
        m.create_index(Index::create().name("idx_simpeg_rows_mailbox").table(a("simpeg_rows")).col(a("mailbox_id")).unique().to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("simpeg_rows")).to_owned()).await?;
        m.drop_table(Table::drop().table(a("simpeg_batches")).to_owned()).await
    }
}
