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

/// How many characters of a cell, header or file name a message quotes.
pub const QUOTED_CHARS: usize = 80;

/// `s` as a message quotes it: [`one_line`], and cut to `max` characters
/// with `…` when longer, so that a 100 MB cell or a header of a million
/// columns makes a short message, not a line of megabytes.
pub fn quoted(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => one_line(s),
        Some((cut, _)) => {
            let head = one_line(&s[..cut]).into_owned();
            Cow::Owned(format!("{head}…"))
        }
    }
}

/// [`quoted`] at [`QUOTED_CHARS`].
pub fn cell(s: &str) -> Cow<'_, str> {
    quoted(s, QUOTED_CHARS)
}

/// Whether `c` is refused in a stored field coming from a file (an
/// imported or merged cell, a restored draft, the config): a control
/// character other than a line break or a tab, or a bidi override or
/// invisible mark — what typing cannot enter ([`enterable`]).
pub fn refused_in_field(c: char) -> bool {
    !matches!(c, '\n' | '\t' | '\r') && !enterable(c)
}

/// The first character of `s` that [`refused_in_field`], if any.
pub fn first_refused(s: &str) -> Option<char> {
    // Only these bytes begin a refused character in UTF-8 (a control
    // character, a C1 control, U+061C, or one of the marks from U+200E):
    // text without them has none. A merge checks every cell it reads.
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')) || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2);
    if !s.bytes().any(suspect) {
        return None;
    }
    s.chars().find(|c| refused_in_field(*c))
}

/// `s` with every character [`refused_in_field`] shown by its stand-in,
/// line breaks and tabs kept: what an export writes of a field an older
/// version stored with an escape sequence in it (borrowed when clean).
pub fn stored(s: &str) -> Cow<'_, str> {
    if first_refused(s).is_none() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if refused_in_field(c) { stand_in(c) } else { c }).collect())
}

/// `s` without the characters [`refused_in_field`], as pasting into a
/// field leaves them out (line breaks and tabs kept for the field to
/// treat as it does when pasted): what a restored draft puts back.
pub fn without_refused(s: &str) -> Cow<'_, str> {
    if first_refused(s).is_none() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !refused_in_field(*c)).collect())
}

/// The visible stand-in of a refused character, for a message naming it
/// (`␛` for ESC).
pub fn shown_char(c: char) -> char {
    stand_in(c)
}

fn clean(s: &str, keep_lines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c, keep_lines)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if unsafe_char(c, keep_lines) { stand_in(c) } else { c }).collect())
}

