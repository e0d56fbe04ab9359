//! The sync key and the status line's sync indicator (#23), without a hub
//! server: the indicator's snapshots in both languages, the count of
//! changes waiting kept up to date after saves, the key without a hub, and
//! the help. The sync against a real hub, and against one that cannot be
//! reached, is in tests/hub_workbench.rs.

use chrono::{NaiveDate, NaiveTime};
use crossterm::event::KeyCode;
use kam_rules::Lang;

use super::app::{App, Popup};
use super::sync::{HubSync, SyncStatus};
use super::tests::{app, buffer, ctrl, press, snap, typed};
use crate::clock::Clock;

/// Nothing listens there: the tests here never connect.
const HUB: &str = "postgresql://kam@127.0.0.1:1/x";

fn status_line(app: &App, w: u16) -> String {
    let buf = buffer(app, w, 40);
    let y = buf.area.height - 1;
    let mut line = String::new();
    let mut x = 0;
    while x < buf.area.width {
        let symbol = buf[(x, y)].symbol();
        line.push_str(symbol);
        // A wide (Chinese) character takes two cells.
        x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1)).unwrap_or(1);
    }
    line
}

fn with_hub(lang: Lang) -> (tempfile::TempDir, App) {
    let (dir, mut app) = app(lang);
    app.sync = HubSync::new(Some(HUB.into()));
    app.reload_list(None);
    (dir, app)
}

#[test]
fn the_status_line_shows_the_last_sync_and_what_waits() {
    for lang in [Lang::Zh, Lang::En] {
        let (_dir, mut app) = with_hub(lang);
        // 14:03 on the local wall clock, wherever the test runs.
        let at = Clock::at_local(
            NaiveDate::from_ymd_opt(2026, 12, 5).expect("day"),
            NaiveTime::from_hms_opt(14, 3, 0).expect("time"),
        )
        .now();
        app.sync.status = Some(SyncStatus { last: Some(at), waiting: 3 });
        let line = status_line(&app, 120);
        match lang {
            Lang::Zh => assert!(line.contains("同步 12-05 14:03 · 待推送 3"), "{line}"),
            Lang::En => assert!(line.contains("synced 12-05 14:03 · 3 to push"), "{line}"),
        }
        snap("status_hub", &mut app);
    }
}

#[test]
fn never_synced_and_every_change_counted_after_a_save() {
    let (_dir, mut app) = with_hub(Lang::En);
    assert_eq!(app.sync.status, Some(SyncStatus { last: None, waiting: 0 }));
    assert!(status_line(&app, 120).contains("never synced · 0 to push"), "{}", status_line(&app, 120));
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "杭州西湖精密机械有限公司");
    // Typing alone counts nothing again; the save does.
    assert_eq!(app.sync.status.map(|s| s.waiting), Some(0));
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved");
    assert_eq!(app.sync.status.map(|s| s.waiting), Some(1));
    assert!(status_line(&app, 120).contains("never synced · 1 to push"), "{}", status_line(&app, 120));
}

#[test]
fn without_a_hub_the_key_says_how_to_set_one_and_the_line_is_as_before() {
    let (_dir, mut app) = app(Lang::Zh);
    assert!(app.sync.url.is_none());
    let before = status_line(&app, 120);
    assert!(!before.contains("同步") && !before.contains("待推送"), "{before}");
    ctrl(&mut app, 'y');
    assert!(!app.sync.running);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("没有设置总部服务器") && msg.contains("config.toml"), "{msg}");
    // Nor does the help list the key.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.popup, Some(Popup::Help { .. })));
    assert!(!super::screens::popups::help_keys(&app).iter().any(|(k, _)| *k == "Ctrl-Y"));
}

#[test]
fn the_help_lists_the_key_on_every_tab_with_a_hub() {
    let (_dir, mut app) = with_hub(Lang::En);
    for tab in ['1', '2', '3', '4', '5'] {
        press(&mut app, KeyCode::Char(tab));
        let keys = super::screens::popups::help_keys(&app);
        assert!(keys.iter().any(|(k, t)| *k == "Ctrl-Y" && *t == crate::i18n::T::KSync), "tab {tab}: {keys:?}");
    }
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('?'));
    let buf = buffer(&app, 120, 40);
    assert!(super::tests::find(&buf, "Ctrl-Y").is_some(), "shown under ?");
}
