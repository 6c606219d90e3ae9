//! `simpeg_rows` table.
use model::{RowStatus, RowVerdict};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "simpeg_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub batch_id: i32,
    pub line: i32,
    pub nip: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub display_name: String,
    pub unit_id: Option<i32>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub verdict: RowVerdict,
    /// Error codes, comma-separated (one column of text, not a code column).
    #[sea_orm(column_type = "Text")]
    pub reasons: String,
    #[sea_orm(column_type = "Text")]
    pub cells: String,
    pub local_part: Option<String>,
    /// An error code (text: parsed back with `error::stored_code`).
    pub address_problem: Option<String>,
    pub status: RowStatus,
    pub mailbox_id: Option<i32>,
    pub address: Option<String>,
    /// An error code, as `address_problem`.
    pub error: Option<String>,
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
