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

/// Rows per preview page (and most a page may ask for).
pub const PAGE_SIZE: u32 = 50;
/// How long a worker holds a batch without renewing its lease.
pub const LEASE_SECS: i64 = 10;
/// Rows inserted per statement (well under SQLite's variable limit).
const INSERT_CHUNK: usize = 500;

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

/// The uploaded export holds personal data (NIP, phones, personal e-mail):
/// kept only while a batch may still be mapped again, i.e. until it is
/// submitted or discarded and no other draft shares the same file.
async fn forget_file(state: &AppState, sha: &str) -> DomainResult<()> {
    let still_needed = batch::Entity::find()
        .filter(batch::Column::FileSha.eq(sha))
        .filter(batch::Column::Status.is_in([BatchStatus::Mapping, BatchStatus::Draft]))
        .count(&state.db)
        .await?;
    if still_needed == 0 {
        match tokio::fs::remove_file(file_path(state, sha)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => tracing::warn!(error = %e, "could not remove a SIMPEG upload"),
            _ => {}
        }
    }
    Ok(())
}

// ---- Upload, mapping, checks ------------------------------------------------

/// Steps 1–2: stores the upload and checks it, or asks for the mapping.
pub async fn upload(state: &AppState, actor: &Actor, file_name: &str, bytes: &[u8]) -> DomainResult<SimpegUploaded> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let preview = reader::preview(bytes, 5).map_err(read_error)?;
    let sha = crypto::sha256_hex(bytes);
    let path = file_path(state, &sha);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(anyhow::Error::from)?;
    }
    tokio::fs::write(&path, bytes).await.map_err(anyhow::Error::from)?;
    let now = state.now();
    let name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    let kind = format!("{:?}", preview.kind).to_lowercase();
    let rule = rule(state).await?;
    let mut change = Change::begin(state, actor.who()).await?;
    let b = batch::ActiveModel {
        created_by: Set(actor.mailbox_id),
        unit_id: Set(submitting_unit(actor)),
        file_name: Set(if name.trim().is_empty() { "simpeg".into() } else { name }),
        file_sha: Set(sha),
        file_kind: Set(kind),
        status: Set(BatchStatus::Mapping),
        headers: Set(serde_json::to_string(&preview.headers).map_err(anyhow::Error::from)?),
        mapping: Set(serde_json::to_string(&preview.detected).map_err(anyhow::Error::from)?),
        address_rule: Set(rule.code().into()),
        request_id: Set(None),
        total: Set(preview.data_rows as i32),
        eligible: Set(0),
        rejected: Set(0),
        already: Set(0),
        processed: Set(0),
        failed: Set(0),
        lease_owner: Set(None),
        lease_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&*change)
    .await?;
    change.log("simpeg.upload", "simpeg_batch", b.id, json!({ "file": b.file_name, "kind": b.file_kind, "rows": preview.data_rows })).await?;
    if !preview.missing.is_empty() {
        change.commit().await?;
        return Ok(SimpegUploaded::NeedsMapping(mapping_screen(b.id, &preview)));
    }
    let sheet = match reader::read_sheet(bytes, None) {
        Ok(s) => s,
        Err(e) => {
            change.commit().await?;
            return Err(read_error(e));
        }
    };
    check_into(state, &mut change, &b, &sheet).await?;
    change.commit().await?;
    Ok(SimpegUploaded::Checked { batch_id: b.id })
}

fn mapping_screen(batch_id: i32, p: &reader::Preview) -> SimpegMapping {
    SimpegMapping {
        batch_id,
        headers: p.headers.clone(),
        fields: Field::ALL.iter().map(|f| (f.code().to_string(), p.detected.get(*f), f.required())).collect(),
        missing: p.missing.iter().map(|f| f.code().to_string()).collect(),
        sample: p.sample.iter().map(|r| r.cells.clone()).collect(),
        data_rows: p.data_rows,
    }
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

/// The mapping screen for a batch still waiting for one.
pub async fn mapping(state: &AppState, actor: &Actor, batch_id: i32) -> DomainResult<SimpegMapping> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let b = own_batch(state, actor, batch_id).await?;
    let bytes = tokio::fs::read(file_path(state, &b.file_sha)).await.map_err(|_| DomainError::NotFound)?;
    let p = reader::preview(&bytes, 5).map_err(read_error)?;
    let mut screen = mapping_screen(b.id, &p);
    if let Ok(m) = serde_json::from_str::<ColumnMapping>(&b.mapping) {
        screen.fields = Field::ALL.iter().map(|f| (f.code().to_string(), m.get(*f), f.required())).collect();
    }
    Ok(screen)
}

/// The mapping screen's answer: field code → column (none: not in the file).
/// Checks the whole file again under that mapping.
pub async fn set_mapping(state: &AppState, actor: &Actor, batch_id: i32, columns: Vec<(String, Option<usize>)>) -> DomainResult<()> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let b = own_batch(state, actor, batch_id).await?;
    if !matches!(b.status, BatchStatus::Mapping | BatchStatus::Draft) {
        return Err(DomainError::Conflict { code: ErrorCode::BatchNotDraft, by: None });
    }
    let mut m = ColumnMapping::default();
    for (code, col) in columns {
        let field = Field::ALL.iter().copied().find(|f| f.code() == code).ok_or_else(|| DomainError::field("mapping", ErrorCode::MappingUnknownField))?;
        m.set(field, col);
    }
    let bytes = tokio::fs::read(file_path(state, &b.file_sha)).await.map_err(|_| DomainError::NotFound)?;
    let sheet = reader::read_sheet(&bytes, Some(&m)).map_err(read_error)?;
    let mut change = Change::begin(state, actor.who()).await?;
    row::Entity::delete_many().filter(row::Column::BatchId.eq(b.id)).exec(&*change).await?;
    check_into(state, &mut change, &b, &sheet).await?;
    change.log("simpeg.mapping", "simpeg_batch", b.id, json!({ "mapping": m })).await?;
    change.commit().await?;
    Ok(())
}

/// NIPs that already own a personal mailbox.
async fn nips_with_mailbox<C: ConnectionTrait>(db: &C) -> DomainResult<HashSet<String>> {
    let person_ids: Vec<i32> = mailbox::Entity::find()
        .select_only()
        .column(mailbox::Column::PersonId)
        .filter(mailbox::Column::Kind.eq("personal"))
        .filter(mailbox::Column::PersonId.is_not_null())
        .into_tuple::<Option<i32>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let mut out = HashSet::new();
    for chunk in person_ids.chunks(INSERT_CHUNK) {
        let nips: Vec<Option<String>> =
            person::Entity::find().select_only().column(person::Column::Nip).filter(person::Column::Id.is_in(chunk.to_vec())).into_tuple().all(db).await?;
        out.extend(nips.into_iter().flatten());
    }
    Ok(out)
}

