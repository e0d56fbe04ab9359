//! The real binary in a terminal (tmux), for what the file holds after the
//! workbench quits and what happens without a terminal (issue #17): after
//! a clean quit `kam.db` alone holds the day's work, and with its output
//! redirected to a file the workbench says it needs a terminal instead of
//! drawing into the file. Skipped (with a note) when tmux is not installed.

mod common;

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
        assert!(Command::new("tmux").args(&args).status().expect("tmux send-keys").success());
        sleep(Duration::from_millis(150));
    }

    fn text(&self, text: &str) {
        let ok = Command::new("tmux").args(["send-keys", "-t", &self.0, "-l", text]).status().expect("tmux");
        assert!(ok.success());
        sleep(Duration::from_millis(150));
    }

    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.0]).output().expect("capture");
            let s = String::from_utf8_lossy(&out.stdout).into_owned();
            if s.contains(what) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "waited for {what:?}; screen:\n{s}");
            sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn after_a_clean_quit_the_file_alone_holds_the_work_and_a_redirected_workbench_draws_nothing() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed: skipping the terminal test");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kam.db");
    let cfg = dir.path().join("cfg");
    std::fs::create_dir_all(cfg.join("kam")).expect("cfg");
    std::fs::write(cfg.join("kam").join("config.toml"), "user = \"王芳\"\n").expect("config");
    let run = format!(
        "env XDG_CONFIG_HOME={} HOME={} KAM_NOW={} {} --db {} --lang en",
        cfg.display(),
        dir.path().display(),
        common::kam_now(),
        env!("CARGO_BIN_EXE_kam"),
        db.display()
    );
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
