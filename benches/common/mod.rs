//! What the in-process benches share: timing samples, their median and
//! p99, a key event for the app, and the fixed day they run on. Each bench
//! uses only some of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use kam::tui::app::Action;

/// Gives the store the passphrase in `KAM_PASSPHRASE_FILE`, when set, so a
/// bench built with `--features encryption` reads an encrypted file (#21).
pub fn unlock_from_env() {
    let Some(file) = std::env::var_os("KAM_PASSPHRASE_FILE") else { return };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("KAM_PASSPHRASE_FILE: {e}"));
    if let Some(p) = kam::store::Passphrase::from_file_text(text) {
        kam::store::unlock(p);
    }
}

/// The day every bench runs on, so the rules' dates do not move.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

/// Median and p99 of `samples`, in milliseconds.
pub fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.99))
}

/// Prints one measurement: its median and p99.
pub fn report(name: &str, samples: Vec<Duration>) {
    let n = samples.len();
    let (median, p99) = stats(samples);
    println!("{name:<52} median {median:>9.3} ms   p99 {p99:>9.3} ms   (n={n})");
}

/// `n` timings of `f`.
pub fn time<F: FnMut()>(n: usize, mut f: F) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

/// A key press for the app.
pub fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press))
}

/// A clock on [`today`], for the stores the benches open.
pub fn clock() -> kam::clock::Clock {
    kam::clock::Clock::starting_on_day(today())
}
