//! `docs/keys.md` is generated from the tables the workbench's `?` shows,
//! so the documented keys cannot drift from the handlers' help. Run with
//! `KAM_WRITE_DOCS=1` to write the file after changing a screen's keys.

use kam_rules::Lang;

use super::app::{Section, Tab};
use super::screens::popups::help_keys;
use super::tests::seeded;
use crate::i18n::T;

fn table(out: &mut String, title: &str, keys: &[(&'static str, T)]) {
    use std::fmt::Write as _;
    let _ = write!(out, "\n## {title}\n\n| Key | What it does | 作用 |\n|---|---|---|\n");
    for (k, t) in keys {
        let _ = writeln!(out, "| `{}` | {} | {} |", k.replace('|', "\\|"), t.en(), t.zh());
    }
}

fn keys_doc() -> String {
    let (_dir, mut app) = seeded(Lang::En);
    let mut out = String::from(
        "# Keys of the workbench\n\nEvery screen's keys, as `?` lists them on that screen. This file is generated from\nthe workbench's own key tables by a test (`KAM_WRITE_DOCS=1 cargo test --lib keys_doc`\nwrites it again), so it always says what the keys do.\n",
    );
    table(&mut out, "Accounts (1): the list", &help_keys(&app));
    let id = app.list.row(0).map(|r| r.0.clone()).expect("an account");
    for s in Section::ALL {
        app.open_detail(&id, s);
        let title = format!("Accounts (1): an account, section {} / {}", s.title().en(), s.title().zh());
        table(&mut out, &title, &help_keys(&app));
    }
    app.detail = None;
    for (tab, title) in [
        (Tab::CallPlans, "Call plans (2)"),
        (Tab::Presentations, "Presentations (3)"),
        (Tab::Vip, "VIP cards (4)"),
        (Tab::Today, "Today (5)"),
    ] {
        app.tab = tab;
        table(&mut out, title, &help_keys(&app));
    }
    // With a head-office hub (#23), every tab has the sync key too.
    app.tab = Tab::Accounts;
    let alone = help_keys(&app);
    app.sync = super::sync::HubSync::new(Some("postgresql://kam@hub.example.com/kam".into()));
    let with_hub: Vec<_> = help_keys(&app).into_iter().filter(|k| !alone.contains(k)).collect();
    table(&mut out, "Every tab, with a hub (`hub` in config.toml)", &with_hub);
    out
}

#[test]
fn keys_doc_is_generated_from_the_help_tables() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/keys.md");
    let doc = keys_doc();
    if std::env::var_os("KAM_WRITE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs")).expect("docs folder");
        std::fs::write(&path, &doc).expect("write docs/keys.md");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == doc, "docs/keys.md is not what the help says: run KAM_WRITE_DOCS=1 cargo test --lib keys_doc");
}

/// The workbench calls the library the commands call (store, exchange,
/// demo, evaluation text), never `src/commands` itself.
#[test]
fn the_workbench_never_calls_the_commands() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").path()) {
            if e.is_dir() {
                walk(&e, out);
            } else if e.extension().is_some_and(|x| x == "rs") {
                out.push(e);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui"), &mut files);
    assert!(files.len() > 10);
    let offenders: Vec<String> = files
        .iter()
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("tests")))
        .filter(|p| std::fs::read_to_string(p).expect("read").contains("commands::"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "the workbench reaches into src/commands: {offenders:?}");
}
