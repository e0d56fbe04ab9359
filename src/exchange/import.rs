//! Loading spreadsheets (DESIGN §5): accounts and contacts from a CSV that
//! uses English or Chinese headers, or a subset of them; and merging a
//! day-end export folder from another laptop.
//!
//! Every row is read and checked before anything is written; a file with a
//! bad row changes nothing unless `--skip-bad` asks for the good rows.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use kam_rules::dedupe;
use serde::Serialize;

use super::csv_out::{write_csv, AtomicFile, Cell};
use super::progress::OnProgress;
use super::scan;
use super::text::{DecodeError, Encoding, GbkReader};
use crate::i18n::{column_zh, column_zh_in, T};
use crate::model::{
    Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Order, Presentation, Target, VipCard, Visit,
};
use crate::store::{
    attach_children, export_layouts, overlay_cells, record_from_cells, validated, AccountKeys, CellError, Deletion,
    FieldClock, FieldConflict, ImportOp, MergeOutcome, MergeScratch, MergeThen, NewChild, NewRef, Record, RecordKind,
    Ref, SheetScratch, Store, StoreError, TableLayout, Unsent, CLOCK_COLUMNS, DELETED_HERE, DELETED_THERE,
    DELETION_COLUMNS, SCHEMA_VERSION,
};

/// The kinds a spreadsheet can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    Accounts,
    Contacts,
}

impl SheetKind {
    /// The kind from a file name such as `accounts.csv`, `contacts-2026.csv`,
    /// `客户.csv` or `联系人.csv`.
    pub fn from_file_name(path: &Path) -> Option<Self> {
        let stem = path.file_stem()?.to_string_lossy().to_lowercase();
        if stem.starts_with("account") || stem.contains("客户") {
            Some(Self::Accounts)
        } else if stem.starts_with("contact") || stem.contains("联系人") {
            Some(Self::Contacts)
        } else {
            None
        }
    }

    fn table(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Contacts => "contacts",
        }
    }
}

/// Headers people use in their own spreadsheets, beside kam's own.
const ALIASES: &[(&str, &str)] = &[
    ("客户名称", "name"),
    ("公司名称", "name"),
    ("企业名称", "name"),
    ("姓名", "name"),
    ("联系电话", "phone"),
    ("手机", "phone"),
    ("手机号", "phone"),
    ("电话号码", "phone"),
    ("邮箱", "email"),
    ("职务", "title"),
    ("生日", "birth_date"),
    ("所属行业", "industry"),
    ("区域", "region"),
    ("客户经理", "owner"),
    ("company name", "name"),
    ("mobile", "phone"),
    ("tel", "phone"),
];

/// Headers that name a contact's account (by id or by name).
const ACCOUNT_LINK: &[&str] = &["account", "account_name", "客户", "所属客户", "客户ID", "account_id", "客户名称"];

/// What an import found, row by row.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub kind: Option<SheetKind>,
    pub encoding: String,
    pub rows: usize,
    pub new: usize,
    pub updated: usize,
    pub duplicate: usize,
    pub rejected: usize,
    /// Headers not used, reported so a typo is seen.
    pub ignored_columns: Vec<String>,
    /// The first [`REPORTED_ROWS`] rejected rows with their problems (row
    /// numbers count the header as row 1); `rejected` counts them all.
    pub rejects: Vec<Reject>,
    /// The first [`REPORTED_ROWS`] duplicate rows with the record each
    /// matched; `duplicate` and `updated` count them all.
    pub duplicates: Vec<Duplicate>,
    /// Where rejects were written, with `--skip-bad`.
    pub rejects_file: Option<PathBuf>,
    pub written: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reject {
    pub row: usize,
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub column: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Duplicate {
    pub row: usize,
    pub matched: String,
    /// What the import did with the row: `skipped` or `updated`.
    pub action: &'static str,
}

impl Duplicate {
    /// What the import did with the row, in `lang`.
    pub fn action_in(&self, lang: kam_rules::Lang) -> &'static str {
        match self.action {
            "skipped" => T::ImportSkipped.get(lang),
            "updated" => T::ImportUpdatedRow.get(lang),
            other => other,
        }
    }
}

/// How to import.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub skip_bad: bool,
    pub update: bool,
    /// The language of the problems reported.
    pub lang: kam_rules::Lang,
}

/// An import that could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: {source}")]
    Decode { path: String, source: DecodeError },
    /// What is wrong with the file: `message` in English (or in the
    /// language the caller asked for), `zh` in Chinese when it differs.
    #[error("{path}: {message}")]
    Format { path: String, message: String, zh: Option<String> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// The error as a user reads it in `lang`: a file that cannot be read
    /// or decoded in words, a refusal in the catalogue's.
    pub fn text_in(&self, lang: kam_rules::Lang) -> String {
        match (self, lang) {
            (Self::Read { path, source }, _) => format!("{path}: {}", crate::files::io_text(source, lang)),
            (Self::Decode { path, source }, _) => {
                format!("{path}: {}", T::ImportNotText.fill(lang, &[("offset", &source.offset.to_string())]))
            }
            (Self::Format { path, zh: Some(zh), .. }, kam_rules::Lang::Zh) => format!("{path}: {zh}"),
            (other, _) => other.to_string(),
        }
    }
}

/// A refusal told by the catalogue, in both languages.
fn told(path: &str, t: T, args: &[(&str, &str)]) -> ImportError {
    ImportError::Format {
        path: path.to_string(),
        message: t.fill(kam_rules::Lang::En, args),
        zh: Some(t.fill(kam_rules::Lang::Zh, args)),
    }
}

/// A sheet's header: column names (kam's) per header position. Its rows
/// are read by [`SheetRows`], a few at a time.
struct Sheet {
    path: PathBuf,
    /// The path as messages show it: neutralised and bounded.
    shown: String,
    headers: Vec<String>,
    columns: Vec<Option<String>>,
    ignored: Vec<String>,
    encoding: Encoding,
    /// Records after the header, as the first look counted them (blank
    /// lines included): how large the sheet is before it is read.
    about_rows: usize,
}

fn header_to_column(header: &str, layout: &TableLayout, extra: &[&str]) -> Option<String> {
    let h = header.trim().trim_start_matches('\u{feff}');
    let lower = h.to_lowercase();
    if let Some(c) = layout.columns.iter().find(|c| **c == lower) {
        return Some((*c).to_string());
    }
    // The table's own word, or the general one older exports wrote.
    if let Some(c) = layout.columns.iter().find(|c| column_zh_in(layout.table, c) == Some(h)) {
        return Some((*c).to_string());
    }
    if let Some(c) = layout.columns.iter().find(|c| crate::i18n::column_zh_before(layout.table, c) == Some(h)) {
        return Some((*c).to_string());
    }
    if let Some(c) = layout.columns.iter().find(|c| column_zh(c) == Some(h)) {
        return Some((*c).to_string());
    }
    if extra.iter().any(|e| e.eq_ignore_ascii_case(h)) {
        return Some(format!("@{h}"));
    }
    ALIASES
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(h))
        .map(|(_, c)| (*c).to_string())
        .filter(|c| layout.columns.contains(&c.as_str()))
}

/// A path as a message quotes it: escape sequences in a file name never
/// reach the terminal, and a long one is cut.
fn shown_path(path: &Path) -> String {
    crate::safe_text::cell(&path.display().to_string()).into_owned()
}

fn format_error(path: &str, message: impl Into<String>) -> ImportError {
    ImportError::Format { path: path.to_string(), message: message.into(), zh: None }
}

/// The rows of a sheet, read from the file a record at a time.
struct SheetRows {
    reader: csv::Reader<Box<dyn io::Read>>,
    record: csv::StringRecord,
    /// The row number of the next record (the header is row 1).
    next: usize,
    shown: String,
}

/// A row of a sheet: its number (the header is row 1) and cells; no cells
/// for a blank row.
type RawRow = (usize, Vec<String>);

impl SheetRows {
    fn next_row(&mut self) -> Result<Option<RawRow>, ImportError> {
        let more = self.reader.read_record(&mut self.record).map_err(|e| csv_error(&self.shown, &e))?;
        if !more {
            return Ok(None);
        }
        let row = self.next;
        self.next += 1;
        if self.record.iter().all(|c| c.trim().is_empty()) {
            return Ok(Some((row, Vec::new())));
        }
        Ok(Some((row, self.record.iter().map(str::to_string).collect())))
    }

    /// Up to `n` rows.
    fn chunk(&mut self, n: usize) -> Result<Vec<RawRow>, ImportError> {
        let mut out = Vec::with_capacity(n.min(1024));
        while out.len() < n {
            match self.next_row()? {
                Some(r) => out.push(r),
                None => break,
            }
        }
        Ok(out)
    }
}

fn csv_error(shown: &str, e: &csv::Error) -> ImportError {
    if let csv::ErrorKind::Io(io_err) = e.kind() {
        if let Some(d) = io_err.get_ref().and_then(|r| r.downcast_ref::<DecodeError>()) {
            return ImportError::Decode { path: shown.to_string(), source: d.clone() };
        }
    }
    let row = e.position().map_or(String::new(), |p| format!("row {}: ", p.record() + 1));
    format_error(shown, format!("{row}{}", crate::safe_text::cell(&e.to_string())))
}

/// Opens a sheet's file (a regular file only), checks its structure and
/// encoding in one streaming pass ([`scan`]), and reads its header.
fn open_sheet(path: &Path, layout: &TableLayout, extra: &[&str]) -> Result<(Sheet, SheetRows), ImportError> {
    let (shown, encoding, records, mut rows, headers) = open_raw(path)?;
    let mut columns = Vec::new();
    let mut ignored = Vec::new();
    let mut seen = HashSet::new();
    for h in &headers {
        let col = header_to_column(h, layout, extra);
        match &col {
            Some(c) if !seen.insert(c.clone()) => {
                let h = crate::safe_text::cell(h);
                return Err(told(&shown, T::ImportColumnTwice, &[("column", &h)]));
            }
            None if !h.trim().is_empty() => ignored.push(crate::safe_text::cell(h.trim()).into_owned()),
            Some(_) | None => {}
        }
        columns.push(col);
    }
    rows.next = 2;
    let headers = headers.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let sheet = Sheet { path: path.to_path_buf(), shown, headers, columns, ignored, encoding, about_rows: records };
    Ok((sheet, rows))
}

/// Opens a sheet's file (a regular file only), checks its structure and
/// encoding in one streaming pass ([`scan`]), and reads its header: the
/// path as messages show it, the encoding, the records counted, the rows
/// (from the first after the header) and the header.
fn open_raw(path: &Path) -> Result<(String, Encoding, usize, SheetRows, csv::StringRecord), ImportError> {
    let shown = shown_path(path);
    let read_err = |source| ImportError::Read { path: shown.clone(), source };
    let file = crate::files::open_regular(path).map_err(read_err)?;
    let info = scan::scan(io::BufReader::new(file), scan::Limits::SHEET).map_err(|e| match e {
        scan::ScanFailure::Read(source) => ImportError::Read { path: shown.clone(), source },
        scan::ScanFailure::Bad(e) => scan_refusal(&shown, &e),
    })?;
    let encoding = match (info.bom, info.not_utf8_at) {
        (true, None) => Encoding::Utf8Bom,
        (false, None) => Encoding::Utf8,
        (true, Some(offset)) => {
            return Err(ImportError::Decode { path: shown, source: DecodeError { offset: offset + 3 } })
        }
        (false, Some(_)) => Encoding::Gbk,
    };
    let mut rows = reopen_rows(path, &shown, encoding)?;
    let headers = rows.reader.headers().map_err(|e| csv_error(&shown, &e))?.clone();
    rows.next = 2;
    Ok((shown, encoding, info.records, rows, headers))
}

/// A file whose structure the scan refused, told in both languages.
fn scan_refusal(shown: &str, e: &scan::ScanError) -> ImportError {
    use scan::ScanError as S;
    let n = |v: usize| v.to_string();
    let (t, row, column, limit) = match *e {
        S::UnclosedQuote { row, column } => (T::ScanUnclosedQuote, row, column, 0),
        S::TextAfterQuote { row, column } => (T::ScanTextAfterQuote, row, column, 0),
        S::Nul { row, column } => (T::ScanNul, row, column, 0),
        S::FieldTooLong { row, column, limit } => (T::ScanFieldTooLong, row, column, limit),
        S::RecordTooLong { row, limit } => (T::ScanRecordTooLong, row, 0, limit),
        S::TooManyColumns { row, limit } => (T::ScanTooManyColumns, row, 0, limit),
    };
    ImportError::Format {
        path: shown.to_string(),
        message: e.to_string(),
        zh: Some(t.fill(kam_rules::Lang::Zh, &[("row", &n(row)), ("column", &n(column)), ("limit", &n(limit))])),
    }
}

/// A fresh reader of a sheet's records, the header not yet read.
fn reopen_rows(path: &Path, shown: &str, encoding: Encoding) -> Result<SheetRows, ImportError> {
    let file = crate::files::open_regular(path).map_err(|source| ImportError::Read { path: shown.into(), source })?;
    let input: Box<dyn io::Read> = match encoding {
        Encoding::Gbk => Box::new(GbkReader::new(io::BufReader::new(file))),
        Encoding::Utf8 | Encoding::Utf8Bom => Box::new(file),
    };
    let reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    Ok(SheetRows { reader, record: csv::StringRecord::new(), next: 1, shown: shown.to_string() })
}

