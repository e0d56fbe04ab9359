//! The event loop: draw, wait for an event, turn it into an [`Action`],
//! `update`, repeat. Keystrokes search the in-memory index; reads that take
//! longer (the index itself, the lines on screen, a sort) run on the
//! worker thread, whose results a `Tick` applies.

use std::io;
use std::time::Duration;

use crossterm::event::{self, Event};

use super::app::{Action, App};
use super::screens;
use super::terminal;

/// Runs the workbench until the user quits. The terminal is restored on
/// return, on error and on panic.
pub fn run(mut app: App) -> io::Result<()> {
    let mut guard = terminal::init()?;
    let size = guard.terminal.size()?;
    app.update(Action::Resize(screens::accounts::list_rows(size.height.saturating_sub(2))));
    app.start_worker();
    while !app.quit {
        guard.terminal.draw(|f| screens::draw(&app, f))?;
        let wait = if app.worker.busy() { 15 } else { 500 };
        if !event::poll(Duration::from_millis(wait))? {
            app.update(Action::Tick);
            continue;
        }
        match event::read()? {
            Event::Key(k) => app.update(Action::Key(k)),
            Event::Paste(s) => app.update(Action::Paste(s)),
            Event::Resize(_, h) => app.update(Action::Resize(screens::accounts::list_rows(h.saturating_sub(2)))),
            _ => {}
        }
    }
    drop(guard);
    Ok(())
}
