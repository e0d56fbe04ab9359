//! The workbench driven by key events and drawn with ratatui's TestBackend.

use chrono::NaiveDate;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use kam::model::Account;
use kam::store::Store;
use kam::tui::app::{App, Popup, Section};
use kam::tui::screens;
use kam_rules::{Lang, Rules};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn app(dir: &std::path::Path, lang: Lang, demo: u32) -> App {
    let mut store = Store::open(&dir.join("kam.db")).expect("open");
    store.set_user("王芳");
    if demo > 0 {
        let o = kam::commands::demo::Options { accounts: demo, seed: 5, today: today() };
        kam::commands::demo::generate(&mut store, &Rules::default(), &o).expect("demo");
    }
    App::new(store, Rules::default(), lang, today())
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(&key(KeyCode::Char(c)));
    }
}

/// Draws the app and returns the screen as text, with the temporary folder hidden.
fn screen(app: &mut App, w: u16, h: u16, dir: &std::path::Path) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| {
        app.set_page_height(screens::accounts::list_height(ratatui::layout::Rect {
            height: h.saturating_sub(2),
            ..f.area()
        }));
        screens::render(app, f);
    })
    .expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.replace(&dir.display().to_string(), "[dir]")
}

#[test]
fn snapshots_in_both_languages_and_sizes() {
    for lang in [Lang::En, Lang::Zh] {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut a = app(tmp.path(), lang, 30);
        for (w, h) in [(80, 24), (120, 40)] {
            let name = format!("list_{}_{w}x{h}", lang.key());
            insta::assert_snapshot!(name, screen(&mut a, w, h, tmp.path()));
        }
        a.update(&key(KeyCode::Enter));
        a.update(&key(KeyCode::Tab));
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(
                format!("detail_contacts_{}_{w}x{h}", lang.key()),
                screen(&mut a, w, h, tmp.path())
            );
        }
        a.update(&key(KeyCode::Char('e')));
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("profile_form_{}_{w}x{h}", lang.key()), screen(&mut a, w, h, tmp.path()));
        }
        a.update(&key(KeyCode::Esc));
        a.update(&key(KeyCode::Char('?')));
        insta::assert_snapshot!(format!("help_detail_{}_80x24", lang.key()), screen(&mut a, 80, 24, tmp.path()));
        a.update(&key(KeyCode::Esc));
        a.update(&key(KeyCode::Esc));
        a.update(&key(KeyCode::Char('3')));
        insta::assert_snapshot!(format!("not_built_{}_80x24", lang.key()), screen(&mut a, 80, 24, tmp.path()));
    }
}

#[test]
fn an_empty_file_offers_demo_data() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = app(tmp.path(), Lang::Zh, 0);
    assert!(matches!(a.popup, Some(Popup::FirstRun)));
    insta::assert_snapshot!("first_run_zh_80x24", screen(&mut a, 80, 24, tmp.path()));
    a.update(&key(KeyCode::Char('d')));
    assert!(a.popup.is_none());
    assert!(a.list.rows.len() >= 100, "demo accounts listed");
}

#[test]
fn new_account_with_chinese_validation_and_filter() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = app(tmp.path(), Lang::En, 0);
    a.update(&key(KeyCode::Char('b')));
    a.update(&key(KeyCode::Char('n')));
    typed(&mut a, "杭州西湖精密机械有限公司");
    for _ in 0..8 {
        a.update(&key(KeyCode::Tab));
    }
    typed(&mut a, "lots");
    a.update(&ctrl('s'));
    let Some(Popup::Form(state)) = &a.popup else { panic!("the form stays open on an error") };
    let capital = state.form.fields.iter().find(|f| f.column == "registered_capital").expect("field");
    assert!(capital.error.is_some(), "error beside the field");
    assert_eq!(state.form.value("name"), Some("杭州西湖精密机械有限公司"), "nothing typed is lost");
    let shown = screen(&mut a, 120, 40, tmp.path());
    assert!(shown.contains("'lots' is not an amount"), "{shown}");
    for _ in 0..4 {
        a.update(&key(KeyCode::Backspace));
    }
    typed(&mut a, "5万");
    a.update(&ctrl('s'));
    assert!(a.popup.is_none(), "saved");
    let saved: Vec<Account> = a.store.list(10, 0).expect("list");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].name, "杭州西湖精密机械有限公司");
    assert_eq!(saved[0].registered_capital, Some(kam_rules::Money::from_yuan(50_000)));
    assert_eq!(saved[0].meta.updated_by, "王芳");

    // A second account with the same name is flagged as a duplicate first.
    a.update(&key(KeyCode::Char('n')));
    typed(&mut a, "杭州西湖精密机械");
    a.update(&ctrl('s'));
    let Some(Popup::Form(state)) = &a.popup else { panic!("duplicate warning keeps the form") };
    assert!(state.form.message.as_deref().is_some_and(|m| m.contains("duplicate")));
    a.update(&key(KeyCode::Esc));
    a.update(&key(KeyCode::Char('y')));
    assert!(a.popup.is_none());

    // Find it by pinyin initials, open it, add 曾志伟 and find him with zzw.
    a.update(&key(KeyCode::Char('/')));
    typed(&mut a, "hzxh");
    assert_eq!(a.list.rows.len(), 1);
    a.update(&key(KeyCode::Enter));
    assert!(a.detail.is_some());
    a.update(&key(KeyCode::Tab));
    assert_eq!(a.detail.as_ref().map(|d| d.section), Some(Section::Contacts));
    a.update(&key(KeyCode::Char('n')));
    typed(&mut a, "曾志伟");
    a.update(&ctrl('s'));
    assert!(a.popup.is_none());
    assert_eq!(a.detail.as_ref().map(|d| d.contacts.len()), Some(1));
    a.update(&key(KeyCode::Esc));
    a.update(&key(KeyCode::Esc));
    a.update(&key(KeyCode::Char('/')));
    typed(&mut a, "zzw");
    assert_eq!(a.list.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["杭州西湖精密机械有限公司"]);
}

#[test]
fn delete_asks_for_a_reason_and_moves_to_the_trash() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = app(tmp.path(), Lang::En, 5);
    let first = a.list.rows[0].name.clone();
    a.update(&key(KeyCode::Char('d')));
    a.update(&key(KeyCode::Enter));
    assert!(matches!(a.popup, Some(Popup::Reason { error: true, .. })), "a reason is required");
    typed(&mut a, "客户注销");
    a.update(&key(KeyCode::Enter));
    assert!(a.popup.is_none());
    assert!(a.list.rows.iter().all(|r| r.name != first));
    assert_eq!(a.store.trash().expect("trash").len(), 1);
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = app(tmp.path(), Lang::Zh, 5);
    for (w, h) in [(1, 1), (5, 2), (10, 3), (20, 5), (40, 8), (200, 3), (3, 60)] {
        screen(&mut a, w, h, tmp.path());
        a.update(&key(KeyCode::Char('e')));
        screen(&mut a, w, h, tmp.path());
        a.update(&key(KeyCode::Esc));
    }
}
