//! Forms as a list of typed fields and a focus: each field validates itself
//! as the user types (required text, dates, amounts, choices from a list).

use chrono::{Days, NaiveDate, NaiveTime};
use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::{Lang, Money};

use super::input::{TextInput, TooLong};
use super::lines::{LinesKey, TextLines};
use crate::i18n::T;

/// What a field holds and how it is edited.
#[derive(Clone, Debug)]
pub enum FieldKind {
    Text,
    /// Several lines (notes, agendas, summaries): Enter breaks a line.
    Lines(Box<TextLines>),
    /// `2026-11-22`, `today` / `今天`, `+3d`, `-2d`.
    Date,
    /// `50000`, `50,000.00`, `5万`.
    Amount,
    /// `14:30`.
    Time,
    /// One of a list, cycled with ←/→ or Space: (key, label).
    Choice {
        options: Vec<(String, String)>,
        index: usize,
    },
}

/// Where a field of a repeated row sits: the table, the row, and the
/// table's short title for the label (`影响2 观点`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowTag {
    pub table: u8,
    pub row: usize,
    pub title: T,
}

/// One field of a form.
#[derive(Clone, Debug)]
pub struct Field {
    pub key: &'static str,
    /// Set on the fields of a repeated row (a table of the form).
    pub row: Option<RowTag>,
    pub label: T,
    pub kind: FieldKind,
    pub input: TextInput,
    pub initial: String,
    pub required: bool,
    pub error: Option<String>,
}

impl Field {
    pub fn text(key: impl Into<&'static str>, label: T, value: &str) -> Self {
        Self {
            key: key.into(),
            label,
            kind: FieldKind::Text,
            row: None,
            input: TextInput::new(value),
            initial: value.to_string(),
            required: false,
            error: None,
        }
    }

    /// A multi-line text field.
    pub fn lines(key: impl Into<&'static str>, label: T, value: &str) -> Self {
        Self { kind: FieldKind::Lines(Box::new(TextLines::new(value))), ..Self::text(key, label, value) }
    }

    /// Rows the field takes in a form.
    pub fn height(&self) -> u16 {
        if matches!(self.kind, FieldKind::Lines(_)) {
            LINES_HEIGHT
        } else {
            1
        }
    }

    pub fn date(key: impl Into<&'static str>, label: T, value: Option<NaiveDate>) -> Self {
        let v = value.map(|d| d.to_string()).unwrap_or_default();
        Self { kind: FieldKind::Date, ..Self::text(key, label, &v) }
    }

    pub fn time(key: impl Into<&'static str>, label: T, value: Option<NaiveTime>) -> Self {
        let v = value.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
        Self { kind: FieldKind::Time, ..Self::text(key, label, &v) }
    }

    /// A tick box: ☐ / ☑, toggled with Space or ←/→.
    pub fn check(key: impl Into<&'static str>, label: T, value: bool, lang: Lang) -> Self {
        let options = vec![
            ("0".to_string(), T::Unticked.get(lang).to_string()),
            ("1".to_string(), T::Ticked.get(lang).to_string()),
        ];
        Self::choice(key, label, options, Some(if value { "1" } else { "0" }.to_string()))
    }

    pub fn amount(key: impl Into<&'static str>, label: T, value: Option<Money>) -> Self {
        let v = value.map(Money::grouped).unwrap_or_default();
        Self { kind: FieldKind::Amount, ..Self::text(key, label, &v) }
    }

    pub fn choice(
        key: impl Into<&'static str>,
        label: T,
        options: Vec<(String, String)>,
        selected: Option<String>,
    ) -> Self {
        let index = selected.and_then(|s| options.iter().position(|(k, _)| *k == s)).unwrap_or(0);
        let initial = options.get(index).map(|(k, _)| k.clone()).unwrap_or_default();
        Self {
            key: key.into(),
            label,
            kind: FieldKind::Choice { options, index },
            row: None,
            input: TextInput::default(),
            initial,
            required: false,
            error: None,
        }
    }

    /// Puts the field in a repeated row.
    pub fn in_row(mut self, tag: RowTag) -> Self {
        self.row = Some(tag);
        self
    }

