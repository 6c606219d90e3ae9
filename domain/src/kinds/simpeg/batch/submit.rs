//! Step 3 onwards: submitting a batch into the month's request and the officers' steps on it.
use super::*;

/// The unit a Pengelola SIMPEG submits for: their role's unit scope, or none
/// (the whole government) when the role is not scoped.
pub(super) fn submitting_unit(actor: &Actor) -> Option<i32> {
    actor.units_for(Role::PengelolaSimpeg).into_iter().flatten().next()
}

/// The month's collective request of this unit still waiting at step 4: a new
/// batch joins it unless the Pengelola asks for a separate request.
pub(super) async fn open_request_of_month<C: ConnectionTrait>(state: &AppState, db: &C, unit_id: Option<i32>) -> DomainResult<Option<request::Model>> {
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
    // people who left are work for the officer too (their mailbox goes)
    let leaving = leaving(&state.db, vec![b.id]).await?;
    if b.eligible == 0 && leaving == 0 {
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
    let off = if leaving > 0 { format!(" dan {leaving} akun pegawai yang tidak aktif lagi untuk dinonaktifkan") } else { String::new() };
    let text = format!("Surel: permohonan akun email ASN kolektif {month} (tiket {}) berisi {} akun baru{off}; mohon diproses.", req.ticket, b.eligible);
    notify::tell_role(state, &change, Role::Petugas, None, &req.ticket, &format!("batch{}", b.id), "Permohonan akun ASN kolektif", &text, false).await?;
    change.commit().await?;
    state.wake_outbox();
    forget_file(state, &b.file_sha).await?;
    Ok(req.ticket)
}

// ---- Processing (step 4) ------------------------------------------------------

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
