//! A one-line text input over `tui-input`: editing by grapheme, the cursor
//! placed by display width so it sits on the right cell after Chinese text
//! (and the input method pops up there).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_input::{Input, InputRequest};

/// An editable line of text.
#[derive(Clone, Debug, Default)]
pub struct TextInput {
    inner: Input,
}

impl TextInput {
    pub fn new(value: impl Into<String>) -> Self {
        Self { inner: Input::new(value.into()) }
    }

    pub fn value(&self) -> &str {
        self.inner.value()
    }

    pub fn clear(&mut self) {
        self.inner.reset();
    }

    /// Inserts pasted text at the cursor (line breaks become spaces;
    /// control characters, escape sequences' ESC and bidi overrides are
    /// left out, so a field never stores them).
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            let c = if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c };
            if crate::safe_text::enterable(c) {
                self.inner.handle(InputRequest::InsertChar(c));
            }
        }
    }

    /// Applies an editing key; `true` when the key was an editing key.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let req = match key.code {
            KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
            KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
            KeyCode::Char('u') if ctrl => InputRequest::DeleteFromStart,
            KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
            KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
            KeyCode::Char(_) if ctrl => return false,
            KeyCode::Char(c) if !crate::safe_text::enterable(c) => return false,
            KeyCode::Char(c) => InputRequest::InsertChar(c),
            KeyCode::Backspace => InputRequest::DeletePrevChar,
            KeyCode::Delete => InputRequest::DeleteNextChar,
            KeyCode::Left => InputRequest::GoToPrevChar,
            KeyCode::Right => InputRequest::GoToNextChar,
            KeyCode::Home => InputRequest::GoToStart,
            KeyCode::End => InputRequest::GoToEnd,
            _ => return false,
        };
        self.inner.handle(req);
        true
    }

    /// The display column of the cursor within the visible part of a field
    /// `width` cells wide, and the scroll (in cells) of the text.
    pub fn cursor_cell(&self, width: u16) -> (u16, usize) {
        let width = usize::from(width.max(1));
        let scroll = self.inner.visual_scroll(width.saturating_sub(1));
        let col = self.inner.visual_cursor().saturating_sub(scroll);
        (u16::try_from(col).unwrap_or(u16::MAX), scroll)
    }

    /// Draws the text in `area` (one line) and, when `focused`, places the
    /// terminal cursor on the cell after the last character typed. Not
    /// focused, it shows the start of the text, ending in `…` when cut.
    pub fn render(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let (col, scroll) = self.cursor_cell(area.width);
        let shown = if focused {
            skip_cells(self.value(), scroll)
        } else {
            crate::tui::screens::fit_ellipsis(self.value(), usize::from(area.width))
        };
        frame.render_widget(Paragraph::new(Line::from(Span::styled(shown, style))), area);
        if focused {
            let x = area.x.saturating_add(col.min(area.width.saturating_sub(1)));
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}

/// The text after its first `cells` display cells.
fn skip_cells(s: &str, cells: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        if used >= cells {
            out.push(c);
        } else {
            used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent {
            code: c,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn controls_and_bidi_overrides_never_get_in() {
        let mut i = TextInput::default();
        i.paste("ABC\x01\x07\x1b[31mRED\x1b[0m\u{202E}evil\u{7f}\tend");
        assert_eq!(i.value(), "ABC[31mRED[0mevil end");
        assert!(!i.handle_key(key(KeyCode::Char('\x1b'))));
        assert!(!i.handle_key(key(KeyCode::Char('\u{202E}'))));
        assert_eq!(i.value(), "ABC[31mRED[0mevil end");
    }

    #[test]
    fn cursor_counts_display_cells_for_chinese_and_emoji() {
        let mut i = TextInput::default();
        for c in "漢字a".chars() {
            i.handle_key(key(KeyCode::Char(c)));
        }
        assert_eq!(i.cursor_cell(40).0, 5, "two wide chars and one narrow");
        i.handle_key(key(KeyCode::Left));
        assert_eq!(i.cursor_cell(40).0, 4);
        i.paste("🤦🏼");
        assert_eq!(i.value(), "漢字🤦🏼a");
        i.handle_key(key(KeyCode::Backspace));
        assert_eq!(i.value(), "漢字a", "backspace removes the whole grapheme");
    }

    #[test]
    fn long_text_scrolls_and_cursor_stays_inside() {
        let i = TextInput::new("杭州西湖精密机械有限公司");
        let (col, scroll) = i.cursor_cell(10);
        assert!(col < 10, "{col}");
        assert!(scroll > 0);
    }
}