/// Local parts in use in the default domain, and those promised to rows of
/// submitted batches not yet worked.
async fn taken_locals<C: ConnectionTrait>(db: &C, except_batch: i32) -> DomainResult<HashSet<String>> {
    let mut taken: HashSet<String> = mailbox::Entity::find()
        .select_only()
        .column(mailbox::Column::LocalPart)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.to_lowercase())
        .collect();
    for a in alias::Entity::find().select_only().column(alias::Column::Address).into_tuple::<String>().all(db).await? {
        if let Some((local, _)) = a.split_once('@') {
            taken.insert(local.to_lowercase());
        }
    }
    let open: Vec<i32> = batch::Entity::find()
        .select_only()
        .column(batch::Column::Id)
        .filter(batch::Column::Status.eq(BatchStatus::Submitted))
        .filter(batch::Column::Id.ne(except_batch))
        .into_tuple()
        .all(db)
        .await?;
    if !open.is_empty() {
        let promised: Vec<Option<String>> = row::Entity::find()
            .select_only()
            .column(row::Column::LocalPart)
            .filter(row::Column::BatchId.is_in(open))
            .filter(row::Column::Status.eq(RowStatus::Pending))
            .filter(row::Column::Verdict.eq(RowVerdict::Eligible))
            .into_tuple()
            .all(db)
            .await?;
        taken.extend(promised.into_iter().flatten());
    }
    Ok(taken)
}

/// The checks alone, against the database's units, domains and mailboxes
/// (the command line's `--dry-run`): nothing is stored.
pub async fn dry_run(state: &AppState, sheet: &Sheet) -> DomainResult<rules::Summary> {
    let units = unit::Entity::find().all(&state.db).await?;
    let unit_list: Vec<(i32, &str, &str)> = units.iter().map(|u| (u.id, u.code.as_str(), u.name.as_str())).collect();
    let matcher = UnitMatcher::new(&unit_list);
    let domains: Vec<String> = domain_name::Entity::find().all(&state.db).await?.into_iter().map(|d| d.name).collect();
    let domain_refs: Vec<&str> = domains.iter().map(String::as_str).collect();
    let has_mailbox = nips_with_mailbox(&state.db).await?;
    let ctx = RuleContext { today: state.today(), units: &matcher, official_domains: &domain_refs, has_mailbox: &has_mailbox };
    let checked = rules::check_sheet(sheet, &ctx);
    let taken = taken_locals(&state.db, 0).await?;
    let _ = crate::kinds::simpeg::addresses::propose_addresses(&checked, rule(state).await?, &taken);
    Ok(rules::summarize(&checked))
}

/// Checks every row of `sheet` and stores the rows of batch `b` (draft).
async fn check_into(state: &AppState, change: &mut Change, b: &batch::Model, sheet: &Sheet) -> DomainResult<()> {
    let units = unit::Entity::find().all(&**change).await?;
    let unit_list: Vec<(i32, &str, &str)> = units.iter().map(|u| (u.id, u.code.as_str(), u.name.as_str())).collect();
    let matcher = UnitMatcher::new(&unit_list);
    let domains: Vec<String> = domain_name::Entity::find().all(&**change).await?.into_iter().map(|d| d.name).collect();
    let domain_refs: Vec<&str> = domains.iter().map(String::as_str).collect();
    let has_mailbox = nips_with_mailbox(&**change).await?;
    let ctx = RuleContext { today: state.today(), units: &matcher, official_domains: &domain_refs, has_mailbox: &has_mailbox };
    let checked = rules::check_sheet(sheet, &ctx);
    let summary = rules::summarize(&checked);
    let taken = taken_locals(&**change, b.id).await?;
    let rule = model::validation::address::AddressRule::from_code(&b.address_rule).unwrap_or(crate::kinds::simpeg::addresses::DEFAULT_RULE);
    let mut alloc = AddressAllocator::new(rule, &taken);
    let mut models = Vec::with_capacity(checked.len());
    for (r, raw) in checked.iter().zip(sheet.rows.iter()) {
        let (verdict, reasons) = match &r.verdict {
            Verdict::Eligible => (RowVerdict::Eligible, String::new()),
            Verdict::Rejected(rs) => (RowVerdict::Rejected, rs.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")),
            Verdict::AlreadyHasAccount => (RowVerdict::HasAccount, ErrorCode::AlreadyHasAccount.to_string()),
        };
        let (local, problem) = if r.verdict.is_eligible() {
            match alloc.propose(&r.name) {
                Ok(l) => (Some(l), None),
                Err(code) => (None, Some(code.to_string())),
            }
        } else {
            (None, None)
        };
        models.push(row::ActiveModel {
            batch_id: Set(b.id),
            line: Set(r.line as i32),
            nip: Set(r.nip.clone()),
            name: Set(r.name.clone()),
            display_name: Set(r.display_name()),
            unit_id: Set(r.unit_id),
            phone: Set(r.phone.clone()),
            email: Set(r.email.clone()),
            verdict: Set(verdict),
            reasons: Set(reasons),
            cells: Set(serde_json::to_string(&raw.cells).map_err(anyhow::Error::from)?),
            local_part: Set(local),
            address_problem: Set(problem),
            status: Set(if verdict == RowVerdict::Eligible { RowStatus::Pending } else { RowStatus::Skipped }),
            mailbox_id: Set(None),
            address: Set(None),
            error: Set(None),
            processed_at: Set(None),
            ..Default::default()
        });
    }
    while !models.is_empty() {
        let rest = models.split_off(models.len().min(INSERT_CHUNK));
        row::Entity::insert_many(std::mem::replace(&mut models, rest)).exec(&**change).await?;
    }
    let mut am: batch::ActiveModel = b.clone().into();
    am.status = Set(BatchStatus::Draft);
    am.headers = Set(serde_json::to_string(&sheet.headers).map_err(anyhow::Error::from)?);
    am.mapping = Set(serde_json::to_string(&sheet.mapping).map_err(anyhow::Error::from)?);
    am.total = Set(checked.len() as i32);
    am.eligible = Set(summary.eligible as i32);
    am.rejected = Set(summary.rejected as i32);
    am.already = Set(summary.already_has_account as i32);
    am.updated_at = Set(change.now());
    am.update(&**change).await?;
    change
        .log(
            "simpeg.check",
            "simpeg_batch",
            b.id,
            json!({ "rows": checked.len(), "eligible": summary.eligible, "rejected": summary.rejected, "already": summary.already_has_account }),
        )
        .await?;
    Ok(())
}

// ---- Preview ----------------------------------------------------------------

/// The preparer's batches, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> DomainResult<Vec<SimpegBatchRow>> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let mut q = batch::Entity::find().filter(batch::Column::Status.ne(BatchStatus::Discarded));
    // Scoped grants only: the units they cover (an unscoped grant sees all).
    let units = actor.units_for(Role::PengelolaSimpeg);
    if !units.contains(&None) {
        q = q.filter(batch::Column::UnitId.is_in(units.into_iter().flatten()));
    }
    let batches = q.order_by_desc(batch::Column::Id).limit(30).all(&state.db).await?;
    let mut out = Vec::new();
    for b in batches.into_iter().filter(|b| may_see_batch(actor, b)) {
        let ticket = match b.request_id {
            Some(id) => request::Entity::find_by_id(id).one(&state.db).await?.map(|r| r.ticket),
            None => None,
        };
        out.push(SimpegBatchRow {
            id: b.id,
            file_name: b.file_name,
            status: b.status,
            created_at: state.local_time(b.created_at),
            total: b.total,
            eligible: b.eligible,
            ticket,
        });
    }
    Ok(out)
}

