//! A form of typed fields over one record: text input that knows display
//! width (tui-input), validation as you type with the error beside the
//! field, and nothing typed ever dropped by a failed save.

use chrono::{Days, NaiveDate};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use kam_rules::{Lang, Money};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use tui_input::backend::crossterm::to_input_request;
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{column_label, T};

/// What a field holds, which decides how it is typed and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A date: `2026-11-22`, `today`/`今天`, `+3d`, `-1d`.
    Date,
    /// Money as people type it: `50000`, `5万`.
    Amount,
    /// One of a list: (stored key, label). Left/Right or Space cycles.
    Choice(Vec<(String, String)>),
    /// Yes/no; Space toggles.
    Flag,
}

/// One field of a form.
#[derive(Clone, Debug)]
pub struct Field {
    pub column: &'static str,
    pub kind: Kind,
    pub input: Input,
    pub error: Option<String>,
    pub required: bool,
}

/// What a key did to the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Nothing,
    Save,
    Cancel,
}

/// A form in progress.
#[derive(Clone, Debug)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub dirty: bool,
    /// A message for the whole form (a failed save's reason).
    pub message: Option<String>,
    /// Asking whether to drop the changes (after `Esc` on a changed form).
    pub confirm_drop: bool,
    today: NaiveDate,
}

impl Form {
    pub fn new(title: String, today: NaiveDate) -> Self {
        Self { title, fields: Vec::new(), focus: 0, dirty: false, message: None, confirm_drop: false, today }
    }

    /// Adds a field with its current value (as [`crate::store::record_cells`] gives it).
    pub fn field(mut self, column: &'static str, kind: Kind, value: &str) -> Self {
        let shown = match &kind {
            Kind::Flag => if value == "1" { "1" } else { "0" }.to_string(),
            _ => value.to_string(),
        };
        self.fields.push(Field { column, kind, input: Input::new(shown), error: None, required: false });
        self
    }

    /// Marks the last field added as required.
    pub fn required(mut self) -> Self {
        if let Some(f) = self.fields.last_mut() {
            f.required = true;
        }
        self
    }

