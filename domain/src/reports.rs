//! Service levels and reports: the Admin sistem's settings (standard time per
//! step, office hours, holidays), the dashboard (open, overdue, median time
//! per step against its standard, per month) and the monthly recap per SOP
//! as XLSX and CSV.
use crate::audit::Change;
use crate::auth::Actor;
use crate::entities::{request, request_event, setting, step_minute, unit};
use crate::requests::access::{may_see, scope, visible_rows, Scope};
use crate::requests::sla::Calendar;
use crate::requests::step_minutes::{self, Histogram};
use crate::requests::workflow::{self, Flow};
use crate::requests::{ServiceLevels, CALENDAR_KEY, STANDARDS_KEY};
use crate::{AppState, DomainError, DomainResult};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use model::validation::FieldErrors;
use model::{Dashboard, ErrorCode, FlowStats, OfficeDay, RequestKind, RequestState, ServiceLevelSettings, StepStandard, StepStats};
use sea_orm::sea_query::{Expr, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// Standard times an Admin may set, minutes (a step of more than 10 office days is a typo).
const MAX_STANDARD_MINUTES: u32 = 10 * 8 * 60;

/// A calendar month in the office's time zone: `2026-11`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `[start, end)` in UTC.
    pub fn range(self, utc_offset_hours: i32) -> (DateTime<Utc>, DateTime<Utc>) {
        let tz = FixedOffset::east_opt(utc_offset_hours * 3600).unwrap_or_else(|| FixedOffset::east_opt(7 * 3600).expect("WIB"));
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("parsed");
        let next =
            if self.month == 12 { NaiveDate::from_ymd_opt(self.year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(self.year, self.month + 1, 1) }.expect("valid");
        let at = |d: NaiveDate| tz.from_local_datetime(&d.and_time(NaiveTime::MIN)).single().expect("no DST in Indonesia").with_timezone(&Utc);
        (at(first), at(next))
    }
}

/// The middle value (the lower middle for an even count).
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2 })
}

/// What `events` add up to per state they left (the recap's steps, counted
/// in memory over the month's own requests; the dashboard's come from
/// [`step_rows`]). Only events that left a state and took a known time count.
fn step_rows_of(events: &[&request_event::Model]) -> HashMap<RequestState, StepRow> {
    let mut minutes: HashMap<RequestState, Vec<i64>> = HashMap::new();
    let mut out: HashMap<RequestState, StepRow> = HashMap::new();
    for e in events {
        let Some((from, secs)) = e.step_taken() else { continue };
        let r = out.entry(from).or_default();
        r.count += 1;
        if step_minutes::within(secs, e.standard_secs) {
            r.within += 1;
        }
        minutes.entry(from).or_default().push(secs / 60);
    }
    for (state, mut m) in minutes {
        if let Some(r) = out.get_mut(&state) {
            r.median_minutes = median(&mut m);
        }
    }
    out
}

/// Per-step figures of a flow, from what its step events added up to.
fn step_stats(flow: &Flow, levels: &ServiceLevels, rows: &HashMap<RequestState, StepRow>) -> Vec<StepStats> {
    flow.numbered_steps()
        .into_iter()
        .map(|(s, step_no)| {
            let r = rows.get(&s.code);
            StepStats {
                state: s.code,
                sop_step: s.sop_step,
                step_no,
                count: r.map_or(0, |r| r.count),
                median_minutes: r.and_then(|r| r.median_minutes),
                standard_minutes: levels.standard_minutes(flow, s.code).map(i64::from),
                within_standard: r.map_or(0, |r| r.within),
            }
        })
        .collect()
}

