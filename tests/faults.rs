//! Faults of issue #10 on real files: text limits at their boundary, a full
//! disk, damaged and foreign files and `kam restore`.

mod common;

use kam::model::{Account, CallPlan, OurParticipant, NAME_MAX, NOTES_MAX};
use kam::store::{RecordKind, Store, StoreError};

fn db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("kam.db")
}

/// The field an `Invalid` error names, or a panic with the error.
fn invalid_field(err: StoreError) -> (RecordKind, String) {
    match err {
        StoreError::Invalid { kind, error, .. } => (kind, error.field),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[test]
fn text_limits_accept_the_limit_and_refuse_one_more_naming_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&db(&dir), common::clock()).expect("open");

    let mut a = Account::named("字".repeat(NAME_MAX));
    a.notes = "记".repeat(NOTES_MAX);
    store.insert(&mut a).expect("names and notes at their limit are saved");
    let back: Account = store.get(&a.meta.id).expect("get");
    assert_eq!(back.name.chars().count(), NAME_MAX);
    assert_eq!(back.notes.chars().count(), NOTES_MAX);

    let mut long_name = Account::named("字".repeat(NAME_MAX + 1));
    let err = store.insert(&mut long_name).unwrap_err();
    let msg = err.to_string();
    assert_eq!(invalid_field(err), (RecordKind::Account, "name".into()));
    assert!(msg.contains(&NAME_MAX.to_string()), "{msg}");

    let mut edited = back.clone();
    edited.notes.push('!');
    let err = store.update(&mut edited, "").unwrap_err();
    assert_eq!(invalid_field(err), (RecordKind::Account, "notes".into()));
    assert_eq!(store.get::<Account>(&a.meta.id).expect("get").meta.version, 1, "nothing written");

    // A child row's text is named with its row.
    let mut plan = CallPlan { account_id: a.meta.id.clone(), ..CallPlan::default() };
    plan.our_participants.push(OurParticipant { name: "张".repeat(NAME_MAX), ..OurParticipant::default() });
    plan.our_participants.push(OurParticipant { name: "李".repeat(NAME_MAX + 1), ..OurParticipant::default() });
    let err = store.insert(&mut plan).unwrap_err();
    assert_eq!(invalid_field(err), (RecordKind::CallPlan, "our_participants[1].name".into()));
    plan.our_participants.pop();
    store.insert(&mut plan).expect("the row at its limit is saved");
}

/// Runs the kam binary on `dir/kam.db` in English.
fn kam(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en"])
        .args(args)
        .env("KAM_CONFIG_DIR", dir)
        .env("KAM_DB", dir.join("kam.db"))
        .env_remove("LC_ALL")
        // Relative paths (`--dir out`) land in the test's folder, not the repository.
        .current_dir(dir)
        .output()
        .expect("run kam")
}

/// A database of 300 accounts with a backup from 2026-11-01 holding the
/// first 200 (and an older, damaged backup that must never be named).
fn with_backups(dir: &tempfile::TempDir) -> (std::path::PathBuf, std::path::PathBuf) {
    let path = db(dir);
    let backups = dir.path().join("backups");
    let mut store = Store::open(&path, common::clock()).expect("open");
    for i in 0..300 {
        if i == 200 {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("day");
            store.daily_backup(&backups, day).expect("backup");
        }
        let mut a = Account::named(format!("{i} 号测试公司,名字要长一些才能占满更多的页面"));
        store.insert(&mut a).expect("insert");
    }
    drop(store);
    std::fs::write(backups.join("kam-2026-10-31.db"), b"SQLite format 3\0 but not really").expect("bad backup");
    (path, backups.join("kam-2026-11-01.db"))
}