/// One page of a batch, filtered by verdict (`eligible`, `rejected`,
/// `has_account`, `failed`, or empty for all).
pub async fn view(state: &AppState, actor: &Actor, batch_id: i32, filter: &str, page: u32) -> DomainResult<SimpegBatchView> {
    deny_unless(actor, SIMPEG_VIEW)?;
    let b = own_batch(state, actor, batch_id).await?;
    let mut q = row::Entity::find().filter(row::Column::BatchId.eq(b.id));
    // the screen's filter: a verdict, or what the job did (`failed`, `done`)
    q = match (RowVerdict::parse(filter), RowStatus::parse(filter)) {
        (Some(verdict), _) => q.filter(row::Column::Verdict.eq(verdict)),
        (None, Some(status @ (RowStatus::Failed | RowStatus::Done))) => q.filter(row::Column::Status.eq(status)),
        _ => q,
    };
    let filtered = q.clone().count(&state.db).await?;
    let rows = q.order_by_asc(row::Column::Line).order_by_asc(row::Column::Id).offset((page * PAGE_SIZE) as u64).limit(PAGE_SIZE as u64).all(&state.db).await?;
    let unit_names: HashMap<i32, String> = unit::Entity::find().all(&state.db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let req = match b.request_id {
        Some(id) => request::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let now = state.now();
    Ok(SimpegBatchView {
        id: b.id,
        status: b.status,
        file_name: b.file_name.clone(),
        file_kind: b.file_kind.clone(),
        created_at: state.local_time(b.created_at),
        total: b.total,
        eligible: b.eligible,
        rejected: b.rejected,
        already: b.already,
        processed: b.processed,
        failed: b.failed,
        ticket: req.as_ref().map(|r| r.ticket.clone()),
        request_state: req.as_ref().map(|r| r.state),
        running: req.as_ref().is_some_and(|r| r.state == RequestState::Memproses)
            && b.status == BatchStatus::Submitted
            && b.lease_until.is_some_and(|t| t > now),
        domain: accounts::default_domain(&state.db).await?.name,
        rows: rows.into_iter().map(|r| row_view(r, &unit_names)).collect(),
        filtered,
        page,
        page_size: PAGE_SIZE,
        editable: b.status == BatchStatus::Draft && SIMPEG_PREPARE.iter().any(|r| actor.has_for_unit(*r, b.unit_id)),
        joins: match b.status {
            BatchStatus::Draft => open_request_of_month(state, &state.db, submitting_unit(actor)).await?.map(|r| r.ticket),
            _ => None,
        },
    })
}

fn row_view(r: row::Model, units: &HashMap<i32, String>) -> SimpegRowView {
    SimpegRowView {
        id: r.id,
        line: r.line,
        nip: r.nip,
        name: r.display_name,
        unit: r.unit_id.and_then(|u| units.get(&u).cloned()),
        phone: r.phone.as_deref().map(mask_phone),
        email: r.email,
        verdict: r.verdict,
        reasons: r.reasons.split(',').filter(|s| !s.is_empty()).map(stored_code).collect(),
        local_part: r.local_part,
        address_problem: r.address_problem.as_deref().map(stored_code),
        status: r.status,
        address: r.address,
        error: r.error.as_deref().map(stored_code),
    }
}

/// Changes the proposed address of one eligible row of a draft. Returns the local part kept.
pub async fn edit_address(state: &AppState, actor: &Actor, batch_id: i32, row_id: i32, local_part: &str) -> DomainResult<String> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let b = own_batch(state, actor, batch_id).await?;
    if b.status != BatchStatus::Draft {
        return Err(DomainError::Conflict { code: ErrorCode::BatchNotDraft, by: None });
    }
    let r = row::Entity::find_by_id(row_id)
        .one(&state.db)
        .await?
        .filter(|r| r.batch_id == b.id && r.verdict == RowVerdict::Eligible)
        .ok_or(DomainError::NotFound)?;
    let local = check_local_part(local_part).map_err(|e| DomainError::field("local_part", e.code()))?;
    if r.local_part.as_deref() == Some(local.as_str()) {
        return Ok(local);
    }
    if taken_locals(&state.db, b.id).await?.contains(&local) {
        return Err(DomainError::field("local_part", ErrorCode::AddressTaken));
    }
    let twin = row::Entity::find()
        .filter(row::Column::BatchId.eq(b.id))
        .filter(row::Column::LocalPart.eq(local.clone()))
        .filter(row::Column::Id.ne(r.id))
        .count(&state.db)
        .await?;
    if twin > 0 {
        return Err(DomainError::field("local_part", ErrorCode::AddressInBatch));
    }
    let mut change = Change::begin(state, actor.who()).await?;
    let before = r.local_part.clone();
    let mut am: row::ActiveModel = r.into();
    am.local_part = Set(Some(local.clone()));
    am.address_problem = Set(None);
    am.update(&*change).await?;
    change.log("simpeg.address", "simpeg_batch", b.id, json!({ "row": row_id, "from": before, "to": local })).await?;
    change.commit().await?;
    Ok(local)
}

/// Throws a draft away (a wrong file).
pub async fn discard(state: &AppState, actor: &Actor, batch_id: i32) -> DomainResult<()> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let b = own_batch(state, actor, batch_id).await?;
    if !matches!(b.status, BatchStatus::Mapping | BatchStatus::Draft) {
        return Err(DomainError::Conflict { code: ErrorCode::BatchNotDraft, by: None });
    }
    let mut change = Change::begin(state, actor.who()).await?;
    row::Entity::delete_many().filter(row::Column::BatchId.eq(b.id)).exec(&*change).await?;
    let mut am: batch::ActiveModel = b.clone().into();
    am.status = Set(BatchStatus::Discarded);
    am.updated_at = Set(change.now());
    am.update(&*change).await?;
    change.log("simpeg.discard", "simpeg_batch", b.id, json!({})).await?;
    change.commit().await?;
    forget_file(state, &b.file_sha).await
}

// ---- Submit (step 3) ----------------------------------------------------------

/// The unit a Pengelola SIMPEG submits for: their role's unit scope, or none
/// (the whole government) when the role is not scoped.
fn submitting_unit(actor: &Actor) -> Option<i32> {
    actor.units_for(Role::PengelolaSimpeg).into_iter().flatten().next()
}

/// The month's collective request of this unit still waiting at step 4: a new
/// batch joins it unless the Pengelola asks for a separate request.
async fn open_request_of_month<C: ConnectionTrait>(state: &AppState, db: &C, unit_id: Option<i32>) -> DomainResult<Option<request::Model>> {
    let month = month_of(state, state.now());
    let mut q = request::Entity::find().filter(request::Column::Kind.eq(SIMPEG_BULK.kind)).filter(request::Column::State.eq(RequestState::Proses));
    q = match unit_id {
        Some(u) => q.filter(request::Column::UnitId.eq(u)),
        None => q.filter(request::Column::UnitId.is_null()),
    };
    Ok(q.order_by_desc(request::Column::Id).all(db).await?.into_iter().find(|r| month_of(state, r.created_at) == month))
}

