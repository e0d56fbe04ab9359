//! The terminal workbench: state and update in `app`, drawing in `screens`,
//! reusable pieces in `widgets`, the event loop here.

pub mod app;
pub mod screens;
pub mod terminal;
pub mod widgets;

use std::time::Duration;

use crossterm::event;

use crate::commands::Failure;
use app::App;

/// Runs the workbench until the user quits.
pub fn run(mut app: App) -> Result<(), Failure> {
    let (mut term, _guard) = terminal::init().map_err(|e| Failure::failed(format!("cannot use the terminal: {e}")))?;
    while !app.quit {
        term.draw(|frame| {
            let body = frame.area();
            app.set_page_height(screens::accounts::list_height(ratatui::layout::Rect {
                height: body.height.saturating_sub(2),
                ..body
            }));
            screens::render(&app, frame);
        })
        .map_err(|e| Failure::failed(e.to_string()))?;
        if event::poll(Duration::from_millis(500)).map_err(|e| Failure::failed(e.to_string()))? {
            let ev = event::read().map_err(|e| Failure::failed(e.to_string()))?;
            app.update(&ev);
        }
    }
    Ok(())
}
