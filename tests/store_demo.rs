//! `kam demo` and `kam check` end to end on real files.

mod common;

use std::process::Command;

use chrono::NaiveDate;
use kam::store::{AccountListQuery, Store};
use kam_rules::{Rules, Tier};

fn kam(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kam")).args(["--lang", "en"]).args(args).output().expect("kam runs")
}

fn demo(path: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let db = path.to_str().expect("utf-8 path");
    let mut args = vec!["--db", db, "demo", "--accounts", "60", "--seed", "42", "--today", "2026-11-23"];
    args.extend_from_slice(extra);
    kam(&args)
}

fn names_and_tiers(path: &std::path::Path) -> Vec<(String, Tier, bool)> {
    let store = Store::open(path, common::clock()).expect("open");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("d");
    let q = AccountListQuery { limit: 500, ..AccountListQuery::first(today) };
    store
        .account_page(&Rules::default(), &q)
        .expect("page")
        .rows
        .into_iter()
        .map(|r| (r.name, r.tier.tier, r.tier.downgraded))
        .collect()
}

#[test]
fn demo_is_deterministic_refuses_a_full_file_and_checks_clean() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    assert!(demo(&a, &[]).status.success());
    assert!(demo(&b, &[]).status.success());
    let rows = names_and_tiers(&a);
    assert_eq!(rows.len(), 60);
    assert_eq!(rows, names_and_tiers(&b), "same seed and day, same data");
    for t in [Tier::Silver, Tier::Gold] {
        assert!(rows.iter().any(|r| r.1 == t), "no {t} account in {rows:?}");
    }

    let again = demo(&a, &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(demo(&a, &["--force"]).status.success());
    assert_eq!(names_and_tiers(&a), rows);

    let check = kam(&["--db", a.to_str().expect("utf-8"), "check"]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{out}");
    // The counts are right-aligned in their column: the spaces before them vary.
    let accounts = out.lines().any(|l| l.split_whitespace().take(3).eq(["accounts", "60", "live,"]));
    assert!(out.contains("Integrity check: ok") && accounts, "{out}");
}

#[test]
fn check_fails_on_a_damaged_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bad.db");
    std::fs::write(&path, b"this is not a database, it is a note").expect("write");
    let check = kam(&["--db", path.to_str().expect("utf-8"), "check"]);
    assert_eq!(check.status.code(), Some(1));
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(err.contains("bad.db") && err.contains("not a kam database"), "{err}");
}
