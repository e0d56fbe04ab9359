//! Text measured and cut in terminal cells: by grapheme cluster (a flag or
//! a joined emoji is never split), Chinese counting two cells. Shared by
//! the workbench's drawing and the commands' aligned output.

/// `s` in at most `w` cells: whole when it fits, else cut with `…` as
/// its last cell (not padded).
pub fn fit_ellipsis(s: &str, w: usize) -> String {
    if cut_width(s) <= w {
        return s.to_string();
    }
    let mut out = cut(s, w.saturating_sub(1)).trim_end_matches(' ').to_string();
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
/// a joined emoji is never split) with `…` as its last cell, so a cut
/// never looks like the whole text, padded with spaces.
pub fn fit(s: &str, w: usize) -> String {
    if w < 2 || cut_width(s) <= w {
        return cut(s, w);
    }
    let out = fit_ellipsis(s, w);
    let used = cut_width(&out);
    out + &" ".repeat(w.saturating_sub(used))
}

/// The cells `s` takes, by grapheme cluster as [`fit`] counts them.
fn cut_width(s: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    s.graphemes(true).map(cells).sum()
}

/// `s` cut to at most `w` cells at a grapheme cluster, padded to `w`.
fn cut(s: &str, w: usize) -> String {
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

/// Text broken into lines of at most `width` cells the way people read it:
/// Latin words whole, broken at spaces (the space a break falls on is
/// dropped); Chinese between any two characters, since a Chinese line has
/// no spaces, but never with a closing mark (,。、)…) at the start of a
/// line; a word wider than a whole line cut by grapheme cluster. The text
/// comes as pieces with a style each (`S`, kept on every piece of the
/// lines); a blank text is one empty line.
pub fn wrap_pieces<S: Clone + PartialEq>(pieces: &[(&str, S)], width: usize) -> Vec<Vec<(String, S)>> {
    use unicode_segmentation::UnicodeSegmentation;
    let width = width.max(1);
    // Atoms: what is never broken (a word, a Chinese character with the
    // closing marks after it) and the spaces between them.
    let mut atoms: Vec<(String, S, usize, bool)> = Vec::new();
    for (text, style) in pieces {
        let mut word = String::new();
        let mut word_w = 0;
        let flush = |atoms: &mut Vec<(String, S, usize, bool)>, word: &mut String, word_w: &mut usize| {
            if !word.is_empty() {
                atoms.push((std::mem::take(word), style.clone(), *word_w, false));
                *word_w = 0;
            }
        };
        for g in text.graphemes(true) {
            let w = cells(g);
            if g.chars().all(char::is_whitespace) {
                flush(&mut atoms, &mut word, &mut word_w);
                atoms.push((g.to_string(), style.clone(), w, true));
            } else if closing_mark(g) {
                // Kept with what it closes: a line never starts with it.
                word.push_str(g);
                word_w += w;
                if word_w == w {
                    if let Some(last) = atoms.last_mut().filter(|a| !a.3 && a.1 == *style) {
                        last.0.push_str(g);
                        last.2 += w;
                        word.clear();
                        word_w = 0;
                    }
                }
            } else if w >= 2 {
                flush(&mut atoms, &mut word, &mut word_w);
                word.push_str(g);
                word_w = w;
            } else {
                if word_w >= 2 && word.graphemes(true).all(|c| cells(c) >= 2 || closing_mark(c)) {
                    flush(&mut atoms, &mut word, &mut word_w);
                }
                word.push_str(g);
                word_w += w;
            }
        }
        flush(&mut atoms, &mut word, &mut word_w);
    }
    let mut lines: Vec<Vec<(String, S)>> = Vec::new();
    let mut line: Vec<(String, S)> = Vec::new();
    let mut used = 0;
    let push = |line: &mut Vec<(String, S)>, text: &str, style: &S| match line.last_mut() {
        Some((t, s)) if s == style => t.push_str(text),
        _ => line.push((text.to_string(), style.clone())),
    };
    let end_line = |lines: &mut Vec<Vec<(String, S)>>, line: &mut Vec<(String, S)>| {
        while let Some((t, _)) = line.last_mut() {
            let kept = t.trim_end_matches(char::is_whitespace).len();
            t.truncate(kept);
            if t.is_empty() {
                line.pop();
            } else {
                break;
            }
        }
        lines.push(std::mem::take(line));
    };
    for (text, style, w, space) in &atoms {
        if *space {
            if used == 0 && !lines.is_empty() {
                continue;
            }
            if used + w > width {
                end_line(&mut lines, &mut line);
                used = 0;
                continue;
            }
        } else if used + w > width && used > 0 {
            end_line(&mut lines, &mut line);
            used = 0;
        }
        if *w <= width - used {
            push(&mut line, text, style);
            used += w;
            continue;
        }
        // Wider than a whole line: cut where the line ends.
        for g in text.graphemes(true) {
            let gw = cells(g);
            if used + gw > width && used > 0 {
                end_line(&mut lines, &mut line);
                used = 0;
            }
            push(&mut line, g, style);
            used += gw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        end_line(&mut lines, &mut line);
    }
    lines
}

/// A mark that closes what comes before it and must not begin a line.
fn closing_mark(g: &str) -> bool {
    matches!(g, "," | "。" | "、" | ";" | ":" | "!" | "?" | ")" | "》" | "」" | "』" | "”" | "’" | "…" | "—")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str, width: usize) -> Vec<String> {
        wrap_pieces(&[(text, ())], width).into_iter().map(|l| l.into_iter().map(|(t, ())| t).collect()).collect()
    }

    #[test]
    fn latin_words_stay_whole_and_chinese_fills_each_line() {
        assert_eq!(wrapped("Came with her mother", 10), ["Came with", "her mother"]);
        assert_eq!(wrapped("certificate", 6), ["certif", "icate"], "a word wider than a line is cut");
        assert_eq!(wrapped("带母亲一起来很在意切工", 8), ["带母亲一", "起来很在", "意切工"]);
        assert_eq!(wrapped("想要 GIA certificate 看证书", 12), ["想要 GIA", "certificate", "看证书"]);
        assert_eq!(wrapped("很在意warranty条款", 10), ["很在意", "warranty条", "款"]);
        assert_eq!(wrapped("一起来,很在意", 6), ["一起", "来,很", "在意"], "a comma never starts a line");
        assert_eq!(wrapped("", 10), [""]);
        assert_eq!(wrapped("a  b", 1), ["a", "b"]);
    }

    #[test]
    fn styles_stay_with_their_text() {
        let lines = wrap_pieces(&[("Label: ", 1), ("one two three", 2)], 9);
        assert_eq!(lines[0], vec![("Label:".to_string(), 1)]);
        assert_eq!(lines[1], vec![("one two".to_string(), 2)]);
        assert_eq!(lines[2], vec![("three".to_string(), 2)]);
    }
}
