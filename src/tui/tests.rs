//! `update` driven by key events, and the screens drawn on a `TestBackend`
//! (insta snapshots in both languages at 80×24 and 120×40, with the styles
//! that carry meaning asserted cell by cell).

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use kam_rules::{BuyingRole, Labeled, Lang, Money, Rules, SocialStyle, Tier};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use tempfile::TempDir;

use super::app::{Action, App, Popup, Section, Tab};
use super::screens;
use crate::config::Config;
use crate::model::{Account, Contact, Order};
use crate::paths::Paths;
use crate::store::Store;

pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

pub(super) fn app(lang: Lang) -> (TempDir, App) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kam.db");
    let mut store = Store::open(&db, crate::clock::Clock::starting_on_day(today())).expect("open");
    store.set_user("王芳");
    let paths = Paths::for_db(db, dir.path().to_path_buf());
    let config = Config { user: Some("王芳".into()), ..Config::default() };
    let mut app = App::new(store, paths, config, Rules::default(), lang);
    app.db_label = "kam.db".into();
    app.reload_list(None);
    app.update(Action::Resize { width: 120, height: 40 });
    (dir, app)
}

/// Two accounts: one downgraded by a receivable 120 days overdue, with contacts.
pub(super) fn seeded(lang: Lang) -> (TempDir, App) {
    let (dir, mut app) = app(lang);
    let mut a = Account::named("杭州西湖精密机械有限公司");
    a.short_name = "西湖精机".into();
    a.phone = "0571-88886666".into();
    a.owner = "王芳".into();
    a.industry = "机械".into();
    app.store.save(&mut a, "").expect("save");
    let mut order = Order {
        account_id: a.meta.id.clone(),
        date: NaiveDate::from_ymd_opt(2026, 6, 1).expect("d"),
        amount: Money::parse("120万").expect("m"),
        net_amount: Money::parse("120万").expect("m"),
        due_date: NaiveDate::from_ymd_opt(2026, 7, 26),
        ..Order::default()
    };
    app.store.save(&mut order, "").expect("order");
    let mut boss = Contact::of(a.meta.id.clone(), "曾志伟");
    boss.title = "总经理".into();
    boss.buying_role = Some(BuyingRole::Approver);
    boss.social_style = Some(SocialStyle::Driver);
    app.store.save(&mut boss, "").expect("contact");
    let mut eng = Contact::of(a.meta.id.clone(), "单田芳");
    eng.title = "技术总监".into();
    eng.buying_role = Some(BuyingRole::TechnicalGatekeeper);
    eng.reports_to = Some(boss.meta.id.clone());
    app.store.save(&mut eng, "").expect("contact");
    let mut b = Account::named("上海华联超市股份有限公司");
    b.owner = "李雷".into();
    app.store.save(&mut b, "").expect("save");
    app.reload_list(None);
    (dir, app)
}

pub(super) fn press(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }));
}

pub(super) fn ctrl(app: &mut App, c: char) {
    app.update(Action::Key(KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }));
}

pub(super) fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub(super) fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| screens::draw(app, f)).expect("draw");
    t
}

pub(super) fn buffer(app: &App, w: u16, h: u16) -> Buffer {
    draw(app, w, h).backend().buffer().clone()
}

/// Where `needle` starts on screen (column counted in cells).
pub(super) fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let first = needle.chars().next()?.to_string();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].symbol() == first {
                let mut cx = x;
                let mut ok = true;
                for c in needle.chars() {
                    if cx >= buf.area.width || buf[(cx, y)].symbol() != c.to_string() {
                        ok = false;
                        break;
                    }
                    cx += u16::try_from(unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)).unwrap_or(1);
                }
                if ok {
                    return Some((x, y));
                }
            }
        }
    }
    None
}

fn names(app: &App) -> Vec<String> {
    (0..app.list.len()).filter_map(|i| app.list.row(i).map(|r| r.1.to_string())).collect()
}

