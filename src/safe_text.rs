//! Text on its way to a terminal: whatever a field holds (pasted by store
//! staff, imported from a spreadsheet), escape sequences, control
//! characters and bidirectional overrides never reach the terminal raw —
//! on screen, in messages printed after the workbench closes, or in a
//! panic's message. Each is shown as a visible stand-in instead.

use std::borrow::Cow;

/// Characters that reorder or hide text (bidi embeddings, overrides and
/// isolates; the "Trojan Source" set) or are invisible controls.
fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// What stands for an unsafe character: a control character as its
/// Control Pictures symbol (␛ for ESC), anything else as U+FFFD.
fn stand_in(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '␡',
        _ => '\u{FFFD}',
    }
}

fn unsafe_char(c: char, keep_lines: bool) -> bool {
    if keep_lines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || is_bidi_or_invisible(c)
}

/// Whether `c` may go into a field as typed or pasted text: no control
/// characters (the caller turns line breaks and tabs into what the field
/// holds first) and no bidi overrides or invisible marks.
pub fn enterable(c: char) -> bool {
    !unsafe_char(c, false)
}

/// `s` with every control character (line breaks too) and bidi override
/// replaced by a visible stand-in; borrowed when nothing needed replacing.
pub fn one_line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// As [`one_line`], but line breaks and tabs are kept (text printed on
/// stdout, such as a plan's Markdown).
pub fn lines(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

fn clean(s: &str, keep_lines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c, keep_lines)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if unsafe_char(c, keep_lines) { stand_in(c) } else { c }).collect())
}

/// Makes every cell of a drawn frame safe, whatever code drew it: the
/// workbench runs this over the buffer before it is written to the terminal.
pub fn buffer(buf: &mut ratatui::buffer::Buffer) {
    for cell in &mut buf.content {
        if cell.symbol().chars().any(|c| unsafe_char(c, false)) {
            let safe = one_line(cell.symbol()).into_owned();
            cell.set_symbol(&safe);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_controls_and_bidi_are_shown_not_sent() {
        assert_eq!(one_line("杭州\u{1b}[2J公司"), "杭州␛[2J公司");
        assert_eq!(one_line("a\u{202E}gnp.exe"), "a\u{FFFD}gnp.exe");
        assert_eq!(one_line("line\nnext\r"), "line␊next␍");
        assert_eq!(lines("line\nnext\t\u{7}"), "line\nnext\t␇");
        assert!(matches!(one_line("普通文本 plain"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives(s in any::<String>()) {
            let out = one_line(&s);
            prop_assert!(!out.chars().any(|c| c.is_control() || is_bidi_or_invisible(c)));
            let kept = lines(&s);
            prop_assert!(!kept.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_or_invisible(c)));
        }
    }
}
