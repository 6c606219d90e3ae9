//! `request_events` table.
use model::{Action, RequestState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub seq: i32,
    pub action: Action,
    pub from_state: Option<RequestState>,
    pub to_state: RequestState,
    pub actor_mailbox_id: Option<i32>,
    pub actor_label: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub step_started_at: DateTimeUtc,
    pub at: DateTimeUtc,
    pub due_at: Option<DateTimeUtc>,
    pub duration_secs: Option<i64>,
    pub standard_secs: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The step this event ends: the state it left and the seconds that took.
    /// `None` for a request's creation, a self-loop (a resend, a retry: the
    /// step goes on) or an event without a known time.
    pub fn step_taken(&self) -> Option<(RequestState, i64)> {
        let (from, secs) = (self.from_state?, self.duration_secs?);
        (self.to_state != from).then_some((from, secs))
    }
}
