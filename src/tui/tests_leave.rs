//! Leaving never loses typing, a worker that fails stops kam cleanly, the
//! list sees other programs' writes, and a paste goes in whole or not at
//! all (issue #17).

use crossterm::event::KeyCode;
use kam_rules::Lang;

use super::app::{Action, Popup};
use super::draft::path_for;
use super::tests::{app, buffer, ctrl, find, press, seeded, typed};
use super::worker::{Done, Job, Worker};
use crate::model::Account;
use crate::store::Store;

fn form_text(app: &super::app::App, key: &str) -> String {
    let Some(Popup::Form(f)) = &app.popup else { panic!("a form is open") };
    f.form.text(key)
}

#[test]
fn ctrl_c_on_a_changed_form_asks_then_keeps_it_as_a_draft() {
    for lang in [Lang::Zh, Lang::En] {
        let (_d, mut app) = app(lang);
        press(&mut app, KeyCode::Char('n'));
        typed(&mut app, "杭州西湖精密");
        ctrl(&mut app, 'c');
        assert!(!app.quit, "a form with changes asks first");
        assert!(app.confirm_quit);
        let buf = buffer(&app, 100, 30);
        let title = if lang == Lang::Zh { "退出 kam?" } else { "Quit kam?" };
        assert!(find(&buf, title).is_some(), "the question is drawn in {lang:?}");
        // Any other key goes back to the form, with what was typed.
        press(&mut app, KeyCode::Char('x'));
        assert!(!app.quit && !app.confirm_quit);
        assert_eq!(form_text(&app, "name"), "杭州西湖精密", "the key answered the question, it was not typed");
        ctrl(&mut app, 'c');
        ctrl(&mut app, 'c');
        assert!(app.quit, "Ctrl-C twice quits");
        let draft = std::fs::read_to_string(path_for(&app.paths.db)).expect("the form is kept as a draft");
        assert!(draft.contains("杭州西湖精密"), "{draft}");
        assert!(app.exit_note.as_deref().is_some_and(|n| n.contains("draft") || n.contains("草稿")));
    }
}

#[test]
fn ctrl_c_without_changes_quits_at_once() {
    let (_d, mut app) = seeded(Lang::En);
    ctrl(&mut app, 'c');
    assert!(app.quit);
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('e'));
    assert!(matches!(app.popup, Some(Popup::Form(_))));
    ctrl(&mut app, 'c');
    assert!(app.quit, "an unchanged form does not ask");
    assert!(!path_for(&app.paths.db).exists(), "and leaves no draft");
}

#[test]
fn a_paste_past_the_field_limit_is_refused_whole_with_a_message() {
    let (_d, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "杭州");
    // 80,000 characters froze the workbench for 3.3 s, one insert each.
    let started = std::time::Instant::now();
    app.update(Action::Paste("长".repeat(80_000)));
    assert!(started.elapsed().as_millis() < 1_000, "{:?}", started.elapsed());
    assert_eq!(form_text(&app, "name"), "杭州", "the field keeps its text");
    let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
    let msg = f.form.fields[0].error.clone().expect("a message beside the field");
    assert!(msg.contains("200"), "{msg}");
    assert!(find(&buffer(&app, 160, 40), "paste refused").is_some(), "drawn beside the field");
    // A paste that fits goes in at the cursor, control characters left out.
    app.update(Action::Paste("西湖\x1b[31m精密".into()));
    assert_eq!(form_text(&app, "name"), "杭州西湖[31m精密");
}

#[test]
fn a_paste_into_the_filter_past_its_limit_is_refused() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('/'));
    app.update(Action::Paste("x".repeat(240_000)));
    assert_eq!(app.list.filter.value(), "");
    assert!(app.message.as_deref().is_some_and(|m| m.contains("paste refused")), "{:?}", app.message);
    app.update(Action::Paste("上海".into()));
    assert_eq!(app.list.filter.value(), "上海");
    assert_eq!(app.list.len(), 1);
}

#[test]
fn the_user_name_in_settings_is_capped_like_other_names() {
    let (_d, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char(','));
    ctrl(&mut app, 'u');
    app.update(Action::Paste("王".repeat(201)));
    ctrl(&mut app, 's');
    assert!(matches!(app.popup, Some(Popup::Form(_))), "not saved");
    assert_eq!(app.config.user.as_deref(), Some("王芳"));
    typed(&mut app, &"王".repeat(201));
    ctrl(&mut app, 's');
    assert!(matches!(app.popup, Some(Popup::Form(_))), "typed past the limit: not saved either");
    assert_eq!(app.config.user.as_deref(), Some("王芳"));
}

