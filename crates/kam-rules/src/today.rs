//! Date rules of the Today tab (DESIGN §2.5, §4.9): the next birthday of a
//! contact and the evaluation deadlines a manager keeps. "Today" is always
//! an argument.

use chrono::{Datelike, NaiveDate};

use crate::evaluation::Period;

/// A birthday falls on this day in `year`. A 29 February birthday is kept
/// on 28 February in a year without one (the last day of the month the
/// person was born in).
pub fn birthday_in(birth: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day()).or_else(|| {
        if (birth.month(), birth.day()) == (2, 29) {
            NaiveDate::from_ymd_opt(year, 2, 28)
        } else {
            None
        }
    })
}

/// The next birthday on or after `today` (this year's, else next year's).
pub fn next_birthday(birth: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    birthday_in(birth, today.year()).filter(|d| *d >= today).or_else(|| birthday_in(birth, today.year() + 1))
}

/// Days from `today` to the next birthday (0 when it is today).
pub fn days_to_birthday(birth: NaiveDate, today: NaiveDate) -> Option<i64> {
    next_birthday(birth, today).map(|d| (d - today).num_days())
}

/// The month-day keys (`MM-DD`, as a stored birth date ends) of the
/// birthdays that fall within `days` days of `today`, `today` included; a
/// store can look these up in an index instead of reading every contact.
pub fn birthday_keys(today: NaiveDate, days: u32) -> Vec<String> {
    let mut keys = Vec::new();
    for d in today.iter_days().take(days as usize + 1) {
        keys.push(d.format("%m-%d").to_string());
        let leap = NaiveDate::from_ymd_opt(d.year(), 2, 29).is_some();
        if d.month() == 2 && d.day() == 28 && !leap {
            keys.push("02-29".to_string());
        }
    }
    keys
}

/// What kind of evaluation is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineKind {
    Month,
    Quarter,
    Year,
}

/// An evaluation a manager has to hand in, and by when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub period: Period,
    pub due: NaiveDate,
}

/// The next evaluation deadline of each kind (§4.9: a month by the 5th of the
/// next month, a quarter within 10 days, a year by 10 January): the period
/// just ended while its due date has not passed, else the current period.
/// Soonest first.
pub fn evaluation_deadlines(today: NaiveDate) -> Vec<Deadline> {
    let month = Period::month_of(today);
    let quarter = Period::Quarter { year: today.year(), quarter: today.month0() / 3 + 1 };
    let year = Period::Year { year: today.year() };
    let mut out: Vec<Deadline> =
        [(DeadlineKind::Month, month), (DeadlineKind::Quarter, quarter), (DeadlineKind::Year, year)]
            .into_iter()
            .map(|(kind, current)| {
                let prev = current.previous();
                let period = if prev.due() >= today { prev } else { current };
                Deadline { kind, period, due: period.due() }
            })
            .collect();
    out.sort_by_key(|d| d.due);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn next_birthday_wraps_the_year_end() {
        assert_eq!(days_to_birthday(d("1980-01-03"), d("2026-12-28")), Some(6));
        assert_eq!(days_to_birthday(d("1980-12-28"), d("2026-12-28")), Some(0));
        assert_eq!(days_to_birthday(d("1980-12-27"), d("2026-12-28")), Some(364));
    }

    #[test]
    fn february_29_is_kept_on_the_28th_in_common_years() {
        assert_eq!(next_birthday(d("1992-02-29"), d("2027-02-20")), Some(d("2027-02-28")));
        assert_eq!(next_birthday(d("1992-02-29"), d("2028-02-20")), Some(d("2028-02-29")));
        let keys = birthday_keys(d("2027-02-25"), 7);
        assert!(keys.contains(&"02-28".to_string()) && keys.contains(&"02-29".to_string()));
        let keys = birthday_keys(d("2028-02-25"), 2);
        assert_eq!(keys, ["02-25", "02-26", "02-27"]);
    }

    #[test]
    fn keys_cover_today_to_seven_days_across_the_year_end() {
        let keys = birthday_keys(d("2026-12-28"), 7);
        assert_eq!(keys, ["12-28", "12-29", "12-30", "12-31", "01-01", "01-02", "01-03", "01-04"]);
    }

    #[test]
    fn deadlines_take_the_period_just_ended_until_it_is_due() {
        let on = evaluation_deadlines(d("2026-11-23"));
        assert_eq!(
            on[0],
            Deadline {
                kind: DeadlineKind::Month,
                period: Period::Month { year: 2026, month: 11 },
                due: d("2026-12-05")
            }
        );
        assert_eq!(on[1].due, d("2027-01-10"));
        assert_eq!(on[2].due, d("2027-01-10"));
        let on = evaluation_deadlines(d("2027-01-04"));
        assert_eq!(on[0].period, Period::Month { year: 2026, month: 12 });
        assert_eq!(on[0].due, d("2027-01-05"));
        assert_eq!(on[1].period, Period::Quarter { year: 2026, quarter: 4 });
        assert_eq!(on[2].period, Period::Year { year: 2026 });
        assert_eq!(on[2].due, d("2027-01-10"));
        let on = evaluation_deadlines(d("2027-01-11"));
        assert!(on.iter().all(|x| x.due > d("2027-01-11")));
    }
}
