//! Every parser of what people type or send, fed anything (proptest): it
//! never panics, what it accepts reads back as written, and what it refuses
//! gets a message saying what was expected, naming the field or the row.
//! Dates, amounts, periods, phones, and spreadsheet imports of random bytes,
//! other encodings, huge fields and embedded newlines.

mod common;

use chrono::{Datelike, NaiveDate};
use kam::exchange::import::{import_sheet, ImportError, ImportOptions, SheetKind};
use kam::model::{check_phone, parse_day, parse_day_or_serial, Account, LINE_MAX, NAME_MAX};
use kam::store::Store;
use kam_rules::evaluation::Period;
use kam_rules::Money;
use proptest::prelude::*;

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (1i32..=9999, 1u32..=12, 1u32..=31).prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c) } else { c })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn dates_never_panic_and_refusals_say_what_was_expected(s in any::<String>()) {
        for r in [parse_day(&s), parse_day_or_serial(&s)] {
            if let Err(e) = r {
                prop_assert!(e.contains("expected") || e.contains("no such day"), "{e}");
            }
        }
    }

    #[test]
    fn every_written_form_of_a_day_reads_back(day in any_day()) {
        let (y, m, d) = (day.year(), day.month(), day.day());
        if y >= 1000 {
            for s in [
                format!("{y:04}-{m:02}-{d:02}"),
                format!("{y}/{m}/{d}"),
                format!("{y}.{m}.{d}"),
                format!("{y}年{m}月{d}日"),
                full_width(&format!("{y:04}-{m:02}-{d:02}")),
            ] {
                prop_assert_eq!(parse_day(&s), Ok(day), "{}", s);
            }
        }
    }

    #[test]
    fn excel_day_numbers_count_days(n in 61u32..2_958_465) {
        let day = parse_day_or_serial(&n.to_string()).map_err(TestCaseError::fail)?;
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(|| TestCaseError::fail("base"))?;
        prop_assert_eq!((day - base).num_days(), i64::from(n));
    }

    #[test]
    fn impossible_days_are_refused_with_the_month_length(y in 1000i32..=9999, m in 1u32..=12, d in 29u32..=40) {
        let s = format!("{y}-{m:02}-{d:02}");
        if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
            prop_assert_eq!(parse_day(&s), Ok(day));
        } else {
            let e = parse_day(&s).expect_err("refused");
            prop_assert!(e.contains("no such day") && e.contains("days"), "{e}");
        }
    }

    #[test]
    fn amounts_never_panic_and_never_go_negative(s in any::<String>()) {
        if let Ok(m) = Money::parse(&s) {
            prop_assert!(m.fen() >= 0, "{s:?} gave {m:?}");
        }
    }

    #[test]
    fn amounts_as_people_type_them(fen in 0i64..100_000_000_000) {
        let m = Money::from_fen(fen);
        let plain = m.to_string();
        prop_assert_eq!(Money::parse(&plain), Ok(m));
        prop_assert_eq!(Money::parse(&format!("¥{}", m.grouped())), Ok(m));
        prop_assert_eq!(Money::parse(&format!("{plain}元")), Ok(m));
    }

    #[test]
    fn periods_never_panic_and_valid_ones_read_back(s in any::<String>(), y in 1900i32..=2999, m in 1u32..=12, q in 1u32..=4) {
        let _ = Period::parse(&s);
        for p in [format!("{y}"), format!("{y}-{m:02}"), format!("{y}-Q{q}")] {
            prop_assert!(Period::parse(&p).is_ok(), "{p}");
        }
        let bad = format!("{y}-13");
        prop_assert!(Period::parse(&bad).is_err(), "{}", bad);
    }

    #[test]
    fn phones_never_panic_and_name_the_field(s in any::<String>()) {
        if let Err(e) = check_phone("contacts[2].phone", &s) {
            prop_assert_eq!(e.field.as_str(), "contacts[2].phone");
            prop_assert!(e.message.contains("expected digits"));
        }
    }

    #[test]
    fn phones_as_written_are_accepted(groups in proptest::collection::vec("[0-9]{2,4}", 2..5), sep in "[ -]") {
        let phone = groups.join(&sep);
        prop_assert!(check_phone("phone", &phone).is_ok(), "{phone}");
        prop_assert!(check_phone("phone", &format!("+86 {phone} 转 123")).is_ok(), "{phone}");
    }
}

