//! A rep's first month on a blank file, through the keys a rep presses:
//! no demo data and no direct store writes. Every record the month's rules
//! stand on (orders, collections, feedback, major changes, visits) is
//! entered and corrected in the account's sections, and the month's
//! evaluation is computed from exactly those records.

use crossterm::event::KeyCode;
use kam_rules::evaluation::Period;
use kam_rules::{Lang, Money, Rules};

use super::app::{App, Popup, Section};
use super::tests::{app, ctrl, press, snap, typed};

/// Empties the focused one-line field and types `text`.
fn retype(app: &mut App, text: &str) {
    press(app, KeyCode::End);
    for _ in 0..40 {
        press(app, KeyCode::Backspace);
    }
    typed(app, text);
}

fn tabs(app: &mut App, n: usize) {
    for _ in 0..n {
        press(app, KeyCode::Tab);
    }
}

fn section(app: &App) -> Section {
    app.detail.as_ref().map(|d| d.section).expect("an account is open")
}

/// Moves to `s` with → in the open account.
pub(super) fn go(app: &mut App, s: Section) {
    for _ in 0..Section::ALL.len() {
        if section(app) == s {
            return;
        }
        press(app, KeyCode::Right);
    }
    panic!("no section {s:?}");
}

fn form_error(app: &App, key: &str) -> Option<String> {
    let Some(Popup::Form(f)) = &app.popup else { return None };
    f.form.fields.iter().find(|x| x.key == key && x.error.is_some()).and_then(|x| x.error.clone())
}