    /// Nothing typed or chosen (a choice at its first option).
    pub fn is_blank(&self) -> bool {
        match &self.kind {
            FieldKind::Choice { index, .. } => *index == 0,
            _ => self.value().trim().is_empty(),
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The value: the typed text, or a choice's key.
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, index } => options.get(*index).map(|(k, _)| k.clone()).unwrap_or_default(),
            FieldKind::Lines(t) => t.value(),
            _ => self.input.value().to_string(),
        }
    }

    /// What is shown: the typed text, or a choice's label.
    pub fn shown(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, index } => options.get(*index).map(|(_, l)| l.clone()).unwrap_or_default(),
            FieldKind::Lines(t) => t.value(),
            _ => self.input.value().to_string(),
        }
    }

    /// The most characters the field holds: what a save accepts for its key.
    pub fn max_chars(&self) -> usize {
        match &self.kind {
            FieldKind::Lines(_) => crate::model::NOTES_MAX,
            _ => crate::model::TextKind::of(self.key).max_chars(),
        }
    }

    /// Types `text` into the field at its cursor in one step (a choice
    /// ignores it); refused whole, the field as it was, when the field
    /// would hold more than [`Field::max_chars`].
    pub fn paste(&mut self, text: &str) -> Result<(), TooLong> {
        let max = self.max_chars();
        match &mut self.kind {
            FieldKind::Choice { .. } => Ok(()),
            FieldKind::Lines(t) => t.paste(text, max),
            _ => self.input.paste(text, max),
        }
    }

    fn validate(&mut self, lang: Lang, today: NaiveDate) {
        let v = self.value().trim().to_string();
        self.error = match &self.kind {
            FieldKind::Text | FieldKind::Lines(_) if self.required && v.is_empty() => {
                Some(T::Required.get(lang).to_string())
            }
            FieldKind::Date if !v.is_empty() && parse_date(&v, today).is_none() => Some(bad_date_text(&v, lang)),
            FieldKind::Amount if !v.is_empty() => Money::parse(&v).err().map(|e| e.message(lang)),
            FieldKind::Time if !v.is_empty() && parse_time(&v).is_none() => Some(T::BadTime.get(lang).to_string()),
            // The checks a save makes (length, a phone that reads as a
            // number), shown as the text is typed.
            FieldKind::Lines(_) if !v.is_empty() => {
                crate::model::check_length(self.key, "notes", &v).err().map(|e| e.message_in(lang).to_string())
            }
            FieldKind::Text if !v.is_empty() => {
                crate::model::check_text(self.key, self.key, &v).err().map(|e| e.message_in(lang).to_string())
            }
            _ => None,
        };
    }
}

/// Rows a multi-line field takes in a form.
pub const LINES_HEIGHT: u16 = 3;

/// A form: its title, fields and the focused field.
#[derive(Clone, Debug)]
pub struct Form {
    pub title: T,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A row was removed or added by hand: a change no field shows.
    pub rows_changed: bool,
    /// Where each table's rows sit, built in one pass on first use and
    /// dropped when rows are inserted, removed or moved, so per-row loops
    /// stay linear in the rows.
    rows: std::sync::OnceLock<RowIndex>,
}

/// The field range of every (table, row), and the row count of each table,
/// for a form of `len` fields.
#[derive(Clone, Debug, Default)]
struct RowIndex {
    len: usize,
    spans: std::collections::HashMap<(u8, usize), std::ops::Range<usize>>,
    counts: std::collections::HashMap<u8, usize>,
}

