//! Encryption at rest (issue #21), on real files driven through the `kam`
//! binary as a user would, with the passphrase in `KAM_PASSPHRASE_FILE`:
//! an encrypted file reopens with every row; its bytes, its `-wal` and its
//! backup hold no customer's name or phone; a wrong passphrase is told
//! apart from a damaged file and moves nothing; decrypt brings the plain
//! file back; a kill at any step of `kam encrypt` loses nothing.
//!
//! Without the feature only the refusal of `kam encrypt` is tested.

mod common;

use std::path::Path;
use std::process::Output;

fn kam(dir: &Path, pass: Option<&Path>, args: &[&str]) -> Output {
    kam_with(dir, pass, None, args)
}

/// `kam`, with `ring` (a folder) in place of the system's keyring when given.
fn kam_with(dir: &Path, pass: Option<&Path>, ring: Option<&Path>, args: &[&str]) -> Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kam"));
    if !args.contains(&"--lang") {
        c.args(["--lang", "en"]);
    }
    c.args(args)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env_remove("KAM_PASSPHRASE_FILE")
        .env_remove("KAM_KEYRING_DIR")
        .env_remove("LC_ALL")
        .stdin(std::process::Stdio::null());
    if let Some(p) = pass {
        c.env("KAM_PASSPHRASE_FILE", p);
    }
    if let Some(r) = ring {
        c.env("KAM_KEYRING_DIR", r);
    }
    c.output().expect("run kam")
}

#[cfg(not(feature = "encryption"))]
#[test]
fn without_the_feature_encrypt_says_how_to_build_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), None, &["encrypt"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("built without encryption") && err.contains("--features encryption"), "{err}");
    assert!(!dir.path().join("kam.db").exists(), "nothing was created");
    for args in [["key", "remember"], ["key", "forget"]] {
        let o = kam(dir.path(), None, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("built without encryption"), "{args:?}");
    }
}

#[cfg(feature = "encryption")]
mod with_the_feature {
    use super::*;

    use std::fs;
    use std::io::{BufRead, BufReader};
    use std::path::PathBuf;
    use std::process::{Command, Stdio};

    use kam::model::{Account, Contact};
    use kam::store::{Passphrase, Store};

    /// Every test of this binary uses this passphrase in-process.
    const PASS: &str = "correct horse 电池 staple";
    const NAME: &str = "甄士隐测";
    const PHONE: &str = "13765432109";
    const LATER_PHONE: &str = "13822223333";

    fn ok(o: &Output) -> String {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn pass_file(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, format!("{text}\n")).expect("passphrase file");
        p
    }

    /// A plain file with demo accounts and one known person.
    fn plain_file(dir: &Path) {
        ok(&kam(dir, None, &["demo", "--accounts", "20", "--seed", "3"]));
        let mut s = Store::open(&dir.join("kam.db"), common::clock()).expect("open");
        let mut a = Account::named("葫芦庙测试有限公司");
        s.insert(&mut a).expect("account");
        let mut c = Contact::of(a.meta.id.clone(), NAME);
        c.phone = PHONE.into();
        s.insert(&mut c).expect("contact");
        s.close().expect("close");
    }

