//! Rows for export and import (DESIGN §5, §6): each record kind's table and
//! its child tables streamed as typed cells; records built back from text
//! cells; imports and merges written in one transaction.

use chrono::{DateTime, Utc};
use kam_rules::{Money, Rate};
use std::borrow::Cow;

use rusqlite::types::{Value, ValueRef};
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use super::bulk::IndexesAside;
use super::col::{timestamp, Col, Shown};
use super::history::trash_in;
use super::record::{
    clock_after, field_clocks, field_texts, insert_rows, insert_rows_derived, insert_rows_unless_taken, load,
    update_rows, write_clock, AnyRecord, FieldClock, Live, Record, RecordKind, Stamp,
};
use super::{sql_error, Store, StoreError};
use crate::model::{
    Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Meta, Order, Presentation, Target, VipCard, Visit,
};

/// Calls `$f::<Type>($args)` for the record type of a [`RecordKind`].
macro_rules! for_kind {
    ($kind:expr, $f:ident ( $($arg:expr),* )) => {
        match $kind {
            RecordKind::Account => $f::<Account>($($arg),*),
            RecordKind::Contact => $f::<Contact>($($arg),*),
            RecordKind::Order => $f::<Order>($($arg),*),
            RecordKind::Visit => $f::<Visit>($($arg),*),
            RecordKind::ChangeEvent => $f::<ChangeEvent>($($arg),*),
            RecordKind::Feedback => $f::<Feedback>($($arg),*),
            RecordKind::CallPlan => $f::<CallPlan>($($arg),*),
            RecordKind::Presentation => $f::<Presentation>($($arg),*),
            RecordKind::VipCard => $f::<VipCard>($($arg),*),
            RecordKind::Target => $f::<Target>($($arg),*),
        }
    };
}

/// A cell of an exported row, borrowed from the row being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Datum<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
    Money(Money),
    Rate(Rate),
    Bool(bool),
}

/// One exported table: a kind's own table, or one of its child tables whose
/// rows are keyed by `parent_id` and `pos`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLayout {
    pub kind: RecordKind,
    /// The table's name, which is also the file's stem.
    pub table: &'static str,
    /// For a child table, the name of the child set on the record.
    pub child: Option<&'static str>,
    pub columns: Vec<&'static str>,
    pub shown: Vec<Shown>,
}

/// The number an export gives the first child row of a record in its `pos`
/// column: rows are numbered 1, 2, 3… for the reader (kam keeps them from 0).
/// Exports before `first_pos` appeared in the manifest numbered from 0. A
/// merge reads `pos` only to put a record's child rows in order, so a
/// folder numbered either way merges the same, and no merge needs to tell
/// them apart.
pub const FIRST_POS: i64 = 1;

/// The bookkeeping columns an exported record starts with.
pub const META_COLUMNS: [&str; 5] = ["id", "version", "created_at", "updated_at", "updated_by"];

fn layouts_of<R: Record>() -> Vec<TableLayout> {
    let mut columns: Vec<&'static str> = META_COLUMNS.to_vec();
    columns.extend(R::COLUMNS);
    let mut shown = vec![Shown::Text, Shown::Integer, Shown::Text, Shown::Text, Shown::Text];
    shown.extend(R::column_shown());
    let mut out = vec![TableLayout { kind: R::KIND, table: R::KIND.table(), child: None, columns, shown }];
    for c in R::child_layouts() {
        let mut columns = vec!["parent_id", "pos"];
        columns.extend(c.columns);
        let mut shown = vec![Shown::Text, Shown::Integer];
        shown.extend(c.shown);
        out.push(TableLayout { kind: R::KIND, table: c.table, child: Some(c.name), columns, shown });
    }
    out
}

/// Every table of every kind, parents before their children, accounts first.
pub fn export_layouts() -> Vec<TableLayout> {
    RecordKind::ALL.iter().flat_map(|k| for_kind!(*k, layouts_of())).collect()
}

/// Which records an export takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// Every live record.
    All,
    /// Live records created or changed in `[from, to)`.
    Changed { from: DateTime<Utc>, to: DateTime<Utc> },
}

impl Span {
    /// The SQL condition (after `AND`) and its parameters that keep the rows
    /// whose `column` falls in the span; none for every row.
    fn filter(self, column: &str) -> (String, Vec<Value>) {
        match self {
            Span::All => (String::new(), vec![]),
            Span::Changed { from, to } => (
                format!(" AND {column} >= ?1 AND {column} < ?2"),
                vec![Value::Text(timestamp(from)), Value::Text(timestamp(to))],
            ),
        }
    }
}

/// A failure while streaming rows: the store's, or the sink's.
#[derive(Debug, thiserror::Error)]
pub enum RowsError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sink(E),
}

fn datum(v: ValueRef<'_>, shown: Shown) -> Datum<'_> {
    match (v, shown) {
        (ValueRef::Null, _) => Datum::Null,
        (ValueRef::Integer(i), Shown::Fen) => Datum::Money(Money::from_fen(i)),
        (ValueRef::Integer(i), Shown::Bp) => {
            u32::try_from(i).map_or(Datum::Int(i), |bp| Datum::Rate(Rate::from_bp(bp)))
        }
        (ValueRef::Integer(i), Shown::Bool) => Datum::Bool(i != 0),
        (ValueRef::Integer(i), _) => Datum::Int(i),
        (ValueRef::Text(b), _) => Datum::Text(String::from_utf8_lossy(b)),
        (ValueRef::Real(f), _) => Datum::Text(Cow::Owned(f.to_string())),
        (ValueRef::Blob(b), _) => Datum::Text(Cow::Owned(format!("<{} bytes>", b.len()))),
    }
}

impl Store {
    /// How many rows `table` (one of the exported tables) holds, live or not:
    /// how an export shares the tables between its writers.
    pub fn table_rows(&self, table: &str) -> Result<u64, StoreError> {
        if !export_layouts().iter().any(|l| l.table == table) {
            return Ok(0);
        }
        let ctx = format!("counting {table}");
        self.conn
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get::<_, i64>(0))
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| self.err(&ctx, e))
    }

    /// Streams the rows of one exported table to `each`, in a stable order,
    /// and returns how many there were. Child rows follow their parent's span
    /// and are numbered from [`FIRST_POS`]. Main rows are in id order and
    /// child rows in their parent's: a merge reads each child file beside
    /// its main file instead of keeping its rows until their parent comes.
    pub fn export_rows<E, F>(&self, layout: &TableLayout, span: Span, mut each: F) -> Result<u64, RowsError<E>>
    where
        E: std::error::Error + 'static,
        F: FnMut(&[Datum<'_>]) -> Result<(), E>,
    {
        let quoted =
            |prefix: &str| layout.columns.iter().map(|c| format!("{prefix}\"{c}\"")).collect::<Vec<_>>().join(", ");
        let parent = layout.kind.table();
        let (sql, params) = {
            let (filter, params) = span.filter("p.updated_at");
            let sql = match (layout.child.is_some(), span) {
                // Trashed parents are few: leave their children out with one
                // lookup list, keeping a plain scan in primary-key order.
                (true, Span::All) => format!(
                    "SELECT {} FROM {} c WHERE c.parent_id NOT IN \
                     (SELECT id FROM {parent} WHERE deleted_at IS NOT NULL) ORDER BY c.parent_id, c.pos",
                    quoted("c."),
                    layout.table
                ),
                (true, Span::Changed { .. }) => format!(
                    "SELECT {} FROM {parent} p JOIN {} c ON c.parent_id = p.id WHERE p.deleted_at IS NULL{filter} \
                     ORDER BY c.parent_id, c.pos",
                    quoted("c."),
                    layout.table
                ),
                (false, _) => {
                    format!("SELECT {} FROM {parent} p WHERE p.deleted_at IS NULL{filter} ORDER BY p.id", quoted("p."))
                }
            };
            (sql, params)
        };
        let ctx = format!("exporting {}", layout.table);
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(&ctx, e))?;
        let mut rows = stmt.query(params_from_iter(params)).map_err(|e| self.err(&ctx, e))?;
        let mut n = 0u64;
        while let Some(row) = rows.next().map_err(|e| self.err(&ctx, e))? {
            let mut cells = Vec::with_capacity(layout.columns.len());
            for (i, shown) in layout.shown.iter().enumerate() {
                let v = row.get_ref(i).map_err(|e| self.err(&ctx, e))?;
                cells.push(datum(v, *shown));
            }
            if let (Some(_), Some(Datum::Int(pos))) = (layout.child, cells.get_mut(1)) {
                *pos += FIRST_POS;
            }
            each(&cells).map_err(RowsError::Sink)?;
            n += 1;
        }
        Ok(n)
    }
}

/// The header of `field_clocks.csv`: per record of the export, when each
/// field it changed after its creation was set, by whom, and the clock of
/// the value that change replaced.
pub const CLOCK_COLUMNS: [&str; 6] = ["table", "record_id", "field", "at", "who", "base"];

