//! The Today tab and the evaluation view driven by keys on a fixed day, and
//! drawn on a `TestBackend` (insta snapshots in both languages at 80×24 and
//! 120×40).
//!
//! The day is in the past and every record is dated by hand, so that what
//! the tab shows does not depend on the clock of the machine running the
//! tests (records written during a test land after the fixed day).

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::KeyCode;
use kam_rules::{BuyingRole, Lang, Money, Payment, Rules};
use tempfile::TempDir;

use super::app::{Action, App, Popup, Section, Tab};
use super::tests::{buffer, draw, find, press};
use crate::config::{Config, Role};
use crate::i18n::T;
use crate::model::{
    Account, ActionStep, CallPlan, Collection, Commitment, Contact, Id, Meta, Order, PlanStatus, Presentation, Target,
    VipCard, VipStatus, Visit, VisitKind,
};
use crate::paths::Paths;
use crate::store::Store;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

const DAY: &str = "2026-09-15";

/// Meta dated 1 January 2026, so nothing depends on when the test runs.
fn meta() -> Meta {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("time");
    Meta { created_at: at, updated_at: at, updated_by: "王芳".into(), ..Meta::default() }
}

struct Ids {
    xihu: Id,
    done_call: Id,
    planned_call: Id,
    presentation: Id,
    /// The VIP card of 李女士, linked to 北京燕莎商城.
    linked_card: Id,
    /// The VIP card of 王先生, linked to no account.
    free_card: Id,
}

