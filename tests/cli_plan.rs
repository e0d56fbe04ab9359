//! `kam plan print`: a plan as Markdown, to a file or standard output.

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

    let o = kam(dir.path(), &["plan", "print", "0193"]);
    assert_eq!(o.status.code(), Some(2), "not an id");
    let o = kam(dir.path(), &["plan", "print", "01937a00-0000-7000-8000-000000000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("01937a00"), "the id is named");
}
