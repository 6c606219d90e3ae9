//! The request kinds of the SOPs, one folder or file each: their flows'
//! steps, facts and actions on top of the generic [`crate::requests`] code.
pub mod account_test;
pub mod personal_account;
pub mod phone_change;
pub mod simpeg;
pub mod unit_account;

use crate::entities::request;
use crate::{AppState, DomainResult};
use model::{RequestFact, RequestKind};

/// One request's page, for those who may see it: the generic part from
/// [`crate::requests::view`], the facts from the request's kind.
pub async fn detail(state: &AppState, actor: &crate::auth::Actor, ticket: &str) -> DomainResult<model::RequestDetail> {
    let (row, mut detail) = crate::requests::view::detail_without_facts(state, actor, ticket).await?;
    detail.facts = facts(state, &row).await?;
    Ok(detail)
}

/// A request's facts for its page, from its kind (personal data masked).
pub async fn facts(state: &AppState, r: &request::Model) -> DomainResult<Vec<RequestFact>> {
    let pairs = match r.kind {
        RequestKind::PhoneChange => phone_change::facts(state, r).await?,
        RequestKind::UnitAccount => unit_account::facts(r),
        RequestKind::PersonalAccount => personal_account::facts(state, r).await?,
        RequestKind::SimpegBulk => simpeg::batch::facts(state, r).await?,
    };
    Ok(pairs.into_iter().map(|(key, value)| RequestFact { key, value }).collect())
}
