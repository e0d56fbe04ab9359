//! Private by default (issue #21): every file kam writes with customer data
//! is owner-only — folders 0700, files 0600 — whatever the umask.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

/// Runs kam under `umask 022`, the usual default that leaves new files
/// readable by everyone.
fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("data/kam.db"))
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kam")
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn unmasked_export_rejects_and_backups_are_owner_only_under_umask_022() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    fs::create_dir_all(d.join("cfg")).expect("cfg");
    fs::write(d.join("cfg/config.toml"), "role = \"manager\"\n").expect("config");
    ok(&kam(d, &["demo", "--accounts", "5", "--seed", "3"]));
    assert_eq!(mode(&d.join("data")), 0o700, "the data folder kam created");
    assert_eq!(mode(&d.join("data/kam.db")), 0o600);

    ok(&kam(d, &["export", "--all", "--unmask", "--xlsx", "--dir", "out"]));
    let out = d.join("out");
    assert_eq!(mode(&out), 0o700);
    let mut files = 0;
    for e in fs::read_dir(&out).expect("out") {
        let p = e.expect("entry").path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        files += 1;
    }
    assert!(files > 5 && out.join("kam-export.xlsx").exists() && out.join("manifest.json").exists());

    // An earlier export folder left readable by all is made owner-only,
    // and so is each file written over.
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::set_permissions(out.join("manifest.json"), fs::Permissions::from_mode(0o644)).expect("chmod");
    ok(&kam(d, &["export", "--all", "--unmask", "--dir", "out"]));
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&out.join("manifest.json")), 0o600);

    // A folder of the user's own keeps its mode; what is written into it does not.
    let own = d.join("own");
    fs::create_dir(&own).expect("own");
    fs::write(own.join("notes.txt"), "mine").expect("notes");
    fs::set_permissions(&own, fs::Permissions::from_mode(0o755)).expect("chmod");
    ok(&kam(d, &["export", "--all", "--dir", "own"]));
    assert_eq!(mode(&own), 0o755);
    assert_eq!(mode(&own.join("accounts.csv")), 0o600);

    // The rejects file of an import, and the backup the import takes.
    fs::write(d.join("accounts.csv"), "客户名称,信用额度\n好公司,5万\n坏公司,lots\n").expect("sheet");
    ok(&kam(d, &["import", "accounts.csv", "--skip-bad"]));
    assert_eq!(mode(&d.join("accounts.rejects.csv")), 0o600);
    let backups = d.join("data/backups");
    assert_eq!(mode(&backups), 0o700);
    let mut n = 0;
    for e in fs::read_dir(&backups).expect("backups") {
        let p = e.expect("entry").path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        n += 1;
    }
    assert!(n >= 1, "a backup was written");
}
