//! `audit_head` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub last_id: i64,
    pub last_hash: String,
    pub updated_at: DateTimeUtc,
    /// 0: rows hashed with plain SHA-256 (before keyed hashing); 1: HMAC with the server key.
    pub scheme: i32,
    /// The last full verification (`surel audit verify`, or hourly by every instance).
    pub verified_at: Option<DateTimeUtc>,
    pub verified_rows: i64,
    /// The first broken row of that verification (0: the head disagrees); none when intact.
    pub verified_broken_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