#[test]
fn a_reps_first_month_on_a_blank_file_through_the_keys() {
    let (_dir, mut app) = app(Lang::Zh);
    assert_eq!(app.list.len(), 0, "a blank file");
    let today = app.today;

    // The account.
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "杭州西湖精密机械有限公司");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "account saved");
    assert_eq!(section(&app), Section::Company);

    // Two contacts, in their own section.
    go(&mut app, Section::Contacts);
    for name in ["曾志伟", "单田芳"] {
        press(&mut app, KeyCode::Char('n'));
        typed(&mut app, name);
        ctrl(&mut app, 's');
        assert!(app.popup.is_none(), "contact {name} saved");
    }
    assert_eq!(app.detail.as_ref().map(|d| d.contacts.len()), Some(2));

    // A cash order today, paid in full on the spot.
    go(&mut app, Section::Orders);
    press(&mut app, KeyCode::Char('n'));
    tabs(&mut app, 1);
    typed(&mut app, "50000");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "cash order saved");
    let cash_net = app.detail.as_ref().map(|d| d.orders[0].net_amount).expect("order");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(&app.popup, Some(Popup::Form(_))), "Enter edits the selected order");
    tabs(&mut app, 6); // date, amount, payment, promotion, due date, rep → the first collection row
    typed(&mut app, "today");
    tabs(&mut app, 1);
    typed(&mut app, &cash_net.to_string());
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "collection saved");

    // A credit order booked in July, due 91 days before today: unpaid.
    press(&mut app, KeyCode::Char('n'));
    retype(&mut app, "2026-07-25");
    tabs(&mut app, 1);
    typed(&mut app, "120万");
    tabs(&mut app, 1);
    press(&mut app, KeyCode::Right); // credit
    tabs(&mut app, 2);
    typed(&mut app, "-91d");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "credit order saved");
    let d = app.detail.as_ref().expect("detail");
    assert_eq!(d.orders.len(), 2);
    assert_eq!(d.orders[1].due_date, today.checked_sub_days(chrono::Days::new(91)));
    assert!(d.tier.downgraded, "a receivable 91 days overdue downgrades: {}", d.tier_reason);
    assert!(d.tier_reason.contains("91"), "the reason names the days: {}", d.tier_reason);
    let owed = d.orders[1].outstanding();
    assert_eq!(owed, d.orders[1].net_amount);
    snap("ledger_overdue", &mut app);

    // Paid: first too much (refused beside the field, nothing lost), then what is owed.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('e'));
    tabs(&mut app, 6);
    typed(&mut app, "today");
    tabs(&mut app, 1);
    let too_much = Money::from_fen(owed.fen() + 1);
    typed(&mut app, &too_much.to_string());
    let err = form_error(&app, "collection_amount").expect("refused beside the field");
    assert!(err.contains(&owed.grouped()), "{err}");
    ctrl(&mut app, 's');
    assert!(matches!(&app.popup, Some(Popup::Form(_))), "an over-collection keeps the form");
    snap("ledger_over_collected", &mut app);
    retype(&mut app, &owed.to_string());
    assert!(form_error(&app, "collection_amount").is_none());
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "payment saved");
    let d = app.detail.as_ref().expect("detail");
    assert!(!d.tier.downgraded, "paid: the downgrade is gone at once ({})", d.tier_reason);
    assert_eq!(d.row_sel, 1, "the corrected order stays selected");
    assert!(d.orders.iter().all(|o| o.outstanding() == Money::ZERO));

    // A complaint.
    go(&mut app, Section::Feedback);
    press(&mut app, KeyCode::Char('n'));
    tabs(&mut app, 1);
    typed(&mut app, "曾志伟");
    tabs(&mut app, 1);
    for _ in 0..3 {
        press(&mut app, KeyCode::Right); // satisfaction 3
    }
    tabs(&mut app, 1);
    press(&mut app, KeyCode::Right); // a complaint
    tabs(&mut app, 1);
    typed(&mut app, "交货晚了两周");
    snap("feedback_form", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "feedback saved");
    let d = app.detail.as_ref().expect("detail");
    assert_eq!((d.feedback[0].satisfaction, d.feedback[0].complaint, d.feedback[0].closed), (Some(3), true, false));

    // A major change.
    go(&mut app, Section::Events);
    press(&mut app, KeyCode::Char('n'));
    tabs(&mut app, 1);
    typed(&mut app, "人事变动");
    tabs(&mut app, 1);
    typed(&mut app, "采购总监离职");
    snap("event_form", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "change saved");
    assert_eq!(app.detail.as_ref().map(|d| d.events[0].kind.as_str()), Some("人事变动"));

    // Scores: one criterion at 7 is exactly 70 %, class A; 6 is B.
    go(&mut app, Section::Company);
    press(&mut app, KeyCode::Char('s'));
    let class = |app: &App| {
        let Some(Popup::Scores(e)) = &app.popup else { panic!("the scorecard is open") };
        e.result(&app.rules).map(|s| (s.class, s.percent()))
    };
    assert_eq!(class(&app), None, "nothing scored yet");
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(class(&app), Some((kam_rules::AbcClass::B, 60.0)));
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(class(&app), Some((kam_rules::AbcClass::A, 70.0)), "70 % is A, at the boundary");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('0')); // 10 on the second criterion
    snap("scorecard", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "scores saved");
    let d = app.detail.as_ref().expect("detail");
    let card = kam_rules::abc::scorecard(&app.rules, &d.account.score_map()).expect("scored");
    assert_eq!(card.class, kam_rules::AbcClass::A);
    assert_eq!(d.account.scores.len(), 2);
    assert_eq!(d.pareto, Some(kam_rules::AbcClass::A), "the only account with orders is Pareto A");

    // A visit with both contacts and a next step due today.
    go(&mut app, Section::Visits);
    press(&mut app, KeyCode::Char('n'));
    tabs(&mut app, 1);
    typed(&mut app, "14:30");
    tabs(&mut app, 4);
    typed(&mut app, "年度框架协议");
    tabs(&mut app, 2);
    typed(&mut app, "送样品");
    tabs(&mut app, 1);
    typed(&mut app, "today");
    tabs(&mut app, 1);
    typed(&mut app, "售后工程师");
    tabs(&mut app, 1);
    press(&mut app, KeyCode::Right); // the first contact
    tabs(&mut app, 1);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right); // the second
    snap("visit_form", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "visit saved");
    let d = app.detail.as_ref().expect("detail");
    assert_eq!(d.visits[0].contacts.len(), 2, "a visit with two contacts");
    assert_eq!(d.visits[0].time, chrono::NaiveTime::from_hms_opt(14, 30, 0), "the visit's time of day");
    assert_eq!((d.visits[0].next_step.as_str(), d.visits[0].next_date), ("送样品", Some(today)));
    assert_eq!(d.visits[0].informed, "售后工程师", "who was told");
    snap("visits_section", &mut app);

    // A section's `d` moves its own record to the trash, never the account.
    go(&mut app, Section::Events);
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(&app.popup, Some(Popup::Reason { .. })));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.list.len(), 1);

    // Today lists the next step due and the open complaint.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('5'));
    let items: Vec<String> = super::today::lines(&app)
        .into_iter()
        .filter_map(|l| if let super::today::TodayLine::Item { text, .. } = l { Some(text) } else { None })
        .collect();
    assert!(items.iter().any(|t| t.contains("送样品") && t.contains("西湖")), "{items:?}");
    assert!(items.iter().any(|t| t.contains("交货晚了两周")), "{items:?}");
    snap("today_next_steps_and_complaints", &mut app);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Enter);

    // The month's evaluation reads exactly those records.
    let period = Period::month_of(today);
    let rules = Rules::default();
    let input = app.store.evaluation_input(&rules, "王芳", period, today).expect("inputs");
    let d = app.detail.as_ref().expect("detail");
    let paid: Money = d.orders.iter().map(crate::model::Order::collected).sum();
    assert_eq!(input.collected, paid, "both collections were made this month");
    assert_eq!(input.actual_sales, cash_net, "only the cash order was booked this month");
    assert_eq!(input.complaints, 1);
    assert_eq!(input.satisfaction, vec![3]);
}

