//! The `?` overlay: the keys of the screen in view.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::i18n::T;
use crate::tui::app::{App, Tab};

/// The keys for the screen in view, as (key, what it does) in the app's language.
pub fn keys(app: &App) -> Vec<(&'static str, T)> {
    let mut k = vec![("1–5", T::HelpTabs), ("?", T::HelpHelp)];
    match (app.tab, app.detail.is_some()) {
        (Tab::Accounts, false) => k.extend([
            ("↑↓ PgUp PgDn Home End", T::HelpMove),
            ("/", T::HelpFilter),
            ("Esc", T::HelpClearFilter),
            ("Enter", T::HelpOpen),
            ("n", T::HelpNewAccount),
            ("e", T::HelpEditAccount),
            ("d", T::HelpDelete),
            ("q", T::HelpQuit),
        ]),
        (Tab::Accounts, true) => k.extend([
            ("Tab ←→", T::HelpSections),
            ("↑↓", T::HelpMove),
            ("e", T::HelpEditDetail),
            ("n", T::HelpNewContact),
            ("d", T::HelpDelete),
            ("Esc", T::HelpBack),
        ]),
        _ => k.push(("q", T::HelpQuit)),
    }
    k.extend([("Tab Shift-Tab", T::HelpFormFields), ("Ctrl-S", T::HelpSave)]);
    k
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let l = app.lang;
    let lines: Vec<String> = keys(app).into_iter().map(|(key, what)| format!("{key:<22} {}", what.get(l))).collect();
    let r = super::centred(area, 64, u16::try_from(lines.len()).unwrap_or(20) + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines.join("\n"))
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(format!(" {} ", T::HelpTitle.get(l)))),
        r,
    );
}
