//! Service levels in working time.
//!
//! A step's standard time (Mutu Baku Waktu) counts office hours only: a
//! request that arrives on Friday evening is due on Monday morning, and a
//! public holiday does not count against anyone. The calendar is a setting
//! (Admin sistem edits it); the default follows the usual government office
//! hours in Indonesia (Monday–Thursday 07:30–16:00, Friday 07:30–16:30).
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Office hours per weekday (Monday first) and the holidays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Hours east of UTC (7 = WIB, 8 = WITA, 9 = WIT).
    pub utc_offset_hours: i32,
    /// `[open, close]` per weekday, Monday first; `None` = closed.
    pub hours: [Option<(NaiveTime, NaiveTime)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn indonesian_office(utc_offset_hours: i32) -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        let day = Some((t(7, 30), t(16, 0)));
        Calendar { utc_offset_hours, hours: [day, day, day, day, Some((t(7, 30), t(16, 30))), None, None], holidays: BTreeSet::new() }
    }

    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_hours * 3600).unwrap_or_else(|| FixedOffset::east_opt(7 * 3600).expect("WIB"))
    }

    /// The office window of a local date, if the office is open that day.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return None;
        }
        let (open, close) = self.hours[date.weekday().num_days_from_monday() as usize]?;
        let tz = self.offset();
        let at = |t: NaiveTime| tz.from_local_datetime(&date.and_time(t)).single().map(|d| d.with_timezone(&Utc));
        Some((at(open)?, at(close)?)).filter(|(o, c)| o < c)
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.offset()).date_naive()
    }

    fn has_open_day(&self) -> bool {
        self.hours.iter().any(|h| matches!(h, Some((o, c)) if o < c))
    }

    /// When a step that starts at `start` and may take `minutes` of office
    /// time is due.
    pub fn due(&self, start: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
        if !self.has_open_day() {
            return start + Duration::minutes(minutes as i64);
        }
        let mut left = Duration::minutes(minutes as i64);
        let mut date = self.local_date(start);
        // bounded: a year of holidays is the worst case
        for _ in 0..800 {
            if let Some((open, close)) = self.window(date) {
                let from = start.max(open);
                if from < close {
                    if from + left <= close {
                        return from + left;
                    }
                    left -= close - from;
                }
            }
            date = date.succ_opt().expect("date in range");
        }
        start + Duration::minutes(minutes as i64)
    }

    /// Office minutes between two instants (0 when `to` is not after `from`).
    pub fn working_minutes(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        if !self.has_open_day() {
            return (to - from).num_minutes();
        }
        let mut total = Duration::zero();
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            if let Some((open, close)) = self.window(date) {
                let (a, b) = (from.max(open), to.min(close));
                if a < b {
                    total += b - a;
                }
            }
            date = date.succ_opt().expect("date in range");
        }
        total.num_minutes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        FixedOffset::east_opt(7 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn within_one_office_day() {
        let cal = Calendar::indonesian_office(7);
        // Monday 23 Nov 2026, 09:00 WIB + 60 min
        assert_eq!(cal.due(wib(2026, 11, 23, 9, 0), 60), wib(2026, 11, 23, 10, 0));
        // before opening: the clock starts at 07:30
        assert_eq!(cal.due(wib(2026, 11, 23, 6, 0), 30), wib(2026, 11, 23, 8, 0));
    }

    #[test]
    fn across_a_weekend() {
        let cal = Calendar::indonesian_office(7);
        // Friday 27 Nov 16:00 + 60 min: 30 min on Friday (closes 16:30), 30 on Monday
        assert_eq!(cal.due(wib(2026, 11, 27, 16, 0), 60), wib(2026, 11, 30, 8, 0));
        // submitted on Saturday: due Monday 07:30 + 15 min
        assert_eq!(cal.due(wib(2026, 11, 28, 10, 0), 15), wib(2026, 11, 30, 7, 45));
        // Friday 16:00 → Monday 08:00 is one working hour, not 64 hours
        assert_eq!(cal.working_minutes(wib(2026, 11, 27, 16, 0), wib(2026, 11, 30, 8, 0)), 60);
    }

    #[test]
    fn holidays_do_not_count() {
        let mut cal = Calendar::indonesian_office(7);
        cal.holidays.insert(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()); // Friday, Christmas
                                                                             // Thursday 24 Dec 15:30 + 60: 30 min Thursday, Friday closed, 30 min Monday 28th
        assert_eq!(cal.due(wib(2026, 12, 24, 15, 30), 60), wib(2026, 12, 28, 8, 0));
        assert_eq!(cal.working_minutes(wib(2026, 12, 24, 15, 30), wib(2026, 12, 28, 8, 0)), 60);
    }

    #[test]
    fn due_and_elapsed_agree() {
        let cal = Calendar::indonesian_office(7);
        let mut start = wib(2026, 11, 20, 5, 17);
        for minutes in [0u32, 1, 5, 15, 30, 60, 200, 510, 1000, 5000] {
            let due = cal.due(start, minutes);
            assert_eq!(cal.working_minutes(start, due), minutes as i64, "start {start} + {minutes}");
            start += Duration::minutes(397);
        }
    }

    #[test]
    fn a_calendar_without_open_days_counts_wall_time() {
        let cal = Calendar { utc_offset_hours: 7, hours: [None; 7], holidays: BTreeSet::new() };
        let t = wib(2026, 11, 23, 9, 0);
        assert_eq!(cal.due(t, 90), t + Duration::minutes(90));
        assert_eq!(cal.working_minutes(t, t + Duration::minutes(90)), 90);
    }
}