impl Sheet {
    /// The header the sheet gives kam's `column`, as messages show it.
    fn header_of(&self, column: &str) -> Option<String> {
        let i = self.columns.iter().position(|c| c.as_deref() == Some(column))?;
        self.headers.get(i).map(|h| crate::safe_text::cell(h.trim()).into_owned())
    }

    /// The sheet's rows again from the first after the header.
    fn rows(&self) -> Result<SheetRows, ImportError> {
        let mut rows = reopen_rows(&self.path, &self.shown, self.encoding)?;
        rows.reader.headers().map_err(|e| csv_error(&self.shown, &e))?;
        rows.next = 2;
        Ok(rows)
    }
}

/// The problems of a row's cells that no column's reading catches: a
/// control character (ESC, BEL, backspace …) or a bidi override, which
/// typing cannot enter, is refused naming the column, never stored.
fn refused_cells(columns: &[Option<String>], raw: &[String]) -> Vec<Problem> {
    columns
        .iter()
        .zip(raw)
        .filter_map(|(col, text)| {
            let col = col.as_deref()?;
            let c = crate::safe_text::first_refused(text)?;
            Some(Problem {
                column: col.trim_start_matches('@').to_string(),
                message: format!(
                    "a control character ({} U+{:04X}) in '{}': only text, tabs and line breaks are taken",
                    crate::safe_text::shown_char(c),
                    u32::from(c),
                    crate::safe_text::cell(text)
                ),
            })
        })
        .collect()
}

fn encoding_name(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 with BOM",
        Encoding::Gbk => "GBK",
    }
}

/// The problems of a row as reported: each message neutralised and
/// bounded (a message may quote a cell, and a reject is printed).
/// The problems of a row's cells, in `lang`. A date the store could not
/// read is reported by the store in English only; its reason (month 13,
/// 2026-02-30: February has 28 days) is told here from the cell's text.
fn problems(errors: Vec<CellError>, cells: &[(&str, &str)], lang: kam_rules::Lang) -> Vec<Problem> {
    errors
        .into_iter()
        .map(|e| {
            let day = (e.zh.is_none())
                .then(|| cells.iter().find(|(c, _)| *c == e.column))
                .flatten()
                .and_then(|(_, text)| crate::model::day_problem_in(text, &e.message, lang));
            let message = day.as_deref().unwrap_or_else(|| e.message_in(lang));
            Problem {
                column: crate::safe_text::cell(&e.column).into_owned(),
                message: crate::safe_text::quoted(message, MESSAGE_CHARS).into_owned(),
            }
        })
        .collect()
}

/// A problem as reported, neutralised and bounded.
fn bounded(p: &Problem) -> Problem {
    Problem {
        column: crate::safe_text::cell(&p.column).into_owned(),
        message: crate::safe_text::quoted(&p.message, MESSAGE_CHARS).into_owned(),
    }
}

/// The longest message about one cell.
const MESSAGE_CHARS: usize = 240;

fn main_layout(table: &str) -> Result<TableLayout, ImportError> {
    export_layouts()
        .into_iter()
        .find(|l| l.table == table && l.child.is_none())
        .ok_or_else(|| format_error("", format!("no table {table}")))
}

/// Rows read, checked and (on the second pass) built at a time: what an
/// import holds of the sheet, whatever its size.
const CHUNK: usize = 8_192;

/// How many duplicate and rejected rows an import report lists one by one
/// (the counts are whole; every rejected row goes to the rejects file).
pub const REPORTED_ROWS: usize = 1_000;

/// Imports a spreadsheet of accounts or contacts.
///
/// In bounded memory, whatever the sheet's size: a first pass reads the
/// rows a chunk at a time, checks and classifies each one; what it must
/// remember of every row (the keys the duplicate guard matches the later
/// rows on, which rows are new, the rows refused and why) goes to a
/// temporary SQLite file ([`SheetScratch`]) rather than into memory. A
/// second pass reads the file again and builds the new records a chunk at
/// a time as they are written, in the one transaction of
/// [`Store::apply_import_each`]. (Parsing the whole sheet first took
/// 408 MB for 100,000 rows; keeping the keys and new rows in memory still
/// grew by some 36 MB per 100,000 rows.) Nothing is written unless every
/// row passed, or `--skip-bad` asked for the good ones.
pub fn import_sheet(
    store: &mut Store,
    path: &Path,
    kind: SheetKind,
    opts: ImportOptions,
    on: OnProgress<'_>,
) -> Result<ImportReport, ImportError> {
    let layout = main_layout(kind.table())?;
    let extra: &[&str] = if kind == SheetKind::Contacts { ACCOUNT_LINK } else { &[] };
    let (sheet, mut rows) = open_sheet(path, &layout, extra)?;
    if !sheet.columns.iter().flatten().any(|c| c == "name") {
        return Err(format_error(
            &sheet.shown,
            "no name column: the first row must name the columns, with at least name (名称)",
        ));
    }
    let mut report = ImportReport {
        kind: Some(kind),
        encoding: encoding_name(sheet.encoding).into(),
        ignored_columns: sheet.ignored.clone(),
        ..ImportReport::default()
    };
    // What the second pass writes: the updates (few: duplicates of live
    // records) as built, and the new rows by number (with a contact's
    // account) in the scratch file.
    let mut updates = Vec::new();
    let scratch = SheetScratch::new()?;
    on("checking", 0);
    // With many rows, the live accounts' keys are read once and a row is
    // looked up only when one of its keys is taken.
    let keys = if kind == SheetKind::Accounts && sheet.about_rows >= MANY_ROWS {
        Some(store.account_dedupe_keys()?)
    } else {
        None
    };
    loop {
        let chunk = rows.chunk(CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        // An account is read and validated without the store: the chunk's
        // rows on every core first, then the duplicate guard row by row in order.
        let mut accounts: Vec<Option<Result<Account, Vec<CellError>>>> = match kind {
            SheetKind::Accounts => crate::par::map(&chunk, MANY_ROWS, |(_, raw)| {
                (!raw.is_empty()).then(|| record_from_cells(&row_cells(&sheet.columns, raw).0))
            }),
            SheetKind::Contacts => Vec::new(),
        };
        scratch.begin()?;
        for (i, (row_no, raw)) in chunk.iter().enumerate() {
            let row_no = *row_no;
            if raw.is_empty() {
                continue;
            }
            if report.rows.is_multiple_of(4096) {
                on("checking", report.rows as u64);
            }
            report.rows += 1;
            let refused = refused_cells(&sheet.columns, raw);
            let outcome = if refused.is_empty() {
                let (cells, link) = row_cells(&sheet.columns, raw);
                match kind {
                    SheetKind::Accounts => {
                        let built =
                            accounts.get_mut(i).and_then(Option::take).unwrap_or_else(|| record_from_cells(&cells));
                        account_row(store, keys.as_ref(), built, &cells, opts, &scratch, row_no)?
                    }
                    SheetKind::Contacts => contact_row(store, &cells, link, opts, &scratch, row_no)?,
                }
            } else {
                Row::Bad(refused)
            };
            match outcome {
                Row::Insert(account) => {
                    report.new += 1;
                    scratch.add_new(row_no, account.as_ref().map(Id::as_str))?;
                }
                Row::Duplicate(d) => {
                    report.duplicate += 1;
                    if report.duplicates.len() < REPORTED_ROWS {
                        let matched = crate::safe_text::quoted(&d, MESSAGE_CHARS).into_owned();
                        report.duplicates.push(Duplicate { row: row_no, matched, action: "skipped" });
                    }
                }
                Row::Updated(op, d) => {
                    report.updated += 1;
                    if report.duplicates.len() < REPORTED_ROWS {
                        let matched = crate::safe_text::quoted(&d, MESSAGE_CHARS).into_owned();
                        report.duplicates.push(Duplicate { row: row_no, matched, action: "updated" });
                    }
                    updates.push(op);
                }
                Row::Bad(p) => {
                    report.rejected += 1;
                    // The column as the sheet names it (信用额度), not kam's key.
                    let named = |mut x: Problem| {
                        if let Some(h) = sheet.header_of(&x.column) {
                            x.column = h;
                        }
                        bounded(&x)
                    };
                    let reject = Reject { row: row_no, problems: p.into_iter().map(named).collect() };
                    scratch.add_reject(row_no, &reject.reason())?;
                    if report.rejects.len() < REPORTED_ROWS {
                        report.rejects.push(reject);
                    }
                }
            }
        }
        scratch.commit()?;
    }
    drop(rows);
    if report.rejected > 0 && !opts.skip_bad || opts.dry_run {
        return Ok(report);
    }
    if report.rejected > 0 {
        report.rejects_file = Some(write_rejects(path, &sheet, &scratch, opts.lang)?);
    }
    let source = format!("import {}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    on("writing", report.rows as u64);
    let count = updates.len() + report.new;
    let user = store.user().to_string();
    let new_records = NewRecords {
        sheet: &sheet,
        rows: sheet.rows()?,
        scratch: &scratch,
        ready: std::collections::VecDeque::new(),
        after: 0,
        kind,
        user: &user,
    };
    // Each outcome is an insert or the update asked for: nothing to keep.
    store.apply_import_each(count, updates.into_iter().map(Ok).chain(new_records), &source, true, &mut |_, _, _| {})?;
    report.written = true;
    Ok(report)
}

impl Reject {
    /// The row's problems as the rejects file gives them.
    fn reason(&self) -> String {
        self.problems.iter().map(|p| format!("{}: {}", p.column, p.message)).collect::<Vec<_>>().join("; ")
    }
}

/// The second pass of an import: the new records, built again from the
/// rows the first pass found new (read back from the scratch file a chunk
/// at a time), as the writer takes them.
struct NewRecords<'a> {
    sheet: &'a Sheet,
    rows: SheetRows,
    scratch: &'a SheetScratch,
    /// New rows read from the scratch file and not yet built.
    ready: std::collections::VecDeque<(usize, Option<String>)>,
    /// The last new row read from the scratch file.
    after: usize,
    kind: SheetKind,
    /// Who imports: a new account without an owner in the sheet is theirs,
    /// as one made in the workbench is (and the hub lets its owner push it).
    user: &'a str,
}

impl NewRecords<'_> {
    fn changed(&self, row: usize, what: &str) -> StoreError {
        StoreError::Io {
            path: self.sheet.shown.clone(),
            source: io::Error::other(format!(
                "row {row} {what} since it was checked: the file changed; import it again"
            )),
        }
    }

    fn build(&mut self, want: usize, account: Option<&str>) -> Result<ImportOp, StoreError> {
        loop {
            let next = self.rows.next_row().map_err(|e| StoreError::Io {
                path: self.sheet.shown.clone(),
                source: io::Error::other(e.to_string()),
            })?;
            let Some((row, raw)) = next else { return Err(self.changed(want, "is gone")) };
            if row < want {
                continue;
            }
            let (mut cells, _) = row_cells(&self.sheet.columns, &raw);
            let built = match (self.kind, account) {
                (SheetKind::Accounts, _) => {
                    if !cells.iter().any(|(c, v)| *c == "owner" && !v.trim().is_empty()) {
                        cells.retain(|(c, _)| *c != "owner");
                        cells.push(("owner", self.user));
                    }
                    record_from_cells::<Account>(&cells).map(Record::into_any)
                }
                (SheetKind::Contacts, Some(id)) => {
                    cells.retain(|(c, _)| *c != "account_id");
                    cells.push(("account_id", id));
                    record_from_cells::<Contact>(&cells).map(Record::into_any)
                }
                (SheetKind::Contacts, None) => return Err(self.changed(want, "has no account")),
            };
            return built.map(ImportOp::Insert).map_err(|_| self.changed(want, "does not read as it did"));
        }
    }
}

impl Iterator for NewRecords<'_> {
    type Item = Result<ImportOp, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() {
            match self.scratch.new_rows(self.after, CHUNK) {
                Ok(rows) => self.ready.extend(rows),
                Err(e) => return Some(Err(e)),
            }
        }
        let (row, account) = self.ready.pop_front()?;
        self.after = row;
        Some(self.build(row, account.as_deref()))
    }
}

/// Rows from which a sheet's work is split over the cores and the
/// duplicate guard reads the live accounts' keys at once.
const MANY_ROWS: usize = 1_000;

/// The cells of a row that give a column of the record (not its id and
/// times: a spreadsheet row is a new record, they are kam's), and the cell
/// naming a contact's account.
fn row_cells<'a>(columns: &'a [Option<String>], raw: &'a [String]) -> (Vec<(&'a str, &'a str)>, Option<&'a str>) {
    let mut cells = Vec::with_capacity(raw.len());
    let mut link = None;
    for (col, text) in columns.iter().zip(raw) {
        match col.as_deref() {
            Some(c) if c.starts_with('@') => link = Some(text.as_str()),
            Some(c) if !crate::store::META_COLUMNS.contains(&c) => cells.push((c, text.as_str())),
            Some(_) | None => {}
        }
    }
    (cells, link)
}

