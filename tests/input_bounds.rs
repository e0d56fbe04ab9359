//! Bounded input (issue #17): amounts past kam's largest are refused at
//! every way in, and figures an older version let in never break a sum.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Duration, NaiveDate};
use kam::model::{Account, Collection, Order};
use kam::store::Store;
use kam_rules::{Money, Rules};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kam")
}

fn order(s: &mut Store, account: &Account, date: &str, yuan: i64) -> Order {
    let mut o = Order {
        account_id: account.meta.id.clone(),
        date: d(date),
        due_date: Some(d("2026-06-01")),
        amount: Money::from_yuan(yuan),
        ..Order::default()
    };
    o.net_amount = o.amount;
    o.collections = vec![Collection { date: d(date), amount: Money::from_yuan(1) }];
    s.insert(&mut o).expect("order");
    o
}

#[test]
fn an_amount_past_the_largest_is_refused_before_it_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("甲公司");
    s.insert(&mut a).expect("a");
    let mut o = Order {
        account_id: a.meta.id.clone(),
        date: d("2026-11-01"),
        amount: Money::from_fen(9_223_372_036_854_775_807),
        ..Order::default()
    };
    let e = s.insert(&mut o).expect_err("too large");
    assert!(e.to_string().contains("amount"), "{e}");
    o.amount = Money::MAX;
    o.net_amount = Money::from_fen(Money::MAX.fen() + 1);
    let e = s.insert(&mut o).expect_err("net too large");
    assert!(e.to_string().contains("net_amount"), "{e}");
    o.net_amount = Money::MAX;
    s.insert(&mut o).expect("the largest amount is taken");
}

#[test]
fn huge_amounts_from_an_older_version_do_not_break_today_or_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("kam.db");
    let mut s = Store::open(&db, common::clock()).expect("open");
    let mut a = Account::named("甲公司");
    a.owner = "李雷".into();
    s.insert(&mut a).expect("a");
    let ids: Vec<String> =
        (0..3).map(|i| order(&mut s, &a, &format!("2026-05-0{}", i + 1), 100).meta.id.to_string()).collect();
    drop(s);
    // What an older version wrote: amounts near i64::MAX, which SQLite's
    // sum() cannot add ("integer overflow").
    let conn = rusqlite::Connection::open(&db).expect("raw");
    for id in &ids {
        conn.execute(
            "UPDATE orders SET amount = 9223372036854775807, net_amount = 9223372036854775807, \
             outstanding = 9223372036854775000 WHERE id = ?1",
            [id],
        )
        .expect("raw update");
        conn.execute("UPDATE order_collections SET amount = 9223372036854775807 WHERE parent_id = ?1", [id])
            .expect("raw update");
    }
    drop(conn);

    let s = Store::open(&db, common::clock()).expect("reopen");
    let rules = Rules::default();
    let today = common::today();
    let t = s.today(&rules, today, s.now() - Duration::hours(1), s.now() + Duration::hours(1));
    assert!(t.is_ok(), "Today: {:?}", t.err());
    let months = s.months(today).expect("months");
    let nov = months.iter().find(|m| m.month == "2026-05").expect("may");
    assert!(nov.orders.fen() > 9_000_000_000_000_000_000, "saturated, not wrapped: {}", nov.orders);
    assert!(s.downgrades(&rules, today).is_ok());
    drop(s);

    for args in [&["report", "--period", "2026-05", "--json"][..], &["report", "--period", "2026-Q2"][..]] {
        let o = kam(tmp.path(), args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn demo_data_is_never_in_the_future() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("kam.db");
    let o = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en", "--db", db.to_str().expect("utf-8")])
        .args(["demo", "--accounts", "60", "--seed", "7", "--today", "2026-11-23"])
        .env("KAM_NOW", common::kam_now())
        .output()
        .expect("demo");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let conn = rusqlite::Connection::open(&db).expect("raw");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_list WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    let mut checked = 0;
    for t in tables {
        let has = conn
            .query_row(&format!("SELECT count(*) FROM pragma_table_info('{t}') WHERE name = 'updated_at'"), [], |r| {
                r.get::<_, i64>(0)
            })
            .expect("columns");
        if has == 0 {
            continue;
        }
        let latest: Option<String> = conn
            .query_row(&format!("SELECT max(max(updated_at), max(created_at)) FROM \"{t}\""), [], |r| r.get(0))
            .expect("max");
        if let Some(latest) = latest {
            checked += 1;
            assert!(
                latest.as_str() <= "2026-11-23T00:00:00.000Z",
                "{t}: a record stamped {latest}, after the demo's today"
            );
        }
    }
    assert!(checked >= 5, "every kind was looked at");
}
