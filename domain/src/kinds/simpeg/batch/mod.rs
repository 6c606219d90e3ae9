//! F5 — bulk ASN accounts from a SIMPEG export (SOP 004), in the database.
//!
//! 1–2. The Pengelola SIMPEG uploads the export ([`upload`]); every row is
//!      checked by the pure rules in [`crate::kinds::simpeg`] and stored with its
//!      verdict and a proposed address (a *draft batch*). Headers that are not
//!      recognised go through the mapping screen first ([`set_mapping`]).
//!      The preview pages and filters ([`view`]); addresses can be edited
//!      per row ([`edit_address`]); rejected rows download as XLSX.
//! 3.   Submitting ([`submit`]) opens the month's collective request, or adds
//!      the batch to the month's request that is still waiting at step 4.
//! 4.   A Petugas starts processing ([`start_processing`]); the job ([`work`])
//!      creates every mailbox, one transaction per row (person by NIP,
//!      mailbox without password, one-time activation link, SMS in the
//!      outbox under a unique key, row marked done), under a lease so only
//!      one instance works a batch. A crash resumes where it stopped; when no
//!      row is left, Surel moves the request to step 5.
//! 5–7. NIP → address XLSX for SIMPEG ([`export_xlsx`]), marked loaded,
//!      reported, and received by the Pejabat Struktural ([`step`]).
//!
//! One file per stage: `upload` (1–2), `preview` (the draft's pages),
//! `submit` (3 and the officers' steps), `job` (4), `export` (XLSX out);
//! this file keeps what they share (who may see a batch, where files live).
use crate::accounts::{self, NewMailbox};
use crate::audit::{Change, Who};
use crate::auth::Actor;
use crate::entities::{alias, domain_name, mailbox, person, request, simpeg_batch as batch, simpeg_row as row, unit};
use crate::error::stored_code;
use crate::kinds::simpeg::addresses::AddressAllocator;
use crate::kinds::simpeg::read::columns::{ColumnMapping, Field};
use crate::kinds::simpeg::read::{self as reader, ReadError, Sheet};
use crate::kinds::simpeg::rules::{self, RuleContext, Verdict};
use crate::kinds::simpeg::units::UnitMatcher;
use crate::outbox::Channel;
use crate::requests::workflow::SIMPEG_BULK;
use crate::requests::{self, NewRequest, StepActor};
use crate::{activation, crypto, notify, AppState, DomainError, DomainResult};
use chrono::{DateTime, Datelike, Duration, Utc};
use model::access::{SIMPEG_PREPARE, SIMPEG_VIEW};
use model::validation::address::check_local_part;
use model::validation::phone::mask_phone;
use model::{
    Action, BatchStatus, ErrorCode, RequestState, Role, RowStatus, RowVerdict, SimpegBatchRow, SimpegBatchView, SimpegMapping, SimpegRowView, SimpegUploaded,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

mod export;
mod job;
mod preview;
mod submit;
mod upload;

pub use export::*;
pub use job::*;
pub use preview::*;
pub use submit::*;
pub use upload::*;

/// Rows per preview page (and most a page may ask for).
pub const PAGE_SIZE: u32 = 50;
/// How long a worker holds a batch without renewing its lease.
pub const LEASE_SECS: i64 = 10;
fn deny_unless(actor: &Actor, roles: &[Role]) -> DomainResult<()> {
    if actor.has_any(roles) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

fn file_path(state: &AppState, sha: &str) -> PathBuf {
    state.config.data_dir.join("simpeg").join(sha)
}

fn read_error(e: ReadError) -> DomainError {
    DomainError::field(if e.field().is_some() { "mapping" } else { "file" }, e.code())
}

/// The configured address rule (the same setting F4 uses).
async fn rule(state: &AppState) -> DomainResult<model::validation::address::AddressRule> {
    crate::kinds::personal_account::address_rule(state).await
}

/// `2026-11`: the local month a request belongs to.
fn month_of(state: &AppState, t: DateTime<Utc>) -> String {
    let local = t + Duration::hours(state.config.utc_offset_hours as i64);
    format!("{:04}-{:02}", local.year(), local.month())
}

/// Whether the actor may see this batch: a draft through a Pengelola SIMPEG
/// grant that covers the batch's unit; a submitted batch through any viewing
/// role that covers it. (A Pengelola scoped to unit A never sees unit B's
/// files, rows or exports; an unscoped grant sees every unit.)
fn may_see_batch(actor: &Actor, b: &batch::Model) -> bool {
    let roles: &[Role] = if b.request_id.is_none() { SIMPEG_PREPARE } else { SIMPEG_VIEW };
    roles.iter().any(|r| actor.has_for_unit(*r, b.unit_id))
}

async fn own_batch(state: &AppState, actor: &Actor, batch_id: i32) -> DomainResult<batch::Model> {
    let b = batch::Entity::find_by_id(batch_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    if !may_see_batch(actor, &b) {
        return Err(DomainError::NotFound);
    }
    Ok(b)
}

async fn load_request(state: &AppState, ticket: &str) -> DomainResult<request::Model> {
    request::Entity::find()
        .filter(request::Column::Ticket.eq(ticket))
        .filter(request::Column::Kind.eq(SIMPEG_BULK.kind))
        .one(&state.db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// The collective request, for someone whose role covers its unit (else
/// "not found": its existence is not confirmed).
async fn visible_request(state: &AppState, actor: &Actor, ticket: &str) -> DomainResult<request::Model> {
    let r = load_request(state, ticket).await?;
    if !crate::requests::access::may_see_row(actor, &SIMPEG_BULK, &r) {
        return Err(DomainError::NotFound);
    }
    Ok(r)
}

/// Facts for the request page.
pub async fn facts(state: &AppState, r: &request::Model) -> DomainResult<Vec<(String, String)>> {
    let bs = batch::Entity::find().filter(batch::Column::RequestId.eq(r.id)).order_by_asc(batch::Column::Id).all(&state.db).await?;
    let month = serde_json::from_str::<serde_json::Value>(&r.payload).ok().and_then(|v| v["month"].as_str().map(str::to_string)).unwrap_or_default();
    let mut out = vec![("month".to_string(), month)];
    for b in &bs {
        // the file as the officer knows it (its numbers are in `simpeg_progress`)
        out.push(("simpeg_batch".into(), format!("{} (#{})", b.file_name, b.id)));
    }
    let eligible: i32 = bs.iter().map(|b| b.eligible).sum();
    let (made, failed) = counts(&state.db, r.id).await?;
    out.push(("simpeg_progress".into(), format!("{made}/{eligible} · {failed}")));
    // people who left: mailboxes switched off / to switch off
    let ids: Vec<i32> = bs.iter().map(|b| b.id).collect();
    let leaving = leaving(&state.db, ids.clone()).await?;
    if leaving > 0 {
        let off = switched_off(&state.db, ids).await?;
        out.push(("simpeg_leavers".into(), format!("{off}/{leaving}")));
    }
    Ok(out)
}

/// Progress of a request's job, for polling: (made, failed, eligible, running).
pub async fn progress(state: &AppState, actor: &Actor, ticket: &str) -> DomainResult<(i64, i64, i64, RequestState)> {
    deny_unless(actor, SIMPEG_VIEW)?;
    let req = visible_request(state, actor, ticket).await?;
    let bs = batch::Entity::find().filter(batch::Column::RequestId.eq(req.id)).all(&state.db).await?;
    let (made, failed) = counts(&state.db, req.id).await?;
    Ok((made, failed, bs.iter().map(|b| b.eligible as i64).sum(), req.state))
}

#[cfg(test)]
mod tests;