impl Store {
    /// Streams the field clocks of the records an export of `span` writes
    /// (the live records of each exported table, their child sets' clocks
    /// included) to `each`, leaving out the fields `skip` names by table
    /// (masked ones: a clock without its value would claim a change that
    /// was not sent). Returns how many there were.
    pub fn export_clocks<E, F>(&self, span: Span, skip: &[(&str, &str)], mut each: F) -> Result<u64, RowsError<E>>
    where
        E: std::error::Error + 'static,
        F: FnMut([&str; 6]) -> Result<(), E>,
    {
        let (filter, params) = span.filter("p.updated_at");
        let mut n = 0u64;
        for layout in export_layouts().into_iter().filter(|l| l.child.is_none()) {
            let table = layout.table;
            let sql = format!(
                "SELECT fc.record_id, fc.field, fc.at, fc.who, coalesce(fc.base, '') FROM {table} p \
                 JOIN field_clocks fc ON fc.record_id = p.id WHERE p.deleted_at IS NULL{filter} ORDER BY p.rowid, fc.field"
            );
            let ctx = format!("exporting the field clocks of {table}");
            let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(&ctx, e))?;
            let mut rows = stmt.query(params_from_iter(params.iter())).map_err(|e| self.err(&ctx, e))?;
            while let Some(row) = rows.next().map_err(|e| self.err(&ctx, e))? {
                let text = |i: usize| row.get_ref(i).ok().and_then(|v| v.as_str().ok()).unwrap_or("");
                let (rec, field, at, who, base) = (text(0), text(1), text(2), text(3), text(4));
                if skip.contains(&(table, field)) {
                    continue;
                }
                each([table, rec, field, at, who, base]).map_err(RowsError::Sink)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// A deletion as `export_deletions` reads it: kind, id, when, by whom,
/// why, what the deleting side had seen, and whether it is in the trash
/// here (else a tombstone).
type DeletionRow = (String, String, String, String, String, Option<String>, bool);

impl Store {
    /// Streams the deletions an export of `span` carries (`deletions.csv`):
    /// the records of the exported kinds in the trash, and the tombstones
    /// of deletions merged for records this file has not seen, deleted in
    /// the span, oldest first. Each carries the newest change of the record
    /// this file had seen (its newest field clock, or its creation).
    pub fn export_deletions<E, F>(&self, span: Span, mut each: F) -> Result<u64, RowsError<E>>
    where
        E: std::error::Error + 'static,
        F: FnMut([&str; 6]) -> Result<(), E>,
    {
        let (filter, params) = span.filter("deleted_at");
        let ctx = "exporting the deletions";
        let sql = format!(
            "SELECT kind, record_id, deleted_at, deleted_by, reason, NULL, 1 FROM trash WHERE 1{filter} \
             UNION ALL SELECT kind, record_id, deleted_at, deleted_by, reason, seen, 0 FROM tombstones WHERE 1{filter} \
             ORDER BY 3, 2"
        );
        let rows: Vec<DeletionRow> = self.rows(ctx, &sql, params_from_iter(params), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?;
        let exported: Vec<RecordKind> = export_layouts().iter().filter(|l| l.child.is_none()).map(|l| l.kind).collect();
        let mut n = 0u64;
        for (kind, id, at, by, reason, seen, in_trash) in rows {
            let Some(k) = RecordKind::parse(&kind).filter(|k| exported.contains(k)) else {
                continue;
            };
            let seen = if in_trash {
                self.conn
                    .prepare_cached(&format!(
                        "SELECT coalesce((SELECT max(at) FROM field_clocks WHERE record_id = ?1), \
                         (SELECT created_at FROM {} WHERE id = ?1))",
                        k.table()
                    ))
                    .and_then(|mut s| s.query_row([id.as_str()], |r| r.get::<_, Option<String>>(0)))
                    .map_err(|e| self.err(ctx, e))?
            } else {
                seen
            };
            each([&kind, &id, &at, &by, &reason, seen.as_deref().unwrap_or("")]).map_err(RowsError::Sink)?;
            n += 1;
        }
        Ok(n)
    }
}

/// A cell that could not be read, with its column. `message` is English;
/// `zh` the Chinese one where the problem has words in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    pub column: String,
    pub message: String,
    pub zh: Option<String>,
}

impl CellError {
    fn new(column: impl Into<String>, message: impl Into<String>) -> Self {
        Self { column: column.into(), message: message.into(), zh: None }
    }

    /// A problem told by the catalogue, in both languages.
    fn says(column: impl Into<String>, t: crate::i18n::T, args: &[(&str, &str)]) -> Self {
        Self {
            column: column.into(),
            message: t.fill(kam_rules::Lang::En, args),
            zh: Some(t.fill(kam_rules::Lang::Zh, args)),
        }
    }

    /// The message in `lang`.
    pub fn message_in(&self, lang: kam_rules::Lang) -> &str {
        match (lang, &self.zh) {
            (kam_rules::Lang::Zh, Some(zh)) => zh,
            _ => &self.message,
        }
    }
}

/// A cell's problem in both languages (English, Chinese).
type CellText = (String, String);

/// Removes the `'` an export put before a cell that started like a formula.
pub fn unneutralise(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// A yes/no cell in any of the ways people write it.
fn flag(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "是" | "有" | "√" | "✓" => Some(true),
        "0" | "false" | "no" | "n" | "否" | "无" | "" => Some(false),
        _ => None,
    }
}

/// Reads one text cell as a column value of the given shape; a problem in
/// both languages.
fn read_cell(text: &str, shown: Shown, default: &Value) -> Result<Value, CellText> {
    use crate::i18n::T;
    use kam_rules::Lang::{En, Zh};
    let t = unneutralise(text.trim());
    if t.is_empty() {
        return Ok(match (default, shown) {
            (Value::Null, _) => Value::Null,
            (_, Shown::Text | Shown::Date) => Value::Text(String::new()),
            (d, _) => d.clone(),
        });
    }
    // A message quotes the cell bounded and neutralised: a 100 MB cell
    // made a 100 MB message, an escape sequence reached the terminal.
    let q = crate::safe_text::cell(t);
    let says = |m: T, extra: &[(&str, &str)]| {
        let mut args = vec![("text", q.as_ref())];
        args.extend_from_slice(extra);
        (m.fill(En, &args), m.fill(Zh, &args))
    };
    match shown {
        // Text is kept as written: a company named `2026.1.5` stays so. A
        // date column reads the forms spreadsheets write (`2026/1/5`) when
        // the record is built from its values (`Col for NaiveDate`).
        Shown::Text | Shown::Date => Ok(Value::Text(t.to_string())),
        Shown::Integer => t.parse::<i64>().map(Value::Integer).map_err(|_| says(T::CellNotWhole, &[])),
        Shown::Fen => Money::parse(t)
            .map(|m| Value::Integer(m.fen()))
            .map_err(|e| (e.message(En).replace(t, &q), e.message(Zh).replace(t, &q))),
        Shown::Bp => t
            .parse::<f64>()
            .map_err(|_| says(T::CellNotRate, &[]))
            .and_then(|x| Rate::from_f64(x).map_err(|e| (e.to_string(), e.to_string())))
            .map(|r| Value::Integer(i64::from(r.bp()))),
        Shown::Bool => flag(t).map(|b| Value::Integer(i64::from(b))).ok_or_else(|| says(T::CellNotFlag, &[])),
        // A Chinese export writes the label (现金); the column holds the key.
        Shown::Choice(c) => c
            .key_of(t)
            .map(|k| Value::Text(k.to_string()))
            .ok_or_else(|| says(T::CellNotChoice, &[("keys", &c.keys_list())])),
    }
}

/// The largest version a merged row may carry: a record saved a billion
/// times is not a record, and `i64::MAX` would overflow at its next save.
pub const MAX_VERSION: i64 = 1_000_000_000;

/// The earliest time a merged row may carry (2000-01-01T00:00:00Z).
const EARLIEST_TIME: i64 = 946_684_800;

/// The meta of an imported row: kept from the cells when they carry an id
/// (a merge), else a new record's.
fn meta_from_cells(cells: &[(&str, &str)], errors: &mut Vec<CellError>) -> Meta {
    use crate::i18n::T;
    let get = |c: &str| cells.iter().find(|(k, _)| *k == c).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let Some(given) = get("id") else {
        return Meta::default();
    };
    let mut bad = |column: &str, t: T, v: &str, max: &str| {
        errors.push(CellError::says(column, t, &[("value", &crate::safe_text::cell(v)), ("max", max)]));
    };
    // The id read first: a fresh one (a clock read and random bytes) is
    // made only for a row whose id does not read, which is refused.
    let id = Id::parse(given).unwrap_or_else(|_| {
        bad("id", T::CellNotId, given, "");
        Id::new()
    });
    let mut meta = Meta {
        id,
        version: 0,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_by: String::new(),
        deleted_at: None,
    };
    if let Some(v) = get("version") {
        match v.parse::<i64>() {
            Ok(n) if (1..=MAX_VERSION).contains(&n) => meta.version = n,
            _ => bad("version", T::CellBadVersion, v, &MAX_VERSION.to_string()),
        }
    }
    for (column, slot) in [("created_at", &mut meta.created_at), ("updated_at", &mut meta.updated_at)] {
        if let Some(v) = get(column) {
            match DateTime::<Utc>::from_value(Value::Text(v.to_string())) {
                Ok(t) if t.timestamp() >= EARLIEST_TIME => *slot = t,
                Ok(_) => bad(column, T::CellBefore2000, v, ""),
                Err(_) => bad(column, T::CellNotTime, v, ""),
            }
        }
    }
    if let Some(v) = get("updated_by") {
        meta.updated_by = v.to_string();
    }
    meta
}

/// Builds a record from text cells named by column. Columns the cells do
/// not give take the record's defaults. Every bad cell is reported, then
/// the record's own validation.
pub fn record_from_cells<R: Record + Default + 'static>(cells: &[(&str, &str)]) -> Result<R, Vec<CellError>> {
    let mut errors = Vec::new();
    let meta = meta_from_cells(cells, &mut errors);
    let (defaults, shown) = defaults_of::<R>();
    build_shown(&defaults, &shown, &meta, cells, errors)
}

/// The column values of a default record of `R` and how its columns read,
/// made once per thread: each is made from a default record, which has a
/// fresh id (a clock read and random bytes), and a merge builds millions
/// of records.
fn defaults_of<R: Record + Default + 'static>() -> (std::rc::Rc<[Value]>, std::rc::Rc<[Shown]>) {
    use std::any::TypeId;
    type Defaults = (std::rc::Rc<[Value]>, std::rc::Rc<[Shown]>);
    thread_local! {
        static DEFAULTS: std::cell::RefCell<std::collections::HashMap<TypeId, Defaults>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    DEFAULTS.with(|d| {
        d.borrow_mut()
            .entry(TypeId::of::<R>())
            .or_insert_with(|| (R::default().values().into(), R::column_shown().into()))
            .clone()
    })
}

/// `base` with the columns the cells give replaced (an import's `--update`):
/// its id, version and child rows are kept.
pub fn overlay_cells<R: Record>(base: &R, cells: &[(&str, &str)]) -> Result<R, Vec<CellError>> {
    let mut r: R = build(&base.values(), base.meta(), cells, Vec::new())?;
    for set in base.child_sets() {
        r.set_child_rows(set.name, set.rows).map_err(|e| vec![CellError::new(set.name, e.to_string())])?;
    }
    Ok(r)
}

fn build<R: Record>(
    defaults: &[Value],
    meta: &Meta,
    cells: &[(&str, &str)],
    errors: Vec<CellError>,
) -> Result<R, Vec<CellError>> {
    build_shown(defaults, &R::column_shown(), meta, cells, errors)
}

/// [`build`] with the record's [`Record::column_shown`] given.
fn build_shown<R: Record>(
    defaults: &[Value],
    shown: &[Shown],
    meta: &Meta,
    cells: &[(&str, &str)],
    mut errors: Vec<CellError>,
) -> Result<R, Vec<CellError>> {
    let mut values: Vec<Value> = R::COLUMNS
        .iter()
        .zip(shown)
        .zip(defaults)
        .map(|((col, sh), def)| match cells.iter().find(|(k, _)| k == col) {
            None => def.clone(),
            Some((_, text)) => read_cell(text, *sh, def).unwrap_or_else(|(message, zh)| {
                errors.push(CellError { column: (*col).to_string(), message, zh: Some(zh) });
                def.clone()
            }),
        })
        .collect();
    // A wrong enum key or date shows only when the record is built: report
    // it, put the default in its place and build again, once per column.
    let record = loop {
        match R::from_values(meta.clone(), values.clone()) {
            Ok(r) => break Some(r),
            Err(StoreError::BadValue { column, detail, .. }) => {
                let Some(i) = R::COLUMNS.iter().position(|c| *c == column) else { break None };
                if errors.iter().any(|e| e.column == column) {
                    break None;
                }
                // A date the record could not take (2026-02-30) says why in Chinese too.
                let text = cells.iter().find(|(k, _)| **k == column).map_or("", |(_, t)| *t);
                let zh = crate::model::day_problem_in(text, &detail, kam_rules::Lang::Zh);
                errors.push(CellError { column: column.clone(), message: detail, zh });
                values[i] = defaults[i].clone();
            }
            Err(other) => {
                errors.push(CellError::new(String::new(), other.to_string()));
                break None;
            }
        }
    };
    match record {
        Some(r) if errors.is_empty() => validated(&r).map(|()| r),
        _ => Err(errors),
    }
}

/// A record's own checks ([`Record::validate`]) as the cell errors of its row.
pub fn validated<R: Record>(r: &R) -> Result<(), Vec<CellError>> {
    r.validate().map_err(|e| {
        let zh = e.message_in(kam_rules::Lang::Zh).to_string();
        vec![CellError { column: e.field, message: e.message, zh: Some(zh) }]
    })
}

/// Adds child rows read from a sibling CSV to a record built by
/// [`record_from_cells`]. Errors carry the index of their row in `rows`.
pub fn attach_children<R: Record>(
    record: &mut R,
    child: &str,
    rows: &[Vec<(&str, &str)>],
) -> Result<(), Vec<(usize, CellError)>> {
    let Some(layout) = R::child_layouts().into_iter().find(|c| c.name == child) else {
        let kind = R::KIND.to_string();
        let e = CellError::says(String::new(), crate::i18n::T::CellNoChildSet, &[("kind", &kind), ("child", child)]);
        return Err(vec![(0, e)]);
    };
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, cells) in rows.iter().enumerate() {
        let mut row = Vec::with_capacity(layout.columns.len());
        for ((col, sh), def) in layout.columns.iter().zip(&layout.shown).zip(&layout.defaults) {
            let text = cells.iter().find(|(k, _)| k == col).map_or("", |(_, v)| *v);
            row.push(read_cell(text, *sh, def).unwrap_or_else(|(message, zh)| {
                errors.push((i, CellError { column: (*col).to_string(), message, zh: Some(zh) }));
                def.clone()
            }));
        }
        out.push(row);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    record.set_child_rows(child, out).map_err(|e| {
        let (column, message) = match e {
            StoreError::BadValue { column, detail, .. } => (column, detail),
            other => (child.to_string(), other.to_string()),
        };
        vec![(0, CellError::new(column, message))]
    })
}

/// One write of an import or merge.
#[derive(Clone, Debug)]
pub enum ImportOp {
    /// A new record from a spreadsheet: stamped now by the user.
    Insert(AnyRecord),
    /// A record matched as a duplicate, updated with the spreadsheet's values.
    Update(AnyRecord),
    /// A record from another laptop's export, kept with its own id and times:
    /// inserted when new here; else each field taken when their change of
    /// it is newer than ours (by the field clocks sent, or, from a folder
    /// without them, the whole record when it was saved later). What the
    /// export did not send keeps our values.
    Merge(AnyRecord, Unsent, Option<SentClocks>),
    /// A record another laptop moved to the trash: trashed here too unless
    /// it was changed here after it was deleted there.
    Delete(Deletion),
}

/// A deletion a folder sent (`deletions.csv`): the record, when and by
/// whom it was moved to the trash, why, and the newest change of it the
/// deleting side had seen (`None`: none known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deletion {
    pub kind: RecordKind,
    pub id: Id,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
    pub seen: Option<DateTime<Utc>>,
}

/// The header of `deletions.csv`.
pub const DELETION_COLUMNS: [&str; 6] = ["kind", "record_id", "deleted_at", "deleted_by", "reason", "seen"];

/// The field a conflict names when the record was deleted there and
/// changed here.
pub const DELETED_THERE: &str = "deleted_there";
/// The field a conflict names when the record was deleted here and changed
/// there.
pub const DELETED_HERE: &str = "deleted_here";

/// The field clocks a folder sent for one record, by field name. A field
/// without one was never changed after the record was created.
pub type SentClocks = Vec<(String, FieldClock)>;

/// What a merged row did not send: columns absent from its file or masked
/// by the export, and child sets whose file is not in the folder. Ours are
/// kept for them; a new record takes the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unsent {
    pub columns: Vec<&'static str>,
    /// Child sets by name ([`crate::store::ChildLayout::name`]).
    pub children: Vec<&'static str>,
    /// Child sets whose file was sent without some of their columns, with
    /// those columns: a row keeps our values of them at the same place.
    pub child_columns: Vec<(&'static str, Vec<&'static str>)>,
}