enum Row {
    /// A new record; a contact's with its account.
    Insert(Option<Id>),
    Updated(ImportOp, String),
    Duplicate(String),
    Bad(Vec<Problem>),
}

/// An account row, built from `cells` (as `built`), against the rows
/// before it and the file's live accounts (all of whose keys are `keys`
/// when given).
fn account_row(
    store: &Store,
    keys: Option<&AccountKeys>,
    built: Result<Account, Vec<CellError>>,
    cells: &[(&str, &str)],
    opts: ImportOptions,
    seen: &SheetScratch,
    row_no: usize,
) -> Result<Row, ImportError> {
    let account = match built {
        Ok(a) => a,
        Err(e) => return Ok(Row::Bad(problems(e, cells, opts.lang))),
    };
    let norm = dedupe::normalize_company(&account.name);
    let lang = opts.lang;
    if let Some(first) = seen.first_seen(&norm, row_no)? {
        let row = first.to_string();
        return Ok(Row::Duplicate(T::ImportDupInFile.fill(lang, &[("row", &row), ("name", &account.name)])));
    }
    let matches = if keys.is_none_or(|k| k.may_match(&account.name, &account.phone)) {
        store.similar_accounts(&account.name, &account.phone)?
    } else {
        Vec::new()
    };
    match (matches.as_slice(), opts.update) {
        // Not in this file, but a colleague may hold it at head office
        // (撞单): skipped and said, as a duplicate is.
        ([], _) => {
            let held = store.held_at_hub(&account.name, &account.phone)?;
            if held.is_empty() {
                Ok(Row::Insert(None))
            } else {
                let texts: Vec<String> =
                    held.iter().map(|h| crate::exchange::hub_sync::held_at_hub_text(lang, h)).collect();
                Ok(Row::Duplicate(format!("{}: {}", account.name, texts.join(T::ListSep.get(lang)))))
            }
        }
        ([(id, name)], true) => {
            let current: Account = store.get(id)?;
            match overlay_cells(&current, cells) {
                Ok(updated) => Ok(Row::Updated(ImportOp::Update(updated.into_any()), format!("{name} ({id})"))),
                Err(e) => Ok(Row::Bad(problems(e, cells, opts.lang))),
            }
        }
        ([(id, name)], false) => Ok(Row::Duplicate(format!("{name} ({id})"))),
        (many, _) => Ok(Row::Duplicate(T::ImportDupMany.fill(
            lang,
            &[
                ("n", &many.len().to_string()),
                ("names", &many.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(T::ListSep.get(lang))),
            ],
        ))),
    }
}

fn contact_row(
    store: &Store,
    given: &[(&str, &str)],
    link: Option<&str>,
    opts: ImportOptions,
    seen: &SheetScratch,
    row_no: usize,
) -> Result<Row, ImportError> {
    let link = link.map(str::trim).unwrap_or_default();
    let account = if link.is_empty() {
        return Ok(Row::Bad(vec![Problem {
            column: "account".into(),
            message: "no account: give the account's name or id in an account (客户) column".into(),
        }]));
    } else if let Ok(id) = Id::parse(link) {
        if store.exists(RecordKind::Account, &id)? {
            id
        } else {
            return Ok(Row::Bad(vec![Problem {
                column: "account".into(),
                message: format!("no account has the id {link}"),
            }]));
        }
    } else {
        match store.accounts_named(link)?.as_slice() {
            [id] => id.clone(),
            [] => {
                return Ok(Row::Bad(vec![Problem {
                    column: "account".into(),
                    message: format!("no account is named '{link}': import the accounts first"),
                }]))
            }
            many => {
                return Ok(Row::Bad(vec![Problem {
                    column: "account".into(),
                    message: format!("{} accounts are named '{link}': give the account's id instead", many.len()),
                }]))
            }
        }
    };
    let account_text = account.to_string();
    let mut cells: Vec<(&str, &str)> = given.iter().filter(|(c, _)| *c != "account_id").copied().collect();
    cells.push(("account_id", account_text.as_str()));
    let contact: Contact = match record_from_cells(&cells) {
        Ok(c) => c,
        Err(e) => return Ok(Row::Bad(problems(e, &cells, opts.lang))),
    };
    let key = format!("{}|{}", account, dedupe::normalize_person(&contact.name));
    if let Some(first) = seen.first_seen(&key, row_no)? {
        let row = first.to_string();
        return Ok(Row::Duplicate(T::ImportDupInFile.fill(opts.lang, &[("row", &row), ("name", &contact.name)])));
    }
    let matches = store.similar_contacts(&contact.name, &contact.phone, &account)?;
    match (matches.as_slice(), opts.update) {
        ([], _) => Ok(Row::Insert(Some(account))),
        ([id], true) => {
            let current: Contact = store.get(id)?;
            match overlay_cells(&current, &cells) {
                Ok(updated) => {
                    Ok(Row::Updated(ImportOp::Update(updated.into_any()), format!("{} ({id})", current.name)))
                }
                Err(e) => Ok(Row::Bad(problems(e, &cells, opts.lang))),
            }
        }
        ([id], false) => Ok(Row::Duplicate(format!("{} ({id})", contact.name))),
        (many, _) => Ok(Row::Duplicate(
            T::ImportDupContacts.fill(opts.lang, &[("n", &many.len().to_string()), ("name", &contact.name)]),
        )),
    }
}

/// Writes the rejected rows, as given plus a reason column, beside the
/// file: read again from the file, a row at a time, with the reasons the
/// first pass kept in the scratch file.
fn write_rejects(
    path: &Path,
    sheet: &Sheet,
    scratch: &SheetScratch,
    lang: kam_rules::Lang,
) -> Result<PathBuf, ImportError> {
    let stem = path.file_stem().map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    let dest = path.with_file_name(format!("{stem}.rejects.csv"));
    let p = shown_path(&dest);
    let ioe = |source| ImportError::Read { path: p.clone(), source };
    let mut headers = sheet.headers.clone();
    headers.push(T::ReasonLabel.get(lang).into());
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut rows = sheet.rows()?;
    let mut failed = None;
    let mut ready = std::collections::VecDeque::new();
    let mut after = 0;
    let out = std::iter::from_fn(|| {
        if ready.is_empty() {
            match scratch.rejects(after, CHUNK) {
                Ok(more) => ready.extend(more),
                Err(e) => {
                    failed = Some(e.into());
                    return None;
                }
            }
        }
        let (want, reason) = ready.pop_front()?;
        after = want;
        let raw = loop {
            match rows.next_row() {
                Ok(Some((n, raw))) if n == want => break raw,
                Ok(Some(_)) => {}
                Ok(None) => return None,
                Err(e) => {
                    failed = Some(e);
                    return None;
                }
            }
        };
        let mut row: Vec<Cell> = raw.into_iter().map(Cell::Text).collect();
        row.resize(headers.len() - 1, Cell::Empty);
        row.push(Cell::Text(reason));
        Some(row)
    });
    let mut f = AtomicFile::create(&dest).map_err(ioe)?;
    write_csv(f.writer().map_err(ioe)?, true, &header_refs, out).map_err(ioe)?;
    if let Some(e) = failed {
        return Err(e);
    }
    f.commit().map_err(ioe)?;
    Ok(dest)
}

/// What a merge of an export folder did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MergeReport {
    /// Per kind: inserted, updated, same, with conflicts, moved to the trash.
    pub kinds: BTreeMap<String, [usize; 5]>,
    pub conflicts: Vec<MergeConflict>,
    pub rejects: Vec<MergeReject>,
    pub masked: bool,
    pub written: bool,
}

/// A field both sides changed since their shared version: the newer
/// change kept (ours, or theirs written over ours), listed.
#[derive(Clone, Debug, Serialize)]
pub struct MergeConflict {
    /// The kind's key (`account`, `contact` …).
    pub kind: String,
    pub id: String,
    /// The record as the trash list names it.
    pub label: String,
    /// The account's name (the record's own for an account); empty for a
    /// record of no account.
    pub account: String,
    /// The column or child set (kam's name).
    pub field: String,
    /// Their value was newer and written over ours.
    pub took_theirs: bool,
    /// Both values as the change log writes them (empty: none).
    pub ours: String,
    pub theirs: String,
    pub ours_at: DateTime<Utc>,
    pub ours_by: String,
    pub theirs_at: DateTime<Utc>,
    pub theirs_by: String,
}

impl MergeConflict {
    pub fn from_field(kind: RecordKind, id: &Id, label: &str, account: &str, f: FieldConflict) -> Self {
        Self {
            kind: kind.key().to_string(),
            id: id.to_string(),
            label: label.to_string(),
            account: account.to_string(),
            field: f.field.to_string(),
            took_theirs: f.took_theirs,
            ours: f.ours.unwrap_or_default(),
            theirs: f.theirs.unwrap_or_default(),
            ours_at: f.ours_clock.at,
            ours_by: f.ours_clock.who,
            theirs_at: f.theirs_clock.at,
            theirs_by: f.theirs_clock.who,
        }
    }

    /// The field in the user's language.
    pub fn field_shown(&self, lang: kam_rules::Lang) -> String {
        match self.field.as_str() {
            DELETED_THERE => return crate::i18n::T::MergeFieldDeletedThere.get(lang).to_string(),
            DELETED_HERE => return crate::i18n::T::MergeFieldDeletedHere.get(lang).to_string(),
            _ => {}
        }
        let table = RecordKind::parse(&self.kind).map_or("", RecordKind::table);
        match lang {
            kam_rules::Lang::Zh => crate::i18n::column_zh_in(table, &self.field)
                .or_else(|| column_zh(&self.field))
                .unwrap_or(self.field.as_str())
                .to_string(),
            kam_rules::Lang::En => self.field.clone(),
        }
    }

    /// The kind in the user's language.
    pub fn kind_shown(&self, lang: kam_rules::Lang) -> String {
        crate::i18n::kind_label(&self.kind).map_or_else(|| self.kind.clone(), |t| t.get(lang).to_string())
    }

    /// Which side was kept, in the user's language.
    pub fn kept_shown(&self, lang: kam_rules::Lang) -> &'static str {
        if self.took_theirs {
            crate::i18n::T::MergeKeptTheirs.get(lang)
        } else {
            crate::i18n::T::MergeKeptOurs.get(lang)
        }
    }
}

impl MergeConflict {
    /// The conflict as one line in `lang`: the record (an account named
    /// once), the field, both sides' values, who and when on the user's
    /// wall clock, and which was kept. A deletion against a change says so.
    pub fn line(&self, lang: kam_rules::Lang) -> String {
        use crate::i18n::T;
        let cell = |s: &str| crate::safe_text::cell(s).into_owned();
        let account = self.kind == RecordKind::Account.key();
        let template = match (self.field.as_str(), account) {
            (DELETED_THERE, true) => T::MergeDeletedThereAccount,
            (DELETED_THERE, false) => T::MergeDeletedThere,
            (DELETED_HERE, true) => T::MergeDeletedHereAccount,
            (DELETED_HERE, false) => T::MergeDeletedHere,
            (_, true) => T::MergeConflictAccount,
            (_, false) => T::MergeConflict,
        };
        template.fill(
            lang,
            &[
                ("kind", &self.kind_shown(lang)),
                ("account", &cell(&self.account)),
                ("label", &cell(&self.label)),
                ("field", &self.field_shown(lang)),
                ("ours", &conflict_value(&self.ours)),
                ("ours_by", &cell(&self.ours_by)),
                ("ours_at", &crate::clock::local_text(self.ours_at)),
                ("theirs", &conflict_value(&self.theirs)),
                ("theirs_by", &cell(&self.theirs_by)),
                ("theirs_at", &crate::clock::local_text(self.theirs_at)),
                ("kept", self.kept_shown(lang)),
            ],
        )
    }
}

/// A value as a conflict line shows it: one line, bounded, `—` for none.
pub fn conflict_value(v: &str) -> String {
    if v.is_empty() {
        "—".to_string()
    } else {
        crate::safe_text::quoted(v, 40).into_owned()
    }
}

/// Writes a merge's conflicts to `dest` (`conflicts.csv` beside the
/// database), readable by its owner only: the record, its account, the
/// fields and both times on the user's wall clock.
pub fn write_conflicts(dest: &Path, lang: kam_rules::Lang, conflicts: &[MergeConflict]) -> io::Result<PathBuf> {
    let header = crate::i18n::T::MergeConflictsHeader.get(lang);
    let headers: Vec<&str> = header.split(',').collect();
    let rows = conflicts.iter().map(|c| {
        vec![
            Cell::Text(c.kind_shown(lang)),
            Cell::Text(c.label.clone()),
            Cell::Text(c.account.clone()),
            Cell::Text(c.field_shown(lang)),
            Cell::Text(c.ours.clone()),
            Cell::Text(c.ours_by.clone()),
            Cell::Text(crate::clock::local_text(c.ours_at)),
            Cell::Text(c.theirs.clone()),
            Cell::Text(c.theirs_by.clone()),
            Cell::Text(crate::clock::local_text(c.theirs_at)),
            Cell::Text(c.kept_shown(lang).to_string()),
            Cell::Text(c.id.clone()),
        ]
    });
    let mut f = AtomicFile::create_private(dest)?;
    write_csv(f.writer()?, true, &headers, rows)?;
    f.commit()
}

