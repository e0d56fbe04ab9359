//! `docs/keys.md` is generated from the key tables (`tui::keymap`) the
//! handlers dispatch on and `?` shows, so the documented keys cannot drift
//! from what the keys do. Run with `KAM_WRITE_DOCS=1` to write the file
//! after changing a screen's keys.

use kam_rules::Lang;

use super::app::{Section, Tab};
use super::screens::popups::help_keys;
use crossterm::event::KeyCode;

use super::tests::{press, seeded};
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
    // The views a key opens, each with its own keys.
    press(&mut app, KeyCode::Char('v'));
    assert!(app.day.eval.is_some(), "v opens the evaluation");
    table(&mut out, "Today (5): the month's evaluation (v)", &help_keys(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('l'));
    assert!(app.vip.learned.is_some(), "l opens the learning view");
    table(&mut out, "VIP cards (4): the learning view (l)", &help_keys(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Enter);
    assert!(app.plans.list(Tab::CallPlans).is_some_and(|l| l.editor.is_some()), "n, Enter opens a plan's form");
    table(&mut out, "Call plans (2) and Presentations (3): a plan's form", &help_keys(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('1'));
    // The popups' keys (their feet name them too).
    for (name, keys) in super::keymap::POPUPS {
        table(&mut out, &format!("Popup: {name}"), &super::keymap::help(keys).collect::<Vec<_>>());
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

/// Every screen's table: each label names exactly its keys, no key is bound
/// twice in a table, and no key of a screen's table is shadowed by the
/// keys the screen shares (a section's own keys come before the detail's).
#[test]
fn every_key_table_says_its_keys() {
    use super::keymap::{check_table, Binding, Key, FORM_KEYS, GLOBAL, HUB, NAV, PLAN_FORM_KEYS, QUIT};
    fn keys<A>(t: &[Binding<A>]) -> Vec<Key> {
        t.iter().flat_map(|b| b.keys.iter().copied()).collect()
    }
    fn apart<A, B>(name: &str, a: &[Binding<A>], b: &[Binding<B>]) {
        let shared: Vec<Key> = keys(a).into_iter().filter(|k| keys(b).contains(k)).collect();
        assert!(shared.is_empty(), "{name}: {shared:?} in both tables");
    }
    use super::account_detail::{section_keys, DETAIL_KEYS};
    use super::account_list::LIST_KEYS;
    use super::plans::PLAN_LIST_KEYS;
    use super::today::{EVAL_KEYS, TODAY_KEYS};
    use super::vip::{VIP_KEYS, VIP_LEARN_KEYS};
    check_table("list", LIST_KEYS);
    apart("list", LIST_KEYS, NAV);
    apart("list", LIST_KEYS, GLOBAL);
    check_table("detail", DETAIL_KEYS);
    apart("detail", DETAIL_KEYS, GLOBAL);
    for s in Section::ALL {
        let name = format!("section {s:?}");
        check_table(&name, section_keys(s));
        apart(&name, section_keys(s), DETAIL_KEYS);
        apart(&name, section_keys(s), GLOBAL);
    }
    check_table("plans", PLAN_LIST_KEYS);
    apart("plans", PLAN_LIST_KEYS, NAV);
    check_table("vip", VIP_KEYS);
    apart("vip", VIP_KEYS, NAV);
    check_table("vip learning", VIP_LEARN_KEYS);
    apart("vip learning", VIP_LEARN_KEYS, NAV);
    check_table("today", TODAY_KEYS);
    apart("today", TODAY_KEYS, NAV);
    check_table("evaluation", EVAL_KEYS);
    apart("evaluation", EVAL_KEYS, GLOBAL);
    for (name, t) in [("form", FORM_KEYS), ("plan form", PLAN_FORM_KEYS)] {
        check_table(name, t);
        apart(name, t, QUIT);
        apart(name, t, &HUB[..1]);
    }
}

/// A help taller than the screen scrolls with the keys of `HELP_KEYS`: at
/// 80×24 the title says how many lines are below, End shows the last key of
/// the table, and any other key closes it.
#[test]
fn a_help_taller_than_the_screen_scrolls_to_its_last_key() {
    use super::app::{Action, Popup};
    use super::tests::{buffer, find};
    for lang in [Lang::En, Lang::Zh] {
        let (_dir, mut app) = seeded(lang);
        app.update(Action::Resize { width: 80, height: 24 });
        let id = app.list.row(0).map(|r| r.0.clone()).expect("an account");
        app.open_detail(&id, Section::Orders);
        press(&mut app, KeyCode::Char('?'));
        let last = help_keys(&app).last().copied().expect("keys");
        let buf = buffer(&app, 80, 24);
        let more = T::HelpMore.fill(lang, &[("n", "")]);
        let more = more.trim();
        assert!(
            find(&buf, more.split_whitespace().next().unwrap_or(more)).is_some(),
            "the title says there is more ({lang:?})"
        );
        assert!(find(&buf, last.0).is_none(), "the last key ({}) is below at first", last.0);
        press(&mut app, KeyCode::End);
        let buf = buffer(&app, 80, 24);
        assert!(find(&buf, last.0).is_some(), "End shows the last key ({})", last.0);
        press(&mut app, KeyCode::Home);
        assert!(matches!(app.popup, Some(Popup::Help { scroll: 0 })));
        press(&mut app, KeyCode::Char('x'));
        assert!(app.popup.is_none(), "another key closes the help");
        // At 120×40 it fits and says any key closes it.
        app.update(Action::Resize { width: 120, height: 40 });
        press(&mut app, KeyCode::Char('?'));
        let buf = buffer(&app, 120, 40);
        assert!(find(&buf, app.t(T::HelpClose)).is_some());
        assert!(find(&buf, last.0).is_some());
    }
}

/// A key is handled exactly when a table lists it: on each screen, every
/// letter, digit and sign no table of the screen binds leaves the screen as
/// it was (drawn before and after), and `?` lists every key that acts.
#[test]
fn a_key_no_table_lists_does_nothing() {
    use super::keymap::{find, GLOBAL, HUB, NAV};
    use super::tests::buffer;
    use crossterm::event::{KeyEvent, KeyModifiers};
    let (_dir, mut app) = seeded(Lang::En);
    let id = app.list.row(0).map(|r| r.0.clone()).expect("an account");
    let unbound = |app: &super::app::App, key: &KeyEvent| -> bool {
        let listed = help_keys(app);
        // What `?` shows is read back into keys: a key none of them names is unbound.
        let named: Vec<super::keymap::Key> =
            listed.iter().filter_map(|(l, _)| super::keymap::label_keys(l)).flatten().collect();
        !named.iter().any(|k| k.matches(key))
            && find(NAV, key).is_none()
            && find(GLOBAL, key).is_none()
            && find(HUB, key).is_none()
    };
    let mut screens = 0;
    for setup in 0..6 {
        match setup {
            0 => {}
            1 => app.open_detail(&id, Section::Company),
            2 => app.open_detail(&id, Section::Contacts),
            3 => app.open_detail(&id, Section::Orders),
            4 => {
                app.detail = None;
                press(&mut app, KeyCode::Char('4'));
            }
            _ => press(&mut app, KeyCode::Char('5')),
        }
        screens += 1;
        for c in (b'!'..=b'~').map(char::from) {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if !unbound(&app, &key) {
                continue;
            }
            // Whatever the worker had for the screen arrives first.
            app.update(super::app::Action::Tick);
            let before = buffer(&app, 120, 40);
            let (tab, detail) = (app.tab, app.detail.as_ref().map(|d| d.section));
            app.update(super::app::Action::Key(key));
            assert!(app.popup.is_none() && !app.quit, "{c:?} on screen {setup} opened something");
            assert_eq!((app.tab, app.detail.as_ref().map(|d| d.section)), (tab, detail), "{c:?} on screen {setup}");
            assert!(buffer(&app, 120, 40) == before, "{c:?} is in no table of screen {setup} but changed it");
        }
    }
    assert_eq!(screens, 6);
}

/// Every key the README's workbench section names in backquotes is bound
/// in one of the tables (or one of the popups' few own keys, listed here):
/// the README cannot promise a key that does nothing.
#[test]
fn the_readme_names_only_keys_the_tables_bind() {
    use super::keymap::{label_keys, Binding, Key, FORM_KEYS, GLOBAL, HELP_KEYS, HUB, NAV, PLAN_FORM_KEYS, QUIT};
    fn keys<A>(t: &[Binding<A>]) -> Vec<Key> {
        t.iter().flat_map(|b| b.keys.iter().copied()).collect()
    }
    let mut bound: Vec<Key> = Vec::new();
    bound.extend(keys(super::account_list::LIST_KEYS));
    bound.extend(keys(super::account_detail::DETAIL_KEYS));
    for s in Section::ALL {
        bound.extend(keys(super::account_detail::section_keys(s)));
    }
    bound.extend(keys(super::plans::PLAN_LIST_KEYS));
    bound.extend(keys(super::vip::VIP_KEYS));
    bound.extend(keys(super::vip::VIP_LEARN_KEYS));
    bound.extend(keys(super::today::TODAY_KEYS));
    bound.extend(keys(super::today::EVAL_KEYS));
    for t in [FORM_KEYS, PLAN_FORM_KEYS] {
        bound.extend(keys(t));
    }
    for (_, t) in super::keymap::POPUPS {
        bound.extend(keys(t));
    }
    bound.extend(keys(NAV).into_iter().chain(keys(GLOBAL)).chain(keys(HUB)).chain(keys(QUIT)).chain(keys(HELP_KEYS)));
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let start = readme.find("## The workbench").expect("the workbench section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut named = 0;
    let mut unbound = Vec::new();
    for quoted in section.split('`').skip(1).step_by(2) {
        // `s`/`S` and `Alt-↑`/`Alt-↓` are written apart.
        let Some(ks) = label_keys(quoted) else { continue };
        for key in ks {
            named += 1;
            let ev = match key {
                Key::Char(c) | Key::Digits(c, _) => {
                    crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE)
                }
                Key::Code(c) => crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE),
                Key::Ctrl(c) => {
                    crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::CONTROL)
                }
                Key::CtrlCode(c) => crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::CONTROL),
                Key::Alt(c) => crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::ALT),
            };
            if !bound.iter().any(|b| b.matches(&ev)) {
                unbound.push(quoted.to_string());
            }
        }
    }
    assert!(named > 30, "the README's workbench section names keys ({named})");
    assert!(unbound.is_empty(), "the README names keys no table binds: {unbound:?}");
}