#[cfg(test)]
thread_local! {
    /// Fields visited looking for rows (the linearity tests count them).
    pub static ROW_SCANS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn scanned(n: usize) {
    #[cfg(test)]
    ROW_SCANS.with(|c| c.set(c.get() + n));
    let _ = n;
}

impl RowIndex {
    fn build(fields: &[Field]) -> Self {
        scanned(fields.len());
        let mut ix = Self { len: fields.len(), ..Self::default() };
        for (i, f) in fields.iter().enumerate() {
            let Some(t) = f.row else { continue };
            // The first contiguous run of a row is its span.
            match ix.spans.get_mut(&(t.table, t.row)) {
                Some(r) if r.end == i => r.end = i + 1,
                Some(_) => {}
                None => {
                    ix.spans.insert((t.table, t.row), i..i + 1);
                }
            }
            let c = ix.counts.entry(t.table).or_default();
            *c = (*c).max(t.row + 1);
        }
        ix
    }
}

impl Form {
    pub fn new(title: T, fields: Vec<Field>) -> Self {
        Self { title, fields, focus: 0, rows_changed: false, rows: std::sync::OnceLock::new() }
    }

    /// The row index, when it still describes `fields` (code that changes
    /// the fields by hand rather than through the row methods changes their
    /// number, and the index is then not used).
    fn row_index(&self) -> Option<&RowIndex> {
        let ix = self.rows.get_or_init(|| RowIndex::build(&self.fields));
        (ix.len == self.fields.len()).then_some(ix)
    }

    fn rows_moved(&mut self) {
        self.rows = std::sync::OnceLock::new();
    }

    pub fn has(&self, key: impl AsRef<str>) -> bool {
        let key = key.as_ref();
        self.fields.iter().any(|f| f.key == key)
    }

    /// A field's value. Asking for a field the form does not have is a bug
    /// (a misspelt key would blank the record's field on save): it fails
    /// every test that goes through the form, and reads "" in a release.
    pub fn text(&self, key: impl AsRef<str>) -> String {
        let key = key.as_ref();
        let found = self.fields.iter().find(|f| f.key == key && f.row.is_none());
        debug_assert!(found.is_some(), "form {:?} has no field {key:?}", self.title);
        found.map(Field::value).unwrap_or_default()
    }

    /// A date field's value, parsed (`today` and `+3d` relative to `today`).
    pub fn date(&self, key: impl AsRef<str>, today: NaiveDate) -> Option<NaiveDate> {
        parse_date(self.text(key).trim(), today)
    }

    pub fn changed(&self) -> bool {
        self.rows_changed || self.fields.iter().any(|f| f.value() != f.initial)
    }

    pub fn focus_step(&mut self, by: isize) {
        let n = self.fields.len().max(1) as isize;
        self.focus = ((self.focus as isize + by).rem_euclid(n)) as usize;
    }

    /// Applies a key to the focused field; `true` when it changed something.
    /// In a multi-line field Enter breaks the line and ↑/↓ move within the
    /// text, leaving it at the first and last line.
    pub fn edit_key(&mut self, key: KeyEvent) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        match &mut f.kind {
            FieldKind::Lines(t) => match t.handle_key(key) {
                LinesKey::Edited => true,
                LinesKey::Leave(by) => {
                    self.focus_step(by);
                    false
                }
                LinesKey::Ignored => false,
            },
            FieldKind::Choice { options, index } => {
                let n = options.len().max(1);
                match key.code {
                    KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % n,
                    KeyCode::Left => *index = (*index + n - 1) % n,
                    _ => return false,
                }
                true
            }
            _ => f.input.handle_key(key),
        }
    }

    /// Pastes into the focused field; a paste refused for its length puts
    /// the message beside the field. `true` when the text went in.
    pub fn paste(&mut self, text: &str, lang: Lang) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        match f.paste(text) {
            Ok(()) => true,
            Err(e) => {
                f.error = Some(e.message(lang));
                false
            }
        }
    }

    /// The fields of row `row` of table `table`: a contiguous run.
    pub fn row_span(&self, table: u8, row: usize) -> Option<std::ops::Range<usize>> {
        if let Some(ix) = self.row_index() {
            return ix.spans.get(&(table, row)).cloned();
        }
        scanned(self.fields.len());
        let at = |f: &Field| f.row.is_some_and(|t| t.table == table && t.row == row);
        let start = self.fields.iter().position(at)?;
        let len = self.fields[start..].iter().take_while(|f| at(f)).count();
        Some(start..start + len)
    }

    /// Rows table `table` has in the form.
    pub fn row_count(&self, table: u8) -> usize {
        if let Some(ix) = self.row_index() {
            return ix.counts.get(&table).copied().unwrap_or(0);
        }
        scanned(self.fields.len());
        self.fields.iter().filter_map(|f| f.row).filter(|t| t.table == table).map(|t| t.row + 1).max().unwrap_or(0)
    }

    /// Whether every field of a row is blank.
    pub fn is_blank_row(&self, table: u8, row: usize) -> bool {
        self.row_span(table, row).is_none_or(|r| self.fields[r].iter().all(Field::is_blank))
    }

    /// The value of column `key` in a row ("" when the row has none). The
    /// key is typed ([`super::keys::F`]): a misspelt column does not compile.
    pub fn cell(&self, table: u8, row: usize, key: super::keys::F) -> String {
        let key = key.key();
        self.row_span(table, row)
            .and_then(|r| self.fields[r].iter().find(|f| f.key == key).map(Field::value))
            .unwrap_or_default()
    }

    /// Inserts `fields` (tagged for row `at`) as row `at` of a table whose
    /// rows are placed from field position `start` on when it has none;
    /// later rows are renumbered.
    pub fn insert_row(&mut self, table: u8, at: usize, start: usize, fields: Vec<Field>) {
        let pos = match (self.row_span(table, at), at.checked_sub(1).and_then(|p| self.row_span(table, p))) {
            (Some(r), _) => r.start,
            (None, Some(prev)) => prev.end,
            (None, None) => start.min(self.fields.len()),
        };
        for f in &mut self.fields {
            if let Some(t) = f.row.as_mut().filter(|t| t.table == table && t.row >= at) {
                t.row += 1;
            }
        }
        let n = fields.len();
        self.fields.splice(pos..pos, fields);
        self.rows_moved();
        if self.focus >= pos {
            self.focus += n;
        }
    }

    /// Removes row `row` of a table; later rows are renumbered and the
    /// focus stays on the same column of the row that takes its place.
    pub fn remove_row(&mut self, table: u8, row: usize) {
        let Some(span) = self.row_span(table, row) else { return };
        let n = span.len();
        let start = span.start;
        self.fields.drain(span);
        self.rows_moved();
        for f in &mut self.fields {
            if let Some(t) = f.row.as_mut().filter(|t| t.table == table && t.row > row) {
                t.row -= 1;
            }
        }
        if self.focus >= start + n {
            self.focus -= n;
        }
        self.focus = self.focus.min(self.fields.len().saturating_sub(1));
    }

    /// Swaps row `row` with the one `by` (±1) away; the focus moves with
    /// it. `false` when there is no such row.
    pub fn move_row(&mut self, table: u8, row: usize, by: isize) -> bool {
        let Some(other) = row.checked_add_signed(by) else { return false };
        let (Some(a), Some(b)) = (self.row_span(table, row), self.row_span(table, other)) else { return false };
        let (first, second) = if a.start < b.start { (a.clone(), b) } else { (b, a.clone()) };
        let offset = self.focus.checked_sub(a.start).filter(|o| *o < a.len());
        let mut block: Vec<Field> = self.fields.drain(first.start..second.end).collect();
        let tail = block.split_off(first.len());
        let (head_rows, tail_rows) = (block, tail);
        let mut merged = tail_rows;
        merged.extend(head_rows);
        for f in &mut merged {
            if let Some(t) = f.row.as_mut() {
                t.row = if t.row == row { other } else { row };
            }
        }
        self.fields.splice(first.start..first.start, merged);
        self.rows_moved();
        if let (Some(o), Some(moved)) = (offset, self.row_span(table, other)) {
            self.focus = moved.start + o;
        }
        true
    }

    /// Puts `value` in the field `key` as if typed (a choice takes the
    /// option with that key); the field still counts as changed.
    pub fn set_value(&mut self, key: impl AsRef<str>, value: &str) {
        let key = key.as_ref();
        let Some(f) = self.fields.iter_mut().find(|f| f.key == key && f.row.is_none()) else { return };
        match &mut f.kind {
            FieldKind::Choice { options, index } => {
                if let Some(i) = options.iter().position(|(k, _)| k == value) {
                    *index = i;
                }
            }
            FieldKind::Lines(t) => **t = TextLines::new(value),
            _ => f.input = TextInput::new(value),
        }
    }

    /// Puts `value` in column `key` of a row, as [`Form::set_value`] does.
    pub fn set_cell(&mut self, table: u8, row: usize, key: &str, value: &str) {
        let Some(span) = self.row_span(table, row) else { return };
        let Some(f) = self.fields[span].iter_mut().find(|f| f.key == key) else { return };
        match &mut f.kind {
            FieldKind::Choice { options, index } => {
                if let Some(i) = options.iter().position(|(k, _)| k == value) {
                    *index = i;
                }
            }
            FieldKind::Lines(t) => **t = TextLines::new(value),
            _ => f.input = TextInput::new(value),
        }
    }

    /// Whether the focused field takes Enter and ↑/↓ itself.
    pub fn focus_is_lines(&self) -> bool {
        self.fields.get(self.focus).is_some_and(|f| matches!(f.kind, FieldKind::Lines(_)))
    }

    pub fn validate_all(&mut self, lang: Lang, today: NaiveDate) {
        for f in &mut self.fields {
            f.validate(lang, today);
        }
    }

    pub fn first_error(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.error.is_some())
    }

    /// The first field in error and the form's foot line for it, naming
    /// the field as its label reads (`回款2 金额: …`), and how many more
    /// fields are in error: the cursor goes there, and the user reads
    /// what to fix without looking for red.
    pub fn error_line(&self, lang: Lang) -> Option<(usize, String)> {
        let i = self.first_error()?;
        let f = &self.fields[i];
        let name = match f.row {
            Some(tag) => format!("{}{} {}", tag.title.get(lang), tag.row + 1, f.label.get(lang)),
            None => f.label.get(lang).to_string(),
        };
        let error = f.error.clone().unwrap_or_default();
        let mut line = T::VipFieldError.fill(lang, &[("field", &name), ("error", &error)]);
        let more = self.fields.iter().filter(|f| f.error.is_some()).count() - 1;
        if more > 0 {
            line.push_str(&T::MoreFieldErrors.fill(lang, &[("n", &more.to_string())]));
        }
        Some((i, line))
    }

    /// Puts a message next to a field (by key; the store's field names match).
    pub fn set_error(&mut self, key: impl AsRef<str>, message: &str) {
        let key = key.as_ref();
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.error = Some(message.to_string());
        }
    }

    /// A record's validation error shown at the field `key` in `lang`;
    /// the line for the form's foot, naming the field by its label.
    pub fn invalid(&mut self, key: &str, e: &crate::model::ModelError, lang: kam_rules::Lang) -> String {
        let message = e.message_in(lang);
        self.set_error(key, message);
        // The cursor goes to the field to fix, as for the form's own checks.
        if let Some(i) = self.fields.iter().position(|f| f.key == key && f.row.is_none()) {
            self.focus = i;
        }
        let name = self.fields.iter().find(|f| f.key == key).map_or(e.field.as_str(), |f| f.label.get(lang));
        format!("{name}: {message}")
    }
}