#[derive(Clone, Debug, Serialize)]
pub struct MergeReject {
    pub file: String,
    pub row: usize,
    pub problems: Vec<Problem>,
}

/// The columns of `table` a default export masks; a masked export never
/// overwrites them (an account's phone is the company's, never masked).
fn personal(table: &str) -> Vec<&'static str> {
    super::export::PERSONAL.iter().filter(|(t, _)| *t == table).map(|(_, c)| *c).collect()
}

/// Rows of a file a merge reads, checks and builds at a time (8,192 held
/// 187 MB at 10,000 accounts once the reading had a thread of its own,
/// against 159 MB for 2,048, in the same time).
pub const MERGE_CHUNK: usize = 2_048;

/// Merges a day-end export folder: by id, the newer `updated_at` wins, a
/// record changed here later is kept and listed as a conflict. Any bad row
/// refuses the whole folder. `dry_run` reports and writes nothing.
pub fn merge_dir(store: &mut Store, dir: &Path, dry_run: bool, on: OnProgress<'_>) -> Result<MergeReport, ImportError> {
    merge_dir_chunked(store, dir, dry_run, MERGE_CHUNK, on)
}

/// [`merge_dir`] with the rows' problems told in `lang`.
pub fn merge_dir_in(
    store: &mut Store,
    dir: &Path,
    dry_run: bool,
    lang: kam_rules::Lang,
    on: OnProgress<'_>,
) -> Result<MergeReport, ImportError> {
    merge_folder(store, dir, dry_run, MERGE_CHUNK, lang, on)
}

/// A main file of an export folder with the child files present beside it.
struct MergePlan {
    main: TableLayout,
    file: PathBuf,
    children: Vec<(TableLayout, PathBuf)>,
    /// The references each child file's rows make, as `refs` (in the
    /// order of `children`).
    child_refs: Vec<Vec<(String, String)>>,
    /// The child sets whose file is not in the folder: not sent, ours kept.
    unsent_children: Vec<&'static str>,
    /// The child sets whose file lacks some of their columns, with those
    /// columns (known once the files are read).
    child_columns: Vec<(&'static str, Vec<&'static str>)>,
    /// The references the main file's rows make: column and table named.
    refs: Vec<(String, String)>,
}

/// What every chunk of a merge needs to read a row.
struct MergeCtx<'a> {
    /// The manifest says the export was masked.
    masked: bool,
    /// The language of the problems reported.
    lang: kam_rules::Lang,
    latest: DateTime<Utc>,
    scratch: &'a MergeScratch,
    /// The folder sent field clocks (`field_clocks.csv`): each field is
    /// merged by its own clock. Without them (a folder from an older kam)
    /// the record saved last wins whole.
    clocks: bool,
}

/// The file of a folder's field clocks.
pub const CLOCK_FILE: &str = "field_clocks.csv";

/// Reads a folder's `field_clocks.csv` into the scratch file, a chunk at a
/// time, checking each row: a table of the export, a record id, a field,
/// times that read and are not in the future. Returns whether the folder
/// has the file.
fn keep_clocks(
    dir: &Path,
    scratch: &MergeScratch,
    chunk: usize,
    latest: DateTime<Utc>,
    rejects: &mut Vec<MergeReject>,
    counted: &mut BTreeMap<String, u64>,
    lang: kam_rules::Lang,
) -> Result<bool, ImportError> {
    let says = |t: T, args: &[(&str, &str)]| t.fill(lang, args);
    let path = dir.join(CLOCK_FILE);
    if !path.exists() {
        return Ok(false);
    }
    let (shown, _, _, mut rows, headers) = open_raw(&path)?;
    let mut at_col = [usize::MAX; 6];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim_start_matches('\u{feff}').trim();
        if let Some(k) = CLOCK_COLUMNS.iter().position(|c| *c == h || crate::i18n::clock_column_zh(c) == Some(h)) {
            at_col[k] = i;
        }
    }
    if let Some(k) = at_col.iter().position(|i| *i == usize::MAX) {
        return Err(format_error(&shown, says(T::MergeClockNoColumn, &[("column", CLOCK_COLUMNS[k])])));
    }
    let tables: Vec<&str> = export_layouts().iter().filter(|l| l.child.is_none()).map(|l| l.table).collect();
    let time = |t: &str| DateTime::parse_from_rfc3339(t.trim()).ok().map(|t| t.with_timezone(&Utc));
    rows.next = 2;
    loop {
        let raw = rows.chunk(chunk)?;
        if raw.is_empty() {
            break;
        }
        let mut good = Vec::with_capacity(raw.len());
        for (line, row) in &raw {
            if row.is_empty() {
                continue;
            }
            *counted.entry(CLOCK_FILE.to_string()).or_default() += 1;
            let cell = |k: usize| row.get(at_col[k]).map_or("", String::as_str);
            let mut problems = Vec::new();
            let mut bad = |column: &str, message: String| problems.push(Problem { column: column.into(), message });
            let quoted = |k: usize| crate::safe_text::cell(cell(k)).into_owned();
            if !tables.contains(&cell(0)) {
                bad("table", says(T::MergeClockBadTable, &[("value", &quoted(0))]));
            }
            if Id::parse(cell(1)).is_err() {
                bad("record_id", says(T::MergeClockBadId, &[("value", &quoted(1))]));
            }
            let field = cell(2);
            if field.is_empty() || field.len() > 64 || !field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                bad("field", says(T::MergeClockBadField, &[("value", &quoted(2))]));
            }
            let at = time(cell(3));
            match at {
                None => bad("at", says(T::MergeBadTime, &[("value", &quoted(3))])),
                Some(t) if t > latest => bad("at", says(T::MergeClockFuture, &[("time", &t.to_rfc3339())])),
                Some(_) => {}
            }
            let base = if cell(5).trim().is_empty() { None } else { time(cell(5)) };
            if !cell(5).trim().is_empty() && base.is_none() {
                bad("base", says(T::MergeBadTime, &[("value", &quoted(5))]));
            }
            let who = crate::store::unneutralise(cell(4));
            if who.chars().count() > 200 || crate::safe_text::first_refused(who).is_some() {
                bad("who", says(T::MergeClockBadWho, &[]));
            }
            match at {
                Some(at) if problems.is_empty() => {
                    good.push((cell(1), field, FieldClock { at, who: who.to_string(), base }));
                }
                _ => rejects.push(MergeReject { file: CLOCK_FILE.into(), row: *line, problems }),
            }
        }
        scratch.add_clocks(&good)?;
    }
    Ok(true)
}

/// The file of a folder's deletions.
pub const DELETION_FILE: &str = "deletions.csv";

/// Reads and checks a folder's `deletions.csv` (a deletion is a few short
/// cells, and the trash holds 30 days of them): a kind of the export, a
/// record id, times that read and are not in the future, a name and a
/// reason without control characters. A folder without the file (from an
/// older kam) deletes nothing.
fn keep_deletions(
    dir: &Path,
    latest: DateTime<Utc>,
    rejects: &mut Vec<MergeReject>,
    counted: &mut BTreeMap<String, u64>,
    lang: kam_rules::Lang,
) -> Result<Vec<Deletion>, ImportError> {
    let says = |t: T, args: &[(&str, &str)]| t.fill(lang, args);
    let path = dir.join(DELETION_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let (shown, _, _, mut rows, headers) = open_raw(&path)?;
    let mut at_col = [usize::MAX; 6];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim_start_matches('\u{feff}').trim();
        if let Some(k) = DELETION_COLUMNS.iter().position(|c| *c == h || crate::i18n::deletion_column_zh(c) == Some(h))
        {
            at_col[k] = i;
        }
    }
    if let Some(k) = at_col.iter().position(|i| *i == usize::MAX) {
        return Err(format_error(&shown, says(T::MergeDeletionNoColumn, &[("column", DELETION_COLUMNS[k])])));
    }
    let kinds: Vec<RecordKind> = export_layouts().iter().filter(|l| l.child.is_none()).map(|l| l.kind).collect();
    let time = |t: &str| DateTime::parse_from_rfc3339(t.trim()).ok().map(|t| t.with_timezone(&Utc));
    let mut out = Vec::new();
    rows.next = 2;
    while let Some((line, row)) = rows.next_row()? {
        if row.is_empty() {
            continue;
        }
        *counted.entry(DELETION_FILE.to_string()).or_default() += 1;
        let cell = |k: usize| row.get(at_col[k]).map_or("", String::as_str);
        let mut problems = Vec::new();
        let mut bad = |column: &str, message: String| problems.push(Problem { column: column.into(), message });
        // The kind's key, or its label in either language.
        let kind = RecordKind::parse(cell(0).trim())
            .or_else(|| {
                kinds.iter().copied().find(|k| {
                    crate::i18n::kind_label(k.key()).is_some_and(|t| {
                        [kam_rules::Lang::Zh, kam_rules::Lang::En].iter().any(|l| t.get(*l) == cell(0).trim())
                    })
                })
            })
            .filter(|k| kinds.contains(k));
        if kind.is_none() {
            bad("kind", says(T::MergeDeletionBadKind, &[("value", &crate::safe_text::cell(cell(0)))]));
        }
        let id = Id::parse(cell(1)).ok();
        if id.is_none() {
            bad("record_id", says(T::MergeClockBadId, &[("value", &crate::safe_text::cell(cell(1)))]));
        }
        let mut when = |column: &str, text: &str, required: bool| -> Option<DateTime<Utc>> {
            if text.trim().is_empty() && !required {
                return None;
            }
            match time(text) {
                None => {
                    bad(column, says(T::MergeBadTime, &[("value", &crate::safe_text::cell(text))]));
                    None
                }
                Some(t) if t > latest => {
                    bad(column, says(T::MergeDeletionFuture, &[("time", &t.to_rfc3339())]));
                    None
                }
                Some(t) => Some(t),
            }
        };
        let at = when("deleted_at", cell(2), true);
        let seen = when("seen", cell(5), false);
        let by = crate::store::unneutralise(cell(3));
        let reason = crate::store::unneutralise(cell(4));
        for (column, text, max) in [("deleted_by", by, 200), ("reason", reason, 2_000)] {
            if text.chars().count() > max || crate::safe_text::first_refused(text).is_some() {
                problems.push(Problem {
                    column: column.into(),
                    message: says(T::MergeDeletionTooLong, &[("max", &max.to_string())]),
                });
            }
        }
        match (kind, id, at) {
            (Some(kind), Some(id), Some(at)) if problems.is_empty() => {
                out.push(Deletion { kind, id, at, by: by.to_string(), reason: reason.to_string(), seen });
            }
            _ => rejects.push(MergeReject { file: DELETION_FILE.into(), row: line, problems }),
        }
    }
    Ok(out)
}

/// As [`merge_dir`], reading `chunk` rows of a file at a time.
///
/// In bounded memory, whatever the folder's size: child rows are kept in a
/// temporary file ([`MergeScratch`]) until their parents are read; one
/// pass checks every row of every file (a chunk of parents and their child
/// rows at a time) and writes the records as they are built, all in the
/// one transaction of [`Store::apply_import_then`]: a reject anywhere (or
/// any failure) rolls it back and leaves the file as it was. (Checking
/// first and reading the folder again to write it took a third of the
/// merge.) A file opened read-only is checked only. Holding every record
/// of a 20,000-account folder took 991 MB.
pub fn merge_dir_chunked(
    store: &mut Store,
    dir: &Path,
    dry_run: bool,
    chunk: usize,
    on: OnProgress<'_>,
) -> Result<MergeReport, ImportError> {
    merge_folder(store, dir, dry_run, chunk, kam_rules::Lang::En, on)
}

fn merge_folder(
    store: &mut Store,
    dir: &Path,
    dry_run: bool,
    chunk: usize,
    lang: kam_rules::Lang,
    on: OnProgress<'_>,
) -> Result<MergeReport, ImportError> {
    // Child files read beside their main files when the folder is in id
    // order (as kam exports it); through the scratch file when it is not,
    // or when reading beside failed in any way (the same failure is then
    // told as the scratch pass meets it).
    match merge_once(store, dir, dry_run, chunk, lang, &mut *on, true)? {
        Some(report) => Ok(report),
        None => merge_once(store, dir, dry_run, chunk, lang, on, false)?
            .ok_or_else(|| format_error(&shown_path(dir), "the merge could not read the folder")),
    }
}

