//! Benchmark of the head-office hub (#23) against a throwaway PostgreSQL
//! cluster on 127.0.0.1 (the tests' own, tests/common/pg.rs). Not a test:
//! run it with `cargo bench --bench hub`; `KAM_BENCH_HUB_ACCOUNTS` sets the
//! number of accounts (default 20,000).
//!
//! 1. A manager's first push of every account, and another manager's first
//!    pull of them into an empty file, against `psql \copy` of the same table.
//!    Then a rep who may read none of them syncs an empty file: the
//!    ownership index of every account, against `psql \copy` of the same
//!    columns, and the duplicate guard's lookup in it.
//! 2. A day's push: 1,000 accounts changed, then `sync`.
//! 3. 50 reps syncing at once, each having changed 10 of their own
//!    accounts: throughput, p99 of one sync, and that no update was lost.

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use kam::clock::Clock;
use kam::commands::sync::sync;
use kam::model::Account;
use kam::store::{AnyRecord, Hub, HubRole, ImportOp, RecordKind, Store};

const REPS: usize = 50;
const PER_REP: usize = 20;
const EDITS_PER_REP: usize = 10;
const DAY_CHANGES: usize = 1_000;

fn clock() -> Clock {
    Clock::starting_on_day(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date"))
}

fn store(dir: &Path, name: &str, user: &str) -> Store {
    let mut s = Store::open(&dir.join(name), clock()).expect("open");
    s.set_user(user);
    s
}

fn fill(s: &mut Store, n: usize, owner: &str, prefix: &str) -> Vec<Account> {
    let accounts: Vec<Account> = (0..n)
        .map(|i| Account {
            name: format!("{prefix}贸易有限公司{i:06}"),
            owner: owner.into(),
            phone: format!("021-5{i:07}"),
            address: format!("上海市南京西路 {i} 号"),
            ..Account::default()
        })
        .collect();
    let ops = accounts.iter().cloned().map(|a| ImportOp::Insert(AnyRecord::Account(Box::new(a)))).collect();
    s.apply_import(ops, "bench").expect("fill");
    s.list::<Account>(u32::try_from(n).unwrap_or(u32::MAX), 0).expect("list")
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let n: usize = std::env::var("KAM_BENCH_HUB_ACCOUNTS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let pg = pg::Pg::start().expect("PostgreSQL is needed for this benchmark");
    let admin = pg.admin_url();
    let mut hub = Hub::connect(&admin).expect("admin");
    hub.init().expect("init");
    let boss_url = hub.add_user(&admin, "经理甲", HubRole::Manager, None).expect("manager").url;
    let second_url = hub.add_user(&admin, "经理乙", HubRole::Manager, None).expect("manager").url;
    let tmp = tempfile::tempdir().expect("tmp");

    // 1. First push and first pull of n accounts.
    let mut boss = store(tmp.path(), "boss.db", "经理甲");
    let accounts = fill(&mut boss, n, "王伟", "恒信");
    let t = Instant::now();
    let r = sync(&mut boss, &boss_url, &mut |_| Ok(())).expect("first push");
    let first_push = t.elapsed();
    assert_eq!(r.pushed.len(), n);
    let mut second = store(tmp.path(), "boss2.db", "经理乙");
    let t = Instant::now();
    let r = sync(&mut second, &second_url, &mut |_| Ok(())).expect("first pull");
    let first_pull = t.elapsed();
    assert_eq!(r.inserted, n as u64);
    let out = tmp.path().join("records.copy");
    let t = Instant::now();
    let status = Command::new("psql")
        .arg(&admin)
        .args(["-q", "-c", &format!("\\copy (SELECT * FROM kam.records) TO '{}'", out.display())])
        .status()
        .expect("psql");
    let copy = t.elapsed();
    assert!(status.success());
    println!("first push of {n} accounts (sync, manager): {}", ms(first_push));
    println!("first pull of {n} accounts into an empty file (sync, manager): {}", ms(first_pull));
    println!("psql \\copy of the same kam.records to a file: {}", ms(copy));

    // 1b. The ownership index: a rep who may read none of them syncs an
    // empty file (the pull brings nothing; the index brings n entries),
    // against psql \copy of the same columns; then the duplicate guard's
    // lookup in it, offline.
    let rep_url = hub.add_user(&admin, "李娜", HubRole::Rep, None).expect("rep").url;
    let mut rep = store(tmp.path(), "rep.db", "李娜");
    let t = Instant::now();
    let r = sync(&mut rep, &rep_url, &mut |_| Ok(())).expect("index");
    let index = t.elapsed();
    assert_eq!((r.inserted, r.owners), (0, n as u64));
    let out = tmp.path().join("index.copy");
    let t = Instant::now();
    let status = Command::new("psql")
        .arg(&admin)
        .args([
            "-q",
            "-c",
            &format!(
                "\\copy (SELECT seq, id, name_key, phone_key, owner, deleted_at IS NULL FROM kam.records \
                 WHERE kind = 'account') TO '{}'",
                out.display()
            ),
        ])
        .status()
        .expect("psql");
    let index_copy = t.elapsed();
    assert!(status.success());
    let lookups = 1_000;
    let t = Instant::now();
    for a in accounts.iter().take(lookups) {
        assert_eq!(rep.held_at_hub(&a.name, "").expect("guard").len(), 1);
    }
    let per_lookup = t.elapsed() / u32::try_from(lookups).unwrap_or(1);
    println!("a rep's first sync: the ownership index of {n} accounts (sync): {}", ms(index));
    println!("psql \\copy of the same columns to a file: {}", ms(index_copy));
    println!("the duplicate guard's lookup in it (mean of {lookups}): {per_lookup:?}");

    // 2. A day's push of 1,000 changes.
    let mut changed = 0;
    for a in accounts.iter().take(DAY_CHANGES) {
        let mut x: Account = boss.get(&a.meta.id).expect("get");
        x.notes = "本月回访".into();
        boss.update(&mut x, "").expect("edit");
        changed += 1;
    }
    let t = Instant::now();
    let r = sync(&mut boss, &boss_url, &mut |_| Ok(())).expect("day push");
    let day = t.elapsed();
    assert_eq!(r.pushed.len(), changed);
    println!("a day's push of {changed} changed accounts (sync): {}", ms(day));

    // 3. 50 reps at once.
    let mut reps = Vec::new();
    for i in 0..REPS {
        let name = format!("rep{i:02}");
        let url = hub.add_user(&admin, &name, HubRole::Rep, None).expect("rep").url;
        let mut s = store(tmp.path(), &format!("{name}.db"), &name);
        let mine = fill(&mut s, PER_REP, &name, &name);
        sync(&mut s, &url, &mut |_| Ok(())).expect("rep's first sync");
        reps.push((s, url, mine));
    }
    for (s, _, mine) in &mut reps {
        for a in mine.iter().take(EDITS_PER_REP) {
            let mut x: Account = s.get(&a.meta.id).expect("get");
            x.notes = format!("{} 的更新", s.user());
            s.update(&mut x, "").expect("edit");
        }
    }
    let barrier = Arc::new(Barrier::new(REPS));
    let started = Instant::now();
    let handles: Vec<_> = reps
        .into_iter()
        .map(|(mut s, url, mine)| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let t = Instant::now();
                let r = sync(&mut s, &url, &mut |_| Ok(())).expect("rep's sync");
                (t.elapsed(), r.pushed.len(), s.user().to_string(), mine)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut pushed = 0;
    let mut expected = Vec::new();
    for h in handles {
        let (d, p, user, mine) = h.join().expect("thread");
        times.push(d);
        pushed += p;
        expected
            .extend(mine.into_iter().take(EDITS_PER_REP).map(|a| (a.meta.id.to_string(), format!("{user} 的更新"))));
    }
    let wall = started.elapsed();
    times.sort();
    let p99 = times[(times.len() * 99).div_ceil(100) - 1];
    let median = times[times.len() / 2];
    let mut check = Hub::connect(&boss_url).expect("manager");
    let mut lost = 0;
    for (id, notes) in &expected {
        if check.field(id, "notes").expect("read") != Some(serde_json::json!(notes)) {
            lost += 1;
        }
    }
    let total = check.visible_ids(RecordKind::Account).expect("read").len();
    println!(
        "{REPS} reps syncing at once, {EDITS_PER_REP} changes each: {pushed} operations in {} ({:.0} ops/s); \
         one sync median {} / p99 {}; updates lost: {lost} of {}; accounts at the hub: {total}",
        ms(wall),
        pushed as f64 / wall.as_secs_f64(),
        ms(median),
        ms(p99),
        expected.len()
    );
    assert_eq!(lost, 0, "an update was lost");
}
