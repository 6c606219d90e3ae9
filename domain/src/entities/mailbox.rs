//! `mailboxes` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mailboxes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub address: String,
    pub local_part: String,
    pub domain_id: i32,
    /// personal | unit | kegiatan | event
    pub kind: String,
    pub display_name: String,
    pub person_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub reset_phone: Option<String>,
    /// pending | active | disabled | deleted (a tombstone: the address stays taken)
    pub status: String,
    /// The officer's reason for the last disable or enable.
    pub status_reason: Option<String>,
    pub status_changed_at: Option<DateTimeUtc>,
    /// Disabled longer than `disabled_retention_days`: waiting for a person
    /// to confirm the deletion (or to keep it).
    pub marked_for_deletion_at: Option<DateTimeUtc>,
    pub quota_mb: i32,
    pub ends_on: Option<Date>,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<DateTimeUtc>,
    pub ui_locale: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
