//! What the integration tests share: the one day they all run on.

#![allow(dead_code)]

use chrono::NaiveDate;
use kam::clock::Clock;

pub mod pg;

/// Runs the kam binary in `lang` on `db` in `dir` (its config folder
/// `cfg-DB` there, the test day's clock, no `KAM_HUB` from outside):
/// whether it succeeded, and what it printed.
pub fn kam_in(dir: &std::path::Path, db: &str, lang: &str, args: &[&str]) -> (bool, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", lang, "--db"])
        .arg(dir.join(db))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join(format!("cfg-{db}")))
        .env("KAM_NOW", kam_now())
        .env_remove("KAM_HUB")
        .output()
        .expect("run kam");
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// The day every test runs on, whatever the machine's date.
pub const TODAY: &str = "2026-11-23";

pub fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

/// A clock that reads noon of [`TODAY`] and moves on with real time.
pub fn clock() -> Clock {
    Clock::starting_on_day(today())
}

/// `KAM_NOW` for a `kam` the test runs, so the binary's "now" is the store's.
pub fn kam_now() -> String {
    clock().now().to_rfc3339()
}
