//! Dovecot also sees mailboxes that are created but not yet activated, so
//! Surel can test them (deliver over LMTP, read back as the master user)
//! before the owner sets a password. Such a mailbox has no password (NULL):
//! Dovecot's SQL passdb refuses a NULL password unless `nopassword` is
//! returned, which it never is, so nobody can log in to it directly.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NEW: &str = "CREATE VIEW dovecot_users AS \
     SELECT m.address AS username, \
            CASE WHEN m.status = 'active' THEN m.password_hash ELSE NULL END AS password, \
            m.quota_mb AS quota_mb \
     FROM mailboxes m \
     WHERE ((m.status = 'active' AND m.password_hash IS NOT NULL) OR m.status = 'pending') \
       AND (m.ends_on IS NULL OR m.ends_on >= CURRENT_DATE)";

const OLD: &str = "CREATE VIEW dovecot_users AS \
     SELECT m.address AS username, m.password_hash AS password, m.quota_mb AS quota_mb \
     FROM mailboxes m \
     WHERE m.status = 'active' AND m.password_hash IS NOT NULL \
       AND (m.ends_on IS NULL OR m.ends_on >= CURRENT_DATE)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP VIEW IF EXISTS dovecot_users").await?;
        db.execute_unprepared(NEW).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP VIEW IF EXISTS dovecot_users").await?;
        db.execute_unprepared(OLD).await?;
        Ok(())
    }
}
