//! The text search (#22) through the keys: a visit typed on a blank file is
//! found again by a word of its summary, and Enter opens its account on
//! the Visits section.

use crossterm::event::KeyCode;
use kam_rules::Lang;

use super::app::{App, Popup, Section, Tab};
use super::tests::{app, buffer, ctrl, find, press, snap, typed};
use super::worker::Done;
use crate::store::{TextFound, TextKind};

fn search(app: &App) -> &super::text_search::TextSearch {
    let Some(Popup::TextSearch(s)) = &app.popup else { panic!("the text search is open") };
    s
}

/// A blank file, an account and a visit with a summary, all typed.
fn a_visit_typed(lang: Lang) -> (tempfile::TempDir, App) {
    let (dir, mut app) = app(lang);
    assert_eq!(app.list.len(), 0, "a blank file");
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "杭州西湖精密机械有限公司");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "account saved");
    for _ in 0..Section::ALL.len() {
        if app.detail.as_ref().is_some_and(|d| d.section == Section::Visits) {
            break;
        }
        press(&mut app, KeyCode::Right);
    }
    press(&mut app, KeyCode::Char('n'));
    // Date → time, kind, by, by a manager, purpose; then the summary.
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    typed(&mut app, "季度回访");
    press(&mut app, KeyCode::Tab);
    typed(&mut app, "老板说冬季前要更换锅炉, the boiler retrofit needs a quote before winter");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "visit saved");
    assert_eq!(app.detail.as_ref().map(|d| d.visits.len()), Some(1));
    // A second visit, so that Enter has to pick the right one.
    press(&mut app, KeyCode::Char('n'));
    for _ in 0..6 {
        press(&mut app, KeyCode::Tab);
    }
    typed(&mut app, "例行拜访, nothing new");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "second visit saved");
    press(&mut app, KeyCode::Esc);
    assert!(app.detail.is_none(), "back on the list");
    (dir, app)
}

#[test]
fn a_typed_visit_is_found_by_a_word_of_its_summary_and_opened_on_visits() {
    for lang in [Lang::Zh, Lang::En] {
        let (_dir, mut app) = a_visit_typed(lang);
        press(&mut app, KeyCode::Char('F'));
        assert!(search(&app).found.hits.is_empty());
        snap("text_search_empty", &mut app);

        // Any case; the words in any order, all in the same record.
        typed(&mut app, "WINTER 锅炉");
        let s = search(&app);
        assert!(!s.searching(), "the inline worker answered");
        assert_eq!(s.found.hits.len(), 1, "{:?}", s.found.hits);
        let hit = &s.found.hits[0];
        assert_eq!((hit.kind, hit.field), (TextKind::Visit, "summary"));
        assert_eq!(hit.label, "杭州西湖精密机械有限公司");
        let buf = buffer(&app, 120, 40);
        let (x, y) = find(&buf, "更换锅炉").expect("the snippet is shown");
        assert_eq!(buf[(x + 4, y)].symbol(), "锅");
        assert_eq!(buf[(x + 4, y)].bg, ratatui::style::Color::Yellow, "the match is highlighted");
        assert_ne!(buf[(x, y)].bg, ratatui::style::Color::Yellow, "the text around it is not");
        snap("text_search_found", &mut app);

        // A word of no record: nothing; the one that was there comes back.
        typed(&mut app, " turbine");
        assert!(search(&app).found.hits.is_empty());
        snap("text_search_nothing", &mut app);
        for _ in 0.." turbine".len() {
            press(&mut app, KeyCode::Backspace);
        }
        assert_eq!(search(&app).found.hits.len(), 1);

        // Enter: the account's page on Visits, the visit found selected.
        press(&mut app, KeyCode::Enter);
        assert!(app.popup.is_none(), "the popup closes");
        assert_eq!(app.tab, Tab::Accounts);
        let d = app.detail.as_ref().expect("the account is open");
        assert_eq!(d.section, Section::Visits);
        assert!(d.visits[d.row_sel].summary.contains("锅炉"), "the visit found is selected");

        // Esc closes the search without opening anything.
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('F'));
        typed(&mut app, "boiler");
        press(&mut app, KeyCode::Esc);
        assert!(app.popup.is_none() && app.detail.is_none(), "Esc closes, nothing opened");
    }
}

