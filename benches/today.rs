//! The Today tab at scale: each section's read and the whole read the
//! worker runs, then a keystroke and a frame of the tab with the sections
//! filled, on a demo file (`KAM_BENCH_DB`, default `target/bench-100000.db`,
//! built like the `account_list` bench when missing). The day is
//! `KAM_BENCH_TODAY` (default: the benches' fixed day, 2026-11-23).
//! Prints the median and p99 of each measurement; nothing is asserted.

mod common;
use common::{key, report, time};

use std::path::PathBuf;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use kam::config::Config;
use kam::exchange::day_end::start_of;
use kam::paths::Paths;
use kam::store::Store;
use kam::tui::app::App;
use kam::tui::screens;
use kam_rules::{Lang, Rules};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn main() {
    let today = std::env::var("KAM_BENCH_TODAY")
        .ok()
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_else(common::today);
    let path = std::env::var_os("KAM_BENCH_DB").map_or_else(|| PathBuf::from("target/bench-100000.db"), PathBuf::from);
    if !path.exists() {
        println!("building {} with 100000 demo accounts …", path.display());
        let mut s = Store::open(&path, kam::clock::Clock::starting_on_day(today)).unwrap_or_else(|e| panic!("{e}"));
        let o = kam::demo::Options { accounts: 100_000, seed: 1, today };
        kam::demo::generate(&mut s, &Rules::default(), &o).unwrap_or_else(|e| panic!("{e}"));
    }
    let store =
        Store::open_unchecked(&path, kam::clock::Clock::starting_on_day(today)).unwrap_or_else(|e| panic!("{e}"));
    let rules = Rules::default();
    let next = today.succ_opt().unwrap_or(today);
    let (start, end) = (start_of(today), start_of(next));
    let n = 3;
    report("cadence overdue", time(n, || drop(std::hint::black_box(store.overdue_accounts(&rules, today)))));
    report("plans due", time(n, || drop(std::hint::black_box(store.plans_due(today)))));
    report("open commitments", time(n, || drop(std::hint::black_box(store.open_commitments()))));
    report("VIP cards due", time(n, || drop(std::hint::black_box(store.vip_due(today)))));
    report("birthdays (7 days)", time(n, || drop(std::hint::black_box(store.birthdays(today, 7)))));
    report("downgrades", time(n, || drop(std::hint::black_box(store.downgrades(&rules, today)))));
    report("tier and A/B/C counts", time(n, || drop(std::hint::black_box(store.distribution(&rules, today)))));
    report("plan-check warnings", time(n, || drop(std::hint::black_box(store.plan_warnings(today)))));
    report("changes today", time(n, || drop(std::hint::black_box(store.changed_between(start, end)))));
    report("changes since the last export", time(n, || drop(std::hint::black_box(store.changed_since(None)))));
    report("12 months of orders and collections", time(n, || drop(std::hint::black_box(store.months(today)))));
    report("visits per week", time(n, || drop(std::hint::black_box(store.weekly_visits(today)))));
    let whole = store.today(&rules, today, start, end).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "  overdue {} · plans due {} · commitments {} · VIP {} · birthdays {} · downgrades {} · plans warned {}",
        whole.overdue.len(),
        whole.plans_due.len(),
        whole.commitments.len(),
        whole.vip_due.len(),
        whole.birthdays.len(),
        whole.downgrades.len(),
        whole.warnings.len()
    );
    report(
        "whole Today read (the worker's job)",
        time(n, || drop(std::hint::black_box(store.today(&rules, today, start, end)))),
    );

    // The tab in the workbench: the read runs inline here (tests' worker),
    // then a keystroke and a frame are what the UI thread pays.
    let paths = Paths::for_db(path.clone(), std::env::temp_dir());
    let mut app = App::new(store, paths, Config::default(), rules, Lang::Zh);
    app.update(key(KeyCode::Char('5')));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    report(
        "keystroke (↓) and a 120×40 frame of the tab",
        time(50, || {
            app.update(key(KeyCode::Down));
            term.draw(|f| screens::draw(&app, f)).unwrap_or_else(|e| panic!("{e}"));
        }),
    );
    report(
        "evaluation: inputs read (its own thread in the app), drawn",
        time(5, || {
            app.update(key(KeyCode::Char('v')));
            term.draw(|f| screens::draw(&app, f)).unwrap_or_else(|e| panic!("{e}"));
            app.update(key(KeyCode::Esc));
        }),
    );
}