/// [`merge_folder`] once: with `beside`, reading each child file beside
/// its main file ([`ChildStream`]). `None` when that found the folder out
/// of order (or failed): nothing was written, and it is read again through
/// the scratch file.
fn merge_once(
    store: &mut Store,
    dir: &Path,
    dry_run: bool,
    chunk: usize,
    lang: kam_rules::Lang,
    on: OnProgress<'_>,
    beside: bool,
) -> Result<Option<MergeReport>, ImportError> {
    let chunk = chunk.max(1);
    let mut report = MergeReport::default();
    let manifest = read_manifest(dir, lang)?;
    report.masked = manifest.as_ref().is_some_and(|m| m.masked);
    let latest = store.now() + chrono::Duration::days(1);
    let layouts = export_layouts();
    let mut plans: Vec<MergePlan> = Vec::new();
    for main in layouts.iter().filter(|l| l.child.is_none()) {
        let file = dir.join(format!("{}.csv", main.table));
        if !file.exists() {
            continue;
        }
        let (children, unsent): (Vec<_>, Vec<_>) = layouts
            .iter()
            .filter(|l| l.kind == main.kind && l.child.is_some())
            .map(|l| (l.clone(), dir.join(format!("{}.csv", l.table))))
            .partition(|(_, p)| p.exists());
        let child_refs = children.iter().map(|(l, _)| store.references(l.table)).collect::<Result<_, _>>()?;
        plans.push(MergePlan {
            main: main.clone(),
            file,
            children,
            child_refs,
            unsent_children: unsent.iter().filter_map(|(l, _)| l.child).collect(),
            child_columns: Vec::new(),
            refs: store.references(main.table)?,
        });
    }
    if plans.is_empty() {
        return Err(format_error(&shown_path(dir), crate::i18n::T::MergeNoFiles.get(lang)));
    }
    // Read beside, the scratch file keeps ids and references only: SQLite's
    // default cache of 2 MB (the 24 MB for child rows looked up at random
    // made the 40,000-account merge peak at 220 MB with the reader's thread).
    let scratch = if beside { MergeScratch::with_cache(2_048)? } else { MergeScratch::new()? };
    // Rows per file, as the manifest counts them.
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    let clocks = keep_clocks(dir, &scratch, chunk, latest, &mut report.rejects, &mut counted, lang)?;
    let deletions = keep_deletions(dir, latest, &mut report.rejects, &mut counted, lang)?;
    let source = format!("merge {}", dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    // The folder is written as it is checked, in the one transaction of
    // the merge, which a reject found anywhere rolls back: each file is
    // read once instead of once to check and again to write. A file
    // opened read-only (a dry run) is only checked, as is a folder whose
    // clocks or deletions were already refused.
    let write = report.rejects.is_empty() && !store.read_only();
    // Only a pass that writes reads beside: a file checked only is read
    // again by MergeOps, which looks child rows up in the scratch file.
    let beside = beside && write;
    let targets: HashSet<String> = plans
        .iter()
        .flat_map(|p| p.refs.iter().chain(p.child_refs.iter().flatten()))
        .map(|(_, target)| target.clone())
        .collect();
    let estimate = merge_estimate(&plans, manifest.as_ref()) + deletions.len();
    let (to_pass, deletions) = if write { (deletions, Vec::new()) } else { (Vec::new(), deletions) };
    let parts = PassParts {
        plans: &mut plans,
        chunk,
        rejects: std::mem::take(&mut report.rejects),
        counted,
        write,
        deletions: to_pass,
        manifest: manifest.as_ref(),
        dir,
        beside,
        targets,
    };
    let masked = report.masked;
    if write {
        // The folder is read and its records built on a thread of their
        // own, a batch at a time, while this one writes the batch before.
        let mut outside = Vec::new();
        let kinds = &mut report.kinds;
        let conflicts = &mut report.conflicts;
        let (written, done) = std::thread::scope(|s| {
            let (send, receive) = std::sync::mpsc::sync_channel::<Piece>(SENT_BATCHES);
            // The records written come back to be freed on the thread that
            // built them, so that glibc's arena of the reader's thread is not
            // fed frees from the writer's. (Not measured apart: with a 64 MB
            // page cache the peak was 189 MB with and without it; the 32 MB
            // cache is what brought it down.)
            let (back, returned) = std::sync::mpsc::channel::<Vec<ImportOp>>();
            let reader = s.spawn(move || {
                let ctx = MergeCtx { masked, lang, latest, scratch: &scratch, clocks };
                let sender = send.clone();
                let mut progress = move |what: &str, n: u64| {
                    // A writer that stopped reads no more: nothing to tell.
                    let _ = sender.send(Piece::Progress(what.to_string(), n));
                };
                let mut pass = parts.into_pass(&ctx, &mut progress);
                let mut batch = Vec::with_capacity(SENT_BATCH);
                // The written records sent back, freed here; one of their
                // lists is kept for the next batch.
                let next_batch = || {
                    let mut kept: Option<Vec<ImportOp>> = None;
                    while let Ok(mut done) = returned.try_recv() {
                        done.clear();
                        kept = Some(done);
                    }
                    kept.unwrap_or_else(|| Vec::with_capacity(SENT_BATCH))
                };
                for op in pass.by_ref() {
                    match op {
                        Ok(op) => {
                            batch.push(op);
                            if batch.len() >= SENT_BATCH
                                && send.send(Piece::Ops(std::mem::replace(&mut batch, next_batch()))).is_err()
                            {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = send.send(Piece::Ops(std::mem::take(&mut batch)));
                            let _ = send.send(Piece::Failed(e));
                            break;
                        }
                    }
                }
                if !batch.is_empty() {
                    let _ = send.send(Piece::Ops(batch));
                }
                let FolderPass { rejects, failed, .. } = pass;
                // The writer has every record: it need not wait for the
                // references to be sorted out here.
                drop(progress);
                drop(send);
                // Those naming no record of the folder, for the writer to
                // look up in the file (a scan of every reference noted,
                // done here while the writer writes the last batches).
                let unnamed = scratch.refs_outside();
                (rejects, failed, scratch, unnamed)
            });
            let done = std::cell::RefCell::new(None);
            let reader = std::cell::RefCell::new(Some(reader));
            // The reader's results, once it has ended (a panic of its goes on here).
            let finish = || {
                if let Some(r) = reader.borrow_mut().take() {
                    let ended = r.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                    *done.borrow_mut() = Some(ended);
                }
            };
            let mut ops = Received { receive, on, ops: Vec::new().into_iter() };
            let mut written_back = Vec::with_capacity(SENT_BATCH);
            let mut spent = |op: ImportOp| {
                written_back.push(op);
                if written_back.len() >= SENT_BATCH {
                    // A reader that has ended frees nothing more: dropped here.
                    let _ = back.send(std::mem::replace(&mut written_back, Vec::with_capacity(SENT_BATCH)));
                }
            };
            let written = store.apply_import_then(
                estimate,
                &mut ops,
                &source,
                !dry_run,
                &mut |kind, id, outcome| count_outcome(kinds, conflicts, kind, id, outcome),
                MergeThen {
                    after: &mut |tx| {
                        finish();
                        if let Some((_, _, _, unnamed)) = done.borrow_mut().as_mut() {
                            let unnamed = std::mem::replace(unnamed, Ok(Vec::new()))?;
                            outside = rejects_outside(unnamed, lang, |t, id| tx.has_row(t, id))?;
                        }
                        if outside.is_empty() {
                            Ok(())
                        } else {
                            Err(stopped())
                        }
                    },
                    spent: &mut spent,
                },
            );
            // A writer that stopped early: the reader ends at its next batch.
            drop(ops);
            finish();
            (written, done.into_inner())
        });
        let Some((rejects, failed, scratch, _)) = done else {
            return Err(format_error(&shown_path(dir), "the merge's reader did not end"));
        };
        if let Err(e) = written {
            if let Some(f) = failed {
                return if beside { Ok(None) } else { Err(f) };
            }
            if rejects.is_empty() && outside.is_empty() {
                return Err(e.into());
            }
            // Refused: rolled back, nothing counted.
            report.kinds.clear();
            report.conflicts.clear();
            report.rejects = rejects;
            if outside.is_empty() {
                outside = refs_outside(&scratch, lang, |t, id| store.has_row(t, id))?;
            }
            report.rejects.extend(outside);
            for r in &mut report.rejects {
                r.problems = r.problems.iter().map(bounded).collect();
            }
            return Ok(Some(report));
        }
        report.written = !dry_run;
        return Ok(Some(report));
    }
    let ctx = MergeCtx { masked, lang, latest, scratch: &scratch, clocks };
    let mut pass = parts.into_pass(&ctx, on);
    // Checked only: every file read, nothing built kept.
    for op in pass.by_ref() {
        if op.is_err() {
            break;
        }
    }
    let FolderPass { rejects, failed, records, on, .. } = pass;
    if let Some(f) = failed {
        return Err(f);
    }
    report.rejects = rejects;
    // A reference to a record neither in the folder nor in this file (a
    // day's contact whose account changed another day) cannot be merged:
    // refused naming the row and the record it names.
    let outside = refs_outside(&scratch, lang, |t, id| store.has_row(t, id))?;
    report.rejects.extend(outside);
    for r in &mut report.rejects {
        r.problems = r.problems.iter().map(bounded).collect();
    }
    // A dry run counts by making the writes and rolling them back, which a
    // file opened read-only cannot: it is checked only.
    if !report.rejects.is_empty() || dry_run && store.read_only() {
        return Ok(Some(report));
    }
    on("writing", records as u64);
    let ops = MergeOps { plans: &plans, ctx: &ctx, chunk, next_plan: 0, current: None, ready: Vec::new().into_iter() };
    // Deletions after every record: a record the folder sends and deletes
    // another day is in the file before it goes to the trash.
    let records = records + deletions.len();
    let ops = ops.chain(deletions.into_iter().map(|d| Ok(ImportOp::Delete(d))));
    let kinds = &mut report.kinds;
    let conflicts = &mut report.conflicts;
    store.apply_import_each(records, ops, &source, !dry_run, &mut |kind, id, outcome| {
        count_outcome(kinds, conflicts, kind, id, outcome);
    })?;
    report.written = !dry_run;
    Ok(Some(report))
}

/// Counts what the merge did with one record, and lists its conflicts.
fn count_outcome(
    kinds: &mut BTreeMap<String, [usize; 5]>,
    conflicts: &mut Vec<MergeConflict>,
    kind: RecordKind,
    id: &Id,
    outcome: MergeOutcome,
) {
    let counts = kinds.entry(kind.key().to_string()).or_insert([0; 5]);
    match outcome {
        MergeOutcome::Deleted { conflicts: fields, label, account } => {
            counts[4] += 1;
            if !fields.is_empty() {
                counts[3] += 1;
            }
            for f in fields {
                conflicts.push(MergeConflict::from_field(kind, id, &label, &account, f));
            }
        }
        MergeOutcome::Inserted => counts[0] += 1,
        MergeOutcome::Updated => counts[1] += 1,
        MergeOutcome::Same => counts[2] += 1,
        MergeOutcome::Conflict { updated, fields, label, account } => {
            counts[3] += 1;
            if updated {
                counts[1] += 1;
            }
            for f in fields {
                conflicts.push(MergeConflict::from_field(kind, id, &label, &account, f));
            }
        }
    }
}

/// The references the folder's rows make to records neither in the folder
/// nor in the file (`has_row` tells the file's), as rejects.
fn refs_outside(
    scratch: &MergeScratch,
    lang: kam_rules::Lang,
    has_row: impl FnMut(&str, &str) -> Result<bool, StoreError>,
) -> Result<Vec<MergeReject>, StoreError> {
    rejects_outside(scratch.refs_outside()?, lang, has_row)
}

/// Of the references naming no record of the folder, those naming none of
/// the file either, as rejects.
fn rejects_outside(
    unnamed: Vec<Ref>,
    lang: kam_rules::Lang,
    mut has_row: impl FnMut(&str, &str) -> Result<bool, StoreError>,
) -> Result<Vec<MergeReject>, StoreError> {
    let mut out = Vec::new();
    for r in unnamed {
        if !has_row(&r.target, &r.id)? {
            out.push(MergeReject {
                file: r.file,
                row: r.line,
                problems: vec![Problem {
                    column: r.column,
                    message: T::MergeRefOutside
                        .fill(lang, &[("id", &crate::safe_text::cell(&r.id)), ("file", &format!("{}.csv", r.target))]),
                }],
            });
        }
    }
    Ok(out)
}

/// About how many records a folder's main files hold: as its manifest
/// counts them, else from the files' sizes. (It decides only whether a
/// large merge sets the indexes of empty tables aside.)
fn merge_estimate(plans: &[MergePlan], manifest: Option<&ManifestFacts>) -> usize {
    plans
        .iter()
        .map(|p| {
            let claimed = manifest.and_then(|m| m.files.get(&file_of(&p.main)).copied());
            let n = claimed.unwrap_or_else(|| std::fs::metadata(&p.file).map_or(0, |m| m.len() / 128));
            usize::try_from(n).unwrap_or(usize::MAX)
        })
        .fold(0, usize::saturating_add)
}

/// What stops a merge's writes to roll them back: a reject, or an error
/// kept in [`FolderPass::failed`].
fn stopped() -> StoreError {
    StoreError::Io { path: String::new(), source: io::Error::other("the merge was refused") }
}

/// What a [`FolderPass`] starts from, apart from what reading needs
/// ([`MergeCtx`]) and its progress: built where the pass runs.
struct PassParts<'a> {
    plans: &'a mut [MergePlan],
    chunk: usize,
    rejects: Vec<MergeReject>,
    counted: BTreeMap<String, u64>,
    write: bool,
    deletions: Vec<Deletion>,
    manifest: Option<&'a ManifestFacts>,
    dir: &'a Path,
    beside: bool,
    targets: HashSet<String>,
}

impl<'a> PassParts<'a> {
    fn into_pass<'c, 'o>(self, ctx: &'c MergeCtx<'c>, on: OnProgress<'o>) -> FolderPass<'c, 'o>
    where
        'a: 'c,
    {
        FolderPass {
            plans: self.plans,
            ctx,
            chunk: self.chunk,
            on,
            rejects: self.rejects,
            counted: self.counted,
            records: 0,
            next_plan: 0,
            current: None,
            ready: Vec::new().into_iter(),
            write: self.write,
            deletions: self.deletions.into_iter(),
            manifest: self.manifest,
            dir: self.dir,
            failed: None,
            read: false,
            beside: self.beside,
            streams: Vec::new(),
            last_id: None,
            targets: self.targets,
        }
    }
}

/// Records built by the merge's reader, sent to its writer a batch at a
/// time, and how many batches may wait: two chunks' worth, so that the
/// reader builds its next chunk while the writer writes the one before
/// (with half a chunk waiting, each mostly waited for the other).
const SENT_BATCH: usize = 512;
const SENT_BATCHES: usize = 2 * MERGE_CHUNK / SENT_BATCH;

/// What the merge's reader sends its writer.
enum Piece {
    Ops(Vec<ImportOp>),
    Progress(String, u64),
    /// The pass ended the merge (a reject, or an error kept by the reader).
    Failed(StoreError),
}

/// The writer's side of the merge's reader: its records in order, its
/// progress told as it comes.
struct Received<'o> {
    receive: std::sync::mpsc::Receiver<Piece>,
    on: OnProgress<'o>,
    ops: std::vec::IntoIter<ImportOp>,
}

impl Iterator for Received<'_> {
    type Item = Result<ImportOp, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(op) = self.ops.next() {
                return Some(Ok(op));
            }
            match self.receive.recv() {
                Ok(Piece::Ops(ops)) => self.ops = ops.into_iter(),
                Ok(Piece::Progress(what, n)) => (self.on)(&what, n),
                Ok(Piece::Failed(e)) => return Some(Err(e)),
                Err(_) => return None,
            }
        }
    }
}

