//! `staff_factors` table: a staff member's TOTP secret or passkey.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_factors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub mailbox_id: i32,
    /// `totp` or `passkey`.
    pub kind: String,
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub secret_sealed: Option<String>,
    pub last_step: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub passkey: Option<String>,
    pub credential_id: Option<String>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
