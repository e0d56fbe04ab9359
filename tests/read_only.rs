//! Files kam cannot write: a write-protected file or folder (as a non-root
//! user: root ignores file modes) and a read-only disk. They open, show
//! everything and refuse every save with a message.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use kam::model::Account;
use kam::store::{Store, StoreError};

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs kam as an unprivileged user: directly when not root, else through
/// setpriv as `nobody`. `None` (with a note) when neither is possible.
fn kam_unprivileged(dir: &Path, args: &[&str]) -> Option<Output> {
    let bin = env!("CARGO_BIN_EXE_kam");
    let mut cmd = if is_root() {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("root without setpriv: skipping the file-mode test");
            return None;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(args)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .expect("run kam");
    Some(out)
}

#[test]
fn a_write_protected_file_in_a_write_protected_folder_opens_read_only() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ro");
    std::fs::create_dir_all(dir.join("cfg")).expect("dir");
    let db = dir.join("kam.db");
    {
        let mut s = Store::open(&db, common::clock()).expect("create");
        s.save(&mut Account { owner: "王芳".into(), ..Account::named("只读测试有限公司") }, "").expect("save");
    }
    let csv = dir.join("accounts.csv");
    std::fs::write(&csv, "name\n新公司\n").expect("csv");
    for (p, mode) in
        [(&db, 0o444), (&csv, 0o444), (&dir.join("cfg"), 0o555), (&dir, 0o555), (&tmp.path().to_path_buf(), 0o755)]
    {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let db_s = db.to_str().expect("path");
    let Some(o) = kam_unprivileged(&dir, &["--db", db_s, "report", "--period", "2026", "--json"]) else { return };
    assert!(o.status.success(), "reads: {}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("王芳"), "the file was read");
    let Some(o) = kam_unprivileged(&dir, &["--db", db_s, "import", csv.to_str().expect("csv"), "--kind", "accounts"])
    else {
        return;
    };
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("read-only"), "the refusal says why: {err}");
    // Put the modes back so the temp dir can be removed.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let names: Vec<String> = Store::open(&db, common::clock())
        .expect("open")
        .list::<Account>(10, 0)
        .expect("list")
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["只读测试有限公司"], "nothing was written");
}

#[test]
fn a_write_protected_file_in_a_writable_folder_is_left_as_it_was() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ro");
    std::fs::create_dir_all(dir.join("cfg")).expect("dir");
    let db = dir.join("kam.db");
    {
        let mut s = Store::open(&db, common::clock()).expect("create");
        s.save(&mut Account { owner: "王芳".into(), ..Account::named("只读测试有限公司") }, "").expect("save");
    }
    let before = std::fs::read(&db).expect("read");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    for p in [&dir, &dir.join("cfg"), &tmp.path().to_path_buf()] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    }
    let db_s = db.to_str().expect("path");
    for args in [&["--db", db_s, "check"][..], &["--db", db_s, "report", "--period", "2026", "--json"]] {
        let Some(o) = kam_unprivileged(&dir, args) else { return };
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        // A read-only connection in WAL mode would create both and could
        // not remove them on closing.
        for suffix in ["-wal", "-shm"] {
            let side = dir.join(format!("kam.db{suffix}"));
            assert!(!side.exists(), "{args:?} left {} beside the file", side.display());
        }
    }
    assert!(std::fs::read(&db).expect("read") == before, "the file is byte for byte as it was");
}

/// Unmounts the test's disk however the test ends.
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_disk_opens_immutable_and_refuses_saves() {
    if !is_root() {
        eprintln!("not root: cannot mount a read-only disk, skipping");
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let mnt = tmp.path().join("mnt");
    std::fs::create_dir_all(&mnt).expect("mnt");
    let mount = |args: &[&str]| Command::new("mount").args(args).status().is_ok_and(|s| s.success());
    if !mount(&["-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt.to_str().expect("mnt")]) {
        eprintln!("cannot mount a tmpfs here: skipping the read-only disk test");
        return;
    }
    let _guard = Unmount(mnt.clone());
    let db = mnt.join("kam.db");
    {
        let mut s = Store::open(&db, common::clock()).expect("create");
        s.save(&mut Account::named("光盘上的客户有限公司"), "").expect("save");
    }
    // Another test of this binary starting a program holds copies of open
    // files for a moment (between fork and exec), which makes the remount
    // busy: try again a few times.
    let remounted = (0..40).any(|_| {
        mount(&["-o", "remount,ro", mnt.to_str().expect("mnt")]) || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    });
    assert!(remounted, "remount read-only");
    let mut s = Store::open(&db, common::clock()).expect("a read-only disk opens");
    assert!(s.read_only());
    let names: Vec<String> = s.list::<Account>(10, 0).expect("list").into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["光盘上的客户有限公司"]);
    let err = s.save(&mut Account::named("新客户"), "").unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("read-only"), "{err}");
    let reader = s.open_reader().expect("the worker's reader opens too");
    assert!(reader.read_only());
    assert!(!mnt.join("kam.db-wal").exists(), "nothing written next to it");
}

/// Runs kam in English with `dir` as its config folder.
fn kam_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en"])
        .args(args)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env_remove("KAM_DB")
        .env_remove("LC_ALL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run kam")
}

#[test]
fn commands_that_only_read_say_a_missing_file_is_missing_and_create_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("typo").join("dir").join("k.db");
    let db_s = db.to_str().expect("path");
    let out_dir = tmp.path().join("out");
    let out_s = out_dir.to_str().expect("out");
    for args in [
        &["--db", db_s, "check"][..],
        &["--db", db_s, "report"],
        &["--db", db_s, "export", "--all", "--dir", out_s],
        &["--db", db_s, "plan", "print", "00000000-0000-4000-8000-000000000000"],
    ] {
        let o = kam_in(tmp.path(), args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(db_s) && err.contains("does not exist"), "{args:?}: {err}");
        assert!(!tmp.path().join("typo").exists(), "{args:?}: created the folder");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "zh", "--db", db_s, "check"])
        .env("KAM_CONFIG_DIR", tmp.path().join("cfg"))
        .output()
        .expect("run kam");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(db_s) && err.contains("不存在"), "in the user's language: {err}");
    assert!(!tmp.path().join("typo").exists());
}

#[test]
fn check_on_a_copied_file_leaves_its_folder_as_it_was() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("home");
    {
        let mut s = Store::open(&home.join("kam.db"), common::clock()).expect("create");
        s.save(&mut Account::named("复制过来的客户有限公司"), "").expect("save");
    }
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).expect("dir");
    std::fs::copy(home.join("kam.db"), usb.join("kam.db")).expect("copy");
    let o = kam_in(tmp.path(), &["--db", usb.join("kam.db").to_str().expect("p"), "check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(&usb)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["kam.db"], "check left more than the file behind");
}

#[test]
fn the_workbench_without_a_terminal_says_it_needs_one_and_draws_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("kam.db");
    let o = kam_in(tmp.path(), &["--db", db.to_str().expect("p")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("needs a terminal") && err.contains("kam check"), "{err}");
    assert!(o.stdout.is_empty(), "drew into the pipe: {:?}", String::from_utf8_lossy(&o.stdout));
    assert!(!db.exists(), "a database was created");
}