/// The one pass of a merge over its folder: each plan's child files kept
/// in the scratch file, then its main file read a chunk at a time, every
/// row checked and built with its child rows; with `write`, the records
/// built handed to the writer while no row has been refused, then the
/// deletions. A reject found stops the writes (the rest of the folder is
/// still checked, to report every refused row) and ends the ops with an
/// error, which rolls the merge back.
struct FolderPass<'a, 'o> {
    plans: &'a mut [MergePlan],
    ctx: &'a MergeCtx<'a>,
    chunk: usize,
    on: OnProgress<'o>,
    rejects: Vec<MergeReject>,
    counted: BTreeMap<String, u64>,
    records: usize,
    next_plan: usize,
    /// The plan being read: its index, its main file, and where its
    /// rejects begin.
    current: Option<(usize, Sheet, SheetRows, usize)>,
    ready: std::vec::IntoIter<ImportOp>,
    write: bool,
    deletions: std::vec::IntoIter<Deletion>,
    manifest: Option<&'a ManifestFacts>,
    dir: &'a Path,
    /// An error that ended the pass (given back instead of [`stopped`]).
    failed: Option<ImportError>,
    /// Every file read.
    read: bool,
    /// Child files read beside their main file ([`ChildStream`]) instead
    /// of through the scratch file.
    beside: bool,
    /// The child files of the plan being read, when read beside.
    streams: Vec<ChildStream>,
    /// The id of the last row of the main file being read (beside).
    last_id: Option<String>,
    /// The tables some reference of the folder names.
    targets: HashSet<String>,
}

impl FolderPass<'_, '_> {
    /// The next chunk's records to write, or none when every file is read.
    fn fill(&mut self) -> Result<bool, ImportError> {
        let lang = self.ctx.lang;
        loop {
            let Some((at, sheet, rows, first)) = self.current.as_mut() else {
                if self.next_plan >= self.plans.len() {
                    return Ok(false);
                }
                let at = self.next_plan;
                self.next_plan += 1;
                (self.on)(self.plans[at].main.table, self.records as u64);
                let first = self.rejects.len();
                let columns = if self.beside {
                    self.streams.clear();
                    self.last_id = None;
                    let mut columns = Vec::new();
                    for (child, path) in &self.plans[at].children {
                        let stream = ChildStream::open(child, path)?;
                        columns.extend(lacking_columns(child, &stream.sheet));
                        self.streams.push(stream);
                    }
                    columns
                } else {
                    keep_children(self.ctx.scratch, &self.plans[at], self.chunk, &mut self.rejects, &mut self.counted)?
                };
                let plan = &mut self.plans[at];
                plan.child_columns = columns;
                let (sheet, rows) = open_sheet(&plan.file, &plan.main, &[])?;
                self.current = Some((at, sheet, rows, first));
                continue;
            };
            let plan = &self.plans[*at];
            let main_file = file_of(&plan.main);
            let raw = rows.chunk(self.chunk)?;
            if raw.is_empty() {
                if self.beside {
                    // The child rows after the last parent have none.
                    for (stream, refs) in self.streams.iter_mut().zip(&plan.child_refs) {
                        while stream.peek(refs, &mut self.rejects, &mut self.counted)?.is_some() {
                            if let Some((parent, (_, line, _))) = stream.next.take() {
                                self.rejects.push(orphan(&stream.file, line, &parent, &plan.main, lang));
                            }
                        }
                        stream.note_refs(self.ctx.scratch, refs)?;
                    }
                    self.streams.clear();
                } else {
                    for (child, _) in &plan.children {
                        for (line, parent) in self.ctx.scratch.orphans(child.table, plan.main.table)? {
                            self.rejects.push(orphan(&file_of(child), line, &parent, &plan.main, lang));
                        }
                    }
                }
                // The main file's rejects first, then each child file's, each by row.
                let first = *first;
                self.rejects[first..]
                    .sort_by(|a, b| (a.file != main_file, &a.file, a.row).cmp(&(b.file != main_file, &b.file, b.row)));
                self.current = None;
                continue;
            }
            *self.counted.entry(main_file.clone()).or_default() +=
                raw.iter().filter(|(_, r)| !r.is_empty()).count() as u64;
            // Read beside: each row's child rows, taken from each child
            // file up to the row's id.
            let mut groups: Vec<Vec<Vec<BesideRow>>> = Vec::new();
            if self.beside {
                groups.reserve(raw.len());
                for (_, r) in &raw {
                    let mut group: Vec<Vec<BesideRow>> = self.streams.iter().map(|_| Vec::new()).collect();
                    if let Some(id) = row_id(sheet, r) {
                        let odd = Id::parse(id).is_ok_and(|p| p.as_str() != id);
                        if odd || self.last_id.as_deref().is_some_and(|last| last >= id) {
                            return Err(out_of_order(&sheet.shown));
                        }
                        self.last_id = Some(id.to_string());
                        for ((stream, refs), group) in self.streams.iter_mut().zip(&plan.child_refs).zip(&mut group) {
                            loop {
                                let order = match stream.peek(refs, &mut self.rejects, &mut self.counted)? {
                                    None => break,
                                    Some(parent) => parent.cmp(id),
                                };
                                if order == std::cmp::Ordering::Greater {
                                    break;
                                }
                                let Some((parent, row)) = stream.next.take() else { break };
                                if order == std::cmp::Ordering::Equal {
                                    group.push(row);
                                } else {
                                    self.rejects.push(orphan(&stream.file, row.1, &parent, &plan.main, lang));
                                }
                            }
                        }
                    }
                    groups.push(group);
                }
            }
            let before = self.rejects.len();
            let built = if self.beside {
                let columns: Vec<&[Option<String>]> = self.streams.iter().map(|s| s.sheet.columns.as_slice()).collect();
                build_chunk(plan, sheet, &raw, self.ctx, Kids::Beside(&mut groups, &columns), &mut self.rejects)?
            } else {
                build_chunk(plan, sheet, &raw, self.ctx, Kids::Scratch, &mut self.rejects)?
            };
            self.records += built.len();
            (self.on)(plan.main.table, self.records as u64);
            // The rows that read (even with a bad child row) are the
            // parents a child row may name.
            let bad: HashSet<usize> =
                self.rejects[before..].iter().filter(|r| r.file == main_file).map(|r| r.row).collect();
            if self.beside {
                // A refused row is no parent: its child rows are orphans.
                for ((n, r), group) in raw.iter().zip(&groups) {
                    if bad.contains(n) {
                        let parent = row_id(sheet, r).unwrap_or_default();
                        for (stream, rows) in self.streams.iter().zip(group) {
                            for (_, line, _) in rows {
                                self.rejects.push(orphan(&stream.file, *line, parent, &plan.main, lang));
                            }
                        }
                    }
                }
                for (stream, refs) in self.streams.iter_mut().zip(&plan.child_refs) {
                    stream.note_refs(self.ctx.scratch, refs)?;
                }
            }
            let good = || raw.iter().filter(|(n, r)| !r.is_empty() && !bad.contains(n));
            // Read beside, the ids of a table no reference names are not
            // needed: no child row is looked up by them.
            if !self.beside || self.targets.contains(plan.main.table) {
                self.ctx.scratch.add_parents(plan.main.table, good().filter_map(|(_, r)| row_id(sheet, r)))?;
            }
            let refs: Vec<NewRef<'_>> =
                good().flat_map(|(n, r)| row_refs(&sheet.columns, r, &plan.refs, &main_file, *n)).collect();
            self.ctx.scratch.add_refs(&refs)?;
            if self.write && self.rejects.is_empty() && !built.is_empty() {
                self.ready = built.into_iter();
                return Ok(true);
            }
        }
    }

    fn fail(&mut self, e: ImportError) -> Result<ImportOp, StoreError> {
        self.failed = Some(e);
        self.read = true;
        self.write = false;
        Err(stopped())
    }
}

impl Iterator for FolderPass<'_, '_> {
    type Item = Result<ImportOp, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(op) = self.ready.next() {
            return Some(Ok(op));
        }
        if !self.read {
            match self.fill() {
                Ok(true) => return self.ready.next().map(Ok),
                Ok(false) => {
                    self.read = true;
                    if let Some(m) = self.manifest {
                        if let Err(e) = m.check_counts(self.dir, &self.counted, self.ctx.lang) {
                            return Some(self.fail(e));
                        }
                    }
                    if self.write {
                        if !self.rejects.is_empty() {
                            self.write = false;
                            return Some(Err(stopped()));
                        }
                        (self.on)("writing", self.records as u64);
                    }
                }
                Err(e) => return Some(self.fail(e)),
            }
        }
        // Deletions after every record: a record the folder sends and
        // deletes another day is in the file before it goes to the trash.
        if self.write {
            self.deletions.next().map(|d| Ok(ImportOp::Delete(d)))
        } else {
            None
        }
    }
}

/// What a folder's manifest.json says, checked.
struct ManifestFacts {
    masked: bool,
    /// Rows per file, as the export wrote them.
    files: BTreeMap<String, u64>,
}

impl ManifestFacts {
    /// Each file present whose rows are not as many as the manifest says
    /// refuses the folder: it was cut short or changed after the export.
    fn check_counts(
        &self,
        dir: &Path,
        counted: &BTreeMap<String, u64>,
        lang: kam_rules::Lang,
    ) -> Result<(), ImportError> {
        for (file, n) in counted {
            if let Some(claimed) = self.files.get(file).filter(|c| *c != n) {
                return Err(format_error(
                    &shown_path(&dir.join("manifest.json")),
                    T::MergeCountMismatch
                        .fill(lang, &[("file", file), ("claimed", &claimed.to_string()), ("n", &n.to_string())]),
                ));
            }
        }
        Ok(())
    }
}

