//! The workbench's sync key (Ctrl-Y) and its status-line indicator (#23),
//! driven by key events and drawn on a `TestBackend`, with the workbench's
//! real worker threads: against a throwaway hub (tests/common/pg.rs; under
//! CI these fail, never skip, without PostgreSQL), against a hub that
//! cannot be reached, and against one that never answers (the workbench
//! stays responsive, a second press says a sync is running); a rep's
//! deletion waiting for a manager, then the decision, on the status line.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{NaiveTime, TimeDelta};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use kam::clock::Clock;
use kam::config::Config;
use kam::exchange::hub_sync::{sync, sync_with_progress, Progress};
use kam::model::Account;
use kam::paths::Paths;
use kam::store::{Hub, HubRole, Store};
use kam::tui::app::{Action, App, Popup};
use kam_rules::{Lang, Rules};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

const W: u16 = 200;
const H: u16 = 40;

/// The workbench's clock: 14:03 on the test day, on the local wall clock
/// wherever the test runs (so the status line reads 11-23 14:03).
fn at_1403() -> Clock {
    Clock::at_local(common::today(), NaiveTime::from_hms_opt(14, 3, 0).expect("time"))
}

/// A workbench on `db` in `dir` for `user`, with `hub` in its config, its
/// worker threads started as `kam` starts them.
fn workbench(dir: &Path, db: &str, user: &str, hub: &str, clock: Clock) -> App {
    workbench_in(dir, db, user, hub, clock, Lang::En)
}

/// [`workbench`] in `lang`.
fn workbench_in(dir: &Path, db: &str, user: &str, hub: &str, clock: Clock, lang: Lang) -> App {
    let path = dir.join(db);
    let mut store = Store::open(&path, clock).expect("open");
    store.set_user(user);
    let paths = Paths::for_db(path, dir.join(format!("cfg-{db}")));
    let config = Config { user: Some(user.into()), hub: Some(hub.into()), ..Config::default() };
    let mut app = App::new(store, paths, config, Rules::default(), lang);
    app.db_label = db.into();
    app.update(Action::Resize { width: W, height: H });
    app.start_worker();
    pump(&mut app);
    app
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.update(Action::Key(KeyEvent { code, modifiers, kind: KeyEventKind::Press, state: KeyEventState::NONE }));
}

fn ctrl(app: &mut App, c: char) {
    key(app, KeyCode::Char(c), KeyModifiers::CONTROL);
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

/// Ticks as the event loop does until the sync and every read have come back.
fn pump(app: &mut App) {
    let until = Instant::now() + Duration::from_secs(60);
    let mut quiet = 0;
    while quiet < 3 {
        assert!(Instant::now() < until, "the worker did not finish in a minute");
        std::thread::sleep(Duration::from_millis(10));
        app.update(Action::Tick);
        assert!(app.stopped.is_none(), "a worker panicked: {:?}", app.stopped);
        let idle = !app.worker.busy() && !app.sync.running && !app.list.loading;
        quiet = if idle { quiet + 1 } else { 0 };
    }
}

fn screen(app: &App) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    t.draw(|f| kam::tui::screens::draw(app, f)).expect("draw");
    t.backend().buffer().clone()
}

/// A row of the screen as text (a wide character's second cell skipped).
fn row(buf: &Buffer, y: u16) -> String {
    let mut line = String::new();
    let mut x = 0;
    while x < buf.area.width {
        let symbol = buf[(x, y)].symbol();
        line.push_str(symbol);
        x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1)).unwrap_or(1);
    }
    line
}

fn status_line(app: &App) -> String {
    row(&screen(app), H - 1)
}

fn screen_text(app: &App) -> String {
    let buf = screen(app);
    (0..H).map(|y| row(&buf, y)).collect::<Vec<_>>().join("\n")
}

fn account(s: &mut Store, name: &str, owner: &str) -> Account {
    let mut a = Account { name: name.into(), owner: owner.into(), ..Account::default() };
    s.insert(&mut a).expect("account");
    a
}