#[test]
fn an_orders_collections_are_edited_removed_and_kept_as_a_draft() {
    let (_dir, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "Acme");
    ctrl(&mut app, 's');
    go(&mut app, Section::Orders);
    press(&mut app, KeyCode::Char('n'));
    tabs(&mut app, 1);
    typed(&mut app, "10000");
    tabs(&mut app, 5);
    typed(&mut app, "today");
    tabs(&mut app, 1);
    typed(&mut app, "1000");
    tabs(&mut app, 1);
    typed(&mut app, "today");
    tabs(&mut app, 1);
    typed(&mut app, "2000");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none());
    let o = app.detail.as_ref().map(|d| d.orders[0].clone()).expect("order");
    assert_eq!(o.collected(), Money::from_yuan(3000));
    let rate = o.discount_rate;
    // The first row removed with Ctrl-D: the rate the order was booked at stays.
    press(&mut app, KeyCode::Enter);
    tabs(&mut app, 6);
    ctrl(&mut app, 'd');
    let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
    assert!(f.form.changed(), "a removed row is a change: Esc asks");
    // The open form is kept as a draft with its rows, and comes back whole.
    let draft = app.draft().expect("draft");
    assert!(draft.values.iter().any(|(k, v)| k == "rows@0" && v == "2"), "{:?}", draft.values);
    app.popup = None;
    app.restore_draft(draft);
    let Some(Popup::Form(f)) = &app.popup else { panic!("draft restored") };
    assert_eq!(f.form.cell(0, 0, crate::tui::widgets::keys::F::CollectionAmount), "2,000.00");
    assert_eq!(f.form.row_count(0), 2, "the row left and the blank one");
    ctrl(&mut app, 's');
    let o = app.detail.as_ref().map(|d| d.orders[0].clone()).expect("order");
    assert_eq!(o.collected(), Money::from_yuan(2000));
    assert_eq!(o.discount_rate, rate);
    // `d` in Orders asks a reason and trashes the order, not the account.
    press(&mut app, KeyCode::Char('d'));
    typed(&mut app, "booked twice");
    press(&mut app, KeyCode::Enter);
    let d = app.detail.as_ref().expect("the account is still open");
    assert!(d.orders.is_empty());
    assert_eq!(app.list.len(), 1);
}