pub(super) fn snap(name: &str, app: &mut App) {
    // The query time varies from run to run; the snapshots show 0.
    app.list.last_query_ms = 0.0;
    for (w, h) in [(80, 24), (120, 40)] {
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", app.lang.key()), t.backend());
    }
}

#[test]
fn list_snapshots_and_downgrade_is_red() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        snap("list", &mut app);
        let buf = buffer(&app, 120, 40);
        let tier = Tier::Silver.label(lang);
        let (x, y) = find(&buf, &format!("{tier}↓")).expect("downgraded tier shown with its mark");
        assert_eq!(buf[(x, y)].fg, ratatui::style::Color::Red, "a downgraded tier is red");
    }
}

#[test]
fn filter_by_pinyin_initials_highlights_the_match() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "hzxh");
    assert_eq!(app.list.len(), 1);
    assert_eq!(names(&app)[0], "杭州西湖精密机械有限公司");
    let buf = buffer(&app, 120, 40);
    let (x, y) = find(&buf, "杭州西湖").expect("row");
    assert_eq!(buf[(x, y)].fg, ratatui::style::Color::Yellow, "matched characters are highlighted");
    let (x2, y2) = find(&buf, "精密").expect("rest");
    assert_ne!(buf[(x2, y2)].fg, ratatui::style::Color::Yellow, "the rest is not");
    // The cursor sits after the typed filter.
    let mut t = draw(&app, 120, 40);
    let pos = t.get_cursor_position().expect("cursor");
    let (fx, fy) = find(&buf, "hzxh").expect("filter text");
    assert_eq!((pos.x, pos.y), (fx + 4, fy));
    snap("filtered", &mut app);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.list.len(), 2, "Esc clears the filter");
    // Phone digits and full pinyin.
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "8888");
    assert_eq!(app.list.len(), 1);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "shanghai");
    assert_eq!(app.list.len(), 1);
    assert_eq!(names(&app)[0], "上海华联超市股份有限公司");
}

/// Typed key by key (each letter narrowing within the last result), a
/// mix of initials and syllables finds a contact's account, and the
/// owner's name finds the accounts they own; the row says which (#22).
#[test]
fn the_owner_and_mixed_pinyin_find_accounts_and_the_row_says_through_whom() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "wf");
        assert_eq!(names(&app), ["杭州西湖精密机械有限公司"], "王芳 owns it");
        let owner = if lang == Lang::En {
            "杭州西湖精密机械有限公司 · owner 王芳"
        } else {
            "杭州西湖精密机械有限公司 · 负责人 王芳"
        };
        snap("owner_hit", &mut app);
        // At 80 columns the name column has no room for it; the owner column shows 王芳.
        assert!(find(&buffer(&app, 120, 40), owner).is_some(), "{owner}");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "lil");
        assert_eq!(names(&app), ["上海华联超市股份有限公司"], "李雷 owns it");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "zzhw");
        assert_eq!(names(&app), ["杭州西湖精密机械有限公司"]);
        let contact = if lang == Lang::En { "· contact 曾志伟" } else { "· 联系人 曾志伟" };
        assert!(find(&buffer(&app, 120, 40), contact).is_some(), "{contact}");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "hzxih");
        let buf = buffer(&app, 120, 40);
        assert_eq!(names(&app), ["杭州西湖精密机械有限公司"]);
        assert!(find(&buf, "· owner").is_none() && find(&buf, "· 负责人").is_none(), "it matched by its own name");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "wfx");
        assert!(names(&app).is_empty());
    }
}