fn list_names(app: &App) -> Vec<String> {
    (0..app.list.len()).filter_map(|i| app.list.row(i).map(|r| r.1.to_string())).collect()
}

/// A hub with its schema and two users: 王伟 (rep) and 赵经理 (manager).
fn hub() -> Option<(common::pg::Pg, String, String)> {
    let pg = common::pg::Pg::start()?;
    let admin = pg.admin_url();
    let mut hub = Hub::connect(&admin).expect("admin connects");
    hub.init().expect("init");
    let wang = hub.add_user(&admin, "王伟", HubRole::Rep, None).expect("rep").url;
    let boss = hub.add_user(&admin, "赵经理", HubRole::Manager, None).expect("manager").url;
    Some((pg, wang, boss))
}

#[test]
fn ctrl_y_syncs_on_the_worker_and_the_list_shows_what_was_pulled() {
    let Some((pg, wang, boss_url)) = hub() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    // Head office enters an account for 王伟 and syncs.
    let mut boss = Store::open(&tmp.path().join("boss.db"), common::clock()).expect("open");
    boss.set_user("赵经理");
    let hengxin = account(&mut boss, "恒信贸易有限公司", "王伟");
    sync(&mut boss, &boss_url, &mut |_| Ok(())).expect("head office pushes");

    // 王伟's workbench has an account of its own, never synced.
    {
        let mut s = Store::open(&tmp.path().join("wang.db"), at_1403()).expect("open");
        s.set_user("王伟");
        account(&mut s, "华联超市股份有限公司", "王伟");
    }
    let mut app = workbench(tmp.path(), "wang.db", "王伟", &wang, at_1403());
    assert_eq!(list_names(&app), ["华联超市股份有限公司"]);
    let line = status_line(&app);
    assert!(line.contains("never synced · 1 to push"), "{line}");

    ctrl(&mut app, 'y');
    pump(&mut app);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.starts_with("synced: pushed 1, pulled"), "{msg}");
    let line = status_line(&app);
    assert!(line.contains("synced 11-23 14:03 · 0 to push"), "{line}");
    // What head office entered is in the list, found by the search index too.
    let mut names = list_names(&app);
    names.sort();
    assert_eq!(names, ["华联超市股份有限公司", "恒信贸易有限公司"]);
    assert!(screen_text(&app).contains("恒信贸易有限公司"), "{}", screen_text(&app));
    key(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    typed(&mut app, "hxmy");
    assert_eq!(list_names(&app), ["恒信贸易有限公司"], "pinyin initials find the pulled account");
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);

    // The same field changed here and, later, at head office before it saw
    // this change: the sync says how many records have conflicts and where
    // they are listed.
    let mut mine: Account = app.store.get(&hengxin.meta.id).expect("pulled");
    mine.address = "上海市南京西路 1 号".into();
    app.store.update(&mut mine, "").expect("address here");
    ctrl(&mut app, 'y');
    pump(&mut app);
    let mut c = boss.clock();
    c.advance(TimeDelta::hours(6));
    boss.set_clock(c);
    let mut theirs: Account = boss.get(&hengxin.meta.id).expect("get");
    theirs.address = "上海市淮海中路 99 号".into();
    boss.update(&mut theirs, "").expect("address at head office");
    sync(&mut boss, &boss_url, &mut |_| Ok(())).expect("head office pushes");
    ctrl(&mut app, 'y');
    pump(&mut app);
    let msg = app.message.clone().unwrap_or_default();
    let listed = tmp.path().join("conflicts.csv");
    assert!(msg.contains(&format!("1 records with conflicts, listed in {}", listed.display())), "{msg}");
    assert!(listed.is_file());
    assert_eq!(app.store.get::<Account>(&hengxin.meta.id).expect("get").address, "上海市淮海中路 99 号");
    assert!(status_line(&app).contains("0 to push"), "{}", status_line(&app));
    drop(pg);
}

