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

/// A file in `dir` on the test day's clock, its user 测试员.
pub fn store(dir: &std::path::Path, name: &str) -> kam::store::Store {
    let mut s = kam::store::Store::open(&dir.join(name), clock()).expect("open");
    s.set_user("测试员");
    s
}

/// A demo file of 12 accounts (`seed`) exported whole and unmasked into
/// `dir/name`, with the file.
pub fn exported_demo(tmp: &std::path::Path, name: &str, seed: u64) -> (kam::store::Store, std::path::PathBuf) {
    use kam::exchange::export::{export, ExportOptions};
    let mut a = store(tmp, &format!("{name}.db"));
    let opts = kam::demo::Options { accounts: 12, seed, today: today() };
    kam::demo::generate(&mut a, &kam_rules::Rules::default(), &opts).expect("demo");
    let out = tmp.join(name);
    let o = ExportOptions {
        span: kam::store::Span::All,
        range: "test".into(),
        dir: out.clone(),
        bom: true,
        lang: kam_rules::Lang::En,
        unmask: true,
        who: "测试员".into(),
        now: clock().now(),
    };
    export(&a, &o).expect("export");
    (a, out)
}

/// The rows of a CSV file (the header first).
pub fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("read");
    let mut r =
        csv::ReaderBuilder::new().has_headers(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records().map(|rec| rec.expect("row").iter().map(str::to_string).collect()).collect()
}

/// Writes the rows as a CSV file (no byte-order mark).
pub fn write_csv_rows(path: &std::path::Path, all: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).expect("write");
    for r in all {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flush");
}
