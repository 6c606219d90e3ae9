//! Staff second factor: TOTP secrets (sealed with the server key) and
//! passkeys, one-time recovery codes (hashed), and the short-lived sign-in
//! challenges between the password step and the second step.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

fn fk_mailbox(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(a(table), a("mailbox_id")).to(a("mailboxes"), a("id")).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("staff_factors"))
                .col(pk_auto(a("id")))
                .col(integer(a("mailbox_id")))
                // totp | passkey
                .col(string(a("kind")))
                .col(string(a("name")))
                // TOTP: the shared secret, sealed with the server key
                .col(text_null(a("secret_sealed")))
                // TOTP: the last time step accepted (a code works once)
                .col(big_integer_null(a("last_step")))
                // passkey: the credential as webauthn-rs keeps it (JSON), and its id
                .col(text_null(a("passkey")))
                .col(string_null(a("credential_id")))
                // none while a TOTP secret waits for its first code
                .col(timestamp_with_time_zone_null(a("confirmed_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone_null(a("last_used_at")))
                .foreign_key(&mut fk_mailbox("staff_factors"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_staff_factors_mailbox").table(a("staff_factors")).col(a("mailbox_id")).to_owned()).await?;
        m.create_index(Index::create().name("idx_staff_factors_credential").table(a("staff_factors")).col(a("credential_id")).unique().to_owned()).await?;
        m.create_table(
            Table::create()
                .table(a("recovery_codes"))
                .col(pk_auto(a("id")))
                .col(integer(a("mailbox_id")))
                .col(string(a("code_hash")))
                .col(timestamp_with_time_zone_null(a("used_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk_mailbox("recovery_codes"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_recovery_codes_mailbox").table(a("recovery_codes")).col(a("mailbox_id")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(a("sign_in_challenges"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("token_hash")))
                .col(integer(a("mailbox_id")))
                // verify (has a factor) | enroll (must add one first)
                .col(string(a("purpose")))
                .col(string(a("next_path")))
                // webauthn-rs state between a passkey's begin and finish (JSON)
                .col(text_null(a("webauthn_state")))
                .col(string_null(a("ip")))
                .col(string_null(a("user_agent")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("expires_at")))
                .col(timestamp_with_time_zone_null(a("used_at")))
                .foreign_key(&mut fk_mailbox("sign_in_challenges"))
                .to_owned(),
        )
        .await?;
        // sessions remember how they began (for the settings page)
        m.alter_table(Table::alter().table(a("sessions")).add_column(string_null(a("factor"))).to_owned()).await?;
        // passkey registration/authentication state for a signed-in session
        m.alter_table(Table::alter().table(a("sessions")).add_column(text_null(a("webauthn_state"))).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(a("sessions")).drop_column(a("webauthn_state")).to_owned()).await?;
        m.alter_table(Table::alter().table(a("sessions")).drop_column(a("factor")).to_owned()).await?;
        for t in ["sign_in_challenges", "recovery_codes", "staff_factors"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
