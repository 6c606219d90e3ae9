//! Steps 1–2: the upload, the column mapping and the row checks that make a draft batch.
use super::*;

/// Rows inserted per statement (well under SQLite's variable limit).
pub(super) const INSERT_CHUNK: usize = 500;

/// The uploaded export holds personal data (NIP, phones, personal e-mail):
/// kept only while a batch may still be mapped again, i.e. until it is
/// submitted or discarded and no other draft shares the same file.
pub(super) async fn forget_file(state: &AppState, sha: &str) -> DomainResult<()> {
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

pub(super) fn mapping_screen(batch_id: i32, p: &reader::Preview) -> SimpegMapping {
    SimpegMapping {
        batch_id,
        headers: p.headers.clone(),
        fields: Field::ALL.iter().map(|f| (f.code().to_string(), p.detected.get(*f), f.required())).collect(),
        missing: p.missing.iter().map(|f| f.code().to_string()).collect(),
        sample: p.sample.iter().map(|r| r.cells.clone()).collect(),
        data_rows: p.data_rows,
    }
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

/// Owners of personal mailboxes, by NIP.
pub(super) struct Owners {
    /// Every NIP that owns a personal mailbox, whatever its state.
    pub has_mailbox: HashSet<String>,
    /// The NIPs whose personal mailbox still works (not switched off or
    /// deleted), with that mailbox's address.
    pub working: HashMap<String, String>,
}

impl Owners {
    pub fn working_nips(&self) -> HashSet<String> {
        self.working.keys().cloned().collect()
    }
}

/// Who owns a personal mailbox, by NIP (the rules' "already has one" and
/// "left, switch it off").
pub(super) async fn owners<C: ConnectionTrait>(db: &C) -> DomainResult<Owners> {
    let boxes: Vec<(Option<i32>, String, String)> = mailbox::Entity::find()
        .select_only()
        .column(mailbox::Column::PersonId)
        .column(mailbox::Column::Address)
        .column(mailbox::Column::Status)
        .filter(mailbox::Column::Kind.eq("personal"))
        .filter(mailbox::Column::PersonId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let person_ids: Vec<i32> = boxes.iter().filter_map(|b| b.0).collect();
    let mut nip_of: HashMap<i32, String> = HashMap::new();
    for chunk in person_ids.chunks(INSERT_CHUNK) {
        let nips: Vec<(i32, Option<String>)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Nip)
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        nip_of.extend(nips.into_iter().filter_map(|(id, nip)| nip.map(|n| (id, n))));
    }
    let mut out = Owners { has_mailbox: HashSet::new(), working: HashMap::new() };
    for (person_id, address, status) in boxes {
        let Some(nip) = person_id.and_then(|p| nip_of.get(&p)) else { continue };
        out.has_mailbox.insert(nip.clone());
        if matches!(status.as_str(), "active" | "pending") {
            out.working.insert(nip.clone(), address);
        }
    }
    Ok(out)
}

/// Local parts in use in the default domain, and those promised to rows of
/// submitted batches not yet worked.
pub(super) async fn taken_locals<C: ConnectionTrait>(db: &C, except_batch: i32) -> DomainResult<HashSet<String>> {
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

/// What `--dry-run` found: the counts, and the rejected rows per reason.
pub struct DryRun {
    pub summary: rules::Summary,
    pub reasons: Vec<(ErrorCode, usize)>,
}

/// The checks alone, against the database's units, domains and mailboxes
/// (the command line's `--dry-run`): nothing is stored.
pub async fn dry_run(state: &AppState, sheet: &Sheet) -> DomainResult<DryRun> {
    let units = unit::Entity::find().all(&state.db).await?;
    let unit_list: Vec<(i32, &str, &str)> = units.iter().map(|u| (u.id, u.code.as_str(), u.name.as_str())).collect();
    let matcher = UnitMatcher::new(&unit_list);
    let domains: Vec<String> = domain_name::Entity::find().all(&state.db).await?.into_iter().map(|d| d.name).collect();
    let domain_refs: Vec<&str> = domains.iter().map(String::as_str).collect();
    let owners = owners(&state.db).await?;
    let working = owners.working_nips();
    let ctx =
        RuleContext { today: state.today(), units: &matcher, official_domains: &domain_refs, has_mailbox: &owners.has_mailbox, working_mailbox: &working };
    let checked = rules::check_sheet(sheet, &ctx);
    let taken = taken_locals(&state.db, 0).await?;
    let _ = crate::kinds::simpeg::addresses::propose_addresses(&checked, rule(state).await?, &taken);
    let reasons = rules::reason_counts(checked.iter().flat_map(|r| r.verdict.reasons()));
    Ok(DryRun { summary: rules::summarize(&checked), reasons })
}

/// Checks every row of `sheet` and stores the rows of batch `b` (draft).
pub(super) async fn check_into(state: &AppState, change: &mut Change, b: &batch::Model, sheet: &Sheet) -> DomainResult<()> {
    let units = unit::Entity::find().all(&**change).await?;
    let unit_list: Vec<(i32, &str, &str)> = units.iter().map(|u| (u.id, u.code.as_str(), u.name.as_str())).collect();
    let matcher = UnitMatcher::new(&unit_list);
    let domains: Vec<String> = domain_name::Entity::find().all(&**change).await?.into_iter().map(|d| d.name).collect();
    let domain_refs: Vec<&str> = domains.iter().map(String::as_str).collect();
    let owners = owners(&**change).await?;
    let working = owners.working_nips();
    let ctx =
        RuleContext { today: state.today(), units: &matcher, official_domains: &domain_refs, has_mailbox: &owners.has_mailbox, working_mailbox: &working };
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
            Verdict::Leaving => (RowVerdict::Leaving, String::new()),
        };
        // the mailbox processing will switch off, shown in the preview (its
        // address only: `mailbox_id` is the mailbox a row made, one row each)
        let address = match (&r.verdict, r.nip.as_ref().and_then(|n| owners.working.get(n))) {
            (Verdict::Leaving, Some(address)) => Some(address.clone()),
            _ => None,
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
            status: Set(if matches!(verdict, RowVerdict::Eligible | RowVerdict::Leaving) { RowStatus::Pending } else { RowStatus::Skipped }),
            mailbox_id: Set(None),
            address: Set(address),
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
            json!({ "rows": checked.len(), "eligible": summary.eligible, "rejected": summary.rejected, "already": summary.already_has_account, "leaving": summary.leaving }),
        )
        .await?;
    Ok(())
}

// ---- Preview ----------------------------------------------------------------
