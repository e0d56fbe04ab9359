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
use kam_rules::Lang;

use crate::i18n::T;

/// What a date should look like, for messages.
pub const DATE_EXPECTED: &str = "expected a date such as 2024-03-05, 2024/3/5 or 2024年3月5日";

/// Why a text is not a day, to be told in the user's language
/// ([`DayError::message`]): the month that does not exist, the day past the
/// end of its month (with how many days that month has), a year of two digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayError {
    Empty,
    /// Not made of a year, a month and a day at all.
    NotADate {
        text: String,
    },
    YearDigits {
        text: String,
    },
    NoMonth {
        text: String,
        month: u32,
    },
    NoSuchDay {
        text: String,
        year: i32,
        month: u32,
        last: u32,
    },
    /// A number outside Excel's day numbers.
    ExcelRange {
        text: String,
    },
}

impl DayError {
    /// The message in `lang`, from the catalogue.
    pub fn message(&self, lang: Lang) -> String {
        let expected = T::DateExpected.get(lang);
        match self {
            Self::Empty => T::DateEmpty.fill(lang, &[("expected", expected)]),
            Self::NotADate { text } => T::DateNotADate.fill(lang, &[("text", text), ("expected", expected)]),
            Self::YearDigits { text } => T::DateYearDigits.fill(lang, &[("text", text), ("expected", expected)]),
            Self::NoMonth { text, month } => {
                T::DateNoMonth.fill(lang, &[("text", text), ("month", &month.to_string()), ("expected", expected)])
            }
            Self::NoSuchDay { text, year, month, last } => {
                let month_name = match lang {
                    Lang::Zh => format!("{year} 年 {month} 月"),
                    Lang::En => month_in_english(*year, *month),
                };
                T::DateNoSuchDay.fill(lang, &[("text", text), ("month", &month_name), ("last", &last.to_string())])
            }
            Self::ExcelRange { text } => T::DateExcelRange.fill(lang, &[("text", text), ("expected", expected)]),
        }
    }
}

impl std::fmt::Display for DayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// "February 2026".
fn month_in_english(year: i32, month: u32) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let name = NAMES.get(month.saturating_sub(1) as usize).copied().unwrap_or("?");
    format!("{name} {year}")
}

/// Reads a day: see the module documentation. The error says what was
/// wrong and what was expected, in English; the caller adds the field.
/// [`read_day`] gives the reason to tell in another language.
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    read_day(text).map_err(|e| e.to_string())
}

/// [`parse_day`] with the reason as a [`DayError`].
pub fn read_day(text: &str) -> Result<NaiveDate, DayError> {
    let folded: String = text.trim().chars().map(fold).collect();
    let s = folded.trim();
    if s.is_empty() {
        return Err(DayError::Empty);
    }
    let parts: Vec<&str> = if s.contains('年') {
        let rest = s.strip_suffix('日').or_else(|| s.strip_suffix('号')).unwrap_or(s);
        rest.split(['年', '月']).collect()
    } else {
        s.split(['-', '/', '.']).collect()
    };
    let text = text.trim().to_string();
    let numbers: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
        })
        .collect();
    let Some([y, m, d]) = numbers.as_deref().and_then(|n| <[u32; 3]>::try_from(n).ok()) else {
        return Err(DayError::NotADate { text });
    };
    if parts[0].len() != 4 {
        return Err(DayError::YearDigits { text });
    }
    if !(1..=12).contains(&m) {
        return Err(DayError::NoMonth { text, month: m });
    }
    let year = i32::try_from(y).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| {
        let last = last_day(year, m).map_or(31, |l| l.day());
        DayError::NoSuchDay { text, year, month: m, last }
    })
}

/// [`parse_day`], also taking Excel's day numbers (1900 date system) from
/// 1 to 2958465 (9999-12-31), for spreadsheet imports.
pub fn parse_day_or_serial(text: &str) -> Result<NaiveDate, String> {
    read_day_or_serial(text).map_err(|e| e.to_string())
}

/// [`parse_day_or_serial`] with the reason as a [`DayError`].
pub fn read_day_or_serial(text: &str) -> Result<NaiveDate, DayError> {
    let folded: String = text.trim().chars().map(fold).collect();
    let s = folded.trim();
    let serial = s.strip_suffix(".0").unwrap_or(s);
    if !serial.is_empty() && serial.len() <= 7 && serial.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = serial.parse().unwrap_or(0);
        return excel_day(n).ok_or_else(|| DayError::ExcelRange { text: text.trim().to_string() });
    }
    read_day(text)
}

/// The message, in `lang`, of a cell whose English problem is `english`
/// when that problem is [`parse_day_or_serial`]'s for `text` (the store
/// reads a date column's cell with it and reports only the English words).
pub fn day_problem_in(text: &str, english: &str, lang: Lang) -> Option<String> {
    let e = read_day_or_serial(text).err()?;
    (e.to_string() == english).then(|| e.message(lang))
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
        assert!(e.contains("February 2024 has 29 days"), "{e}");
        let e = parse_day("24/3/5").unwrap_err();
        assert!(e.contains("four digits") && e.contains("2024-03-05"), "{e}");
        assert!(parse_day("2024-13-01").unwrap_err().contains("no month 13"));
        assert!(parse_day("soon").unwrap_err().contains("expected a date"));
        assert!(parse_day("45356").is_err(), "day numbers only in imports");
    }

    #[test]
    fn refusals_say_why_in_both_languages() {
        let e = read_day("2026-02-30").unwrap_err();
        assert_eq!(e.message(Lang::En), "'2026-02-30' is not a date: there is no such day (February 2026 has 28 days)");
        assert_eq!(e.message(Lang::Zh), "“2026-02-30”不是日期:2026 年 2 月只有 28 天");
        let e = read_day("2026-13-01").unwrap_err();
        assert!(e.message(Lang::En).contains("there is no month 13"), "{e}");
        assert!(e.message(Lang::Zh).starts_with("“2026-13-01”不是日期:没有 13 月"), "{}", e.message(Lang::Zh));
        for bad in ["", "soon", "24/3/5", "2024-00-10", "2024-04-31", "2958466"] {
            let zh = read_day_or_serial(bad).unwrap_err().message(Lang::Zh);
            assert!(!zh.contains("date") && !zh.contains("expected"), "{bad}: {zh}");
        }
        assert_eq!(
            day_problem_in("2026-02-30", &parse_day("2026-02-30").unwrap_err(), Lang::Zh).as_deref(),
            Some("“2026-02-30”不是日期:2026 年 2 月只有 28 天")
        );
        assert_eq!(day_problem_in("2026-02-30", "some other problem", Lang::Zh), None);
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
