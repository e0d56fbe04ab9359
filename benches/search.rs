//! The in-memory search index at scale: building it from the file, and each
//! filter keystroke (pinyin, phone digits, Chinese text, fuzzy), median and
//! p99, on the demo file the `account_list` bench builds
//! (`target/bench-100000.db`, or `KAM_BENCH_DB=path`). Also writes the
//! account names to `target/bench-names.txt` so `fzf --filter` can be run
//! on the same list side by side (see BENCHMARKS.md). Nothing is asserted.

mod common;
use common::report;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use kam::finder::SearchIndex;
use kam::store::Store;

fn main() {
    let path = std::env::var_os("KAM_BENCH_DB").map_or_else(|| PathBuf::from("target/bench-100000.db"), PathBuf::from);
    if !path.exists() {
        println!("{} is missing: run `cargo bench --bench account_list` first to build it", path.display());
        return;
    }
    common::unlock_from_env();
    let store = Store::open(&path, common::clock()).unwrap_or_else(|e| panic!("{e}"));
    let reader = store.open_reader().unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let mut accounts = Vec::new();
    let mut contacts = Vec::new();
    reader.index_accounts(|a| accounts.push(a)).unwrap_or_else(|e| panic!("{e}"));
    reader.index_contacts(|c| contacts.push(c)).unwrap_or_else(|e| panic!("{e}"));
    let read = t.elapsed();
    let names: Vec<String> = accounts.iter().map(|a| a.name.clone()).collect();
    let (na, nc) = (accounts.len(), contacts.len());
    let t = Instant::now();
    let mut index = SearchIndex::default();
    for a in &accounts {
        index.add_account(a);
    }
    for c in &contacts {
        index.add_contact(c);
    }
    index.finish();
    drop((accounts, contacts));
    println!(
        "index of {na} accounts and {nc} contacts: read {:.0} ms, built {:.0} ms",
        read.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    println!("index holds {}", index.describe());
    let out = PathBuf::from("target/bench-names.txt");
    if let Ok(mut f) = std::fs::File::create(&out) {
        for n in &names {
            let _ = writeln!(f, "{n}");
        }
    }
    for q in
        // `hzxih`, `hangzx`: initials and syllables mixed; `wf`: an owner's initials (王芳).
        [
            "h",
            "hz",
            "hzx",
            "hzxh",
            "shz",
            "hangzhou",
            "hzxih",
            "hangzx",
            "wf",
            "zzw",
            "1",
            "13",
            "8000",
            "13800",
            "杭州",
            "西湖机械",
            "hzjx",
        ]
    {
        let n = index.find(q, None).accounts.len();
        let samples = (0..30)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(index.find(q, None));
                t.elapsed()
            })
            .collect();
        report(&format!("find '{q}' over all ({n} found)"), samples);
    }
    // Typing narrows within the last result where it may, as the workbench
    // does: the first key searches everything, most next keys within the
    // last result.
    for q in ["hzxh", "sz", "gzty", "13800", "杭州", "wh"] {
        let mut samples = Vec::new();
        for _ in 0..20 {
            let mut last: (String, Vec<u32>) = (String::new(), Vec::new());
            let mut typed = String::new();
            for c in q.chars() {
                typed.push(c);
                let t = Instant::now();
                let within = kam::finder::can_narrow(&last.0, &typed).then_some(last.1.as_slice());
                let f = index.find(&typed, within);
                samples.push(t.elapsed());
                last = (typed.clone(), f.accounts);
            }
        }
        report(&format!("typing '{q}' key by key, narrowing"), samples);
    }
}
