//! Reading a day as people type it and as spreadsheets hold it.
//!
//! Forms and imports accept `2024-03-05`, `2024/3/5`, `2024.3.5`,
//! `2024年3月5日` and the same with full-width digits (`２０２４-０３-０５`, as
//! a Chinese input method types them); an import also takes Excel's day
//! numbers (`45356` is 2024-03-05), which is what a date cell becomes when a
//! sheet is saved as CSV without formatting. Anything else is refused with
//! a message saying what was expected; a two-digit year is refused rather
//! than guessed.

use chrono::{Datelike, NaiveDate};

/// What a date should look like, for messages.
pub const DATE_EXPECTED: &str = "expected a date such as 2024-03-05, 2024/3/5 or 2024年3月5日";

/// Reads a day: see the module documentation. The error says what was
/// wrong and what was expected; the caller adds the field.
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let folded: String = text.trim().chars().map(fold).collect();
    let s = folded.trim();
    if s.is_empty() {
        return Err(format!("no date given: {DATE_EXPECTED}"));
    }
    let parts: Vec<&str> = if s.contains('年') {
        let rest = s.strip_suffix('日').or_else(|| s.strip_suffix('号')).unwrap_or(s);
        rest.split(['年', '月']).collect()
    } else {
        s.split(['-', '/', '.']).collect()
    };
    let shown = text.trim();
    let numbers: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
        })
        .collect();
    let Some([y, m, d]) = numbers.as_deref().and_then(|n| <[u32; 3]>::try_from(n).ok()) else {
        return Err(format!("'{shown}' is not a date: {DATE_EXPECTED}"));
    };
    if parts[0].len() != 4 {
        return Err(format!("'{shown}': the year needs four digits ({DATE_EXPECTED})"));
    }
    if !(1..=12).contains(&m) {
        return Err(format!("'{shown}': there is no month {m} ({DATE_EXPECTED})"));
    }
    let year = i32::try_from(y).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| {
        let last = last_day(year, m).map_or(31, |l| l.day());
        format!("'{shown}': there is no such day ({year}-{m:02} has {last} days)")
    })
}

/// [`parse_day`], also taking Excel's day numbers (1900 date system) from
/// 1 to 2958465 (9999-12-31), for spreadsheet imports.
pub fn parse_day_or_serial(text: &str) -> Result<NaiveDate, String> {
    let folded: String = text.trim().chars().map(fold).collect();
    let s = folded.trim();
    let serial = s.strip_suffix(".0").unwrap_or(s);
    if !serial.is_empty() && serial.len() <= 7 && serial.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = serial.parse().unwrap_or(0);
        return excel_day(n).ok_or_else(|| {
            format!("'{}' is not a date: a day number from Excel is 1 to 2958465; {DATE_EXPECTED}", text.trim())
        });
    }
    parse_day(text)
}

/// Excel's day `n`: day 1 is 1900-01-01, and Excel counts a 29 February
/// 1900 that never was (day 60), so later days count from 1899-12-30.
fn excel_day(n: u64) -> Option<NaiveDate> {
    if n == 0 || n == 60 || n > 2_958_465 {
        return None;
    }
    let base = if n < 60 { NaiveDate::from_ymd_opt(1899, 12, 31)? } else { NaiveDate::from_ymd_opt(1899, 12, 30)? };
    base.checked_add_days(chrono::Days::new(n))
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// Full-width digits and separators to their ASCII forms.
fn fold(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '－' | '—' | '–' => '-',
        '／' => '/',
        '．' | '。' => '.',
        '　' => ' ',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn forms_people_type() {
        for s in
            ["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "2024年3月5号", "２０２４-０３-０５", " 2024-3-5 "]
        {
            assert_eq!(parse_day(s), Ok(d(2024, 3, 5)), "{s}");
        }
    }

    #[test]
    fn refusals_say_what_was_expected() {
        let e = parse_day("2024-02-30").unwrap_err();
        assert!(e.contains("no such day") && e.contains("29 days"), "{e}");
        let e = parse_day("24/3/5").unwrap_err();
        assert!(e.contains("four digits") && e.contains("2024-03-05"), "{e}");
        assert!(parse_day("2024-13-01").unwrap_err().contains("no month 13"));
        assert!(parse_day("soon").unwrap_err().contains("expected a date"));
        assert!(parse_day("45356").is_err(), "day numbers only in imports");
    }

    #[test]
    fn excel_day_numbers() {
        assert_eq!(parse_day_or_serial("45356"), Ok(d(2024, 3, 5)));
        assert_eq!(parse_day_or_serial("45356.0"), Ok(d(2024, 3, 5)));
        assert_eq!(parse_day_or_serial("1"), Ok(d(1900, 1, 1)));
        assert_eq!(parse_day_or_serial("61"), Ok(d(1900, 3, 1)));
        assert_eq!(parse_day_or_serial("2958465"), Ok(d(9999, 12, 31)));
        assert!(parse_day_or_serial("60").is_err());
        assert!(parse_day_or_serial("2958466").unwrap_err().contains("2958465"));
        assert_eq!(parse_day_or_serial("2024年3月5日"), Ok(d(2024, 3, 5)));
    }
}