/// Three accounts, two contacts, calls, a presentation, VIP cards and a
/// month's targets around [`DAY`].
fn fill(store: &mut Store) -> Ids {
    let mut bulk = store.bulk().expect("bulk");
    let mut xihu =
        Account {
            meta: meta(), name: "杭州西湖精密机械有限公司".into(), owner: "王芳".into(), ..Account::default()
        };
    let mut hualian =
        Account {
            meta: meta(), name: "上海华联超市股份有限公司".into(), owner: "李雷".into(), ..Account::default()
        };
    let mut yansha =
        Account { meta: meta(), name: "北京燕莎商城".into(), owner: "王芳".into(), ..Account::default() };
    for a in [&mut xihu, &mut hualian, &mut yansha] {
        bulk.add(a).expect("account");
    }
    let visit = |account: &Id, date: &str, kind: VisitKind, by_manager: bool| Visit {
        meta: meta(),
        account_id: account.clone(),
        date: d(date),
        kind,
        by_manager,
        by: "王芳".into(),
        ..Visit::default()
    };
    for mut v in [
        visit(&xihu.meta.id, "2026-07-24", VisitKind::Visit, true),
        visit(&xihu.meta.id, "2026-09-12", VisitKind::Phone, false),
        visit(&yansha.meta.id, "2026-09-10", VisitKind::Visit, true),
        visit(&yansha.meta.id, "2026-08-20", VisitKind::Visit, false),
    ] {
        bulk.add(&mut v).expect("visit");
    }
    let order = |account: &Id, date: &str, yuan: i64, due: &str, paid: Option<(&str, i64)>| {
        let amount = Money::from_yuan(yuan);
        Order {
            meta: meta(),
            account_id: account.clone(),
            date: d(date),
            amount,
            payment: Payment::Credit,
            net_amount: amount,
            due_date: Some(d(due)),
            collections: paid
                .map(|(on, y)| vec![Collection { date: d(on), amount: Money::from_yuan(y) }])
                .unwrap_or_default(),
            ..Order::default()
        }
    };
    for mut o in [
        order(&xihu.meta.id, "2026-04-01", 1_200_000, "2026-05-18", None),
        order(&yansha.meta.id, "2026-09-05", 300_000, "2026-10-05", Some(("2026-09-12", 200_000))),
        order(&yansha.meta.id, "2026-06-05", 150_000, "2026-07-05", Some(("2026-07-01", 150_000))),
    ] {
        bulk.add(&mut o).expect("order");
    }
    let mut boss = Contact {
        meta: meta(),
        account_id: xihu.meta.id.clone(),
        name: "曾志伟".into(),
        buying_role: Some(BuyingRole::Approver),
        birth_date: Some(d("1970-09-17")),
        ..Contact::default()
    };
    bulk.add(&mut boss).expect("contact");
    let mut eng = Contact {
        meta: meta(),
        account_id: xihu.meta.id.clone(),
        name: "单田芳".into(),
        buying_role: Some(BuyingRole::TechnicalGatekeeper),
        reports_to: Some(boss.meta.id.clone()),
        birth_date: Some(d("1980-09-23")),
        ..Contact::default()
    };
    bulk.add(&mut eng).expect("contact");
    let mut planned = CallPlan {
        meta: meta(),
        account_id: xihu.meta.id.clone(),
        call_date: Some(d(DAY)),
        objective: "年度合同续签".into(),
        status: PlanStatus::Planned,
        ..CallPlan::default()
    };
    bulk.add(&mut planned).expect("call");
    let mut done = CallPlan {
        meta: meta(),
        account_id: xihu.meta.id.clone(),
        call_date: Some(d("2026-09-01")),
        objective: "技术交流".into(),
        what_happened: "确认了需求".into(),
        status: PlanStatus::Done,
        commitments: vec![
            Commitment { who: "王芳".into(), what: "寄送报价单".into(), by: Some(d("2026-09-18")), done: false },
            Commitment { who: "李雷".into(), what: "安排样品".into(), by: None, done: false },
        ],
        ..CallPlan::default()
    };
    bulk.add(&mut done).expect("call");
    let mut show = Presentation {
        meta: meta(),
        account_id: yansha.meta.id.clone(),
        date: Some(d("2026-09-10")),
        objective: "新品演示".into(),
        steps: vec![ActionStep { step: "寄送样册".into(), owner: "王芳".into(), due: None, done: false }],
        ..Presentation::default()
    };
    bulk.add(&mut show).expect("presentation");
    let mut cards = Vec::new();
    for (who, next, account) in [("王先生", "2026-09-14", None), ("李女士", DAY, Some(yansha.meta.id.clone()))] {
        let mut c = VipCard {
            meta: meta(),
            store: "南京路店".into(),
            received_by: "小陈".into(),
            visit_date: d("2026-09-01"),
            salutation: who.into(),
            status: VipStatus::Prospect,
            next_contact: Some(d(next)),
            account_id: account,
            ..VipCard::default()
        };
        bulk.add(&mut c).expect("card");
        cards.push(c.meta.id);
    }
    let mut t = Target {
        meta: meta(),
        rep: "王芳".into(),
        period: "2026-09".into(),
        planned_sales: Some(Money::from_yuan(400_000)),
        planned_collection: Some(Money::from_yuan(250_000)),
        expense_budget: Some(Money::from_yuan(50_000)),
        expense_actual: Some(Money::from_yuan(40_000)),
        ability: Some(85),
        attitude: None,
        scored_by: String::new(),
        scored_on: None,
    };
    bulk.add(&mut t).expect("target");
    bulk.finish("test data").expect("finish");
    Ids {
        xihu: xihu.meta.id,
        done_call: done.meta.id,
        planned_call: planned.meta.id,
        presentation: show.meta.id,
        free_card: cards[0].clone(),
        linked_card: cards[1].clone(),
    }
}

fn app_on(lang: Lang, today: NaiveDate, role: Role) -> (TempDir, App, Ids) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kam.db");
    let mut store = Store::open(&db, crate::clock::Clock::starting_on_day(today)).expect("open");
    store.set_user("王芳");
    let ids = fill(&mut store);
    let paths = Paths::for_db(db, dir.path().to_path_buf());
    let config = Config { user: Some("王芳".into()), role, ..Config::default() };
    let mut app = App::new(store, paths, config, Rules::default(), lang);
    app.db_label = "kam.db".into();
    app.reload_list(None);
    (dir, app, ids)
}

fn today_tab(lang: Lang, role: Role) -> (TempDir, App, Ids) {
    let (dir, mut app, ids) = app_on(lang, d(DAY), role);
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Today);
    assert!(!app.day.loading, "the inline worker has read the sections");
    (dir, app, ids)
}