#[test]
fn new_account_validation_save_duplicate_guard() {
    let (_d, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    let Some(Popup::Form(f)) = &app.popup else { panic!("form opens") };
    assert_eq!(f.form.focus, 0, "cursor in the account's name");
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("a failed save keeps the form") };
    assert!(f.form.fields[0].error.is_some(), "error next to the name");
    typed(&mut app, "杭州西湖精密机械有限公司");
    let buf = buffer(&app, 120, 40);
    let (x, y) = find(&buf, "杭州西湖精密机械有限公司").expect("typed name shown");
    let mut t = draw(&app, 120, 40);
    let pos = t.get_cursor_position().expect("cursor");
    assert_eq!((pos.x, pos.y), (x + 24, y), "cursor after 12 wide characters");
    snap("form_new_account", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    assert!(app.detail.is_some(), "the new account opens");
    assert_eq!(app.list.len(), 1);
    // Same company again, with a different suffix: the guard shows it first.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "杭州西湖精密机械股份有限公司");
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("guard keeps the form") };
    assert_eq!(f.duplicates.as_deref(), Some(&["杭州西湖精密机械有限公司".to_string()][..]));
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "second Ctrl-S saves anyway");
    assert_eq!(app.list.len(), 2);
}

#[test]
fn override_needs_reason_and_esc_asks() {
    let (_d, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Char('e'));
    // Tab to the tier override, wherever the form puts it.
    for _ in 0..40 {
        let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
        if f.form.fields[f.form.focus].key == "tier_override" {
            break;
        }
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("kept") };
    let reason = f.form.fields.iter().find(|x| x.key == "tier_override_reason").expect("field");
    assert!(reason.error.is_some());
    press(&mut app, KeyCode::Esc);
    let Some(Popup::Form(f)) = &app.popup else { panic!("asks first") };
    assert!(f.confirm_drop);
    press(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
}

#[test]
fn delete_with_reason_and_restore() {
    let (_d, mut app) = seeded(Lang::En);
    let name = names(&app)[0].clone();
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Enter);
    let Some(Popup::Reason { error, .. }) = &app.popup else { panic!("asks a reason") };
    assert!(*error, "an empty reason is refused");
    typed(&mut app, "客户已注销");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(app.list.len(), 1);
    assert!(names(&app).iter().all(|n| *n != name));
    press(&mut app, KeyCode::Char('t'));
    let Some(Popup::Trash { entries, .. }) = &app.popup else { panic!("trash") };
    assert_eq!(entries.len(), 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.len(), 2);
    assert_eq!(names(&app)[app.list.selected], name, "selection re-found by id");
}

#[test]
fn detail_contacts_profile_and_political_map() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "xhjm");
        press(&mut app, KeyCode::Enter);
        let d = app.detail.as_ref().expect("detail");
        assert!(d.tier.downgraded, "120 days overdue downgrades");
        snap("detail_company", &mut app);
        press(&mut app, KeyCode::Right);
        assert_eq!(app.detail.as_ref().map(|d| d.section), Some(Section::Contacts));
        snap("detail_contacts", &mut app);
        press(&mut app, KeyCode::Right);
        snap("detail_orders", &mut app);
        press(&mut app, KeyCode::Char('?'));
        snap("help_detail", &mut app);
        press(&mut app, KeyCode::Char('x'));
        assert!(app.popup.is_none());
    }
}

#[test]
fn new_contact_found_by_pinyin() {
    let (_d, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right); // the Contacts section: `n` there is a new contact
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "刘德华");
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right); // social style: driver
    snap("form_contact", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    let found = app.store.find_contacts("ldh", 10).expect("find");
    assert_eq!(found.len(), 1);
    let found = app.store.find_contacts("zzw", 10).expect("find");
    assert_eq!(found[0].name, "曾志伟");
    // From the list: `/zzw` finds his company and him; Enter, Enter opens his profile.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zzw");
    assert_eq!(app.list.len(), 1);
    assert_eq!(names(&app)[0], "杭州西湖精密机械有限公司");
    assert_eq!(app.list.contact_hits.len(), 1);
    snap("contact_hits", &mut app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let d = app.detail.as_ref().expect("opened");
    assert_eq!(d.section, Section::Contacts);
    assert_eq!(d.contacts[d.contact_sel].name, "曾志伟");
}

#[test]
fn tabs_help_and_other_tabs_say_what_comes() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = app(lang);
        snap("empty", &mut app);
        press(&mut app, KeyCode::Char('?'));
        snap("help_list", &mut app);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('5'));
        assert_eq!(app.tab, Tab::Today);
        snap("today_empty", &mut app);
        press(&mut app, KeyCode::Char('1'));
        assert_eq!(app.tab, Tab::Accounts);
        press(&mut app, KeyCode::Char('q'));
        assert!(app.quit);
    }
}

