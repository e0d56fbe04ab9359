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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs kam with a limit: a kam that blocks (on a FIFO) fails the test
/// instead of hanging it.
fn kam_within(dir: &Path, args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn kam");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(secs) {
            child.kill().expect("kill");
            panic!("kam {args:?} still running after {secs} s");
        }
        std::thread::yield_now();
        std::thread::park_timeout(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once_not_read_for_ever() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::create_dir(d.join("fifo")).expect("dir");
    let made = Command::new("mkfifo").arg(d.join("fifo/accounts.csv")).status().expect("mkfifo");
    assert!(made.success());
    let o = kam_within(d, &["import", "fifo/accounts.csv"], 10);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("FIFO"), "{}", text(&o.stderr));
    // A merge folder whose accounts.csv is a FIFO too.
    let o = kam_within(d, &["import", "fifo"], 10);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("FIFO"), "{}", text(&o.stderr));
    // And a rules file.
    let o = kam_within(d, &["rules", "--check", "fifo/accounts.csv"], 10);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("FIFO"), "{}", text(&o.stderr));
}

/// Imports `body` as accounts.csv and returns the run.
fn import(d: &Path, body: &[u8]) -> Output {
    std::fs::write(d.join("accounts.csv"), body).expect("write");
    kam_within(d, &["import", "accounts.csv"], 60)
}

fn account_names(d: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(d.join("kam.db")).expect("raw");
    conn.prepare("SELECT name FROM accounts ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("names")
}

#[test]
fn a_malformed_sheet_is_refused_naming_the_row_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    assert!(import(d, "name,address\n已有公司,1\n".as_bytes()).status.success());
    // An unclosed quote swallowed the rows after it into one name (rc 0).
    let o = import(d, "name,address\n甲公司,1\n\"乙公司,2\n丙公司,3\n丁公司,4\n".as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("row 3") && err.contains("never closed"), "{err}");
    // Text after a closing quote: a quote closed on a later row.
    let o = import(d, "name,address\n\"甲公司,1\n乙公司,\"2\n".as_bytes());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("row 2"), "{}", text(&o.stderr));
    // A NUL byte was stored and exported raw.
    let o = import(d, b"name,address\n\xe7\x94\xb2\x00,1\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("row 2, column 1: a NUL byte"), "{}", text(&o.stderr));
    assert_eq!(account_names(d), ["已有公司"]);
}

#[test]
fn control_characters_in_cells_are_refused_and_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let o = import(d, "name,address\n好公司,1\n坏\u{1b}]0;owned\u{7}公司,2\n清屏\u{1b}[2J,3\n".as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("row 3, column name") && err.contains("row 4, column name"), "{err}");
    assert!(err.contains("␛]0;owned␇"), "shown as stand-ins: {err}");
    let out = text(&o.stdout) + &err;
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "no raw escape reaches the terminal: {out:?}");
    assert!(account_names(d).is_empty());
    // A bad amount quoting an escape: neutralised too.
    let o = import(d, "name,credit_limit\n公司,\u{1b}[2J\n".as_bytes());
    assert!(!text(&o.stderr).contains('\u{1b}'), "{:?}", text(&o.stderr));
    // Tabs and line breaks in a cell are text.
    let o = import(d, "name,address\n好公司,\"一号\n二楼\tA\"\n".as_bytes());
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn huge_fields_headers_and_amounts_are_refused_with_short_messages() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    // A field of 1 MB: refused naming its row and column, the message short.
    let mut body = b"name,address\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 1 << 20));
    body.extend_from_slice(b",1\n");
    let o = import(d, &body);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("row 2, column 1") && err.len() < 1_000, "{}", &err[..err.len().min(2_000)]);
    // A header of a hundred thousand columns.
    let header: Vec<String> = (0..100_000).map(|i| format!("列{i}")).collect();
    let o = import(d, format!("{}\n", header.join(",")).as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("row 1: more than 512 columns") && err.len() < 1_000, "{}", err.len());
    // A long cell quoted in a reject is cut.
    let long = "9".repeat(50_000);
    let o = import(d, format!("name,credit_limit\n公司,{long}x\n").as_bytes());
    let err = text(&o.stderr);
    assert!(err.contains("row 2, column credit_limit") && err.len() < 1_000, "{}", err.len());
    // An amount past the largest is refused naming the row and column.
    let o = import(d, "name,credit_limit\n公司,92233720368547758.07\n".as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("row 2, column credit_limit") && err.contains("largest"), "{err}");
    assert!(account_names(d).is_empty());
}

#[test]
fn a_merged_record_from_the_future_or_with_control_characters_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::create_dir(d.join("day")).expect("dir");
    let id = "01936f6e-8a4b-7cc2-9d5e-3f1a2b4c5d6e";
    let merge = |row: &str| {
        std::fs::write(
            d.join("day/accounts.csv"),
            format!("id,version,created_at,updated_at,updated_by,name\n{row}\n"),
        )
        .expect("write");
        kam_within(d, &["import", "day"], 60)
    };
    // Stamped in the year 9999, it would win every later merge.
    let o = merge(&format!("{id},1,2026-11-01T09:00:00.000Z,9999-01-01T00:00:00.000Z,李雷,未来公司"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("accounts.csv: row 2, column updated_at") && err.contains("future"), "{err}");
    assert!(account_names(d).is_empty());
    // A day ahead of the clock is a laptop's clock a little fast: taken.
    let o = merge(&format!("{id},1,2026-11-23T09:00:00.000Z,2026-11-24T09:00:00.000Z,李雷,快钟公司"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Escape sequences in a merged cell are refused, and never printed raw.
    let other = "01936f6e-8a4b-7cc2-9d5e-3f1a2b4c5d6f";
    let o = merge(&format!("{other},1,2026-11-01T09:00:00.000Z,2026-11-01T09:00:00.000Z,李雷,坏\u{1b}]0;x\u{7}公司"));
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("row 2, column name") && !err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert_eq!(account_names(d), ["快钟公司"]);
}

#[test]
fn an_export_never_writes_control_characters_an_older_version_stored() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut s = Store::open(&d.join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("甲公司");
    a.address = "一号\n二楼".into();
    s.insert(&mut a).expect("a");
    drop(s);
    let conn = rusqlite::Connection::open(d.join("kam.db")).expect("raw");
    conn.execute("UPDATE accounts SET name = '甲' || char(27) || ']0;x' || char(7) || '公司'", []).expect("raw");
    drop(conn);
    let o = kam_within(d, &["export", "--all", "--dir", "out", "--xlsx"], 60);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(d.join("out/accounts.csv")).expect("csv");
    assert!(csv.contains("甲␛]0;x␇公司") && csv.contains("一号\n二楼"), "{csv}");
    assert!(!csv.contains('\u{1b}') && !csv.contains('\u{7}'));
}