/// The dashboard for the request types the actor handles or oversees.
/// Counted in the database, never by loading requests (a province has a
/// hundred thousand in a month): three grouped counts over `requests` on
/// their indexes, and the steps summed from [`crate::requests::step_minutes`] rows.
pub async fn dashboard(state: &AppState, actor: &Actor, month: &str) -> DomainResult<Dashboard> {
    let month = if month.trim().is_empty() {
        Month::of(state.local_date())
    } else {
        Month::parse(month).ok_or_else(|| DomainError::field("month", ErrorCode::DateInvalid))?
    };
    let flows: Vec<&'static Flow> = workflow::ALL.iter().copied().filter(|f| may_see(actor, f)).collect();
    if flows.is_empty() {
        return Err(DomainError::Forbidden);
    }
    let levels = state.service_levels(&state.db).await?;
    let (from, to) = month.range(state.config.utc_offset_hours);
    let seen = flows.iter().fold(Condition::any(), |c, f| c.add(Condition::all().add(request::Column::Kind.eq(f.kind)).add(visible_rows(actor, f))));
    let counts = request_counts(&state.db, seen, from, to, state.now()).await?;
    let mut steps = step_histograms(&state.db, actor, &flows, &month.label(), from, to).await?;
    let out = flows
        .into_iter()
        .map(|flow| {
            let c = counts.get(&flow.kind).copied().unwrap_or_default();
            let rows: HashMap<RequestState, StepRow> = flow
                .states
                .iter()
                .filter_map(|s| steps.remove(&(flow.kind, s.code)).map(|h| (s.code, StepRow { count: h.steps, within: h.within, median_minutes: h.median() })))
                .collect();
            FlowStats {
                kind: flow.kind,
                sop: flow.sop.to_string(),
                open: c.open,
                overdue: c.overdue,
                created: c.created,
                closed: c.closed,
                steps: step_stats(flow, &levels, &rows),
            }
        })
        .collect();
    Ok(Dashboard { month: month.label(), flows: out })
}

/// A type's request counts for the dashboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct RequestCounts {
    open: u32,
    overdue: u32,
    created: u32,
    closed: u32,
}

/// `1` for the rows meeting `cond`, summed: several counts in one pass.
fn count_if(cond: SimpleExpr) -> SimpleExpr {
    Func::sum(Expr::case(cond, 1).finally(0)).into()
}

