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
        .env("KAM_NOW", common::kam_now())
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
    // Accounts count by their orders, not by when the record was made (it
    // was entered on 2026-11-23): it bought on 2026-10-10, so it was active
    // on 31 October (1 at the start), is not new in November (0 new) and is
    // active on 30 November (1 at the end): churn (1 + 0 − 1) / 1 = 0.
    assert_eq!(k["new_accounts"], 0.0, "a customer since October is not new in November");
    assert_eq!(k["churn"], 0.0, "active at both ends");
    assert_eq!(v["missing"], serde_json::json!([]));
    // The clock reads 2026-11-23: November is still running.
    assert_eq!(v["in_progress"], serde_json::json!({"day": 23, "days": 30}));
    // Points by the rules' scales: 50 % completion is the scale's zero (0);
    // growth of 25 % is past the full mark of 10 % (10 of 10); one complaint
    // on a scale from 5 (zero) to 0 (full) scores 4 of 5.
    assert_eq!(v["points"]["plan_completion"], 0.0);
    assert_eq!(v["points"]["growth"], 10.0);
    assert_eq!(v["points"]["complaints"], 4.0);
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
            .env("KAM_NOW", common::kam_now())
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("utf-8")
    };
    let out = zh(&["report", "--period", "2026-11", "--rep", "李雷"]);
    assert!(out.contains("79.9%"), "a rate as a percentage: {out}");
    assert!(out.contains("进行中:第 23 天 / 共 30 天"), "a running month says so: {out}");
    assert!(out.contains("50.0% 得 0 分,100.0% 得满分"), "each KPI shows its scale: {out}");
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

#[test]
fn sales_are_the_net_amounts_credited_to_the_orders_rep() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("甲公司");
    a.owner = "李雷".into();
    s.insert(&mut a).expect("a");
    // Booked by 韩梅梅 while she owned the account: 100,000 listed, 90,000 net.
    let mut o = Order { date: d("2026-11-05"), amount: Money::from_yuan(100_000), ..Order::for_account(&a) };
    o.rep = "韩梅梅".into();
    o.net_amount = Money::from_yuan(90_000);
    o.collections = vec![Collection { date: d("2026-11-20"), amount: Money::from_yuan(30_000) }];
    s.insert(&mut o).expect("order");
    // An order from an older file, with no rep: the owner's (李雷), net 8,000 of 10,000.
    let mut old = Order { date: d("2026-11-06"), amount: Money::from_yuan(10_000), ..Order::for_account(&a) };
    old.rep = String::new();
    old.net_amount = Money::from_yuan(8_000);
    s.insert(&mut old).expect("order");
    let rules = kam_rules::Rules::default();
    let period = kam_rules::evaluation::Period::parse("2026-11").expect("period");
    let han = s.evaluation_input(&rules, "韩梅梅", period, d("2026-12-04")).expect("han");
    assert_eq!((han.actual_sales, han.collected), (Money::from_yuan(90_000), Money::from_yuan(30_000)));
    let li = s.evaluation_input(&rules, "李雷", period, d("2026-12-04")).expect("li");
    assert_eq!((li.actual_sales, li.collected), (Money::from_yuan(8_000), Money::ZERO));
    // The account is 李雷's: his to count, new in November by its first order.
    assert_eq!((li.accounts_at_start, li.new_accounts, li.accounts_at_end), (0, 1, 1));
    assert_eq!((han.accounts_at_start, han.new_accounts, han.accounts_at_end), (0, 0, 0));
    // An imported old customer is not new, though its record and first order are.
    let mut b = Account::named("乙公司");
    b.owner = "李雷".into();
    b.customer_since = Some(d("2015-06-01"));
    s.insert(&mut b).expect("b");
    let mut first = Order { date: d("2026-11-20"), amount: Money::from_yuan(1), ..Order::for_account(&b) };
    first.net_amount = first.amount;
    s.insert(&mut first).expect("order");
    let li = s.evaluation_input(&rules, "李雷", period, d("2026-12-04")).expect("li");
    assert_eq!(li.new_accounts, 1, "乙公司 has been a customer since 2015");
    // A rep credited with an order but owning no account is a rep to report on.
    assert!(s.is_rep("韩梅梅").expect("is_rep"));
    assert!(s.reps().expect("reps").contains(&"韩梅梅".to_string()));
}
