//! What a field holds never reaches the terminal raw.

use kam_rules::Lang;

use super::tests::{app, buffer};
use crate::model::Account;

#[test]
fn escape_sequences_and_bidi_overrides_in_a_name_are_shown_not_sent() {
    let (_d, mut app) = app(Lang::En);
    let mut a = Account::named("恶意\u{1b}]0;pwned\u{7}公司\u{202E}gnp.exe");
    a.notes = "\u{1b}[2J cleared?".into();
    app.store.save(&mut a, "").expect("save");
    app.reload_list(None);
    for (w, h) in [(80, 24), (120, 40)] {
        let buf = buffer(&app, w, h);
        let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
        assert!(!text.chars().any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)), "{w}x{h}");
        assert!(
            text.replace(' ', "").contains("pwned公"),
            "the name is still shown, made safe: {}",
            text.replace(' ', "")
        );
    }
    app.open_detail(&a.meta.id, super::app::Section::Company);
    let buf = buffer(&app, 120, 40);
    let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(!text.contains('\u{1b}'), "no raw escape in the detail");
}

#[test]
fn a_form_open_at_a_crash_comes_back_at_the_next_start() {
    use crossterm::event::KeyCode;

    use super::app::Popup;
    use super::tests::{press, seeded, typed};

    let (dir, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('e'));
    for _ in 0..40 {
        let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
        if f.form.fields[f.form.focus].key == "notes" {
            break;
        }
        press(&mut app, KeyCode::Tab);
    }
    typed(&mut app, "客户要求下周回电");
    let path = app.keep_draft().expect("a draft is written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "customer data: private");
    }
    let paths = app.paths.clone();
    drop(app);

    // The next start offers it; Enter reopens the form with the text typed.
    let mut next = next_start(paths);
    assert!(matches!(next.popup, Some(Popup::Draft(_))), "offered at the start");
    press(&mut next, KeyCode::Enter);
    let Some(Popup::Form(f)) = &next.popup else { panic!("the form is back") };
    assert!(f.form.text("notes").ends_with("客户要求下周回电"), "{}", f.form.text("notes"));
    assert!(f.form.changed(), "still unsaved: Esc asks before dropping it");
    assert!(!path.exists(), "the draft file is gone once restored");
    drop(dir);
}

/// The welcome's demo offer on an empty file while the worker's readers
/// have it open (as in the workbench): it fills, it is not "locked".
#[test]
fn the_demo_offer_fills_an_open_file() {
    let (_dir, mut app) = app(Lang::En);
    app.start_worker();
    app.popup = Some(super::app::Popup::Welcome);
    super::tests::press(&mut app, crossterm::event::KeyCode::Char('d'));
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("200"), "{msg}");
    assert!(app.store.list::<Account>(1000, 0).expect("list").len() >= 200);
    let raw = rusqlite::Connection::open(&app.paths.db).expect("raw");
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal", "the file stays in WAL");
}