fn snap(name: &str, app: &mut App) {
    app.day.last_ms = 0.0;
    for (w, h) in [(80, 24), (120, 40)] {
        // As the event loop does: the rows a list shows follow the height.
        app.update(Action::Resize { width: w, height: h });
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", app.lang.key()), t.backend());
    }
}

/// The text of the selectable rows, in order.
fn rows(app: &App) -> Vec<String> {
    super::today::lines(app)
        .into_iter()
        .filter_map(|l| match l {
            super::today::TodayLine::Item { text, target: Some(_) } => Some(text),
            _ => None,
        })
        .collect()
}

#[test]
fn today_tab_snapshots() {
    for lang in [Lang::En, Lang::Zh] {
        let (_dir, mut app, _) = today_tab(lang, Role::Rep);
        snap("today", &mut app);
        let (_dir, mut app, _) = today_tab(lang, Role::Manager);
        snap("today_manager", &mut app);
    }
}

#[test]
fn sections_hold_what_is_due_most_urgent_first() {
    let (_dir, app, _) = today_tab(Lang::En, Role::Rep);
    let d = app.day.data.as_deref().expect("read");
    let names: Vec<&str> = d.overdue.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["上海华联超市股份有限公司", "杭州西湖精密机械有限公司"],
        "never visited first, the recently visited one out"
    );
    assert_eq!(d.plans_due.len(), 2);
    assert_eq!(d.commitments.iter().map(|c| c.what.as_str()).collect::<Vec<_>>(), ["寄送报价单", "安排样品"]);
    assert_eq!(d.vip_due.iter().map(|c| c.salutation.as_str()).collect::<Vec<_>>(), ["王先生", "李女士"]);
    assert_eq!(d.birthdays.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["曾志伟"], "8 days ahead is out");
    assert_eq!(d.downgrades.len(), 1);
    assert_eq!(d.downgrades[0].days_overdue, 120);
    assert!(!d.warnings.is_empty());
    assert_eq!(d.tiers, [3, 0, 0], "the gold account is downgraded");
}

#[test]
fn enter_on_an_overdue_account_opens_it() {
    let (_dir, mut app, _) = today_tab(Lang::En, Role::Rep);
    // The second row is 杭州西湖, overdue for its manager visit.
    press(&mut app, KeyCode::Down);
    assert!(rows(&app)[1].starts_with("杭州西湖精密机械有限公司"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Accounts);
    let detail = app.detail.as_ref().expect("opened");
    assert_eq!(detail.account.name, "杭州西湖精密机械有限公司");
    assert_eq!(detail.section, Section::Visits);
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "杭州西湖精密机械有限公司").is_some());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.tab, Tab::Today, "Esc comes back to Today");
    assert!(app.detail.is_none());
    assert_eq!(app.back_to, None);
    // The tab bar's 5 works from the account's page too.
    press(&mut app, KeyCode::Enter);
    assert!(app.detail.is_some());
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Today);
    assert!(app.detail.is_none(), "the page closed");
}

#[test]
fn enter_on_a_birthday_opens_the_contact() {
    let (_dir, mut app, _) = today_tab(Lang::Zh, Role::Rep);
    let at = rows(&app).iter().position(|r| r.contains("曾志伟")).expect("birthday row");
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let detail = app.detail.as_ref().expect("opened");
    assert_eq!(detail.section, Section::Contacts);
    assert_eq!(detail.contacts[detail.contact_sel].name, "曾志伟");
}

/// Moves the selection to the first row holding `needle` and presses Enter.
fn enter_on(app: &mut App, needle: &str) {
    press(app, KeyCode::Home);
    let at = rows(app).iter().position(|r| r.contains(needle)).unwrap_or_else(|| panic!("a row with {needle}"));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
}

