//! Drawing: one module per tab and popup. Drawing reads the state only.

pub mod accounts;
pub mod help;

use kam_rules::Lang;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Tabs, Wrap};
use ratatui::Frame;

use crate::i18n::T;
use crate::tui::app::{App, Popup, Tab};

/// Draws the whole workbench.
pub fn render(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.height < 3 || area.width < 10 {
        frame.render_widget(Paragraph::new("kam"), area);
        return;
    }
    let [top, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let l = app.lang;
    let titles: Vec<Line<'_>> =
        Tab::ALL.iter().enumerate().map(|(i, t)| Line::from(format!("{} {}", i + 1, t.title().get(l)))).collect();
    let selected = Tab::ALL.iter().position(|t| *t == app.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)),
        top,
    );
    match app.tab {
        Tab::Accounts => accounts::render(app, frame, body),
        other => not_built(frame, body, l, other),
    }
    status_line(app, frame, status);
    if let Some(p) = &app.popup {
        popup(app, p, frame, area);
    }
}

/// A tab not built yet says so, and what will be there.
fn not_built(frame: &mut Frame<'_>, area: Rect, lang: Lang, tab: Tab) {
    let text = match tab {
        Tab::CallPlans => T::NotBuiltCallPlans,
        Tab::Presentations => T::NotBuiltPresentations,
        Tab::Vip => T::NotBuiltVip,
        Tab::Accounts | Tab::Today => T::NotBuiltToday,
    };
    frame.render_widget(
        Paragraph::new(text.get(lang))
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(format!(" {} ", tab.title().get(lang)))),
        area,
    );
}

fn status_line(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let l = app.lang;
    let text = match &app.message {
        Some(m) => Line::from(Span::styled(m.clone(), Style::default().fg(Color::Yellow))),
        None => Line::from(vec![
            Span::raw(format!("{}: {}", T::StatusFile.get(l), app.store.path().display())),
            Span::raw("  "),
            Span::raw(format!("{}: {}", T::StatusUser.get(l), app.store.user())),
            Span::raw("  "),
            Span::styled(T::StatusKeys.get(l), Style::default().fg(Color::Gray)),
        ]),
    };
    frame.render_widget(Paragraph::new(text).style(Style::default().bg(Color::Black)), area);
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

fn popup(app: &App, p: &Popup, frame: &mut Frame<'_>, area: Rect) {
    let l = app.lang;
    match p {
        Popup::Help => help::render(app, frame, area),
        Popup::FirstRun => {
            let r = centred(area, 60, 7);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(T::FirstRunBody.get(l))
                    .wrap(Wrap { trim: true })
                    .block(Block::default().borders(Borders::ALL).title(format!(" {} ", T::FirstRunTitle.get(l)))),
                r,
            );
        }
        Popup::Form(state) => {
            let r = centred(area, 100, area.height.saturating_sub(2));
            state.form.render(frame, r, l);
        }
        Popup::Reason { input, name, error, .. } => {
            let r = centred(area, 70, 6);
            frame.render_widget(Clear, r);
            let block = Block::default().borders(Borders::ALL).title(" ? ");
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let mut lines =
                vec![Line::from(T::DeleteAsk.fill(l, &[("name", name)])), Line::from(input.value().to_string())];
            if *error {
                lines.push(Line::from(Span::styled(T::ReasonRequired.get(l), Style::default().fg(Color::Red))));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
            let width = inner.width.saturating_sub(1);
            let text_rows =
                u16::try_from(unicode_width::UnicodeWidthStr::width(T::DeleteAsk.fill(l, &[("name", name)]).as_str()))
                    .unwrap_or(u16::MAX)
                    .div_ceil(inner.width.max(1));
            let x = inner.x + u16::try_from(input.visual_cursor()).unwrap_or(0).min(width);
            let y = inner.y + text_rows.min(inner.height.saturating_sub(1));
            frame.set_cursor_position((x, y));
        }
    }
}