    /// The value of a column as typed.
    pub fn value(&self, column: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.column == column).map(|f| f.input.value())
    }

    /// Handles a key (or a paste). Typing validates the field at once.
    pub fn handle(&mut self, event: &Event, lang: Lang) -> Outcome {
        if let Event::Paste(text) = event {
            if let Some(f) = self.fields.get_mut(self.focus) {
                for c in text.chars().filter(|c| !c.is_control()) {
                    f.input.handle(tui_input::InputRequest::InsertChar(c));
                }
                self.dirty = true;
                self.check(self.focus, lang);
            }
            return Outcome::Nothing;
        }
        let Event::Key(key) = event else { return Outcome::Nothing };
        if self.confirm_drop {
            self.confirm_drop = false;
            return match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => Outcome::Cancel,
                _ => Outcome::Nothing,
            };
        }
        match (key.code, key.modifiers) {
            (KeyCode::Char('s'), KeyModifiers::CONTROL) => return Outcome::Save,
            (KeyCode::Esc, _) => {
                if self.dirty {
                    self.confirm_drop = true;
                    return Outcome::Nothing;
                }
                return Outcome::Cancel;
            }
            (KeyCode::Tab | KeyCode::Down | KeyCode::Enter, _) => self.move_focus(1),
            (KeyCode::BackTab | KeyCode::Up, _) => self.move_focus(-1),
            _ => self.edit(key, event, lang),
        }
        Outcome::Nothing
    }

    fn move_focus(&mut self, by: isize) {
        let n = self.fields.len().max(1) as isize;
        self.focus = ((self.focus as isize + by).rem_euclid(n)) as usize;
    }

    fn edit(&mut self, key: &KeyEvent, event: &Event, lang: Lang) {
        let i = self.focus;
        let Some(f) = self.fields.get_mut(i) else { return };
        match &f.kind {
            Kind::Choice(options) => {
                let pos = options.iter().position(|(k, _)| k == f.input.value());
                let n = options.len();
                let next = match key.code {
                    KeyCode::Right | KeyCode::Char(' ') => Some(pos.map_or(0, |p| (p + 1) % n)),
                    KeyCode::Left => Some(pos.map_or(n.saturating_sub(1), |p| (p + n - 1) % n)),
                    KeyCode::Backspace | KeyCode::Delete => None,
                    KeyCode::Char(c) if c.is_ascii_digit() && c != '0' => {
                        let k = c as usize - '1' as usize;
                        if k < n {
                            Some(k)
                        } else {
                            return;
                        }
                    }
                    _ => return,
                };
                let value = next.and_then(|k| options.get(k)).map(|(k, _)| k.clone()).unwrap_or_default();
                f.input = Input::new(value);
            }
            Kind::Flag => {
                if matches!(key.code, KeyCode::Char(' ' | 'y' | 'n' | '1' | '0')) {
                    let on = match key.code {
                        KeyCode::Char('y' | '1') => true,
                        KeyCode::Char('n' | '0') => false,
                        _ => f.input.value() != "1",
                    };
                    f.input = Input::new(if on { "1" } else { "0" }.into());
                } else {
                    return;
                }
            }
            _ => {
                let Some(req) = to_input_request(event) else { return };
                if f.input.handle(req).is_none() {
                    return;
                }
            }
        }
        self.dirty = true;
        self.check(i, lang);
    }

    /// Checks one field as typed; the error shows beside it.
    fn check(&mut self, i: usize, lang: Lang) {
        let today = self.today;
        let Some(f) = self.fields.get_mut(i) else { return };
        let v = f.input.value().trim();
        f.error = if v.is_empty() {
            f.required.then(|| T::FieldRequired.get(lang).to_string())
        } else {
            match f.kind {
                Kind::Date => resolve_date(v, today).is_none().then(|| T::FieldBadDate.get(lang).to_string()),
                Kind::Amount => Money::parse(v).err().map(|e| e.to_string()),
                _ => None,
            }
        };
    }

    /// Checks every field; true when none has an error.
    pub fn check_all(&mut self, lang: Lang) -> bool {
        for i in 0..self.fields.len() {
            self.check(i, lang);
        }
        self.fields.iter().all(|f| f.error.is_none())
    }

    /// The fields as cells for [`crate::store::overlay_cells`]: dates resolved.
    pub fn cells(&self) -> Vec<(&'static str, String)> {
        self.fields
            .iter()
            .map(|f| {
                let v = f.input.value().trim();
                let text = match f.kind {
                    Kind::Date => resolve_date(v, self.today).map_or_else(|| v.to_string(), |d| d.to_string()),
                    _ => v.to_string(),
                };
                (f.column, text)
            })
            .collect()
    }

    /// Puts a save's errors beside their fields; an error of no shown field
    /// goes to the form's message.
    pub fn set_errors(&mut self, errors: Vec<(String, String)>) {
        for (column, message) in errors {
            match self.fields.iter_mut().find(|f| f.column == column) {
                Some(f) => f.error = Some(message),
                None => self.message = Some(if column.is_empty() { message } else { format!("{column}: {message}") }),
            }
        }
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    /// Draws the form in `area` as a popup; sets the cursor in the focused field.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, lang: Lang) {
        frame.render_widget(Clear, area);
        let block = Block::default().borders(Borders::ALL).title(format!(" {} ", self.title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < 2 || inner.width < 10 {
            return;
        }
        let label_w =
            self.fields.iter().map(|f| column_label(f.column, lang).width()).max().unwrap_or(8).min(22) as u16 + 2;
        let footer = 2u16;
        let rows = inner.height.saturating_sub(footer) as usize;
        let first = self.focus.saturating_sub(rows.saturating_sub(1));
        for (row, (i, f)) in self.fields.iter().enumerate().skip(first).take(rows).enumerate() {
            let y = inner.y + row as u16;
            let focused = i == self.focus;
            let mark = if f.required { "*" } else { "" };
            let label = format!("{}{mark}", column_label(f.column, lang));
            let style = if focused { Style::default().add_modifier(Modifier::BOLD) } else { Style::default() };
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(label, style))),
                Rect { x: inner.x, y, width: label_w.min(inner.width), height: 1 },
            );
            let field_x = inner.x + label_w;
            let width = inner.width.saturating_sub(label_w);
            if width == 0 {
                continue;
            }
            let error_w = f.error.as_ref().map_or(0, |e| (e.width() as u16 + 2).min(width / 2));
            let input_w = width.saturating_sub(error_w).max(1);
            let (text, cursor) = Self::shown(f, lang, input_w as usize);
            let input_style = if focused { Style::default().bg(Color::DarkGray) } else { Style::default() };
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(text, input_style))),
                Rect { x: field_x, y, width: input_w, height: 1 },
            );
            if let Some(e) = &f.error {
                frame.render_widget(
                    Paragraph::new(Line::from(Span::styled(format!(" {e}"), Style::default().fg(Color::Red)))),
                    Rect { x: field_x + input_w, y, width: error_w, height: 1 },
                );
            }
            if focused {
                if let Some(c) = cursor {
                    frame.set_cursor_position((field_x + c.min(input_w.saturating_sub(1)), y));
                }
            }
        }
        let help = if self.confirm_drop {
            T::FormConfirmDrop.get(lang).to_string()
        } else if let Some(m) = &self.message {
            m.clone()
        } else {
            T::FormKeys.get(lang).to_string()
        };
        let style = if self.confirm_drop || self.message.is_some() {
            Style::default().fg(Color::Yellow)
        } else {
            Style::default().fg(Color::Gray)
        };
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(help, style))),
            Rect { x: inner.x, y: inner.y + inner.height - 1, width: inner.width, height: 1 },
        );
    }

    /// The text shown for a field and the cursor column within it.
    fn shown(f: &Field, lang: Lang, width: usize) -> (String, Option<u16>) {
        match &f.kind {
            Kind::Choice(options) => {
                let label = options.iter().find(|(k, _)| k == f.input.value()).map_or("—", |(_, l)| l.as_str());
                (format!("‹ {label} ›"), None)
            }
            Kind::Flag => ((if f.input.value() == "1" { T::Yes } else { T::No }).get(lang).to_string(), None),
            _ => {
                let scroll = f.input.visual_scroll(width.saturating_sub(1).max(1));
                let visible: String = skip_width(f.input.value(), scroll);
                let cursor = f.input.visual_cursor().saturating_sub(scroll);
                (visible, Some(cursor as u16))
            }
        }
    }
}

