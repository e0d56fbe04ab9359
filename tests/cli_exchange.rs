//! `kam export` and `kam import` end to end through the binary.

use std::path::Path;
use std::process::{Command, Output};

fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kam")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn demo_export_merge_and_refusals() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let o = kam(d, &["demo", "--accounts", "20", "--seed", "7"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = kam(d, &["export", "--all", "--dir", "out", "--xlsx"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("masked"));
    assert!(d.join("out/accounts.csv").exists() && d.join("out/kam-export.xlsx").exists());
    let xlsx = std::fs::read(d.join("out/kam-export.xlsx")).expect("xlsx");
    assert!(xlsx.starts_with(b"PK"), "a zip container");

    let o = kam(d, &["export", "--all", "--unmask"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("manager"), "{}", text(&o.stderr));
    // The refusal does not explain how to become a manager (#21).
    assert!(!text(&o.stderr).contains("config.toml") && !text(&o.stderr).contains("role ="), "{}", text(&o.stderr));
    let o = kam(d, &["export", "--day", "2026-13-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--day"));

    // Merging into a fresh file brings every account.
    let o = kam(d, &["--db", "other.db", "import", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("account: inserted 20"), "{}", text(&o.stdout));

    // A spreadsheet with a bad row is refused with the row and column named.
    std::fs::write(d.join("accounts.csv"), "name,credit_limit\n新公司,5万\n坏公司,abc\n").expect("write");
    let o = kam(d, &["import", "accounts.csv"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("row 3, column credit_limit") && err.contains("nothing changed"), "{err}");
    let o = kam(d, &["import", "--dry-run", "accounts.csv"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("new 1, updated 0, duplicate 0, rejected 1"), "{}", text(&o.stdout));
    std::fs::write(d.join("people.csv"), "name\n张三\n").expect("write");
    let o = kam(d, &["import", "people.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--kind"));
}