#[test]
fn the_sync_reports_each_batch_pushed_then_what_it_pulls() {
    let Some((pg, wang, _)) = hub() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("wang.db"), common::clock()).expect("open");
    s.set_user("王伟");
    account(&mut s, "恒信贸易有限公司", "王伟");
    account(&mut s, "华联超市股份有限公司", "王伟");
    assert_eq!(s.sync_waiting().expect("count"), 2);
    let mut seen = Vec::new();
    let r = sync_with_progress(&mut s, &wang, &mut |_| Ok(()), &mut |p| seen.push(p)).expect("sync");
    assert_eq!(
        seen,
        [
            Progress::Pushing { pushed: 0, total: 2 },
            Progress::Pushing { pushed: 2, total: 2 },
            Progress::Pulling { pulled: 0 },
            Progress::Pulling { pulled: r.pulled },
        ]
    );
    assert_eq!(s.sync_waiting().expect("count"), 0);
    let last = s.sync_state().expect("state").last_pull;
    assert!(last.is_some(), "a sync notes when it pulled");
    // A sync that finds nothing new still notes when it last looked.
    let mut c = s.clock();
    c.advance(TimeDelta::minutes(5));
    s.set_clock(c);
    let quiet = sync(&mut s, &wang, &mut |_| Ok(())).expect("sync");
    assert_eq!((quiet.pushed.len(), quiet.pulled), (0, 0));
    assert!(s.sync_state().expect("state").last_pull > last);
    drop(pg);
}

#[test]
fn an_unreachable_hub_says_so_and_loses_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    {
        let mut s = Store::open(&tmp.path().join("wang.db"), at_1403()).expect("open");
        s.set_user("王伟");
        account(&mut s, "恒信贸易有限公司", "王伟");
    }
    let mut app = workbench(tmp.path(), "wang.db", "王伟", "postgresql://kam@127.0.0.1:1/x", at_1403());
    assert!(status_line(&app).contains("never synced · 1 to push"), "{}", status_line(&app));
    // In the middle of a new account.
    key(&mut app, KeyCode::Char('n'), KeyModifiers::NONE);
    typed(&mut app, "华联超市");
    ctrl(&mut app, 'y');
    pump(&mut app);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("the sync did not finish: no connection to the hub 127.0.0.1:1/x"), "{msg}");
    assert!(msg.contains("nothing here was lost: 1 changes wait in the queue for the next sync"), "{msg}");
    assert!(status_line(&app).contains("never synced · 1 to push"), "{}", status_line(&app));
    // The form is as it was typed, and saves.
    let Some(Popup::Form(f)) = &app.popup else { panic!("the form stays open") };
    assert_eq!(f.form.fields[0].value(), "华联超市");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    pump(&mut app);
    let mut names = list_names(&app);
    names.sort();
    assert_eq!(names, ["华联超市", "恒信贸易有限公司"]);
    assert!(status_line(&app).contains("never synced · 2 to push"), "{}", status_line(&app));
}

#[test]
fn a_hub_that_never_answers_leaves_the_workbench_responsive() {
    let tmp = tempfile::tempdir().expect("tmp");
    {
        let mut s = Store::open(&tmp.path().join("wang.db"), at_1403()).expect("open");
        s.set_user("王伟");
        account(&mut s, "恒信贸易有限公司", "王伟");
        account(&mut s, "华联超市股份有限公司", "王伟");
    }
    // A "hub" that takes the connection and says nothing until told to hang up.
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let (hang_up, told) = std::sync::mpsc::channel::<()>();
    let silent = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(Duration::from_millis(50))).expect("timeout");
        let mut buf = [0u8; 256];
        while told.try_recv().is_err() {
            let _ = conn.read(&mut buf);
        }
    });
    let url = format!("postgresql://kam@127.0.0.1:{port}/x");
    let mut app = workbench(tmp.path(), "wang.db", "王伟", &url, at_1403());
    ctrl(&mut app, 'y');
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(10));
        app.update(Action::Tick);
    }
    assert!(app.sync.running);
    assert!(status_line(&app).contains("Syncing… connecting to the hub"), "{}", status_line(&app));
    // A second press says one is running; the keys go on working.
    ctrl(&mut app, 'y');
    assert_eq!(app.message.as_deref(), Some("a sync is already running: wait for it to finish"));
    key(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    typed(&mut app, "hlcs");
    assert_eq!(list_names(&app), ["华联超市股份有限公司"]);
    hang_up.send(()).expect("hang up");
    silent.join().expect("the silent hub");
    pump(&mut app);
    assert!(!app.sync.running);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("the sync did not finish") && msg.contains("2 changes wait"), "{msg}");
    assert!(status_line(&app).contains("never synced · 2 to push"), "{}", status_line(&app));
}