#[test]
fn release_events_are_ignored() {
    let (_d, mut app) = app(Lang::En);
    app.update(Action::Key(KeyEvent {
        code: KeyCode::Char('q'),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Release,
        state: KeyEventState::NONE,
    }));
    assert!(!app.quit);
}

type Step = Box<dyn Fn(&mut App)>;

#[test]
fn tiny_sizes_never_panic() {
    let (_d, mut app) = seeded(Lang::Zh);
    let mut states: Vec<Step> = vec![
        Box::new(|_| {}),
        Box::new(|a| press(a, KeyCode::Char('?'))),
        Box::new(|a| {
            press(a, KeyCode::Esc);
            press(a, KeyCode::Char('n'));
        }),
        Box::new(|a| {
            press(a, KeyCode::Esc);
            press(a, KeyCode::Enter);
            press(a, KeyCode::Right);
        }),
    ];
    for s in &mut states {
        s(&mut app);
        for w in 0..30 {
            for h in 0..12 {
                let _ = draw(&app, w, h);
            }
        }
    }
}

#[test]
fn settings_popup_writes_config() {
    let (dir, mut app) = app(Lang::En);
    press(&mut app, KeyCode::Char(','));
    ctrl(&mut app, 'u');
    typed(&mut app, "张三");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // rep -> store staff
    press(&mut app, KeyCode::Tab);
    typed(&mut app, "西湖店");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // en -> zh
    snap("settings", &mut app);
    ctrl(&mut app, 's');
    assert_eq!(app.lang, Lang::Zh);
    let text = std::fs::read_to_string(dir.path().join("config.toml")).expect("written");
    assert!(text.contains("张三") && text.contains("zh") && text.contains("西湖店"), "{text}");
    assert!(text.contains("staff"), "{text}");

    // Store staff work on the VIP cards: the workbench opens there.
    let config = crate::config::Config::load(&app.paths).expect("reads back");
    assert_eq!(config.store.as_deref(), Some("西湖店"));
    let store = Store::open(&dir.path().join("kam.db"), crate::clock::Clock::starting_on_day(today())).expect("open");
    let mut next = App::new(store, app.paths.clone(), config, Rules::default(), Lang::Zh);
    next.start_worker();
    assert_eq!(next.tab, Tab::Vip, "staff start on the VIP cards");
}

#[test]
fn quick_entries_order_with_discount_visit_and_calculator() {
    let (_d, mut app) = seeded(Lang::En);
    // 上海华联 (silver, by volume 0) is the second row: open it.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('='));
    typed(&mut app, "5万");
    let Some(Popup::Form(f)) = &app.popup else { panic!("calculator") };
    assert!(f.note[0].contains("0.90") && f.note[0].contains("45,000.00"), "{:?}", f.note);
    snap("calculator", &mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // credit
    let Some(Popup::Form(f)) = &app.popup else { panic!("calculator") };
    assert!(f.note[0].contains("1.00"), "credit gets no discount: {:?}", f.note);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Tab);
    typed(&mut app, "120000");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "order saved");
    let d = app.detail.as_ref().expect("detail");
    assert_eq!(d.section, Section::Orders);
    assert_eq!(d.orders.len(), 1);
    assert_eq!(d.orders[0].net_amount, Money::parse("102000").expect("m"), "silver band 3: 0.85");
    assert_eq!(d.orders[0].rep, d.account.owner, "credited to the account's owner as it is booked");
    // Another rep booked the next one: the rep field is the last, after the due date.
    let owner_chars = d.account.owner.chars().count();
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Tab);
    typed(&mut app, "1000");
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    for _ in 0..owner_chars {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "韩梅梅");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "second order saved");
    let d = app.detail.as_ref().expect("detail");
    assert!(d.orders.iter().any(|o| o.rep == "韩梅梅"), "{:?}", d.orders.iter().map(|o| &o.rep).collect::<Vec<_>>());
    press(&mut app, KeyCode::Char('t'));
    typed(&mut app, "x");
    // The date field holds today; typing after it makes it invalid, and the save is refused.
    ctrl(&mut app, 's');
    assert!(matches!(app.popup, Some(Popup::Form(_))), "a bad date keeps the form");
    press(&mut app, KeyCode::Backspace);
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    typed(&mut app, "询价");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "visit saved");
    let d = app.detail.as_ref().expect("detail");
    assert_eq!(d.section, Section::Visits);
    assert_eq!(d.visits.len(), 1);
    assert_eq!(d.visits[0].purpose, "询价");
}