#[test]
fn enter_on_a_vip_card_selects_that_card_on_the_vip_tab() {
    for (who, card) in [("李女士", "linked"), ("王先生", "free")] {
        let (_dir, mut app, ids) = today_tab(Lang::Zh, Role::Rep);
        let card = if card == "linked" { ids.linked_card } else { ids.free_card };
        // A filter and "my cards" that hide every card: Enter drops them.
        app.vip.filter.paste("没有这个人", 100).expect("fits");
        app.vip.mine = true;
        app.vip.filtering = true;
        app.vip_reload(None);
        assert!(app.vip.ids.is_empty());
        enter_on(&mut app, who);
        assert_eq!(app.tab, Tab::Vip, "{who}");
        assert!(app.detail.is_none(), "no account opened for {who}");
        assert_eq!(app.vip.filter.value(), "");
        assert!(!app.vip.mine && !app.vip.filtering);
        let shown = app.vip.current().expect("a card selected");
        assert_eq!((shown.meta.id.clone(), shown.salutation.as_str()), (card, who));
        let buf = buffer(&app, 120, 40);
        assert!(find(&buf, who).is_some(), "{who} on screen");
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.tab, Tab::Today, "Esc comes back to Today from {who}'s card");
        assert_eq!(app.back_to, None);
    }
}

#[test]
fn enter_on_a_plan_row_opens_that_plan_in_its_editor() {
    let editing = |app: &App, tab: Tab| {
        let list = app.plans.list(tab).expect("a plan tab");
        list.editor.as_ref().map(|e| e.plan.id().clone())
    };
    // A call due today, in the plans section.
    let (_dir, mut app, ids) = today_tab(Lang::En, Role::Rep);
    enter_on(&mut app, "年度合同续签");
    assert_eq!(app.tab, Tab::CallPlans);
    assert_eq!(editing(&app, Tab::CallPlans), Some(ids.planned_call.clone()));
    assert!(app.detail.is_none(), "the plan, not its account");
    // A presentation with a step not done.
    let (_dir, mut app, ids) = today_tab(Lang::En, Role::Rep);
    enter_on(&mut app, "新品演示");
    assert_eq!(app.tab, Tab::Presentations);
    assert_eq!(editing(&app, Tab::Presentations), Some(ids.presentation.clone()));
    press(&mut app, KeyCode::Esc);
    assert_eq!(editing(&app, Tab::Presentations), None, "Esc closes the unchanged plan");
    assert_eq!(app.tab, Tab::Today, "and comes back to Today");
    // An open commitment opens the call it was made in.
    let (_dir, mut app, ids) = today_tab(Lang::En, Role::Rep);
    enter_on(&mut app, "安排样品");
    assert_eq!(app.tab, Tab::CallPlans);
    assert_eq!(editing(&app, Tab::CallPlans), Some(ids.done_call.clone()));
    // A plan-check warning row opens the plan warned about.
    let (_dir, mut app, _) = today_tab(Lang::En, Role::Rep);
    let first = app.day.data.as_deref().and_then(|d| d.warnings.first().cloned()).expect("a warning");
    let lines = super::today::lines(&app);
    // The warnings come after the plans due: the last row opening that plan.
    let row = lines
        .iter()
        .filter(|l| l.target().is_some())
        .enumerate()
        .filter(|(_, l)| matches!(l.target(), Some(super::today::Target::Plan { id, .. }) if *id == first.id))
        .map(|(i, _)| i)
        .last()
        .expect("the warning row");
    press(&mut app, KeyCode::Home);
    for _ in 0..row {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let tab = if first.kind == crate::store::PlanType::Call { Tab::CallPlans } else { Tab::Presentations };
    assert_eq!(app.tab, tab);
    assert_eq!(editing(&app, tab), Some(first.id));
}

/// `n` more accounts never visited, all past the cadence on [`DAY`].
fn add_overdue(app: &mut App, n: usize) {
    let mut bulk = app.store.bulk().expect("bulk");
    for i in 0..n {
        let mut a =
            Account {
                meta: meta(), name: format!("久未拜访客户{i:02}"), owner: "王芳".into(), ..Account::default()
            };
        bulk.add(&mut a).expect("account");
    }
    bulk.finish("test data").expect("finish");
    app.load_today();
}

/// The overdue section's lines: its header, its rows and its last line.
fn overdue_lines(app: &App) -> Vec<super::today::TodayLine> {
    let all = super::today::lines(app);
    let end = all
        .iter()
        .skip(1)
        .position(|l| matches!(l, super::today::TodayLine::Header { .. }))
        .map_or(all.len(), |p| p + 1);
    all[..end].to_vec()
}

#[test]
fn a_long_section_shows_a_few_rows_and_a_more_line_that_expands_it() {
    use super::today::{Target as Tgt, TodayLine};
    for lang in [Lang::En, Lang::Zh] {
        let (_dir, mut app, _) = today_tab(lang, Role::Rep);
        add_overdue(&mut app, 12);
        snap("today_long", &mut app);
    }
    let (_dir, mut app, _) = today_tab(Lang::En, Role::Rep);
    add_overdue(&mut app, 12);
    app.update(Action::Resize { width: 80, height: 24 });
    assert_eq!(super::today::short_rows(app.page_rows), 5);
    let sec = overdue_lines(&app);
    assert!(matches!(sec[0], TodayLine::Header { count: 14, .. }), "the count stays the full count: {:?}", sec[0]);
    assert_eq!(sec.len(), 1 + 5 + 1);
    assert!(
        matches!(&sec[6], TodayLine::Item { text, target: Some(Tgt::More(_)) } if text == "… and 9 more (Enter shows them)"),
        "{:?}",
        sec[6]
    );
    // The other sections still start on the first screen.
    let buf = buffer(&app, 80, 24);
    assert!(find(&buf, "Calls and presentations due (2)").is_some());
    // Enter on the "more" line shows the section whole; the selection is on
    // the first row that was hidden.
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Today);
    let sec = overdue_lines(&app);
    assert_eq!(sec.len(), 1 + 14, "whole, no more line");
    assert_eq!(app.day.selected, 5);
    assert!(rows(&app)[5].contains("久未拜访客户"));
    // `+` shows it short again and selects its first row.
    press(&mut app, KeyCode::Char('+'));
    assert_eq!(overdue_lines(&app).len(), 7);
    assert_eq!(app.day.selected, 0);
    // `+` on a short section's row shows it whole too.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('+'));
    assert_eq!(overdue_lines(&app).len(), 15);
    // Taller, more rows before the more line.
    let (_dir, mut app, _) = today_tab(Lang::Zh, Role::Rep);
    add_overdue(&mut app, 12);
    app.update(Action::Resize { width: 120, height: 40 });
    assert_eq!(super::today::short_rows(app.page_rows), 8);
    let sec = overdue_lines(&app);
    assert_eq!(sec.len(), 1 + 8 + 1);
    assert!(matches!(&sec[9], TodayLine::Item { text, .. } if text == "…… 另有 6 条(Enter 展开)"));
}