/// Every new editor and section in English (the Chinese ones are taken on
/// the way through the first month above).
#[test]
fn the_editors_and_sections_in_english() {
    let (_dir, mut app) = super::tests::seeded(Lang::En);
    press(&mut app, KeyCode::Enter);
    go(&mut app, Section::Orders);
    press(&mut app, KeyCode::Enter);
    tabs(&mut app, 6);
    typed(&mut app, "today");
    tabs(&mut app, 1);
    typed(&mut app, "20万");
    snap("order_form_collections", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    let o = &app.detail.as_ref().expect("detail").orders[0];
    assert_eq!(o.net_amount, o.amount, "adding a collection keeps the order's own net and rate");
    snap("orders_section_collections", &mut app);
    go(&mut app, Section::Visits);
    press(&mut app, KeyCode::Char('n'));
    snap("visit_form", &mut app);
    press(&mut app, KeyCode::Esc);
    go(&mut app, Section::Events);
    press(&mut app, KeyCode::Char('n'));
    snap("event_form", &mut app);
    press(&mut app, KeyCode::Esc);
    go(&mut app, Section::Feedback);
    press(&mut app, KeyCode::Char('n'));
    tabs(&mut app, 1);
    typed(&mut app, "Mr Zeng");
    tabs(&mut app, 2);
    press(&mut app, KeyCode::Right);
    tabs(&mut app, 1);
    typed(&mut app, "Late delivery");
    snap("feedback_form", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    snap("feedback_section", &mut app);
    press(&mut app, KeyCode::Char('?'));
    snap("help_records_section", &mut app);
    press(&mut app, KeyCode::Esc);
    go(&mut app, Section::Company);
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('8'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    snap("scorecard", &mut app);
    // Kept as a draft if kam stops, and offered back whole.
    let draft = app.draft().expect("a scorecard draft");
    app.popup = None;
    app.restore_draft(draft);
    let Some(Popup::Scores(e)) = &app.popup else { panic!("scorecard restored") };
    assert_eq!(e.scores.values().copied().collect::<Vec<_>>(), vec![8, 1], "{:?}", e.scores);
    assert!(app.form_changed(), "restored scores are changes: Esc asks");
}

/// Fills every field of the open form with a value of its kind (the last
/// option of a choice), returning what each field holds before the save.
fn fill_every_field(app: &mut App) -> Vec<(String, String)> {
    use super::widgets::form::FieldKind;
    let Some(Popup::Form(f)) = &mut app.popup else { panic!("a form is open") };
    for field in &mut f.form.fields {
        let text = match (field.key, &field.kind) {
            ("phone" | "fax", _) => "0571-8888 6666".to_string(),
            ("email", _) => "zeng@example.cn".to_string(),
            ("amount", _) => "120000".to_string(),
            ("collection_amount", _) => format!("{}", 100 + field.row.map_or(0, |t| t.row)),
            (_, FieldKind::Date) => "2026-11-20".to_string(),
            (_, FieldKind::Amount) => "50000.5".to_string(),
            (_, FieldKind::Time) => "09:30".to_string(),
            (_, FieldKind::Lines(_)) => format!("{}一\n二", field.key),
            (_, FieldKind::Choice { options, .. }) => options.last().map(|(k, _)| k.clone()).unwrap_or_default(),
            (_, FieldKind::Text) => format!("{}值", field.key),
        };
        let key = field.key;
        match &mut field.kind {
            FieldKind::Choice { options, index } => *index = options.iter().position(|(k, _)| *k == text).unwrap_or(0),
            FieldKind::Lines(t) => **t = super::widgets::lines::TextLines::new(&text),
            _ => field.input = super::widgets::input::TextInput::new(&text),
        }
        assert_eq!(field.value(), text, "{key}");
    }
    f.form.fields.iter().map(|x| (row_key(x), x.value())).collect()
}

fn row_key(f: &super::widgets::form::Field) -> String {
    f.row.map_or_else(|| f.key.to_string(), |t| format!("{}@{}.{}", f.key, t.table, t.row))
}

/// The open form's values, amounts read as money (typed `120000` is shown
/// back as `120000.00`).
fn form_values(app: &App) -> Vec<(String, String)> {
    use super::widgets::form::FieldKind;
    let Some(Popup::Form(f)) = &app.popup else { panic!("a form is open") };
    f.form
        .fields
        .iter()
        .filter(|x| !(x.row.is_some() && x.is_blank()))
        .map(|x| {
            let v = x.value();
            let v = match x.kind {
                FieldKind::Amount if !v.is_empty() => Money::parse(&v).map_or(v, |m| m.fen().to_string()),
                _ => v,
            };
            (row_key(x), v)
        })
        .collect()
}

fn read_csvs(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

/// Every field of the account's editors (account, contact, order with its
/// collections, visit with its contacts, major change, feedback) survives
/// save → reopen → export → merge into an empty file → export.
#[test]
fn every_field_of_every_record_editor_survives_save_reopen_export_and_merge() {
    let (dir, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "Acme");
    ctrl(&mut app, 's');
    go(&mut app, Section::Contacts);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "Boss");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "first contact saved");
    // (open the form, where the record sits, the key that reopens it)
    let steps: [(Section, char); 6] = [
        (Section::Company, 'e'),
        (Section::Contacts, 'n'),
        (Section::Orders, 'n'),
        (Section::Visits, 'n'),
        (Section::Events, 'n'),
        (Section::Feedback, 'n'),
    ];
    for (section, open) in steps {
        go(&mut app, section);
        press(&mut app, KeyCode::Char(open));
        let typed_in = fill_every_field(&mut app);
        let before = form_values(&app);
        ctrl(&mut app, 's');
        assert!(app.popup.is_none(), "{section:?} saved: {:?}", {
            let Some(Popup::Form(f)) = &app.popup else { unreachable!() };
            (
                f.error.clone(),
                f.form.fields.iter().filter_map(|x| x.error.clone().map(|e| (x.key, e))).collect::<Vec<_>>(),
            )
        });
        // Reopen the record just saved (the contact saved is selected).
        if section == Section::Contacts {
            let d = app.detail.as_mut().expect("detail");
            d.contact_sel = d.contacts.iter().position(|c| c.name == "name值").expect("saved contact");
        }
        press(&mut app, KeyCode::Char('e'));
        let after = form_values(&app);
        assert_eq!(before, after, "{section:?}: the form reopens with every value ({} typed)", typed_in.len());
        press(&mut app, KeyCode::Esc);
        assert!(app.popup.is_none());
    }
    // Export, merge into an empty file, export again: the same files.
    let opts = |out: std::path::PathBuf| crate::exchange::export::ExportOptions {
        span: crate::store::Span::All,
        range: "test".into(),
        dir: out,
        bom: true,
        lang: Lang::En,
        unmask: true,
        who: "王芳".into(),
        now: app.store.now(),
    };
    let first = dir.path().join("first");
    crate::exchange::export::export(&app.store, &opts(first.clone())).expect("export");
    let mut empty =
        crate::store::Store::open(&dir.path().join("hq.db"), crate::clock::Clock::starting_on_day(app.today))
            .expect("open");
    crate::exchange::import::merge_dir(&mut empty, &first, false, &mut |_, _| {}).expect("merge");
    let second = dir.path().join("second");
    crate::exchange::export::export(&empty, &opts(second.clone())).expect("export");
    let (a, b) = (read_csvs(&first), read_csvs(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, text) in &a {
        assert!(b[name] == *text, "{name} differs after export → merge → export:\n{text}\n---\n{}", b[name]);
    }
    for file in ["order_collections.csv", "visit_contacts.csv", "change_events.csv", "feedback.csv"] {
        assert!(a[file].lines().count() >= 2, "{file} holds the records typed: {}", a[file]);
    }
}

/// The change history in words: the field's label, money in yuan, the
/// action in the user's language (not `update registered_capital 3000000000`).
#[test]
fn history_speaks_the_users_words() {
    let (_dir, mut app) = app(Lang::Zh);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "西湖精机");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Char('e'));
    tabs(&mut app, 8); // to 注册资本
    typed(&mut app, "3000万");
    press(&mut app, KeyCode::Tab); // 是否上市
    press(&mut app, KeyCode::Right);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    press(&mut app, KeyCode::Char('e'));
    tabs(&mut app, 8);
    for _ in 0..20 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "1234.5");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved again");
    go(&mut app, Section::History);
    let buf = super::tests::buffer(&app, 120, 40);
    let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
    // The field as its form names it.
    assert!(super::tests::find(&buf, "修改 注册资本 3000万").is_some(), "money as typed, in 万: {text}");
    assert!(super::tests::find(&buf, "3000万 → 1,234.50").is_some(), "money in yuan when not whole 万: {text}");
    // A yes/no field in words, not the stored 0 → 1.
    assert!(super::tests::find(&buf, "修改 是否上市 否 → 是").is_some(), "{text}");
    assert!(!text.contains("3000000000") && !text.contains("registered_capital"), "no raw fen or key");
    assert!(!text.contains(" 0 → 1"), "no stored flag: {text}");
}

