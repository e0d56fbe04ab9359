//! `kam export` and `kam import` end to end through the binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("LANG", "en_US.UTF-8")
        // The binary's "now" is the tests' fixed day, never the wall clock.
        .env("KAM_NOW", common::kam_now())
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

/// `kam import --dry-run DIR` prints the counts the real merge prints
/// (issue #20), and a conflict names the record, its account, the fields
/// and local times, and is listed in conflicts.csv beside the file (0600).
#[test]
fn merge_dry_run_counts_and_conflicts_listed() {
    use kam::model::Account;
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let o = kam(d, &["demo", "--accounts", "6", "--seed", "3"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = kam(d, &["export", "--all", "--dir", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = kam(d, &["--db", "other.db", "import", "--dry-run", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let dry = text(&o.stdout);
    assert!(dry.contains("Dry run") && dry.contains("account: inserted 6, updated 0"), "{dry}");
    let o = kam(d, &["--db", "other.db", "import", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let real = text(&o.stdout);
    assert!(real.contains("account: inserted 6, updated 0"), "{real}");
    for line in real.lines().filter(|l| l.contains(": inserted")) {
        assert!(dry.contains(line), "the dry run printed {line:?} too: {dry}");
    }
    assert!(!d.join("conflicts.csv").exists());

    // The account's notes changed there and, later, here: a conflict.
    let there = kam::clock::Clock::starting_at(common::clock().now() + chrono::Duration::minutes(2));
    let mut s = kam::store::Store::open(&d.join("kam.db"), there).expect("open");
    let mut theirs = s.list::<Account>(1, 0).expect("list").remove(0);
    theirs.notes = "对方改过".into();
    s.update(&mut theirs, "").expect("update");
    drop(s);
    let o = kam(d, &["export", "--all", "--dir", "out2"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let later = kam::clock::Clock::starting_at(common::clock().now() + chrono::Duration::minutes(5));
    let mut s = kam::store::Store::open(&d.join("other.db"), later).expect("open");
    s.set_user("总部");
    let mut a: Account = s.get(&theirs.meta.id).expect("same account");
    a.notes = "本机改过".into();
    s.update(&mut a, "").expect("update");
    drop(s);
    let o = kam(d, &["--db", "other.db", "import", "out2"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("conflict in accounts: notes of ") && out.contains(&a.name), "{out}");
    assert!(out.contains("here 本机改过") && out.contains("there 对方改过") && out.contains("kept ours"), "{out}");
    assert!(!out.contains(&a.meta.id.to_string()) && !out.contains("+00:00"), "named, in local time: {out}");
    let csv = d.join("conflicts.csv");
    let listed = std::fs::read_to_string(&csv).expect("conflicts.csv");
    assert!(
        listed.contains(&a.name) && listed.contains("notes") && listed.contains(&a.meta.id.to_string()),
        "{listed}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&csv).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "customer data: private");
    }
}

/// Two reps each enter the same company on their laptops; head office
/// merges both day-end folders and is told the company is held twice (撞单).
#[test]
fn a_company_two_reps_entered_is_listed_after_the_merge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    for (db, owner, name, phone) in [
        ("rep1.db", "李雷", "杭州西湖精密机械有限公司", "0571-88886666"),
        ("rep2.db", "韩梅梅", "杭州西湖精密机械", "0571 8888 6666"),
        ("rep3.db", "李雷", "宁波东方塑料有限公司", ""),
    ] {
        let mut s = kam::store::Store::open(
            &d.join(db),
            kam::clock::Clock::starting_on_day(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("day")),
        )
        .expect("open");
        s.set_user(owner);
        let mut a = kam::model::Account::named(name);
        a.owner = owner.into();
        a.phone = phone.into();
        s.save(&mut a, "").expect("save");
        drop(s);
        let out = format!("out-{db}");
        let o = kam(d, &["--db", db, "export", "--all", "--dir", &out]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let o = kam(d, &["--db", "office.db", "import", &out]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        if db == "rep1.db" {
            assert!(!text(&o.stdout).contains("entered by different owners"), "one copy is no duplicate");
        }
    }
    let o = kam(d, &["--db", "office.db", "--lang", "zh", "import", "out-rep3.db"]);
    let out = text(&o.stdout);
    assert!(out.contains("撞单") && out.contains("1 组"), "{out}");
    let line = out.lines().find(|l| l.contains("韩梅梅")).expect("the group's line");
    assert!(line.contains("李雷") && line.contains("杭州西湖精密机械有限公司"), "{line}");
    assert!(!out.contains("宁波东方塑料"), "a company held once is not listed: {out}");
}
