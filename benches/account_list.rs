//! The account list at scale: first page, filter keystrokes and a frame of
//! the Accounts tab, on a demo file (100,000 accounts by default).
//!
//! `cargo bench --bench account_list` builds `target/bench-100k.db` on first
//! run (a few minutes) and reuses it; `KAM_BENCH_DB=path` measures another
//! file. Prints the median and p99 of each measurement; nothing is asserted.

mod common;
use common::{report, time, today};

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use kam::config::Config;
use kam::paths::Paths;
use kam::store::{AccountListQuery, Store};
use kam::tui::app::{Action, App};
use kam::tui::screens;
use kam_rules::{Lang, Rules};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn main() {
    let accounts: u32 = std::env::var("KAM_BENCH_ACCOUNTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let path = std::env::var_os("KAM_BENCH_DB")
        .map_or_else(|| PathBuf::from(format!("target/bench-{accounts}.db")), PathBuf::from);
    if !path.exists() {
        println!("building {} with {accounts} demo accounts …", path.display());
        let mut s = Store::open(&path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
        let t = Instant::now();
        let o = kam::demo::Options { accounts, seed: 1, today: today() };
        kam::demo::generate(&mut s, &Rules::default(), &o).unwrap_or_else(|e| panic!("{e}"));
        println!("demo generated in {:.1} s", t.elapsed().as_secs_f64());
    }
    let store = Store::open(&path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
    let rules = Rules::default();
    let page = |filter: &str| {
        let q = AccountListQuery { filter: filter.to_string(), after: None, limit: 50, today: today() };
        store.account_page(&rules, &q).map_or(0, |p| p.rows.len())
    };
    report(
        "account list, first page of 50",
        time(30, || {
            std::hint::black_box(page(""));
        }),
    );
    for f in ["hz", "hzxh", "hangzhou", "杭州", "13800", "zzw"] {
        let n = page(f);
        report(
            &format!("SQL page filtered by '{f}' ({n} rows)"),
            time(5, || {
                std::hint::black_box(page(f));
            }),
        );
    }
    drop(store);

    let store = Store::open(&path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
    let paths = Paths::for_db(path.clone(), std::env::temp_dir().join("kam-bench-config"));
    let mut app = App::new(store, paths, Config::default(), rules, Lang::Zh);
    let t = Instant::now();
    app.reload_list(None);
    report("search index read (inline, once at start)", vec![t.elapsed()]);
    app.update(Action::Resize { width: 120, height: 40 });
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let mut draw = |app: &mut App| {
        term.draw(|f| screens::draw(app, f)).map_or_else(|e| panic!("{e}"), drop);
    };
    report("frame of the Accounts tab, 120×40", time(100, || draw(&mut app)));
    let key = |c: KeyCode| Action::Key(KeyEvent::new_with_kind(c, KeyModifiers::NONE, KeyEventKind::Press));
    report(
        "PgDn + frame",
        time(100, || {
            app.update(key(KeyCode::PageDown));
            draw(&mut app);
        }),
    );
    app.update(key(KeyCode::Home));
    // From here as the app runs: the index and list lines are read on the
    // worker thread.
    app.start_worker();
    let settle = |app: &mut App| {
        let t = Instant::now();
        while app.worker.busy() && t.elapsed() < Duration::from_secs(300) {
            std::thread::sleep(Duration::from_millis(1));
            app.update(Action::Tick);
        }
    };
    settle(&mut app);
    app.update(key(KeyCode::Char('/')));
    // Ten different queries typed key by key and erased again: each first
    // key searches the whole index, most others narrow. Typed as a person
    // types: before each key the worker has read the lines the last one
    // showed (untimed). Then ten others with the keys back to back, the
    // worker still reading while the next key is searched.
    let typed = ["hzxh", "shzx", "bjhd", "gzty", "zzw", "13800", "杭州", "sz", "cdht", "wh"];
    let fast = ["hzjx", "bjcy", "shpd", "gzth", "lsw", "13900", "上海", "cq", "njxw", "xa"];
    for (paced, queries) in [(true, typed), (false, fast)] {
        let (mut typing, mut erasing) = (Vec::new(), Vec::new());
        let mut slowest = Vec::new();
        for q in queries {
            for (i, c) in q.char_indices() {
                if paced {
                    settle(&mut app);
                }
                let t = Instant::now();
                app.update(key(KeyCode::Char(c)));
                draw(&mut app);
                typing.push(t.elapsed());
                slowest.push((t.elapsed(), &q[..i + c.len_utf8()]));
            }
            for _ in q.chars() {
                if paced {
                    settle(&mut app);
                }
                let t = Instant::now();
                app.update(key(KeyCode::Backspace));
                draw(&mut app);
                erasing.push(t.elapsed());
            }
        }
        let how = if paced { "typed" } else { "back to back" };
        report(&format!("filter keystroke + frame, 10 queries {how}"), typing);
        slowest.sort_unstable_by_key(|s| std::cmp::Reverse(s.0));
        let worst: Vec<String> =
            slowest.iter().take(5).map(|(t, typed)| format!("'{typed}' {:.1} ms", t.as_secs_f64() * 1e3)).collect();
        println!("  slowest (the filter after the key): {}", worst.join(", "));
        report(&format!("Backspace + frame, {how}"), erasing);
    }
    open_big_account();
}

/// Opening an account with 50 contacts and 500 orders: its detail is read
/// (every section) and drawn. Built in a temporary file.
fn open_big_account() {
    use kam::model::{Account, Contact, Order};
    let dir = std::env::temp_dir().join(format!("kam-bench-open-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("big-account.db");
    let mut store = Store::open(&path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
    let mut a = Account::named("杭州西湖精密机械有限公司");
    let id = a.meta.id.clone();
    store
        .bulk_load("bench", |b| {
            b.add(&mut a)?;
            for i in 0..50 {
                b.add(&mut Contact::of(id.clone(), format!("联系人{i}")))?;
            }
            for i in 0..500u32 {
                let mut o = Order {
                    account_id: id.clone(),
                    date: today() - chrono::Days::new(u64::from(i)),
                    amount: kam_rules::Money::from_fen(1_000_000 + i64::from(i)),
                    ..Order::default()
                };
                o.net_amount = o.amount;
                b.add(&mut o)?;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let paths = Paths::for_db(path, dir.join("config"));
    let mut app = App::new(store, paths, Config::default(), Rules::default(), Lang::Zh);
    app.reload_list(None);
    app.update(Action::Resize { width: 120, height: 40 });
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let key = |c: KeyCode| Action::Key(KeyEvent::new_with_kind(c, KeyModifiers::NONE, KeyEventKind::Press));
    let samples = time(30, || {
        app.update(key(KeyCode::Enter));
        term.draw(|f| screens::draw(&app, f)).map_or_else(|e| panic!("{e}"), drop);
        app.update(key(KeyCode::Esc));
    });
    report("open an account with 50 contacts, 500 orders", samples);
    let _ = std::fs::remove_dir_all(&dir);
}
