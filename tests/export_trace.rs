//! Exports and prints leave a trace (#21): each is a line of the change
//! log saying who, when, which files with how many rows, masked or not, and
//! where it went; Today counts them, and they are no change to export.

mod common;

use std::path::Path;
use std::process::Output;

use kam::model::CallPlan;
use kam::store::Store;

/// `kam` run `step` minutes after the test's start: each run's clock starts
/// at its `KAM_NOW`, so a later run starting at the same moment could log
/// before a loaded machine's earlier run finished writing.
fn kam_at(dir: &Path, step: i64, args: &[&str]) -> Output {
    let now = common::clock().now() + chrono::Duration::minutes(step);
    std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en"])
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", now.to_rfc3339())
        .env("USER", "王芳")
        .env_remove("LC_ALL")
        .output()
        .expect("run kam")
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn an_export_and_a_print_are_in_the_change_log() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ok(&kam_at(d, 0, &["demo", "--accounts", "3", "--seed", "5", "--today", common::TODAY]));
    ok(&kam_at(d, 1, &["export", "--all", "--dir", "out", "--xlsx"]));

    let store = Store::open(&d.join("kam.db"), common::clock()).expect("open");
    let since = common::clock().now() - chrono::Duration::hours(1);
    let lines = store.changes_since(since).expect("log");
    let export = lines.iter().find(|l| l.action == "export").expect("the export's line");
    assert_eq!((export.kind.as_str(), export.who.as_str()), ("export", "王芳"));
    let summary: serde_json::Value = serde_json::from_str(export.new.as_deref().expect("summary")).expect("json");
    assert_eq!(summary["masked"], true);
    assert_eq!(summary["to"], "out");
    assert_eq!(summary["files"]["accounts.csv"], 3);
    assert!(summary["files"]["kam-export.xlsx"].as_u64().is_some_and(|n| n > 3), "{summary}");
    // Nothing written after the export's own line: it is no change to export.
    let just_before = export.at - chrono::Duration::milliseconds(1);
    assert_eq!(store.changed_since(Some(just_before)).expect("count"), 0, "an export is no change");
    assert_eq!(store.changed_between(since, since + chrono::Duration::hours(2)).expect("by kind")["export"], 1);

    let plan = store.list::<CallPlan>(1, 0).expect("plans").pop().expect("the demo has call plans");
    drop(store);
    ok(&kam_at(d, 2, &["plan", "print", plan.meta.id.as_str()]));
    ok(&kam_at(d, 3, &["plan", "print", plan.meta.id.as_str(), "--out", "plan.md"]));
    let store = Store::open(&d.join("kam.db"), common::clock()).expect("open");
    let prints: Vec<_> =
        store.history(&plan.meta.id).expect("history").into_iter().filter(|l| l.action == "print").collect();
    let to: Vec<_> = prints.iter().map(|l| l.new.as_deref().unwrap_or_default()).collect();
    assert_eq!(to, vec!["-", "plan.md"]);
    assert!(prints.iter().all(|l| l.kind == "print" && l.who == "王芳"));
}