impl Unsent {
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty() && self.children.is_empty() && self.child_columns.is_empty()
    }
}

/// What a merge did with one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    Inserted,
    Updated,
    /// Ours is the same.
    Same,
    /// Both sides changed some fields since their shared version: each
    /// field kept the newer change, and each is listed. `updated` when
    /// some of theirs were written.
    Conflict {
        updated: bool,
        fields: Vec<FieldConflict>,
        /// The record as the trash list names it.
        label: String,
        /// The name of the account it is (or belongs to); empty for a
        /// record of no account.
        account: String,
    },
    /// Moved to the trash as another laptop did. A change made here that
    /// the deleting side had not seen is listed in `conflicts`.
    Deleted {
        conflicts: Vec<FieldConflict>,
        label: String,
        account: String,
    },
}

/// One field both sides changed since their shared version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldConflict {
    /// The column or child set.
    pub field: &'static str,
    /// Whether their value was written over ours (theirs was newer).
    pub took_theirs: bool,
    /// Both values as the change log writes them (`None`: empty).
    pub ours: Option<String>,
    pub theirs: Option<String>,
    pub ours_clock: FieldClock,
    pub theirs_clock: FieldClock,
}

impl Store {
    /// Writes an import or merge in one transaction (`BEGIN IMMEDIATE`): all
    /// of it or, on any error, none of it. Foreign keys are checked at the
    /// end, so rows may come in any order. `source` names the file in the
    /// change log. Returns what each operation did, in order.
    ///
    /// When nobody else has the file open it is written with a rollback
    /// journal (see [`Store::in_rollback_journal`]): the pages an import adds
    /// past the file's end are written once, not to the WAL and again at
    /// the checkpoint. The page cache is large enough that a large import is
    /// not spilled before it commits (the default is 2 MB).
    pub fn apply_import(&mut self, ops: Vec<ImportOp>, source: &str) -> Result<Vec<MergeOutcome>, StoreError> {
        self.apply_import_stream(ops.len(), ops.into_iter().map(Ok), source)
    }

    /// As [`Store::apply_import`], over operations produced as they are
    /// written (`count` of them, about): an import builds its new records
    /// a chunk at a time from the file instead of holding them all. An
    /// error from `ops` rolls the whole import back.
    pub fn apply_import_stream(
        &mut self,
        count: usize,
        ops: impl Iterator<Item = Result<ImportOp, StoreError>>,
        source: &str,
    ) -> Result<Vec<MergeOutcome>, StoreError> {
        let mut out = Vec::with_capacity(count);
        self.apply_import_each(count, ops, source, true, &mut |_, _, outcome| out.push(outcome))?;
        Ok(out)
    }

    /// As [`Store::apply_import_stream`], handing each operation's kind, id
    /// and outcome to `each` as it is written instead of collecting them: a
    /// merge of any size holds only what it counts. Without `commit` (a
    /// dry run) every write is made and rolled back: the outcomes are the
    /// ones a real run would have, and the file is left as it was.
    pub fn apply_import_each(
        &mut self,
        count: usize,
        ops: impl Iterator<Item = Result<ImportOp, StoreError>>,
        source: &str,
        commit: bool,
        each: &mut dyn FnMut(RecordKind, &Id, MergeOutcome),
    ) -> Result<(), StoreError> {
        self.apply_import_hooked(count, ops, source, commit, each, TxHooks::default())
    }

