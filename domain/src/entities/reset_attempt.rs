//! `reset_attempts` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reset_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub address: String,
    pub mailbox_id: Option<i32>,
    pub code_mac: Option<String>,
    pub code_seq: i32,
    pub code_sent_at: Option<DateTimeUtc>,
    pub code_expires_at: Option<DateTimeUtc>,
    pub wrong_guesses: i32,
    pub sends: i32,
    pub verified_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