#[test]
fn space_ticks_a_commitment_done_and_it_leaves_the_list() {
    let (_dir, mut app, ids) = today_tab(Lang::En, Role::Rep);
    let at = rows(&app).iter().position(|r| r.contains("寄送报价单")).expect("commitment row");
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char(' '));
    assert!(!rows(&app).iter().any(|r| r.contains("寄送报价单")), "ticked off");
    assert!(rows(&app).iter().any(|r| r.contains("安排样品")), "the other stays");
    let plan: CallPlan = app.store.get(&ids.done_call).expect("plan");
    assert!(plan.commitments[0].done && !plan.commitments[1].done);
    assert_eq!(app.changes, 1);
    assert!(app.message.as_deref().is_some_and(|m| m.contains("寄送报价单")));
    // Space on a row that is not a commitment changes nothing.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.changes, 1);
}

#[test]
fn x_writes_the_day_end_export_beside_the_database_and_shows_counts() {
    let today = super::tests::today();
    let (dir, mut app, ids) = app_on(Lang::En, today, Role::Rep);
    let mut a: Account = app.store.get(&ids.xihu).expect("account");
    a.notes = "今天改的".into();
    app.store.save(&mut a, "").expect("save");
    press(&mut app, KeyCode::Char('5'));
    assert!(app.day.data.as_deref().is_some_and(|d| d.changed_since_export >= 1));
    press(&mut app, KeyCode::Char('x'));
    let folder = dir.path().join(format!("kam-export-{today}"));
    assert!(folder.join("manifest.json").exists(), "{} written", folder.display());
    let (shown, files) = app.day.exported.clone().expect("export shown");
    assert_eq!(shown, folder);
    assert!(files.iter().any(|(f, n)| f.starts_with("accounts") && *n == 1), "{files:?}");
    assert!(app.message.as_deref().is_some_and(|m| m.contains("kam-export-")));
    let d = app.day.data.as_deref().expect("read again");
    assert_eq!(d.changed_since_export, 0, "nothing changed since the export");
    assert!(d.last_export.is_some());
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "Exported to").is_some());
    // The export left its line in the change log, masked (#21).
    let since = app.store.now() - chrono::Duration::hours(1);
    let lines = app.store.changes_since(since).expect("log");
    let trace = lines.iter().find(|l| l.action == "export").expect("the export's line");
    let summary = trace.new.as_deref().expect("summary");
    assert!(summary.contains("\"masked\":true") && summary.contains("kam-export-"), "{summary}");
}