/// Step 3: the eligible rows go to the month's collective request of the
/// Pengelola's unit (one per unit and month), or to a request of their own
/// when `separate` is asked. Returns the ticket.
pub async fn submit(state: &AppState, actor: &Actor, batch_id: i32, separate: bool) -> DomainResult<String> {
    deny_unless(actor, SIMPEG_PREPARE)?;
    let b = own_batch(state, actor, batch_id).await?;
    if b.status != BatchStatus::Draft {
        return Err(DomainError::Conflict { code: ErrorCode::BatchNotDraft, by: None });
    }
    if b.eligible == 0 {
        return Err(DomainError::field("batch", ErrorCode::BatchNothingEligible));
    }
    let eligible = |q: sea_orm::Select<row::Entity>| q.filter(row::Column::BatchId.eq(b.id)).filter(row::Column::Verdict.eq(RowVerdict::Eligible));
    let missing = eligible(row::Entity::find())
        .filter(Condition::any().add(row::Column::LocalPart.is_null()).add(row::Column::AddressProblem.is_not_null()))
        .count(&state.db)
        .await?;
    if missing > 0 {
        return Err(DomainError::field("batch", ErrorCode::BatchAddressMissing));
    }
    let mut change = Change::begin(state, actor.who()).await?;
    // Addresses taken since the check (another batch, a desk request): mark and refuse.
    let taken = taken_locals(&*change, b.id).await?;
    let rows = eligible(row::Entity::find()).all(&*change).await?;
    let clashes: Vec<i32> = rows.iter().filter(|r| r.local_part.as_ref().is_some_and(|l| taken.contains(l))).map(|r| r.id).collect();
    if !clashes.is_empty() {
        drop(change);
        for chunk in clashes.chunks(INSERT_CHUNK) {
            row::Entity::update_many()
                .col_expr(row::Column::AddressProblem, Expr::value(ErrorCode::AddressTaken.as_str()))
                .filter(row::Column::Id.is_in(chunk.to_vec()))
                .exec(&state.db)
                .await?;
        }
        return Err(DomainError::field("batch", ErrorCode::BatchAddressTaken));
    }
    let now = change.now();
    let month = month_of(state, now);
    let levels = state.service_levels(&*change).await?;
    let unit_id = submitting_unit(actor);
    let open = if separate { None } else { open_request_of_month(state, &*change, unit_id).await? };
    let (req, merged) = match open {
        Some(r) => (r, true),
        None => {
            let new = NewRequest {
                unit_id,
                applicant_mailbox_id: Some(actor.mailbox_id),
                applicant_person_id: None,
                subject: format!("Akun email ASN kolektif {month}"),
                payload: json!({ "month": month }),
                note: Some(format!("{} baris layak dari {} ({} baris)", b.eligible, b.file_name, b.total)),
            };
            (requests::create(&mut change, &levels, &SIMPEG_BULK, &StepActor::staff(actor), new).await?, false)
        }
    };
    let done = batch::Entity::update_many()
        .col_expr(batch::Column::Status, Expr::value(BatchStatus::Submitted))
        .col_expr(batch::Column::RequestId, Expr::value(req.id))
        .col_expr(batch::Column::SubmittedAt, Expr::value(now))
        .col_expr(batch::Column::UpdatedAt, Expr::value(now))
        .filter(batch::Column::Id.eq(b.id))
        .filter(batch::Column::Status.eq(BatchStatus::Draft))
        .exec(&*change)
        .await?;
    if done.rows_affected != 1 {
        return Err(DomainError::Conflict { code: ErrorCode::BatchNotDraft, by: None });
    }
    change.log("simpeg.submit", "request", &req.ticket, json!({ "batch": b.id, "eligible": b.eligible, "merged": merged })).await?;
    let text = format!("Surel: permohonan akun email ASN kolektif {month} (tiket {}) berisi {} akun baru; mohon diproses.", req.ticket, b.eligible);
    notify::tell_role(state, &change, Role::Petugas, None, &req.ticket, &format!("batch{}", b.id), "Permohonan akun ASN kolektif", &text, false).await?;
    change.commit().await?;
    state.wake_outbox();
    forget_file(state, &b.file_sha).await?;
    Ok(req.ticket)
}

// ---- Processing (step 4) ------------------------------------------------------

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

/// Step 4: a Petugas starts the job; the workers do the rows.
pub async fn start_processing(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    requests::transition(&mut change, &levels, ticket, version, Action::ProsesBatch, &StepActor::staff(actor), None, Default::default()).await?;
    change.commit().await?;
    Ok(())
}

