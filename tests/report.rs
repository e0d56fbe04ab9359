//! `kam report` on fixed data: each KPI from the ledger, feedback and targets.

mod common;

use std::process::Command;

use chrono::NaiveDate;
use kam::model::{Account, Collection, Feedback, Order, Target};
use kam::store::Store;
use kam_rules::Money;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn kam(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .env("KAM_CONFIG_DIR", dir)
        .env("KAM_DB", dir.join("kam.db"))
        .env("LANG", "en_US.UTF-8")
        .output()
        .expect("run")
}

fn order(s: &mut Store, account: &Account, date: &str, yuan: i64, collected: &[(&str, i64)]) {
    let mut o = Order {
        account_id: account.meta.id.clone(),
        date: d(date),
        amount: Money::from_yuan(yuan),
        ..Order::default()
    };
    o.net_amount = o.amount;
    o.collections =
        collected.iter().map(|(day, y)| Collection { date: d(day), amount: Money::from_yuan(*y) }).collect();
    s.insert(&mut o).expect("order");
}

#[test]
fn every_kpi_from_fixed_data() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("甲公司");
    a.owner = "李雷".into();
    s.insert(&mut a).expect("a");
    order(&mut s, &a, "2026-10-10", 80_000, &[]);
    order(&mut s, &a, "2026-11-05", 90_000, &[("2026-11-20", 45_000)]);
    order(&mut s, &a, "2026-11-25", 10_000, &[]);
    for (sat, complaint) in [(4, false), (5, true)] {
        let mut f = Feedback {
            account_id: a.meta.id.clone(),
            date: d("2026-11-12"),
            satisfaction: Some(sat),
            complaint,
            ..Feedback::default()
        };
        f.from_whom = "王总".into();
        f.content = "交货及时".into();
        s.insert(&mut f).expect("feedback");
    }
    let mut t = Target {
        rep: "李雷".into(),
        period: "2026-11".into(),
        planned_sales: Some(Money::from_yuan(200_000)),
        planned_collection: Some(Money::from_yuan(90_000)),
        expense_budget: Some(Money::from_yuan(1_000)),
        expense_actual: Some(Money::from_yuan(900)),
        ability: Some(80),
        attitude: Some(90),
        ..Target::default()
    };
    s.insert(&mut t).expect("target");
    drop(s);

    let o = kam(tmp.path(), &["report", "--period", "2026-11", "--rep", "李雷", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["period"], "2026-11");
    assert_eq!(v["rep"], "李雷");
    let k = &v["kpis"];
    assert_eq!(k["plan_completion"], 0.5, "100,000 / 200,000");
    assert_eq!(k["collection_rate"], 0.5, "45,000 / 90,000");
    assert_eq!(k["growth"], 0.25, "(100,000 − 80,000) / 80,000");
    assert_eq!(k["complaints"], 1.0);
    assert_eq!(k["satisfaction"], 4.5);
    assert_eq!(k["expense_saving"], 0.1);
    assert_eq!(k["new_accounts"], 1.0, "the account was created this month");
    assert!(k["churn"].is_null(), "no accounts at the start: churn is missing, not zero");
    assert_eq!(v["missing"], serde_json::json!(["churn"]));
    assert!(v["score"].as_f64().is_some());
    assert!(["excellent", "good", "fair", "pass", "poor"].contains(&v["grade"].as_str().expect("grade")));

    // Every rep as an array; a quarter without its own target has none of
    // the target's inputs (only November has one).
    let o = kam(tmp.path(), &["report", "--period", "2026-Q4", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert!(v[0]["kpis"]["plan_completion"].is_null());

    let o = kam(tmp.path(), &["report", "--period", "2026-13"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2026-Q4"));
}

#[test]
fn a_rep_nobody_knows_is_refused_naming_the_known_reps() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("kam.db"), common::clock()).expect("open");
    for (name, owner) in [("甲公司", "李雷"), ("乙公司", "韩梅梅")] {
        let mut a = Account::named(name);
        a.owner = owner.into();
        s.insert(&mut a).expect("account");
    }
    drop(s);
    let o = kam(tmp.path(), &["report", "--period", "2026-11", "--rep", "王小明"]);
    assert_eq!(o.status.code(), Some(2), "refused");
    assert!(o.stdout.is_empty(), "no report for nobody");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("王小明"), "{err}");
    assert!(err.contains("李雷") && err.contains("韩梅梅"), "the known reps: {err}");
    // A known rep with no data for the period is reported, not refused.
    let o = kam(tmp.path(), &["report", "--period", "2026-11", "--rep", "韩梅梅", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn text_report_reads_like_the_app_and_grades_only_half_scored_totals() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("甲公司");
    a.owner = "李雷".into();
    s.insert(&mut a).expect("a");
    order(&mut s, &a, "2026-11-05", 100_000, &[("2026-11-20", 79_900)]);
    let mut t = Target {
        rep: "李雷".into(),
        period: "2026-11".into(),
        planned_sales: Some(Money::from_yuan(200_000)),
        planned_collection: Some(Money::from_yuan(100_000)),
        ability: Some(80),
        ..Target::default()
    };
    s.insert(&mut t).expect("target");
    let mut b = Account::named("乙公司");
    b.owner = "韩梅梅".into();
    s.insert(&mut b).expect("b");
    drop(s);
    let zh = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_kam"))
            .args(args)
            .env("KAM_CONFIG_DIR", tmp.path())
            .env("KAM_DB", tmp.path().join("kam.db"))
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("utf-8")
    };
    let out = zh(&["report", "--period", "2026-11", "--rep", "李雷"]);
    assert!(out.contains("79.9%"), "a rate as a percentage: {out}");
    assert!(out.contains("50.0%"), "{out}");
    assert!(!out.contains("0.7990") && !out.contains("0.5000"), "no raw ratios: {out}");
    assert!(out.lines().any(|l| l.contains("大客户投诉次数") && l.contains(" 0 ")), "a count as an integer: {out}");
    assert!(out.contains("销售费用节省率") && out.contains("工作态度"), "{out}");
    let partial = out.lines().find(|l| l.contains("缺少")).expect("the missing line");
    assert!(!partial.contains("expense_saving") && !partial.contains("attitude"), "Chinese names: {partial}");
    assert!(partial.contains("销售费用节省率"), "{partial}");
    // A rep with no data in a month before their account was opened: only
    // "0 new accounts" and "0 complaints", 10 of 100 weight points, a score
    // without a grade.
    let out = zh(&["report", "--period", "2026-09", "--rep", "韩梅梅"]);
    let header = out.lines().next().expect("header");
    assert!(header.contains("不评等级") && !header.contains("差"), "{header}");
    assert!(out.contains("10/100"), "{out}");
    let o = kam(tmp.path(), &["report", "--period", "2026-09", "--rep", "韩梅梅", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["grade"].is_null());
    assert_eq!(v["score"], 50.0);
    let en =
        String::from_utf8(kam(tmp.path(), &["report", "--period", "2026-09", "--rep", "韩梅梅"]).stdout).expect("utf8");
    assert!(en.contains("no grade") && en.contains("scored on 10 of 100"), "{en}");
    assert!(en.contains("Expense saving") && !en.contains("expense_saving"), "{en}");
}
