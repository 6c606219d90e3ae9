//! `step_minutes` table: the dashboard's step figures, summed as steps happen
//! (see [`crate::requests::step_minutes`]).
use model::{RequestKind, RequestState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "step_minutes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `2026-12`, in office time.
    pub month: String,
    pub kind: RequestKind,
    /// [`crate::requests::step_minutes::NO_UNIT`] for a request without a unit.
    pub unit_id: i32,
    pub from_state: RequestState,
    /// The lower bound of the minutes' bucket.
    pub minutes: i64,
    pub steps: i32,
    pub within: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
