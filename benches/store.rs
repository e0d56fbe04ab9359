//! Benchmark of the account list at 100,000 accounts: the first page and a
//! pinyin filter. Not a test: run it with `cargo bench --bench store`.
//!
//! The file is built once with `kam demo --accounts 100000` (the binary in
//! release mode) at `KAM_BENCH_DB`, default `target/bench-100k.db`, and
//! reused by later runs. Each case runs a few warm-up rounds and then
//! reports the median and the slowest of the timed rounds.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use kam::store::{AccountListQuery, Store};
use kam_rules::Rules;

const ACCOUNTS: u32 = 100_000;
const ROUNDS: usize = 30;

fn main() {
    let path = std::env::var_os("KAM_BENCH_DB")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-100k.db"), PathBuf::from);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date");
    if !path.exists() {
        eprintln!("building {} with kam demo --accounts {ACCOUNTS} …", path.display());
        let started = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_kam"))
            .args(["--lang", "en", "--db"])
            .arg(&path)
            .args(["demo", "--accounts", &ACCOUNTS.to_string(), "--seed", "7", "--today", "2026-11-23"])
            .status()
            .expect("kam demo runs");
        assert!(status.success(), "kam demo failed");
        eprintln!("built in {:.1} s", started.elapsed().as_secs_f64());
    }
    let store = Store::open(&path, kam::clock::Clock::starting_on_day(today)).expect("the bench file opens");
    let rules = Rules::default();
    let cases = [
        ("first page (50 rows, no filter)", String::new()),
        ("pinyin initials filter 'zs'", "zs".to_string()),
        ("full pinyin filter 'zengji'", "zengji".to_string()),
        ("rare initials filter 'bjhlkjgfyx'", "bjhlkjgfyx".to_string()),
        ("Chinese substring (FTS trigram) '华联科技'", "华联科技".to_string()),
        ("phone digits '6234'", "6234".to_string()),
    ];
    for (label, filter) in cases {
        let q = AccountListQuery { filter, ..AccountListQuery::first(today) };
        let mut rows = 0;
        for _ in 0..3 {
            rows = store.account_page(&rules, &q).expect("page").rows.len();
        }
        let mut times: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                let page = store.account_page(&rules, &q).expect("page");
                std::hint::black_box(&page);
                t.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{label:<45} rows {rows:>3}  median {:>8.2} ms  max {:>8.2} ms",
            times[ROUNDS / 2].as_secs_f64() * 1e3,
            times[ROUNDS - 1].as_secs_f64() * 1e3
        );
    }
    // Paging deep into the list costs the same as the first page (keyset).
    let mut q = AccountListQuery::first(today);
    let mut pages = 0u32;
    let t = Instant::now();
    while pages < 200 {
        let page = store.account_page(&rules, &q).expect("page");
        pages += 1;
        match page.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    println!(
        "{:<45} {pages} pages, {:>8.2} ms per page",
        "paging 200 pages by keyset",
        t.elapsed().as_secs_f64() * 1e3 / f64::from(pages)
    );
}