/// A scorecard change reads as the scorecard's criteria by their labels,
/// not the stored list of keys.
#[test]
fn history_shows_a_scorecard_in_words() {
    let (_dir, mut app) = app(Lang::Zh);
    let mut a = crate::model::Account::named("西湖精机");
    app.store.save(&mut a, "").expect("save");
    a.scores = vec![crate::model::Score { criterion: "market_leader".into(), score: 9 }];
    app.store.save(&mut a, "").expect("scored");
    app.reload_list(None);
    app.open_detail(&a.meta.id, Section::History);
    let buf = super::tests::buffer(&app, 120, 40);
    let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
    let label = &app.rules.abc.criteria.iter().find(|c| c.key == "market_leader").expect("criterion").zh;
    assert!(super::tests::find(&buf, &format!("客户评分卡 {label} 9")).is_some(), "{text}");
    assert!(!text.contains("market_leader") && !text.contains("criterion"), "{text}");
    // A whole scorecard at 80 columns wraps to its last criterion.
    a.scores =
        app.rules.abc.criteria.iter().map(|c| crate::model::Score { criterion: c.key.clone(), score: 7 }).collect();
    app.store.save(&mut a, "").expect("all scored");
    app.open_detail(&a.meta.id, Section::History);
    let buf = super::tests::buffer(&app, 80, 24);
    let last = &app.rules.abc.criteria.last().expect("criteria").zh;
    assert!(super::tests::find(&buf, &format!("{last} 7")).is_some(), "{last}");
}

