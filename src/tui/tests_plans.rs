//! Call plans and presentations driven by keys, on a real file.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use kam_rules::Lang;

use super::app::{Action, App, Section, Tab};
use super::plans::PlanEditor;
use super::tests::{buffer, ctrl, find, press, seeded, snap, typed};
use crate::model::{Account, CallPlan, Presentation, Visit};

fn alt(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent {
        code,
        modifiers: KeyModifiers::ALT,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }));
}

/// Snapshots in both languages (the form's choice labels stay in the one it was opened in).
fn snap_both(name: &str, app: &mut App) {
    let lang = app.lang;
    for l in [Lang::Zh, Lang::En] {
        app.lang = l;
        snap(name, app);
    }
    app.lang = lang;
}

fn editor(app: &App) -> &PlanEditor {
    app.plans.list(app.tab).and_then(|l| l.editor.as_deref()).expect("the plan editor is open")
}

/// Tabs to the field `key` (of row `row` of table `table` for a row field).
fn focus(app: &mut App, key: &str, row: Option<(u8, usize)>) {
    for _ in 0..400 {
        let ed = editor(app);
        let f = &ed.form.fields[ed.form.focus];
        if f.key == key && f.row.map(|t| (t.table, t.row)) == row {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field {key} {row:?}");
}

fn warning_keys(app: &App) -> Vec<&'static str> {
    editor(app).warnings.iter().map(kam_rules::plan_check::PlanWarning::key).collect()
}

fn open_account(app: &mut App, name: &str) -> Account {
    let a = app.store.list::<Account>(100, 0).expect("accounts").into_iter().find(|a| a.name == name).expect("account");
    app.open_detail(&a.meta.id, Section::Company);
    a
}

#[test]
fn plan_a_call_with_rows_checks_and_finish_it_once() {
    let (_d, mut app) = seeded(Lang::En);
    let a = open_account(&mut app, "杭州西湖精密机械有限公司");
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.tab, Tab::CallPlans, "c on an account starts a call plan on its tab");
    let ed = editor(&app);
    assert_eq!((ed.form.focus, ed.form.text("phone").as_str()), (0, "0571-88886666"), "header prefilled");
    assert_eq!(ed.form.text("sales_rep"), "王芳");
    assert!(warning_keys(&app).contains(&"no_question"));
    typed(&mut app, "年度集采");
    focus(&mut app, "call_date", None);
    typed(&mut app, "+1d");

    // Two participants picked from the account's contacts, one typed in.
    focus(&mut app, "contact_id", Some((0, 0)));
    press(&mut app, KeyCode::Right);
    focus(&mut app, "contact_id", Some((0, 1)));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    let buf = buffer(&app, 120, 40);
    assert!(
        find(&buf, "Driver").is_some() || find(&buf, "Approver").is_some(),
        "the picked contact's role and style shown"
    );
    focus(&mut app, "name", Some((0, 2)));
    typed(&mut app, "陈先生");
    assert!(warning_keys(&app).contains(&"participant_without_role"), "{:?}", warning_keys(&app));
    focus(&mut app, "role", Some((0, 2)));
    press(&mut app, KeyCode::Right);
    assert!(!warning_keys(&app).contains(&"participant_without_role"), "a role clears it");
    assert_eq!(editor(&app).form.row_count(0), 4, "three rows and a blank one");

    // Two influence rows, three questions.
    for (i, view) in ["价格偏高", "交期"].iter().enumerate() {
        focus(&mut app, "view", Some((2, i)));
        typed(&mut app, view);
    }
    for (i, q) in ["何时决定?", "谁来批?", "预算多少?"].iter().enumerate() {
        focus(&mut app, "question", Some((3, i)));
        typed(&mut app, q);
    }
    assert!(!warning_keys(&app).contains(&"no_question"), "a question clears the check");
    // Reorder: the third question moves up; insert a row, then remove it.
    focus(&mut app, "need", Some((3, 2)));
    alt(&mut app, KeyCode::Up);
    assert_eq!(editor(&app).form.cell(3, 1, crate::tui::widgets::keys::F::Question), "预算多少?");
    assert_eq!(editor(&app).form.cell(3, 2, crate::tui::widgets::keys::F::Question), "谁来批?");
    ctrl(&mut app, 'n');
    assert_eq!(editor(&app).form.row_count(3), 5);
    assert!(editor(&app).form.is_blank_row(3, 2), "the inserted row sits below the focused one");
    ctrl(&mut app, 'd');
    assert_eq!(editor(&app).form.row_count(3), 4);
    assert_eq!(editor(&app).form.cell(3, 2, crate::tui::widgets::keys::F::Question), "谁来批?");
    snap_both("call_plan_form", &mut app);

    // Done without a summary is refused next to the field; the form stays.
    focus(&mut app, "status", None);
    press(&mut app, KeyCode::Right);
    ctrl(&mut app, 's');
    let ed = editor(&app);
    assert_eq!(ed.form.fields[ed.form.focus].key, "what_happened");
    assert!(ed.form.fields[ed.form.focus].error.is_some());
    assert!(warning_keys(&app).contains(&"done_without_assessment"));
    typed(&mut app, "同意试点");
    focus(&mut app, "what", Some((4, 0)));
    typed(&mut app, "报价");
    assert!(warning_keys(&app).contains(&"commitment_incomplete"));
    focus(&mut app, "who", Some((4, 0)));
    typed(&mut app, "王芳");
    focus(&mut app, "by", Some((4, 0)));
    typed(&mut app, "+7d");
    assert!(!warning_keys(&app).contains(&"commitment_incomplete"), "owner and date clear it");
    focus(&mut app, "supporter_assessment", None);
    typed(&mut app, "很积极");
    assert!(!warning_keys(&app).contains(&"done_without_assessment"));
    ctrl(&mut app, 's');
    assert!(app.plans.calls.editor.is_none(), "saved: {:?}", app.plans.calls.editor.as_ref().map(|e| e.error.clone()));
    let visits: Vec<Visit> = app.store.list_for_account(&a.meta.id).expect("visits");
    assert_eq!(visits.len(), 1, "finishing logs the visit");
    assert_eq!(visits[0].summary, "同意试点");
    assert_eq!(visits[0].contacts.len(), 2);

    // Reopened: the rows came back in order; saving again logs nothing more.
    let plans: Vec<CallPlan> = app.store.list_for_account(&a.meta.id).expect("plans");
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p.customer_participants.len(), 3);
    // A picked contact's row keeps who they were: its export names them.
    let picked = &p.customer_participants[0];
    let contact: crate::model::Contact = app.store.get(picked.contact_id.as_ref().expect("picked")).expect("contact");
    assert_eq!((picked.name.as_str(), picked.title.as_str()), (contact.name.as_str(), contact.title.as_str()));
    assert_eq!(p.influence.iter().map(|i| i.view.as_str()).collect::<Vec<_>>(), ["价格偏高", "交期"]);
    assert_eq!(
        p.introduction.iter().map(|q| q.question.as_str()).collect::<Vec<_>>(),
        ["何时决定?", "预算多少?", "谁来批?"]
    );
    assert_eq!(p.commitments.len(), 1);
    app.plans.calls.view = super::plans::PlanView::Done;
    app.plans.calls.reshow(app.today);
    press(&mut app, KeyCode::Enter);
    focus(&mut app, "manager_assessment", None);
    typed(&mut app, "继续跟进");
    ctrl(&mut app, 's');
    assert!(app.plans.calls.editor.is_none());
    let visits: Vec<Visit> = app.store.list_for_account(&a.meta.id).expect("visits");
    assert_eq!(visits.len(), 1, "a done plan saved again logs no second visit");
    snap_both("call_plan_list", &mut app);
}

