//! The dashboard's step figures, summed as steps happen: per month (office
//! time), request type, unit and state left, how many steps took how many
//! minutes and how many kept their standard. A province's 100,000 requests a
//! month are 300,000 steps; the dashboard sums a few thousand of these rows
//! instead (the events stay the record; [`rebuild`] recomputes from them).
//!
//! Minutes are kept in buckets: exact below an hour, then 32 per doubling
//! (64–65, 66–67, … 4,096–4,223 minutes), so a median is within 1/64 of the
//! exact one. The monthly recap, which lists its requests anyway, still
//! counts exact medians from the events.
use crate::audit::{Change, Who};
use crate::entities::{request, request_event, setting, step_minute};
use crate::AppState;
use chrono::{DateTime, FixedOffset, Utc};
use model::{RequestKind, RequestState};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// `unit_id` of a request that has none.
pub const NO_UNIT: i32 = 0;

/// The setting that says which office time zone the rows were summed in.
const SUMMED_IN: &str = "reports.step_minutes.utc_offset";

/// Minutes below this are kept exactly.
const EXACT_BELOW: i64 = 64;

/// The lower bound of the bucket `minutes` falls in.
pub fn bucket(minutes: i64) -> i64 {
    let m = minutes.max(0);
    if m < EXACT_BELOW {
        return m;
    }
    let shift = 63 - m.leading_zeros() as i64 - 5;
    (m >> shift) << shift
}

/// How many minutes the bucket starting at `lower` spans.
pub fn bucket_width(lower: i64) -> i64 {
    if lower < EXACT_BELOW {
        1
    } else {
        1 << (63 - lower.leading_zeros() as i64 - 5)
    }
}

/// The month `at` falls in, in office time: `2026-12`.
pub fn month_key(at: DateTime<Utc>, utc_offset_hours: i32) -> String {
    let tz = FixedOffset::east_opt(utc_offset_hours * 3600).unwrap_or_else(|| FixedOffset::east_opt(7 * 3600).expect("WIB"));
    at.with_timezone(&tz).format("%Y-%m").to_string()
}

/// Whether a step of `secs` kept a standard of `standard_secs` (none: kept).
pub fn within(secs: i64, standard_secs: Option<i64>) -> bool {
    standard_secs.is_none_or(|st| secs <= st)
}

/// One state's steps: how many, how many within their standard, and how
/// many per bucket of minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    pub steps: u32,
    pub within: u32,
    buckets: BTreeMap<i64, u32>,
}

impl Histogram {
    /// Adds `steps` steps in the bucket starting at `lower`, `within` of them on time.
    pub fn add(&mut self, lower: i64, steps: u32, within: u32) {
        self.steps += steps;
        self.within += within;
        *self.buckets.entry(lower).or_default() += steps;
    }

    /// Adds one step of `secs` seconds.
    pub fn add_step(&mut self, secs: i64, standard_secs: Option<i64>) {
        self.add(bucket(secs / 60), 1, u32::from(within(secs, standard_secs)));
    }

    /// The middle value, as [`crate::reports::median`] takes it (the two
    /// middle values averaged), each read as the middle of its bucket.
    pub fn median(&self) -> Option<i64> {
        if self.steps == 0 {
            return None;
        }
        let n = self.steps as u64;
        let at_rank = |rank: u64| {
            let mut seen = 0u64;
            for (&lower, &count) in &self.buckets {
                seen += count as u64;
                if seen >= rank {
                    return lower + bucket_width(lower) / 2;
                }
            }
            unreachable!("ranks are within the count")
        };
        Some((at_rank(n.div_ceil(2)) + at_rank(n / 2 + 1)) / 2)
    }
}

/// Adds one step to its row (in the transition's transaction).
#[allow(clippy::too_many_arguments)] // one step's facts
pub async fn record<C: ConnectionTrait>(
    db: &C,
    month: &str,
    kind: RequestKind,
    unit_id: Option<i32>,
    from: RequestState,
    secs: i64,
    standard_secs: Option<i64>,
) -> Result<(), DbErr> {
    add_rows(db, vec![row(key(month.to_string(), kind, unit_id, from, secs), 1, i32::from(within(secs, standard_secs)))]).await
}

/// The row a step of `secs` seconds is counted in.
fn key(month: String, kind: RequestKind, unit_id: Option<i32>, from: RequestState, secs: i64) -> Key {
    (month, kind, unit_id.unwrap_or(NO_UNIT), from, bucket(secs / 60))
}

fn row((month, kind, unit_id, from_state, minutes): Key, steps: i32, within: i32) -> step_minute::ActiveModel {
    step_minute::ActiveModel {
        month: Set(month),
        kind: Set(kind),
        unit_id: Set(unit_id),
        from_state: Set(from_state),
        minutes: Set(minutes),
        steps: Set(steps),
        within: Set(within),
        ..Default::default()
    }
}

/// Inserts rows, adding to the ones already there.
async fn add_rows<C: ConnectionTrait>(db: &C, rows: Vec<step_minute::ActiveModel>) -> Result<(), DbErr> {
    use step_minute::Column as C;
    if rows.is_empty() {
        return Ok(());
    }
    let add = |c: C| Expr::col((step_minute::Entity, c)).add(Expr::cust(format!("excluded.{}", sea_orm::Iden::to_string(&c))));
    let on_conflict = OnConflict::columns([C::Month, C::Kind, C::UnitId, C::FromState, C::Minutes])
        .value(C::Steps, add(C::Steps))
        .value(C::Within, add(C::Within))
        .to_owned();
    step_minute::Entity::insert_many(rows).on_conflict(on_conflict).exec_without_returning(db).await?;
    Ok(())
}