/// In English too the history names a field as its form does and shows
/// yes/no and a chosen tier in words, not `registered capital`, `0` or `gold`.
#[test]
fn history_speaks_the_users_words_in_english() {
    let (_dir, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "Westlake Precision");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Char('e'));
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.set_value("registered_capital", "30000000");
    f.form.set_value("tier_override", "gold");
    f.form.set_value("tier_override_reason", "strategic");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    go(&mut app, Section::History);
    let buf = super::tests::buffer(&app, 120, 40);
    let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(text.contains("Registered capital 30,000,000.00"), "{text}");
    assert!(text.contains("Listed no"), "{text}");
    assert!(text.contains("Tier override Gold"), "{text}");
    assert!(!text.contains("registered capital") && !text.contains(" gold"), "{text}");
}

/// A save the record's own check refuses (a due date before the order's
/// date) puts the cursor on that field, its message beside it, and keeps
/// everything typed: the next keys fix that field, not the one last typed in.
#[test]
fn a_refused_save_puts_the_cursor_on_the_field_to_fix() {
    let (_dir, mut app) = app(Lang::Zh);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "宁波甬达机电");
    ctrl(&mut app, 's');
    go(&mut app, Section::Orders);
    press(&mut app, KeyCode::Char('n'));
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("order form") };
    f.form.set_value("amount", "12万");
    f.form.set_value("payment", "credit");
    f.form.set_value("due_date", "2026-11-01");
    f.form.set_value("rep", "赵六");
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("the form stays open") };
    assert_eq!(f.form.fields[f.form.focus].key, "due_date", "the cursor is on the field to fix");
    assert!(form_error(&app, "due_date").is_some_and(|e| e.contains("到期日早于订单日期")));
    let Some(Popup::Form(f)) = &app.popup else { unreachable!() };
    assert_eq!(
        (f.form.text("amount"), f.form.text("rep")),
        ("12万".to_string(), "赵六".to_string()),
        "nothing typed lost"
    );
}

/// A visit with a next date and no next step written is listed on Today
/// by its date and account, with no empty part after them.
#[test]
fn a_next_date_without_a_step_is_listed_on_today_without_an_empty_part() {
    let (_dir, mut app) = app(Lang::Zh);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "宁波港务集团有限公司");
    ctrl(&mut app, 's');
    go(&mut app, Section::Visits);
    press(&mut app, KeyCode::Char('n'));
    let today = app.today.to_string();
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("visit form") };
    f.form.set_value("purpose", "洽谈续约");
    f.form.set_value("next_date", &today);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "visit saved");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('5'));
    let items: Vec<String> = super::today::lines(&app)
        .into_iter()
        .filter_map(|l| if let super::today::TodayLine::Item { text, .. } = l { Some(text) } else { None })
        .collect();
    let line = items.iter().find(|t| t.contains("宁波港务集团有限公司")).expect("the next date on Today");
    assert!(line.starts_with(&today) && !line.trim_end().ends_with('·'), "{line:?}");
}
