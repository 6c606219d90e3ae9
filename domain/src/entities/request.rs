//! `requests` table.
use model::{RequestKind, RequestState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub ticket: String,
    pub kind: RequestKind,
    pub state: RequestState,
    pub unit_id: Option<i32>,
    pub applicant_mailbox_id: Option<i32>,
    pub applicant_person_id: Option<i32>,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub version: i32,
    pub step_started_at: DateTimeUtc,
    pub step_due_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