#[test]
fn evaluation_view_snapshots_and_targets_form() {
    for lang in [Lang::En, Lang::Zh] {
        let (_dir, mut app, _) = today_tab(lang, Role::Manager);
        press(&mut app, KeyCode::Char('v'));
        let v = app.day.eval.as_ref().expect("open");
        assert_eq!(v.rep(), "王芳");
        assert_eq!(v.period.to_string(), "2026-09");
        snap("evaluation", &mut app);
    }
    let (_dir, mut app, _) = today_tab(Lang::En, Role::Manager);
    press(&mut app, KeyCode::Char('v'));
    let before = app.day.eval.as_ref().and_then(|v| v.eval.as_ref()).and_then(|e| e.score);
    press(&mut app, KeyCode::Char('t'));
    assert!(matches!(app.popup, Some(Popup::Form(_))));
    // To the attitude field: a score over 100 keeps the form open.
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    app.update(Action::Paste("120".into()));
    // A bad amount as well: both are marked, and the foot names the first.
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    let sales = f.form.text("planned_sales");
    f.form.set_value("planned_sales", "lots");
    super::tests::ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("refused, typed text kept") };
    let marked: Vec<&str> = f.form.fields.iter().filter(|x| x.error.is_some()).map(|x| x.key).collect();
    assert_eq!(marked, ["planned_sales", "attitude"], "every check at once");
    let foot = f.error.clone().unwrap_or_default();
    assert!(foot.starts_with(T::FPlannedSales.get(Lang::En)) && foot.contains("1 more"), "{foot}");
    f.form.set_value("planned_sales", &sales);
    f.form.focus = f.form.fields.iter().position(|x| x.key == "attitude").expect("attitude");
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    app.update(Action::Paste("90".into()));
    super::tests::ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    let v = app.day.eval.as_ref().expect("still open");
    let e = v.eval.as_ref().expect("read again");
    assert_eq!(e.attitude, Some(90));
    assert_ne!(e.score, before);
    let stored = app.store.target_of("王芳", "2026-09").expect("read").expect("record");
    assert_eq!(stored.attitude, Some(90));
    assert_eq!(stored.ability, Some(85));
    // Who scored is recorded; 王芳 scoring herself is a self-assessment.
    assert_eq!((stored.scored_by.as_str(), stored.scored_on), (app.user_name().as_str(), Some(app.today)));
    assert_eq!(stored.self_assessed(), app.user_name() == "王芳");
    let scorer = app.day.eval.as_ref().and_then(|v| v.scorer.clone()).expect("shown in the view");
    assert!(scorer.contains(&app.user_name()), "{scorer}");
    // A supervisor's later entry is theirs, not a self-assessment.
    app.config.user = Some("张经理".into());
    press(&mut app, KeyCode::Char('t'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    app.update(Action::Paste("70".into()));
    super::tests::ctrl(&mut app, 's');
    let stored = app.store.target_of("王芳", "2026-09").expect("read").expect("record");
    assert_eq!((stored.ability, stored.scored_by.as_str(), stored.self_assessed()), (Some(70), "张经理", false));
    // Another rep and the month before.
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('['));
    let v = app.day.eval.as_ref().expect("open");
    assert_eq!((v.rep(), v.period.to_string().as_str()), ("李雷", "2026-08"));
    press(&mut app, KeyCode::Esc);
    assert!(app.day.eval.is_none());
    assert_eq!(app.tab, Tab::Today);
}

