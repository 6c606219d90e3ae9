//! The batch against a real SQLite database: upload to mailbox, crash and resume.
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

/// `table` as a CSV file, every cell quoted.
fn csv_of(table: &[Vec<String>], separator: &str) -> String {
    table.iter().map(|r| r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(separator) + "\n").collect()
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
    let boxes =
        mailbox::Entity::find().filter(mailbox::Column::Id.is_in(made.iter().filter_map(|r| r.mailbox_id).collect::<Vec<_>>())).all(&state.db).await.unwrap();
    assert_eq!(boxes.len(), made.len());
    assert!(boxes.iter().all(|m| m.password_hash.is_none() && m.status == "pending" && m.kind == "personal"));
    let sms = outbox::Entity::find().filter(outbox::Column::MessageKey.like("simpeg:%:activation")).count(&state.db).await.unwrap();
    assert_eq!(sms as usize, made.len());
    assert!(boxes.iter().any(|m| m.address == "pilihan.baru@batam.go.id"));
    // each mailbox's page names the collective request that made it
    let page = crate::mailboxes::detail::detail(&state, &budi, boxes[0].id).await.unwrap();
    assert_eq!(page.requests.iter().map(|r| r.ticket.as_str()).collect::<Vec<_>>(), vec![ticket.as_str()]);
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
    let csv = csv_of(&table, ";");
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
    let csv = csv_of(&table, ",");
    let id = checked_batch(&state, csv.as_bytes()).await;
    let v = view(&state, &agus, id, "", 0).await.unwrap();
    assert!(v.rows.iter().any(|r| r.name.contains("<script>alert(1)</script>")));
    assert!(v.rows.iter().any(|r| r.name.contains("\"Bud\" O'Brien")));
    assert!(v.rows.iter().all(|r| r.local_part.as_deref().is_none_or(|l| check_local_part(l).is_ok())));
}