#[test]
fn alliance_checklist_with_dates_and_status() {
    let (_d, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right);
    // 单田芳 sorts first; pick 曾志伟.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('a'));
    for _ in 0..5 {
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Left);
    snap("alliance", &mut app);
    ctrl(&mut app, 's');
    assert!(app.popup.is_none());
    let d = app.detail.as_ref().expect("detail");
    let c = &d.contacts[d.contact_sel];
    assert_eq!(c.name, "曾志伟");
    assert_eq!(c.alliance(), kam_rules::AllianceStatus::Supporter, "all five supporter behaviours");
    assert_eq!(c.behaviours.len(), 5);
    assert!(c.behaviours.iter().any(|b| b.observed_on == NaiveDate::from_ymd_opt(2026, 11, 22).expect("d")));
}

#[test]
fn stale_version_shows_both_and_lets_the_user_choose() {
    for keep_mine in [true, false] {
        let (_d, mut app) = seeded(Lang::En);
        let id = app.list.row(0).map(|r| r.0).expect("a row");
        press(&mut app, KeyCode::Char('e'));
        press(&mut app, KeyCode::Tab);
        typed(&mut app, "西湖");
        // Meanwhile someone else saves the same account.
        let mut other: Account = app.store.get(&id).expect("get");
        other.short_name = "精机".into();
        app.store.save(&mut other, "").expect("save");
        ctrl(&mut app, 's');
        let Some(Popup::Form(f)) = &app.popup else { panic!("the form stays open") };
        let c = f.conflict.as_ref().expect("conflict shown");
        assert!(c.lines.iter().any(|(_, mine, theirs)| mine == "西湖精机西湖" && theirs == "精机"), "{:?}", c.lines);
        if keep_mine {
            snap("conflict", &mut app);
            ctrl(&mut app, 's');
            assert!(app.popup.is_none());
            let a: Account = app.store.get(&id).expect("get");
            assert_eq!(a.short_name, "西湖精机西湖");
        } else {
            ctrl(&mut app, 'r');
            let Some(Popup::Form(f)) = &app.popup else { panic!("reopened on the stored one") };
            assert_eq!(f.form.text("short_name"), "精机");
            assert!(f.conflict.is_none());
        }
    }
}

#[test]
fn a_worker_thread_reads_the_list_and_lines_without_blocking_keys() {
    let (_d, mut app) = seeded(Lang::En);
    app.start_worker();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while (app.list.index.is_none() || app.list.lines.len() < 2) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.update(Action::Tick);
    }
    assert_eq!(app.list.len(), 2);
    assert_eq!(app.list.lines.len(), 2, "the lines on screen were read on the worker");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "hzxh");
    assert_eq!(names(&app), ["杭州西湖精密机械有限公司"], "the filter answers at once from the index");
}