/// The text after its first `cols` display columns.
fn skip_width(s: &str, cols: usize) -> String {
    let mut w = 0;
    s.chars()
        .skip_while(|c| {
            let cw = unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            let skip = w < cols;
            w += cw;
            skip
        })
        .collect()
}

/// A date as typed: ISO, `today`/`今天`, `+3d`/`-2d`.
pub fn resolve_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "today" | "今天" => return Some(today),
        "yesterday" | "昨天" => return today.pred_opt(),
        "tomorrow" | "明天" => return today.succ_opt(),
        _ => {}
    }
    if let Some(n) = t.strip_prefix('+').and_then(|r| r.strip_suffix('d')).and_then(|n| n.parse::<u64>().ok()) {
        return today.checked_add_days(Days::new(n));
    }
    if let Some(n) = t.strip_prefix('-').and_then(|r| r.strip_suffix('d')).and_then(|n| n.parse::<u64>().ok()) {
        return today.checked_sub_days(Days::new(n));
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn dates_as_people_type_them() {
        assert_eq!(resolve_date("today", today()), Some(today()));
        assert_eq!(resolve_date("+3d", today()), NaiveDate::from_ymd_opt(2026, 11, 26));
        assert_eq!(resolve_date("-1d", today()), NaiveDate::from_ymd_opt(2026, 11, 22));
        assert_eq!(resolve_date("2026-02-30", today()), None);
    }

    #[test]
    fn typing_chinese_moves_the_cursor_by_display_width() {
        let mut f = Form::new("t".into(), today()).field("name", Kind::Text, "");
        for c in "杭州a".chars() {
            f.handle(&key(KeyCode::Char(c)), Lang::En);
        }
        assert_eq!(f.value("name"), Some("杭州a"));
        assert_eq!(f.fields[0].input.visual_cursor(), 5);
        assert!(f.dirty);
    }

    #[test]
    fn validation_as_you_type_and_nothing_lost_on_errors() {
        let mut f = Form::new("t".into(), today())
            .field("name", Kind::Text, "")
            .required()
            .field("credit_limit", Kind::Amount, "")
            .field("birth_date", Kind::Date, "");
        f.handle(&key(KeyCode::Tab), Lang::En);
        for c in "5x".chars() {
            f.handle(&key(KeyCode::Char(c)), Lang::En);
        }
        assert!(f.fields[1].error.is_some(), "bad amount flagged while typing");
        f.handle(&key(KeyCode::Backspace), Lang::En);
        f.handle(&key(KeyCode::Char('万')), Lang::En);
        assert_eq!(f.fields[1].error, None);
        assert!(!f.check_all(Lang::En), "name is required");
        f.set_errors(vec![("name".into(), "taken".into())]);
        assert_eq!(f.focus, 0);
        assert_eq!(f.value("credit_limit"), Some("5万"), "typed text kept");
        assert_eq!(f.handle(&key(KeyCode::Esc), Lang::En), Outcome::Nothing, "asks before dropping");
        assert!(f.confirm_drop);
        assert_eq!(f.handle(&key(KeyCode::Char('n')), Lang::En), Outcome::Nothing);
        assert_eq!(f.value("credit_limit"), Some("5万"));
    }

    #[test]
    fn choices_cycle_and_flags_toggle() {
        let opts = vec![("a".to_string(), "A".to_string()), ("b".to_string(), "B".to_string())];
        let mut f = Form::new("t".into(), today()).field("x", Kind::Choice(opts), "").field("listed", Kind::Flag, "0");
        f.handle(&key(KeyCode::Char(' ')), Lang::En);
        assert_eq!(f.value("x"), Some("a"));
        f.handle(&key(KeyCode::Char('2')), Lang::En);
        assert_eq!(f.value("x"), Some("b"));
        f.handle(&key(KeyCode::Tab), Lang::En);
        f.handle(&key(KeyCode::Char(' ')), Lang::En);
        assert_eq!(f.value("listed"), Some("1"));
    }
}