type Key = (String, RequestKind, i32, RequestState, i64);
/// id, request, at, from, to, seconds, standard seconds
type StepEvent = (i32, i32, DateTime<Utc>, RequestState, RequestState, i64, Option<i64>);

/// Recomputes every row from the events (after an upgrade, or when the
/// office time zone changed). Returns how many rows it wrote.
pub async fn rebuild<C: ConnectionTrait>(db: &C, utc_offset_hours: i32) -> Result<usize, DbErr> {
    use request_event::Column as E;
    step_minute::Entity::delete_many().exec(db).await?;
    let requests: HashMap<i32, (RequestKind, Option<i32>)> = request::Entity::find()
        .select_only()
        .columns([request::Column::Id, request::Column::Kind, request::Column::UnitId])
        .into_tuple::<(i32, RequestKind, Option<i32>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, kind, unit)| (id, (kind, unit)))
        .collect();
    let mut sums: HashMap<Key, (i32, i32)> = HashMap::new();
    let mut after = 0;
    loop {
        let page: Vec<StepEvent> = request_event::Entity::find()
            .select_only()
            .columns([E::Id, E::RequestId, E::At, E::FromState, E::ToState, E::DurationSecs, E::StandardSecs])
            .filter(E::Id.gt(after))
            .filter(E::FromState.is_not_null())
            .filter(E::DurationSecs.is_not_null())
            .order_by_asc(E::Id)
            .limit(10_000)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (_, request_id, at, from, to, secs, standard) in page {
            let Some(&(kind, unit)) = requests.get(&request_id) else { continue };
            if to == from {
                continue; // a resend or retry: the step goes on
            }
            let s = sums.entry(key(month_key(at, utc_offset_hours), kind, unit, from, secs)).or_default();
            s.0 += 1;
            s.1 += i32::from(within(secs, standard));
        }
    }
    let written = sums.len();
    let rows: Vec<step_minute::ActiveModel> = sums.into_iter().map(|(k, (steps, within))| row(k, steps, within)).collect();
    // 8 values a row: SQLite binds at most 32,766 per statement
    for chunk in rows.chunks(2_000) {
        add_rows(db, chunk.to_vec()).await?;
    }
    Ok(written)
}

/// Sums the existing events once (on `surel migrate` and `surel serve`),
/// and again when the office time zone changed. Two instances starting
/// together: the audit lock lets one do it, the other then finds it done.
pub async fn ensure(state: &AppState) -> Result<(), DbErr> {
    let offset = state.service_levels(&state.db).await?.calendar.utc_offset_hours;
    let want = offset.to_string();
    if setting::get(&state.db, SUMMED_IN).await?.as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    let mut change = Change::begin(state, Who::system("reports")).await?;
    if setting::get(&*change, SUMMED_IN).await?.as_deref() == Some(want.as_str()) {
        return Ok(()); // another instance did it meanwhile
    }
    let rows = rebuild(&*change, offset).await?;
    let now = change.now();
    setting::put(&*change, SUMMED_IN, want, now).await?;
    change.log("reports.step_minutes", "setting", SUMMED_IN, json!({ "utc_offset_hours": offset, "rows": rows })).await?;
    change.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_exact_below_an_hour_then_within_a_sixty_fourth() {
        assert_eq!((bucket(0), bucket(63), bucket(64), bucket(65), bucket(66)), (0, 63, 64, 64, 66));
        assert_eq!((bucket(4_100), bucket_width(4_096)), (4_096, 128));
        assert_eq!(bucket(-5), 0, "a clock step back counts as no time");
        for m in 0..200_000i64 {
            let lower = bucket(m);
            let width = bucket_width(lower);
            assert!(lower <= m && m < lower + width, "{m} in [{lower}, +{width})");
            assert_eq!(bucket(lower), lower);
            // the middle of the bucket is within 1/64 of any value in it
            assert!((lower + width / 2 - m).abs() * 64 <= m.max(1) * 2, "{m}");
        }
    }

    #[test]
    fn medians_from_buckets_match_exact_medians_below_an_hour_and_stay_close_above() {
        let mut seed = 7u64;
        for n in 1..60usize {
            for scale in [50i64, 3_000, 40_000] {
                let mut minutes: Vec<i64> = (0..n)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        (seed >> 33) as i64 % scale
                    })
                    .collect();
                let mut h = Histogram::default();
                minutes.iter().for_each(|m| h.add_step(m * 60 + 59, Some(30 * 60)));
                let exact = crate::reports::median(&mut minutes).unwrap();
                let got = h.median().unwrap();
                if scale < EXACT_BELOW {
                    assert_eq!(got, exact, "{minutes:?}");
                } else {
                    assert!((got - exact).abs() * 32 <= exact.max(1), "{got} vs {exact}");
                }
                assert_eq!((h.steps as usize, h.within as usize), (n, minutes.iter().filter(|&&m| m * 60 + 59 <= 30 * 60).count()));
            }
        }
        assert_eq!(Histogram::default().median(), None);
    }

    #[test]
    fn months_are_counted_in_office_time() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(month_key(at, 7), "2026-12", "00:30 WIB on 1 December");
        assert_eq!(month_key(at, 0), "2026-11");
    }
}