/// Steps 5–7 by people: `tandai_dimuat`, `laporkan`, `terima_laporan`.
pub async fn step(state: &AppState, actor: &Actor, ticket: &str, version: i32, action: Action) -> DomainResult<()> {
    if !matches!(action, Action::TandaiDimuat | Action::Laporkan | Action::TerimaLaporan) {
        return Err(DomainError::Forbidden);
    }
    let r = load_request(state, ticket).await?;
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    requests::transition(&mut change, &levels, ticket, version, action, &StepActor::staff(actor), None, Default::default()).await?;
    if action == Action::Laporkan {
        let (made, failed) = counts(&*change, r.id).await?;
        let text = format!("Surel: laporan pembuatan akun email ASN kolektif (tiket {ticket}): {made} akun dibuat, {failed} gagal. Mohon diterima.");
        notify::tell_role(state, &change, Role::PejabatStruktural, None, ticket, "report", "Laporan pembuatan akun email ASN", &text, false).await?;
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// Mailboxes made and rows failed over every batch of a request.
async fn counts<C: ConnectionTrait>(db: &C, request_id: i32) -> DomainResult<(i64, i64)> {
    let bs = batch::Entity::find().filter(batch::Column::RequestId.eq(request_id)).all(db).await?;
    Ok((bs.iter().map(|b| b.processed as i64).sum(), bs.iter().map(|b| b.failed as i64).sum()))
}

/// Takes (or renews) the lease on a batch. True when this worker holds it.
async fn claim(state: &AppState, batch_id: i32, owner: &str) -> DomainResult<bool> {
    let now = state.now();
    let got = batch::Entity::update_many()
        .col_expr(batch::Column::LeaseOwner, Expr::value(owner))
        .col_expr(batch::Column::LeaseUntil, Expr::value(now + Duration::seconds(LEASE_SECS)))
        .filter(batch::Column::Id.eq(batch_id))
        .filter(batch::Column::Status.eq(BatchStatus::Submitted))
        .filter(Condition::any().add(batch::Column::LeaseOwner.is_null()).add(batch::Column::LeaseOwner.eq(owner)).add(batch::Column::LeaseUntil.lt(now)))
        .exec(&state.db)
        .await?;
    Ok(got.rows_affected == 1)
}

/// What one call of [`work`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkDone {
    pub rows: usize,
    pub finished_requests: usize,
}

/// The job: works every batch of every request at step 4 (`memproses`),
/// at most `max_rows` rows (None: until nothing is left), then moves the
/// requests whose rows are all worked to step 5. Safe on every instance,
/// at any time: leases keep two workers off one batch, and a row is marked
/// done in the same transaction that makes its mailbox.
pub async fn work(state: &AppState, owner: &str, max_rows: Option<usize>, mut progress: impl FnMut(usize)) -> DomainResult<WorkDone> {
    let mut out = WorkDone::default();
    let running = request::Entity::find()
        .filter(request::Column::Kind.eq(SIMPEG_BULK.kind))
        .filter(request::Column::State.eq(RequestState::Memproses))
        .all(&state.db)
        .await?;
    for req in running {
        let batches =
            batch::Entity::find().filter(batch::Column::RequestId.eq(req.id)).filter(batch::Column::Status.eq(BatchStatus::Submitted)).all(&state.db).await?;
        let mut busy_elsewhere = false;
        for b in batches {
            if !claim(state, b.id, owner).await? {
                busy_elsewhere = true;
                continue;
            }
            loop {
                if max_rows.is_some_and(|m| out.rows >= m) {
                    return Ok(out);
                }
                let want = max_rows.map(|m| (m - out.rows).min(100)).unwrap_or(100) as u64;
                let pending = row::Entity::find()
                    .filter(row::Column::BatchId.eq(b.id))
                    .filter(row::Column::Status.eq(RowStatus::Pending))
                    .order_by_asc(row::Column::Id)
                    .limit(want)
                    .all(&state.db)
                    .await?;
                if pending.is_empty() {
                    break;
                }
                for r in pending {
                    process_row(state, &req, &b, r).await?;
                    out.rows += 1;
                    progress(out.rows);
                }
                if !claim(state, b.id, owner).await? {
                    // lost the lease (paused too long): someone else goes on
                    busy_elsewhere = true;
                    break;
                }
            }
            if !busy_elsewhere {
                let now = state.now();
                batch::Entity::update_many()
                    .col_expr(batch::Column::Status, Expr::value(BatchStatus::Done))
                    .col_expr(batch::Column::FinishedAt, Expr::value(now))
                    .col_expr(batch::Column::LeaseOwner, Expr::value(Option::<String>::None))
                    .col_expr(batch::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
                    .filter(batch::Column::Id.eq(b.id))
                    .filter(batch::Column::LeaseOwner.eq(owner))
                    .exec(&state.db)
                    .await?;
            }
        }
        let left =
            batch::Entity::find().filter(batch::Column::RequestId.eq(req.id)).filter(batch::Column::Status.eq(BatchStatus::Submitted)).count(&state.db).await?;
        if left == 0 && finish(state, &req).await? {
            out.finished_requests += 1;
        }
    }
    Ok(out)
}

/// Every row worked: Surel moves the request to step 5 and tells the preparer.
async fn finish(state: &AppState, req: &request::Model) -> DomainResult<bool> {
    let (made, failed) = counts(&state.db, req.id).await?;
    let mut change = Change::begin(state, Who::system("simpeg")).await?;
    let levels = state.service_levels(&*change).await?;
    let note = format!("{made} akun dibuat, {failed} gagal.");
    match requests::transition(
        &mut change,
        &levels,
        &req.ticket,
        req.version,
        Action::BatchSelesai,
        &StepActor::system("Surel (proses kolektif)"),
        Some(&note),
        Default::default(),
    )
    .await
    {
        Ok(_) => {}
        // another instance finished it first
        Err(DomainError::Conflict { .. }) => return Ok(false),
        Err(e) => return Err(e),
    }
    let text = format!("Surel: akun email ASN kolektif (tiket {}) selesai diproses: {note} Unduh daftar NIP → alamat untuk SIMPEG.", req.ticket);
    notify::tell_role(state, &change, Role::PengelolaSimpeg, None, &req.ticket, "processed", "Akun ASN kolektif selesai diproses", &text, false).await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(true)
}

/// One row, one transaction: person by NIP, mailbox without a password,
/// activation link, SMS under a unique key, row done.
async fn process_row(state: &AppState, req: &request::Model, b: &batch::Model, r: row::Model) -> DomainResult<()> {
    let mut change = Change::begin(state, Who::system("simpeg")).await?;
    // Read again inside the transaction: another worker may have done it.
    let Some(r) = row::Entity::find_by_id(r.id).one(&*change).await?.filter(|r| r.status == RowStatus::Pending) else { return Ok(()) };
    let now = change.now();
    let (nip, phone, email, local) = match (&r.nip, &r.phone, &r.email, &r.local_part) {
        (Some(n), Some(p), Some(e), Some(l)) => (n.clone(), p.clone(), e.clone(), l.clone()),
        _ => return mark(change, &r, b, RowStatus::Failed, None, None, Some(ErrorCode::RowIncomplete)).await,
    };
    let existing = person::Entity::find().filter(person::Column::Nip.eq(nip.clone())).one(&*change).await?;
    if let Some(p) = &existing {
        let has = mailbox::Entity::find().filter(mailbox::Column::PersonId.eq(p.id)).filter(mailbox::Column::Kind.eq("personal")).one(&*change).await?;
        if let Some(mb) = has {
            return mark(change, &r, b, RowStatus::Failed, None, Some(mb.address), Some(ErrorCode::AlreadyHasAccount)).await;
        }
    }
    let domain = accounts::default_domain(&*change).await?;
    if accounts::is_taken(&*change, &format!("{local}@{}", domain.name)).await? {
        return mark(change, &r, b, RowStatus::Failed, None, None, Some(ErrorCode::AddressTaken)).await;
    }
    let person_id = match existing {
        Some(p) => {
            let id = p.id;
            let mut am: person::ActiveModel = p.into();
            am.name = Set(r.name.clone());
            am.unit_id = Set(r.unit_id);
            am.phone = Set(Some(phone.clone()));
            am.phone_verified_at = Set(Some(now));
            am.personal_email = Set(Some(email.clone()));
            am.updated_at = Set(now);
            am.update(&*change).await?;
            id
        }
        None => {
            person::ActiveModel {
                name: Set(r.name.clone()),
                nip: Set(Some(nip.clone())),
                unit_id: Set(r.unit_id),
                phone: Set(Some(phone.clone())),
                phone_verified_at: Set(Some(now)),
                personal_email: Set(Some(email.clone())),
                telegram_chat_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*change)
            .await?
            .id
        }
    };
    let mb = accounts::create_mailbox(
        &mut change,
        NewMailbox {
            local_part: local,
            kind: "personal".into(),
            display_name: r.display_name.clone(),
            person_id: Some(person_id),
            unit_id: r.unit_id,
            reset_phone: Some(phone.clone()),
            quota_mb: accounts::DEFAULT_QUOTA_MB,
            ends_on: None,
            aliases: vec![],
        },
    )
    .await?;
    let link = activation::issue_link(&mut change, state, mb.id, "activate").await?;
    let sms = format!(
        "Surel: akun email dinas Anda sudah dibuat. Nama pengguna: {}. Atur kata sandi lewat tautan sekali pakai ini (berlaku 72 jam): {link}",
        mb.address
    );
    notify::send(state, &change, Channel::Sms, &phone, None, sms, format!("simpeg:{}:{}:activation", b.id, r.id), Some(format!("request:{}", req.ticket)))
        .await?;
    mark(change, &r, b, RowStatus::Done, Some(mb.id), Some(mb.address), None).await?;
    state.wake_outbox();
    Ok(())
}

/// Marks a row worked (only if still pending) and counts it on its batch; commits.
async fn mark(
    change: Change,
    r: &row::Model,
    b: &batch::Model,
    status: RowStatus,
    mailbox_id: Option<i32>,
    address: Option<String>,
    error: Option<ErrorCode>,
) -> DomainResult<()> {
    let now = change.now();
    let done = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(status))
        .col_expr(row::Column::MailboxId, Expr::value(mailbox_id))
        .col_expr(row::Column::Address, Expr::value(address))
        .col_expr(row::Column::Error, Expr::value(error.map(|c| c.as_str().to_string())))
        .col_expr(row::Column::ProcessedAt, Expr::value(now))
        .filter(row::Column::Id.eq(r.id))
        .filter(row::Column::Status.eq(RowStatus::Pending))
        .exec(&*change)
        .await?;
    if done.rows_affected != 1 {
        // someone else marked it: roll this one back (dropping the transaction)
        return Ok(());
    }
    let col = if status == RowStatus::Done { batch::Column::Processed } else { batch::Column::Failed };
    batch::Entity::update_many()
        .col_expr(col, Expr::col(col).add(1))
        .col_expr(batch::Column::UpdatedAt, Expr::value(now))
        .filter(batch::Column::Id.eq(b.id))
        .exec(&*change)
        .await?;
    change.commit().await?;
    Ok(())
}

// ---- Files ------------------------------------------------------------------------

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> DomainError {
    DomainError::Other(anyhow::anyhow!("xlsx: {e}"))
}

/// The rejected rows of a batch with their reasons, as XLSX (file name, bytes).
pub async fn rejected_xlsx(state: &AppState, actor: &Actor, batch_id: i32) -> DomainResult<(String, Vec<u8>)> {
    use rust_xlsxwriter::{Format, Workbook};
    deny_unless(actor, SIMPEG_VIEW)?;
    let b = own_batch(state, actor, batch_id).await?;
    let headers: Vec<String> = serde_json::from_str(&b.headers).unwrap_or_default();
    let rows = row::Entity::find()
        .filter(row::Column::BatchId.eq(b.id))
        .filter(row::Column::Verdict.ne(RowVerdict::Eligible))
        .order_by_asc(row::Column::Line)
        .all(&state.db)
        .await?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Ditolak").map_err(xlsx_err)?;
    sheet.write_string_with_format(0, 0, "BARIS", &bold).map_err(xlsx_err)?;
    sheet.write_string_with_format(0, 1, "ALASAN", &bold).map_err(xlsx_err)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, 2 + c as u16, h, &bold).map_err(xlsx_err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let n = 1 + i as u32;
        sheet.write_number(n, 0, r.line as f64).map_err(xlsx_err)?;
        let reasons: Vec<&str> = r.reasons.split(',').filter(|s| !s.is_empty()).map(|c| reason_text(stored_code(c))).collect();
        // strings stay strings: a cell like `=HYPERLINK(…)` is never a formula
        sheet.write_string(n, 1, reasons.join("; ")).map_err(xlsx_err)?;
        let cells: Vec<String> = serde_json::from_str(&r.cells).unwrap_or_default();
        for (c, v) in cells.iter().enumerate().take(200) {
            sheet.write_string(n, 2 + c as u16, v).map_err(xlsx_err)?;
        }
    }
    sheet.set_column_width(1, 50).map_err(xlsx_err)?;
    let bytes = book.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("simpeg-ditolak-{}.xlsx", b.id), bytes))
}

