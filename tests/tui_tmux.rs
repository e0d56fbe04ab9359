//! The real binary in a terminal (tmux): create 杭州西湖精密机械有限公司,
//! find it with `/hzxh`, add the contact 曾志伟 and find him with `zzw`,
//! then quit and check the terminal came back; after a clean quit `kam.db`
//! alone holds the day's work, and with its output redirected the workbench
//! says it needs a terminal instead of drawing into the file. Run with `cargo test
//! --release` to drive the release binary. Skipped (with a note) when tmux
//! is not installed.

mod common;

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use kam::model::Account;
use kam::store::Store;

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).output();
    }
}

impl Session {
    /// Runs `cmd` in a new 120×40 tmux session named `name`.
    fn start(name: String, cmd: &str) -> Self {
        let ok = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", "120", "-y", "40", cmd])
            .status()
            .expect("tmux new-session");
        assert!(ok.success());
        Self(name)
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend_from_slice(keys);
        let ok = Command::new("tmux").args(&args).status().expect("tmux send-keys");
        assert!(ok.success());
        sleep(Duration::from_millis(150));
    }

    fn text(&self, text: &str) {
        let ok = Command::new("tmux").args(["send-keys", "-t", &self.0, "-l", text]).status().expect("tmux");
        assert!(ok.success());
        sleep(Duration::from_millis(150));
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.0]).output().expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "waited for {what:?}; screen:\n{s}");
            sleep(Duration::from_millis(100));
        }
    }

    fn alive(&self) -> bool {
        Command::new("tmux").args(["has-session", "-t", &self.0]).output().is_ok_and(|o| o.status.success())
    }
}

/// A folder with a config naming the user 王芳, and the command that runs
/// the binary on its `kam.db` in English on the tests' day with `env` set; `None` (with a
/// note) when tmux is not installed.
fn setup(env: &str) -> Option<(tempfile::TempDir, std::path::PathBuf, String)> {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed: skipping the terminal test");
        return None;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kam.db");
    let cfg = dir.path().join("cfg");
    std::fs::create_dir_all(cfg.join("kam")).expect("cfg");
    std::fs::write(cfg.join("kam").join("config.toml"), "user = \"王芳\"\n").expect("config");
    let bin = env!("CARGO_BIN_EXE_kam");
    let run = format!(
        "env XDG_CONFIG_HOME={} HOME={} KAM_NOW={} {env} {bin} --db {} --lang en",
        cfg.display(),
        dir.path().display(),
        common::kam_now(),
        db.display()
    );
    Some((dir, db, run))
}

#[test]
fn create_find_and_add_a_contact_in_the_real_binary() {
    let Some((_dir, db, run)) = setup("") else { return };
    let s = Session::start(format!("kamtest{}", std::process::id()), &format!("{run}; echo EXITED; sleep 30"));
    s.wait_for("Welcome to kam");
    s.keys(&["b"]);
    s.keys(&["n"]);
    s.wait_for("New account");
    s.text("杭州西湖精密机械有限公司");
    s.keys(&["C-s"]);
    s.wait_for("Contacts");
    s.keys(&["Escape"]);
    s.keys(&["/"]);
    s.text("hzxh");
    let screen = s.wait_for("1 rows");
    assert!(screen.contains("杭州西湖精密机械有限公司"), "{screen}");
    s.keys(&["Enter"]);
    s.keys(&["Enter"]);
    s.wait_for("Company");
    s.keys(&["n"]);
    s.wait_for("New contact");
    s.text("曾志伟");
    s.keys(&["C-s"]);
    s.wait_for("Political map");
    s.keys(&["Escape"]);
    s.keys(&["/"]);
    s.keys(&["C-u"]);
    s.text("zzw");
    let screen = s.wait_for("Contacts found");
    assert!(screen.contains("曾志伟") && screen.contains("杭州西湖精密机械有限公司"), "{screen}");
    // Enter in the filter opens what it found (62f3086); q goes back, q quits.
    s.keys(&["Enter"]);
    s.wait_for("Company");
    s.keys(&["q"]);
    s.keys(&["q"]);
    let screen = s.wait_for("EXITED");
    assert!(!screen.contains("Political map"), "the alternate screen was left:\n{screen}");
    assert!(s.alive());
    assert!(Path::new(&db).exists());
}

