//! Text measured and cut in terminal cells: by grapheme cluster (a flag or
//! a joined emoji is never split), Chinese counting two cells. Shared by
//! the workbench's drawing and the commands' aligned output.

/// `s` in at most `w` cells: whole when it fits, else cut with `…` as
/// its last cell (not padded).
pub fn fit_ellipsis(s: &str, w: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if s.width() <= w {
        return s.to_string();
    }
    let mut out = fit(s, w.saturating_sub(1)).trim_end_matches(' ').to_string();
    out.push('…');
    out
}

/// The cells a grapheme cluster takes on screen: a control character none
/// (ratatui leaves it out), else its display width.
pub fn cells(g: &str) -> usize {
    if g.chars().all(char::is_control) {
        0
    } else {
        unicode_width::UnicodeWidthStr::width(g)
    }
}

/// `s` in exactly `w` display cells: cut at a grapheme cluster (a flag or
/// a joined emoji is never split), padded with spaces.
pub fn fit(s: &str, w: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let cw = cells(g);
        if used + cw > w {
            break;
        }
        out.push_str(g);
        used += cw;
    }
    out.extend(std::iter::repeat_n(' ', w - used));
    out
}

/// `s` padded with spaces to `width` display columns (Chinese counts two).
pub fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}
