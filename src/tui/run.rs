//! The event loop: draw, wait for an event, turn it into an [`Action`],
//! `update`, repeat. Keystrokes search the in-memory index; reads that take
//! longer (the index itself, the lines on screen, a sort) run on the
//! worker thread, whose results a `Tick` applies.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use crossterm::event::{self, Event};

use super::app::{Action, App};
use super::screens;
use super::terminal;
use crate::i18n::T;

/// Runs the workbench until the user quits. The terminal is restored on
/// return, on error and on panic.
pub fn run(mut app: App) -> io::Result<()> {
    let mut guard = terminal::init()?;
    let size = guard.terminal.size()?;
    app.update(Action::Resize(screens::accounts::list_rows(size.height.saturating_sub(2))));
    app.start_worker();
    while !app.quit {
        // A panic in drawing or in an update stops kam, but the open form
        // is kept as a draft first (the panic hook has restored the terminal).
        let drawn = catch_unwind(AssertUnwindSafe(|| guard.terminal.draw(|f| screens::draw(&app, f)).map(|_| ())));
        match drawn {
            Ok(r) => r?,
            Err(_) => return Err(stopped(&app)),
        }
        let wait = if app.worker.busy() { 15 } else { 500 };
        let action = if event::poll(Duration::from_millis(wait))? {
            match event::read()? {
                Event::Key(k) => Action::Key(k),
                Event::Paste(s) => Action::Paste(s),
                Event::Resize(_, h) => Action::Resize(screens::accounts::list_rows(h.saturating_sub(2))),
                _ => continue,
            }
        } else {
            Action::Tick
        };
        if catch_unwind(AssertUnwindSafe(|| app.update(action))).is_err() {
            return Err(stopped(&app));
        }
    }
    drop(guard);
    Ok(())
}

/// After a panic: the open form written as a draft, and the error that
/// says where.
fn stopped(app: &App) -> io::Error {
    let msg = match app.keep_draft() {
        Some(path) => T::DraftKept.fill(app.lang, &[("path", &path.display().to_string())]),
        None => T::InternalStop.get(app.lang).to_string(),
    };
    io::Error::other(msg)
}
