//! A multi-line text field over `ratatui-textarea`: notes, agendas and
//! summaries wrap at the field's width (by word, or by character for Chinese
//! which has no spaces), Enter starts a new line, and the terminal cursor is
//! put on the cell the textarea draws its cursor on so an input method pops up
//! there.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::Frame;
use ratatui_textarea::{TextArea, WrapMode};

/// What a key did to a multi-line field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinesKey {
    /// The text or the cursor changed.
    Edited,
    /// ↑ on the first line or ↓ on the last: the form moves to the field
    /// before (-1) or after (+1).
    Leave(isize),
    /// Not an editing key.
    Ignored,
}

/// An editable block of text.
#[derive(Clone, Debug)]
pub struct TextLines {
    area: TextArea<'static>,
}

impl Default for TextLines {
    fn default() -> Self {
        Self::new("")
    }
}

impl TextLines {
    pub fn new(value: &str) -> Self {
        let lines: Vec<String> = value.split('\n').map(|l| l.trim_end_matches('\r').to_string()).collect();
        let mut area = TextArea::new(lines);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::default());
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        Self { area }
    }

    /// The text, lines joined with `\n`.
    pub fn value(&self) -> String {
        self.area.lines().join("\n")
    }

    /// Inserts pasted text at the cursor in one step; `\r\n` and `\r`
    /// become line breaks, tabs become spaces and other control characters
    /// are dropped. Text that would make the field longer than `max`
    /// characters is refused before anything is copied.
    pub fn paste(&mut self, text: &str, max: usize) -> Result<(), super::input::TooLong> {
        let have: usize = self.area.lines().iter().map(|l| l.chars().count()).sum::<usize>()
            + self.area.lines().len().saturating_sub(1);
        let room = max.saturating_sub(have);
        let clean = || {
            let mut after_cr = false;
            text.chars().filter_map(move |c| {
                let was_cr = std::mem::replace(&mut after_cr, c == '\r');
                match c {
                    '\n' if was_cr => None,
                    '\r' | '\n' => Some('\n'),
                    '\t' => Some(' '),
                    c if !crate::safe_text::enterable(c) => None,
                    c => Some(c),
                }
            })
        };
        if clean().take(room.saturating_add(1)).count() > room {
            return Err(super::input::TooLong { max });
        }
        self.area.insert_str(clean().collect::<String>());
        Ok(())
    }

    /// Applies a key. ↑/↓ leave the field at its first/last line; control
    /// characters typed are never inserted.
    pub fn handle_key(&mut self, key: KeyEvent) -> LinesKey {
        let row = self.area.cursor().0;
        let last = self.area.lines().len().saturating_sub(1);
        match key.code {
            KeyCode::Up if row == 0 => return LinesKey::Leave(-1),
            KeyCode::Down if row >= last => return LinesKey::Leave(1),
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc => return LinesKey::Ignored,
            KeyCode::Char(c) if c.is_control() => return LinesKey::Ignored,
            KeyCode::Char('s' | 'r') if key.modifiers.contains(KeyModifiers::CONTROL) => return LinesKey::Ignored,
            _ => {}
        }
        // Cursor moves change nothing the form tracks, but the key was the
        // field's all the same.
        self.area.input(key);
        LinesKey::Edited
    }

    /// Draws the text in `area` with `style`; when `focused`, the textarea's
    /// cursor cell is reversed and the terminal cursor is placed on it.
    pub fn render(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        if !focused {
            // Not being edited: the text from its start, each line cut
            // with … and a last … when lines are left below.
            let width = usize::from(area.width);
            let all = self.area.lines();
            let shown = usize::from(area.height).min(all.len());
            let lines: Vec<ratatui::text::Line> = all[..shown]
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let more = i + 1 == shown && all.len() > shown;
                    let text = if more {
                        let cut = crate::tui::screens::fit_ellipsis(l, width.saturating_sub(1));
                        format!("{}…", cut.trim_end_matches('…'))
                    } else {
                        crate::tui::screens::fit_ellipsis(l, width)
                    };
                    ratatui::text::Line::from(ratatui::text::Span::styled(text, style))
                })
                .collect();
            frame.render_widget(ratatui::widgets::Paragraph::new(lines).style(style), area);
            return;
        }
        let mut view = self.area.clone();
        view.set_style(style);
        view.set_cursor_style(if focused { style.add_modifier(Modifier::REVERSED) } else { style });
        frame.render_widget(&view, area);
        if focused {
            let cursor = view.screen_cursor();
            let (top, left) = view.scroll_offset();
            let row = cursor.row.saturating_sub(usize::from(top));
            let col = cursor.col.saturating_sub(usize::from(left));
            let x = area.x.saturating_add(u16::try_from(col).unwrap_or(u16::MAX).min(area.width.saturating_sub(1)));
            let y = area.y.saturating_add(u16::try_from(row).unwrap_or(u16::MAX).min(area.height.saturating_sub(1)));
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    #[test]
    fn not_focused_it_shows_its_start_and_says_when_there_is_more() {
        let mut t = TextLines::new("第一行 first line that is long\n第二行\n第三行\n第四行");
        t.handle_key(key(KeyCode::End));
        let mut term = Terminal::new(TestBackend::new(12, 2)).expect("terminal");
        term.draw(|f| t.render(f, f.area(), Style::default(), false)).expect("draw");
        let rows: Vec<String> = (0..2)
            .map(|y| (0..12).map(|x| term.backend().buffer()[(x, y)].symbol().replace(' ', "")).collect::<String>())
            .collect();
        assert_eq!(rows, ["第一行firs…", "第二行…"], "the start, not the cursor's end");
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent { code, modifiers: KeyModifiers::NONE, kind: KeyEventKind::Press, state: KeyEventState::NONE }
    }

    #[test]
    fn enter_breaks_lines_and_arrows_leave_at_the_edges() {
        let mut t = TextLines::default();
        for c in "第一行".chars() {
            assert_eq!(t.handle_key(key(KeyCode::Char(c))), LinesKey::Edited);
        }
        t.handle_key(key(KeyCode::Enter));
        t.paste("second\r\nthird\tend\u{1b}[31m", 10_000).expect("fits");
        assert_eq!(t.value(), "第一行\nsecond\nthird end[31m", "escape dropped, tab a space");
        assert_eq!(t.handle_key(key(KeyCode::Down)), LinesKey::Leave(1));
        assert_eq!(t.handle_key(key(KeyCode::Up)), LinesKey::Edited);
        assert_eq!(t.handle_key(key(KeyCode::Up)), LinesKey::Edited);
        assert_eq!(t.handle_key(key(KeyCode::Up)), LinesKey::Leave(-1));
        assert_eq!(t.handle_key(key(KeyCode::Tab)), LinesKey::Ignored);
        assert_eq!(TextLines::new(&t.value()).value(), t.value(), "a value survives a round trip");
    }

    #[test]
    fn chinese_wraps_by_character_and_the_cursor_sits_after_it() {
        let t = TextLines::new("杭州西湖精密机械有限公司");
        let mut term = Terminal::new(TestBackend::new(10, 3)).expect("term");
        term.draw(|f| t.render(f, Rect::new(0, 0, 10, 3), Style::default(), true)).expect("draw");
        let buf = term.backend().buffer().clone();
        let row = |y: u16| (0..10).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().replace(' ', "");
        assert!(row(0).starts_with("杭州西湖精"), "{:?}", row(0));
        assert!(row(1).starts_with("密机械有限"), "{:?}", row(1));
        let pos = term.get_cursor_position().expect("cursor");
        assert_eq!((pos.x, pos.y), (4, 2), "after 公司 on the third row");
    }
}