/// Reads and checks a folder's manifest.json, when there is one: its
/// `masked` must say true or false (a masked export merged as real values
/// would write `158****0194` over phones), its schema be one this kam
/// reads, and its file counts whole numbers.
fn read_manifest(dir: &Path, lang: kam_rules::Lang) -> Result<Option<ManifestFacts>, ImportError> {
    let path = dir.join("manifest.json");
    if !path.exists() {
        return Ok(None);
    }
    let shown = shown_path(&path);
    let refused = |t: T, args: &[(&str, &str)]| format_error(&shown, t.fill(lang, args));
    let text = crate::files::read_regular_to_string(&path)
        .map_err(|source| ImportError::Read { path: shown.clone(), source })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        refused(T::MergeManifestNotJson, &[("line", &e.line().to_string()), ("column", &e.column().to_string())])
    })?;
    let Some(obj) = v.as_object() else {
        return Err(refused(T::MergeManifestNotObject, &[]));
    };
    let quoted = |v: &serde_json::Value| crate::safe_text::cell(&v.to_string()).into_owned();
    let masked = match obj.get("masked") {
        Some(serde_json::Value::Bool(b)) => *b,
        None => return Err(refused(T::MergeManifestNoMasked, &[])),
        Some(other) => return Err(refused(T::MergeManifestMaskedNotFlag, &[("value", &quoted(other))])),
    };
    if let Some(version) = obj.get("schema_version") {
        match version.as_u64() {
            Some(n) if n <= u64::from(SCHEMA_VERSION) => {}
            Some(n) => {
                return Err(refused(
                    T::MergeManifestNewerSchema,
                    &[("n", &n.to_string()), ("max", &SCHEMA_VERSION.to_string())],
                ))
            }
            None => return Err(refused(T::MergeManifestSchemaNotWhole, &[("value", &quoted(version))])),
        }
    }
    let mut files = BTreeMap::new();
    match obj.get("files") {
        None => {}
        Some(serde_json::Value::Object(m)) => {
            for (name, n) in m {
                let Some(n) = n.as_u64() else {
                    return Err(refused(
                        T::MergeManifestCountNotWhole,
                        &[("value", &quoted(n)), ("name", &crate::safe_text::cell(name))],
                    ));
                };
                files.insert(name.clone(), n);
            }
        }
        Some(other) => return Err(refused(T::MergeManifestFilesNotMap, &[("value", &quoted(other))])),
    }
    Ok(Some(ManifestFacts { masked, files }))
}

/// The references a row makes (`refs`: column and table named), for the
/// check that each names a record in the folder or in the file.
fn row_refs<'a>(
    columns: &'a [Option<String>],
    row: &'a [String],
    refs: &'a [(String, String)],
    file: &'a str,
    line: usize,
) -> Vec<NewRef<'a>> {
    refs.iter()
        .filter_map(|(column, target)| {
            let at = columns.iter().position(|c| c.as_deref() == Some(column.as_str()))?;
            let id = row.get(at)?.trim();
            (!id.is_empty()).then_some(NewRef { file, line, column, target, id })
        })
        .collect()
}

fn file_of(layout: &TableLayout) -> String {
    format!("{}.csv", layout.table)
}

/// The id cell of a main file's row, when it has one.
fn row_id<'a>(sheet: &Sheet, row: &'a [String]) -> Option<&'a str> {
    sheet
        .columns
        .iter()
        .zip(row)
        .find(|(c, _)| c.as_deref() == Some("id"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
}

/// The columns of a child set that its file lacks (its parent and position
/// aside), named with the set when there are any.
fn lacking_columns(child: &TableLayout, sheet: &Sheet) -> Option<(&'static str, Vec<&'static str>)> {
    let lacks: Vec<&'static str> = child
        .columns
        .iter()
        .copied()
        .filter(|c| !["parent_id", "pos"].contains(c) && !sheet.columns.iter().any(|s| s.as_deref() == Some(*c)))
        .collect();
    match (child.child, lacks.is_empty()) {
        (Some(name), false) => Some((name, lacks)),
        _ => None,
    }
}

/// A non-blank child row read: its parent's id and position, or its
/// problems when it holds a refused character.
fn child_row<'a>(sheet: &'a Sheet, row: &'a [String], row_no: usize) -> Result<(&'a str, usize), Vec<Problem>> {
    let refused = refused_cells(&sheet.columns, row);
    if !refused.is_empty() {
        return Err(refused);
    }
    let cell = |name: &str| sheet.columns.iter().zip(row).find(|(c, _)| c.as_deref() == Some(name)).map(|(_, t)| t);
    let parent = cell("parent_id").map(|t| t.trim()).unwrap_or_default();
    // Only the order of `pos` counts: a folder numbered from 1
    // (FIRST_POS) and an older one numbered from 0 read the same.
    let pos = cell("pos").and_then(|t| t.trim().parse::<usize>().ok()).unwrap_or(row_no);
    Ok((parent, pos))
}

/// Reads each child file of `plan` a chunk at a time into the scratch
/// file; a row with a refused character is a reject. Returns the child
/// sets whose file lacks some of their columns, with those columns.
fn keep_children(
    scratch: &MergeScratch,
    plan: &MergePlan,
    chunk: usize,
    rejects: &mut Vec<MergeReject>,
    counted: &mut BTreeMap<String, u64>,
) -> Result<Vec<(&'static str, Vec<&'static str>)>, ImportError> {
    let mut missing = Vec::new();
    for ((child, path), refs) in plan.children.iter().zip(&plan.child_refs) {
        let (sheet, mut reader) = open_sheet(path, child, &[])?;
        missing.extend(lacking_columns(child, &sheet));
        let file = file_of(child);
        loop {
            let rows = reader.chunk(chunk)?;
            if rows.is_empty() {
                break;
            }
            *counted.entry(file.clone()).or_default() += rows.iter().filter(|(_, r)| !r.is_empty()).count() as u64;
            let mut kept: Vec<NewChild<'_>> = Vec::with_capacity(rows.len());
            let mut named: Vec<NewRef<'_>> = Vec::new();
            for (row_no, row) in &rows {
                let row_no = *row_no;
                if row.is_empty() {
                    continue;
                }
                match child_row(&sheet, row, row_no) {
                    Err(refused) => rejects.push(MergeReject { file: file_of(child), row: row_no, problems: refused }),
                    Ok((parent, pos)) => {
                        named.extend(row_refs(&sheet.columns, row, refs, &file, row_no));
                        kept.push((parent, pos, row_no, named_cells(&sheet, row)));
                    }
                }
            }
            scratch.add_children(child.table, &kept)?;
            scratch.add_refs(&named)?;
        }
    }
    Ok(missing)
}

/// A child row kept beside its main file: its position, line and cells.
type BesideRow = (usize, usize, Vec<String>);

/// A child file read beside its main file, both in id order (as kam
/// exports them): the rows of each parent are taken as the parent's row
/// is read, with no scratch file between. A file found out of that order
/// ends the pass, and the folder is read again through the scratch file.
struct ChildStream {
    sheet: Sheet,
    rows: SheetRows,
    file: String,
    /// The next row kept and not yet taken, with its parent's id.
    next: Option<(String, BesideRow)>,
    /// The parent of the last row kept.
    last: String,
    /// The references of the rows read, not yet noted: line, which of
    /// the plan's references, id.
    named: Vec<(usize, usize, String)>,
    done: bool,
}

/// A child or main file found out of id order (or a row whose id reads
/// otherwise than written): the folder is read again through the scratch file.
fn out_of_order(shown: &str) -> ImportError {
    format_error(shown, "not in id order")
}

impl ChildStream {
    fn open(child: &TableLayout, path: &Path) -> Result<Self, ImportError> {
        let (sheet, rows) = open_sheet(path, child, &[])?;
        Ok(Self { sheet, rows, file: file_of(child), next: None, last: String::new(), named: Vec::new(), done: false })
    }

    /// The parent of the next row kept, reading on to it: a row with a
    /// refused character is a reject.
    fn peek(
        &mut self,
        refs: &[(String, String)],
        rejects: &mut Vec<MergeReject>,
        counted: &mut BTreeMap<String, u64>,
    ) -> Result<Option<&str>, ImportError> {
        while self.next.is_none() && !self.done {
            let Some((row_no, row)) = self.rows.next_row()? else {
                self.done = true;
                break;
            };
            if row.is_empty() {
                continue;
            }
            match counted.get_mut(&self.file) {
                Some(n) => *n += 1,
                None => {
                    counted.insert(self.file.clone(), 1);
                }
            }
            let (parent, pos) = match child_row(&self.sheet, &row, row_no) {
                Err(refused) => {
                    rejects.push(MergeReject { file: self.file.clone(), row: row_no, problems: refused });
                    continue;
                }
                Ok((parent, pos)) => (parent.to_string(), pos),
            };
            if parent < self.last {
                return Err(out_of_order(&self.sheet.shown));
            }
            for (k, (column, _)) in refs.iter().enumerate() {
                let at = self.sheet.columns.iter().position(|c| c.as_deref() == Some(column.as_str()));
                if let Some(id) = at.and_then(|at| row.get(at)).map(|t| t.trim()).filter(|t| !t.is_empty()) {
                    self.named.push((row_no, k, id.to_string()));
                }
            }
            if parent != self.last {
                self.last.clone_from(&parent);
            }
            self.next = Some((parent, (pos, row_no, row)));
        }
        Ok(self.next.as_ref().map(|(p, _)| p.as_str()))
    }

    /// Notes the references of the rows read in the scratch file.
    fn note_refs(&mut self, scratch: &MergeScratch, refs: &[(String, String)]) -> Result<(), StoreError> {
        let named: Vec<NewRef<'_>> = self
            .named
            .iter()
            .map(|(line, k, id)| NewRef { file: &self.file, line: *line, column: &refs[*k].0, target: &refs[*k].1, id })
            .collect();
        scratch.add_refs(&named)?;
        self.named.clear();
        Ok(())
    }
}

/// A child row whose parent is not a record of its main file (or is a
/// row of it that was refused), as a reject.
fn orphan(child_file: &str, line: usize, parent: &str, main: &TableLayout, lang: kam_rules::Lang) -> MergeReject {
    MergeReject {
        file: child_file.to_string(),
        row: line,
        problems: vec![Problem {
            column: "parent_id".into(),
            message: T::MergeOrphan.fill(lang, &[("id", &crate::safe_text::cell(parent)), ("file", &file_of(main))]),
        }],
    }
}

/// A row's cells with their columns.
type NamedCells<'a> = Vec<(&'a str, &'a str)>;

/// Where the child rows of a chunk's records come from.
enum Kids<'a> {
    /// Looked up in the scratch file by their parent's id.
    Scratch,
    /// Read beside the main file ([`ChildStream`]): per row of the chunk,
    /// per child file of the plan, its rows; with each child file's columns.
    Beside(&'a mut [Vec<Vec<BesideRow>>], &'a [&'a [Option<String>]]),
}

/// The records of a chunk of a main file's rows, each with its child rows
/// (from the scratch file, or read beside). A row or child row that does
/// not read is a reject (and its record left out).
fn build_chunk(
    plan: &MergePlan,
    sheet: &Sheet,
    rows: &[RawRow],
    ctx: &MergeCtx<'_>,
    kids: Kids<'_>,
    rejects: &mut Vec<MergeReject>,
) -> Result<Vec<ImportOp>, ImportError> {
    macro_rules! build {
        ($ty:ty) => {
            build_chunk_of::<$ty>(plan, sheet, rows, ctx, kids, rejects)
        };
    }
    match plan.main.kind {
        RecordKind::Account => build!(Account),
        RecordKind::Contact => build!(Contact),
        RecordKind::Order => build!(Order),
        RecordKind::Visit => build!(Visit),
        RecordKind::ChangeEvent => build!(ChangeEvent),
        RecordKind::Feedback => build!(Feedback),
        RecordKind::CallPlan => build!(CallPlan),
        RecordKind::Presentation => build!(Presentation),
        RecordKind::VipCard => build!(VipCard),
        RecordKind::Target => build!(Target),
    }
}

fn build_chunk_of<R: Record + Default + 'static>(
    plan: &MergePlan,
    sheet: &Sheet,
    rows: &[RawRow],
    ctx: &MergeCtx<'_>,
    mut kids: Kids<'_>,
    rejects: &mut Vec<MergeReject>,
) -> Result<Vec<ImportOp>, ImportError> {
    let file_name = file_of(&plan.main);
    // What the folder did not send keeps our values: a column not in the
    // file, a column the export masked, a child set whose file is absent.
    let masked = if ctx.masked { personal(plan.main.table) } else { Vec::new() };
    let keep = Unsent {
        columns: R::COLUMNS
            .iter()
            .copied()
            .filter(|c| masked.contains(c) || !sheet.columns.iter().any(|s| s.as_deref() == Some(*c)))
            .collect(),
        children: plan.unsent_children.clone(),
        child_columns: plan.child_columns.clone(),
    };
    let mut out = Vec::with_capacity(rows.len());
    for (at, (row_no, row)) in rows.iter().enumerate() {
        let row_no = *row_no;
        if row.is_empty() {
            continue;
        }
        let mut record = match main_record::<R>(plan.main.table, sheet, row, ctx) {
            Ok(r) => r,
            Err(problems) => {
                rejects.push(MergeReject { file: file_name.clone(), row: row_no, problems });
                continue;
            }
        };
        let id = record.meta().id.to_string();
        let mut ok = true;
        for (c, (child, _)) in plan.children.iter().enumerate() {
            let looked_up;
            let (lines, cells): (Vec<usize>, Vec<NamedCells<'_>>) = match &mut kids {
                Kids::Scratch => {
                    looked_up = ctx.scratch.children_of(child.table, &id)?;
                    (
                        looked_up.iter().map(|(_, line, _)| *line).collect(),
                        looked_up
                            .iter()
                            .map(|(_, _, c)| c.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect())
                            .collect(),
                    )
                }
                Kids::Beside(groups, columns) => {
                    let group = &mut groups[at][c];
                    // By position then line, as the scratch file gives them.
                    group.sort_by_key(|(pos, line, _)| (*pos, *line));
                    let group = &groups[at][c];
                    (
                        group.iter().map(|(_, line, _)| *line).collect(),
                        group
                            .iter()
                            .map(|(_, _, row)| {
                                columns[c]
                                    .iter()
                                    .zip(row)
                                    .filter_map(|(c, t)| c.as_deref().map(|c| (c, t.as_str())))
                                    .collect()
                            })
                            .collect(),
                    )
                }
            };
            if cells.is_empty() {
                continue;
            }
            if let Err(errors) = attach_children(&mut record, child.child.unwrap_or_default(), &cells) {
                ok = false;
                for (i, e) in errors {
                    rejects.push(MergeReject {
                        file: file_of(child),
                        row: lines.get(i).copied().unwrap_or(0),
                        problems: problems(vec![e], cells.get(i).map_or(&[][..], Vec::as_slice), ctx.lang),
                    });
                }
            }
        }
        // Checked again with its child rows (an order's collections may
        // not pass its net amount): the writer takes the records as checked.
        if ok && !plan.children.is_empty() {
            if let Err(errors) = validated(&record) {
                ok = false;
                rejects.push(MergeReject {
                    file: file_name.clone(),
                    row: row_no,
                    problems: problems(errors, &named_cells(sheet, row), ctx.lang),
                });
            }
        }
        if ok {
            let sent = if ctx.clocks { Some(ctx.scratch.clocks_of(&id)?) } else { None };
            out.push(ImportOp::Merge(record.into_any(), keep.clone(), sent));
        }
    }
    Ok(out)
}

