//! What the integration tests share: the one day they all run on.

#![allow(dead_code)]

use chrono::NaiveDate;
use kam::clock::Clock;

pub mod pg;

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