#[test]
fn a_presentation_with_steps_worked_back() {
    let (_d, mut app) = seeded(Lang::Zh);
    let a = open_account(&mut app, "杭州西湖精密机械有限公司");
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(app.tab, Tab::Presentations);
    ctrl(&mut app, 's');
    let ed = editor(&app);
    assert_eq!(ed.form.fields[ed.form.focus].key, "objective", "the objective is required");
    typed(&mut app, "赢得试点");
    focus(&mut app, "contact_id", Some((0, 0)));
    press(&mut app, KeyCode::Right);
    for (i, step) in ["确认场地", "准备样品", "发邀请"].iter().enumerate() {
        focus(&mut app, "step", Some((1, i)));
        typed(&mut app, step);
    }
    focus(&mut app, "done", Some((1, 0)));
    press(&mut app, KeyCode::Char(' '));
    snap_both("presentation_form", &mut app);
    ctrl(&mut app, 's');
    assert!(app.plans.presentations.editor.is_none());
    let p: Vec<Presentation> = app.store.list_for_account(&a.meta.id).expect("presentations");
    assert_eq!(
        p[0].steps.iter().map(|s| (s.step.as_str(), s.done)).collect::<Vec<_>>(),
        [("确认场地", true), ("准备样品", false), ("发邀请", false)]
    );
    assert_eq!(p[0].participants.len(), 1);
    let contact: crate::model::Contact =
        app.store.get(p[0].participants[0].contact_id.as_ref().expect("picked")).expect("contact");
    assert!(p[0].participants[0].name_title.starts_with(&contact.name), "{:?}", p[0].participants[0]);
    snap_both("presentation_list", &mut app);
    // Printed as Markdown beside the database.
    press(&mut app, KeyCode::Char('w'));
    let msg = app.message.clone().unwrap_or_default();
    let path = msg.split_once(' ').map(|(_, p)| p.trim().to_string()).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{msg}: {e}"));
    assert!(text.contains("| 1 | 确认场地 |  | 2") || text.contains("确认场地"), "{text}");
    assert!(text.contains("☑"));
}