#[test]
fn sorting_by_a_derived_column_orders_every_shown_account() {
    let (_d, mut app) = seeded(Lang::En);
    // Name → tier → annual volume.
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.list.sort, crate::tui::app::SortBy::Annual);
    let annual: Vec<Money> =
        (0..app.list.len()).map(|i| app.list.row(i).and_then(|r| r.2.map(|l| l.annual)).expect("line read")).collect();
    let mut sorted = annual.clone();
    sorted.sort();
    assert_eq!(annual, sorted);
    press(&mut app, KeyCode::Char('S'));
    let first = app.list.row(0).and_then(|r| r.2.map(|l| l.annual)).expect("line");
    assert_eq!(Some(&first), sorted.last(), "descending puts the largest first");
}

#[test]
fn archive_entries_by_category_edit_and_delete_ask_why() {
    for lang in [Lang::Zh, Lang::En] {
        let (_d, mut app) = seeded(lang);
        press(&mut app, KeyCode::Enter);
        for _ in 0..6 {
            press(&mut app, KeyCode::Right);
        }
        assert_eq!(app.detail.as_ref().map(|d| d.section), Some(Section::Archive));
        // A new contract: the category picked with →, then title, content and amount.
        press(&mut app, KeyCode::Char('n'));
        press(&mut app, KeyCode::Right);
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        typed(&mut app, "年度供货合同");
        press(&mut app, KeyCode::Tab);
        typed(&mut app, "2027 年框架协议");
        press(&mut app, KeyCode::Tab);
        typed(&mut app, "50万");
        ctrl(&mut app, 's');
        assert!(app.popup.is_none(), "saved");
        let d = app.detail.as_ref().expect("detail");
        assert_eq!(d.section, Section::Archive);
        assert_eq!(d.account.archive.len(), 1);
        let e = &d.account.archive[0];
        assert_eq!(e.category, crate::model::ArchiveCategory::Contract);
        assert_eq!(e.amount, Some(Money::parse("50万").expect("m")));
        assert_eq!(e.date, Some(today()));
        snap("archive", &mut app);

        // An edit asks why; without a reason it is not saved.
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        typed(&mut app, "(续签)");
        ctrl(&mut app, 's');
        let Some(Popup::Form(f)) = &app.popup else { panic!("a reason is required") };
        assert_eq!(f.form.fields[f.form.focus].key, "change_reason");
        typed(&mut app, "客户要求续签");
        ctrl(&mut app, 's');
        assert!(app.popup.is_none());
        let id = app.detail.as_ref().map(|d| d.account.meta.id.clone()).expect("detail");
        let a: Account = app.store.get(&id).expect("get");
        assert_eq!(a.archive[0].title, "年度供货合同(续签)");
        let history = app.store.history(&id).expect("history");
        assert!(history.iter().any(|h| h.reason == "客户要求续签"), "the reason is in the change log");

        // A delete asks why too.
        press(&mut app, KeyCode::Char('d'));
        let Some(Popup::Reason { .. }) = &app.popup else { panic!("asks a reason") };
        typed(&mut app, "录入重复");
        press(&mut app, KeyCode::Enter);
        let a: Account = app.store.get(&id).expect("get");
        assert!(a.archive.is_empty());
        let history = app.store.history(&id).expect("history");
        assert!(history.iter().any(|h| h.reason == "录入重复"));
    }
}

