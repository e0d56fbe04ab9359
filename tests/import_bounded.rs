//! A spreadsheet import holds a bounded amount of memory whatever the
//! sheet's size (#17), and still catches what it caught: duplicates within
//! the sheet (also chunks apart) and against the file, bad rows named by
//! row and column, every refused row in the rejects file.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kam::exchange::import::{import_sheet, ImportOptions, SheetKind, REPORTED_ROWS};
use kam::model::Account;
use kam::store::Store;
use kam_rules::Lang;

/// An accounts sheet of `n` distinct companies.
fn sheet(path: &Path, n: usize, extra: &str) {
    let mut text = String::from("name,phone,address\n");
    for i in 0..n {
        let _ = writeln!(text, "华东测试{i:07}贸易有限公司,139{i:08},上海市浦东新区世纪大道{}号", i % 999);
    }
    text.push_str(extra);
    std::fs::write(path, text).expect("sheet");
}

#[test]
fn duplicates_chunks_apart_and_against_the_file_are_caught_and_every_bad_row_is_kept() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("kam.db"), common::clock()).expect("open");
    s.save(&mut Account::named("已有的公司有限公司"), "").expect("save");
    let bad = REPORTED_ROWS + 200;
    let mut extra = String::from("华东测试0000003贸易有限公司,,\n已有的公司,,\n");
    for i in 0..bad {
        let _ = writeln!(extra, "坏行公司{i},,2026-13-0{}", 1 + i % 9);
    }
    // Far past the first chunk of rows read (8,192), the name of row 5.
    let p = tmp.path().join("accounts.csv");
    sheet(&p, 20_000, &extra);
    let std_opts = ImportOptions { lang: Lang::Zh, ..ImportOptions::default() };
    let dry = ImportOptions { dry_run: true, ..std_opts };
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, dry, &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.duplicate, r.rejected, r.written), (20_000 + bad, 2, 0, false), "{:?}", r.rejects.first());
    assert_eq!(r.duplicates[0].row, 20_002);
    assert!(r.duplicates[0].matched.contains("本文件第 5 行"), "{:?}", r.duplicates[0]);
    assert!(r.duplicates[1].matched.contains("已有的公司"), "{:?}", r.duplicates[1]);
    drop(r);

    // A column kam reads as a date: the bad rows are refused naming it.
    let mut extra = String::new();
    for i in 0..bad {
        let _ = writeln!(extra, "坏行公司{i},,,2026-13-01");
    }
    sheet(&p, 20_000, "");
    let text = std::fs::read_to_string(&p)
        .expect("read")
        .replace("name,phone,address\n", "name,phone,address,customer_since\n");
    std::fs::write(&p, format!("{text}{extra}")).expect("sheet");
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, std_opts, &mut |_, _| {}).expect("import");
    assert_eq!((r.rejected, r.written), (bad, false));
    assert_eq!(r.rejects.len(), REPORTED_ROWS, "the report lists a bounded number of rows, counting all");
    let first = &r.rejects[0];
    assert_eq!(first.row, 20_002, "row and column named");
    assert_eq!(first.problems[0].column, "customer_since");
    assert!(first.problems[0].message.contains("没有 13 月"), "in Chinese, saying why: {}", first.problems[0].message);

    let skip = ImportOptions { skip_bad: true, ..std_opts };
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, skip, &mut |_, _| {}).expect("import");
    assert!(r.written);
    let rejects = std::fs::read_to_string(tmp.path().join("accounts.rejects.csv")).expect("rejects file");
    assert_eq!(rejects.lines().count(), 1 + bad, "every refused row is in the rejects file");
    assert!(rejects.lines().last().is_some_and(|l| l.contains(&format!("坏行公司{}", bad - 1))), "in order");
    assert_eq!(s.list::<Account>(30_000, 0).expect("list").len(), 1 + 20_000);
}

/// The peak resident memory of `kam` importing `sheet` (a dry run: the
/// first pass, where what the import keeps of each row lives), read from
/// /proc while it runs.
fn peak_kib(dir: &Path, sheet: &Path) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en", "--db"])
        .arg(dir.join("kam.db"))
        .args(["import", "--kind", "accounts", "--dry-run"])
        .arg(sheet)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_NOW", common::kam_now())
        // One malloc arena: the threads that compute search columns would
        // otherwise each touch an arena of their own, by how the scheduler
        // ran them (a few MB either way on a loaded machine).
        .env("MALLOC_ARENA_MAX", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run kam");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    peak
}

#[test]
#[cfg(target_os = "linux")]
fn the_first_pass_does_not_grow_with_the_rows() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (small, large) = (tmp.path().join("small.csv"), tmp.path().join("large.csv"));
    sheet(&small, 20_000, "");
    sheet(&large, 120_000, "");
    drop(Store::open(&tmp.path().join("kam.db"), common::clock()).expect("create"));
    // The least of three runs each: on a loaded machine one run's threads
    // may by chance hold a few MB more at once, which is not growth.
    let least = |sheet: &Path| (0..3).map(|_| peak_kib(tmp.path(), sheet)).min().unwrap_or(0);
    let (a, b) = (least(&small), least(&large));
    // Keeping each row's key and number in memory grew by some 12 MB per
    // 100,000 rows in this pass.
    assert!(b < a + 5 * 1024, "20,000 rows: {a} KiB, 120,000 rows: {b} KiB");
}
