//! The one place "now" and "today" come from.
//!
//! The store, every command and the workbench read the time through a
//! [`Clock`], so tests fix it and nothing depends on the date a test runs.
//! The binary takes its clock from `KAM_NOW` when set (an RFC 3339 instant or
//! a `YYYY-MM-DD` date, taken as local midnight), else from the system: the
//! variable is for tests that run the binary, and for trying a rule "as of"
//! another day. A clock started at a given instant moves on with real time,
//! so two saves a moment apart still get two timestamps in order.

use std::time::Instant;

use chrono::{DateTime, Local, NaiveDate, SubsecRound, TimeZone, Utc};

/// The environment variable that starts the binary's clock at a given instant.
pub const ENV: &str = "KAM_NOW";

/// Where the time comes from.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    kind: Kind,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    System,
    /// Stands still at this instant.
    Fixed(DateTime<Utc>),
    /// Started at `at` when `since` was read, and moves on with real time.
    Started {
        at: DateTime<Utc>,
        since: Instant,
    },
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// The system's clock.
    pub const fn system() -> Self {
        Self { kind: Kind::System }
    }

    /// A clock that stands still at `at`.
    pub const fn fixed(at: DateTime<Utc>) -> Self {
        Self { kind: Kind::Fixed(at) }
    }

    /// A clock that reads `at` now and moves on with real time.
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        Self { kind: Kind::Started { at, since: Instant::now() } }
    }

    /// A clock that stands still at local noon of `day` (noon, so the local
    /// date is `day` in every time zone a test may run in).
    pub fn on_day(day: NaiveDate) -> Self {
        Self::fixed(local_noon(day))
    }

    /// A clock that stands still at `time` on `day`, on the local wall clock.
    pub fn at_local(day: NaiveDate, time: chrono::NaiveTime) -> Self {
        Self::fixed(local_to_utc(day.and_time(time)))
    }

    /// A clock that reads local noon of `day` now and moves on with real time.
    pub fn starting_on_day(day: NaiveDate) -> Self {
        Self::starting_at(local_noon(day))
    }

    /// The binary's clock: `KAM_NOW` when set, else the system's.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(ENV) {
            Ok(v) if !v.trim().is_empty() => parse_start(v.trim()).map(Self::starting_at),
            _ => Ok(Self::system()),
        }
    }

    /// Now, to the millisecond (what a timestamp column keeps).
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self.kind {
            Kind::System => Utc::now(),
            Kind::Fixed(at) => at,
            Kind::Started { at, since } => {
                at + chrono::Duration::from_std(since.elapsed()).unwrap_or_else(|_| chrono::Duration::zero())
            }
        };
        t.trunc_subsecs(3)
    }

    /// Now on the user's wall clock.
    pub fn local_now(&self) -> DateTime<Local> {
        self.now().with_timezone(&Local)
    }

    /// Today's date where the user is.
    pub fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }

    /// Moves a fixed or started clock by `by` (a test's "a day later").
    pub fn advance(&mut self, by: chrono::Duration) {
        self.kind = match self.kind {
            Kind::System => Kind::Started { at: Utc::now() + by, since: Instant::now() },
            Kind::Fixed(at) => Kind::Fixed(at + by),
            Kind::Started { at, since } => Kind::Started { at: at + by, since },
        };
    }
}

fn local_noon(day: NaiveDate) -> DateTime<Utc> {
    local_to_utc(day.and_hms_opt(12, 0, 0).unwrap_or_default())
}

/// A time on the local wall clock as an instant: the earlier one when the
/// clock is set back, the time read as UTC when it does not exist locally.
pub fn local_to_utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    Local.from_local_datetime(&t).earliest().map_or_else(|| t.and_utc(), |x| x.with_timezone(&Utc))
}

/// An instant as the user's wall clock shows it: `2026-12-04 23:11:55`.
pub fn local_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The start of a local day, as an instant.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    local_to_utc(day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn parse_start(v: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(start_of_day(d));
    }
    Err(format!("{ENV}: '{v}' is neither an RFC 3339 instant (2026-12-04T09:30:00+08:00) nor a date (2026-12-04)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_fixed_clock_stands_still_and_moves_when_told() {
        let mut c = Clock::on_day(d("2028-02-29"));
        assert_eq!(c.today(), d("2028-02-29"));
        assert_eq!(c.now(), c.now());
        c.advance(chrono::Duration::days(1));
        assert_eq!(c.today(), d("2028-03-01"));
    }

    #[test]
    fn a_started_clock_moves_on_from_its_start() {
        let c = Clock::starting_on_day(d("2030-12-31"));
        assert_eq!(c.today(), d("2030-12-31"));
        assert!(c.now() >= local_noon(d("2030-12-31")));
    }

    #[test]
    fn start_instants_parse_as_rfc3339_or_a_date() {
        assert_eq!(
            parse_start("2026-12-04T01:02:03Z").expect("rfc3339"),
            Utc.with_ymd_and_hms(2026, 12, 4, 1, 2, 3).single().expect("utc")
        );
        let midnight = parse_start("2027-01-01").expect("date");
        assert_eq!(midnight.with_timezone(&Local).date_naive(), d("2027-01-01"));
        assert!(parse_start("tomorrow").expect_err("refused").contains(ENV));
    }
}