/// Imports `bytes` as an accounts sheet into a new file; the file's
/// account count afterwards.
fn import_bytes(
    bytes: &[u8],
    opts: ImportOptions,
) -> (Result<kam::exchange::import::ImportReport, ImportError>, usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("accounts.csv");
    std::fs::write(&path, bytes).expect("write");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let r = import_sheet(&mut store, &path, SheetKind::Accounts, opts, &mut |_, _| {});
    let n = store.list::<Account>(10_000, 0).expect("list").len();
    (r, n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic_and_a_refused_file_changes_nothing(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let (r, n) = import_bytes(&bytes, ImportOptions::default());
        match r {
            Ok(report) => prop_assert!(report.rejected == 0 || n == 0, "a bad row refuses the whole file"),
            Err(e) => {
                prop_assert_eq!(n, 0, "refused: {}", e);
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn random_cells_under_a_good_header_are_named_by_row_and_column(
        cells in proptest::collection::vec(("[^\u{0}]{0,40}", "\\PC{0,20}", "[0-9a-z -]{0,12}"), 1..8)
    ) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["name", "industry", "phone"]).expect("header");
        for (a, b, c) in &cells {
            w.write_record([a, b, c]).expect("row");
        }
        let bytes = w.into_inner().expect("csv");
        let (r, n) = import_bytes(&bytes, ImportOptions::default());
        let report = r.map_err(|e| TestCaseError::fail(e.to_string()))?;
        if report.rejected > 0 {
            prop_assert_eq!(n, 0, "nothing is written when a row is bad");
            for reject in &report.rejects {
                prop_assert!(reject.row >= 2 && reject.row <= cells.len() + 1, "row {}", reject.row);
                for p in &reject.problems {
                    prop_assert!(!p.column.is_empty() && !p.message.is_empty());
                }
            }
        } else {
            prop_assert_eq!(n, report.new, "every new row is in the file");
        }
    }
}

#[test]
fn huge_fields_are_refused_by_the_length_limit_naming_row_and_column() {
    let huge_name = "长".repeat(NAME_MAX + 1);
    let huge_line = "x".repeat(LINE_MAX + 1);
    let text = format!("name,industry\n正常公司,机械\n{huge_name},机械\n另一家,{huge_line}\n");
    let (r, n) = import_bytes(text.as_bytes(), ImportOptions::default());
    let report = r.expect("the file is read");
    assert_eq!(n, 0, "nothing written");
    let rows: Vec<(usize, &str)> =
        report.rejects.iter().flat_map(|r| r.problems.iter().map(move |p| (r.row, p.column.as_str()))).collect();
    assert!(rows.contains(&(3, "name")), "{rows:?}");
    assert!(rows.contains(&(4, "industry")), "{rows:?}");
    // A field of 50 MB is refused without reading it into a record.
    let mut big = b"name,notes\n".to_vec();
    big.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    big.extend(b",x\n");
    let (r, n) = import_bytes(&big, ImportOptions::default());
    assert_eq!(n, 0);
    match r {
        Ok(report) => assert!(report.rejects.iter().any(|r| r.row == 2), "{:?}", report.rejects),
        Err(e) => assert!(e.to_string().contains("accounts.csv"), "{e}"),
    }
}

#[test]
fn embedded_newlines_and_quotes_survive_an_import() {
    let text = "name,notes\n\"西湖精机\",\"第一行\n第二行, 有逗号 \"\"引号\"\"\"\n";
    let (r, n) = import_bytes(text.as_bytes(), ImportOptions::default());
    let report = r.expect("import");
    assert_eq!((report.new, n), (1, 1));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("accounts.csv");
    std::fs::write(&path, text).expect("write");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    import_sheet(&mut store, &path, SheetKind::Accounts, ImportOptions::default(), &mut |_, _| {}).expect("import");
    let a = store.list::<Account>(10, 0).expect("list").pop().expect("one");
    assert_eq!(a.notes, "第一行\n第二行, 有逗号 \"引号\"");
}

#[test]
fn other_encodings_are_read_or_refused_by_name() {
    // GBK, as Chinese Excel saves it: read.
    let (gbk, _, _) = encoding_rs::GBK.encode("名称,行业\n杭州西湖精密机械有限公司,机械\n");
    let (r, n) = import_bytes(&gbk, ImportOptions::default());
    assert_eq!((r.expect("gbk").encoding.as_str(), n), ("GBK", 1));
    // UTF-16 with its BOM (Excel's "Unicode text"): read or refused with the file named, never garbage.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "名称\n西湖精机\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let (r, n) = import_bytes(&utf16, ImportOptions::default());
    match r {
        Ok(report) => assert_eq!((report.new, n), (1, 1), "{report:?}"),
        Err(e) => {
            assert_eq!(n, 0);
            assert!(e.to_string().contains("accounts.csv"), "{e}");
        }
    }
}