/// The short key lines at the foot of screens and popups name only keys
/// their table binds: each `key text` part of a foot is read back into keys
/// (a part that does not start with a key, "type to filter", is skipped).
#[test]
fn every_foot_names_only_keys_its_table_binds() {
    use super::keymap::*;
    fn bound(tables: &[&[Binding<Pop>]], key: Key) -> bool {
        let evs: Vec<crossterm::event::KeyEvent> = match key {
            Key::Digits(a, b) => (a..=b).map(|c| crossterm::event::KeyEvent::from(KeyCode::Char(c))).collect(),
            Key::Char(c) => vec![crossterm::event::KeyEvent::from(KeyCode::Char(c))],
            Key::Code(c) => vec![crossterm::event::KeyEvent::from(c)],
            Key::Ctrl(c) => {
                vec![crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::CONTROL)]
            }
            Key::CtrlCode(c) => vec![crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::CONTROL)],
            Key::Alt(c) => vec![crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::ALT)],
        };
        evs.iter().all(|ev| tables.iter().any(|t| t.iter().any(|b| b.keys.iter().any(|k| k.matches(ev)))))
    }
    fn keys_of(foot: &str) -> Vec<Key> {
        let mut out = Vec::new();
        for part in foot.split('·') {
            let Some(word) = part.split_whitespace().next() else { continue };
            let pieces: Vec<&str> =
                if word == "/" { vec![word] } else { word.split('/').filter(|p| !p.is_empty()).collect() };
            let Some(first) = pieces.first().and_then(|p| label_keys(p)) else { continue };
            out.extend(first);
            out.extend(pieces[1..].iter().filter_map(|p| label_keys(p)).flatten());
        }
        out
    }
    // Each screen's table seen as popup actions: only its keys matter here.
    fn as_pop<A>(t: &'static [Binding<A>]) -> Vec<Binding<Pop>> {
        t.iter().map(|b| Binding { label: b.label, keys: b.keys, help: b.help, action: Pop::Move }).collect()
    }
    let leak = |v: Vec<Binding<Pop>>| -> &'static [Binding<Pop>] { Box::leak(v.into_boxed_slice()) };
    let form = leak(as_pop(FORM_KEYS));
    let feet: Vec<(T, Vec<&[Binding<Pop>]>)> = vec![
        (T::TrashKeys, vec![TRASH_KEYS]),
        (T::DraftKeys, vec![DRAFT_KEYS]),
        (T::ReasonKeys, vec![REASON_KEYS]),
        (T::EraseKeys, vec![REASON_KEYS]),
        (T::PickerKeys, vec![PICKER_KEYS]),
        (T::TsKeys, vec![TEXT_SEARCH_KEYS]),
        (T::RequestsKeys, vec![REQUESTS_KEYS]),
        (T::ScorecardKeys, vec![SCORECARD_KEYS]),
        (T::AllianceKeys, vec![ALLIANCE_KEYS]),
        (T::VipConvertKeys, vec![CONVERT_KEYS]),
        (T::VipLearnKeys, vec![leak(as_pop(super::vip::VIP_LEARN_KEYS))]),
        (T::VipListKeys, vec![leak(as_pop(super::vip::VIP_KEYS)), leak(as_pop(GLOBAL))]),
        (T::EvalKeys, vec![leak(as_pop(super::today::EVAL_KEYS))]),
        (T::FormKeys, vec![form]),
        (T::ConflictKeys, vec![form]),
        (T::SettingsKeys, vec![form]),
        (T::VipOpenMatchKey, vec![form]),
        (T::PlanEditorKeys, vec![leak(as_pop(PLAN_FORM_KEYS))]),
        (T::KArchive, vec![leak(as_pop(super::account_detail::ARCHIVE_KEYS))]),
    ];
    let mut checked = 0;
    for (foot, tables) in &feet {
        for lang in [Lang::En, Lang::Zh] {
            for key in keys_of(foot.get(lang)) {
                checked += 1;
                assert!(bound(tables, key), "{foot:?} ({lang:?}) names {key:?}, which its table does not bind");
            }
        }
    }
    assert!(checked > 60, "the feet name keys ({checked})");
}