/// A full disk while a form is saved: the form stays open with every
/// character typed, the message says in the user's language that the disk
/// is full and which change was not saved, and once space is freed the
/// same Ctrl-S saves it.
#[test]
fn a_full_disk_keeps_the_form_and_saving_works_once_space_is_freed() {
    use crossterm::event::KeyCode;
    let (_dir, mut app) = app(Lang::Zh);
    app.store.limit_growth(2).expect("cap");
    // Fill the little room left.
    for i in 0..2000 {
        let mut a = Account { notes: "长".repeat(3000), ..Account::named(format!("占位{i}号公司")) };
        if app.store.insert(&mut a).is_err() {
            break;
        }
    }
    super::tests::press(&mut app, KeyCode::Char('n'));
    super::tests::typed(&mut app, "满盘测试有限公司");
    let Some(super::app::Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.set_value("notes", &"备注".repeat(2000));
    super::tests::ctrl(&mut app, 's');
    let Some(super::app::Popup::Form(f)) = &app.popup else { panic!("the form stays open") };
    assert_eq!(f.form.text("name"), "满盘测试有限公司", "every character typed is kept");
    let err = f.error.clone().unwrap_or_default();
    assert!(err.contains("磁盘已满") && err.contains("满盘测试有限公司"), "{err}");
    app.store.limit_growth(100_000).expect("room again");
    super::tests::ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved once space is freed: {:?}", app.message);
    let n = app.store.list::<Account>(10_000, 0).expect("list").iter().filter(|a| a.name == "满盘测试有限公司").count();
    assert_eq!(n, 1);
}

/// A message beside a field longer than the room left is cut with …, not
/// mid-word with nothing to say it goes on.
#[test]
fn a_long_message_beside_a_field_ends_in_an_ellipsis() {
    use crossterm::event::KeyCode;
    let (_dir, mut app) = app(Lang::Zh);
    super::tests::press(&mut app, KeyCode::Char('n'));
    for _ in 0..2 {
        super::tests::press(&mut app, KeyCode::Tab);
    }
    super::tests::typed(&mut app, "n/a");
    let buf = buffer(&app, 120, 40);
    let (_, y) = super::tests::find(&buf, "不是电话号码").expect("the message beside the phone");
    let row: String = (0..120).map(|x| buf[(x, y)].symbol().to_string()).collect();
    assert!(row.contains('…'), "{row}");
}

/// A draft of each record kept on an account's section (a new order with
/// a collection row, an edited contact, a new visit, change and feedback)
/// comes back at the next start on its account's section, with what was
/// typed, rows included.
#[test]
fn a_draft_of_each_account_record_comes_back_on_its_section() {
    use crossterm::event::KeyCode;

    use super::app::{Popup, Section};
    use super::tests::{press, seeded, typed};
    use super::tests_ledger::go;

    let cases: [(Section, char, &str, &str); 5] = [
        (Section::Orders, 'n', "rep", "赵六"),
        (Section::Contacts, 'e', "name", "马经理"),
        (Section::Visits, 'n', "purpose", "介绍新品"),
        (Section::Events, 'n', "kind", "人事变动"),
        (Section::Feedback, 'n', "from_whom", "曾志伟"),
    ];
    for (section, open, key, text) in cases {
        let (dir, mut app) = seeded(Lang::Zh);
        press(&mut app, KeyCode::Enter);
        go(&mut app, section);
        press(&mut app, KeyCode::Char(open));
        for _ in 0..40 {
            let Some(Popup::Form(f)) = &app.popup else { panic!("{section:?}: form") };
            if f.form.fields[f.form.focus].key == key {
                break;
            }
            press(&mut app, KeyCode::Tab);
        }
        if key == "name" {
            // An edit: the stored name replaced.
            let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
            f.form.set_value("name", "");
        }
        typed(&mut app, text);
        let rows_before = {
            let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
            (f.form.row_count(0), f.form.title)
        };
        if section == Section::Orders {
            // A collection typed in the table's row.
            let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
            f.form.set_cell(0, 0, "collection_amount", "100");
        }
        app.keep_draft().expect("a draft is written");
        let paths = app.paths.clone();
        drop(app);
        let mut next = next_start(paths);
        assert!(matches!(next.popup, Some(Popup::Draft(_))), "{section:?}: offered at the start");
        press(&mut next, KeyCode::Enter);
        let Some(Popup::Form(f)) = &next.popup else { panic!("{section:?}: the form is back") };
        assert!(f.form.text(key).ends_with(text), "{section:?}: {}", f.form.text(key));
        assert!(f.form.changed(), "{section:?}: still unsaved");
        // The order's typed collection row comes back with a blank row after it.
        let rows = if section == Section::Orders { (2, rows_before.1) } else { rows_before };
        assert_eq!((f.form.row_count(0), f.form.title), rows, "{section:?}: same form, same rows");
        if section == Section::Orders {
            assert_eq!(
                f.form.cell(0, 0, crate::tui::widgets::keys::F::CollectionAmount),
                "100",
                "the row's text is back"
            );
        }
        assert_eq!(next.detail.as_ref().map(|d| d.section), Some(section), "opened on its section");
        drop(dir);
    }
}

/// A date typed as `明天` in a kept visit means the day after the day it
/// was typed, whichever day the draft is restored on.
#[test]
fn a_relative_date_in_a_draft_keeps_the_day_it_meant() {
    use crossterm::event::KeyCode;

    use super::app::{Popup, Section};
    use super::tests::{press, seeded};
    use super::tests_ledger::go;

    let (_dir, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Enter);
    go(&mut app, Section::Visits);
    press(&mut app, KeyCode::Char('n'));
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.set_value("next_date", "明天");
    app.keep_draft().expect("a draft is written");
    let paths = app.paths.clone();
    drop(app);
    let later = super::tests::today() + chrono::Duration::days(5);
    let mut next = start_on(paths, later);
    press(&mut next, KeyCode::Enter);
    let Some(Popup::Form(f)) = &next.popup else { panic!("the form is back") };
    let meant = super::tests::today() + chrono::Duration::days(1);
    assert_eq!(f.form.date("next_date", later), Some(meant), "{}", f.form.text("next_date"));
}

/// The workbench started again on the file at `paths`, as a user starts it
/// after a crash: a kept draft is offered.
fn next_start(paths: crate::paths::Paths) -> super::app::App {
    start_on(paths, super::tests::today())
}

/// [`next_start`] on the day `day`.
fn start_on(paths: crate::paths::Paths, day: chrono::NaiveDate) -> super::app::App {
    let store = crate::store::Store::open(&paths.db, crate::clock::Clock::starting_on_day(day)).expect("open");
    let config = crate::config::Config { user: Some("王芳".into()), ..crate::config::Config::default() };
    let mut next = super::app::App::new(store, paths, config, kam_rules::Rules::default(), Lang::Zh);
    next.reload_list(None);
    next.first_start(true);
    next
}