/// SIMPEG's employment status: the working mailbox of someone who left is
/// listed in the preview and switched off when the Petugas processes the
/// request (audited, owner told, once); a staff member's is left to the
/// Admin sistem; nobody who left gets a new mailbox.
#[tokio::test]
async fn people_who_left_are_switched_off_when_the_batch_is_processed() {
    let (mut state, _clock) = state_with_clock().await;
    let _dir = with_data_dir(&mut state).await;
    let agus = staff_actor(&state, AGUS).await;
    let budi = staff_actor(&state, BUDI).await;
    let g = generate(&GeneratorConfig { rows: 4, bad_fraction: 0.0, ..Default::default() });
    let mut table = g.table();
    table[0].push("Kedudukan Hukum".into());
    // yusuf.hakim retired; budi.santoso (a Petugas) too, by mistake; a newcomer who already left; one who works
    let rows = [("199305172020121001", "Pensiun"), ("199001152015031002", "Pensiun (BUP)"), ("", "Meninggal Dunia"), ("", "Aktif")];
    for (r, (nip, status)) in table.iter_mut().skip(1).zip(rows) {
        if !nip.is_empty() {
            r[0] = nip.into();
        }
        r.push(status.into());
    }
    let csv = csv_of(&table, ",");
    let id = checked_batch(&state, csv.as_bytes()).await;
    let v = view(&state, &agus, id, "", 0).await.unwrap();
    assert_eq!((v.eligible, v.leaving, v.rejected), (1, 2, 1), "{:?}", v.rows.iter().map(|r| (r.verdict, r.reasons.clone())).collect::<Vec<_>>());
    let leaving = view(&state, &agus, id, "leaving", 0).await.unwrap();
    let addresses: Vec<_> = leaving.rows.iter().map(|r| r.address.clone().unwrap_or_default()).collect();
    assert_eq!(addresses, vec!["yusuf.hakim@batam.go.id", BUDI], "the preview names the mailboxes that go");
    let rejected = view(&state, &agus, id, "rejected", 0).await.unwrap();
    assert_eq!(rejected.rows[0].reasons, vec![ErrorCode::EmployeeLeft]);

    let ticket = submit(&state, &agus, id, false).await.unwrap();
    let (_, ver) = req_state(&state, &ticket).await;
    start_processing(&state, &budi, &ticket, ver).await.unwrap();
    let done = work(&state, "a", None, |_| {}).await.unwrap();
    assert_eq!((done.rows, done.finished_requests), (3, 1));
    let yusuf = mailbox::Entity::find().filter(mailbox::Column::Address.eq("yusuf.hakim@batam.go.id")).one(&state.db).await.unwrap().unwrap();
    assert_eq!(yusuf.status, "disabled");
    assert!(yusuf.status_reason.as_deref().unwrap_or_default().contains(&ticket), "{:?}", yusuf.status_reason);
    let staff = mailbox::Entity::find().filter(mailbox::Column::Address.eq(BUDI)).one(&state.db).await.unwrap().unwrap();
    assert_eq!(staff.status, "active", "a staff member's mailbox is for the Admin sistem to switch off");
    let v = view(&state, &agus, id, "leaving", 0).await.unwrap();
    assert_eq!(
        v.rows.iter().map(|r| (r.status, r.error)).collect::<Vec<_>>(),
        vec![(RowStatus::Done, None), (RowStatus::Failed, Some(ErrorCode::MailboxStaff))]
    );
    assert_eq!((v.switched_off, v.processed, v.failed), (1, 1, 1), "switched off is not counted as made");
    // audited once, the owner told once (SMS to the reset phone)
    let audits = crate::entities::audit_entry::Entity::find()
        .filter(crate::entities::audit_entry::Column::Action.eq("mailbox.disabled"))
        .filter(crate::entities::audit_entry::Column::TargetId.eq(yusuf.id.to_string()))
        .all(&state.db)
        .await
        .unwrap();
    assert_eq!(audits.len(), 1);
    assert!(audits[0].details.contains("simpeg"), "{}", audits[0].details);
    let told = outbox::Entity::find().filter(outbox::Column::MessageKey.like(format!("mailbox-disabled:{}:%", yusuf.id))).count(&state.db).await.unwrap();
    assert!(told >= 1);
    let note = crate::entities::request_event::Entity::find().all(&state.db).await.unwrap().into_iter().filter_map(|e| e.note).collect::<Vec<_>>().join(" | ");
    assert!(note.contains("1 akun dibuat, 1 dinonaktifkan"), "{note}");
    // the export for SIMPEG lists the mailbox made, not the one switched off
    assert_eq!(work(&state, "b", None, |_| {}).await.unwrap(), WorkDone::default(), "nothing twice");
    let made =
        row::Entity::find().filter(row::Column::BatchId.eq(id)).filter(row::Column::Verdict.eq(RowVerdict::Eligible)).one(&state.db).await.unwrap().unwrap();
    assert_eq!(made.status, RowStatus::Done);

    // next month the person whose mailbox this batch made leaves (their row
    // above names that mailbox; a leaver's row names it by address only)
    let mut next = vec![table[0].clone(), table[4].clone()];
    *next[1].last_mut().unwrap() = "Mutasi keluar".into();
    let csv = csv_of(&next, ",");
    let id2 = checked_batch(&state, csv.as_bytes()).await;
    let v2 = view(&state, &agus, id2, "leaving", 0).await.unwrap();
    assert_eq!(v2.rows.iter().map(|r| r.address.clone()).collect::<Vec<_>>(), vec![made.address.clone()]);
    let ticket2 = submit(&state, &agus, id2, false).await.unwrap();
    let (_, ver2) = req_state(&state, &ticket2).await;
    start_processing(&state, &budi, &ticket2, ver2).await.unwrap();
    assert_eq!(work(&state, "a", None, |_| {}).await.unwrap().finished_requests, 1);
    let gone = mailbox::Entity::find_by_id(made.mailbox_id.unwrap()).one(&state.db).await.unwrap().unwrap();
    assert_eq!(gone.status, "disabled");
    assert_eq!(view(&state, &agus, id2, "leaving", 0).await.unwrap().switched_off, 1);
}