#[test]
fn a_plan_tab_is_read_on_the_worker_and_says_so_until_the_rows_arrive() {
    let (_dir, mut app) = seeded(Lang::En);
    let account = open_account(&mut app, "杭州西湖精密机械有限公司");
    for i in 0..3 {
        let mut p = CallPlan {
            account_id: account.meta.id.clone(),
            opportunity: format!("opportunity {i}"),
            ..CallPlan::default()
        };
        app.store.save(&mut p, "").expect("save");
    }
    app.detail = None;
    app.start_worker();
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, Tab::CallPlans);
    let list = app.plans.list(Tab::CallPlans).expect("list");
    if !list.loaded {
        assert!(list.loading, "the read is under way");
        assert!(find(&buffer(&app, 80, 24), "Reading").is_some(), "the list says it is reading");
    }
    let started = std::time::Instant::now();
    while !app.plans.list(Tab::CallPlans).is_some_and(|l| l.loaded) {
        assert!(started.elapsed().as_secs() < 20, "the worker never answered");
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.update(Action::Tick);
    }
    assert_eq!(app.plans.list(Tab::CallPlans).map(|l| l.shown.len()), Some(3));
    assert!(find(&buffer(&app, 80, 24), "opportunity 1").is_some());

    // One Enter in the filter opens the plan it found.
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "opportunity 1");
    assert_eq!(app.plans.list(Tab::CallPlans).map(|l| l.shown.len()), Some(1), "filtered");
    press(&mut app, KeyCode::Enter);
    let list = app.plans.list(Tab::CallPlans).expect("list");
    assert!(!list.filtering && list.editor.is_some(), "the plan found is open");
    assert_eq!(editor(&app).form.text("opportunity"), "opportunity 1");
}

/// `n` on the call plan tab of a blank file: the picker finds the account
/// typed a moment ago by its pinyin initials and opens the new plan for it.
#[test]
fn n_on_the_plan_tabs_picks_the_account_as_you_type() {
    let (_d, mut app) = super::tests::app(Lang::Zh);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.popup, Some(super::app::Popup::Picker(_))), "n opens the picker");
    snap("picker_empty", &mut app);
    press(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    // Two accounts, entered through the keys.
    press(&mut app, KeyCode::Char('1'));
    for name in ["杭州西湖精密机械有限公司", "上海华联超市股份有限公司"] {
        press(&mut app, KeyCode::Char('n'));
        typed(&mut app, name);
        ctrl(&mut app, 's');
        press(&mut app, KeyCode::Esc);
    }
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('n'));
    let Some(super::app::Popup::Picker(p)) = &app.popup else { panic!("picker") };
    assert_eq!(p.found.len(), 2, "every account before typing");
    typed(&mut app, "xhjm");
    let Some(super::app::Popup::Picker(p)) = &app.popup else { panic!("picker") };
    assert_eq!(p.found.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), vec!["杭州西湖精密机械有限公司"]);
    snap_both("picker_found", &mut app);
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(app.tab, Tab::Presentations, "the plan opens on the tab n was pressed on");
    let ed = editor(&app);
    let Some(account) =
        app.store.list::<Account>(10, 0).expect("accounts").into_iter().find(|a| a.name.starts_with("杭州"))
    else {
        panic!("account")
    };
    let p = ed.collect(app.today);
    assert!(
        matches!(&p, super::plans::Plan::Presentation(x) if x.account_id == account.meta.id),
        "for the picked account"
    );
    assert!(app.detail.is_none(), "the Accounts tab is left as it was");
}

/// The plan editor at 80×24 in Chinese: its keys break between their parts
/// ("Ctrl-P 打印" had been cut to "Ctrl-P 打" and the rest lost), and a
/// check message wraps by character, never leaving its first words alone.
#[test]
fn the_plan_editor_at_80_columns_cuts_no_word() {
    let (_d, mut app) = seeded(Lang::Zh);
    open_account(&mut app, "杭州西湖精密机械有限公司");
    press(&mut app, KeyCode::Char('c'));
    editor(&app);
    let buf = buffer(&app, 80, 24);
    let text: Vec<String> =
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>()).collect();
    let all = text.join("\n");
    for whole in ["Ctrl-P 打印", "Ctrl-S 保存", "Esc 关闭"] {
        assert!(find(&buf, whole).is_some(), "{whole} whole:\n{all}");
    }
    assert!(find(&buf, "计划检查").is_some(), "{all}");
    // Every check line starts with its mark or continues a sentence: none
    // is a lone number or mark left by a wrap at a space.
    for line in &text {
        let t = line.trim_matches(|c: char| c == '│' || c.is_whitespace());
        assert!(t != "⚠" && !t.ends_with(" 第"), "a check cut at a space: {t:?}\n{all}");
    }
}
