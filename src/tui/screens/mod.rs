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
use ratatui::widgets::{Block, Paragraph, Tabs};
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
    debug_assert_eq!(body, body_area(area));
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
    // The visitor's photo goes on after: a kitty, iTerm2 or sixel image is
    // an escape sequence of kam's own making, not text from a field.
    vip_cards::draw_photo(app, frame);
}

/// Where a tab is drawn on a screen of `area`: between the tab bar and the status line.
pub fn body_area(area: Rect) -> Rect {
    Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area }
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
    frame.render_widget(Paragraph::new(Line::from(status_spans(app, usize::from(area.width)))), area);
}

/// The status line's parts for `width` cells. When they do not fit, the
/// file and the user's name are shortened with `…` first, then the key
/// hint, the change count and the file give way, so that a message (what
/// just happened) is read whole; a message wider than the line ends in `…`
/// rather than stopping inside a word.
fn status_spans(app: &App, width: usize) -> Vec<Span<'static>> {
    use crate::width::fit_ellipsis;
    use unicode_width::UnicodeWidthStr;
    // Each part with the order it gives way in (0: never).
    let mut parts: Vec<(u8, Span<'static>)> = Vec::new();
    let build = |short: bool| {
        let file = if short { fit_ellipsis(&app.db_label, 24) } else { app.db_label.clone() };
        let user = if short { fit_ellipsis(&app.user_name(), 12) } else { app.user_name() };
        (file, user)
    };
    let total = |parts: &[(u8, Span<'static>)]| parts.iter().map(|(_, s)| s.content.width()).sum::<usize>();
    for short in [false, true] {
        parts.clear();
        let (file, user) = build(short);
        parts.push((3, Span::styled(format!(" {file} "), Style::default().fg(Color::Black).bg(Color::Gray))));
        if app.store.read_only() {
            parts.push((
                0,
                Span::styled(
                    format!(" {} ", app.t(T::StatusReadOnly)),
                    Style::default().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
                ),
            ));
        }
        parts.push((4, Span::raw(format!(" {} {user} ", app.t(T::StatusUser)))));
        parts.push((2, Span::raw(T::StatusUnexported.fill(app.lang, &[("n", &app.changes.to_string())]))));
        // With a hub (#23): the sync under way, else the last sync and what waits.
        if let Some(text) = sync_indicator(app) {
            let style = if app.sync.running { Style::default().fg(Color::Cyan) } else { Style::default() };
            parts.push((0, Span::styled(format!("  {text}"), style)));
        }
        if app.checking {
            parts.push((
                0,
                Span::styled(format!("  {}", app.t(T::StatusChecking)), Style::default().fg(Color::DarkGray)),
            ));
        }
        if let Some(m) = &app.message {
            parts.push((0, Span::styled(format!("  {m}"), Style::default().fg(Color::Yellow))));
        }
        parts.push((1, Span::styled(format!("  {}", app.t(T::StatusHelp)), Style::default().fg(Color::DarkGray))));
        if total(&parts) <= width {
            return parts.into_iter().map(|(_, s)| s).collect();
        }
    }
    // Still too wide: the parts that may go, in their order, until it fits.
    for rank in 1..=4 {
        if total(&parts) <= width {
            break;
        }
        parts.retain(|(r, _)| *r != rank);
    }
    let mut used = 0;
    let mut out = Vec::new();
    for (_, mut span) in parts {
        let w = span.content.width();
        if used + w > width {
            let room = width.saturating_sub(used);
            if room > 0 {
                span.content = fit_ellipsis(&span.content, room).into();
                out.push(span);
            }
            break;
        }
        used += w;
        out.push(span);
    }
    out
}

/// The status line's sync indicator: `None` without a hub (the line is as
/// it was before hubs), or before it is first read.
fn sync_indicator(app: &App) -> Option<String> {
    use crate::exchange::hub_sync::Progress;
    app.sync.url.as_ref()?;
    let l = app.lang;
    if app.sync.running {
        return Some(match app.sync.progress {
            None => T::SyncStarting.get(l).to_string(),
            Some(Progress::Pushing { pushed, total }) => {
                T::SyncPushing.fill(l, &[("n", &pushed.to_string()), ("m", &total.to_string())])
            }
            Some(Progress::Pulling { pulled }) => T::SyncPulling.fill(l, &[("n", &pulled.to_string())]),
        });
    }
    let s = app.sync.status?;
    let last = match s.last {
        Some(t) => {
            T::StatusSynced.fill(l, &[("at", &t.with_timezone(&chrono::Local).format("%m-%d %H:%M").to_string())])
        }
        None => T::StatusNeverSynced.get(l).to_string(),
    };
    Some(format!("{last} · {}", T::StatusToPush.fill(l, &[("n", &s.waiting.to_string())])))
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

/// `lines` wrapped for `width` cells by [`wrap_line`], for a paragraph
/// drawn without ratatui's own wrap: a Chinese sentence after a number
/// ("仅按 10/100 的权重计分…") no longer goes whole to the next line and
/// leaves its first words alone on a half-empty one.
pub fn wrap_lines<'a>(lines: impl IntoIterator<Item = Line<'a>>, width: u16) -> Vec<Line<'static>> {
    lines.into_iter().flat_map(|l| wrap_line(&l, usize::from(width.max(1)))).collect()
}

/// A paragraph of `text` wrapped by [`wrap_lines`] to fit `area` (inside
/// `block` when one is given), for every wrapped paragraph: ratatui's own
/// wrap dropped a Chinese character at a line's end (演讲计 for 演讲计划)
/// and took a run of Chinese for one word.
pub fn wrapped<'a>(text: impl Into<ratatui::text::Text<'a>>, block: Option<Block<'a>>, area: Rect) -> Paragraph<'a> {
    let width = block.as_ref().map_or(area, |b| b.inner(area)).width;
    let p = Paragraph::new(wrap_lines(text.into().lines, width));
    match block {
        Some(b) => p.block(b),
        None => p,
    }
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
    use super::{fit, fit_ellipsis, hint_lines, wrap_lines};
    use ratatui::text::Line;

    /// A Chinese sentence after a number wraps by character: ratatui's word
    /// wrap moved "项承诺…" whole to the next line, leaving "⚠ 第 2" alone
    /// (and "仅按 10/100" before "的权重计分").
    #[test]
    fn a_chinese_sentence_after_a_number_is_not_left_half_empty() {
        let text = |lines: Vec<Line<'static>>| lines.iter().map(ToString::to_string).collect::<Vec<_>>();
        let check = text(wrap_lines([Line::from("⚠\u{a0}第 2 项承诺「交样品」缺少负责人或期限")], 24));
        assert_eq!(check, ["⚠\u{a0}第 2 项承诺「交样品」", "缺少负责人或期限"], "」 stays with what it closes");
        let partial = text(wrap_lines([Line::from("仅按 10/100 的权重计分;缺少:拜访次数、回款")], 30));
        assert_eq!(partial, ["仅按 10/100 的权重计分;缺少:拜", "访次数、回款"]);
        let latin = text(wrap_lines([Line::from("scored on 10 of 100 weight; missing: visits")], 20));
        assert_eq!(latin, ["scored on 10 of 100", "weight; missing:", "visits"], "Latin words stay whole");
    }

    /// A wrapped paragraph in a bordered box keeps every character, at any
    /// width (Today's changes once showed "演讲计" for "演讲计划").
    #[test]
    fn a_wrapped_paragraph_in_a_box_drops_no_chinese_character() {
        use ratatui::widgets::{Block, Borders};
        let text = "客户 2 · 电话计划 1 · 重大异动 1 · 联系人 3 · 导出 4 · 意见反馈 1 · 订单 2 · 演讲计划 1 · 考核目标 1 · VIP 来客卡 1 · 拜访 1";
        for width in 10..=80 {
            let area = ratatui::layout::Rect::new(0, 0, width, 30);
            let mut buf = ratatui::buffer::Buffer::empty(area);
            let block = Block::default().borders(Borders::ALL);
            ratatui::widgets::Widget::render(super::wrapped(text, Some(block), area), area, &mut buf);
            let shown: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
            let shown: String = shown.chars().filter(|c| !c.is_whitespace() && !"│─┌┐└┘".contains(*c)).collect();
            let want: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(shown, want, "width {width}");
            // A wide character in the last cell inside the border would have
            // its second half under the border: the terminal shows neither.
            for y in 1..area.height - 1 {
                let last = &buf[(width - 2, y)];
                assert!(
                    super::cells(last.symbol()) < 2,
                    "width {width}, line {y}: {:?} under the border",
                    last.symbol()
                );
            }
        }
    }

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
        assert_eq!(fit("a🇨🇳b", 2), "a…", "half a flag is never drawn; a cut says so");
        assert_eq!(fit("a🇨🇳b", 4), "a🇨🇳b", "whole when it fits");
        assert_eq!(fit("ab", 4), "ab  ", "padded");
        assert_eq!(fit("a🇨🇳bc", 4), "a🇨🇳…");
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(fit(&format!("{family}x"), 3), format!("{family}x"), "a joined emoji is two cells");
        assert_eq!(fit(&format!("{family}xy"), 3), format!("{family}…"));
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
