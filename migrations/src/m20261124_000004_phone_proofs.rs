//! Codes that prove a person holds a phone without an account: ASN
//! applicants (SOP 002) prove the number they give, and follow their request
//! with a code sent to that number. Only an HMAC of each code is stored.
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
                .table(a("phone_proofs"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("token_hash")))
                // `apply` (a number given on the form) or `status` (a ticket)
                .col(string(a("purpose")))
                // the normalised phone (apply) or the ticket number (status)
                .col(string(a("subject")))
                // where the code went; none for an unknown ticket (same answer)
                .col(string_null(a("phone")))
                .col(string(a("code_mac")))
                .col(timestamp_with_time_zone(a("code_expires_at")))
                .col(integer(a("wrong_guesses")).default(0))
                .col(timestamp_with_time_zone_null(a("used_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(string_null(a("ip")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_phone_proofs_subject").table(a("phone_proofs")).col(a("purpose")).col(a("subject")).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("phone_proofs")).to_owned()).await
    }
}