#[test]
fn a_panic_on_the_worker_thread_comes_back_as_a_stop() {
    let (_d, app) = seeded(Lang::En);
    let reader = app.store.open_reader().expect("reader");
    let mut worker = Worker::spawn(reader, app.rules.clone(), app.today).expect("spawn");
    worker.submit(Job::Fault, &app.store, &app.rules, app.today);
    let mut got = Vec::new();
    for _ in 0..500 {
        got.extend(worker.poll());
        if !got.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(matches!(got.as_slice(), [Done::Panicked(m)] if m.contains("fault injected")), "{got:?}");
    assert!(!worker.busy());
}

#[test]
fn a_failed_worker_stops_the_workbench_keeping_the_form() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "宁波");
    let (store, rules, today) = (&app.store, &app.rules, app.today);
    app.worker.submit(Job::Fault, store, rules, today);
    app.update(Action::Tick);
    assert!(app.stopped.as_deref().is_some_and(|m| m.contains("fault injected")), "{:?}", app.stopped);
    // What the event loop does next: the form kept as a draft.
    let path = app.keep_draft().expect("draft written");
    assert!(std::fs::read_to_string(path).expect("read").contains("宁波"));
}

#[test]
fn the_list_sees_rows_another_program_wrote() {
    let (_d, mut app) = seeded(Lang::En);
    assert_eq!(app.list.len(), 2);
    app.update(Action::Tick);
    assert_eq!(app.list.len(), 2, "nothing changed: nothing read again");
    // A second program (kam import in another terminal) commits to the file.
    let mut other = Store::open(&app.paths.db, app.store.clock()).expect("second connection");
    for name in ["宁波港机械有限公司", "苏州工业园区精工有限公司"] {
        other.save(&mut Account::named(name), "").expect("save");
    }
    drop(other);
    app.update(Action::Tick);
    assert_eq!(app.list.len(), 4, "the list counts the new rows");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "宁波");
    assert_eq!(app.list.len(), 1, "the filter finds them");
    // The workbench's own saves do not count as another program's.
    let before = app.live_version;
    app.store.save(&mut Account::named("温州"), "").expect("save");
    app.update(Action::Tick);
    assert_eq!(app.live_version, before);
}

#[test]
fn the_plan_list_in_view_sees_plans_another_program_wrote() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('2'));
    let shown = |app: &super::app::App| app.plans.list(super::app::Tab::CallPlans).map_or(0, |l| l.rows.len());
    assert_eq!(shown(&app), 0);
    let account = app.list.row(0).expect("an account").0;
    let mut other = Store::open(&app.paths.db, app.store.clock()).expect("second connection");
    let mut p =
        crate::model::CallPlan { account_id: account, opportunity: "机床改造".into(), ..Default::default() };
    other.save(&mut p, "").expect("save");
    drop(other);
    app.update(Action::Tick);
    assert_eq!(shown(&app), 1, "the call plan written elsewhere is listed");
}

#[test]
fn ctrl_c_asks_on_forms_that_cannot_be_kept_as_drafts_too() {
    // Settings: asked, and the question says the changes are lost.
    let (_d, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char(','));
    typed(&mut app, "X");
    ctrl(&mut app, 'c');
    assert!(app.confirm_quit && !app.quit);
    assert!(find(&buffer(&app, 120, 30), "cannot be kept").is_some());
    press(&mut app, KeyCode::Enter);
    assert!(app.quit);
    assert!(!path_for(&app.paths.db).exists(), "no draft for settings");
    // The alliance ticks of a contact.
    let (_d, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.popup, Some(Popup::Alliance { .. })), "{:?}", app.popup.is_some());
    press(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 'c');
    assert!(app.confirm_quit && !app.quit, "ticks not saved: asked first");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.popup, Some(Popup::Alliance { .. })), "back to the ticks");
    // The discount calculator saves nothing: no question.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none(), "the ticks dropped");
    press(&mut app, KeyCode::Char('='));
    assert!(matches!(app.popup, Some(Popup::Form(_))), "calculator open");
    typed(&mut app, "50000");
    ctrl(&mut app, 'c');
    assert!(app.quit);
}