/// Reads a time of day: `14:30`, `9:05`.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// Reads a date as people type it: ISO, `today`/`今天`, `+3d`/`-2d`.
pub fn parse_date(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    let s = s.trim();
    let lower = s.to_lowercase();
    let days = |n: i64| today.checked_add_signed(chrono::Duration::days(n));
    match lower.as_str() {
        "today" | "今天" | "今日" => return Some(today),
        "tomorrow" | "明天" | "明日" => return days(1),
        "后天" => return days(2),
        "yesterday" | "昨天" | "昨日" => return days(-1),
        "前天" => return days(-2),
        _ => {}
    }
    if let Some(rest) = s.strip_suffix('d').or_else(|| s.strip_suffix('天')) {
        if let Some(n) = rest.strip_prefix('+') {
            return n.parse::<u64>().ok().and_then(|n| today.checked_add_days(Days::new(n)));
        }
        if let Some(n) = rest.strip_prefix('-') {
            return n.parse::<u64>().ok().and_then(|n| today.checked_sub_days(Days::new(n)));
        }
    }
    // 3天后 / 3天前, in 3 days / 3 days ago.
    for (suffix, sign) in
        [("天后", 1), ("天以后", 1), ("天前", -1), ("天以前", -1), (" days ago", -1), (" day ago", -1)]
    {
        if let Some(n) = lower.strip_suffix(suffix).and_then(|n| n.trim().parse::<i64>().ok()) {
            return days(sign * n);
        }
    }
    if let Some(n) = lower.strip_prefix("in ").and_then(|r| r.strip_suffix(" days").or_else(|| r.strip_suffix(" day")))
    {
        return n.trim().parse::<i64>().ok().and_then(days);
    }
    // 下周一, 周五 / 星期五 (this week's), next monday, friday.
    if let Some(d) = weekday_phrase(&lower, today) {
        return Some(d);
    }
    crate::model::parse_day(s).ok()
}

