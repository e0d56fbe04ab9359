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
use unicode_segmentation::UnicodeSegmentation;

/// A paste refused: the field would hold more than `max` characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong {
    pub max: usize,
}

impl TooLong {
    /// The message shown beside the field (or on the status line).
    pub fn message(self, lang: kam_rules::Lang) -> String {
        crate::i18n::T::PasteTooLong.fill(lang, &[("max", &self.max.to_string())])
    }
}

/// The longest text a filter or a reason takes from one paste.
pub const FILTER_MAX: usize = crate::model::LINE_MAX;

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

    /// Inserts pasted text at the cursor in one step, in time linear in its
    /// length (line breaks and tabs become spaces; control characters,
    /// escape sequences' ESC and bidi overrides are left out, so a field
    /// never stores them). Text that would make the field longer than
    /// `max` characters is refused before anything is copied, and the field
    /// keeps its text.
    pub fn paste(&mut self, text: &str, max: usize) -> Result<(), TooLong> {
        let room = max.saturating_sub(self.inner.value().chars().count());
        let clean = || {
            text.chars()
                .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
                .filter(|c| crate::safe_text::enterable(*c))
        };
        let added = clean().take(room.saturating_add(1)).count();
        if added > room {
            return Err(TooLong { max });
        }
        let cursor = self.inner.cursor();
        let value = self.inner.value();
        let at = value.char_indices().nth(cursor).map_or(value.len(), |(b, _)| b);
        let mut joined = String::with_capacity(value.len() + text.len());
        joined.push_str(&value[..at]);
        joined.extend(clean());
        joined.push_str(&value[at..]);
        self.inner = Input::new(joined).with_cursor(cursor + added);
        Ok(())
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

/// The text after its first `cells` display cells, whole grapheme clusters.
fn skip_cells(s: &str, cells: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for g in s.graphemes(true) {
        if used >= cells {
            out.push_str(g);
        } else {
            used += crate::tui::screens::cells(g);
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
        i.paste("ABC\x01\x07\x1b[31mRED\x1b[0m\u{202E}evil\u{7f}\tend", 100).expect("fits");
        assert_eq!(i.value(), "ABC[31mRED[0mevil end");
        assert!(!i.handle_key(key(KeyCode::Char('\x1b'))));
        assert!(!i.handle_key(key(KeyCode::Char('\u{202E}'))));
        assert_eq!(i.value(), "ABC[31mRED[0mevil end");
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor_in_one_step_or_not_at_all() {
        let mut i = TextInput::new("杭州公司");
        i.handle_key(key(KeyCode::Left));
        i.handle_key(key(KeyCode::Left));
        i.paste("西湖\r\n精密", 100).expect("fits");
        assert_eq!(i.value(), "杭州西湖  精密公司");
        assert_eq!(i.cursor_cell(80).0, 14, "cursor after the pasted text");
        // Past the limit: refused whole, the text kept.
        assert_eq!(i.paste(&"x".repeat(93), 100), Err(TooLong { max: 100 }));
        assert_eq!(i.value(), "杭州西湖  精密公司");
        // Exactly up to the limit goes in.
        i.paste(&"x".repeat(90), 100).expect("fits exactly");
        assert_eq!(i.value().chars().count(), 100);
        // 240,000 characters (issue #17: 40 s at full CPU, one insert per
        // character) are refused at once.
        let mut j = TextInput::default();
        let started = std::time::Instant::now();
        assert!(j.paste(&"长".repeat(240_000), 1_000).is_err());
        let big = "a".repeat(200_000);
        j.paste(&big, 1_000_000).expect("fits");
        assert_eq!(j.value().len(), 200_000);
        assert!(started.elapsed().as_secs() < 5, "linear: {:?}", started.elapsed());
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
        i.paste("🤦🏼", 100).expect("fits");
        assert_eq!(i.value(), "漢字🤦🏼a");
        i.handle_key(key(KeyCode::Backspace));
        assert_eq!(i.value(), "漢字a", "backspace removes the whole grapheme");
    }

    #[test]
    fn a_flag_typed_as_two_chars_goes_whole() {
        let mut i = TextInput::default();
        for c in "a🇨🇳".chars() {
            i.handle_key(key(KeyCode::Char(c)));
        }
        assert_eq!(i.cursor_cell(40).0, 3, "the flag takes two cells");
        i.handle_key(key(KeyCode::Backspace));
        assert_eq!(i.value(), "a", "no half flag left");
        i.paste("🇨🇳👨\u{200d}👩\u{200d}👧b", 100).expect("fits");
        // Scrolled past the flag, no regional indicator is drawn alone.
        let shown = skip_cells(i.value(), 2);
        assert!(shown.starts_with("👨"), "{shown:?}");
        assert_eq!(skip_cells("🇨🇳x", 1), "x", "a cluster is skipped whole");
    }

    #[test]
    fn long_text_scrolls_and_cursor_stays_inside() {
        let i = TextInput::new("杭州西湖精密机械有限公司");
        let (col, scroll) = i.cursor_cell(10);
        assert!(col < 10, "{col}");
        assert!(scroll > 0);
    }
}