#[test]
fn a_result_for_an_older_query_is_dropped() {
    let (_dir, mut app) = a_visit_typed(Lang::En);
    press(&mut app, KeyCode::Char('F'));
    typed(&mut app, "boiler");
    assert_eq!(search(&app).found.hits.len(), 1);
    // A late answer to a query sent before (or from a popup since closed).
    app.text_search_done(Done::TextSearch { generation: 0, found: Ok(TextFound::default()), ms: 0.0 });
    assert_eq!(search(&app).found.hits.len(), 1, "the stale result is not shown");
    assert_eq!(search(&app).found_for, "boiler");
}

#[test]
fn enter_opens_a_plan_in_its_editor_and_a_vip_card_on_its_tab() {
    use crate::model::{Account, CallPlan, Presentation, VipCard};
    let (_dir, mut app) = app(Lang::En);
    let mut a = Account::named("上海华联超市股份有限公司");
    app.store.save(&mut a, "").expect("account");
    let mut call = CallPlan {
        account_id: a.meta.id.clone(),
        objective: "Win the cold-chain tender".into(),
        ..CallPlan::default()
    };
    app.store.save(&mut call, "").expect("call");
    let mut pres = Presentation {
        account_id: a.meta.id.clone(),
        objective: "Show the new line".into(),
        agenda: "Demo of the cold-chain monitor".into(),
        ..Presentation::default()
    };
    app.store.save(&mut pres, "").expect("presentation");
    let mut card = VipCard {
        received_by: "小张".into(),
        salutation: "王先生".into(),
        reception_summary: "Asked about a cold-chain gift box".into(),
        ..VipCard::default()
    };
    app.store.save(&mut card, "").expect("card");
    app.reload_list(None);

    press(&mut app, KeyCode::Char('F'));
    typed(&mut app, "cold-chain tender");
    assert_eq!(search(&app).found.hits.len(), 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::CallPlans);
    let ed = app.plans.list(Tab::CallPlans).and_then(|l| l.editor.as_ref()).expect("the plan's editor");
    assert_eq!(ed.plan.id(), &call.meta.id);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.tab, Tab::Accounts, "closing the plan comes back to the list");

    press(&mut app, KeyCode::Char('F'));
    typed(&mut app, "monitor");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Presentations);
    let ed = app.plans.list(Tab::Presentations).and_then(|l| l.editor.as_ref()).expect("the editor");
    assert_eq!(ed.plan.id(), &pres.meta.id);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.tab, Tab::Accounts);

    press(&mut app, KeyCode::Char('F'));
    typed(&mut app, "GIFT BOX");
    let hit = &search(&app).found.hits[0];
    assert_eq!((hit.kind, hit.label.as_str()), (TextKind::Vip, "王先生"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Vip);
    assert_eq!(app.vip.ids.get(app.vip.selected), Some(&card.meta.id), "the card is selected");
}

#[test]
fn a_late_result_leaves_another_popup_alone() {
    let (_dir, mut app) = app(Lang::En);
    app.popup = Some(Popup::Help { scroll: 0 });
    app.text_search_done(Done::TextSearch { generation: 1, found: Ok(TextFound::default()), ms: 0.0 });
    assert!(matches!(app.popup, Some(Popup::Help { .. })), "the help stays open");
}

/// On the worker thread, as in the workbench: keys typed while a search is
/// out do not queue one search each; the answer for the last query is the
/// one shown.
#[test]
fn on_the_worker_thread_the_last_query_wins() {
    let (_dir, mut app) = a_visit_typed(Lang::En);
    let reader = app.store.open_reader().expect("reader");
    app.worker = super::worker::Worker::spawn(reader, kam_rules::Rules::default(), app.today).expect("thread");
    press(&mut app, KeyCode::Char('F'));
    typed(&mut app, "quote winter");
    for _ in 0..500 {
        if !search(&app).searching() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        app.update(super::app::Action::Tick);
    }
    let s = search(&app);
    assert!(!s.searching(), "the search came back");
    assert_eq!(s.found_for, "quote winter", "the result is for the query typed last");
    assert_eq!(s.found.hits.len(), 1);
}
