//! `kam restore` cannot destroy (issue #17): it refuses while a program has
//! the file open and on a sound file, sets aside only a bad `-wal` beside a
//! sound file, and opens a backup as kam would on a copy before moving
//! anything.

mod common;

use std::path::{Path, PathBuf};

use kam::model::Account;
use kam::store::Store;

/// Runs the kam binary on `dir/kam.db` in English.
fn kam(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en"])
        .args(args)
        .env("KAM_CONFIG_DIR", dir)
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env_remove("LC_ALL")
        .output()
        .expect("run kam")
}

fn text(o: &std::process::Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// `dir/kam.db` with `n` accounts, closed, and its backup of 2026-11-01
/// holding the first `backed_up` of them.
fn file_with_backup(dir: &Path, n: usize, backed_up: usize) -> (PathBuf, PathBuf) {
    let path = dir.join("kam.db");
    let backups = dir.join("backups");
    let mut store = Store::open(&path, common::clock()).expect("open");
    for i in 0..n {
        if i == backed_up {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("day");
            store.daily_backup(&backups, day).expect("backup");
        }
        store.insert(&mut Account::named(format!("{i} 号测试公司"))).expect("insert");
    }
    drop(store);
    (path, backups.join("kam-2026-11-01.db"))
}

/// Every file in `dir` whose name starts with `prefix`.
fn starting_with(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
        .collect();
    found.sort();
    found
}

fn accounts_in(path: &Path) -> usize {
    Store::open(path, common::clock()).expect("open").list::<Account>(10_000, 0).expect("list").len()
}

/// Flips the last byte of the first page of `index` in the closed file at
/// `path`: the low byte of a key's row id in a one-page index, so the page
/// stays well formed (`quick_check` passes) but the index no longer
/// matches its table (`integrity_check` fails).
fn flip_index_leaf(path: &Path, index: &str) {
    let (root, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(path).expect("raw");
        let root = conn
            .query_row("SELECT rootpage FROM sqlite_schema WHERE name = ?1", [index], |r| r.get(0))
            .expect("root page");
        let size = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size");
        (root, size)
    };
    let mut bytes = std::fs::read(path).expect("read");
    let at = usize::try_from(root * page_size - 1).expect("offset");
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn restore_refuses_while_a_program_has_the_file_open() {
    let dir = tempfile::tempdir().expect("tmp");
    let (path, _) = file_with_backup(dir.path(), 30, 20);
    let mut open = Store::open(&path, common::clock()).expect("the workbench has it open");
    for args in [&["restore"][..], &["restore", "--force"]] {
        let o = kam(dir.path(), args);
        let (_, err) = text(&o);
        assert!(!o.status.success(), "{args:?}: restored under an open file");
        assert!(err.contains("open in another program") && err.contains("kam.db"), "{args:?}: {err}");
        assert!(starting_with(dir.path(), "kam.db.").is_empty(), "{args:?}: something was moved aside");
    }
    // The open program's later saves land in the file at kam.db.
    open.insert(&mut Account::named("恢复之后的客户")).expect("save");
    drop(open);
    assert_eq!(accounts_in(&path), 31);
}

#[test]
fn restore_refuses_a_sound_file_and_never_moves_a_restored_file_aside() {
    let dir = tempfile::tempdir().expect("tmp");
    let (path, backup) = file_with_backup(dir.path(), 30, 20);
    let before = std::fs::read(&path).expect("read");
    let o = kam(dir.path(), &["restore"]);
    let (_, err) = text(&o);
    assert!(!o.status.success() && err.contains("is sound") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before, "the sound file was changed");
    assert!(starting_with(dir.path(), "kam.db.").is_empty());

    // Forced: the sound file is kept beside as replaced, not as damaged.
    let o = kam(dir.path(), &["restore", "--force", "--from", &backup.display().to_string()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("20 accounts"), "{out}");
    let aside = starting_with(dir.path(), "kam.db.replaced-");
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).expect("read"), before);

    // A second run finds the restored file sound and moves nothing.
    let o = kam(dir.path(), &["restore"]);
    assert!(!o.status.success(), "the restored file was restored again");
    assert_eq!(starting_with(dir.path(), "kam.db.").len(), 1, "moved aside again");
    assert_eq!(accounts_in(&path), 20);
}

#[test]
fn a_foreign_wal_beside_a_sound_file_is_set_aside_and_the_file_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let (path, _) = file_with_backup(dir.path(), 300, 200);
    // The -wal of another kam file, taken while that file was open.
    let other_dir = tempfile::tempdir().expect("tmp");
    let other = other_dir.path().join("other.db");
    let mut store = Store::open(&other, common::clock()).expect("open");
    for i in 0..200 {
        let mut a = Account { notes: "别的文件".repeat(20), ..Account::named(format!("别的公司{i}")) };
        store.insert(&mut a).expect("insert");
    }
    let foreign = std::fs::read(other_dir.path().join("other.db-wal")).expect("the other file's -wal");
    drop(store);
    let wal = dir.path().join("kam.db-wal");
    std::fs::write(&wal, &foreign).expect("foreign wal");
    let main = std::fs::read(&path).expect("read");
    let o = kam(dir.path(), &["check"]);
    let (_, err) = text(&o);
    assert!(!o.status.success(), "the mix of the file and the foreign -wal passed the check");
    assert!(err.contains("kam.db-wal") && err.contains("sets only the -wal aside"), "the hint: {err}");

    let o = kam(dir.path(), &["restore"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("-wal") && out.contains("300 accounts"), "{out}");
    assert_eq!(std::fs::read(&path).expect("read"), main, "the sound file was replaced");
    let aside = starting_with(dir.path(), "kam.db-wal.damaged-");
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).expect("read"), foreign, "the -wal is kept as it was");
    assert!(starting_with(dir.path(), "kam.db.").is_empty(), "the file was moved aside");
    assert_eq!(accounts_in(&path), 300, "the day's work is still there");
    assert!(kam(dir.path(), &["check"]).status.success());
}

