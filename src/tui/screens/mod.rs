//! Drawing: one module per tab and per popup. Everything here only reads
//! the [`App`]; nothing queries the store or changes state.

pub mod accounts;
pub mod call_plans;
pub mod evaluation;
pub mod popups;
pub mod text_search;
pub mod today;
pub mod vip_cards;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs, Wrap};
use ratatui::Frame;

use super::app::{App, Tab};
use crate::i18n::T;
pub use crate::width::{cells, fit, fit_ellipsis};

/// Draws the whole workbench.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < 4 || area.height < 3 {
        return;
    }
    let [top, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    draw_tabs(app, frame, top);
    match app.tab {
        Tab::Accounts => match &app.detail {
            Some(d) => accounts::draw_detail(app, d, frame, body),
            None => accounts::draw_list(app, frame, body),
        },
        Tab::CallPlans | Tab::Presentations => call_plans::draw(app, frame, body),
        Tab::Vip => vip_cards::draw(app, frame, body),
        Tab::Today => today::draw(app, frame, body),
    }
    draw_status(app, frame, status);
    popups::draw(app, frame, area);
    if app.confirm_quit {
        popups::draw_quit(app, frame, area);
    }
    // Whatever a field holds, no escape sequence or bidi override reaches the terminal.
    crate::safe_text::buffer(frame.buffer_mut());
}

fn draw_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let titles: Vec<Line> =
        Tab::ALL.iter().enumerate().map(|(i, t)| Line::from(format!("{} {}", i + 1, app.t(t.title())))).collect();
    let selected = Tab::ALL.iter().position(|t| *t == app.tab).unwrap_or(0);
    let tabs = Tabs::new(titles)
        .select(selected)
        .style(Style::default().fg(Color::Gray))
        .highlight_style(Style::default().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD))
        .divider("│");
    frame.render_widget(tabs, area);
}

fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let file = &app.db_label;
    let mut spans = vec![Span::styled(format!(" {file} "), Style::default().fg(Color::Black).bg(Color::Gray))];
    if app.store.read_only() {
        spans.push(Span::styled(
            format!(" {} ", app.t(T::StatusReadOnly)),
            Style::default().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    spans.extend([
        Span::raw(format!(" {} {} ", app.t(T::StatusUser), app.user_name())),
        Span::raw(T::StatusUnexported.fill(app.lang, &[("n", &app.changes.to_string())])),
    ]);
    if app.checking {
        spans.push(Span::styled(format!("  {}", app.t(T::StatusChecking)), Style::default().fg(Color::DarkGray)));
    }
    if let Some(m) = &app.message {
        spans.push(Span::styled(format!("  {m}"), Style::default().fg(Color::Yellow)));
    }
    spans.push(Span::styled(format!("  {}", app.t(T::StatusHelp)), Style::default().fg(Color::DarkGray)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A tab that is not built yet says what will be there.
pub fn draw_coming(app: &App, tab: Tab, frame: &mut Frame, area: Rect) {
    let what = match tab {
        Tab::CallPlans => T::ComingCallPlans,
        Tab::Presentations => T::ComingPresentations,
        Tab::Vip => T::ComingVip,
        Tab::Today | Tab::Accounts => T::ComingToday,
    };
    let text = vec![
        Line::from(Span::styled(app.t(T::NotBuiltYet), Style::default().add_modifier(Modifier::BOLD))),
        Line::from(""),
        Line::from(app.t(what)),
        Line::from(""),
        Line::from(Span::styled(app.t(T::ComingKeys), Style::default().fg(Color::DarkGray))),
    ];
    let block = Block::default().borders(Borders::ALL).title(app.t(tab.title()));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), area);
}

/// The titles of a tab bar that fit in `width` cells with the selected one
/// always shown: titles before it give way first (marked `‹`), then those
/// after it (marked `›`). Returns the titles and the selected index among them.
pub fn tabs_window(titles: &[String], selected: usize, width: usize) -> (Vec<String>, usize) {
    use unicode_width::UnicodeWidthStr;
    // ratatui's Tabs pads each title with a space on both sides and puts a
    // one-cell divider between them.
    let cost = |t: &[String]| t.iter().map(|s| s.width() + 3).sum::<usize>().saturating_sub(1);
    let mut first = 0;
    let mut last = titles.len();
    while cost(&titles[first..last]) + usize::from(first > 0) * 2 + usize::from(last < titles.len()) * 2 > width {
        if first < selected {
            first += 1;
        } else if last > selected + 1 {
            last -= 1;
        } else {
            break;
        }
    }
    let mut shown: Vec<String> = titles[first..last].to_vec();
    if first > 0 {
        if let Some(t) = shown.first_mut() {
            *t = format!("‹ {t}");
        }
    }
    if last < titles.len() {
        if let Some(t) = shown.last_mut() {
            t.push_str(" ›");
        }
    }
    (shown, selected - first)
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// A multi-line value on one line of a list: line breaks shown as ` ↵ `.
pub fn one_line(s: &str) -> String {
    s.trim_end().replace('\n', " ↵ ")
}

/// Pads or cuts `s` to exactly `w` display cells (wide characters never split).
/// Clears `area` for a popup, and the cells beside it that would let a
/// wide (Chinese) character underneath reach into its border: one ending
/// on the left edge, one starting on the right edge.
pub fn clear_popup(frame: &mut Frame, area: Rect) {
    use unicode_width::UnicodeWidthStr;
    frame.render_widget(ratatui::widgets::Clear, area);
    let whole = frame.area();
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        if area.x > whole.x {
            if let Some(cell) = buf.cell_mut((area.x - 1, y)) {
                if cell.symbol().width() > 1 {
                    cell.set_symbol(" ");
                }
            }
        }
        if area.right() < whole.right() {
            if let Some(cell) = buf.cell_mut((area.right(), y)) {
                if cell.symbol().is_empty() || cell.symbol().width() == 0 {
                    cell.set_symbol(" ");
                }
            }
        }
    }
}

/// `area` for a wrapped paragraph beside a border: one cell narrower, so
/// that a Chinese character ratatui's wrapping leaves in the last cell has
/// room for its second half instead of being blanked over the border.
pub fn wrap_room(area: Rect) -> Rect {
    Rect { width: area.width.saturating_sub(1).max(1), ..area }
}

/// `line` in lines of at most `width` cells, each span keeping its style:
/// Latin words whole, Chinese broken between characters
/// ([`crate::width::wrap_pieces`]). Ratatui's own wrap takes a run of
/// Chinese without spaces for one word: it left half a line empty before
/// it, and cut a Latin word joined to it wherever the line ended.
pub fn wrap_line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let pieces: Vec<(&str, Style)> = line.spans.iter().map(|s| (s.content.as_ref(), s.style)).collect();
    crate::width::wrap_pieces(&pieces, width)
        .into_iter()
        .map(|l| Line::from(l.into_iter().map(|(t, s)| Span::styled(t, s)).collect::<Vec<_>>()).style(line.style))
        .collect()
}

/// A hint of keys (`Tab/↓ next · Ctrl-S save · Esc close`) laid out in
/// lines of at most `width` cells, broken only between its ` · ` parts so
/// that no key or word is cut (a wrap inside 保存 dropped its second half).
/// A part wider than a line is cut with `…`.
pub fn hint_lines(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    const SEP: &str = " · ";
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in text.split(SEP) {
        let part = if part.width() > width { fit_ellipsis(part, width) } else { part.to_string() };
        if line.is_empty() {
            line = part;
        } else if line.width() + SEP.width() + part.width() <= width {
            line.push_str(SEP);
            line.push_str(&part);
        } else {
            // A continued line starts with the separator's dot when it fits.
            let next = if part.width() + 2 <= width { format!("· {part}") } else { part };
            lines.push(std::mem::replace(&mut line, next));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod fit_tests {
    use super::{fit, fit_ellipsis, hint_lines};

    #[test]
    fn a_hint_breaks_between_its_parts() {
        let hint = "Tab/↓ 下一项 · Shift-Tab/↑ 上一项 · 多行项内 Enter 换行 · ←→ 选择 · Ctrl-S 保存 · Esc 关闭";
        let lines = hint_lines(hint, 78);
        assert_eq!(
            lines,
            ["Tab/↓ 下一项 · Shift-Tab/↑ 上一项 · 多行项内 Enter 换行 · ←→ 选择", "· Ctrl-S 保存 · Esc 关闭"]
        );
        for w in [20, 40, 60, 78, 120] {
            for l in hint_lines(hint, w) {
                assert!(unicode_width::UnicodeWidthStr::width(l.as_str()) <= w, "{l:?} in {w}");
            }
            assert!(hint_lines(hint, w).concat().contains("保存"), "never cut inside a part at {w}");
        }
        assert_eq!(hint_lines(hint, 200).len(), 1);
    }

    #[test]
    fn text_is_cut_between_grapheme_clusters() {
        assert_eq!(fit("a🇨🇳b", 2), "a ", "half a flag is never drawn");
        assert_eq!(fit("a🇨🇳b", 3), "a🇨🇳");
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(fit(&format!("{family}x"), 3), format!("{family}x"), "a joined emoji is two cells");
        assert_eq!(fit("e\u{301}x", 1), "e\u{301}", "a combining mark stays on its letter");
        assert_eq!(fit_ellipsis("王🇨🇳王", 4), "王…");
    }
}

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;
    use ratatui::widgets::Paragraph;
    use ratatui::Terminal;

    /// A wide character ending on a popup's left edge would hide its
    /// border (the terminal draws the character over it, and the diff
    /// never sends the cell it covers): it is blanked.
    #[test]
    fn a_popup_over_chinese_text_keeps_its_borders() {
        let mut t = Terminal::new(TestBackend::new(12, 2)).expect("terminal");
        t.draw(|f| {
            f.render_widget(Paragraph::new("中文中文中文\n中文中文中文"), f.area());
            let r = Rect::new(3, 0, 6, 2);
            super::clear_popup(f, r);
            f.render_widget(ratatui::widgets::Block::bordered(), r);
        })
        .expect("draw");
        let buf = t.backend().buffer();
        for y in 0..2 {
            assert_eq!(buf[(2, y)].symbol(), " ", "the wide character under the left edge is blanked");
            assert_ne!(buf[(3, y)].symbol(), " ", "the border is there");
            assert_eq!(buf[(0, y)].symbol(), "中", "what is not under the edge stays");
        }
        assert_eq!(super::fit_ellipsis("中文中文", 5), "中文…");
        assert_eq!(super::fit_ellipsis("abc", 5), "abc");
    }
}