#[test]
fn notes_take_several_lines_and_keep_them() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('e'));
    for _ in 0..40 {
        let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
        if f.form.fields[f.form.focus].key == "notes" {
            break;
        }
        press(&mut app, KeyCode::Tab);
    }
    ctrl(&mut app, 'u');
    typed(&mut app, "第一行 first");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "second line");
    let Some(Popup::Form(f)) = &app.popup else { panic!("Enter keeps the form open") };
    assert_eq!(f.form.fields[f.form.focus].key, "notes", "Enter breaks the line, it does not move on");
    press(&mut app, KeyCode::Up);
    let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
    assert_eq!(f.form.fields[f.form.focus].key, "notes", "↑ moves within the text first");
    press(&mut app, KeyCode::Up);
    let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
    assert_ne!(f.form.fields[f.form.focus].key, "notes", "↑ on the first line leaves the field");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    let d = app.detail.as_ref().expect("detail");
    assert!(d.account.notes.ends_with("第一行 first\nsecond line"), "{:?}", d.account.notes);
    let buf = buffer(&app, 120, 40);
    let (x1, y1) = find(&buf, "第一行 first").expect("first line shown");
    let (x2, y2) = find(&buf, "second line").expect("second line shown");
    assert_eq!((x2, y2), (x1, y1 + 1), "the second line under the first");
}

#[test]
fn enter_in_the_filter_opens_the_account_found() {
    let (_d, mut app) = seeded(Lang::Zh);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "xhjm");
    press(&mut app, KeyCode::Enter);
    let d = app.detail.as_ref().expect("one Enter opens the account the filter found");
    assert_eq!(d.account.name, "杭州西湖精密机械有限公司");
    assert!(!app.list.filtering);

    press(&mut app, KeyCode::Esc); // back to the list
    press(&mut app, KeyCode::Esc); // the filter cleared
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Enter);
    assert!(app.detail.is_none() && !app.list.filtering, "an empty filter only closes the prompt");
}

/// The status line at 80 columns keeps what just happened whole: a long
/// user name (200 characters, the most a name may have) and the file are
/// shortened with `…`, and the change count and key hint give way, where
/// the trash message had been cut at "在客户列表" and a long name pushed
/// everything off screen.
#[test]
fn the_status_line_keeps_the_message_whole_at_80_columns() {
    let (_dir, mut app) = app(Lang::Zh);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "西湖精机");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('d'));
    typed(&mut app, "客户重复录入");
    press(&mut app, KeyCode::Enter);
    let message = app.message.clone().expect("the trash says where it went");
    assert!(message.contains("按 t"), "{message}");
    for user in ["王芳".to_string(), "王".repeat(crate::model::NAME_MAX)] {
        app.config.user = Some(user.clone());
        let buf = buffer(&app, 80, 24);
        let last: String = (0..80).map(|x| buf[(x, 23)].symbol().to_string()).collect();
        let n = user.chars().count();
        assert_eq!(
            find(&buf, &message).map(|p| p.1),
            Some(23),
            "the message whole for a name of {n} characters: {last}"
        );
        assert_eq!(find(&buf, "用户 王").map(|p| p.1), Some(23), "who is working stays: {last}");
    }
    // With room, everything is there as before.
    let buf = buffer(&app, 200, 40);
    assert!(find(&buf, "? 按键").is_some() && find(&buf, "本次打开后的改动").is_some());
}

/// A note beside a field at 80 columns ends in `…` when it does not fit:
/// the social style's advice had stopped at "简明扼要;讲问题和方案、".
#[test]
fn a_side_note_cut_at_80_columns_says_so() {
    let (_dir, mut app) = app(Lang::Zh);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "西湖精机");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Right); // 联系人
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "王女士");
    let focused = |app: &App| match &app.popup {
        Some(Popup::Form(f)) => f.form.fields[f.form.focus].key,
        _ => "",
    };
    for _ in 0..40 {
        if focused(&app) == "social_style" {
            break;
        }
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(focused(&app), "social_style");
    while !matches!(&app.popup, Some(Popup::Form(f)) if f.form.fields[f.form.focus].value() == "driver") {
        press(&mut app, KeyCode::Right);
    }
    let buf = buffer(&app, 80, 24);
    let (_, y) = find(&buf, "社交风格").expect("the field is on screen");
    let row: String = (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect();
    let row = row.trim_end_matches(|c: char| c == '│' || c.is_whitespace());
    assert!(find(&buf, "简明扼要").is_some() && row.ends_with('…'), "{row}");
}