    /// [`plain_file`] encrypted with [`PASS`], whose file it returns.
    fn encrypted_file(dir: &Path) -> PathBuf {
        plain_file(dir);
        let pass = pass_file(dir, "pass", PASS);
        ok(&kam(dir, Some(&pass), &["encrypt"]));
        pass
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    fn header(path: &Path) -> Vec<u8> {
        fs::read(path).expect("read").into_iter().take(16).collect()
    }

    /// `kam check`'s report, without its first line (the path).
    fn check(dir: &Path, pass: Option<&Path>) -> String {
        ok(&kam(dir, pass, &["check"])).lines().skip(1).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn an_encrypted_file_reopens_with_every_row_and_holds_no_readable_customer() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        plain_file(d);
        // The encryption build opens a plain file without a passphrase.
        let before = check(d, None);
        let db = d.join("kam.db");
        assert!(contains(&fs::read(&db).expect("read"), PHONE), "the plain file holds the phone");

        let pass = pass_file(d, "pass", PASS);
        let out = ok(&kam(d, Some(&pass), &["encrypt"]));
        assert!(out.contains("is encrypted") && out.contains("all checked"), "{out}");
        assert_ne!(header(&db), b"SQLite format 3\0");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&db).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        let bytes = fs::read(&db).expect("read");
        assert!(!contains(&bytes, NAME) && !contains(&bytes, PHONE), "the encrypted file shows the person");
        assert_eq!(check(d, Some(&pass)), before, "every row is there");

        // Without a passphrase: told so, nothing changed.
        let o = kam(d, None, &["check"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("needs its passphrase"));
        assert_eq!(fs::read(&db).expect("read"), bytes);

        // In-process: a change waiting in the -wal, and a backup.
        kam::store::unlock(Passphrase::new(PASS.into()).expect("passphrase"));
        let mut s = Store::open(&db, common::clock()).expect("open with the passphrase");
        let mut a = Account::named("仁清巷测试公司");
        s.insert(&mut a).expect("account");
        let mut c = Contact::of(a.meta.id.clone(), "封氏测");
        c.phone = LATER_PHONE.into();
        s.insert(&mut c).expect("contact");
        let wal = fs::read(d.join("kam.db-wal")).expect("wal");
        assert!(!wal.is_empty(), "the change is in the -wal");
        assert!(!contains(&wal, LATER_PHONE) && !contains(&wal, "封氏测"), "the -wal shows the person");
        let backup = s.daily_backup(&d.join("backups"), common::today()).expect("backup").expect("made");
        let b = fs::read(&backup).expect("read backup");
        assert_ne!(&b[..16], b"SQLite format 3\0", "the backup is encrypted like the file");
        assert!(!contains(&b, PHONE) && !contains(&b, LATER_PHONE), "the backup shows a person");
        kam::store::check_backup(&backup).expect("the backup opens with the passphrase and passes");
        s.close().expect("close");

        // Decrypt: the plain header is back, with every row.
        let out = ok(&kam(d, Some(&pass), &["decrypt"]));
        assert!(out.contains("plain file again"), "{out}");
        assert_eq!(header(&db), b"SQLite format 3\0");
        let after = check(d, None);
        assert!(after.contains("Integrity check: ok"), "{after}");
        assert!(contains(&fs::read(&db).expect("read"), LATER_PHONE));
        // The encrypted backup stays as it was.
        assert_eq!(fs::read(&backup).expect("read backup"), b);
    }

    #[test]
    fn a_wrong_passphrase_is_told_apart_from_a_damaged_file_and_moves_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        let pass = encrypted_file(d);
        // A backup made with the right passphrase, so restore has one to offer.
        let csv = d.join("accounts.csv");
        fs::write(&csv, "name\n大观园测试公司\n").expect("csv");
        ok(&kam(d, Some(&pass), &["import", "--dry-run", &csv.display().to_string()]));
        assert_eq!(fs::read_dir(d.join("backups")).expect("backups").count(), 1);
        let db = d.join("kam.db");
        let bytes = fs::read(&db).expect("read");
        let listing = |d: &Path| {
            let mut names: Vec<String> =
                fs::read_dir(d).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect();
            names.sort();
            names
        };
        let wrong = pass_file(d, "wrong", "correct horse battery staple");
        let files = listing(d);
        let out_dir = d.join("out").display().to_string();
        for args in [&["check"][..], &["export", "--all", "--dir", &out_dir], &["restore"], &["restore", "--force"]] {
            let o = kam(d, Some(&wrong), args);
            assert_eq!(o.status.code(), Some(1), "{args:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("wrong passphrase") && !err.contains("damaged ("), "{args:?}: {err}");
            assert!(!err.contains("kam restore") && !err.contains("SQLCipher") && !err.contains("hmac"), "{err}");
            assert_eq!(fs::read(&db).expect("read"), bytes, "{args:?} changed the file");
            assert_eq!(listing(d), files, "{args:?} moved or made a file");
        }
        let o = kam(d, Some(&wrong), &["--lang", "zh", "check"]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("口令不对"));

        // A damaged page with the right passphrase is damage, with the restore hint.
        let mut damaged = bytes.clone();
        let page = damaged.len() / 4096 / 2;
        damaged[page * 4096 + 200..page * 4096 + 260].fill(0);
        fs::write(&db, &damaged).expect("damage");
        let o = kam(d, Some(&pass), &["check"]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is damaged") && err.contains("kam --db") && !err.contains("wrong passphrase"), "{err}");
        // And kam restore with the right passphrase repairs it from the encrypted backup.
        let out = ok(&kam(d, Some(&pass), &["restore"]));
        assert!(out.contains("restored from"), "{out}");
        assert_ne!(header(&db), b"SQLite format 3\0", "the restored file is the encrypted backup");
        assert!(check(d, Some(&pass)).contains("Integrity check: ok"));
    }

    /// Runs `c` (which stops after `step`) until it says it stopped, and kills it there.
    fn kill_when_stopped(mut c: Command, step: kam::store::ConvertStep) {
        let mut child = c.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn");
        let mut line = String::new();
        BufReader::new(child.stderr.take().expect("stderr")).read_line(&mut line).expect("read");
        assert_eq!(line.trim(), format!("stopped after {}", step.name()));
        child.kill().expect("kill");
        child.wait().expect("wait");
    }

    #[test]
    fn a_kill_at_any_step_of_encrypt_loses_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        plain_file(d);
        let pass = pass_file(d, "pass", PASS);
        let before = check(d, None);
        let db = d.join("kam.db");
        let kept = d.join("kept.db");
        fs::copy(&db, &kept).expect("keep");
        for step in kam::store::ConvertStep::ALL {
            fs::copy(&kept, &db).expect("start plain");
            let mut c = Command::new(env!("CARGO_BIN_EXE_kam"));
            c.args(["--lang", "en", "encrypt"])
                .env("KAM_CONFIG_DIR", d.join("cfg"))
                .env("KAM_DB", &db)
                .env("KAM_NOW", common::kam_now())
                .env("KAM_PASSPHRASE_FILE", &pass)
                .env("KAM_FAULT_STOP_AFTER", step.name())
                .stdin(Stdio::null());
            kill_when_stopped(c, step);

            // Whatever is in place opens, whole, with every row: the plain
            // file before the rename, the checked copy after it.
            let renamed = step == kam::store::ConvertStep::Renamed;
            assert_eq!(header(&db) == b"SQLite format 3\0", !renamed, "after {}", step.name());
            assert_eq!(check(d, Some(&pass)), before, "after {}", step.name());
            // And the conversion can be run again (a copy left aside is ours to remove).
            let again = kam(d, Some(&pass), &["encrypt"]);
            if renamed {
                assert!(String::from_utf8_lossy(&again.stderr).contains("already encrypted"));
            } else {
                ok(&again);
            }
            assert_eq!(check(d, Some(&pass)), before, "encrypted after {}", step.name());
            assert!(!d.join(".kam.db.converting").exists());
        }
    }

    #[test]
    fn encrypt_refuses_while_the_file_is_open_and_an_encrypted_file_twice() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        plain_file(d);
        let pass = pass_file(d, "pass", PASS);
        let db = d.join("kam.db");
        let open = Store::open(&db, common::clock()).expect("open");
        let bytes = fs::read(&db).expect("read");
        let o = kam(d, Some(&pass), &["encrypt"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("open in another program"));
        assert_eq!(fs::read(&db).expect("read"), bytes);
        drop(open);
        ok(&kam(d, Some(&pass), &["encrypt"]));
        let o = kam(d, Some(&pass), &["encrypt"]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("already encrypted"));
        let o = kam(d, None, &["decrypt"]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("needs its passphrase"));
    }

    /// `kam` with a folder standing in for the system's keyring.
    fn kam_ring(dir: &Path, pass: Option<&Path>, ring: &Path, args: &[&str]) -> Output {
        kam_with(dir, pass, Some(ring), args)
    }

    fn entries(ring: &Path) -> Vec<PathBuf> {
        fs::read_dir(ring).expect("keyring folder").map(|e| e.expect("entry").path()).collect()
    }

    #[test]
    fn a_passphrase_kept_in_the_keyring_opens_the_file_without_asking_until_forgotten() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        let pass = encrypted_file(d);
        let ring = d.join("keyring");
        fs::create_dir(&ring).expect("keyring folder");
        let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();

        // Nothing kept: the passphrase is needed as before.
        let o = kam_ring(d, None, &ring, &["check"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("needs its passphrase"), "{}", err(&o));
        let out = ok(&kam_ring(d, None, &ring, &["key", "forget"]));
        assert!(out.contains("no passphrase of"), "{out}");

        // A wrong passphrase is not kept.
        let wrong = pass_file(d, "wrong", "correct horse battery staple");
        let o = kam_ring(d, Some(&wrong), &ring, &["key", "remember"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("wrong passphrase"), "{}", err(&o));
        assert!(entries(&ring).is_empty(), "a wrong passphrase was kept");

        // The right one is kept, and the file opens without it being given.
        let out = ok(&kam_ring(d, Some(&pass), &ring, &["key", "remember"]));
        assert!(out.contains("kept in the system's keyring"), "{out}");
        assert_eq!(entries(&ring).len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&entries(&ring)[0]).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let out = ok(&kam_ring(d, None, &ring, &["check"]));
        assert!(out.contains("Integrity check: ok"), "{out}");
        // Another file of the same user is not opened with it.
        let other_db = d.join("other.db");
        fs::copy(d.join("kam.db"), &other_db).expect("copy");
        let o = kam_ring(d, None, &ring, &["--db", &other_db.display().to_string(), "check"]);
        assert!(err(&o).contains("needs its passphrase"), "{}", err(&o));

        // The file encrypted again with another passphrase: the kept one is
        // said not to open it, and the passphrase is asked for.
        ok(&kam_ring(d, None, &ring, &["decrypt"]));
        let other = pass_file(d, "other", "另一个口令 horse");
        ok(&kam_ring(d, Some(&other), &ring, &["encrypt"]));
        let o = kam_ring(d, None, &ring, &["check"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("does not open") && err(&o).contains("needs its passphrase"), "{}", err(&o));
        let o = kam_ring(d, None, &ring, &["--lang", "zh", "check"]);
        assert!(err(&o).contains("钥匙串中存的口令打不开"), "{}", err(&o));
        // The passphrase file still comes first.
        ok(&kam_ring(d, Some(&other), &ring, &["check"]));

        // Forgotten: gone from the keyring.
        let out = ok(&kam_ring(d, None, &ring, &["key", "forget"]));
        assert!(out.contains("was removed"), "{out}");
        assert!(entries(&ring).is_empty());

        // No keyring to reach: said, nothing kept.
        let o = kam_ring(d, Some(&other), &d.join("no-keyring"), &["key", "remember"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("no keyring of the system is reachable"), "{}", err(&o));
        // A plain file has no passphrase to keep.
        ok(&kam_ring(d, Some(&other), &ring, &["decrypt"]));
        let o = kam_ring(d, Some(&other), &ring, &["key", "remember"]);
        assert!(err(&o).contains("is not encrypted"), "{}", err(&o));
    }

    /// `kam key change` with the current passphrase in `pass` and the new
    /// one in `new`, stopping after `stop` when given.
    fn change(d: &Path, pass: &Path, new: &Path, ring: Option<&Path>, stop: Option<&str>) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kam"));
        c.args(["--lang", "en", "key", "change"])
            .env("KAM_CONFIG_DIR", d.join("cfg"))
            .env("KAM_DB", d.join("kam.db"))
            .env("KAM_NOW", common::kam_now())
            .env("KAM_PASSPHRASE_FILE", pass)
            .env("KAM_NEW_PASSPHRASE_FILE", new)
            .env_remove("KAM_KEYRING_DIR")
            .stdin(Stdio::null());
        if let Some(r) = ring {
            c.env("KAM_KEYRING_DIR", r);
        }
        if let Some(step) = stop {
            c.env("KAM_FAULT_STOP_AFTER", step);
        }
        c
    }

    #[test]
    fn a_new_passphrase_replaces_the_old_one_and_a_kill_at_any_step_loses_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        plain_file(d);
        let pass = pass_file(d, "pass", PASS);
        let new = pass_file(d, "new", "新的口令 battery 2027");
        let db = d.join("kam.db");
        let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();

        // A plain file has no passphrase to change.
        let o = change(d, &pass, &new, None, None).output().expect("run");
        assert!(err(&o).contains("is not encrypted"), "{}", err(&o));
        ok(&kam(d, Some(&pass), &["encrypt"]));
        let before = check(d, Some(&pass));
        let bytes = fs::read(&db).expect("read");

        // A wrong current passphrase, or the same one again: refused, nothing changed.
        let wrong = pass_file(d, "wrong", "correct horse battery staple");
        let o = change(d, &wrong, &new, None, None).output().expect("run");
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("wrong passphrase"), "{}", err(&o));
        let o = change(d, &pass, &pass, None, None).output().expect("run");
        assert_eq!(o.status.code(), Some(1));
        assert!(err(&o).contains("is the one the file has"), "{}", err(&o));
        assert_eq!(fs::read(&db).expect("read"), bytes);

        // Changed: the old passphrase no longer opens the file, the new one
        // does, with every row; the passphrase kept in the keyring follows.
        let ring = d.join("keyring");
        fs::create_dir(&ring).expect("keyring folder");
        ok(&kam_ring(d, Some(&pass), &ring, &["key", "remember"]));
        let o = change(d, &pass, &new, Some(&ring), None).output().expect("run");
        let out = ok(&o);
        assert!(out.contains("encrypted under the new passphrase") && out.contains("all checked"), "{out}");
        assert!(out.contains("kept in the keyring is now the new one"), "{out}");
        assert_ne!(header(&db), b"SQLite format 3\0");
        let o = kam(d, Some(&pass), &["check"]);
        assert!(err(&o).contains("wrong passphrase"), "{}", err(&o));
        assert_eq!(check(d, Some(&new)), before);
        let out = ok(&kam_ring(d, None, &ring, &["check"]));
        assert!(out.contains("Integrity check: ok"), "{out}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&db).expect("meta").permissions().mode() & 0o777, 0o600);
        }

        // A kill at any step leaves the file under the old passphrase or the
        // new one, whole, and the change can be run again.
        let kept = d.join("kept.db");
        fs::copy(&db, &kept).expect("keep");
        let third = pass_file(d, "third", "third passphrase 三");
        for step in kam::store::ConvertStep::ALL {
            fs::copy(&kept, &db).expect("start under the second passphrase");
            kill_when_stopped(change(d, &new, &third, None, Some(step.name())), step);
            let renamed = step == kam::store::ConvertStep::Renamed;
            let now = if renamed { &third } else { &new };
            assert_eq!(check(d, Some(now)), before, "after {}", step.name());
            if !renamed {
                ok(&change(d, &new, &third, None, None).output().expect("run"));
            }
            assert_eq!(check(d, Some(&third)), before, "changed after {}", step.name());
            assert!(!d.join(".kam.db.converting").exists());
        }
    }

    /// The system's keyring for real: GNOME Keyring's Secret Service in a
    /// private D-Bus session, as a Linux desktop has it, with its own home
    /// folder. Under CI (`CI` set) a missing gnome-keyring or D-Bus fails the
    /// test (`.ci/run` installs them); elsewhere it is skipped with a note.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_real_secret_service_keeps_the_passphrase_until_forgotten() {
        let have = |tool: &str| {
            Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
        };
        if !have("gnome-keyring-daemon") || !have("dbus-run-session") {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "CI: gnome-keyring and dbus are not installed; .ci/run installs them"
            );
            eprintln!(
                "skipped: the real keyring test needs gnome-keyring and dbus (apt-get install gnome-keyring dbus)"
            );
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        let pass = encrypted_file(d);
        let home = d.join("home");
        fs::create_dir(&home).expect("home");
        // The daemon's environment (its control socket) for the commands
        // after it; the session, and the daemon with it, end with the script.
        let script = r#"
            set -e
            export $(printf 'login' | gnome-keyring-daemon --unlock --components=secrets)
            echo "== remember"; KAM_PASSPHRASE_FILE="$PASS" "$KAM" --lang en key remember
            echo "== check"; "$KAM" --lang en check
            echo "== forget"; "$KAM" --lang en key forget
            if "$KAM" --lang en check 2>/dev/null; then echo "opened after forget"; exit 1; fi
            echo "== end"
        "#;
        let o = Command::new("dbus-run-session")
            .args(["--", "bash", "-c", script])
            .env("KAM", env!("CARGO_BIN_EXE_kam"))
            .env("PASS", &pass)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", &home)
            .env("KAM_CONFIG_DIR", d.join("cfg"))
            .env("KAM_DB", d.join("kam.db"))
            .env("KAM_NOW", common::kam_now())
            .env_remove("KAM_PASSPHRASE_FILE")
            .env_remove("KAM_KEYRING_DIR")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .output()
            .expect("run dbus-run-session");
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{out}\n{err}");
        assert!(out.contains("kept in the system's keyring"), "{out}\n{err}");
        assert!(out.contains("Integrity check: ok"), "opened with the kept passphrase: {out}\n{err}");
        assert!(out.contains("was removed from the keyring") && out.contains("== end"), "{out}\n{err}");
    }
}
