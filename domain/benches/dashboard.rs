//! `make bench` (issue #14): the dashboard counted in SQL at a province's
//! scale. Seeds 100,000 requests created this month (every type, spread over
//! the units and states, four step events each) into `BENCH_DATABASE_URL`
//! (default: a fresh SQLite file), then renders the dashboard as the Admin
//! sistem (every request) and as a Kepala OPD (one unit) and prints p50 /
//! p95. Fails when a p95 is over the budget (200 ms). `BENCH_REQUESTS`
//! changes the size.
mod common;

use chrono::Duration as Span;
use domain::entities::{request, request_event, unit};
use domain::requests::workflow;
use domain::{db, reports, seed, AppState};
use model::{Action, Role};
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait, TransactionTrait};
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_millis(200);
const RUNS: usize = 20;
const BATCH: usize = 1_000;

fn mix(n: u64) -> u64 {
    n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 17
}

async fn seed_requests(state: &AppState, n: usize) {
    let units: Vec<i32> = unit::Entity::find().all(&state.db).await.unwrap().into_iter().map(|u| u.id).collect();
    let (from, _) = reports::Month::of(state.local_date()).range(state.config.utc_offset_hours);
    let t0 = Instant::now();
    let mut next_id = request::Entity::find().count(&state.db).await.unwrap() as usize;
    for chunk in 0..n.div_ceil(BATCH) {
        let txn = state.db.begin().await.unwrap();
        let mut rows = Vec::with_capacity(BATCH);
        let range = chunk * BATCH..((chunk + 1) * BATCH).min(n);
        let first_id = next_id;
        for i in range.clone() {
            let r = mix(i as u64);
            let flow = workflow::ALL[(r % workflow::ALL.len() as u64) as usize];
            let created = from + Span::minutes((r % (20 * 24 * 60)) as i64);
            let closed = (!r.is_multiple_of(3)).then(|| created + Span::minutes((r % 5000) as i64));
            rows.push(request::ActiveModel {
                ticket: Set(format!("SRL-BENCH-{i:07}")),
                kind: Set(flow.kind),
                state: Set(flow.states[(r >> 8) as usize % flow.states.len()].code),
                unit_id: Set(Some(units[(r >> 12) as usize % units.len()])),
                applicant_mailbox_id: Set(None),
                applicant_person_id: Set(None),
                subject: Set(format!("Permohonan {i}")),
                payload: Set("{}".into()),
                version: Set(1),
                step_started_at: Set(created),
                step_due_at: Set(Some(created + Span::hours(8))),
                created_at: Set(created),
                updated_at: Set(created),
                closed_at: Set(closed),
                ..Default::default()
            });
        }
        request::Entity::insert_many(rows).exec(&txn).await.unwrap();
        let inserted: Vec<request::Model> =
            request::Entity::find().filter(sea_orm::ColumnTrait::gt(&request::Column::Id, first_id as i32)).all(&txn).await.unwrap();
        let mut events = Vec::with_capacity(BATCH * 4);
        for req in &inserted {
            let flow = workflow::flow(req.kind);
            let r = mix(req.id as u64 + 99);
            for k in 0..4usize {
                let secs = ((r >> (k * 7)) % (3 * 24 * 3600)) as i64;
                events.push(request_event::ActiveModel {
                    request_id: Set(req.id),
                    seq: Set(k as i32),
                    action: Set(Action::Buat),
                    from_state: Set((k > 0).then(|| flow.states[(k - 1) % flow.states.len()].code)),
                    to_state: Set(flow.states[k % flow.states.len()].code),
                    actor_mailbox_id: Set(None),
                    actor_label: Set("bench".into()),
                    note: Set(None),
                    step_started_at: Set(req.created_at),
                    at: Set(req.created_at + Span::seconds(secs * (k as i64 + 1) / 4)),
                    due_at: Set(None),
                    duration_secs: Set((k > 0).then_some(secs)),
                    standard_secs: Set(Some(8 * 3600)),
                    ..Default::default()
                });
            }
        }
        // 14 values a row: SQLite binds at most 32,766 per statement
        for part in events.chunks(1_000) {
            request_event::Entity::insert_many(part.to_vec()).exec(&txn).await.unwrap();
        }
        txn.commit().await.unwrap();
        next_id = inserted.iter().map(|r| r.id as usize).max().unwrap_or(next_id);
    }
    println!("seeded {n} requests (4 step events each) in {:.1?}", t0.elapsed());
}

use sea_orm::QueryFilter;

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/surel.db?mode=rwc", tmp.path().display()));
    let which = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let state = common::open(&url).await;
    db::migrate(&state.db).await.unwrap();
    if unit::Entity::find().count(&state.db).await.unwrap() == 0 {
        seed::seed_demo(&state).await.unwrap();
    }
    if (request::Entity::find().count(&state.db).await.unwrap() as usize) < n {
        seed_requests(&state, n).await;
        // the events went in directly: sum them as an upgrade does
        let t = Instant::now();
        let rows = domain::requests::step_minutes::rebuild(&state.db, state.config.utc_offset_hours).await.unwrap();
        println!("summed the step events into {rows} step_minutes rows in {:.1?} (what `surel migrate` does once)", t.elapsed());
    }
    let state = common::with_statistics(state, &url).await;
    let some_unit = unit::Entity::find().one(&state.db).await.unwrap().unwrap().id;
    let actor = |role: Role, unit_id: Option<i32>| common::actor("bench@batam.go.id", role, unit_id);
    let cases = [("Admin sistem (every request)", actor(Role::Admin, None)), ("Kepala OPD (one unit)", actor(Role::KepalaOpd, Some(some_unit)))];
    println!("\n{which}, {n} requests this month: reports::dashboard");
    println!("{:<32} {:>9} {:>9} {:>9}", "who", "counted", "p50", "p95");
    let mut worst = Duration::ZERO;
    for (name, who) in &cases {
        let first = reports::dashboard(&state, who, "").await.unwrap();
        let created: u32 = first.flows.iter().map(|f| f.created).sum();
        let mut samples = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let d = reports::dashboard(&state, who, "").await.unwrap();
            samples.push(t.elapsed());
            // the same figures each time ("overdue" moves with the clock)
            let figures = |d: &model::Dashboard| d.flows.iter().map(|f| (f.kind, f.open, f.created, f.closed, f.steps.clone())).collect::<Vec<_>>();
            assert_eq!(figures(&d), figures(&first));
        }
        samples.sort();
        let (p50, p95) = (samples[RUNS / 2], samples[RUNS * 95 / 100]);
        worst = worst.max(p95);
        println!("{name:<32} {created:>9} {p50:>9.2?} {p95:>9.2?}{}", if p95 > BUDGET { "  OVER BUDGET" } else { "" });
        assert!(created > 0, "{name}: the dashboard should count something");
    }
    println!("worst p95: {worst:.2?} (budget {BUDGET:?})");
    if worst > BUDGET {
        eprintln!("FAILED: dashboard p95 over {BUDGET:?} on {which}");
        std::process::exit(1);
    }
}