#[test]
fn ctrl_y_says_what_waits_for_a_manager_and_what_was_decided() {
    let Some((pg, wang, boss_url)) = hub() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut app = workbench(tmp.path(), "wang.db", "王伟", &wang, at_1403());
    let a = account(&mut app.store, "华联超市股份有限公司", "王伟");
    ctrl(&mut app, 'y');
    pump(&mut app);
    // The rep deletes the account: at the hub it waits for a manager.
    let mut c = app.store.clock();
    c.advance(TimeDelta::minutes(1));
    app.store.set_clock(c);
    app.store.delete::<Account>(&a.meta.id, "重复").expect("delete");
    ctrl(&mut app, 'y');
    pump(&mut app);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("1 wait for a manager's approval"), "{msg}");
    let mut boss = Hub::connect(&boss_url).expect("manager");
    let waiting = boss.requests(false).expect("requests");
    assert_eq!(waiting.len(), 1);
    boss.reject(uuid::Uuid::parse_str(&waiting[0].id).expect("uuid"), "不是重复").expect("reject");
    ctrl(&mut app, 'y');
    pump(&mut app);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("a manager decided on 1 of your changes") && !msg.contains("wait for"), "{msg}");
    drop(pg);
}

#[test]
fn ctrl_r_lists_the_requests_and_a_manager_decides_there() {
    let Some((pg, wang_url, boss_url)) = hub() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    {
        let mut s = Store::open(&tmp.path().join("wang.db"), common::clock()).expect("open");
        s.set_user("王伟");
        let a = account(&mut s, "恒信贸易有限公司", "王伟");
        let b = account(&mut s, "华联超市股份有限公司", "王伟");
        sync(&mut s, &wang_url, &mut |_| Ok(())).expect("push");
        let mut c = s.clock();
        c.advance(TimeDelta::minutes(1));
        s.set_clock(c);
        let mut x: Account = s.get(&a.meta.id).expect("get");
        x.archive.push(kam::model::ArchiveEntry { title: "框架合同".into(), ..Default::default() });
        s.update(&mut x, "").expect("archive");
        s.delete::<Account>(&b.meta.id, "重复").expect("delete");
        let r = sync(&mut s, &wang_url, &mut |_| Ok(())).expect("push");
        assert_eq!(r.awaiting, 2);
    }
    // The rep sees his own requests, and may not decide them.
    let mut rep = workbench(tmp.path(), "wang.db", "王伟", &wang_url, at_1403());
    ctrl(&mut rep, 'r');
    pump(&mut rep);
    let text = screen_text(&rep);
    assert!(
        text.contains("Waiting for approval") && text.contains("deletion of the account '华联超市股份有限公司'"),
        "{text}"
    );
    // Picked by the cursor: the list shows the start of a request's id, not all of it.
    let Some(Popup::Requests(v)) = &rep.popup else { panic!("the requests") };
    let id = v.list.as_ref().and_then(|l| l.first()).map(|r| r.id.clone()).expect("a request");
    assert!(text.contains(&id[..8]) && !text.contains(&id), "{text}");
    key(&mut rep, KeyCode::Char('a'), KeyModifiers::NONE);
    pump(&mut rep);
    let msg = rep.message.clone().unwrap_or_default();
    assert!(msg.contains("does not allow this"), "{msg}");

    // The manager approves one and rejects the other, with a reason.
    let mut boss = workbench(tmp.path(), "boss.db", "赵经理", &boss_url, at_1403());
    ctrl(&mut boss, 'r');
    pump(&mut boss);
    assert!(matches!(&boss.popup, Some(Popup::Requests(v)) if v.list.as_ref().is_some_and(|l| l.len() == 2)));
    key(&mut boss, KeyCode::Char('a'), KeyModifiers::NONE);
    pump(&mut boss);
    let msg = boss.message.clone().unwrap_or_default();
    assert!(msg.starts_with("approved: "), "{msg}");
    key(&mut boss, KeyCode::Char('r'), KeyModifiers::NONE);
    key(&mut boss, KeyCode::Enter, KeyModifiers::NONE);
    assert!(matches!(&boss.popup, Some(Popup::Requests(v)) if v.reject.is_some()), "an empty reason is not taken");
    typed(&mut boss, "不符合规定");
    key(&mut boss, KeyCode::Enter, KeyModifiers::NONE);
    pump(&mut boss);
    let msg = boss.message.clone().unwrap_or_default();
    assert!(msg.starts_with("rejected: "), "{msg}");
    assert!(screen_text(&boss).contains("no changes wait for approval"), "{}", screen_text(&boss));
    key(&mut boss, KeyCode::Esc, KeyModifiers::NONE);
    assert!(boss.popup.is_none());
    let all = Hub::connect(&boss_url).expect("boss").requests(true).expect("all");
    assert_eq!(all.iter().filter(|q| q.state == kam::store::RequestState::Approved).count(), 1);
    let rejected = all.iter().find(|q| q.state == kam::store::RequestState::Rejected).expect("rejected");
    assert_eq!(rejected.decision, "不符合规定");
    drop(pg);
}