    /// [`Store::apply_import_each`] with work of the caller's done inside
    /// the same transaction, before the first write and after the last (a
    /// hub pull notes which records it brought and its cursor, all or
    /// nothing with the records themselves).
    pub(crate) fn apply_import_hooked(
        &mut self,
        count: usize,
        ops: impl Iterator<Item = Result<ImportOp, StoreError>>,
        source: &str,
        commit: bool,
        each: &mut dyn FnMut(RecordKind, &Id, MergeOutcome),
        hooks: TxHooks<'_>,
    ) -> Result<(), StoreError> {
        // 32 MB: a merge of a folder in id order (as kam exports it) touches
        // the last pages of each table; 64 MB held 60 MB more at 100,000
        // accounts and was no faster (16 MB neither).
        const CACHE_KIB: i64 = -32_768;
        // SQLite's own check of each row's references is a lookup per row
        // and reference. A merge that checks every reference of its folder
        // itself (to the folder's records and, for the rest, to the file's,
        // refusing the folder otherwise) does not need it, as long as every
        // record of the folder is written: a file where nothing was erased
        // skips none. SQLite's check takes a sixth of such a merge.
        let unchecked = hooks.checked && self.skips_nothing()?;
        if unchecked {
            self.conn.pragma_update(None, "foreign_keys", "OFF").map_err(|e| self.err("foreign_keys", e))?;
        }
        // The schema's CHECK constraints (a date's form, a choice's keys, a
        // score's range) hold for every record the merge validated: its
        // values come from typed fields, and its own checks cover the
        // ranges (tests/merge_checks.rs tries every column of every merged
        // file at its edges). Evaluated per row they were a fifth of the
        // writer's time: a list of choices is made into a table at every
        // insert. Set aside for the records only, on again before the
        // first deletion and after the merge.
        if hooks.checked {
            self.conn.pragma_update(None, "ignore_check_constraints", "ON").map_err(|e| self.err("checks", e))?;
        }
        let hooks_checked = hooks.checked;
        let out = self.in_rollback_journal(CACHE_KIB, |store, rollback| {
            if !rollback {
                store.conn.pragma_update(None, "cache_size", CACHE_KIB).map_err(|e| store.err("cache_size", e))?;
            }
            store.apply_import_in_one(count, ops, source, commit, each, hooks)
        });
        if unchecked {
            self.conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| self.err("foreign_keys", e))?;
        }
        if hooks_checked {
            self.conn.pragma_update(None, "ignore_check_constraints", "OFF").map_err(|e| self.err("checks", e))?;
        }
        out
    }

    /// Whether a merge into this file writes every record it is sent: the
    /// one record a merge leaves out is a person erased here (who does not
    /// come back), and nobody was.
    fn skips_nothing(&self) -> Result<bool, StoreError> {
        no_erasures(&self.conn, &self.path)
    }

    fn apply_import_in_one(
        &mut self,
        count: usize,
        mut ops: impl Iterator<Item = Result<ImportOp, StoreError>>,
        source: &str,
        commit: bool,
        each: &mut dyn FnMut(RecordKind, &Id, MergeOutcome),
        mut hooks: TxHooks<'_>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let who = self.user.clone();
        let clock = self.clock;
        let tx = self.write_tx()?;
        tx.pragma_update(None, "defer_foreign_keys", true).map_err(|e| sql_error(&path, "importing", &e))?;
        if let Some(before) = hooks.before.as_mut() {
            before(&tx, &path)?;
        }
        let fts = FtsLater::begin(&tx, &path)?;
        let mut indexes = Some(indexes_aside_for(&tx, &path, count)?);
        let at = clock_after(&tx, &path, clock.now())?;
        let mut log = LogBatch::new(timestamp(at), &who, source);
        let mut floor: Option<DateTime<Utc>> = None;
        // A file with no erasure, tombstone or trashed record (a first
        // merge into an empty file) needs no lookup of them per record
        // until a deletion is applied: merging records adds none.
        let mut quiet = Quiet::of(&tx, &path)?;
        let validated = hooks.checked;
        let mut apply = |op: &mut ImportOp, derived: Option<Derived>| {
            let (kind, id) = match &*op {
                ImportOp::Insert(r) | ImportOp::Update(r) | ImportOp::Merge(r, ..) => any_key(r),
                ImportOp::Delete(d) => (d.kind, d.id.clone()),
            };
            // What the file has seen from outside: no change made here
            // after this merge is stamped earlier (the hybrid clock's floor).
            let outside = match &*op {
                ImportOp::Merge(r, ..) => Some(any_meta(r).updated_at.max(any_meta(r).created_at)),
                ImportOp::Delete(d) => Some(d.at),
                ImportOp::Insert(_) | ImportOp::Update(_) => None,
            };
            floor = floor.max(outside);
            // A person erased here does not come back with an older folder (#21).
            if matches!(*op, ImportOp::Merge(..) | ImportOp::Delete(..))
                && !quiet.no_erasures
                && super::erase::is_erased(&tx, &path, &id)?
            {
                return Ok(());
            }
            let outcome = match op {
                ImportOp::Insert(r) => any_apply(&tx, &path, r, Mode::Insert(derived), validated, at, &mut log)?,
                ImportOp::Update(r) => any_apply(&tx, &path, r, Mode::Update, validated, at, &mut log)?,
                ImportOp::Merge(r, keep, clocks) => {
                    let mode = Mode::Merge(keep, clocks.as_deref(), quiet.no_deletions, quiet.empty.contains(&kind));
                    any_apply(&tx, &path, r, mode, validated, at, &mut log)?
                }
                ImportOp::Delete(d) => {
                    // A deletion looks up what it trashes with them (an
                    // account's orders and visits): the indexes come back first.
                    if let Some(aside) = indexes.take() {
                        aside.put_back(&tx, &path)?;
                    }
                    // The trash's log lines after the lines written before them.
                    log.flush(&tx, &path)?;
                    if validated {
                        // Checked again (see `apply_import_hooked`).
                        tx.pragma_update(None, "ignore_check_constraints", "OFF")
                            .map_err(|e| sql_error(&path, "checks", &e))?;
                    }
                    quiet = Quiet::default();
                    apply_deletion(&tx, &path, d)?
                }
            };
            each(kind, &id, outcome);
            Ok::<_, StoreError>(())
        };
        if let Some(spent) = hooks.spent.as_mut() {
            // Records built on another thread are written as they come:
            // holding a batch of them here would leave that thread waiting
            // (each writes while the other waits). Their search columns are
            // computed as each is written.
            for op in ops {
                let mut op = op?;
                apply(&mut op, None)?;
                spent(op);
            }
        } else {
            // The search columns of the new records (the pinyin of every
            // reading) need no connection: both cores compute them before
            // the writes. (Computed beside the writes on a second thread, the
            // writer's frees of what that thread allocated queued on the
            // allocator's lock: 9 % of the import's samples were futex
            // wake-ups.) In batches, so that the computed columns of a few
            // thousand records are held at a time.
            loop {
                let batch: Vec<ImportOp> = ops.by_ref().take(DERIVE_BATCH).collect::<Result<_, _>>()?;
                if batch.is_empty() {
                    break;
                }
                let derived = derive_all(&batch);
                for (mut op, derived) in batch.into_iter().zip(derived) {
                    apply(&mut op, derived)?;
                }
            }
        }
        log.flush(&tx, &path)?;
        if let Some(t) = floor {
            raise_clock_floor(&tx, &path, t)?;
        }
        if let Some(aside) = indexes {
            aside.put_back(&tx, &path)?;
        }
        fts.finish(&tx, &path)?;
        if let Some(after) = hooks.after.as_mut() {
            after(&tx, &path)?;
        }
        if commit {
            tx.commit().map_err(|e| sql_error(&path, "committing the import", &e))?;
        } else {
            tx.rollback().map_err(|e| sql_error(&path, "undoing the dry run", &e))?;
        }
        Ok(())
    }

    /// The foreign keys of an exported table other than a child table's
    /// `parent_id`: each column with the table it names.
    pub fn references(&self, table: &str) -> Result<Vec<(String, String)>, StoreError> {
        if !export_layouts().iter().any(|l| l.table == table) {
            return Ok(Vec::new());
        }
        let ctx = format!("reading the references of {table}");
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{table}')"))
            .map_err(|e| self.err(&ctx, e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(&ctx, e))?;
        let mut out = Vec::new();
        for row in rows {
            let (column, target) = row.map_err(|e| self.err(&ctx, e))?;
            if column != "parent_id" {
                out.push((column, target));
            }
        }
        Ok(out)
    }

    /// Whether the exported table `table` has a row with this id, live or
    /// in the trash (either satisfies a reference).
    pub fn has_row(&self, table: &str, id: &str) -> Result<bool, StoreError> {
        has_row_in(&self.conn, &self.path, table, id)
    }

    /// As [`Store::apply_import_each`], for a merge that has validated its
    /// records and checks their references itself: `then.after` runs inside
    /// the same transaction after the last write (it looks up the records
    /// the folder's rows name outside the folder, and an error from it rolls
    /// the whole merge back), and each record written goes to `then.spent`.
    pub fn apply_import_then(
        &mut self,
        count: usize,
        ops: impl Iterator<Item = Result<ImportOp, StoreError>>,
        source: &str,
        commit: bool,
        each: &mut dyn FnMut(RecordKind, &Id, MergeOutcome),
        then: MergeThen<'_>,
    ) -> Result<(), StoreError> {
        let MergeThen { after, spent } = then;
        let mut after = |conn: &Connection, path: &std::path::Path| after(&TxLookup { conn, path });
        let hooks = TxHooks { before: None, after: Some(&mut after), checked: true, spent: Some(spent) };
        self.apply_import_hooked(count, ops, source, commit, each, hooks)
    }

    /// Whether a live record of the kind has this id.
    pub fn exists(&self, kind: RecordKind, id: &Id) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT 1 FROM {} WHERE id = ?1 AND deleted_at IS NULL", kind.table()),
                [id.as_str()],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err("looking up a record", e))
    }

    /// Live accounts whose name is exactly `name` after normalising (§4.12).
    pub fn accounts_named(&self, name: &str) -> Result<Vec<Id>, StoreError> {
        let norm = kam_rules::dedupe::normalize_company(name);
        self.ids("SELECT id FROM accounts WHERE deleted_at IS NULL AND name_norm = ?1 AND ?1 <> ''", &[norm])
    }

    /// Live contacts likely the same person (§4.12): the same name and either
    /// the same phone digits or the same account.
    pub fn similar_contacts(&self, name: &str, phone: &str, account: &Id) -> Result<Vec<Id>, StoreError> {
        let norm = kam_rules::dedupe::normalize_person(name);
        let digits = kam_rules::dedupe::phone_digits(phone);
        self.ids(
            "SELECT id FROM contacts WHERE deleted_at IS NULL AND name_norm = ?1 AND ?1 <> '' \
             AND ((length(?2) >= 7 AND phone_digits = ?2) OR account_id = ?3)",
            &[norm, digits, account.to_string()],
        )
    }

    fn ids(&self, sql: &str, params: &[String]) -> Result<Vec<Id>, StoreError> {
        let ctx = "looking for duplicates";
        let raw = self.rows(ctx, sql, params_from_iter(params), |r| r.get::<_, String>(0))?;
        raw.into_iter()
            .map(|id| {
                Id::parse(&id).map_err(|e| StoreError::BadValue {
                    table: "accounts",
                    column: "id".into(),
                    id,
                    detail: e.message,
                })
            })
            .collect()
    }
}