/// A panic while a form is open (injected with KAM_FAULT_PANIC_KEY): the
/// terminal comes back with a message naming the draft, and the next start
/// offers the form again with what was typed.
#[test]
fn a_crash_keeps_the_open_form_as_a_draft() {
    let Some((dir, _db, run)) = setup("KAM_FAULT_PANIC_KEY=F12") else { return };
    let cmd = format!("{run}; echo EXITED $?; sleep 30");
    let s = Session::start(format!("kamcrash{}", std::process::id()), &cmd);
    s.wait_for("Welcome to kam");
    s.keys(&["b"]);
    s.keys(&["n"]);
    s.wait_for("New account");
    s.text("宁波海天塑机集团");
    s.keys(&["F12"]);
    let screen = s.wait_for("EXITED 1");
    assert!(screen.contains("draft") && screen.contains("kam.db.draft.json"), "{screen}");
    assert!(!screen.contains("New account"), "the terminal was restored:\n{screen}");
    drop(s);

    let s = Session::start(format!("kamcrash2{}", std::process::id()), &cmd);
    s.wait_for("A form kept from last time");
    s.keys(&["Enter"]);
    let screen = s.wait_for("宁波海天塑机集团");
    assert!(screen.contains("New account"), "{screen}");
    s.keys(&["C-s"]);
    s.wait_for("Contacts");
    s.keys(&["Escape"]);
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    assert!(!dir.path().join("kam.db.draft.json").exists());
}

/// SIGTERM, a closed terminal (SIGHUP) and a panic on the worker thread
/// (injected with KAM_FAULT_PANIC_KEY=F11) with a form half filled: each
/// keeps the form as a draft, and the first and last give the terminal back
/// with a message naming it (issue #17: killed with no draft, the terminal
/// left on the alternate screen or in line mode).
#[test]
fn a_signal_or_a_failed_worker_keeps_the_open_form_as_a_draft() {
    let Some((dir, _db, run)) = setup("KAM_FAULT_PANIC_KEY=F11") else { return };
    let pid_file = dir.path().join("kam.pid");
    let draft = dir.path().join("kam.db.draft.json");
    let cmd = format!("sh -c 'echo $$ > {}; exec {run}'; echo EXITED $?; sleep 30", pid_file.display());
    for (i, how) in ["SIGTERM", "SIGHUP", "F11"].into_iter().enumerate() {
        let _ = std::fs::remove_file(&draft);
        let s = Session::start(format!("kamstop{i}{}", std::process::id()), &cmd);
        // The file stays empty (nothing is saved), so each start welcomes.
        s.wait_for("Welcome to kam");
        s.keys(&["b"]);
        s.wait_for("0 rows");
        s.keys(&["n"]);
        s.wait_for("New account");
        let name = format!("宁波海天塑机集团{i}");
        s.text(&name);
        s.wait_for(&name);
        match how {
            "F11" => s.keys(&["F11"]),
            "SIGHUP" => drop(s),
            _ => {
                let pid = std::fs::read_to_string(&pid_file).expect("pid");
                let ok = Command::new("kill").args(["-TERM", pid.trim()]).status().expect("kill");
                assert!(ok.success());
            }
        }
        let start = Instant::now();
        while !std::fs::read_to_string(&draft).is_ok_and(|d| d.contains(&name)) {
            assert!(start.elapsed() < Duration::from_secs(10), "{how}: no draft with the name typed");
            sleep(Duration::from_millis(100));
        }
        if how != "SIGHUP" {
            let s = Session(format!("kamstop{i}{}", std::process::id()));
            let screen = s.wait_for("EXITED 1");
            assert!(screen.contains("kam.db.draft.json"), "{how}:\n{screen}");
            assert!(!screen.contains("New account"), "{how}: the terminal was restored:\n{screen}");
        }
    }
}

#[test]
fn after_a_clean_quit_the_file_alone_holds_the_work_and_a_redirected_workbench_draws_nothing() {
    let Some((dir, db, run)) = setup("") else { return };
    let s = Session::start(format!("kamquit{}", std::process::id()), &format!("{run}; echo EXITED $?; sleep 30"));
    s.wait_for("Welcome to kam");
    s.keys(&["b"]);
    s.keys(&["n"]);
    s.wait_for("New account");
    s.text("杭州西湖精密机械有限公司");
    s.keys(&["C-s"]);
    s.wait_for("Contacts");
    s.keys(&["Escape"]);
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    drop(s);
    let wal = dir.path().join("kam.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).expect("meta").len() == 0, "the -wal still holds changes");
    let other = tempfile::tempdir().expect("tmp");
    std::fs::copy(&db, other.path().join("kam.db")).expect("copy kam.db alone");
    let names: Vec<String> = Store::open(&other.path().join("kam.db"), common::clock())
        .expect("the copy opens")
        .list::<Account>(10, 0)
        .expect("list")
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["杭州西湖精密机械有限公司"], "the day's work is in kam.db");

    // Output redirected to a file: a message on the terminal, nothing drawn.
    let out = dir.path().join("screen.txt");
    let cmd = format!("{run} > {}; echo EXITED $?; sleep 30", out.display());
    let s = Session::start(format!("kamredir{}", std::process::id()), &cmd);
    let screen = s.wait_for("EXITED 1");
    assert!(screen.contains("needs a terminal"), "{screen}");
    assert_eq!(std::fs::read(&out).expect("the redirected output"), b"", "drew into the file");
}