#[test]
fn a_colleagues_company_is_named_by_the_guard_with_the_hub_gone() {
    let Some((pg, wang, boss_url)) = hub() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    // Head office keeps 恒信贸易 for itself: 王伟 may not read it.
    let mut boss = Store::open(&tmp.path().join("boss.db"), common::clock()).expect("open");
    boss.set_user("赵经理");
    let mut a = Account {
        name: "恒信贸易有限公司".into(),
        owner: "赵经理".into(),
        phone: "0571-8888 6666".into(),
        ..Account::default()
    };
    boss.insert(&mut a).expect("account");
    sync(&mut boss, &boss_url, &mut |_| Ok(())).expect("head office pushes");

    let mut app = workbench_in(tmp.path(), "wang.db", "王伟", &wang, at_1403(), Lang::Zh);
    ctrl(&mut app, 'y');
    pump(&mut app);
    assert!(list_names(&app).is_empty(), "his list stays empty: {:?}", list_names(&app));
    // The hub goes away; 王伟 enters the company on the road.
    drop(pg);
    key(&mut app, KeyCode::Char('n'), KeyModifiers::NONE);
    typed(&mut app, "恒信贸易(中国)有限公司");
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("the guard keeps the form") };
    let said = f.duplicates.clone().unwrap_or_default();
    assert_eq!(said, ["总部:赵经理 已在跟进同名的公司(不在你的档案里,撞单)"]);
    let text = screen_text(&app);
    assert!(text.contains("赵经理 已在跟进同名的公司"), "{text}");
    assert!(text.contains("再按 Ctrl-S 仍然保存"), "{text}");
    // Nothing else of the company shows: not its phone.
    assert!(!text.contains("8888"), "{text}");
    // Saved anyway, it is his (and the hub will list the two for a manager).
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "a second Ctrl-S saves");
    assert_eq!(list_names(&app), ["恒信贸易(中国)有限公司"]);
}
