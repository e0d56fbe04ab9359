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