/// Per type among the requests `seen` selects: open now (and of those,
/// overdue), created in `[from, to)`, closed in `[from, to)`. One query
/// each, each on its own index (migration 000014).
async fn request_counts(
    db: &DatabaseConnection,
    seen: Condition,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DomainResult<HashMap<RequestKind, RequestCounts>> {
    use request::Column as C;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    let mut out: HashMap<RequestKind, RequestCounts> = HashMap::new();
    let per_kind = || request::Entity::find().select_only().column(C::Kind).column_as(Expr::col(C::Id).count(), "n").filter(seen.clone()).group_by(C::Kind);
    let open: Vec<(RequestKind, i64, Option<i64>)> =
        per_kind().column_as(count_if(C::StepDueAt.lt(now)), "overdue").filter(C::ClosedAt.is_null()).into_tuple().all(db).await?;
    for (kind, open, overdue) in open {
        let c = out.entry(kind).or_default();
        (c.open, c.overdue) = (n(open), n(overdue.unwrap_or(0)));
    }
    let created: Vec<(RequestKind, i64)> = per_kind().filter(C::CreatedAt.gte(from)).filter(C::CreatedAt.lt(to)).into_tuple().all(db).await?;
    for (kind, created) in created {
        out.entry(kind).or_default().created = n(created);
    }
    let closed: Vec<(RequestKind, i64)> = per_kind().filter(C::ClosedAt.gte(from)).filter(C::ClosedAt.lt(to)).into_tuple().all(db).await?;
    for (kind, closed) in closed {
        out.entry(kind).or_default().closed = n(closed);
    }
    Ok(out)
}

/// What the month's step events of one state add up to.
#[derive(Debug, Default, PartialEq, Eq)]
struct StepRow {
    count: u32,
    within: u32,
    median_minutes: Option<i64>,
}

/// The month's steps per type and state left, for what the actor sees:
/// summed from the `step_minutes` rows of the units they see (of every
/// unit for a grant without one), plus the events of the requests they
/// applied for outside those units (a handful, read as they are).
async fn step_histograms(
    db: &DatabaseConnection,
    actor: &Actor,
    flows: &[&'static Flow],
    month: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DomainResult<HashMap<(RequestKind, RequestState), Histogram>> {
    use step_minute::Column as S;
    let mut seen = Condition::any();
    let mut own: Vec<(RequestKind, Vec<i32>)> = Vec::new();
    for flow in flows {
        match scope(actor, flow) {
            Scope::All => seen = seen.add(S::Kind.eq(flow.kind)),
            Scope::Units { units, own: applied } => {
                if !units.is_empty() {
                    seen = seen.add(Condition::all().add(S::Kind.eq(flow.kind)).add(S::UnitId.is_in(units.clone())));
                }
                if applied {
                    own.push((flow.kind, units));
                }
            }
        }
    }
    let mut out: HashMap<(RequestKind, RequestState), Histogram> = HashMap::new();
    if !seen.is_empty() {
        let rows: Vec<(RequestKind, RequestState, i64, i64, i64)> = step_minute::Entity::find()
            .select_only()
            .columns([S::Kind, S::FromState, S::Minutes])
            .column_as(Expr::col(S::Steps).sum(), "steps")
            .column_as(Expr::col(S::Within).sum(), "within")
            .filter(S::Month.eq(month))
            .filter(seen)
            .group_by(S::Kind)
            .group_by(S::FromState)
            .group_by(S::Minutes)
            .into_tuple()
            .all(db)
            .await?;
        for (kind, state, minutes, steps, within) in rows {
            out.entry((kind, state)).or_default().add(minutes, steps as u32, within as u32);
        }
    }
    for (kind, units) in own {
        use request::Column as R;
        use request_event::Column as E;
        let mut theirs =
            Query::select().column(R::Id).from(request::Entity).and_where(R::Kind.eq(kind)).and_where(R::ApplicantMailboxId.eq(actor.mailbox_id)).to_owned();
        if !units.is_empty() {
            theirs.cond_where(Condition::any().add(R::UnitId.is_null()).add(R::UnitId.is_not_in(units)));
        }
        let events = request_event::Entity::find()
            .filter(E::RequestId.in_subquery(theirs))
            .filter(E::At.gte(from))
            .filter(E::At.lt(to))
            .filter(E::FromState.is_not_null())
            .filter(E::DurationSecs.is_not_null())
            .all(db)
            .await?;
        for e in events {
            if let Some((from_state, secs)) = e.step_taken() {
                out.entry((kind, from_state)).or_default().add_step(secs, e.standard_secs);
            }
        }
    }
    Ok(out)
}

/// One request in the monthly recap.
#[derive(Clone, Debug, PartialEq)]
pub struct RecapRow {
    pub ticket: String,
    pub subject: String,
    pub unit: String,
    pub created: String,
    pub state: RequestState,
    pub closed: String,
    /// Office minutes from creation to the end (or to now, if still open).
    pub minutes: i64,
    pub late_steps: u32,
}

pub struct Recap {
    pub sop: String,
    pub kind: RequestKind,
    pub month: String,
    pub rows: Vec<RecapRow>,
    pub steps: Vec<StepStats>,
}

/// The requests of one SOP created in `month`, for those who may see them.
pub async fn recap(state: &AppState, actor: &Actor, sop: &str, month: &str) -> DomainResult<Recap> {
    let flow = workflow::ALL.iter().copied().find(|f| f.sop == sop.trim()).ok_or(DomainError::NotFound)?;
    if !may_see(actor, flow) {
        return Err(DomainError::Forbidden);
    }
    let month = Month::parse(month).ok_or_else(|| DomainError::field("month", ErrorCode::DateInvalid))?;
    let (from, to) = month.range(state.config.utc_offset_hours);
    let levels = state.service_levels(&state.db).await?;
    let listed = || {
        Condition::all()
            .add(request::Column::Kind.eq(flow.kind))
            .add(request::Column::CreatedAt.gte(from))
            .add(request::Column::CreatedAt.lt(to))
            .add(visible_rows(actor, flow))
    };
    let rows: Vec<request::Model> = request::Entity::find().filter(listed()).order_by_asc(request::Column::Id).all(&state.db).await?;
    // a subquery, not the ids: a month may hold more requests than a statement may bind values
    let ids = Query::select().column(request::Column::Id).from(request::Entity).cond_where(listed()).to_owned();
    let events =
        request_event::Entity::find().filter(request_event::Column::RequestId.in_subquery(ids)).order_by_asc(request_event::Column::Id).all(&state.db).await?;
    let units: HashMap<i32, String> = unit::Entity::find().all(&state.db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let now = state.now();
    let out = rows
        .iter()
        .map(|r| {
            let mine: Vec<&request_event::Model> = events.iter().filter(|e| e.request_id == r.id).collect();
            RecapRow {
                ticket: r.ticket.clone(),
                subject: r.subject.clone(),
                unit: r.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
                created: state.local_time(r.created_at),
                state: r.state,
                closed: r.closed_at.map(|c| state.local_time(c)).unwrap_or_default(),
                minutes: levels.calendar.working_minutes(r.created_at, r.closed_at.unwrap_or(now)),
                late_steps: mine.iter().filter(|e| matches!((e.duration_secs, e.standard_secs), (Some(d), Some(s)) if d > s)).count() as u32,
            }
        })
        .collect();
    let refs: Vec<&request_event::Model> = events.iter().collect();
    Ok(Recap { sop: flow.sop.to_string(), kind: flow.kind, month: month.label(), rows: out, steps: step_stats(flow, &levels, &step_rows_of(&refs)) })
}

const HEADERS: [&str; 8] = ["Tiket", "Perihal", "OPD", "Dibuat", "Status", "Selesai", "Waktu kerja (menit)", "Langkah terlambat"];
const STEP_HEADERS: [&str; 6] = ["Langkah SOP", "Status", "Jumlah", "Median (menit)", "Standar (menit)", "Sesuai standar"];

/// A cell that a spreadsheet must not read as a formula (CSV injection).
pub(crate) fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// CSV with a UTF-8 mark so spreadsheet programs read the names right.
pub fn recap_csv(r: &Recap) -> DomainResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(HEADERS).map_err(anyhow::Error::from)?;
    for row in &r.rows {
        let cells = [
            safe_cell(&row.ticket),
            safe_cell(&row.subject),
            safe_cell(&row.unit),
            row.created.clone(),
            row.state.to_string(),
            row.closed.clone(),
            row.minutes.to_string(),
            row.late_steps.to_string(),
        ];
        w.write_record(&cells).map_err(anyhow::Error::from)?;
    }
    Ok(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// XLSX: the requests on one sheet, the step figures on another.
pub fn recap_xlsx(r: &Recap) -> DomainResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| DomainError::Other(anyhow::anyhow!("xlsx: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Permohonan").map_err(x)?;
    sheet.write_string_with_format(0, 0, format!("Rekap SOP {} — {}", r.sop, r.month), &bold).map_err(x)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold).map_err(x)?;
    }
    for (i, row) in r.rows.iter().enumerate() {
        let n = 3 + i as u32;
        // strings are written as strings: no formula is ever evaluated
        sheet.write_string(n, 0, &row.ticket).map_err(x)?;
        sheet.write_string(n, 1, &row.subject).map_err(x)?;
        sheet.write_string(n, 2, &row.unit).map_err(x)?;
        sheet.write_string(n, 3, &row.created).map_err(x)?;
        sheet.write_string(n, 4, row.state.as_str()).map_err(x)?;
        sheet.write_string(n, 5, &row.closed).map_err(x)?;
        sheet.write_number(n, 6, row.minutes as f64).map_err(x)?;
        sheet.write_number(n, 7, row.late_steps as f64).map_err(x)?;
    }
    sheet.set_column_width(0, 18).map_err(x)?;
    sheet.set_column_width(1, 40).map_err(x)?;
    sheet.set_column_width(2, 30).map_err(x)?;
    let steps = book.add_worksheet().set_name("Langkah").map_err(x)?;
    for (c, h) in STEP_HEADERS.iter().enumerate() {
        steps.write_string_with_format(0, c as u16, *h, &bold).map_err(x)?;
    }
    for (i, s) in r.steps.iter().enumerate() {
        let n = 1 + i as u32;
        steps.write_string(n, 0, &s.step_no).map_err(x)?;
        steps.write_string(n, 1, s.state.as_str()).map_err(x)?;
        steps.write_number(n, 2, s.count as f64).map_err(x)?;
        if let Some(m) = s.median_minutes {
            steps.write_number(n, 3, m as f64).map_err(x)?;
        }
        if let Some(m) = s.standard_minutes {
            steps.write_number(n, 4, m as f64).map_err(x)?;
        }
        steps.write_number(n, 5, s.within_standard as f64).map_err(x)?;
    }
    book.save_to_buffer().map_err(x)
}

/// The settings screen's data: every step with its SOP default and current standard.
pub async fn service_levels(state: &AppState) -> DomainResult<ServiceLevelSettings> {
    let levels = state.service_levels(&state.db).await?;
    let mut steps = Vec::new();
    for flow in workflow::ALL {
        for (s, step_no) in flow.numbered_steps() {
            let default = s.standard_minutes.unwrap_or(0);
            steps.push(StepStandard {
                kind: flow.kind,
                sop: flow.sop.to_string(),
                state: s.code,
                sop_step: s.sop_step,
                step_no,
                default_minutes: default,
                minutes: levels.standard_minutes(flow, s.code).unwrap_or(default),
            });
        }
    }
    let days = levels
        .calendar
        .hours
        .iter()
        .map(|h| match h {
            Some((o, c)) => OfficeDay { open: o.format("%H:%M").to_string(), close: c.format("%H:%M").to_string(), closed: false },
            None => OfficeDay { open: String::new(), close: String::new(), closed: true },
        })
        .collect();
    let holidays = levels.calendar.holidays.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect::<Vec<_>>().join("\n");
    Ok(ServiceLevelSettings { steps, days, holidays, mail_server_ready: state.config.mail_server.is_some() })
}

/// Saves the Admin sistem's settings: only overrides that differ from the SOP
/// are stored, so a later change to a default in the SOP table still applies.
pub async fn save_service_levels(state: &AppState, actor: &Actor, input: ServiceLevelSettings) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    let mut overrides: HashMap<String, u32> = HashMap::new();
    for s in &input.steps {
        let Some(st) = workflow::flow(s.kind).state(s.state).filter(|st| !st.terminal) else { continue };
        if s.minutes == 0 || s.minutes > MAX_STANDARD_MINUTES {
            errors.push(model::validation::FieldError::new(format!("step-{}-{}", s.kind, s.state), ErrorCode::StandardInvalid));
            continue;
        }
        if Some(s.minutes) != st.standard_minutes {
            overrides.insert(format!("{}.{}", s.kind, s.state), s.minutes);
        }
    }
    if input.days.len() != 7 {
        errors.add("days", ErrorCode::Generic);
    }
    let mut hours: [Option<(NaiveTime, NaiveTime)>; 7] = [None; 7];
    for (i, d) in input.days.iter().enumerate().take(7) {
        if d.closed {
            continue;
        }
        let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        match (t(&d.open), t(&d.close)) {
            (Some(o), Some(c)) if o < c => hours[i] = Some((o, c)),
            _ => errors.add(&format!("day-{i}"), ErrorCode::HoursInvalid),
        }
    }
    if hours.iter().all(Option::is_none) && input.days.len() == 7 {
        errors.add("days", ErrorCode::NoOpenDay);
    }
    let mut holidays = BTreeSet::new();
    for line in input.holidays.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match NaiveDate::parse_from_str(line, "%Y-%m-%d") {
            Ok(d) => {
                holidays.insert(d);
            }
            Err(_) => errors.push(model::validation::FieldError::new("holidays", ErrorCode::HolidayInvalid).with_arg(line)),
        }
    }
    errors.into_result()?;
    let calendar = Calendar { utc_offset_hours: state.config.utc_offset_hours, hours, holidays };
    let mut change = Change::begin(state, actor.who()).await?;
    let now = change.now();
    for (key, value) in [
        (STANDARDS_KEY, serde_json::to_string(&overrides).map_err(anyhow::Error::from)?),
        (CALENDAR_KEY, serde_json::to_string(&calendar).map_err(anyhow::Error::from)?),
    ] {
        setting::put(&*change, key, value, now).await?;
    }
    change.log("settings.service_levels", "setting", "sla", json!({ "overrides": overrides, "holidays": calendar.holidays.len() })).await?;
    change.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::access::may_see_row;
    use crate::testing::{staff_actor, state_with_clock};
    use sea_orm::{ActiveModelTrait, Set};

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [30, 10, 20]), Some(20));
        assert_eq!(median(&mut [40, 10, 20, 30]), Some(25));
    }

    #[test]
    fn months_are_local() {
        let m = Month::parse("2026-11").unwrap();
        let (from, to) = m.range(7);
        assert_eq!(from.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-30T17:00:00+00:00");
        assert_eq!(Month::parse("2026-12").unwrap().range(7).1.to_rfc3339(), "2026-12-31T17:00:00+00:00");
        assert!(Month::parse("2026-13").is_none() && Month::parse("bulan").is_none());
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let r = Recap {
            sop: "002".into(),
            kind: RequestKind::PersonalAccount,
            month: "2026-11".into(),
            rows: vec![RecapRow {
                ticket: "SRL-2026-000001".into(),
                subject: "=HYPERLINK(\"x\")".into(),
                unit: "Dinas, \"Pendidikan\"".into(),
                created: "".into(),
                state: RequestState::Selesai,
                closed: "".into(),
                minutes: 42,
                late_steps: 1,
            }],
            steps: vec![],
        };
        let text = String::from_utf8(recap_csv(&r).unwrap()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("\"Dinas, \"\"Pendidikan\"\"\""), "{text}");
        let xlsx = recap_xlsx(&r).unwrap();
        assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip file");
    }

    #[tokio::test]
    async fn settings_are_checked_saved_and_used() {
        let (state, _) = state_with_clock().await;
        let admin = staff_actor(&state, "andi.pratama@batam.go.id").await;
        let mut s = service_levels(&state).await.unwrap();
        assert_eq!(s.days.len(), 7);
        assert!(s.days[5].closed && s.days[6].closed, "weekend closed by default");
        let kabid = s.steps.iter_mut().find(|x| x.kind == RequestKind::UnitAccount && x.state == RequestState::MenungguKabid).unwrap();
        assert_eq!((kabid.default_minutes, kabid.minutes), (5, 5));
        kabid.minutes = 0;
        s.days[0].open = "17:00".into();
        s.holidays = "2026-12-25\nbesok".into();
        let err = save_service_levels(&state, &admin, s.clone()).await.unwrap_err();
        let DomainError::Invalid(f) = err else { panic!("field errors") };
        let codes: Vec<String> = f.0.iter().map(|e| format!("{}:{}", e.field, e.code)).collect();
        assert_eq!(codes, ["step-unit_account-menunggu_kabid:standard_invalid", "day-0:hours_invalid", "holidays:holiday_invalid"]);
        let mut s = service_levels(&state).await.unwrap();
        s.steps.iter_mut().find(|x| x.kind == RequestKind::UnitAccount && x.state == RequestState::MenungguKabid).unwrap().minutes = 15;
        s.holidays = "2026-12-25".into();
        save_service_levels(&state, &admin, s).await.unwrap();
        let levels = ServiceLevels::load(&state.db, 7).await.unwrap();
        assert_eq!(levels.standard_minutes(&workflow::UNIT_ACCOUNT, RequestState::MenungguKabid), Some(15));
        assert!(levels.calendar.holidays.contains(&NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()));
        let again = service_levels(&state).await.unwrap();
        assert_eq!(again.holidays, "2026-12-25");
    }

    #[tokio::test]
    async fn the_dashboard_counts_what_the_role_sees() {
        let (state, _) = state_with_clock().await;
        let kasi = staff_actor(&state, "hendra.gunawan@batam.go.id").await;
        let d = dashboard(&state, &kasi, "").await.unwrap();
        assert!(d.flows.iter().any(|f| f.kind == RequestKind::PhoneChange));
        assert!(d.flows.iter().all(|f| f.kind != RequestKind::UnitAccount), "a Kasi does not handle unit accounts");
        let maya = staff_actor(&state, "maya.sari@batam.go.id").await;
        // the Pejabat Struktural sees only the collective SIMPEG requests (SOP 004 step 7)
        let kinds: Vec<RequestKind> = dashboard(&state, &maya, "").await.unwrap().flows.into_iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [RequestKind::SimpegBulk]);
        assert!(matches!(recap(&state, &kasi, "000", "2026-11").await, Err(DomainError::Forbidden)));
        let r = recap(&state, &kasi, "001", "2026-11").await.unwrap();
        assert!(r.rows.is_empty());
    }

    /// The dashboard is counted in SQL; counting each request in memory (the
    /// way it was done before, with the row-by-row visibility rule) must give
    /// the same figures, for every role's scope, over requests of every type,
    /// unit, state and age, with steps inside and outside the month.
    #[tokio::test]
    async fn the_dashboard_counted_in_sql_agrees_with_counting_each_request() {
        use crate::entities::request_event;
        use chrono::Duration;
        let (state, _) = state_with_clock().await;
        let units: Vec<i32> = unit::Entity::find().all(&state.db).await.unwrap().into_iter().map(|u| u.id).collect();
        let applicant = staff_actor(&state, "siti.rahma@batam.go.id").await.mailbox_id;
        let now = state.now();
        let (from, to) = Month::of(state.local_date()).range(state.config.utc_offset_hours);
        for n in 0..300usize {
            let flow = workflow::ALL[n % workflow::ALL.len()];
            let created = from - Duration::days(6) + Duration::hours(((n * 37) % (24 * 45)) as i64);
            let r = request::ActiveModel {
                ticket: Set(format!("SRL-UJI-{n:06}")),
                kind: Set(flow.kind),
                state: Set(flow.states[n % flow.states.len()].code),
                unit_id: Set((n % 11 != 0).then(|| units[n % units.len()])),
                applicant_mailbox_id: Set((n % 5 == 0).then_some(applicant)),
                applicant_person_id: Set(None),
                subject: Set(format!("uji {n}")),
                payload: Set("{}".into()),
                version: Set(1),
                step_started_at: Set(created),
                // due an odd number of hours before or after now (never exactly now)
                step_due_at: Set((n % 4 != 0).then(|| now + Duration::hours(((n % 8) as i64 - 4) * 2 + 1))),
                created_at: Set(created),
                updated_at: Set(created),
                closed_at: Set((n % 3 == 0).then(|| created + Duration::hours((n % 200) as i64))),
                ..Default::default()
            }
            .insert(&state.db)
            .await
            .unwrap();
            for k in 0..(n % 5) {
                let states = flow.states;
                request_event::ActiveModel {
                    request_id: Set(r.id),
                    seq: Set(k as i32),
                    action: Set(model::Action::Buat),
                    from_state: Set((k != 0).then(|| states[k % states.len()].code)),
                    to_state: Set(states[(k + n) % states.len()].code),
                    actor_mailbox_id: Set(None),
                    actor_label: Set("uji".into()),
                    note: Set(None),
                    step_started_at: Set(created),
                    at: Set(created + Duration::hours((k * 13 + n % 7) as i64)),
                    due_at: Set(None),
                    duration_secs: Set((n % 13 != 0).then_some(((n * 37 + k * 101) % 5000) as i64 * 60 + (n % 60) as i64)),
                    standard_secs: Set((k % 2 == 0).then_some(2500 * 60)),
                    ..Default::default()
                }
                .insert(&state.db)
                .await
                .unwrap();
            }
        }
        // the events went in directly, as before an upgrade: summed as `surel migrate` does
        crate::requests::step_minutes::ensure(&state).await.unwrap();
        let levels = state.service_levels(&state.db).await.unwrap();
        let all_requests = request::Entity::find().all(&state.db).await.unwrap();
        // the step figures counted one event at a time: counts as the recap
        // counts them, medians read from the same buckets
        let bucketed = |events: &[&request_event::Model]| -> HashMap<RequestState, StepRow> {
            let exact = step_rows_of(events);
            let mut h: HashMap<RequestState, Histogram> = HashMap::new();
            for e in events {
                if let Some((from, secs)) = e.step_taken() {
                    h.entry(from).or_default().add_step(secs, e.standard_secs);
                }
            }
            h.into_iter()
                .map(|(s, h)| {
                    assert_eq!((h.steps, h.within), (exact[&s].count, exact[&s].within));
                    (s, StepRow { count: h.steps, within: h.within, median_minutes: h.median() })
                })
                .collect()
        };
        let all_events = crate::entities::request_event::Entity::find().all(&state.db).await.unwrap();
        let mut compared = 0;
        for address in [
            "andi.pratama@batam.go.id",
            "siti.rahma@batam.go.id",
            "hendra.gunawan@batam.go.id",
            "rudi.hartono@batam.go.id",
            "agus.setiawan@batam.go.id",
            "maya.sari@batam.go.id",
            "budi.santoso@batam.go.id",
        ] {
            let actor = staff_actor(&state, address).await;
            for got in dashboard(&state, &actor, "").await.unwrap().flows {
                let flow = workflow::flow(got.kind);
                let rows: Vec<&request::Model> = all_requests.iter().filter(|r| r.kind == flow.kind && may_see_row(&actor, flow, r)).collect();
                let events: Vec<&request_event::Model> =
                    all_events.iter().filter(|e| e.at >= from && e.at < to && rows.iter().any(|r| r.id == e.request_id)).collect();
                let expected = FlowStats {
                    kind: flow.kind,
                    sop: flow.sop.to_string(),
                    open: rows.iter().filter(|r| r.closed_at.is_none()).count() as u32,
                    overdue: rows.iter().filter(|r| r.closed_at.is_none() && r.step_due_at.is_some_and(|d| d < now)).count() as u32,
                    created: rows.iter().filter(|r| r.created_at >= from && r.created_at < to).count() as u32,
                    closed: rows.iter().filter(|r| r.closed_at.is_some_and(|c| c >= from && c < to)).count() as u32,
                    steps: step_stats(flow, &levels, &bucketed(&events)),
                };
                assert_eq!(got, expected, "{address}: {:?}", flow.kind);
                compared += usize::from(expected.steps.iter().any(|s| s.count > 0));
            }
        }
        assert!(compared >= 10, "the figures compared hold steps: {compared}");
    }
}
