//! Foundation: organisation, people, mailboxes, staff roles, requests, outbox,
//! audit log, sessions, rate limits, settings.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(Alias::new(name))
}
fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(Alias::new(name))
}
fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(Alias::new(table), Alias::new(col)).to(Alias::new(to), Alias::new("id")).to_owned()
}
fn a(s: &'static str) -> Alias {
    Alias::new(s)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("units"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("code")))
                .col(string(a("name")))
                .col(integer_null(a("parent_id")))
                .col(ts("created_at"))
                .foreign_key(&mut fk("units", "parent_id", "units"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("people"))
                .col(pk_auto(a("id")))
                .col(string(a("name")))
                .col(string_null(a("nip")).unique_key())
                .col(integer_null(a("unit_id")))
                .col(string_null(a("phone")))
                .col(ts_null("phone_verified_at"))
                .col(string_null(a("personal_email")))
                .col(string_null(a("telegram_chat_id")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("people", "unit_id", "units"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("domains"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("name")))
                .col(boolean(a("is_default")).default(false))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("mailboxes"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("address")))
                .col(string(a("local_part")))
                .col(integer(a("domain_id")))
                .col(string(a("kind")))
                .col(string(a("display_name")))
                .col(integer_null(a("person_id")))
                .col(integer_null(a("unit_id")))
                .col(string_null(a("reset_phone")))
                .col(string(a("status")))
                .col(integer(a("quota_mb")).default(1024))
                .col(date_null(a("ends_on")))
                // Dovecot-ready "{ARGON2ID}$argon2id$..." PHC string; NULL until activation.
                .col(string_null(a("password_hash")))
                .col(ts_null("password_changed_at"))
                .col(string_null(a("ui_locale")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("mailboxes", "domain_id", "domains"))
                .foreign_key(&mut fk("mailboxes", "person_id", "people"))
                .foreign_key(&mut fk("mailboxes", "unit_id", "units"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("aliases"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("address")))
                .col(integer(a("mailbox_id")))
                .col(ts("created_at"))
                .foreign_key(fk("aliases", "mailbox_id", "mailboxes").on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("staff_roles"))
                .col(pk_auto(a("id")))
                .col(integer(a("mailbox_id")))
                .col(string(a("role")))
                .col(integer_null(a("unit_id")))
                .col(ts("created_at"))
                .col(integer_null(a("created_by")))
                .foreign_key(fk("staff_roles", "mailbox_id", "mailboxes").on_delete(ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("staff_roles", "unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_staff_roles_mailbox").table(a("staff_roles")).col(a("mailbox_id")).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(a("requests"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("ticket")))
                .col(string(a("kind")))
                .col(string(a("state")))
                .col(integer_null(a("unit_id")))
                .col(integer_null(a("applicant_mailbox_id")))
                .col(integer_null(a("applicant_person_id")))
                .col(string(a("subject")))
                .col(text(a("payload")))
                // optimistic locking: every transition bumps it and checks the old value
                .col(integer(a("version")).default(1))
                .col(ts("step_started_at"))
                .col(ts_null("step_due_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("closed_at"))
                .foreign_key(&mut fk("requests", "unit_id", "units"))
                .foreign_key(&mut fk("requests", "applicant_mailbox_id", "mailboxes"))
                .foreign_key(&mut fk("requests", "applicant_person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_requests_state").table(a("requests")).col(a("kind")).col(a("state")).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(a("request_events"))
                .col(pk_auto(a("id")))
                .col(integer(a("request_id")))
                .col(integer(a("seq")))
                .col(string(a("action")))
                .col(string_null(a("from_state")))
                .col(string(a("to_state")))
                .col(integer_null(a("actor_mailbox_id")))
                .col(string(a("actor_label")))
                .col(text_null(a("note")))
                .col(ts("step_started_at"))
                .col(ts("at"))
                .col(ts_null("due_at"))
                .col(big_integer_null(a("duration_secs")))
                .col(big_integer_null(a("standard_secs")))
                .foreign_key(fk("request_events", "request_id", "requests").on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_request_events_seq").table(a("request_events")).col(a("request_id")).col(a("seq")).unique().to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(a("attachments"))
                .col(pk_auto(a("id")))
                .col(integer_null(a("request_id")))
                .col(string(a("kind")))
                .col(string(a("filename")))
                .col(string(a("content_type")))
                .col(big_integer(a("size_bytes")))
                // files live outside the web root, named by this hash
                .col(string(a("sha256")))
                .col(integer_null(a("uploaded_by_mailbox_id")))
                .col(ts("created_at"))
                .foreign_key(fk("attachments", "request_id", "requests").on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("outbox"))
                .col(pk_auto(a("id")))
                // idempotency key: enqueueing the same message twice is a no-op,
                // and gateways receive it as Idempotency-Key
                .col(string_uniq(a("message_key")))
                .col(string(a("channel")))
                .col(string(a("recipient")))
                .col(string_null(a("subject")))
                // bodies can hold one-time codes and links: encrypted at rest
                .col(text(a("body_enc")))
                .col(string(a("status")))
                .col(integer(a("attempts")).default(0))
                .col(ts("next_attempt_at"))
                .col(string_null(a("lease_owner")))
                .col(ts_null("lease_until"))
                .col(text_null(a("last_error")))
                .col(string_null(a("related")))
                .col(ts("created_at"))
                .col(ts_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_outbox_due").table(a("outbox")).col(a("status")).col(a("next_attempt_at")).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(a("audit_log"))
                .col(pk_auto(a("id")))
                .col(ts("at"))
                .col(integer_null(a("actor_mailbox_id")))
                .col(string(a("actor_label")))
                .col(string(a("action")))
                .col(string(a("target_type")))
                .col(string_null(a("target_id")))
                .col(text(a("details")))
                .col(string_null(a("ip")))
                .col(string(a("prev_hash")))
                .col(string(a("hash")))
                .to_owned(),
        )
        .await?;
        // One row: the head of the hash chain. Every audited transaction updates it
        // first, which serialises writers on SQLite and PostgreSQL alike.
        m.create_table(
            Table::create()
                .table(a("audit_head"))
                .col(integer(a("id")).primary_key())
                .col(big_integer(a("last_id")))
                .col(string(a("last_hash")))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("sessions"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("token_hash")))
                .col(integer(a("mailbox_id")))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(ts("expires_at"))
                .col(string_null(a("ip")))
                .col(string_null(a("user_agent")))
                .col(ts_null("revoked_at"))
                .foreign_key(fk("sessions", "mailbox_id", "mailboxes").on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;

        // One-time links to set a password (new mailboxes, new staff).
        m.create_table(
            Table::create()
                .table(a("activation_tokens"))
                .col(pk_auto(a("id")))
                .col(string_uniq(a("token_hash")))
                .col(integer(a("mailbox_id")))
                .col(string(a("purpose")))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .foreign_key(fk("activation_tokens", "mailbox_id", "mailboxes").on_delete(ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("rate_limits"))
                .col(string(a("key")).primary_key())
                .col(ts("window_start"))
                .col(integer(a("count")))
                .col(ts("expires_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(Table::create().table(a("settings")).col(string(a("key")).primary_key()).col(text(a("value"))).col(ts("updated_at")).to_owned()).await?;

        m.create_table(Table::create().table(a("ticket_counters")).col(integer(a("year")).primary_key()).col(big_integer(a("last"))).to_owned()).await?;

        // What Dovecot's SQL passdb/userdb reads (server/deploy/dovecot).
        m.get_connection()
            .execute_unprepared(
                "CREATE VIEW dovecot_users AS \
                 SELECT m.address AS username, m.password_hash AS password, m.quota_mb AS quota_mb \
                 FROM mailboxes m \
                 WHERE m.status = 'active' AND m.password_hash IS NOT NULL \
                   AND (m.ends_on IS NULL OR m.ends_on >= CURRENT_DATE)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP VIEW IF EXISTS dovecot_users").await?;
        for t in [
            "ticket_counters",
            "settings",
            "rate_limits",
            "activation_tokens",
            "sessions",
            "audit_head",
            "audit_log",
            "outbox",
            "attachments",
            "request_events",
            "requests",
            "staff_roles",
            "aliases",
            "mailboxes",
            "domains",
            "people",
            "units",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