/// A main file's row as a record: refused characters, a missing id, cells
/// that do not read and future times are its problems.
fn main_record<R: Record + Default + 'static>(
    table: &str,
    sheet: &Sheet,
    row: &[String],
    ctx: &MergeCtx<'_>,
) -> Result<R, Vec<Problem>> {
    let refused = refused_cells(&sheet.columns, row);
    if !refused.is_empty() {
        return Err(refused);
    }
    let mut cells = named_cells(sheet, row);
    let personal = personal(table);
    if ctx.masked {
        cells.retain(|(c, _)| !personal.contains(c));
    } else {
        // Masked values in a folder that does not say it was masked (its
        // manifest.json lost): merged, they would replace the real ones.
        let looks: Vec<Problem> = cells
            .iter()
            .filter(|(c, t)| personal.contains(c) && kam_rules::privacy::looks_masked(t))
            .map(|(c, t)| Problem {
                column: (*c).to_string(),
                message: T::MergeLooksMasked.fill(ctx.lang, &[("value", &crate::safe_text::cell(t))]),
            })
            .collect();
        if !looks.is_empty() {
            return Err(looks);
        }
    }
    for column in ["id", "updated_at"] {
        if !cells.iter().any(|(c, t)| *c == column && !t.trim().is_empty()) {
            return Err(vec![Problem {
                column: column.into(),
                message: T::MergeNoIdColumn.fill(ctx.lang, &[("column", column)]),
            }]);
        }
    }
    let r = record_from_cells::<R>(&cells).map_err(|e| problems(e, &cells, ctx.lang))?;
    let future = future_times(r.meta(), ctx.latest, ctx.lang);
    if future.is_empty() {
        Ok(r)
    } else {
        Err(future)
    }
}

/// The second pass of a merge: each main file read again, a chunk of
/// records built (with their child rows) at a time as the writer takes them.
struct MergeOps<'a> {
    plans: &'a [MergePlan],
    ctx: &'a MergeCtx<'a>,
    chunk: usize,
    next_plan: usize,
    current: Option<(&'a MergePlan, Sheet, SheetRows)>,
    ready: std::vec::IntoIter<ImportOp>,
}

impl MergeOps<'_> {
    fn changed(shown: &str, what: String) -> StoreError {
        StoreError::Io { path: shown.to_string(), source: io::Error::other(what) }
    }

    /// The next chunk's records, or none when every file is read.
    fn fill(&mut self) -> Result<bool, StoreError> {
        let as_store = |e: ImportError| match e {
            ImportError::Store(e) => e,
            other => StoreError::Io { path: String::new(), source: io::Error::other(other.to_string()) },
        };
        loop {
            if self.current.is_none() {
                let Some(plan) = self.plans.get(self.next_plan) else { return Ok(false) };
                self.next_plan += 1;
                let (sheet, rows) = open_sheet(&plan.file, &plan.main, &[]).map_err(as_store)?;
                self.current = Some((plan, sheet, rows));
            }
            let Some((plan, sheet, rows)) = self.current.as_mut() else { return Ok(false) };
            let raw = rows.chunk(self.chunk).map_err(as_store)?;
            if raw.is_empty() {
                self.current = None;
                continue;
            }
            let mut rejects = Vec::new();
            let built = build_chunk(plan, sheet, &raw, self.ctx, Kids::Scratch, &mut rejects).map_err(as_store)?;
            if let Some(r) = rejects.first() {
                let what = T::MergeRowChanged.fill(self.ctx.lang, &[("file", &r.file), ("row", &r.row.to_string())]);
                return Err(Self::changed(&sheet.shown, what));
            }
            if !built.is_empty() {
                self.ready = built.into_iter();
                return Ok(true);
            }
        }
    }
}

impl Iterator for MergeOps<'_> {
    type Item = Result<ImportOp, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(op) = self.ready.next() {
            return Some(Ok(op));
        }
        match self.fill() {
            Ok(true) => self.ready.next().map(Ok),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

fn named_cells<'a>(sheet: &'a Sheet, row: &'a [String]) -> Vec<(&'a str, &'a str)> {
    sheet.columns.iter().zip(row).filter_map(|(c, t)| c.as_deref().map(|c| (c, t.as_str()))).collect()
}

/// A merged record's times more than a day after `latest` (the store's
/// now and a day): a record stamped in the year 9999 would win every later
/// merge (issue #17).
fn future_times(meta: &crate::model::Meta, latest: DateTime<Utc>, lang: kam_rules::Lang) -> Vec<Problem> {
    let now = (latest - chrono::Duration::days(1)).to_rfc3339();
    [("created_at", meta.created_at), ("updated_at", meta.updated_at)]
        .into_iter()
        .filter(|(_, t)| *t > latest)
        .map(|(column, t)| Problem {
            column: column.into(),
            message: T::MergeFutureTime.fill(lang, &[("time", &t.to_rfc3339()), ("now", &now)]),
        })
        .collect()
}

// ---- scorecard scores from a spreadsheet ---------------------------------------

/// Headers naming the account a row of scores is for (by id or by name).
const SCORES_ACCOUNT: &[&str] =
    &["account", "account_id", "account_name", "name", "客户", "客户ID", "客户名称", "名称", "公司名称", "企业名称"];

/// What a sheet of scorecard scores did, or the rows that refused it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScoresReport {
    pub encoding: String,
    pub rows: usize,
    /// Accounts whose scores the sheet changed.
    pub accounts: usize,
    /// Scores set or changed.
    pub scores: usize,
    /// Rows that changed nothing (every score as stored, or none given).
    pub unchanged: usize,
    /// The criteria the sheet's columns are, by key.
    pub criteria: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub rejects: Vec<Reject>,
    pub written: bool,
}

/// A criterion a header names: its key, its Chinese or English label.
fn criterion_of<'a>(header: &str, criteria: &'a [kam_rules::rules::Criterion]) -> Option<&'a str> {
    let h = header.trim().trim_start_matches('\u{feff}');
    criteria
        .iter()
        .find(|c| c.key.eq_ignore_ascii_case(h) || c.zh == h || c.en.eq_ignore_ascii_case(h))
        .map(|c| c.key.as_str())
}

/// Imports scorecard scores (§4.3) from a sheet with a column naming the
/// account (its id, or its name as the duplicate guard compares names) and
/// one column per criterion of the rules (its key or its label, in either
/// language), each 1–10; a blank cell leaves that score as it is. Every row
/// is checked first: a row naming no account or more than one, a score that
/// is not a whole number from 1 to 10, or an account named twice refuses the
/// sheet, and nothing is written. The changed accounts are saved in one
/// transaction, each with the scorecard's change in its history.
pub fn import_scores(
    store: &mut Store,
    path: &Path,
    criteria: &[kam_rules::rules::Criterion],
    lang: kam_rules::Lang,
    dry_run: bool,
) -> Result<ScoresReport, ImportError> {
    use crate::i18n::T;
    let (shown, encoding, _, mut rows, headers) = open_raw(path)?;
    let mut report = ScoresReport { encoding: encoding_name(encoding).into(), ..ScoresReport::default() };
    let mut account_col = None;
    let mut columns: Vec<(usize, &str)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let bare = h.trim().trim_start_matches('\u{feff}');
        if let Some(key) = criterion_of(bare, criteria) {
            if columns.iter().any(|(_, k)| *k == key) {
                return Err(format_error(
                    &shown,
                    T::ScoresColumnTwice.fill(lang, &[("column", &crate::safe_text::cell(bare))]),
                ));
            }
            columns.push((i, key));
        } else if account_col.is_none() && SCORES_ACCOUNT.iter().any(|a| a.eq_ignore_ascii_case(bare)) {
            account_col = Some(i);
        } else if !bare.is_empty() {
            report.ignored_columns.push(crate::safe_text::cell(bare).into_owned());
        }
    }
    let Some(account_col) = account_col else {
        return Err(format_error(&shown, T::ScoresNoAccountColumn.get(lang)));
    };
    if columns.is_empty() {
        let label = |c: &kam_rules::rules::Criterion| match lang {
            kam_rules::Lang::Zh => c.zh.clone(),
            kam_rules::Lang::En => c.en.clone(),
        };
        let names = criteria.iter().map(|c| format!("{} ({})", c.key, label(c))).collect::<Vec<_>>().join(", ");
        return Err(format_error(&shown, T::ScoresNoCriterion.fill(lang, &[("criteria", &names)])));
    }
    report.criteria = columns.iter().map(|(_, k)| (*k).to_string()).collect();
    let header_of = |i: usize| crate::safe_text::cell(headers.get(i).unwrap_or_default().trim()).into_owned();
    let mut changed: Vec<Account> = Vec::new();
    let mut seen: HashMap<Id, usize> = HashMap::new();
    while let Some((row, raw)) = rows.next_row()? {
        if raw.is_empty() {
            continue;
        }
        report.rows += 1;
        let mut problems = Vec::new();
        let named = raw.get(account_col).map_or("", |c| c.trim());
        let account = if named.is_empty() {
            problems.push(Problem { column: header_of(account_col), message: T::ScoresNoAccount.get(lang).into() });
            None
        } else {
            let mut found = Vec::new();
            if let Ok(id) = Id::parse(named) {
                match store.get::<Account>(&id) {
                    Ok(a) => found.push(a),
                    Err(StoreError::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            } else {
                for (id, _) in store.similar_accounts(named, "")? {
                    found.push(store.get::<Account>(&id)?);
                }
            }
            let quoted = crate::safe_text::quoted(named, MESSAGE_CHARS).into_owned();
            match found.len() {
                1 => found.pop(),
                0 => {
                    let message = T::ScoresAccountUnknown.fill(lang, &[("name", &quoted)]);
                    problems.push(Problem { column: header_of(account_col), message });
                    None
                }
                n => {
                    let message = T::ScoresAccountAmbiguous.fill(lang, &[("name", &quoted), ("n", &n.to_string())]);
                    problems.push(Problem { column: header_of(account_col), message });
                    None
                }
            }
        };
        if let Some(a) = &account {
            if let Some(first) = seen.insert(a.meta.id.clone(), row) {
                let message = T::ScoresAccountTwice.fill(lang, &[("row", &first.to_string())]);
                problems.push(Problem { column: header_of(account_col), message });
            }
        }
        let mut scores = Vec::new();
        for (i, key) in &columns {
            let cell = raw.get(*i).map_or("", |c| c.trim());
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<u8>() {
                Ok(n @ 1..=10) => scores.push((*key, n)),
                _ => problems.push(Problem {
                    column: header_of(*i),
                    message: T::ScoresBadScore.fill(lang, &[("value", &crate::safe_text::quoted(cell, MESSAGE_CHARS))]),
                }),
            }
        }
        match (account, problems.is_empty()) {
            (Some(mut a), true) => {
                let mut n = 0;
                for (key, score) in scores {
                    match a.scores.iter_mut().find(|s| s.criterion == key) {
                        Some(s) if s.score == score => {}
                        Some(s) => {
                            s.score = score;
                            n += 1;
                        }
                        None => {
                            a.scores.push(crate::model::Score { criterion: key.to_string(), score });
                            n += 1;
                        }
                    }
                }
                if n == 0 {
                    report.unchanged += 1;
                } else {
                    report.scores += n;
                    changed.push(a);
                }
            }
            _ => report.rejects.push(Reject { row, problems: problems.iter().map(bounded).collect() }),
        }
    }
    report.accounts = changed.len();
    if report.rejects.is_empty() && !dry_run && !changed.is_empty() {
        let reason = T::ScoresReason.fill(lang, &[("file", &shown)]);
        let mut records: Vec<&mut dyn crate::store::Saving> =
            changed.iter_mut().map(|a| a as &mut dyn crate::store::Saving).collect();
        store.save_all(&mut records, &reason)?;
        report.written = true;
    }
    Ok(report)
}