fn damage(path: &std::path::Path, how: &str) {
    let mut bytes = std::fs::read(path).expect("read");
    match how {
        "header overwritten" => bytes[..100].fill(0),
        "bytes flipped in the middle" => {
            let pages = bytes.len() / 4096;
            for p in (pages / 3..2 * pages / 3).step_by(2) {
                for b in &mut bytes[p * 4096..(p + 1) * 4096] {
                    *b ^= 0x5a;
                }
            }
        }
        "truncated" => bytes.truncate(bytes.len() / 2),
        "empty" => bytes.clear(),
        "a PNG renamed to .db" => {
            bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
            bytes.extend(std::iter::repeat_n(0x42, 3000));
        }
        other => panic!("no such damage: {other}"),
    }
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn damaged_files_are_refused_untouched_naming_the_backup_and_kam_restore_puts_it_back() {
    for how in ["header overwritten", "bytes flipped in the middle", "truncated", "empty", "a PNG renamed to .db"] {
        let dir = tempfile::tempdir().expect("tmp");
        let (path, good) = with_backups(&dir);
        damage(&path, how);
        let damaged = std::fs::read(&path).expect("read");
        for args in [&["check"][..], &["export", "--all", "--dir", "out"], &["report"]] {
            let o = kam(dir.path(), args);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(!o.status.success(), "{how}, {args:?}: opened");
            assert!(!err.contains("panicked"), "{how}: {err}");
            let command = format!("kam --db {} restore --from {}", path.display(), good.display());
            assert!(err.contains(&command), "{how}, {args:?}: the message names the backup and the command: {err}");
            assert!(!err.contains("2026-10-31"), "{how}: a damaged backup is never offered: {err}");
            assert_eq!(std::fs::read(&path).expect("read"), damaged, "{how}: the file was changed");
            if args[0] == "export" {
                let left: Vec<_> = std::fs::read_dir(dir.path().join("out"))
                    .map_or_else(|_| Vec::new(), |d| d.filter_map(Result::ok).map(|e| e.file_name()).collect());
                assert!(left.is_empty(), "{how}: a failed export leaves no files behind: {left:?}");
            }
        }

        let o = kam(dir.path(), &["restore"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{how}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(out.contains("200 accounts"), "{how}: {out}");
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("kam.db.damaged-")))
            .filter(|p| !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm"))
            .collect();
        assert_eq!(aside.len(), 1, "{how}: {aside:?}");
        assert!(out.contains(&aside[0].display().to_string()), "{how}: {out}");
        assert_eq!(std::fs::read(&aside[0]).expect("read"), damaged, "{how}: the damaged file is kept as it was");
        let store = Store::open(&path, common::clock()).expect("the restored file opens");
        assert_eq!(store.list::<Account>(1000, 0).expect("list").len(), 200, "{how}");
        assert!(kam(dir.path(), &["check"]).status.success(), "{how}");
    }
}

#[test]
fn restore_refuses_a_bad_backup_and_says_when_there_is_none() {
    let dir = tempfile::tempdir().expect("tmp");
    let (path, _) = with_backups(&dir);
    let bad = dir.path().join("backups").join("kam-2026-10-31.db");
    let before = std::fs::read(&path).expect("read");
    let o = kam(dir.path(), &["restore", "--from", &bad.display().to_string()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("kam-2026-10-31.db") && err.contains("cannot be restored"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before, "nothing was moved");

    let empty = tempfile::tempdir().expect("tmp");
    drop(Store::open(&db(&empty), common::clock()).expect("create"));
    damage(&db(&empty), "header overwritten");
    let o = kam(empty.path(), &["restore"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("no good backup"), "{err}");
    assert!(db(&empty).exists());
}

#[test]
fn a_zero_byte_file_without_backups_is_a_new_database() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(db(&dir), b"").expect("touch");
    let o = kam(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_garbage_or_stale_wal_beside_a_good_file_never_panics_or_damages_it() {
    // Garbage: SQLite ignores a -wal whose header does not check out.
    let dir = tempfile::tempdir().expect("tmp");
    let (path, _) = with_backups(&dir);
    let wal = dir.path().join("kam.db-wal");
    let garbage: Vec<u8> = (0u32..20_000).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&wal, &garbage).expect("wal");
    let o = kam(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(Store::open(&path, common::clock()).expect("open").list::<Account>(1000, 0).expect("list").len(), 300);

    // Stale: the -wal of an earlier moment of the same file. It is valid
    // as a WAL, so SQLite reads it: either the mix checks out and the file
    // opens sound, or it is refused and both files are left as they were.
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    store
        .daily_backup(&dir.path().join("backups"), chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"))
        .expect("b");
    for i in 0..50 {
        store.insert(&mut Account::named(format!("早期公司{i}"))).expect("insert");
    }
    let stale = std::fs::read(dir.path().join("kam.db-wal")).expect("the wal while open");
    drop(store);
    let mut store = Store::open(&path, common::clock()).expect("open");
    for i in 0..400 {
        store.insert(&mut Account::named(format!("后来的公司{i}"))).expect("insert");
    }
    drop(store);
    std::fs::write(dir.path().join("kam.db-wal"), &stale).expect("stale wal");
    let main = std::fs::read(&path).expect("read");
    let o = kam(dir.path(), &["check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    if o.status.success() {
        let store = Store::open(&path, common::clock()).expect("open");
        assert!(store.check(&dir.path().join("backups")).expect("check").is_sound());
    } else {
        assert!(err.contains("restore --from"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), main, "the file was changed");
        assert_eq!(std::fs::read(dir.path().join("kam.db-wal")).expect("read"), stale, "the -wal was changed");
    }
}

#[test]
fn two_editors_never_see_a_lock_error_lose_an_edit_or_overwrite_silently() {
    use kam::commands::selftest::SHARED_ACCOUNT;
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    let mut shared = Account::named(SHARED_ACCOUNT);
    store.insert(&mut shared).expect("shared account");
    drop(store);
    let editors: Vec<_> = ["A", "B"]
        .iter()
        .enumerate()
        .map(|(i, w)| {
            std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
                .args(["--db", &path.display().to_string(), "selftest-writer", "--mode", "editor", "--secs", "3"])
                .args(["--writer", w, "--seed", &(i + 1).to_string()])
                .args(["--ack", &dir.path().join(format!("ack-{w}")).display().to_string()])
                .env("KAM_CONFIG_DIR", dir.path())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn an editor")
        })
        .collect();
    for e in editors {
        let out = e.wait_with_output().expect("editor");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && err.is_empty(), "an editor failed: {err}");
    }
    let (mut versions, mut conflicts, mut last) = (Vec::new(), 0, (0, String::new()));
    for w in ["A", "B"] {
        let text = std::fs::read_to_string(dir.path().join(format!("ack-{w}"))).expect("acks");
        for line in text.lines() {
            let words: Vec<&str> = line.split(' ').collect();
            let on_shared = words.get(2) == Some(&shared.meta.id.as_str());
            match words.as_slice() {
                ["update", "account", _, v, notes] if on_shared => {
                    let v: i64 = v.parse().expect("version");
                    versions.push(v);
                    if v > last.0 {
                        last = (v, (*notes).to_string());
                    }
                }
                ["conflict", "account", _, expected, current] => {
                    assert!(on_shared, "a conflict on a writer's own account: {line}");
                    let (e, c): (i64, i64) = (expected.parse().expect("v"), current.parse().expect("v"));
                    assert!(e < c, "{line}");
                    conflicts += 1;
                }
                _ => {}
            }
        }
    }
    let n = versions.len();
    eprintln!("two editors for 3 s: {n} saves of the shared account, {conflicts} conflicts refused");
    versions.sort_unstable();
    let expected: Vec<i64> = (2..=1 + i64::try_from(n).expect("n")).collect();
    assert_eq!(versions, expected, "each version of the shared account was saved by exactly one editor");
    assert!(n > 10 && conflicts > 0, "{n} saves and {conflicts} conflicts: the editors did not overlap");
    let store = Store::open(&path, common::clock()).expect("open");
    let now: Account = store.get(&shared.meta.id).expect("shared");
    assert_eq!((now.meta.version, now.notes), last, "the last acknowledged save is what the file holds");
    let logged = store
        .history(&shared.meta.id)
        .expect("history")
        .iter()
        .filter(|l| l.action == "update" && l.field.as_deref() == Some("notes"))
        .count();
    assert_eq!(logged, n, "one change-log line per acknowledged save");
}

/// Inserts big accounts until the disk is full; returns how many were
/// saved, the refused account and the error.
fn fill_until_full(store: &mut Store, prefix: &str) -> (usize, Account, StoreError) {
    let mut saved = 0;
    loop {
        let mut big = Account { notes: "长".repeat(3000), ..Account::named(format!("{prefix}{saved}号公司")) };
        match store.insert(&mut big) {
            Ok(()) => saved += 1,
            Err(e) => return (saved, big, e),
        }
        assert!(saved < 2000, "the disk never filled up");
    }
}

#[test]
fn a_full_disk_names_the_change_not_saved_keeps_the_wal_and_saving_works_once_space_is_freed() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    let mut first = Account::named("宝丰实业有限公司");
    store.insert(&mut first).expect("insert");
    store.limit_growth(3).expect("cap");
    let (saved, mut refused, err) = fill_until_full(&mut store, "满盘");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("account") && msg.contains(&refused.name) && msg.contains(refused.meta.id.as_str()),
        "the message names the change: {msg}"
    );
    assert_eq!(refused.meta.version, 0, "the refused record is still unsaved");
    for suffix in ["-wal", "-shm"] {
        assert!(dir.path().join(format!("kam.db{suffix}")).exists(), "kam.db{suffix} was removed");
    }
    assert_eq!(store.get::<Account>(&first.meta.id).expect("earlier data").name, "宝丰实业有限公司");

    // A pair names both records.
    let mut plan = CallPlan {
        account_id: first.meta.id.clone(),
        status: kam::model::PlanStatus::Done,
        what_happened: "长".repeat(3000),
        ..CallPlan::default()
    };
    let mut visit = kam::model::Visit { account_id: first.meta.id.clone(), by: "王芳".into(), ..Default::default() };
    let err = store.save_pair(&mut plan, "", &mut visit).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    assert!(msg.contains(plan.meta.id.as_str()) && msg.contains(visit.meta.id.as_str()), "{msg}");

    // Space freed: the same save goes through on the same connection.
    store.limit_growth(10_000).expect("room again");
    store.insert(&mut refused).expect("saving works again");
    store.save_pair(&mut plan, "", &mut visit).expect("the pair too");
    drop(store);
    let store = Store::open(&path, common::clock()).expect("reopen");
    let report = store.check(&dir.path().join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.counts[0].live, 2 + saved as u64);
}

/// A tiny tmpfs mounted for a test, unmounted when dropped.
struct TinyDisk(std::path::PathBuf);

impl TinyDisk {
    fn mount(dir: &std::path::Path) -> Option<Self> {
        let mnt = dir.join("tiny");
        std::fs::create_dir_all(&mnt).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1M", "tmpfs"])
            .arg(&mnt)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Self(mnt))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_real_full_disk_on_a_tiny_tmpfs() {
    let dir = tempfile::tempdir().expect("tmp");
    let Some(disk) = TinyDisk::mount(dir.path()) else {
        eprintln!("note: skipped the tmpfs full-disk test: cannot mount a tmpfs here (needs root)");
        return;
    };
    let path = disk.0.join("kam.db");
    let filler = disk.0.join("filler");
    std::fs::write(&filler, vec![0u8; 256 * 1024]).expect("filler");
    let mut store = Store::open(&path, common::clock()).expect("open");
    let mut first = Account::named("宝丰实业有限公司");
    store.insert(&mut first).expect("insert");
    let (saved, mut refused, err) = fill_until_full(&mut store, "真满");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    assert!(msg.contains(&refused.name) && msg.contains(refused.meta.id.as_str()), "{msg}");
    assert!(disk.0.join("kam.db-wal").exists(), "the -wal was removed");
    assert_eq!(store.get::<Account>(&first.meta.id).expect("earlier data").name, "宝丰实业有限公司");
    std::fs::remove_file(&filler).expect("free space");
    store.insert(&mut refused).expect("saving works again once space is freed");
    drop(store);
    let store = Store::open(&path, common::clock()).expect("reopen");
    let report = store.check(&disk.0.join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.counts[0].live, 2 + saved as u64);
    drop(store);
    drop(disk);
}

#[test]
fn a_full_disk_leaves_no_partial_backup_and_check_still_checks() {
    let dir = tempfile::tempdir().expect("tmp");
    let Some(disk) = TinyDisk::mount(dir.path()) else {
        eprintln!("note: skipped the tmpfs full-disk test: cannot mount a tmpfs here (needs root)");
        return;
    };
    let path = disk.0.join("kam.db");
    let mut store = Store::open(&path, common::clock()).expect("open");
    for i in 0..5 {
        store.insert(&mut Account::named(format!("{i} 号公司"))).expect("insert");
    }
    // Fill what is left of the disk (the -wal and -shm exist: kam has the file open).
    let filler = disk.0.join("filler");
    let free = std::fs::File::create(&filler).expect("filler");
    let chunk = vec![0u8; 4096];
    let mut w = std::io::BufWriter::new(free);
    while std::io::Write::write_all(&mut w, &chunk).is_ok() {}
    drop(w);
    let backups = disk.0.join("backups");
    assert!(store.daily_backup(&backups, common::today()).is_err(), "a backup fitted on a full disk");
    let left: Vec<_> =
        std::fs::read_dir(&backups).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
    let _ = std::fs::remove_dir(&backups);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en", "--db", &path.display().to_string(), "check"])
        .env("KAM_CONFIG_DIR", dir.path())
        .output()
        .expect("kam check");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("Integrity check: ok"), "{out}");
    assert!(!backups.exists(), "kam check made a backups folder");
    drop(store);
    drop(disk);
}

#[test]
fn two_imports_started_together_on_a_day_not_yet_backed_up_both_land_and_one_backup_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    drop(Store::open(&path, common::clock()).expect("create"));
    for w in ["a", "b"] {
        std::fs::write(dir.path().join(format!("{w}.csv")), format!("name\n导入{w}公司\n")).expect("csv");
    }
    for round in 0..5_i64 {
        let day = common::today() + chrono::Duration::days(round);
        let runs: Vec<_> = ["a", "b"]
            .iter()
            .map(|w| {
                std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
                    .args(["--lang", "en", "import", "--kind", "accounts", "--update"])
                    .arg(dir.path().join(format!("{w}.csv")))
                    .env("KAM_CONFIG_DIR", dir.path())
                    .env("KAM_DB", &path)
                    .env("KAM_NOW", day.format("%Y-%m-%d").to_string())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn an import")
            })
            .collect();
        for r in runs {
            let o = r.wait_with_output().expect("import");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success() && !err.contains("backup"), "round {round}: {err}");
        }
        assert!(dir.path().join("backups").join(format!("kam-{day}.db")).exists(), "round {round}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let names: Vec<String> = Store::open(&path, common::clock())
        .expect("open")
        .list::<Account>(10, 0)
        .expect("list")
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}