/// NIP → official address of every mailbox a request made, for SIMPEG (step 5).
pub async fn export_xlsx(state: &AppState, actor: &Actor, ticket: &str) -> DomainResult<(String, Vec<u8>)> {
    use rust_xlsxwriter::{Format, Workbook};
    deny_unless(actor, SIMPEG_VIEW)?;
    let req = visible_request(state, actor, ticket).await?;
    let ids: Vec<i32> =
        batch::Entity::find().select_only().column(batch::Column::Id).filter(batch::Column::RequestId.eq(req.id)).into_tuple().all(&state.db).await?;
    let rows = row::Entity::find()
        .filter(row::Column::BatchId.is_in(ids))
        .filter(row::Column::Status.eq(RowStatus::Done))
        .order_by_asc(row::Column::Id)
        .all(&state.db)
        .await?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Email Resmi").map_err(xlsx_err)?;
    for (c, h) in ["NIP", "NAMA", "EMAIL RESMI"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xlsx_err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let n = 1 + i as u32;
        sheet.write_string(n, 0, r.nip.as_deref().unwrap_or_default()).map_err(xlsx_err)?;
        sheet.write_string(n, 1, &r.display_name).map_err(xlsx_err)?;
        sheet.write_string(n, 2, r.address.as_deref().unwrap_or_default()).map_err(xlsx_err)?;
    }
    sheet.set_column_width(0, 22).map_err(xlsx_err)?;
    sheet.set_column_width(1, 40).map_err(xlsx_err)?;
    sheet.set_column_width(2, 36).map_err(xlsx_err)?;
    let bytes = book.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("email-resmi-{ticket}.xlsx"), bytes))
}

/// The reason codes in words (Indonesian: the file goes back to SIMPEG staff).
/// The `nip_…`, `phone_…` and `email_…` codes not named here share a sentence.
pub fn reason_text(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::AlreadyHasAccount => "sudah memiliki akun email resmi",
        ErrorCode::NipDuplicateInFile => "NIP muncul lebih dari sekali dalam berkas",
        ErrorCode::EmailDuplicateInFile => "email pribadi muncul lebih dari sekali dalam berkas",
        ErrorCode::NameEmpty => "nama kosong",
        ErrorCode::NameTooLong => "nama terlalu panjang",
        ErrorCode::UnitEmpty => "unit kerja kosong",
        ErrorCode::UnitUnknown => "unit kerja tidak dikenal",
        ErrorCode::UnitAmbiguous => "unit kerja tidak jelas (cocok dengan lebih dari satu OPD)",
        ErrorCode::PhoneUnverified => "nomor HP belum diverifikasi",
        ErrorCode::PhoneVerifiedUnreadable => "status verifikasi HP tidak terbaca",
        ErrorCode::EmailUnverified => "email pribadi belum diverifikasi",
        ErrorCode::EmailVerifiedUnreadable => "status verifikasi email tidak terbaca",
        ErrorCode::EmailEmpty => "email pribadi kosong",
        ErrorCode::EmailOfficial => "email pribadi adalah alamat dinas",
        ErrorCode::DataIncomplete => "data kepegawaian belum lengkap",
        ErrorCode::DataCompleteUnreadable => "status kelengkapan data tidak terbaca",
        c if c.as_str().starts_with("nip_") => "NIP tidak valid",
        c if c.as_str().starts_with("phone_") => "nomor HP tidak valid",
        c if c.as_str().starts_with("email_") => "email pribadi tidak valid",
        other => other.as_str(),
    }
}

