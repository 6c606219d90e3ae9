//! The draft batch's pages: list, preview with filters, per-row address edits, discarding.
use super::*;

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
/// `has_account`, `leaving`, `failed`, or empty for all).
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
    let leaving = super::job::leaving(&state.db, vec![b.id]).await?;
    let switched_off = super::job::switched_off(&state.db, vec![b.id]).await?;
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
        leaving: leaving as i32,
        switched_off: switched_off as i32,
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

pub(super) fn row_view(r: row::Model, units: &HashMap<i32, String>) -> SimpegRowView {
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

/// A batch's rejected rows counted per reason, most frequent first (the
/// command line's summary; the screen filters the rows themselves).
pub async fn reason_counts(state: &AppState, actor: &Actor, batch_id: i32) -> DomainResult<Vec<(ErrorCode, usize)>> {
    deny_unless(actor, SIMPEG_VIEW)?;
    let b = own_batch(state, actor, batch_id).await?;
    let stored: Vec<String> = row::Entity::find()
        .select_only()
        .column(row::Column::Reasons)
        .filter(row::Column::BatchId.eq(b.id))
        .filter(row::Column::Verdict.eq(RowVerdict::Rejected))
        .into_tuple()
        .all(&state.db)
        .await?;
    let codes: Vec<ErrorCode> = stored.iter().flat_map(|r| r.split(',').filter(|s| !s.is_empty()).map(stored_code)).collect();
    Ok(rules::reason_counts(codes.iter()))
}