/// Makes `path` (a closed kam file) break a rule kam relies on.
fn spoil(path: &Path, how: &str) {
    if how == "a broken index" {
        flip_index_leaf(path, "accounts_name_norm");
        return;
    }
    let conn = rusqlite::Connection::open(path).expect("raw");
    conn.pragma_update(None, "foreign_keys", "OFF").expect("fk off");
    conn.pragma_update(None, "ignore_check_constraints", "ON").expect("checks off");
    let sql = match how {
        "rows breaking a CHECK constraint" => "UPDATE accounts SET listed = 7",
        "dangling foreign keys" => "DELETE FROM accounts WHERE id = (SELECT account_id FROM contacts LIMIT 1)",
        "a dropped table" => "DROP TABLE targets",
        "an older schema with a row breaking a CHECK" => "UPDATE vip_cards SET version = 0",
        other => panic!("no such spoiling: {other}"),
    };
    conn.execute_batch(sql).expect("spoil");
}

#[test]
fn a_backup_that_kam_would_not_open_or_that_fails_the_full_check_is_never_installed() {
    for how in [
        "a broken index",
        "rows breaking a CHECK constraint",
        "dangling foreign keys",
        "a dropped table",
        "an older schema with a row breaking a CHECK",
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("kam.db");
        let mut store = Store::open(&path, common::clock()).expect("open");
        for i in 0..20 {
            store.insert(&mut Account::named(format!("{i} 号公司"))).expect("insert");
        }
        drop(store);
        let backup = dir.path().join("kam-2026-11-01.db");
        if how.starts_with("an older schema") {
            kam::store::create_v1_file(&backup, 3).expect("v1 file");
        } else {
            let mut store = Store::open(&path, common::clock()).expect("open");
            let mut a = Account::named("有联系人的公司");
            store.insert(&mut a).expect("insert");
            // The first account gets a contact, so deleting it dangles.
            let first: Account = store.list::<Account>(1, 0).expect("list").remove(0);
            store.insert(&mut kam::model::Contact::of(first.meta.id.clone(), "解晓东")).expect("contact");
            store.daily_backup(dir.path(), chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("d")).expect("b");
            drop(store);
            let mut store = Store::open(&path, common::clock()).expect("open");
            store.insert(&mut Account::named("今天的客户")).expect("insert");
        }
        spoil(&backup, how);
        // The file in place is damaged: restore would go ahead with a good backup.
        let damaged = {
            let mut b = std::fs::read(&path).expect("read");
            b[..100].fill(0);
            std::fs::write(&path, &b).expect("damage");
            b
        };
        let o = kam(dir.path(), &["restore", "--from", &backup.display().to_string()]);
        let (out, err) = text(&o);
        assert!(!o.status.success(), "{how}: installed: {out}");
        assert!(err.contains("cannot be restored") && err.contains("kam-2026-11-01.db"), "{how}: {err}");
        assert!(!out.contains("check passed"), "{how}: {out}");
        assert_eq!(std::fs::read(&path).expect("read"), damaged, "{how}: the file in place was changed");
        let left: Vec<_> =
            starting_with(dir.path(), "kam.db.").into_iter().chain(starting_with(dir.path(), ".kam")).collect();
        assert!(left.is_empty(), "{how}: moved or left behind: {left:?}");
    }
}

#[test]
fn an_older_backup_that_passes_is_migrated_on_the_copy_and_put_in_place_whole() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("kam.db");
    let backup = dir.path().join("kam-2026-11-01.db");
    kam::store::create_v1_file(&backup, 5).expect("v1");
    std::fs::write(&path, b"SQLite format 3\0 but damaged").expect("damaged");
    let o = kam(dir.path(), &["restore", "--from", &backup.display().to_string()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("check passed"), "{out}");
    assert!(
        !dir.path().join("kam.db-wal").exists()
            || std::fs::metadata(dir.path().join("kam.db-wal")).expect("m").len() == 0
    );
    let store = Store::open(&path, common::clock()).expect("open");
    let report = store.check(&dir.path().join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.schema_version, kam::store::SCHEMA_VERSION);
    assert!(starting_with(dir.path(), ".kam").is_empty(), "a work copy was left behind");
}