/// Facts for the request page.
pub async fn facts(state: &AppState, r: &request::Model) -> DomainResult<Vec<(String, String)>> {
    let bs = batch::Entity::find().filter(batch::Column::RequestId.eq(r.id)).order_by_asc(batch::Column::Id).all(&state.db).await?;
    let month = serde_json::from_str::<serde_json::Value>(&r.payload).ok().and_then(|v| v["month"].as_str().map(str::to_string)).unwrap_or_default();
    let mut out = vec![("month".to_string(), month)];
    for b in &bs {
        out.push(("simpeg_batch".into(), format!("{}|{}|{}|{}|{}|{}", b.id, b.file_name, b.eligible, b.processed, b.failed, b.status)));
    }
    let eligible: i32 = bs.iter().map(|b| b.eligible).sum();
    let (made, failed) = counts(&state.db, r.id).await?;
    out.push(("simpeg_progress".into(), format!("{made}/{eligible} · {failed}")));
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
mod tests {
    use super::*;
    use crate::entities::outbox;
    use crate::kinds::simpeg::generator::{generate, GeneratorConfig};
    use crate::testing::{staff_actor, state_with_clock};

    const AGUS: &str = "agus.setiawan@batam.go.id";
    const BUDI: &str = "budi.santoso@batam.go.id";
    const MAYA: &str = "maya.sari@batam.go.id";

    fn file(rows: usize, seed: u64) -> (Vec<u8>, usize) {
        let g = generate(&GeneratorConfig { rows, bad_fraction: 0.3, seed, ..Default::default() });
        // nobody in the test database has a mailbox yet: the planted "already has one" rows are eligible here
        (g.to_xlsx().unwrap(), g.expected_eligible() + g.count(crate::kinds::simpeg::generator::Planted::AlreadyHasAccount))
    }

    async fn with_data_dir(state: &mut AppState) -> tempdir::Dir {
        let d = tempdir::Dir::new();
        std::sync::Arc::make_mut(&mut state.config).data_dir = d.0.clone();
        d
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let p = std::env::temp_dir().join(format!("surel-simpeg-{}", crate::crypto::random_token()));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    async fn req_state(state: &AppState, ticket: &str) -> (RequestState, i32) {
        let r = load_request(state, ticket).await.unwrap();
        (r.state, r.version)
    }

    async fn checked_batch(state: &AppState, bytes: &[u8]) -> i32 {
        let agus = staff_actor(state, AGUS).await;
        match upload(state, &agus, "simpeg-nov.xlsx", bytes).await.unwrap() {
            SimpegUploaded::Checked { batch_id } => batch_id,
            other => panic!("expected a checked batch, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn one_request_per_unit_and_month_unless_a_separate_one_is_asked() {
        let (mut state, _clock) = state_with_clock().await;
        let _dir = with_data_dir(&mut state).await;
        let agus = staff_actor(&state, AGUS).await;
        let first = checked_batch(&state, &file(20, 3).0).await;
        assert_eq!(view(&state, &agus, first, "", 0).await.unwrap().joins, None);
        let ticket = submit(&state, &agus, first, false).await.unwrap();
        // the upload (personal data) is gone once nothing can map it again
        let sha = batch::Entity::find_by_id(first).one(&state.db).await.unwrap().unwrap().file_sha;
        assert!(!file_path(&state, &sha).exists());
        let second = checked_batch(&state, &file(20, 4).0).await;
        assert_eq!(view(&state, &agus, second, "", 0).await.unwrap().joins.as_deref(), Some(ticket.as_str()));
        let own = submit(&state, &agus, second, true).await.unwrap();
        assert_ne!(own, ticket, "asked for a separate request");
        // a Pengelola scoped to one unit has that unit's request, apart from the others'
        let mut scoped = agus.clone();
        let unit = unit::Entity::find().one(&state.db).await.unwrap().unwrap();
        for g in scoped.grants.iter_mut().filter(|g| g.role == Role::PengelolaSimpeg) {
            g.unit_id = Some(unit.id);
        }
        let third = match upload(&state, &scoped, "simpeg-unit.xlsx", &file(20, 5).0).await.unwrap() {
            SimpegUploaded::Checked { batch_id } => batch_id,
            other => panic!("expected a checked batch, got {other:?}"),
        };
        assert_eq!(view(&state, &scoped, third, "", 0).await.unwrap().joins, None);
        // a government-wide draft is not the scoped Pengelola's to see
        let wide = checked_batch(&state, &file(20, 6).0).await;
        assert!(matches!(view(&state, &scoped, wide, "", 0).await, Err(DomainError::NotFound)));
        let theirs = submit(&state, &scoped, third, false).await.unwrap();
        assert!(theirs != ticket && theirs != own);
        assert_eq!(load_request(&state, &theirs).await.unwrap().unit_id, Some(unit.id));
    }

    #[tokio::test]
    async fn upload_preview_edit_submit_process_with_a_crash_and_export() {
        let (mut state, _clock) = state_with_clock().await;
        let _dir = with_data_dir(&mut state).await;
        let (bytes, expected) = file(60, 7);
        let agus = staff_actor(&state, AGUS).await;
        let budi = staff_actor(&state, BUDI).await;
        let maya = staff_actor(&state, MAYA).await;
        // only the SIMPEG manager uploads
        assert!(matches!(upload(&state, &budi, "x.xlsx", &bytes).await, Err(DomainError::Forbidden)));
        let id = checked_batch(&state, &bytes).await;
        let v = view(&state, &agus, id, "", 0).await.unwrap();
        assert_eq!((v.total, v.eligible as usize, v.status), (60, expected, BatchStatus::Draft));
        assert_eq!(v.rows.len(), 50);
        let rejected = view(&state, &agus, id, "rejected", 0).await.unwrap();
        assert!(rejected.rows.iter().all(|r| r.verdict == RowVerdict::Rejected && !r.reasons.is_empty()));
        assert_eq!(rejected.filtered as i32, v.rejected);
        // a draft is not for other roles
        assert!(view(&state, &budi, id, "", 0).await.is_err());
        // edit one address: bad, taken, then good
        let eligible = view(&state, &agus, id, "eligible", 0).await.unwrap();
        let (first, second) = (&eligible.rows[0], &eligible.rows[1]);
        assert!(matches!(edit_address(&state, &agus, id, first.id, "yusuf.hakim").await, Err(DomainError::Invalid(_))));
        assert!(matches!(edit_address(&state, &agus, id, first.id, second.local_part.as_deref().unwrap()).await, Err(DomainError::Invalid(_))));
        assert!(matches!(edit_address(&state, &agus, id, first.id, "postmaster").await, Err(DomainError::Invalid(_))));
        assert_eq!(edit_address(&state, &agus, id, first.id, "Pilihan.Baru").await.unwrap(), "pilihan.baru");
        let (_, rejected_file) = rejected_xlsx(&state, &agus, id).await.unwrap();
        assert_eq!(&rejected_file[..2], b"PK");
        // submit: one collective request for the month
        let ticket = submit(&state, &agus, id, false).await.unwrap();
        assert!(matches!(edit_address(&state, &agus, id, first.id, "lain.lagi").await, Err(DomainError::Conflict { .. })));
        let (s, ver) = req_state(&state, &ticket).await;
        assert_eq!(s, RequestState::Proses);
        // a second upload the same month joins the same request while it waits at step 4
        let (bytes2, expected2) = file(10, 8);
        let id2 = checked_batch(&state, &bytes2).await;
        let v2 = view(&state, &agus, id2, "eligible", 0).await.unwrap();
        // the preview says which request it joins
        assert_eq!(v2.joins.as_deref(), Some(ticket.as_str()));
        if expected2 > 0 {
            assert_eq!(submit(&state, &agus, id2, false).await.unwrap(), ticket);
        }
        // step 4: only a Petugas starts it
        assert!(matches!(start_processing(&state, &agus, &ticket, ver).await, Err(DomainError::Forbidden)));
        start_processing(&state, &budi, &ticket, ver).await.unwrap();
        // a worker stops after 13 rows (the crash), holding its lease
        let done = work(&state, "a", Some(13), |_| {}).await.unwrap();
        assert_eq!(done.rows, 13);
        // another instance leaves that batch alone while the lease holds (it may work the other one)
        let mid = work(&state, "b", None, |_| {}).await.unwrap();
        let left = row::Entity::find().filter(row::Column::BatchId.eq(id)).filter(row::Column::Status.eq(RowStatus::Pending)).count(&state.db).await.unwrap();
        assert_eq!(left as usize, expected - 13);
        assert_eq!(mid.finished_requests, 0);
        // … and takes it over once the lease ran out
        _clock.advance(Duration::seconds(LEASE_SECS + 1));
        let rest = work(&state, "b", None, |_| {}).await.unwrap();
        let total = expected + if expected2 > 0 { expected2 } else { 0 };
        assert_eq!(13 + mid.rows + rest.rows, total);
        assert_eq!(rest.finished_requests, 1);
        // nothing twice: one mailbox per row, one activation SMS per row
        let made = row::Entity::find().filter(row::Column::Status.eq(RowStatus::Done)).all(&state.db).await.unwrap();
        let failed = row::Entity::find().filter(row::Column::Status.eq(RowStatus::Failed)).count(&state.db).await.unwrap();
        assert_eq!(made.len() + failed as usize, total);
        assert!(made.len() >= total - 2, "few failures expected: {failed}");
        let boxes = mailbox::Entity::find()
            .filter(mailbox::Column::Id.is_in(made.iter().filter_map(|r| r.mailbox_id).collect::<Vec<_>>()))
            .all(&state.db)
            .await
            .unwrap();
        assert_eq!(boxes.len(), made.len());
        assert!(boxes.iter().all(|m| m.password_hash.is_none() && m.status == "pending" && m.kind == "personal"));
        let sms = outbox::Entity::find().filter(outbox::Column::MessageKey.like("simpeg:%:activation")).count(&state.db).await.unwrap();
        assert_eq!(sms as usize, made.len());
        assert!(boxes.iter().any(|m| m.address == "pilihan.baru@batam.go.id"));
        // running again changes nothing
        assert_eq!(work(&state, "c", None, |_| {}).await.unwrap(), WorkDone::default());
        let (s, ver) = req_state(&state, &ticket).await;
        assert_eq!(s, RequestState::IsiSimpeg);
        // step 5: the export, then marked loaded; 6: reported; 7: received
        let (_, xlsx) = export_xlsx(&state, &agus, &ticket).await.unwrap();
        assert_eq!(&xlsx[..2], b"PK");
        assert!(matches!(step(&state, &budi, &ticket, ver, Action::TandaiDimuat).await, Err(DomainError::Forbidden)));
        step(&state, &agus, &ticket, ver, Action::TandaiDimuat).await.unwrap();
        step(&state, &agus, &ticket, ver + 1, Action::Laporkan).await.unwrap();
        assert!(matches!(step(&state, &agus, &ticket, ver + 2, Action::TerimaLaporan).await, Err(DomainError::Forbidden)));
        step(&state, &maya, &ticket, ver + 2, Action::TerimaLaporan).await.unwrap();
        assert_eq!(req_state(&state, &ticket).await.0, RequestState::Selesai);
        // a later upload of the same file: everybody now has an account
        let id3 = checked_batch(&state, &bytes).await;
        let v3 = view(&state, &agus, id3, "", 0).await.unwrap();
        assert_eq!(v3.eligible, 0);
        assert!(v3.already as usize + 2 >= expected, "{} of {expected}", v3.already);
    }

    #[tokio::test]
    async fn unknown_headers_go_through_the_mapping_screen() {
        let (mut state, _) = state_with_clock().await;
        let _dir = with_data_dir(&mut state).await;
        let agus = staff_actor(&state, AGUS).await;
        let g = generate(&GeneratorConfig { rows: 5, bad_fraction: 0.0, ..Default::default() });
        let mut table = g.table();
        table[0][0] = "Nomor Induk".into();
        let mut csv = String::new();
        for r in &table {
            csv.push_str(&r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(";"));
            csv.push('\n');
        }
        let screen = match upload(&state, &agus, "lain.csv", csv.as_bytes()).await.unwrap() {
            SimpegUploaded::NeedsMapping(s) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(screen.missing, ["nip"]);
        assert!(submit(&state, &agus, screen.batch_id, false).await.is_err());
        let mut cols: Vec<(String, Option<usize>)> = screen.fields.iter().map(|(f, c, _)| (f.clone(), *c)).collect();
        cols[0].1 = Some(0);
        set_mapping(&state, &agus, screen.batch_id, cols).await.unwrap();
        let v = view(&state, &agus, screen.batch_id, "", 0).await.unwrap();
        assert_eq!((v.status, v.eligible), (BatchStatus::Draft, 5));
    }

    #[tokio::test]
    async fn hostile_names_are_kept_as_text() {
        let (mut state, _) = state_with_clock().await;
        let _dir = with_data_dir(&mut state).await;
        let agus = staff_actor(&state, AGUS).await;
        let g = generate(&GeneratorConfig { rows: 3, bad_fraction: 0.0, ..Default::default() });
        let mut table = g.table();
        table[1][1] = "<script>alert(1)</script>".into();
        table[2][1] = "Budi \"Bud\" O'Brien \u{202E}😀".into();
        let mut csv = String::new();
        for r in &table {
            csv.push_str(&r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(","));
            csv.push('\n');
        }
        let id = checked_batch(&state, csv.as_bytes()).await;
        let v = view(&state, &agus, id, "", 0).await.unwrap();
        assert!(v.rows.iter().any(|r| r.name.contains("<script>alert(1)</script>")));
        assert!(v.rows.iter().any(|r| r.name.contains("\"Bud\" O'Brien")));
        assert!(v.rows.iter().all(|r| r.local_part.as_deref().is_none_or(|l| check_local_part(l).is_ok())));
    }
}