/// Why a date does not read: a day the month does not have, said so
/// (`2026-02-30`), else the ways a date can be written.
fn bad_date_text(v: &str, lang: Lang) -> String {
    use crate::model::DayError;
    // Written as a date but not one: say why (month 13, 2026-02-30: February
    // 2026 has 28 days); anything else gets the forms a date may take.
    match crate::model::read_day(v) {
        Err(e @ (DayError::NoMonth { .. } | DayError::NoSuchDay { .. } | DayError::YearDigits { .. })) => {
            e.message(lang)
        }
        _ => T::BadDate.get(lang).to_string(),
    }
}

/// A day of a week as people say it: `周五`/`星期五`/`friday` this week,
/// `下周一`/`next monday` the week after (weeks start on Monday).
fn weekday_phrase(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    use chrono::{Datelike, Weekday};
    let (next, day) = if let Some(r) = s.strip_prefix("下周").or_else(|| s.strip_prefix("下星期")) {
        (true, r)
    } else if let Some(r) = s.strip_prefix("next ") {
        (true, r)
    } else if let Some(r) = s.strip_prefix("本周").or_else(|| s.strip_prefix("这周")).or_else(|| s.strip_prefix("周"))
    {
        (false, r)
    } else if let Some(r) = s.strip_prefix("星期").or_else(|| s.strip_prefix("this ")) {
        (false, r)
    } else {
        (false, s)
    };
    let wd = match day.trim() {
        "一" | "monday" | "mon" => Weekday::Mon,
        "二" | "tuesday" | "tue" => Weekday::Tue,
        "三" | "wednesday" | "wed" => Weekday::Wed,
        "四" | "thursday" | "thu" => Weekday::Thu,
        "五" | "friday" | "fri" => Weekday::Fri,
        "六" | "saturday" | "sat" => Weekday::Sat,
        "日" | "天" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    };
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let week = if next { monday + chrono::Duration::days(7) } else { monday };
    Some(week + chrono::Duration::days(i64::from(wd.num_days_from_monday())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::keys::F;

    /// Fields visited reading every row of a table of `n` rows the way the
    /// plan editor's collect and refresh do, then adding and removing a row.
    fn scans_for(n: usize) -> usize {
        let mut fields = vec![Field::text("title", T::FPersonName, "x")];
        for row in 0..n {
            let tag = RowTag { table: 1, row, title: T::FPersonName };
            fields.push(Field::text(F::Name, T::FPersonName, &row.to_string()).in_row(tag));
            fields.push(Field::text(F::Title, T::FPersonName, "").in_row(tag));
        }
        let mut form = Form::new(T::FPersonName, fields);
        ROW_SCANS.with(|c| c.set(0));
        let rows = form.row_count(1);
        assert_eq!(rows, n);
        for r in 0..rows {
            assert_eq!(form.cell(1, r, F::Name), r.to_string());
            assert!(!form.is_blank_row(1, r));
        }
        let tag = RowTag { table: 1, row: n, title: T::FPersonName };
        form.insert_row(1, n, form.fields.len(), vec![Field::text(F::Name, T::FPersonName, "").in_row(tag)]);
        assert!(form.is_blank_row(1, n));
        assert_eq!(form.row_count(1), n + 1);
        form.remove_row(1, 0);
        assert_eq!(form.cell(1, 0, F::Name), "1");
        ROW_SCANS.with(std::cell::Cell::get)
    }

    #[test]
    fn reading_and_changing_rows_is_linear_in_the_rows() {
        let (small, large) = (scans_for(200), scans_for(800));
        // Linear: about 4 times the fields for 4 times the rows; a scan per
        // row (quadratic) would be 16 times.
        assert!(large <= 5 * small, "200 rows: {small} fields scanned, 800 rows: {large}");
    }

    #[test]
    fn dates_as_people_type_them() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert_eq!(parse_date("2026-11-22", today), NaiveDate::from_ymd_opt(2026, 11, 22));
        assert_eq!(parse_date("today", today), Some(today));
        assert_eq!(parse_date("+3d", today), NaiveDate::from_ymd_opt(2026, 11, 26));
        assert_eq!(parse_date("-23d", today), NaiveDate::from_ymd_opt(2026, 10, 31));
        assert_eq!(parse_date("2026-13-01", today), None);
        // As people say them (2026-11-23 is a Monday).
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        for (said, day) in [
            ("明天", "2026-11-24"),
            ("tomorrow", "2026-11-24"),
            ("后天", "2026-11-25"),
            ("昨天", "2026-11-22"),
            ("3天后", "2026-11-26"),
            ("3 天前", "2026-11-20"),
            ("in 10 days", "2026-12-03"),
            ("2 days ago", "2026-11-21"),
            ("下周一", "2026-11-30"),
            ("下星期日", "2026-12-06"),
            ("next Friday", "2026-12-04"),
            ("周五", "2026-11-27"),
            ("星期一", "2026-11-23"),
            ("friday", "2026-11-27"),
        ] {
            assert_eq!(parse_date(said, today), Some(d(day)), "{said}");
        }
        assert_eq!(parse_date("下周八", today), None);
        assert_eq!(bad_date_text("2026-02-30", Lang::Zh), "“2026-02-30”不是日期:2026 年 2 月只有 28 天");
        assert_eq!(
            bad_date_text("2026-02-30", Lang::En),
            "'2026-02-30' is not a date: there is no such day (February 2026 has 28 days)"
        );
        assert!(
            bad_date_text("2026-13-01", Lang::Zh).contains("没有 13 月"),
            "{}",
            bad_date_text("2026-13-01", Lang::Zh)
        );
        assert!(bad_date_text("soon", Lang::En).contains("tomorrow"));
        assert_eq!(parse_date("soon", today), None);
    }

    fn row(table: u8, row: usize, value: &str) -> Vec<Field> {
        let tag = RowTag { table, row, title: T::FName };
        vec![Field::text(F::Name, T::FName, value).in_row(tag), Field::text(F::Title, T::FName, "").in_row(tag)]
    }

    #[test]
    fn rows_insert_remove_and_move_with_the_focus() {
        let mut f = Form::new(T::NewAccount, vec![Field::text("x", T::FName, "head")]);
        f.insert_row(0, 0, 1, row(0, 0, "one"));
        f.insert_row(0, 1, 1, row(0, 1, "two"));
        f.insert_row(0, 2, 1, row(0, 2, ""));
        f.fields.push(Field::text("y", T::FName, "tail"));
        assert_eq!(f.row_count(0), 3);
        assert!(f.is_blank_row(0, 2) && !f.is_blank_row(0, 0));
        f.focus = 4; // row 1, column b
        assert!(f.move_row(0, 1, -1));
        assert_eq!((f.cell(0, 0, F::Name), f.cell(0, 1, F::Name)), ("two".into(), "one".into()));
        assert_eq!(f.focus, 2, "focus moved with the row to row 0, column b");
        assert!(!f.move_row(0, 0, -1), "nothing above the first row");
        f.insert_row(0, 1, 1, row(0, 1, "mid"));
        assert_eq!(f.focus, 2, "a row inserted below leaves the focus");
        assert_eq!(f.cell(0, 2, F::Name), "one", "later rows renumbered");
        f.remove_row(0, 0);
        assert_eq!(f.cell(0, 0, F::Name), "mid");
        assert_eq!(f.row_count(0), 3);
        assert_eq!(f.fields.last().map(Field::value).as_deref(), Some("tail"));
        assert_eq!(f.fields[0].value(), "head");
    }

    #[test]
    fn validation_as_you_type() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let mut f = Form::new(
            T::NewAccount,
            vec![
                Field::text("name", T::FName, "").required(),
                Field::date("d", T::FBirthDate, None),
                Field::amount("m", T::FCreditLimit, None),
            ],
        );
        f.validate_all(Lang::En, today);
        assert_eq!(f.first_error(), Some(0));
        f.fields[0].input.paste("杭州", 200).expect("fits");
        f.fields[1].input.paste("2026-02-30", 200).expect("fits");
        f.fields[2].input.paste("5万", 200).expect("fits");
        f.validate_all(Lang::En, today);
        assert_eq!(f.first_error(), Some(1));
        assert!(f.fields[2].error.is_none(), "5万 is an amount");
        assert!(f.changed());
        // A phone that is no number and a name past its limit, as typed.
        let mut f = Form::new(
            T::NewAccount,
            vec![Field::text("phone", T::FPhone, ""), Field::text("name", T::FName, &"长".repeat(201))],
        );
        f.fields[0].input.paste("n/a", 200).expect("fits");
        f.validate_all(Lang::Zh, today);
        assert!(f.fields[0].error.as_deref().is_some_and(|e| e.contains("不是电话号码")), "{:?}", f.fields[0].error);
        assert!(f.fields[1].error.as_deref().is_some_and(|e| e.contains("200")), "{:?}", f.fields[1].error);
        f.fields[0].input.clear();
        f.fields[0].input.paste("138 0013 8000", 200).expect("fits");
        f.validate_all(Lang::Zh, today);
        assert!(f.fields[0].error.is_none());
    }
}
