//! `simpeg_batches` table.
use model::BatchStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "simpeg_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub created_by: i32,
    /// The unit of the Pengelola SIMPEG's role that uploaded it (none: government-wide).
    pub unit_id: Option<i32>,
    pub file_name: String,
    pub file_sha: String,
    pub file_kind: String,
    pub status: BatchStatus,
    #[sea_orm(column_type = "Text")]
    pub headers: String,
    #[sea_orm(column_type = "Text")]
    pub mapping: String,
    pub address_rule: String,
    pub request_id: Option<i32>,
    pub total: i32,
    pub eligible: i32,
    pub rejected: i32,
    pub already: i32,
    pub processed: i32,
    pub failed: i32,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
