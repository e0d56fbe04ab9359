//! Every tab's frame time at 100 and at 100,000 accounts (windowed drawing
//! should make them the same; the plan tabs on their "all" view, which the
//! 100-account demo's plans fill, as its VIP cards fill theirs), what switching to a tab costs on the UI
//! thread and how long until its data is read (on the worker, as the app
//! runs), and a filter keystroke on the plan and VIP lists.
//!
//! `KAM_BENCH_DB=path cargo bench --bench tabs` measures that file against a
//! 100-account demo built in a temporary folder; without it the big file is
//! `target/bench-100000.db` (built by the account_list bench). Prints median
//! and p99; nothing is asserted.

mod common;
use common::{key, stats, today};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use kam::config::Config;
use kam::paths::Paths;
use kam::store::Store;
use kam::tui::app::{Action, App};
use kam::tui::screens;
use kam_rules::{Lang, Rules};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Per tab: switch ms (the UI thread), until its data is there (ms, read
/// on the worker), frame median, frame p99.
type TabTimes = Vec<(f64, f64, f64, f64)>;
/// Per list: what was typed, keystroke median and p99.
type FilterTimes = Vec<(&'static str, f64, f64)>;

/// Every tab's times, then the filter keystrokes.
fn measure(path: &Path) -> (TabTimes, FilterTimes) {
    let store = Store::open(path).unwrap_or_else(|e| panic!("{e}"));
    let paths = Paths::for_db(path.to_path_buf(), std::env::temp_dir().join("kam-bench-config"));
    let mut app = App::new(store, paths, Config::default(), Rules::default(), Lang::Zh, today());
    // As the app runs: reads on the worker thread.
    app.start_worker();
    app.update(Action::Resize(screens::accounts::list_rows(38)));
    let started = Instant::now();
    while app.worker.busy() && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(1));
        app.update(Action::Tick);
    }
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let mut draw = |app: &mut App| term.draw(|f| screens::draw(app, f)).map_or_else(|e| panic!("{e}"), drop);
    let mut tabs = Vec::new();
    for t in ['1', '2', '3', '4', '5'] {
        let s = Instant::now();
        app.update(key(KeyCode::Char(t)));
        draw(&mut app);
        let switch = s.elapsed().as_secs_f64() * 1e3;
        // Let the worker finish what the switch started, then time frames.
        while app.worker.busy() && s.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(1));
            app.update(Action::Tick);
        }
        let ready = s.elapsed().as_secs_f64() * 1e3;
        // The plan tabs open on upcoming plans: a 100-account file has
        // too few to fill the list, so both files are measured on all.
        if matches!(t, '2' | '3') {
            for _ in 0..3 {
                app.update(key(KeyCode::Tab));
            }
        }
        let frames: Vec<Duration> = (0..100)
            .map(|_| {
                let s = Instant::now();
                draw(&mut app);
                s.elapsed()
            })
            .collect();
        let (m, p) = stats(frames);
        tabs.push((switch, ready, m, p));
    }
    let mut keys = Vec::new();
    for (tab, name, typed) in
        [('2', "call plans: filter keystroke", "hzjx"), ('4', "VIP cards: filter keystroke", "zxs8888")]
    {
        app.update(key(KeyCode::Char(tab)));
        app.update(key(KeyCode::Char('/')));
        let mut samples = Vec::new();
        for _ in 0..3 {
            for c in typed.chars() {
                let s = Instant::now();
                app.update(key(KeyCode::Char(c)));
                draw(&mut app);
                samples.push(s.elapsed());
            }
            for _ in typed.chars() {
                let s = Instant::now();
                app.update(key(KeyCode::Backspace));
                draw(&mut app);
                samples.push(s.elapsed());
            }
        }
        app.update(key(KeyCode::Esc));
        let (m, p) = stats(samples);
        keys.push((name, m, p));
    }
    (tabs, keys)
}

fn main() {
    let big = std::env::var_os("KAM_BENCH_DB").map_or_else(|| PathBuf::from("target/bench-100000.db"), PathBuf::from);
    if !big.exists() {
        println!("{} is missing: run the account_list bench first or set KAM_BENCH_DB", big.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let small = dir.path().join("small.db");
    {
        let mut s = Store::open(&small).unwrap_or_else(|e| panic!("{e}"));
        let o = kam::commands::demo::Options { accounts: 100, seed: 1, today: today() };
        kam::commands::demo::generate(&mut s, &Rules::default(), &o).unwrap_or_else(|e| panic!("{e}"));
    }
    let (small_tabs, small_keys) = measure(&small);
    let (big_tabs, big_keys) = measure(&big);
    let names = ["Accounts", "Call plans", "Presentations", "VIP cards", "Today"];
    println!(
        "{:<16} {:>22} {:>22} {:>7} {:>14} {:>16}",
        "tab (120×40)", "frame @100 med/p99", "frame @100k med/p99", "ratio", "switch @100k", "data in @100k"
    );
    for (i, n) in names.iter().enumerate() {
        let (_, _, sm, sp) = small_tabs[i];
        let (sw, ready, bm, bp) = big_tabs[i];
        println!(
            "{n:<16} {sm:>10.3} /{sp:>8.3} ms {bm:>10.3} /{bp:>8.3} ms {:>7.2} {sw:>11.1} ms {ready:>13.0} ms",
            bm / sm
        );
    }
    for (i, (name, m, p)) in big_keys.iter().enumerate() {
        let (_, sm, sp) = small_keys[i];
        println!("{name:<36} @100 {sm:>7.2} / {sp:>7.2} ms   @100k {m:>7.2} / {p:>7.2} ms");
    }
}
