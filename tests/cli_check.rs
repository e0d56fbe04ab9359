//! `kam check`'s report reads as a table in both languages.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use unicode_width::UnicodeWidthStr;

fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .env("KAM_CONFIG_DIR", dir)
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env_remove("LC_ALL")
        .output()
        .expect("run kam")
}

/// The display column where `mark` starts on each line that has it.
fn columns(out: &str, mark: &str) -> Vec<usize> {
    out.lines().filter_map(|l| l.find(mark).map(|i| l[..i].width())).collect()
}

#[test]
fn the_counts_line_up_under_chinese_and_english_labels() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["demo", "--accounts", "30", "--today", "2026-11-23"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (lang, mark) in [("zh", " 条,"), ("en", " live,")] {
        let o = kam(dir.path(), &["--lang", lang, "check"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        let cols = columns(&out, mark);
        assert!(cols.len() >= 10, "a line per kind of record: {out}");
        assert!(cols.iter().all(|c| *c == cols[0]), "the counts end in one column ({lang}): {cols:?}\n{out}");
    }
}

/// The file's bytes, to compare before and after a command.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read the file")
}

/// What is in the folder besides the file itself (a `-wal`, a `backups/`).
fn beside(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n != "kam.db")
        .collect();
    names.sort();
    names
}

#[test]
fn check_leaves_a_file_with_old_trash_byte_for_byte_as_it_was() {
    use kam::model::Account;
    use kam::store::Store;
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kam.db");
    {
        // Trashed 40 days before the day the check runs: due for the purge.
        let then = kam::clock::Clock::starting_on_day(common::today() - chrono::Duration::days(40));
        let mut s = Store::open(&db, then).expect("create");
        let mut a = Account::named("旧回收站有限公司");
        s.save(&mut a, "").expect("save");
        s.delete::<Account>(&a.meta.id, "test").expect("delete");
        s.close().expect("close");
    }
    let before = bytes(&db);
    assert_eq!(beside(dir.path()), Vec::<String>::new(), "only the file to begin with");
    let o = kam(dir.path(), &["--lang", "en", "check"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("Trash entries: 1"), "the old entry is reported, not purged: {out}");
    assert!(bytes(&db) == before, "the check changed the file");
    assert_eq!(beside(dir.path()), Vec::<String>::new(), "no -wal, -shm or backups left beside it");
}

#[test]
fn check_reports_an_older_schema_without_migrating_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kam.db");
    kam::store::create_v1_file(&db, 2).expect("v1 file");
    let before = bytes(&db);
    let left = beside(dir.path());
    let latest = kam::store::SCHEMA_VERSION.to_string();
    for (lang, says) in [("en", format!("needs migration to v{latest}")), ("zh", format!("需要升级到 v{latest}"))]
    {
        let o = kam(dir.path(), &["--lang", lang, "check"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "an older file is not damaged: {out}{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.contains(&says), "the check says it needs migrating ({lang}): {out}");
        assert!(bytes(&db) == before, "the check migrated the file ({lang})");
        assert_eq!(beside(dir.path()), left, "nothing left beside it ({lang})");
    }
}
