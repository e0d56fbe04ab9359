//! Every tab's frame time at 100 and at 100,000 accounts (windowed drawing
//! should make them the same; the plan tabs on their "all" view, which the
//! 100-account demo's plans fill, as its VIP cards fill theirs), what
//! switching to a tab costs on the UI thread and how long until its data is
//! read (on the worker, as the app runs), and a filter keystroke on the plan
//! and VIP lists.
//!
//! Both files are open at once and their frames are drawn in turn, so that
//! the machine's drift (other programs, clock changes) falls on both alike.
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

/// Frames drawn of each tab in each file.
const FRAMES: usize = 200;

/// The app on a file as it runs: worker thread started, every read done.
fn open(path: &Path) -> App {
    let store = Store::open(path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
    let paths = Paths::for_db(path.to_path_buf(), std::env::temp_dir().join("kam-bench-config"));
    let mut app = App::new(store, paths, Config::default(), Rules::default(), Lang::Zh);
    app.start_worker();
    app.update(Action::Resize { width: 120, height: 40 });
    settle(&mut app, Instant::now());
    app
}

/// Waits until the worker has done what was asked of it since `from`.
fn settle(app: &mut App, from: Instant) {
    while app.worker.busy() && from.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(1));
        app.update(Action::Tick);
    }
}

struct Screen {
    app: App,
    term: Terminal<TestBackend>,
}

impl Screen {
    fn new(path: &Path) -> Self {
        Self { app: open(path), term: Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}")) }
    }

    fn draw(&mut self) -> Duration {
        let s = Instant::now();
        let app = &self.app;
        self.term.draw(|f| screens::draw(app, f)).map_or_else(|e| panic!("{e}"), drop);
        s.elapsed()
    }

    /// Switches to tab `t` and waits for its data: the switch (key and
    /// frame, on the UI thread) and until the data is in, in ms.
    fn switch(&mut self, t: char) -> (f64, f64) {
        let s = Instant::now();
        self.app.update(key(KeyCode::Char(t)));
        self.draw();
        let switch = s.elapsed().as_secs_f64() * 1e3;
        settle(&mut self.app, s);
        let ready = s.elapsed().as_secs_f64() * 1e3;
        // The plan tabs open on upcoming plans: a 100-account file has
        // too few to fill the list, so both files are measured on all.
        if matches!(t, '2' | '3') {
            for _ in 0..3 {
                self.app.update(key(KeyCode::Tab));
            }
        }
        (switch, ready)
    }

    /// A filter typed key by key and erased, three times: keystroke + frame.
    fn filter(&mut self, tab: char, typed: &str) -> (f64, f64) {
        self.app.update(key(KeyCode::Char(tab)));
        self.app.update(key(KeyCode::Char('/')));
        let mut samples = Vec::new();
        for _ in 0..3 {
            for c in typed.chars() {
                let s = Instant::now();
                self.app.update(key(KeyCode::Char(c)));
                self.draw();
                samples.push(s.elapsed());
            }
            for _ in typed.chars() {
                let s = Instant::now();
                self.app.update(key(KeyCode::Backspace));
                self.draw();
                samples.push(s.elapsed());
            }
        }
        self.app.update(key(KeyCode::Esc));
        stats(samples)
    }
}

fn main() {
    let big = std::env::var_os("KAM_BENCH_DB").map_or_else(|| PathBuf::from("target/bench-100000.db"), PathBuf::from);
    if !big.exists() {
        println!("{} is missing: run the account_list bench first or set KAM_BENCH_DB", big.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let small_path = dir.path().join("small.db");
    {
        let mut s = Store::open(&small_path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
        let o = kam::demo::Options { accounts: 100, seed: 1, today: today() };
        kam::demo::generate(&mut s, &Rules::default(), &o).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut small = Screen::new(&small_path);
    let mut large = Screen::new(&big);
    println!(
        "{:<16} {:>22} {:>22} {:>7} {:>14} {:>16}",
        "tab (120×40)", "frame @100 med/p99", "frame @100k med/p99", "ratio", "switch @100k", "data in @100k"
    );
    let names = ["Accounts", "Call plans", "Presentations", "VIP cards", "Today"];
    for (t, name) in ['1', '2', '3', '4', '5'].into_iter().zip(names) {
        small.switch(t);
        let (switch, ready) = large.switch(t);
        let (mut s, mut l) = (Vec::new(), Vec::new());
        for _ in 0..FRAMES {
            s.push(small.draw());
            l.push(large.draw());
        }
        let ((sm, sp), (lm, lp)) = (stats(s), stats(l));
        println!(
            "{name:<16} {sm:>10.3} /{sp:>8.3} ms {lm:>10.3} /{lp:>8.3} ms {:>7.2} {switch:>11.1} ms {ready:>13.0} ms",
            lm / sm
        );
    }
    for (tab, name, typed) in
        [('2', "call plans: filter keystroke", "hzjx"), ('4', "VIP cards: filter keystroke", "zxs8888")]
    {
        let (sm, sp) = small.filter(tab, typed);
        let (lm, lp) = large.filter(tab, typed);
        println!("{name:<36} @100 {sm:>7.2} / {sp:>7.2} ms   @100k {lm:>7.2} / {lp:>7.2} ms");
    }
}