/// Makes every cell of a drawn frame safe, whatever code drew it: the
/// workbench runs this over the buffer before it is written to the terminal.
///
/// Also a wide (Chinese) character whose second cell holds something
/// else — a border drawn after it, or the screen's edge — is blanked: the
/// terminal would draw it over that cell, and the next frames' diffs would
/// never repair it (ratatui's wrapping can end a line with a wide
/// character in the last cell of an area).
pub fn buffer(buf: &mut ratatui::buffer::Buffer) {
    use unicode_width::UnicodeWidthStr;
    for cell in &mut buf.content {
        if cell.symbol().chars().any(|c| unsafe_char(c, false)) {
            let safe = one_line(cell.symbol()).into_owned();
            cell.set_symbol(&safe);
        }
    }
    let width = usize::from(buf.area.width);
    if width == 0 {
        return;
    }
    for row in buf.content.chunks_mut(width) {
        for x in 0..row.len() {
            if row[x].symbol().width() < 2 {
                continue;
            }
            let next_taken = row.get(x + 1).is_none_or(|n| !matches!(n.symbol(), "" | " "));
            if next_taken {
                row[x].set_symbol(" ");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_wide_character_never_covers_a_border_or_leaves_the_screen() {
        use ratatui::widgets::{Block, Paragraph, Wrap};
        // ratatui's wrapping ends the third line with 质 in the last cell
        // of this 44-cell area, its second half on the border.
        let text = "  2. 玫瑰金钻石项链 — F:18K玫瑰金;A:温柔色调衬肤色;B:日常佩戴显气质\n  1. 经典六爪铂金钻戒1克拉 — F:六爪镶嵌,铂金950材质;A:最大程度展现钻石火彩,稳固不易脱落;B:让您在纪念日时光彩照人,象征十年如一日的坚定爱情,值得传承给下一代";
        let area = ratatui::layout::Rect::new(0, 0, 46, 8);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        let block = Block::bordered();
        let inner = block.inner(area);
        ratatui::widgets::Widget::render(block, area, &mut buf);
        ratatui::widgets::Widget::render(Paragraph::new(text).wrap(Wrap { trim: false }), inner, &mut buf);
        buffer(&mut buf);
        for y in 1..7 {
            assert_eq!(buf[(45, y)].symbol(), "│", "row {y}: the right border is whole");
            let last = buf[(44, y)].symbol();
            assert!(unicode_width::UnicodeWidthStr::width(last) < 2, "row {y}: {last:?} would cover the border");
        }
        let mut edge = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 4, 1));
        edge.set_string(0, 0, "a中", ratatui::style::Style::default());
        edge[(3, 0)].set_symbol("文");
        buffer(&mut edge);
        assert_eq!(edge[(3, 0)].symbol(), " ", "no wide character in the screen's last column");
        assert_eq!(edge[(1, 0)].symbol(), "中", "a wide character with room stays");
    }

    #[test]
    fn escapes_controls_and_bidi_are_shown_not_sent() {
        assert_eq!(one_line("杭州\u{1b}[2J公司"), "杭州␛[2J公司");
        assert_eq!(one_line("a\u{202E}gnp.exe"), "a\u{FFFD}gnp.exe");
        assert_eq!(one_line("line\nnext\r"), "line␊next␍");
        assert_eq!(lines("line\nnext\t\u{7}"), "line\nnext\t␇");
        assert!(matches!(one_line("普通文本 plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn quoting_is_bounded_and_neutralised() {
        assert_eq!(quoted("abc", 3), "abc");
        assert_eq!(quoted("abcd", 3), "abc…");
        assert_eq!(quoted("\u{1b}]0;title\u{7}", 80), "␛]0;title␇");
        assert_eq!(cell(&"汉".repeat(1_000_000)).chars().count(), QUOTED_CHARS + 1);
        assert_eq!(first_refused("a\tb\nc"), None);
        assert_eq!(first_refused("a\u{8}b"), Some('\u{8}'));
        assert_eq!(shown_char('\u{1b}'), '␛');
        assert_eq!(stored("a\u{1b}[2J\r\n\tb\u{8}"), "a␛[2J\r\n\tb␈");
        assert!(matches!(stored("一\n二"), Cow::Borrowed(_)));
    }

    proptest! {
        /// The look at the bytes first finds what a look at each character finds.
        #[test]
        fn the_first_refused_character_is_found_from_its_bytes(
            chars in proptest::collection::vec(prop_oneof![
                any::<char>(),
                proptest::sample::select(vec![
                    'a', '\n', '\t', '\r', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}', '\u{a0}', '\u{ff}',
                    '\u{61c}', '\u{600}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}',
                    '\u{202f}', '\u{2066}', '\u{2069}', '\u{2070}', '王', '，', '\u{feff}',
                ]),
            ], 0..12),
        ) {
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(first_refused(&s), s.chars().find(|c| refused_in_field(*c)));
        }

        #[test]
        fn nothing_unsafe_survives(s in any::<String>()) {
            let out = one_line(&s);
            prop_assert!(!out.chars().any(|c| c.is_control() || is_bidi_or_invisible(c)));
            let kept = lines(&s);
            prop_assert!(!kept.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_or_invisible(c)));
        }
    }
}
