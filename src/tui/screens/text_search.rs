//! The text search popup (#22): the query line, whether it is searching or
//! what it found, and each record found on two lines: the account (or VIP
//! card), the kind of record and field, the date; then a snippet of the
//! field around the match, the match highlighted.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{centered, fit_ellipsis};
use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::text_search::{field_label, kind_label, snippet, words_of, TextSearch};

const DIM: Style = Style::new().fg(Color::DarkGray);
const MATCH: Style = Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD);

pub fn draw(app: &App, s: &TextSearch, frame: &mut Frame, area: Rect) {
    let w = area.width.saturating_sub(4).min(110);
    let r = centered(area, w, area.height.saturating_sub(2).clamp(8, 40));
    super::clear_popup(frame, r);
    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(T::TsTitle)));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    if inner.height < 5 || inner.width < 12 {
        return;
    }
    let [query, status, list, foot] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)])
            .areas(inner);
    let label = format!("{} ", app.t(T::TsQuery));
    let lw = u16::try_from(unicode_width::UnicodeWidthStr::width(label.as_str())).unwrap_or(0).min(query.width / 2);
    frame.render_widget(Paragraph::new(Span::styled(label, Style::default().fg(Color::Cyan))), query);
    let input_area = Rect::new(query.x + lw, query.y, query.width.saturating_sub(lw), 1);
    s.input.render(frame, input_area, Style::default().add_modifier(Modifier::UNDERLINED), true);

    let width = usize::from(inner.width);
    let typed = !s.input.value().trim().is_empty();
    let state = if s.searching() {
        Span::styled(app.t(T::TsSearching).to_string(), Style::default().fg(Color::Yellow))
    } else if !typed {
        Span::styled(app.t(T::TsHint).to_string(), DIM)
    } else if s.found.hits.is_empty() {
        Span::raw(app.t(T::TsNothing).to_string())
    } else {
        Span::styled(T::TsFound.fill(app.lang, &[("n", &s.found.hits.len().to_string())]), DIM)
    };
    let state = Span::styled(fit_ellipsis(&state.content, width), state.style);
    frame.render_widget(Paragraph::new(state), status);

    // Two lines a record; the selected one kept on screen.
    let per_page = (usize::from(list.height) / 2).max(1);
    let start = s.selected.saturating_sub(per_page - 1);
    let words = words_of(s);
    let mut lines: Vec<Line> = Vec::new();
    if typed {
        for (i, hit) in s.found.hits.iter().enumerate().skip(start).take(per_page) {
            let selected = i == s.selected;
            let head_style = if selected {
                Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            let field = field_label(hit.kind, hit.field).map_or(hit.field, |t| app.t(t));
            let date = hit.date.map(|d| d.to_string()).unwrap_or_default();
            // The record's date beside its kind, not after the field: a
            // visit's date after 下一步 read as the next step's.
            let head = format!("{} · {} {} · {}", hit.label, app.t(kind_label(hit.kind)), date, field);
            let marker = if selected { "▶ " } else { "  " };
            lines.push(Line::from(vec![
                Span::styled(marker, head_style),
                Span::styled(fit_ellipsis(&head, width.saturating_sub(2)), head_style),
            ]));
            let (before, matched, after) = snippet(&hit.text, &words, width.saturating_sub(4));
            lines.push(Line::from(vec![
                Span::raw("    "),
                Span::styled(before, DIM),
                Span::styled(matched, MATCH),
                Span::styled(after, DIM),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), list);

    let mut keys = app.t(T::TsKeys).to_string();
    if s.found.more && typed {
        keys = format!("{} · {keys}", T::TsMore.fill(app.lang, &[("n", &s.found.hits.len().to_string())]));
    }
    frame.render_widget(Paragraph::new(Span::styled(fit_ellipsis(&keys, width), DIM)), foot);
}
