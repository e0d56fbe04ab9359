//! `kam plan list` and `kam plan print`: the plans with their short ids, and
//! a plan as Markdown, to a file or standard output, by any unique part of
//! its id.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use kam::model::{CallPlan, Presentation};
use kam::store::Store;

fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .env("KAM_CONFIG_DIR", dir)
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kam")
}

#[test]
fn print_a_call_plan_and_a_presentation() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["demo", "--accounts", "20", "--today", "2026-11-23"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let call = store.list::<CallPlan>(1, 0).expect("plans").remove(0);
    let pres = store.list::<Presentation>(1, 0).expect("presentations").remove(0);
    drop(store);

    let out = dir.path().join("plan.md");
    let o = kam(dir.path(), &["plan", "print", call.meta.id.as_str(), "--out", out.to_str().expect("path")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(&out).expect("written");
    assert!(md.starts_with("# 执行人员电话计划 · "), "{md}");
    for heading in ["### 影响", "### 介绍", "### 承诺", "### 计划检查"] {
        assert!(md.contains(heading), "{heading} in {md}");
    }
    for row in &call.influence {
        assert!(md.contains(&row.view), "influence row {} printed", row.view);
    }

    let o = kam(dir.path(), &["--lang", "en", "plan", "print", pres.meta.id.as_str()]);
    assert!(o.status.success());
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.starts_with("# Presentation plan · ") && md.contains("| # | step | owner | due | done |"), "{md}");

    let o = kam(dir.path(), &["plan", "print", "计划"]);
    assert_eq!(o.status.code(), Some(2), "not an id");
    assert!(String::from_utf8_lossy(&o.stderr).contains("kam plan list"), "says where ids are shown");
    let o = kam(dir.path(), &["plan", "print", "ffff0000"]);
    assert_eq!(o.status.code(), Some(1), "a well-formed part that names no plan");
    let o = kam(dir.path(), &["plan", "print", "01937a00-0000-7000-8000-000000000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("01937a00"), "the id is named");
}

#[test]
fn list_shows_short_ids_that_print_takes_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["demo", "--accounts", "0", "--today", "2026-11-23"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = kam(dir.path(), &["plan", "list"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("还没有电话计划"), "an empty file says how to make one");

    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["demo", "--accounts", "20", "--today", "2026-11-23"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let calls = store.list::<CallPlan>(u32::MAX, 0).expect("plans");
    let presentations = store.list::<Presentation>(u32::MAX, 0).expect("presentations");
    drop(store);
    // The demo makes its plans within one second: their ids share the first
    // characters (the time), so the short id must be the random end.
    let firsts: std::collections::BTreeSet<_> = calls.iter().map(|p| &p.meta.id.as_str()[..8]).collect();
    assert!(firsts.len() < calls.len(), "ids made together share a beginning");

    let o = kam(dir.path(), &["plan", "list"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("客户"), "a header: {}", lines[0]);
    assert_eq!(lines.len(), 1 + calls.len() + presentations.len(), "one line per plan");
    let call = &calls[0];
    let line = lines.iter().find(|l| l.starts_with(call.meta.id.short())).expect("the call plan is listed");
    assert!(line.contains("电话计划"), "{line}");

    let o = kam(dir.path(), &["--lang", "en", "plan", "print", call.meta.id.short()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# Executive call plan"), "the short id prints the plan");
    let o = kam(dir.path(), &["plan", "print", &call.meta.id.as_str()[..4]]);
    assert_eq!(o.status.code(), Some(2), "a beginning every plan shares is ambiguous");
    assert!(String::from_utf8_lossy(&o.stderr).contains("多输入几位"), "{}", String::from_utf8_lossy(&o.stderr));

    // The beginning of the short id the list shows (what a user types of
    // it) prints the plan: `989b` for `989bf5dc` had been "no such plan".
    let ids: Vec<&str> =
        calls.iter().map(|p| p.meta.id.as_str()).chain(presentations.iter().map(|p| p.meta.id.as_str())).collect();
    let short = call.meta.id.short();
    let part = (4..8)
        .map(|n| &short[..n])
        .find(|part| {
            ids.iter()
                .filter(|id| id.starts_with(part) || id.ends_with(part) || id[id.len() - 8..].starts_with(part))
                .count()
                == 1
        })
        .expect("a unique beginning of the short id");
    assert!(
        !call.meta.id.as_str().starts_with(part) && !call.meta.id.as_str().ends_with(part),
        "{part} is inside the id only as the short id's beginning"
    );
    let o = kam(dir.path(), &["plan", "print", part]);
    assert!(o.status.success(), "{part}: {}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# 执行人员电话计划"), "{part} prints the plan");
}
