//! Step 4, the job: one transaction per row under a lease, resumable after a crash.
use super::*;

/// Mailboxes made and rows failed over every batch of a request.
pub(super) async fn counts<C: ConnectionTrait>(db: &C, request_id: i32) -> DomainResult<(i64, i64)> {
    let bs = batch::Entity::find().filter(batch::Column::RequestId.eq(request_id)).all(db).await?;
    Ok((bs.iter().map(|b| b.processed as i64).sum(), bs.iter().map(|b| b.failed as i64).sum()))
}

/// Takes (or renews) the lease on a batch. True when this worker holds it.
pub(super) async fn claim(state: &AppState, batch_id: i32, owner: &str) -> DomainResult<bool> {
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

/// Gives up the batches `owner` holds (a worker stopping cleanly between
/// rows), so another instance goes on at once instead of after the lease.
pub async fn release_leases(state: &AppState, owner: &str) -> DomainResult<u64> {
    Ok(batch::Entity::update_many()
        .col_expr(batch::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(batch::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(batch::Column::LeaseOwner.eq(owner))
        .filter(batch::Column::Status.eq(BatchStatus::Submitted))
        .exec(&state.db)
        .await?
        .rows_affected)
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
pub(super) async fn finish(state: &AppState, req: &request::Model) -> DomainResult<bool> {
    let (made, failed) = counts(&state.db, req.id).await?;
    let batch_ids = batch::Entity::find().filter(batch::Column::RequestId.eq(req.id)).all(&state.db).await?.into_iter().map(|b| b.id).collect();
    let off = switched_off(&state.db, batch_ids).await?;
    let mut change = Change::begin(state, Who::system("simpeg")).await?;
    let levels = state.service_levels(&*change).await?;
    let note = if off > 0 {
        format!("{made} akun dibuat, {off} dinonaktifkan (tidak aktif lagi), {failed} gagal.")
    } else {
        format!("{made} akun dibuat, {failed} gagal.")
    };
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
pub(super) async fn process_row(state: &AppState, req: &request::Model, b: &batch::Model, r: row::Model) -> DomainResult<()> {
    let mut change = Change::begin(state, Who::system("simpeg")).await?;
    // Read again inside the transaction: another worker may have done it.
    let Some(r) = row::Entity::find_by_id(r.id).one(&*change).await?.filter(|r| r.status == RowStatus::Pending) else { return Ok(()) };
    if r.verdict == RowVerdict::Leaving {
        return switch_off_leaver(state, change, req, b, r).await;
    }
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

/// A person SIMPEG says has left: their personal mailbox (found again by
/// NIP, inside this transaction) is switched off like an officer does it,
/// with the request's ticket as the reason. Already off: nothing to do. A
/// staff member's mailbox is left to the Admin sistem (the row fails,
/// saying so), so a wrong SIMPEG row cannot lock staff out of Surel.
async fn switch_off_leaver(state: &AppState, mut change: Change, req: &request::Model, b: &batch::Model, r: row::Model) -> DomainResult<()> {
    let owner = match &r.nip {
        Some(nip) => person::Entity::find().filter(person::Column::Nip.eq(nip.clone())).one(&*change).await?,
        None => None,
    };
    let working = match &owner {
        Some(p) => {
            mailbox::Entity::find()
                .filter(mailbox::Column::PersonId.eq(p.id))
                .filter(mailbox::Column::Kind.eq("personal"))
                .filter(mailbox::Column::Status.is_in(["active", "pending"]))
                .one(&*change)
                .await?
        }
        None => None,
    };
    let Some(m) = working else {
        // switched off meanwhile (or by an earlier batch): done, nothing changed
        return mark(change, &r, b, RowStatus::Done, None, r.address.clone(), None).await;
    };
    if !crate::auth::grants_of(&*change, m.id).await?.is_empty() {
        return mark(change, &r, b, RowStatus::Failed, None, Some(m.address), Some(ErrorCode::MailboxStaff)).await;
    }
    let reason = format!("Tidak aktif lagi menurut data SIMPEG (tiket {})", req.ticket);
    let details = json!({ "source": "simpeg", "ticket": req.ticket, "batch_id": b.id, "line": r.line });
    match crate::mailboxes::changes::switch_off(state, &mut change, &m, &reason, details).await {
        Ok(()) => {}
        // an officer switched it off a moment ago: nothing left to do
        Err(DomainError::Conflict { .. }) => return mark(change, &r, b, RowStatus::Done, None, Some(m.address), None).await,
        Err(e) => return Err(e),
    }
    // the address only: `mailbox_id` names the mailbox a row made (unique)
    mark(change, &r, b, RowStatus::Done, None, Some(m.address), None).await?;
    state.wake_outbox();
    Ok(())
}

/// Rows of these batches whose owner left (their mailbox is to be switched off).
pub(super) async fn leaving<C: ConnectionTrait>(db: &C, batch_ids: Vec<i32>) -> DomainResult<u64> {
    Ok(row::Entity::find().filter(row::Column::BatchId.is_in(batch_ids)).filter(row::Column::Verdict.eq(RowVerdict::Leaving)).count(db).await?)
}

/// Leavers' mailboxes switched off over every batch of a request.
pub(super) async fn switched_off<C: ConnectionTrait>(db: &C, batch_ids: Vec<i32>) -> DomainResult<u64> {
    Ok(row::Entity::find()
        .filter(row::Column::BatchId.is_in(batch_ids))
        .filter(row::Column::Verdict.eq(RowVerdict::Leaving))
        .filter(row::Column::Status.eq(RowStatus::Done))
        .count(db)
        .await?)
}

/// Marks a row worked (only if still pending) and counts it on its batch; commits.
pub(super) async fn mark(
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
    // the batch counts mailboxes made and rows failed; a leaver switched off is counted from its rows
    if r.verdict == RowVerdict::Leaving && status == RowStatus::Done {
        change.commit().await?;
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