/// Whether the exported table `table` has a row with this id, live or in
/// the trash.
fn has_row_in(conn: &Connection, path: &std::path::Path, table: &str, id: &str) -> Result<bool, StoreError> {
    if !export_layouts().iter().any(|l| l.table == table && l.child.is_none()) {
        return Ok(false);
    }
    conn.prepare_cached(&format!("SELECT 1 FROM \"{table}\" WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], |_| Ok(())).optional())
        .map(|o| o.is_some())
        .map_err(|e| sql_error(path, "looking up a record", &e))
}

/// What a merge does inside its transaction besides the writes (see
/// [`Store::apply_import_then`]).
pub struct MergeThen<'a> {
    /// Run after the last write.
    pub after: &'a mut dyn FnMut(&TxLookup<'_>) -> Result<(), StoreError>,
    /// Takes each record once written (a merge whose records are built on
    /// another thread frees them there).
    pub spent: &'a mut dyn FnMut(ImportOp),
}

/// Lookups inside an import's transaction (see [`Store::apply_import_then`]).
pub struct TxLookup<'a> {
    conn: &'a Connection,
    path: &'a std::path::Path,
}

impl TxLookup<'_> {
    /// As [`Store::has_row`], in the transaction.
    pub fn has_row(&self, table: &str, id: &str) -> Result<bool, StoreError> {
        has_row_in(self.conn, self.path, table, id)
    }
}

/// Work done inside an import's transaction, before its first write and
/// after its last (see [`Store::apply_import_hooked`]).
pub(crate) type TxHook<'a> = &'a mut dyn FnMut(&Connection, &std::path::Path) -> Result<(), StoreError>;

/// The hooks of one import; either may be absent.
#[derive(Default)]
pub(crate) struct TxHooks<'a> {
    pub before: Option<TxHook<'a>>,
    pub after: Option<TxHook<'a>>,
    /// The caller has validated every record and checked every reference
    /// its records make (a merge of a folder): neither is checked again
    /// (SQLite's check of references only where every record is written).
    pub checked: bool,
    /// Takes each record once written, instead of dropping it: a merge
    /// whose records are built on another thread frees them there.
    pub spent: Option<&'a mut dyn FnMut(ImportOp)>,
}

enum Mode<'a> {
    /// With the record's derived columns when computed beforehand.
    Insert(Option<Derived>),
    Update,
    /// With what keeps our values, the clocks sent (`None`: a folder
    /// from before field clocks), and whether the file has no tombstone
    /// and no trashed record ([`Quiet`]): a new record then arrives live;
    /// last, whether the kind's table had no row when the merge began.
    Merge(&'a Unsent, Option<&'a [(String, FieldClock)]>, bool, bool),
}

/// What an import's file lacks at its start, so that no record looks it up.
/// The default knows nothing (every lookup made).
#[derive(Default)]
struct Quiet {
    /// No record was erased here.
    no_erasures: bool,
    /// No tombstone and nothing in the trash.
    no_deletions: bool,
    /// The kinds with no record at all (live or in the trash).
    empty: Vec<RecordKind>,
}

impl Quiet {
    fn of(tx: &Connection, path: &std::path::Path) -> Result<Self, StoreError> {
        let none = |sql: &str| {
            tx.query_row(sql, [], |r| r.get::<_, bool>(0)).map_err(|e| sql_error(path, "reading the trash", &e))
        };
        Ok(Self {
            no_erasures: no_erasures(tx, path)?,
            no_deletions: none("SELECT NOT EXISTS (SELECT 1 FROM tombstones) AND NOT EXISTS (SELECT 1 FROM trash)")?,
            empty: RecordKind::ALL
                .into_iter()
                .map(|k| Ok((k, none(&format!("SELECT NOT EXISTS (SELECT 1 FROM {})", k.table()))?)))
                .filter_map(|r| r.map(|(k, empty)| empty.then_some(k)).transpose())
                .collect::<Result<_, StoreError>>()?,
        })
    }
}

/// Whether no record was ever erased in the file.
fn no_erasures(conn: &Connection, path: &std::path::Path) -> Result<bool, StoreError> {
    conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM erasures)", [], |r| r.get(0))
        .map_err(|e| sql_error(path, "reading the trash", &e))
}