#[test]
fn the_selected_row_is_shown_reversed_and_moves_with_the_keys() {
    let (_dir, mut app, _) = today_tab(Lang::Zh, Role::Rep);
    let reversed = |app: &App, needle: &str| {
        let buf = buffer(app, 120, 40);
        let (x, y) = find(&buf, needle).expect("on screen");
        buf[(x, y)].modifier.contains(ratatui::style::Modifier::REVERSED)
    };
    assert!(reversed(&app, "257 天无经理拜访"));
    assert!(!reversed(&app, "53 天无经理拜访"));
    press(&mut app, KeyCode::Down);
    assert!(reversed(&app, "53 天无经理拜访"));
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.day.selected, rows(&app).len() - 1, "stays on the last row");
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.popup, Some(Popup::Help { .. })));
    assert!(find(&buffer(&app, 120, 40), "勾选承诺已完成").is_some(), "the tab's keys under ?");
}

#[test]
fn with_a_worker_thread_the_read_and_the_evaluation_arrive_on_ticks() {
    let (_dir, mut app, _) = app_on(Lang::En, d(DAY), Role::Rep);
    app.start_worker();
    press(&mut app, KeyCode::Char('5'));
    let wait = |app: &mut App, done: &dyn Fn(&App) -> bool| {
        let started = std::time::Instant::now();
        while !done(app) && started.elapsed() < std::time::Duration::from_secs(30) {
            std::thread::sleep(std::time::Duration::from_millis(5));
            app.update(Action::Tick);
        }
    };
    wait(&mut app, &|a| !a.day.loading);
    assert_eq!(app.day.data.as_deref().map(|d| d.overdue.len()), Some(2));
    press(&mut app, KeyCode::Char('v'));
    wait(&mut app, &|a| a.day.eval.as_ref().is_some_and(|v| v.eval.is_some()));
    let v = app.day.eval.as_ref().expect("open");
    assert_eq!(v.input.as_ref().map(|i| i.ability), Some(Some(85)));
}

#[test]
fn evaluation_of_a_rep_with_little_data_shows_a_partial_score_without_a_grade() {
    let (_dir, mut app, _) = today_tab(Lang::En, Role::Manager);
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Right);
    let v = app.day.eval.as_ref().expect("open");
    assert_eq!(v.rep(), "李雷");
    let e = v.eval.as_ref().expect("read");
    assert!(e.scored_weight * 2 < e.total_weight, "{e:?}");
    assert!(e.score.is_some() && e.grade.is_none(), "no grade on under half the weight");
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "no grade").is_some(), "said so on screen");
    assert!(find(&buf, &format!("on {} of 100 weight points", e.scored_weight)).is_some());
}

/// Today at 80×24: a row wider than its panel ends in `…`; it had stopped
/// inside a word ("金牌 → 银", "· 客户") with nothing to say it went on.
#[test]
fn today_rows_cut_on_a_narrow_screen_say_so() {
    let (_dir, mut app, _ids) = today_tab(Lang::Zh, Role::Rep);
    app.update(Action::Resize { width: 80, height: 24 });
    let buf = super::tests::buffer(&app, 80, 24);
    let all: String =
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>() + "\n").collect();
    assert!(super::tests::find(&buf, "金牌 → 银…").is_some(), "{all}");
    assert!(super::tests::find(&buf, "金牌 → 银 ").is_none(), "{all}");
}
