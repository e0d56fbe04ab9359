//! Tab 5: the rep's day.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::draw_coming;
use crate::i18n::T;
use crate::tui::app::App;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    draw_coming(app, app.tab, frame, area);
}

/// The keys of this tab for the `?` overlay.
pub fn help_keys(_app: &App) -> Vec<(&'static str, T)> {
    vec![("1–5", T::KTabs), (",", T::KSettings), ("?", T::KHelp), ("q", T::KQuit)]
}