/// A record's derived columns ([`Record::derived`]).
type Derived = Vec<(&'static str, Value)>;

/// Records whose derived columns are computed together before they are written.
const DERIVE_BATCH: usize = 8_192;

/// The derived columns of each new record of `ops` (`None` for updates and
/// merges), on every core when there are many.
fn derive_all(ops: &[ImportOp]) -> Vec<Option<Derived>> {
    crate::par::map(ops, 1_000, |op| match op {
        ImportOp::Insert(r) => Some(any_derived(r)),
        ImportOp::Update(_) | ImportOp::Merge(..) | ImportOp::Delete(_) => None,
    })
}

/// A record's kind and id.
fn any_key(r: &AnyRecord) -> (RecordKind, Id) {
    match r {
        AnyRecord::Account(r) => (RecordKind::Account, r.meta().id.clone()),
        AnyRecord::Contact(r) => (RecordKind::Contact, r.meta().id.clone()),
        AnyRecord::Order(r) => (RecordKind::Order, r.meta().id.clone()),
        AnyRecord::Visit(r) => (RecordKind::Visit, r.meta().id.clone()),
        AnyRecord::ChangeEvent(r) => (RecordKind::ChangeEvent, r.meta().id.clone()),
        AnyRecord::Feedback(r) => (RecordKind::Feedback, r.meta().id.clone()),
        AnyRecord::CallPlan(r) => (RecordKind::CallPlan, r.meta().id.clone()),
        AnyRecord::Presentation(r) => (RecordKind::Presentation, r.meta().id.clone()),
        AnyRecord::VipCard(r) => (RecordKind::VipCard, r.meta().id.clone()),
        AnyRecord::Target(r) => (RecordKind::Target, r.meta().id.clone()),
    }
}

fn any_meta(r: &AnyRecord) -> &Meta {
    match r {
        AnyRecord::Account(r) => r.meta(),
        AnyRecord::Contact(r) => r.meta(),
        AnyRecord::Order(r) => r.meta(),
        AnyRecord::Visit(r) => r.meta(),
        AnyRecord::ChangeEvent(r) => r.meta(),
        AnyRecord::Feedback(r) => r.meta(),
        AnyRecord::CallPlan(r) => r.meta(),
        AnyRecord::Presentation(r) => r.meta(),
        AnyRecord::VipCard(r) => r.meta(),
        AnyRecord::Target(r) => r.meta(),
    }
}

/// Raises the floor of the file's hybrid clock to `t`: a merged record's
/// creation has no field clock, yet a change made here after merging it
/// must be newer than it even on a laptop whose clock is behind.
fn raise_clock_floor(tx: &Connection, path: &std::path::Path, t: DateTime<Utc>) -> Result<(), StoreError> {
    let current: Option<String> = tx
        .query_row("SELECT value FROM meta WHERE key = 'clock_floor'", [], |r| r.get(0))
        .optional()
        .map_err(|e| sql_error(path, "reading the clock floor", &e))?;
    if current.as_deref().and_then(parse_time).is_some_and(|c| c >= t) {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('clock_floor', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [timestamp(t)],
    )
    .map_err(|e| sql_error(path, "raising the clock floor", &e))?;
    Ok(())
}

fn any_derived(r: &AnyRecord) -> Derived {
    match r {
        AnyRecord::Account(r) => r.derived(),
        AnyRecord::Contact(r) => r.derived(),
        AnyRecord::Order(r) => r.derived(),
        AnyRecord::Visit(r) => r.derived(),
        AnyRecord::ChangeEvent(r) => r.derived(),
        AnyRecord::Feedback(r) => r.derived(),
        AnyRecord::CallPlan(r) => r.derived(),
        AnyRecord::Presentation(r) => r.derived(),
        AnyRecord::VipCard(r) => r.derived(),
        AnyRecord::Target(r) => r.derived(),
    }
}

fn any_apply(
    tx: &Connection,
    path: &std::path::Path,
    r: &mut AnyRecord,
    mode: Mode<'_>,
    validated: bool,
    at: DateTime<Utc>,
    log: &mut LogBatch<'_>,
) -> Result<MergeOutcome, StoreError> {
    match r {
        AnyRecord::Account(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::Contact(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::Order(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::Visit(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::ChangeEvent(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::Feedback(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::CallPlan(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::Presentation(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::VipCard(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
        AnyRecord::Target(r) => apply_one(tx, path, &mut **r, mode, validated, at, log),
    }
}

fn apply_one<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    r: &mut R,
    mode: Mode<'_>,
    validated: bool,
    at: DateTime<Utc>,
    log: &mut LogBatch<'_>,
) -> Result<MergeOutcome, StoreError> {
    if !validated {
        r.validate().map_err(|error| StoreError::Invalid { kind: R::KIND, id: r.meta().id.to_string(), error })?;
    }
    let id = r.meta().id.clone();
    let (who, source) = (log.who, log.source);
    match mode {
        // A new record from a spreadsheet has a new id: there is nothing
        // to read first (were the id taken, the insert fails on it).
        Mode::Insert(derived) => {
            {
                let m = r.meta_mut();
                m.version = 1;
                m.created_at = at;
                m.updated_at = at;
                m.updated_by = who.to_string();
                m.deleted_at = None;
            }
            let derived = derived.unwrap_or_else(|| r.derived());
            insert_rows_derived(tx, path, &*r, derived)?;
            log.insert(tx, path, R::KIND, id, r.label())?;
            Ok(MergeOutcome::Inserted)
        }
        Mode::Update => {
            let Some(cur) = load::<R>(tx, path, &id, Live::Any)? else {
                return Err(StoreError::NotFound { kind: R::KIND, id: id.to_string() });
            };
            // The log lines in the order of the writes.
            log.flush(tx, path)?;
            let stamp = Stamp { version: cur.meta().version + 1, at, by: who, fields: None };
            let changed = update_rows(tx, path, &cur, r, &stamp, source)?;
            Ok(if changed { MergeOutcome::Updated } else { MergeOutcome::Same })
        }
        Mode::Merge(keep, clocks, quiet, fresh) => {
            // Into a table that was empty when the merge began, the record
            // is written without looking for it first; it is looked up only
            // when its id is taken (the folder sent it twice).
            let written = fresh && insert_merged(tx, path, r, true)?;
            let cur = if written { None } else { load::<R>(tx, path, &id, Live::Any)? };
            let Some(cur) = cur else {
                if !written {
                    insert_merged(tx, path, r, false)?;
                }
                let sets: Vec<&'static str> = r.child_sets().iter().map(|s| s.name).collect();
                for (field, clock) in clocks.unwrap_or_default() {
                    let known = R::COLUMNS.iter().chain(&sets).find(|c| **c == field.as_str());
                    if let Some(name) = known {
                        write_clock(tx, path, &id, name, ("", ""), Some(clock))?;
                    }
                }
                let label = r.label();
                log.insert(tx, path, R::KIND, id.clone(), label.clone())?;
                if quiet {
                    return Ok(MergeOutcome::Inserted);
                }
                return arrived_deleted(tx, path, &*r, clocks.unwrap_or_default(), label, log);
            };
            if !keep.is_empty() {
                *r = keep_ours(&cur, r, keep)?;
            }
            let plan = match clocks {
                Some(theirs) => field_plan(&cur, r, &field_clocks(tx, path, &id)?, theirs, keep),
                None => whole_record_plan(&cur, r),
            };
            let taken = plan.take.as_slice();
            let mut changed = false;
            let mut undeleted = None;
            if !taken.is_empty() {
                let merged = take_fields(&cur, r, taken)?;
                let newest = taken.iter().map(|(_, c)| c).max_by_key(|c| c.at).cloned();
                let (at, by) = newest.map_or((cur.meta().updated_at, cur.meta().updated_by.clone()), |c| (c.at, c.who));
                let at = at.max(cur.meta().updated_at);
                log.flush(tx, path)?;
                let version = cur.meta().version.max(r.meta().version) + 1;
                let stamp = Stamp { version, at, by: &by, fields: Some(taken) };
                changed = update_rows(tx, path, &cur, &merged, &stamp, source)?;
                // A record trashed here comes back when they changed it
                // after it was trashed; the deletion it undoes is listed.
                if let Some(deleted) = cur.meta().deleted_at {
                    if let Some(newer) = taken.iter().map(|(_, c)| c).filter(|c| c.at > deleted).max_by_key(|c| c.at) {
                        let (by, reason): (String, String) = tx
                            .prepare_cached("SELECT deleted_by, reason FROM trash WHERE record_id = ?1")
                            .and_then(|mut s| s.query_row([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).optional())
                            .map_err(|e| sql_error(path, "merging", &e))?
                            .unwrap_or_default();
                        undeleted = Some(FieldConflict {
                            field: DELETED_HERE,
                            took_theirs: true,
                            ours: Some(reason).filter(|r| !r.is_empty()),
                            theirs: None,
                            ours_clock: FieldClock { at: deleted, who: by, base: None },
                            theirs_clock: newer.clone(),
                        });
                        tx.execute(
                            &format!(
                                "UPDATE {} SET deleted_at = NULL, deleted_with = NULL WHERE id = ?1",
                                R::KIND.table()
                            ),
                            [id.as_str()],
                        )
                        .map_err(|e| sql_error(path, "merging", &e))?;
                        tx.execute("DELETE FROM trash WHERE record_id = ?1", [id.as_str()])
                            .map_err(|e| sql_error(path, "merging", &e))?;
                        changed = true;
                    }
                }
            }
            // Their newer clock of a value both sides hold: kept, so the
            // clocks of both files agree.
            for (field, clock) in &plan.adopt {
                write_clock(tx, path, &id, field, ("", ""), Some(clock))?;
            }
            let mut conflicts = plan.conflicts;
            conflicts.extend(undeleted);
            if !conflicts.is_empty() {
                return Ok(MergeOutcome::Conflict {
                    updated: changed,
                    fields: conflicts,
                    label: cur.label(),
                    account: account_name(tx, path, &cur)?,
                });
            }
            Ok(if changed { MergeOutcome::Updated } else { MergeOutcome::Same })
        }
    }
}

/// A record new here that a merged deletion or a trashed account already
/// names: trashed as it would have been had it come first, so that folders
/// merged in any order give the same file. A tombstone older than the
/// record's newest change is dropped instead: it was changed after the
/// deletion, and lives.
/// Writes `r`, merged from a folder, as a new record: live, with a
/// version, and as old as its change when the folder gave no creation
/// time. With `unless_taken`, `false` when a record has its id already:
/// nothing is written and `r` is as it was.
fn insert_merged<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    r: &mut R,
    unless_taken: bool,
) -> Result<bool, StoreError> {
    let m = r.meta_mut();
    let was = (m.deleted_at, m.version, m.created_at);
    m.deleted_at = None;
    m.version = m.version.max(1);
    if m.created_at == DateTime::<Utc>::UNIX_EPOCH {
        m.created_at = m.updated_at;
    }
    if !unless_taken {
        insert_rows(tx, path, &*r)?;
        return Ok(true);
    }
    if insert_rows_unless_taken(tx, path, &*r)? {
        return Ok(true);
    }
    let m = r.meta_mut();
    (m.deleted_at, m.version, m.created_at) = was;
    Ok(false)
}

fn arrived_deleted<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    r: &R,
    clocks: &[(String, FieldClock)],
    label: String,
    log: &mut LogBatch<'_>,
) -> Result<MergeOutcome, StoreError> {
    let id = &r.meta().id;
    let newest = clocks.iter().map(|(_, c)| c.at).max().unwrap_or(r.meta().created_at);
    if let Some(t) = tombstone(tx, path, id)? {
        tx.execute("DELETE FROM tombstones WHERE record_id = ?1", [id.as_str()])
            .map_err(|e| sql_error(path, "merging a deletion", &e))?;
        if t.at >= newest || t.seen.is_some_and(|seen| newest <= seen) {
            log.flush(tx, path)?;
            trash_in::<R>(tx, path, id, &timestamp(t.at), &t.by, &t.reason)?;
            return Ok(MergeOutcome::Deleted { conflicts: Vec::new(), label, account: String::new() });
        }
        return Ok(MergeOutcome::Inserted);
    }
    if R::KIND != RecordKind::Account {
        if let Some(account) = r.account_id() {
            let trashed: Option<(String, String, String)> = tx
                .prepare_cached(
                    "SELECT t.deleted_at, t.deleted_by, t.reason FROM trash t JOIN accounts a ON a.id = t.record_id \
                     WHERE t.record_id = ?1 AND a.deleted_at IS NOT NULL",
                )
                .and_then(|mut s| s.query_row([account.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional())
                .map_err(|e| sql_error(path, "merging into a trashed account", &e))?;
            if let Some((at, by, reason)) = trashed {
                log.flush(tx, path)?;
                super::history::trash_dependents::<R>(tx, path, account, &at, &by, &reason)?;
            }
        }
    }
    Ok(MergeOutcome::Inserted)
}

/// A tombstone this file keeps for a record it has not seen.
fn tombstone(tx: &Connection, path: &std::path::Path, id: &Id) -> Result<Option<Deletion>, StoreError> {
    let row: Option<(String, String, String, String, Option<String>)> = tx
        .prepare_cached("SELECT kind, deleted_at, deleted_by, reason, seen FROM tombstones WHERE record_id = ?1")
        .and_then(|mut s| {
            s.query_row([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).optional()
        })
        .map_err(|e| sql_error(path, "reading a tombstone", &e))?;
    let Some((kind, at, by, reason, seen)) = row else {
        return Ok(None);
    };
    let (Some(kind), Some(at)) = (RecordKind::parse(&kind), parse_time(&at)) else {
        return Ok(None);
    };
    Ok(Some(Deletion { kind, id: id.clone(), at, by, reason, seen: seen.as_deref().and_then(parse_time) }))
}

fn parse_time(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc))
}

/// A record's label and its account's name (the record's own for an
/// account), as a conflict names them.
fn label_of<R: Record>(tx: &Connection, path: &std::path::Path, id: &Id) -> Result<(String, String), StoreError> {
    let Some(cur) = load::<R>(tx, path, id, Live::Any)? else {
        return Ok((String::new(), String::new()));
    };
    Ok((cur.label(), account_name(tx, path, &cur)?))
}

/// The name of the account a record is (or belongs to); empty for a record
/// of no account.
fn account_name<R: Record>(tx: &Connection, path: &std::path::Path, r: &R) -> Result<String, StoreError> {
    Ok(match (R::KIND, r.account_id()) {
        (RecordKind::Account, _) => r.label(),
        (_, Some(account)) => tx
            .prepare_cached("SELECT name FROM accounts WHERE id = ?1")
            .and_then(|mut s| s.query_row([account.as_str()], |row| row.get(0)).optional())
            .map_err(|e| sql_error(path, "naming a conflict's account", &e))?
            .unwrap_or_default(),
        (_, None) => String::new(),
    })
}

/// Applies a deletion another laptop sent (DESIGN §7: the newest change
/// wins, a deletion being a change of the whole record):
/// - a record this file has not seen: a tombstone is kept for it;
/// - one already in the trash here: the earlier deletion stands on both sides;
/// - one changed here after it was deleted there: kept, and listed;
/// - else moved to the trash with their time, name and reason; a change
///   made here that they had not seen when they deleted it is listed.
fn apply_deletion(tx: &Connection, path: &std::path::Path, d: &Deletion) -> Result<MergeOutcome, StoreError> {
    let table = d.kind.table();
    let at = timestamp(d.at);
    let state: Option<(Option<String>, String, String)> = tx
        .prepare_cached(&format!("SELECT deleted_at, created_at, updated_by FROM {table} WHERE id = ?1"))
        .and_then(|mut s| s.query_row([d.id.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional())
        .map_err(|e| sql_error(path, "merging a deletion", &e))?;
    let Some((deleted, created, created_by)) = state else {
        tx.execute(
            "INSERT INTO tombstones (record_id, kind, deleted_at, deleted_by, reason, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (record_id) DO UPDATE SET deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by, \
             reason = excluded.reason, seen = excluded.seen WHERE excluded.deleted_at < tombstones.deleted_at",
            rusqlite::params![d.id.as_str(), d.kind.key(), at, d.by, d.reason, d.seen.map(timestamp)],
        )
        .map_err(|e| sql_error(path, "keeping a tombstone", &e))?;
        return Ok(MergeOutcome::Same);
    };
    if let Some(ours) = deleted {
        if parse_time(&ours).is_some_and(|ours| d.at < ours) {
            tx.execute(&format!("UPDATE {table} SET deleted_at = ?2 WHERE id = ?1"), [d.id.as_str(), &at])
                .map_err(|e| sql_error(path, "merging a deletion", &e))?;
            tx.execute(
                "UPDATE trash SET deleted_at = ?2, deleted_by = ?3, reason = ?4 WHERE record_id = ?1",
                [d.id.as_str(), &at, &d.by, &d.reason],
            )
            .map_err(|e| sql_error(path, "merging a deletion", &e))?;
            for k in RecordKind::ALL.into_iter().filter(|k| k.of_account()) {
                tx.execute(
                    &format!("UPDATE {} SET deleted_at = ?2 WHERE deleted_with = ?1", k.table()),
                    [d.id.as_str(), &at],
                )
                .map_err(|e| sql_error(path, "merging a deletion", &e))?;
            }
        }
        return Ok(MergeOutcome::Same);
    }
    let clocks = field_clocks(tx, path, &d.id)?;
    let ours = clocks.iter().map(|(_, c)| c).max_by_key(|c| c.at).cloned().unwrap_or_else(|| FieldClock {
        at: parse_time(&created).unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        who: created_by,
        base: None,
    });
    let unseen = d.seen.map_or(!clocks.is_empty(), |seen| ours.at > seen);
    let (label, account) = for_kind!(d.kind, label_of(tx, path, &d.id))?;
    let theirs = FieldClock { at: d.at, who: d.by.clone(), base: d.seen };
    let conflict = |took_theirs| FieldConflict {
        field: DELETED_THERE,
        took_theirs,
        ours: None,
        theirs: Some(d.reason.clone()).filter(|r| !r.is_empty()),
        ours_clock: ours.clone(),
        theirs_clock: theirs.clone(),
    };
    // A deletion made after seeing our newest change wins whatever the
    // clocks say; against a change it had not seen, the newer wins.
    if unseen && ours.at > d.at {
        return Ok(MergeOutcome::Conflict { updated: false, fields: vec![conflict(false)], label, account });
    }
    for_kind!(d.kind, trash_in(tx, path, &d.id, &at, &d.by, &d.reason))?;
    let conflicts = if unseen { vec![conflict(true)] } else { Vec::new() };
    Ok(MergeOutcome::Deleted { conflicts, label, account })
}

/// What a merge does with each field of a record both sides hold.
#[derive(Default)]
struct FieldPlan {
    /// Fields whose value is taken from theirs, with the clock it carries.
    take: Vec<(&'static str, FieldClock)>,
    /// Fields of equal value whose clock is taken from theirs.
    adopt: Vec<(&'static str, FieldClock)>,
    conflicts: Vec<FieldConflict>,
}

/// Field by field (DESIGN §7): the newer change of each field wins; when
/// the losing side's change was not made on top of the winning side's
/// earlier value (its base is older than the other's change), both changed
/// the field since their shared version: a conflict, listed.
fn field_plan<R: Record>(
    cur: &R,
    theirs: &R,
    ours: &[(String, FieldClock)],
    sent: &[(String, FieldClock)],
    keep: &Unsent,
) -> FieldPlan {
    let created = FieldClock { at: cur.meta().created_at, who: cur.meta().updated_by.clone(), base: None };
    let find = |set: &[(String, FieldClock)], f: &str| set.iter().find(|(n, _)| n == f).map(|(_, c)| c.clone());
    let mut plan = FieldPlan::default();
    for ((field, o_val), (_, t_val)) in field_texts(cur).into_iter().zip(field_texts(theirs)) {
        // A field not sent (masked, its column or file missing) keeps ours, clock and all.
        if keep.columns.contains(&field) || keep.children.contains(&field) {
            continue;
        }
        let (o, t) = (find(ours, field), find(sent, field));
        let o_clock = o.clone().unwrap_or_else(|| created.clone());
        let Some(t_clock) = t.clone() else {
            // They never changed it: theirs is the value it was created with.
            continue;
        };
        if o_val == t_val {
            if super::record::newer(&t_clock, &o_clock) {
                plan.adopt.push((field, t_clock));
            }
            continue;
        }
        let conflict = |took_theirs: bool| FieldConflict {
            field,
            took_theirs,
            ours: o_val.clone(),
            theirs: t_val.clone(),
            ours_clock: o_clock.clone(),
            theirs_clock: t_clock.clone(),
        };
        if super::record::newer(&t_clock, &o_clock) {
            // Ours changed too, and their change was not made on top of it.
            if o.is_some() && t_clock.base.is_none_or(|b| b < o_clock.at) {
                plan.conflicts.push(conflict(true));
            }
            plan.take.push((field, t_clock));
        } else if o.is_some() && o_clock.at > t_clock.at && o_clock.base.is_none_or(|b| b < t_clock.at) {
            plan.conflicts.push(conflict(false));
        }
    }
    plan
}

/// From a folder without field clocks (an older kam): the whole record
/// from the side that saved it last, as before; ours kept, when saved
/// later, with each differing field listed.
fn whole_record_plan<R: Record>(cur: &R, theirs: &R) -> FieldPlan {
    let (o, t) = (cur.meta(), theirs.meta());
    let ours_clock = FieldClock { at: o.updated_at, who: o.updated_by.clone(), base: None };
    let theirs_clock = FieldClock { at: t.updated_at, who: t.updated_by.clone(), base: None };
    let mut plan = FieldPlan::default();
    for ((field, o_val), (_, t_val)) in field_texts(cur).into_iter().zip(field_texts(theirs)) {
        if o_val == t_val {
            continue;
        }
        if t.updated_at > o.updated_at {
            plan.take.push((field, theirs_clock.clone()));
        } else {
            plan.conflicts.push(FieldConflict {
                field,
                took_theirs: false,
                ours: o_val,
                theirs: t_val,
                ours_clock: ours_clock.clone(),
                theirs_clock: theirs_clock.clone(),
            });
        }
    }
    plan
}

/// `ours` with the fields of `take` set to theirs.
fn take_fields<R: Record>(ours: &R, theirs: &R, take: &[(&'static str, FieldClock)]) -> Result<R, StoreError> {
    let taken = |f: &str| take.iter().any(|(n, _)| *n == f);
    let mut values = ours.values();
    let their_values = theirs.values();
    for (i, col) in R::COLUMNS.iter().enumerate() {
        if taken(col) {
            values[i] = their_values[i].clone();
        }
    }
    // Built from column values, the record has no child rows yet: each set
    // is ours unless taken.
    let mut merged = R::from_values(ours.meta().clone(), values)?;
    for (o, t) in ours.child_sets().into_iter().zip(theirs.child_sets()) {
        let rows = if taken(t.name) { t.rows } else { o.rows };
        merged.set_child_rows(o.name, rows)?;
    }
    Ok(merged)
}

/// The `insert` lines of the change log, written a batch of rows per
/// statement instead of one statement each.
struct LogBatch<'a> {
    at: String,
    who: &'a str,
    source: &'a str,
    /// Kind, record id and label of each line not yet written.
    lines: Vec<(RecordKind, Id, String)>,
}

impl<'a> LogBatch<'a> {
    const ROWS: usize = 100;

    fn new(at: String, who: &'a str, source: &'a str) -> Self {
        Self { at, who, source, lines: Vec::with_capacity(Self::ROWS) }
    }

    fn insert(
        &mut self,
        tx: &Connection,
        path: &std::path::Path,
        kind: RecordKind,
        id: Id,
        label: String,
    ) -> Result<(), StoreError> {
        self.lines.push((kind, id, label));
        if self.lines.len() == Self::ROWS {
            self.flush(tx, path)?;
        }
        Ok(())
    }

    /// Writes the lines held back, in order.
    fn flush(&mut self, tx: &Connection, path: &std::path::Path) -> Result<(), StoreError> {
        if self.lines.is_empty() {
            return Ok(());
        }
        let rows = (0..self.lines.len())
            .map(|i| format!("(?1, ?2, ?{}, ?{}, 'insert', NULL, NULL, ?{}, ?3)", 4 + 3 * i, 5 + 3 * i, 6 + 3 * i))
            .collect::<Vec<_>>()
            .join(", ");
        let sql =
            format!("INSERT INTO change_log (at, who, kind, record_id, action, field, old, new, reason) VALUES {rows}");
        let head = [self.at.as_str(), self.who, self.source];
        let lines = self.lines.iter().flat_map(|(kind, id, label)| [kind.key(), id.as_str(), label.as_str()]);
        tx.prepare_cached(&sql)
            .and_then(|mut s| s.execute(params_from_iter(head.into_iter().chain(lines))))
            .map_err(|e| sql_error(path, "writing the change log", &e))?;
        self.lines.clear();
        Ok(())
    }
}

/// `theirs` with what they did not send set to our values: the unsent
/// columns, and the child sets whose file was not in the folder.
fn keep_ours<R: Record>(ours: &R, theirs: &R, keep: &Unsent) -> Result<R, StoreError> {
    let mut values = theirs.values();
    let our_values = ours.values();
    for (i, col) in R::COLUMNS.iter().enumerate() {
        if keep.columns.contains(col) {
            values[i] = our_values[i].clone();
        }
    }
    let mut kept = R::from_values(theirs.meta().clone(), values)?;
    let our_sets = ours.child_sets();
    for set in theirs.child_sets() {
        let Some(o) = our_sets.iter().find(|o| o.name == set.name) else {
            kept.set_child_rows(set.name, set.rows)?;
            continue;
        };
        let rows = if keep.children.contains(&o.name) {
            o.rows.clone()
        } else {
            let missing = keep.child_columns.iter().find(|(name, _)| *name == set.name).map(|(_, c)| c.as_slice());
            let at: Vec<usize> = set
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| missing.is_some_and(|m| m.contains(c)))
                .map(|(i, _)| i)
                .collect();
            let mut rows = set.rows;
            for (row, ours) in rows.iter_mut().zip(&o.rows) {
                for &i in &at {
                    if let (Some(cell), Some(our)) = (row.get_mut(i), ours.get(i)) {
                        cell.clone_from(our);
                    }
                }
            }
            rows
        };
        kept.set_child_rows(set.name, rows)?;
    }
    Ok(kept)
}

/// The full-text rows of the accounts and contacts an import adds, written
/// in one statement per table after the inserts instead of by the insert
/// triggers: FTS5 flushes its pending rows at every statement that fires
/// one, which took a quarter of a large import. The triggers are set
/// aside and put back inside the import's transaction, so a failed or
/// interrupted import leaves them (and the index) as they were.
struct FtsLater {
    /// Per table: the full-text table, its columns, the trigger's SQL, and
    /// the largest rowid before the import.
    tables: Vec<(&'static str, &'static str, &'static str, String, i64)>,
}

impl FtsLater {
    const TABLES: [(&'static str, &'static str, &'static str, &'static str); 2] = [
        ("accounts", "accounts_fts", "name, short_name", "accounts_fts_insert"),
        ("contacts", "contacts_fts", "name, title", "contacts_fts_insert"),
    ];

    fn begin(tx: &Connection, path: &std::path::Path) -> Result<Self, StoreError> {
        let ctx = "setting the full-text triggers aside for the import";
        let mut tables = Vec::new();
        for (table, fts, cols, trigger) in Self::TABLES {
            let sql: Option<String> = tx
                .query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [trigger], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| sql_error(path, ctx, &e))?;
            // Without its trigger (not expected) the table is left alone.
            let Some(sql) = sql else { continue };
            let max: i64 = tx
                .query_row(&format!("SELECT coalesce(max(rowid), 0) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| sql_error(path, ctx, &e))?;
            tx.execute_batch(&format!("DROP TRIGGER {trigger}")).map_err(|e| sql_error(path, ctx, &e))?;
            tables.push((table, fts, cols, sql, max));
        }
        Ok(Self { tables })
    }

    fn finish(self, tx: &Connection, path: &std::path::Path) -> Result<(), StoreError> {
        let ctx = "indexing the imported names";
        for (table, fts, cols, sql, max) in self.tables {
            tx.execute(
                &format!("INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM {table} WHERE rowid > ?1"),
                [max],
            )
            .map_err(|e| sql_error(path, ctx, &e))?;
            tx.execute_batch(&sql).map_err(|e| sql_error(path, ctx, &e))?;
        }
        Ok(())
    }
}

/// Sets aside the secondary indexes of the tables a large import fills from
/// empty (see [`IndexesAside`]): the import of a 100,000-row sheet spent a
/// fifth of its time inserting into them row by row. A table that has rows
/// keeps its indexes: the lookups of an import into it and a small import
/// into a large table need them.
fn indexes_aside_for(tx: &Connection, path: &std::path::Path, records: usize) -> Result<IndexesAside, StoreError> {
    /// Below this many records the indexes are kept.
    const FROM_RECORDS: usize = 1_000;
    let mut aside = IndexesAside::default();
    if records < FROM_RECORDS {
        return Ok(aside);
    }
    // Every table an import writes (an order's three indexes took a random
    // insert each per order when only accounts, contacts and the change
    // log had theirs set aside).
    let tables = export_layouts().into_iter().map(|l| l.table).chain(["change_log", "field_clocks"]);
    for table in tables {
        let empty: bool = tx
            .query_row(&format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"), [], |r| r.get(0))
            .map_err(|e| sql_error(path, "setting indexes aside for the import", &e))?;
        if empty {
            aside.set_aside(tx, path, Some(table), false)?;
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PRAGMA foreign_keys` inside a merge's transaction, and after it.
    fn keys_checked_during_and_after(store: &mut Store) -> (bool, bool) {
        checked_during_and_after(store, Vec::new()).0
    }

    /// `PRAGMA foreign_keys` and whether CHECK constraints are evaluated,
    /// inside a merge's transaction and after it.
    fn checked_during_and_after(store: &mut Store, ops: Vec<ImportOp>) -> ((bool, bool), (bool, bool)) {
        let ignored = |c: &Connection| c.query_row("PRAGMA ignore_check_constraints", [], |r| r.get::<_, bool>(0));
        let mut checks = None;
        let mut during = None;
        store
            .apply_import_then(
                0,
                ops.into_iter().map(Ok),
                "test",
                true,
                &mut |_, _, _| {},
                MergeThen {
                    after: &mut |tx| {
                        during = Some(
                            tx.conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0)).expect("pragma"),
                        );
                        checks = Some(!ignored(tx.conn).expect("pragma"));
                        Ok(())
                    },
                    spent: &mut drop,
                },
            )
            .expect("merge");
        let after = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0)).expect("pragma");
        let checks_after = !ignored(&store.conn).expect("pragma");
        ((during.expect("the hook ran"), after), (checks.expect("the hook ran"), checks_after))
    }

    #[test]
    fn a_merge_sets_the_schema_checks_aside_for_its_validated_records_only() {
        let dir = tempfile::tempdir().expect("tmp");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("day");
        let mut store = Store::open(&dir.path().join("t.db"), crate::clock::Clock::on_day(day)).expect("open");
        assert_eq!(checked_during_and_after(&mut store, Vec::new()).1, (false, true));
        // A deletion's rows are checked: the checks are on again after it.
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z").expect("at").to_utc();
        let d = Deletion {
            kind: RecordKind::Account,
            id: Id::new(),
            at,
            by: "王芳".into(),
            reason: String::new(),
            seen: None,
        };
        assert_eq!(checked_during_and_after(&mut store, vec![ImportOp::Delete(d)]).1, (true, true));
    }

    #[test]
    fn a_merge_leaves_the_reference_check_to_itself_only_where_it_writes_every_record() {
        let dir = tempfile::tempdir().expect("tmp");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("day");
        let mut store = Store::open(&dir.path().join("t.db"), crate::clock::Clock::on_day(day)).expect("open");
        // Nobody erased: the merge checks the folder's references itself.
        assert_eq!(keys_checked_during_and_after(&mut store), (false, true));
        // A person erased here is left out of a merge, so a row naming them
        // would point at nothing: SQLite checks again.
        store
            .conn
            .execute(
                "INSERT INTO erasures (record_id, kind, erased_at) VALUES (?1, 'contact', '2026-01-01T00:00:00.000Z')",
                [Id::new().as_str()],
            )
            .expect("erasure");
        assert_eq!(keys_checked_during_and_after(&mut store), (true, true));
    }

    #[test]
    fn cells_read_back() {
        assert_eq!(read_cell("5万", Shown::Fen, &Value::Integer(0)), Ok(Value::Integer(5_000_000)));
        assert_eq!(read_cell("45000.00", Shown::Fen, &Value::Integer(0)), Ok(Value::Integer(4_500_000)));
        assert_eq!(read_cell("0.95", Shown::Bp, &Value::Null), Ok(Value::Integer(9500)));
        assert_eq!(read_cell("是", Shown::Bool, &Value::Integer(0)), Ok(Value::Integer(1)));
        assert_eq!(read_cell("", Shown::Text, &Value::Null), Ok(Value::Null));
        assert_eq!(read_cell("", Shown::Text, &Value::Text("x".into())), Ok(Value::Text(String::new())));
        assert_eq!(read_cell("'=1+1", Shown::Text, &Value::Null), Ok(Value::Text("=1+1".into())));
        assert_eq!(read_cell("2026/11/3", Shown::Text, &Value::Null), Ok(Value::Text("2026/11/3".into())));
        assert_eq!(read_cell("2026.1.5", Shown::Text, &Value::Null), Ok(Value::Text("2026.1.5".into())));
        assert_eq!(read_cell("2026-11-23", Shown::Text, &Value::Null), Ok(Value::Text("2026-11-23".into())));
        assert!(read_cell("abc", Shown::Fen, &Value::Integer(0)).is_err());
        assert!(read_cell("maybe", Shown::Bool, &Value::Integer(0)).is_err());
    }

    #[test]
    fn every_kind_has_layouts_with_shapes() {
        let all = export_layouts();
        for k in RecordKind::ALL {
            assert!(all.iter().any(|l| l.kind == k && l.child.is_none()), "{k}");
        }
        for l in &all {
            assert_eq!(l.columns.len(), l.shown.len(), "{}", l.table);
        }
        let orders = all.iter().find(|l| l.table == "orders").expect("orders");
        let amount = orders.columns.iter().position(|c| *c == "amount").expect("amount");
        assert_eq!(orders.shown[amount], Shown::Fen);
    }

    #[test]
    fn a_record_from_cells_names_every_bad_cell() {
        let ok: Account =
            record_from_cells(&[("name", "上海华联"), ("credit_limit", "5万"), ("listed", "是")]).expect("ok");
        assert_eq!(ok.name, "上海华联");
        assert_eq!(ok.credit_limit, Some(Money::from_yuan(50_000)));
        assert!(ok.listed);
        // 钻石 / diamond is the discount scheme's name for platinum: a tier.
        let ok: Account =
            record_from_cells(&[("name", "x"), ("tier_override", "钻石"), ("tier_override_reason", "总部批准")])
                .expect("diamond");
        assert_eq!(ok.tier_override, Some(kam_rules::Tier::Platinum));
        let e = record_from_cells::<Account>(&[("name", "x"), ("credit_limit", "lots"), ("tier_override", "bronze")])
            .expect_err("bad");
        let mut cols: Vec<&str> = e.iter().map(|c| c.column.as_str()).collect();
        cols.sort_unstable();
        assert_eq!(cols, vec!["credit_limit", "tier_override"]);
        assert!(e.iter().any(|c| c.message.contains("bronze") && c.message.contains("platinum")), "{e:?}");
        let e = record_from_cells::<Account>(&[("name", " ")]).expect_err("name required");
        assert_eq!(e[0].column, "name");
    }
}
