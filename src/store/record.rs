//! The machinery every record shares: how a record maps to its table and
//! child tables, insert/update with the version guard, get, list, delete to
//! the trash and restore, each writing the field-level change log.

use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params_from_iter, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::col::{json, log_text, timestamp, Col};
use super::{sql_error, Store, StoreError};
use crate::model::{
    Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Meta, ModelError, Order, Presentation, Target, VipCard,
    Visit,
};

/// The kinds of record, with their table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Account,
    Contact,
    Order,
    Visit,
    ChangeEvent,
    Feedback,
    CallPlan,
    Presentation,
    VipCard,
    Target,
}

impl RecordKind {
    pub const ALL: [Self; 10] = [
        Self::Account,
        Self::Contact,
        Self::Order,
        Self::Visit,
        Self::ChangeEvent,
        Self::Feedback,
        Self::CallPlan,
        Self::Presentation,
        Self::VipCard,
        Self::Target,
    ];

    /// The record's table.
    pub fn table(self) -> &'static str {
        match self {
            Self::Account => "accounts",
            Self::Contact => "contacts",
            Self::Order => "orders",
            Self::Visit => "visits",
            Self::ChangeEvent => "change_events",
            Self::Feedback => "feedback",
            Self::CallPlan => "call_plans",
            Self::Presentation => "presentations",
            Self::VipCard => "vip_cards",
            Self::Target => "targets",
        }
    }

    /// The key written in the change log and the trash.
    pub fn key(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Contact => "contact",
            Self::Order => "order",
            Self::Visit => "visit",
            Self::ChangeEvent => "change_event",
            Self::Feedback => "feedback",
            Self::CallPlan => "call_plan",
            Self::Presentation => "presentation",
            Self::VipCard => "vip_card",
            Self::Target => "target",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The record's stored fields as declared, with their labels.
    pub fn fields(self) -> &'static [crate::model::fields::FieldDef] {
        use crate::model::fields::Fields;
        match self {
            Self::Account => Account::FIELDS,
            Self::Contact => Contact::FIELDS,
            Self::Order => Order::FIELDS,
            Self::Visit => Visit::FIELDS,
            Self::ChangeEvent => ChangeEvent::FIELDS,
            Self::Feedback => Feedback::FIELDS,
            Self::CallPlan => CallPlan::FIELDS,
            Self::Presentation => Presentation::FIELDS,
            Self::VipCard => VipCard::FIELDS,
            Self::Target => Target::FIELDS,
        }
    }

    /// Kinds that belong to an account and go to the trash with it.
    pub(crate) fn of_account(self) -> bool {
        matches!(
            self,
            Self::Contact
                | Self::Order
                | Self::Visit
                | Self::ChangeEvent
                | Self::Feedback
                | Self::CallPlan
                | Self::Presentation
        )
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A record of any kind, for conflicts and the trash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyRecord {
    Account(Box<Account>),
    Contact(Box<Contact>),
    Order(Box<Order>),
    Visit(Box<Visit>),
    ChangeEvent(Box<ChangeEvent>),
    Feedback(Box<Feedback>),
    CallPlan(Box<CallPlan>),
    Presentation(Box<Presentation>),
    VipCard(Box<VipCard>),
    Target(Box<Target>),
}

/// A save refused because the record changed since it was read: what is
/// in the file now, so the form can show it beside what the user typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub kind: RecordKind,
    pub id: Id,
    /// The version the save was based on.
    pub expected_version: i64,
    /// The record as it is now.
    pub current: AnyRecord,
}

impl Conflict {
    pub fn current_version(&self) -> i64 {
        match &self.current {
            AnyRecord::Account(r) => r.meta.version,
            AnyRecord::Contact(r) => r.meta.version,
            AnyRecord::Order(r) => r.meta.version,
            AnyRecord::Visit(r) => r.meta.version,
            AnyRecord::ChangeEvent(r) => r.meta.version,
            AnyRecord::Feedback(r) => r.meta.version,
            AnyRecord::CallPlan(r) => r.meta.version,
            AnyRecord::Presentation(r) => r.meta.version,
            AnyRecord::VipCard(r) => r.meta.version,
            AnyRecord::Target(r) => r.meta.version,
        }
    }

    /// The current record, typed: `conflict.current_as::<Account>()`.
    pub fn current_as<R: Record>(&self) -> Option<R> {
        R::from_any(self.current.clone())
    }
}

/// A table of repeated rows of a record, as stored.
#[doc(hidden)]
pub struct ChildSet {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Value>>,
}

impl ChildSet {
    /// The rows as JSON, for the change log.
    pub(crate) fn log_json(&self) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::Value::Object(
                    self.columns.iter().zip(r).map(|(c, v)| ((*c).to_string(), json(v))).collect(),
                )
            })
            .collect();
        serde_json::Value::Array(rows).to_string()
    }
}

/// A child table's shape: its columns and how they read to a person.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildLayout {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub shown: Vec<super::col::Shown>,
    /// A default row's values: what an empty cell reads as.
    pub(crate) defaults: Vec<Value>,
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A record kind the store can save. Implemented for each record of
/// [`crate::model`] only; the hidden methods are the store's mapping.
pub trait Record: Sized + Clone + sealed::Sealed {
    const KIND: RecordKind;
    #[doc(hidden)]
    const COLUMNS: &'static [&'static str];
    /// `ORDER BY` of lists of this kind.
    #[doc(hidden)]
    const ORDER: &'static str;
    fn meta(&self) -> &Meta;
    #[doc(hidden)]
    fn meta_mut(&mut self) -> &mut Meta;
    fn validate(&self) -> Result<(), ModelError>;
    /// A short text naming the record in the trash list.
    fn label(&self) -> String;
    /// The account the record belongs to, when it belongs to one.
    fn account_id(&self) -> Option<&Id>;
    #[doc(hidden)]
    fn values(&self) -> Vec<Value>;
    #[doc(hidden)]
    fn from_values(meta: Meta, values: Vec<Value>) -> Result<Self, StoreError>;
    #[doc(hidden)]
    fn child_sets(&self) -> Vec<ChildSet>;
    #[doc(hidden)]
    fn set_child_rows(&mut self, name: &str, rows: Vec<Vec<Value>>) -> Result<(), StoreError>;
    /// Columns computed at write time (search columns, outstanding amounts).
    #[doc(hidden)]
    fn derived(&self) -> Vec<(&'static str, Value)>;
    #[doc(hidden)]
    fn into_any(self) -> AnyRecord;
    /// How each of [`Record::COLUMNS`] reads to a person, for export and import.
    #[doc(hidden)]
    fn column_shown() -> Vec<super::col::Shown>;
    /// Each child table with its columns and how they read, for export and import.
    #[doc(hidden)]
    fn child_layouts() -> Vec<ChildLayout>;
    #[doc(hidden)]
    fn from_any(any: AnyRecord) -> Option<Self>;
}

/// Implements [`Record`] for a model struct from its field lists: the
/// column names are the field names.
macro_rules! record {
    (
        $ty:ident, $variant:ident, order $order:literal,
        label |$lr:ident| $label:expr,
        account |$ar:ident| $account:expr,
        derived |$dr:ident| $derived:expr,
        children { $($c:ident: $cty:ident in $ctable:literal { $($cf:ident),* $(,)? }),* $(,)? }
    ) => {
        impl $crate::store::record::sealed::Sealed for $ty {}

        impl $crate::store::record::Record for $ty {
            const KIND: $crate::store::record::RecordKind = $crate::store::record::RecordKind::$variant;
            const COLUMNS: &'static [&'static str] = <$ty as $crate::model::fields::Fields>::NAMES;
            const ORDER: &'static str = $order;

            fn meta(&self) -> &$crate::model::Meta {
                &self.meta
            }

            fn meta_mut(&mut self) -> &mut $crate::model::Meta {
                &mut self.meta
            }

            fn validate(&self) -> Result<(), $crate::model::ModelError> {
                $ty::validate(self)?;
                $crate::store::fields::check_texts(self)?;
                $(
                    for (i, x) in self.$c.iter().enumerate() {
                        $(
                            if let rusqlite::types::Value::Text(s) = $crate::store::col::Col::to_value(&x.$cf) {
                                let field = format!("{}[{i}].{}", stringify!($c), stringify!($cf));
                                $crate::model::check_text(&field, stringify!($cf), &s)?;
                            }
                        )*
                    }
                )*
                Ok(())
            }

            fn label(&self) -> String {
                let $lr = self;
                $label
            }

            fn account_id(&self) -> Option<&$crate::model::Id> {
                let $ar = self;
                $account
            }

            fn values(&self) -> Vec<rusqlite::types::Value> {
                $crate::store::fields::values(self)
            }

            fn from_values(
                meta: $crate::model::Meta,
                values: Vec<rusqlite::types::Value>,
            ) -> Result<Self, $crate::store::StoreError> {
                thread_local! {
                    // What a record is built on: a default record mints
                    // fresh ids (a clock read and random bytes each) that
                    // the values read replace at once.
                    static BLANK: $ty = <$ty as Default>::default();
                }
                let mut r = BLANK.with(Clone::clone);
                r.meta = meta;
                $crate::store::fields::set_values(&mut r, values)?;
                Ok(r)
            }

            fn child_sets(&self) -> Vec<$crate::store::record::ChildSet> {
                vec![$(
                    $crate::store::record::ChildSet {
                        name: stringify!($c),
                        table: $ctable,
                        columns: &[$(stringify!($cf)),*],
                        rows: self.$c.iter().map(|x| vec![$($crate::store::col::Col::to_value(&x.$cf)),*]).collect(),
                    }
                ),*]
            }

            #[allow(unused_variables, clippy::field_reassign_with_default)]
            fn set_child_rows(
                &mut self,
                name: &str,
                rows: Vec<Vec<rusqlite::types::Value>>,
            ) -> Result<(), $crate::store::StoreError> {
                let id = self.meta.id.to_string();
                $(
                    if name == stringify!($c) {
                        let mut out = Vec::with_capacity(rows.len());
                        for vals in rows {
                            let mut x = $cty::default();
                            let mut it = vals.into_iter();
                            $(
                                x.$cf = $crate::store::col::Col::from_value(
                                    it.next().unwrap_or(rusqlite::types::Value::Null),
                                )
                                .map_err(|detail| $crate::store::StoreError::BadValue {
                                    table: $ctable,
                                    column: stringify!($cf).to_string(),
                                    id: id.clone(),
                                    detail,
                                })?;
                            )*
                            out.push(x);
                        }
                        self.$c = out;
                        return Ok(());
                    }
                )*
                Ok(())
            }

            fn derived(&self) -> Vec<(&'static str, rusqlite::types::Value)> {
                let $dr = self;
                $derived
            }

            fn column_shown() -> Vec<$crate::store::col::Shown> {
                $crate::store::fields::shown::<Self>()
            }

            fn child_layouts() -> Vec<$crate::store::record::ChildLayout> {
                vec![$({
                    let x = $cty::default();
                    $crate::store::record::ChildLayout {
                        name: stringify!($c),
                        table: $ctable,
                        columns: &[$(stringify!($cf)),*],
                        shown: vec![$($crate::store::col::shown_of(&x.$cf)),*],
                        defaults: vec![$($crate::store::col::Col::to_value(&x.$cf)),*],
                    }
                }),*]
            }

            fn into_any(self) -> $crate::store::record::AnyRecord {
                $crate::store::record::AnyRecord::$variant(Box::new(self))
            }

            fn from_any(any: $crate::store::record::AnyRecord) -> Option<Self> {
                match any {
                    $crate::store::record::AnyRecord::$variant(r) => Some(*r),
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use record;

/// The bookkeeping columns every record table starts with.
const META_COLUMNS: &str = "id, version, created_at, updated_at, updated_by, deleted_at";

fn quoted(cols: &[&str]) -> String {
    cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
}

/// A statement's SQL built once per thread and kept: what it is for, its
/// table and the extra column names it was built with. A merge writes a
/// few million rows through a handful of statements; building their text
/// again for each row (to find the prepared statement by it) was a few
/// percent of the merge.
fn cached_sql(
    purpose: &'static str,
    table: &'static str,
    extra: &[&'static str],
    make: impl FnOnce() -> String,
) -> std::rc::Rc<str> {
    type Key = (&'static str, &'static str);
    type Built = (Vec<&'static str>, std::rc::Rc<str>);
    thread_local! {
        static SQL: std::cell::RefCell<std::collections::HashMap<Key, Built>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    SQL.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((cols, sql)) = cache.get(&(purpose, table)) {
            if cols.as_slice() == extra {
                return sql.clone();
            }
        }
        let sql: std::rc::Rc<str> = make().into();
        cache.insert((purpose, table), (extra.to_vec(), sql.clone()));
        sql
    })
}

/// A record's meta and field columns qualified by `alias`, in the order
/// [`read_row`] reads them.
pub(super) fn columns_of<R: Record>(alias: &str) -> String {
    META_COLUMNS
        .split(", ")
        .chain(R::COLUMNS.iter().copied())
        .map(|c| format!("{alias}.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT` of a record's meta and fields.
fn select_sql<R: Record>() -> String {
    format!("SELECT {META_COLUMNS}, {} FROM {}", quoted(R::COLUMNS), R::KIND.table())
}

/// Reads a record (without its child rows) from a row of [`select_sql`].
pub(super) fn read_row<R: Record>(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<R, StoreError>> {
    let n = 6 + R::COLUMNS.len();
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        values.push(row.get::<_, Value>(i)?);
    }
    let rest = values.split_off(6);
    Ok(meta_from(R::KIND, values).and_then(|meta| R::from_values(meta, rest)))
}

fn meta_from(kind: RecordKind, values: Vec<Value>) -> Result<Meta, StoreError> {
    let mut it = values.into_iter();
    let mut next = |column: &str| -> Result<Value, StoreError> {
        it.next().ok_or_else(|| StoreError::BadValue {
            table: kind.table(),
            column: column.to_string(),
            id: String::new(),
            detail: "missing".into(),
        })
    };
    let raw_id = next("id")?;
    let id_text = log_text(&raw_id).unwrap_or_default();
    let bad = |column: &str, detail: String| StoreError::BadValue {
        table: kind.table(),
        column: column.to_string(),
        id: id_text.clone(),
        detail,
    };
    Ok(Meta {
        id: Col::from_value(raw_id).map_err(|d| bad("id", d))?,
        version: Col::from_value(next("version")?).map_err(|d| bad("version", d))?,
        created_at: Col::from_value(next("created_at")?).map_err(|d| bad("created_at", d))?,
        updated_at: Col::from_value(next("updated_at")?).map_err(|d| bad("updated_at", d))?,
        updated_by: Col::from_value(next("updated_by")?).map_err(|d| bad("updated_by", d))?,
        deleted_at: Col::from_value(next("deleted_at")?).map_err(|d| bad("deleted_at", d))?,
    })
}

/// Which records a read returns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Live {
    /// Only records not in the trash.
    Only,
    /// Trashed ones too.
    Any,
}

/// Loads a record with its child rows.
pub(crate) fn load<R: Record>(
    conn: &Connection,
    path: &std::path::Path,
    id: &Id,
    live: Live,
) -> Result<Option<R>, StoreError> {
    let (purpose, filter) =
        if live == Live::Only { ("load live", " AND deleted_at IS NULL") } else { ("load any", "") };
    let sql = cached_sql(purpose, R::KIND.table(), &[], || format!("{} WHERE id = ?1{filter}", select_sql::<R>()));
    let ctx = || format!("reading {} {id}", R::KIND);
    let mut stmt = conn.prepare_cached(&sql).map_err(|e| sql_error(path, &ctx(), &e))?;
    let found = stmt.query_row([id.as_str()], read_row::<R>).optional().map_err(|e| sql_error(path, &ctx(), &e))?;
    let Some(record) = found else { return Ok(None) };
    let mut record = record?;
    load_children(conn, path, &mut record)?;
    Ok(Some(record))
}

pub(crate) fn load_children<R: Record>(
    conn: &Connection,
    path: &std::path::Path,
    record: &mut R,
) -> Result<(), StoreError> {
    for set in record.child_sets() {
        let sql = cached_sql("load children", set.table, set.columns, || {
            format!("SELECT {} FROM {} WHERE parent_id = ?1 ORDER BY pos", quoted(set.columns), set.table)
        });
        let ctx = || format!("reading {} of {} {}", set.name, R::KIND, record.meta().id);
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| sql_error(path, &ctx(), &e))?;
        let n = set.columns.len();
        let rows = stmt
            .query_map([record.meta().id.as_str()], |row| {
                (0..n).map(|i| row.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| sql_error(path, &ctx(), &e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(path, &ctx(), &e))?;
        record.set_child_rows(set.name, rows)?;
    }
    Ok(())
}

/// Writes a new record and its child rows (no log).
pub(crate) fn insert_rows<R: Record>(conn: &Connection, path: &std::path::Path, r: &R) -> Result<(), StoreError> {
    insert_rows_derived(conn, path, r, r.derived())
}

/// [`insert_rows`] with the record's derived columns computed beforehand
/// (an import computes them on every core).
pub(crate) fn insert_rows_derived<R: Record>(
    conn: &Connection,
    path: &std::path::Path,
    r: &R,
    derived: Vec<(&'static str, Value)>,
) -> Result<(), StoreError> {
    insert_main(conn, r, derived).map_err(|e| saving_error(path, r, &e))?;
    write_child_sets(conn, path, r)
}

/// [`insert_rows`], unless a record of the kind has the id already:
/// `false` then, and nothing written.
pub(crate) fn insert_rows_unless_taken<R: Record>(
    conn: &Connection,
    path: &std::path::Path,
    r: &R,
) -> Result<bool, StoreError> {
    match insert_main(conn, r, r.derived()) {
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            Ok(false)
        }
        other => {
            other.map_err(|e| saving_error(path, r, &e))?;
            write_child_sets(conn, path, r).map(|()| true)
        }
    }
}

fn saving_error<R: Record>(path: &std::path::Path, r: &R, e: &rusqlite::Error) -> StoreError {
    sql_error(path, &format!("saving {} {}", R::KIND, r.meta().id), e)
}

fn write_child_sets<R: Record>(conn: &Connection, path: &std::path::Path, r: &R) -> Result<(), StoreError> {
    for set in r.child_sets() {
        write_children(conn, path, &r.meta().id, &set)?;
    }
    Ok(())
}

/// The record's own row, without its child rows.
fn insert_main<R: Record>(
    conn: &Connection,
    r: &R,
    derived: Vec<(&'static str, Value)>,
) -> Result<(), rusqlite::Error> {
    let names: Vec<&'static str> = derived.iter().map(|(c, _)| *c).collect();
    let sql = cached_sql("insert", R::KIND.table(), &names, || {
        let mut cols: Vec<&str> = R::COLUMNS.to_vec();
        cols.extend(&names);
        let marks = (1..=6 + cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        format!("INSERT INTO {} ({META_COLUMNS}, {}) VALUES ({marks})", R::KIND.table(), quoted(&cols))
    });
    let m = r.meta();
    let mut values = Vec::with_capacity(6 + R::COLUMNS.len() + names.len());
    values.extend([
        m.id.to_value(),
        Value::Integer(m.version),
        m.created_at.to_value(),
        m.updated_at.to_value(),
        Value::Text(m.updated_by.clone()),
        m.deleted_at.to_value(),
    ]);
    values.extend(r.values());
    values.extend(derived.into_iter().map(|(_, v)| v));
    conn.prepare_cached(&sql).and_then(|mut s| s.execute(params_from_iter(values))).map(drop)
}

fn write_children(conn: &Connection, path: &std::path::Path, parent: &Id, set: &ChildSet) -> Result<(), StoreError> {
    if set.rows.is_empty() {
        return Ok(());
    }
    let sql = cached_sql("insert children", set.table, set.columns, || {
        let marks = (1..=2 + set.columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        format!("INSERT INTO {} (parent_id, pos, {}) VALUES ({marks})", set.table, quoted(set.columns))
    });
    let ctx = || format!("saving {} of {parent}", set.name);
    let mut stmt = conn.prepare_cached(&sql).map_err(|e| sql_error(path, &ctx(), &e))?;
    for (pos, row) in set.rows.iter().enumerate() {
        let head = [ValueRef::Text(parent.as_str().as_bytes()), ValueRef::Integer(pos as i64)];
        let cells = head.into_iter().chain(row.iter().map(ValueRef::from));
        stmt.execute(params_from_iter(cells.map(rusqlite::types::ToSqlOutput::Borrowed)))
            .map_err(|e| sql_error(path, &format!("{}, row {pos}", ctx()), &e))?;
    }
    Ok(())
}

/// One line of the change log to write.
pub(crate) struct LogLine<'a> {
    pub kind: RecordKind,
    pub record_id: &'a Id,
    pub action: &'static str,
    pub field: Option<&'a str>,
    pub old: Option<String>,
    pub new: Option<String>,
}

pub(crate) fn write_log(
    tx: &Connection,
    path: &std::path::Path,
    at: &str,
    who: &str,
    reason: &str,
    line: &LogLine<'_>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO change_log (at, who, kind, record_id, action, field, old, new, reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(rusqlite::params![
            at,
            who,
            line.kind.key(),
            line.record_id.as_str(),
            line.action,
            line.field,
            line.old,
            line.new,
            reason
        ])
    })
    .map_err(|e| sql_error(path, "writing the change log", &e))?;
    Ok(())
}

/// Every field of a record with its log text, child tables as JSON.
pub(crate) fn field_texts<R: Record>(r: &R) -> Vec<(&'static str, Option<String>)> {
    let mut out: Vec<(&'static str, Option<String>)> =
        R::COLUMNS.iter().copied().zip(r.values().iter().map(log_text)).collect();
    for set in r.child_sets() {
        let text = if set.rows.is_empty() { None } else { Some(set.log_json()) };
        out.push((set.name, text));
    }
    out
}

/// Who and when a write is stamped with, and the version it sets.
pub(crate) struct Stamp<'a> {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub by: &'a str,
    /// A merge's clocks of the fields it takes (by field name): each
    /// changed field is logged and clocked with its own instead of `at`
    /// and `by`.
    pub fields: Option<&'a [(&'static str, FieldClock)]>,
}

/// When a field's value was set, by whom, and the clock of the value it
/// replaced (`None`: the value the record was created with).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldClock {
    pub at: DateTime<Utc>,
    pub who: String,
    pub base: Option<DateTime<Utc>>,
}

/// The merge rule of DESIGN §7, everywhere (day-end folders, hub pushes,
/// hub pulls): a field's change `theirs` replaces `ours` when it is newer
/// by the hybrid logical clock.
pub(crate) fn newer(theirs: &FieldClock, ours: &FieldClock) -> bool {
    theirs.at > ours.at
}

/// The time a write is stamped with: the clock's `now`, but always later
/// than every field clock the file holds — a hybrid logical clock, so a
/// change made after merging a colleague's is newer than theirs even when
/// this computer's clock is behind.
pub(crate) fn clock_after(
    tx: &Connection,
    path: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    let latest: Option<String> = tx
        .prepare_cached(
            "SELECT max(t) FROM (SELECT max(at) AS t FROM field_clocks \
             UNION ALL SELECT value FROM meta WHERE key = 'clock_floor')",
        )
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(|e| sql_error(path, "reading the field clocks", &e))?;
    let latest = latest.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc));
    Ok(match latest {
        Some(t) if t >= now => t + chrono::Duration::milliseconds(1),
        _ => now,
    })
}

/// The clocks of a record's fields that have one (a field without one
/// still has the value the record was created with).
pub(crate) fn field_clocks(
    tx: &Connection,
    path: &std::path::Path,
    id: &Id,
) -> Result<Vec<(String, FieldClock)>, StoreError> {
    let ctx = "reading the field clocks";
    let mut stmt = tx
        .prepare_cached("SELECT field, at, who, base FROM field_clocks WHERE record_id = ?1")
        .map_err(|e| sql_error(path, ctx, &e))?;
    let rows = stmt
        .query_map([id.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })
        .map_err(|e| sql_error(path, ctx, &e))?;
    let time = |t: &str| DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc));
    let mut out = Vec::new();
    for row in rows {
        let (field, at, who, base) = row.map_err(|e| sql_error(path, ctx, &e))?;
        // The table's CHECK keeps `at` a time; one that is not is skipped
        // (the field counts as never changed) rather than failing a merge.
        if let Some(at) = time(&at) {
            out.push((field, FieldClock { at, who, base: base.as_deref().and_then(time) }));
        }
    }
    Ok(out)
}

/// Sets a field's clock: `clock` as given (a merged change), or, without
/// one, `at` by `who` (a local change). A local change's base is the
/// change it was made on top of: the clock it replaces, unless that was
/// the same user's own change not yet sent (made after the last export
/// and the last push to the hub), whose base it keeps. A run of one rep's
/// edits between two sends is one change against what the others sent:
/// with the previous edit as its base, a colleague's change of the field
/// made between the shared version and the run's first edit was not
/// listed as a conflict. Once sent, the others may hold the edit, and the
/// next one is made on top of it: head office, holding Monday's value,
/// takes Tuesday's without a conflict.
pub(crate) fn write_clock(
    tx: &Connection,
    path: &std::path::Path,
    id: &Id,
    field: &str,
    local: (&str, &str),
    clock: Option<&FieldClock>,
) -> Result<(), StoreError> {
    let ctx = "writing the field clocks";
    match clock {
        Some(c) => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO field_clocks (record_id, field, at, who, base) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![id.as_str(), field, timestamp(c.at), c.who, c.base.map(timestamp)])
            }),
        None => tx
            .prepare_cached(
                "INSERT INTO field_clocks (record_id, field, at, who, base) VALUES (?1, ?2, ?3, ?4, NULL) \
                 ON CONFLICT (record_id, field) DO UPDATE SET \
                 base = CASE WHEN field_clocks.who = excluded.who AND field_clocks.at > \
                 (SELECT coalesce(max(t), '') FROM (SELECT value AS t FROM meta WHERE key = 'last_export' \
                 UNION ALL SELECT last_push FROM hub_state)) \
                 THEN field_clocks.base ELSE field_clocks.at END, \
                 at = excluded.at, who = excluded.who",
            )
            .and_then(|mut s| s.execute(rusqlite::params![id.as_str(), field, local.0, local.1])),
    }
    .map(|_| ())
    .map_err(|e| sql_error(path, ctx, &e))
}

/// Writes `record` over `current` inside `tx`: the changed columns, the
/// child tables that changed, and one log line per changed field. Returns
/// false, writing nothing, when nothing changed.
pub(crate) fn update_rows<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    current: &R,
    record: &R,
    stamp: &Stamp<'_>,
    reason: &str,
) -> Result<bool, StoreError> {
    let id = current.meta().id.clone();
    let old = field_texts(current);
    let new = field_texts(record);
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i].1 != new[i].1).collect();
    if changed.is_empty() {
        return Ok(false);
    }
    let (version, at, who) = (stamp.version, stamp.at, stamp.by);
    let derived = record.derived();
    let mut sets: Vec<String> = R::COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    sets.extend(derived.iter().map(|(c, _)| format!("\"{c}\"")));
    let assigns = sets.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 5)).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "UPDATE {} SET version = ?1, updated_at = ?2, updated_by = ?3, {assigns} WHERE id = ?4",
        R::KIND.table()
    );
    let mut values = vec![Value::Integer(version), at.to_value(), Value::Text(who.to_string()), id.to_value()];
    values.extend(record.values());
    values.extend(derived.into_iter().map(|(_, v)| v));
    let ctx = format!("saving {} {id}", R::KIND);
    tx.prepare_cached(&sql)
        .and_then(|mut s| s.execute(params_from_iter(values)))
        .map_err(|e| sql_error(path, &ctx, &e))?;
    let column_count = R::COLUMNS.len();
    for set in record.child_sets() {
        let i = column_count + record.child_sets().iter().position(|s| s.name == set.name).unwrap_or(0);
        if changed.contains(&i) {
            tx.execute(&format!("DELETE FROM {} WHERE parent_id = ?1", set.table), [id.as_str()])
                .map_err(|e| sql_error(path, &ctx, &e))?;
            write_children(tx, path, &id, &set)?;
        }
    }
    let at_text = timestamp(at);
    for i in changed {
        let field = old[i].0;
        let line = LogLine {
            kind: R::KIND,
            record_id: &id,
            action: "update",
            field: Some(field),
            old: old[i].1.clone(),
            new: new[i].1.clone(),
        };
        let merged = stamp.fields.and_then(|f| f.iter().find(|(name, _)| *name == field)).map(|(_, c)| c);
        match merged {
            Some(c) => write_log(tx, path, &timestamp(c.at), &c.who, reason, &line)?,
            None => write_log(tx, path, &at_text, who, reason, &line)?,
        }
        write_clock(tx, path, &id, field, (&at_text, who), merged)?;
    }
    Ok(true)
}

impl Store {
    /// Starts a write transaction (`BEGIN IMMEDIATE`).
    pub(crate) fn write_tx(&mut self) -> Result<Transaction<'_>, StoreError> {
        let path = self.path.clone();
        if self.read_only {
            return Err(StoreError::ReadOnly { path: path.display().to_string() });
        }
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, "starting a write", &e))
    }

    /// Saves a new record: validates, writes it with its child rows and one
    /// log line per filled field, all in one transaction. On success the
    /// record's meta holds version 1 and the timestamps written.
    pub fn insert<R: Record>(&mut self, record: &mut R) -> Result<(), StoreError> {
        self.save(record, "")
    }

    /// Saves changes to a record read earlier. Refused with
    /// [`StoreError::Conflict`] (carrying the current record, nothing written)
    /// when someone saved it since it was read. Writes one log line per
    /// changed field with `reason`. On success the record's meta holds the
    /// new version; saving without changes writes nothing.
    pub fn update<R: Record>(&mut self, record: &mut R, reason: &str) -> Result<(), StoreError> {
        if record.meta().is_new() {
            return Err(StoreError::NotFound { kind: R::KIND, id: record.meta().id.to_string() });
        }
        self.save(record, reason)
    }

    /// Inserts a new record (version 0) or updates a saved one.
    pub fn save<R: Record>(&mut self, record: &mut R, reason: &str) -> Result<(), StoreError> {
        check_valid(record)?;
        let (path, who, now) = (self.path.clone(), self.user.clone(), self.now());
        let written = self
            .write_tx()
            .and_then(|tx| {
                let at = clock_after(&tx, &path, now)?;
                let written = write_one(&tx, &path, &who, at, record, reason)?;
                tx.commit().map_err(|e| sql_error(&path, "committing", &e))?;
                Ok(written)
            })
            .map_err(|e| e.naming(|| describe(record)))?;
        written.apply(record);
        Ok(())
    }

    /// Saves two records in one transaction: both are written or neither
    /// (a call plan marked done and the visit it logs).
    pub fn save_pair<A: Record + 'static, B: Record + 'static>(
        &mut self,
        a: &mut A,
        reason: &str,
        b: &mut B,
    ) -> Result<(), StoreError> {
        self.save_all(&mut [a, b], reason)
    }

    /// Saves records of any kinds in one transaction, in the order given:
    /// all are written or none (a VIP card made into an account and contact).
    pub fn save_all(&mut self, records: &mut [&mut dyn Saving], reason: &str) -> Result<(), StoreError> {
        for r in records.iter() {
            r.check()?;
        }
        let (path, who, now) = (self.path.clone(), self.user.clone(), self.now());
        let written = self
            .write_tx()
            .and_then(|tx| {
                let at = clock_after(&tx, &path, now)?;
                let mut written = Vec::with_capacity(records.len());
                for r in records.iter() {
                    written.push(r.write(&tx, &path, &who, at, reason)?);
                }
                tx.commit().map_err(|e| sql_error(&path, "committing", &e))?;
                Ok(written)
            })
            .map_err(|e| e.naming(|| records.iter().map(|r| r.describe()).collect::<Vec<_>>().join(" with ")))?;
        for (r, w) in records.iter_mut().zip(written) {
            r.apply(w);
        }
        Ok(())
    }

    /// A record with its child rows; [`StoreError::NotFound`] when it does
    /// not exist or is in the trash.
    pub fn get<R: Record>(&self, id: &Id) -> Result<R, StoreError> {
        load(&self.conn, &self.path, id, Live::Only)?
            .ok_or_else(|| StoreError::NotFound { kind: R::KIND, id: id.to_string() })
    }

    /// A record whether or not it is in the trash (to show what a restore
    /// would bring back).
    pub fn get_any<R: Record>(&self, id: &Id) -> Result<R, StoreError> {
        load(&self.conn, &self.path, id, Live::Any)?
            .ok_or_else(|| StoreError::NotFound { kind: R::KIND, id: id.to_string() })
    }

    /// The live records of a kind that belong to an account, with their
    /// child rows, newest first (by date where the kind has one).
    pub fn list_for_account<R: Record>(&self, account: &Id) -> Result<Vec<R>, StoreError> {
        let sql = format!("{} WHERE account_id = ?1 AND deleted_at IS NULL ORDER BY {}", select_sql::<R>(), R::ORDER);
        self.read_list(&sql, &[Value::Text(account.to_string())])
    }

    /// The ids of records of `kind` that begin or end with `part`, at most
    /// `limit`, in id order: one id means the part names a record, two that
    /// it is ambiguous. `live_only` leaves out the trash (an erase reaches
    /// into it). Ids are UUIDv7, whose first characters are the time of
    /// creation (shared by records made in the same minute), so the short
    /// id kam shows is the last 8 characters: a beginning or an end of those
    /// (what a user types of the id they see) is accepted, and a beginning
    /// of the whole id too.
    /// The part is compared as lowercase text; callers check it is hex.
    pub fn ids_by_part(
        &self,
        kind: RecordKind,
        part: &str,
        limit: u32,
        live_only: bool,
    ) -> Result<Vec<Id>, StoreError> {
        let low = part.trim().to_ascii_lowercase();
        // '~' sorts after every character of a UUID, so the range is the prefix's.
        let high = format!("{low}~");
        let live = if live_only { "deleted_at IS NULL AND" } else { "" };
        let sql = format!(
            "SELECT id FROM {} WHERE {live} ((id >= ?1 AND id < ?2) OR substr(id, -?4) = ?1 OR substr(id, -8, ?4) = ?1) ORDER BY id LIMIT ?3",
            kind.table()
        );
        let ctx = format!("finding {kind} by id");
        let len = i64::try_from(low.chars().count()).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(&ctx, e))?;
        let ids = stmt
            .query_map(
                params_from_iter([
                    Value::Text(low),
                    Value::Text(high),
                    Value::Integer(i64::from(limit)),
                    Value::Integer(len),
                ]),
                |r| r.get::<_, String>(0),
            )
            .map_err(|e| self.err(&ctx, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(&ctx, e))?;
        ids.iter()
            .map(|s| {
                Id::parse(s)
                    .map_err(|e| StoreError::Corrupt { path: self.shown(), detail: format!("{ctx}: {}", e.message) })
            })
            .collect()
    }

    /// Live records of a kind, in the kind's order, `limit` from `offset`.
    pub fn list<R: Record>(&self, limit: u32, offset: u32) -> Result<Vec<R>, StoreError> {
        let sql = format!("{} WHERE deleted_at IS NULL ORDER BY {} LIMIT ?1 OFFSET ?2", select_sql::<R>(), R::ORDER);
        self.read_list(&sql, &[Value::Integer(i64::from(limit)), Value::Integer(i64::from(offset))])
    }

    fn read_list<R: Record>(&self, sql: &str, params: &[Value]) -> Result<Vec<R>, StoreError> {
        let ctx = format!("listing {}", R::KIND);
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(&ctx, e))?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), read_row::<R>)
            .map_err(|e| self.err(&ctx, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(&ctx, e))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut r = r?;
            load_children(&self.conn, &self.path, &mut r)?;
            out.push(r);
        }
        Ok(out)
    }
}

/// A record saved with others by [`Store::save_all`].
pub trait Saving {
    #[doc(hidden)]
    fn check(&self) -> Result<(), StoreError>;
    /// Kind, label and id, for messages.
    #[doc(hidden)]
    fn describe(&self) -> String;
    #[doc(hidden)]
    fn write(
        &self,
        tx: &Connection,
        path: &std::path::Path,
        who: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<Box<dyn std::any::Any>, StoreError>;
    #[doc(hidden)]
    fn apply(&mut self, written: Box<dyn std::any::Any>);
}

impl<R: Record + 'static> Saving for R {
    fn check(&self) -> Result<(), StoreError> {
        check_valid(self)
    }

    fn describe(&self) -> String {
        describe(self)
    }

    fn write(
        &self,
        tx: &Connection,
        path: &std::path::Path,
        who: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<Box<dyn std::any::Any>, StoreError> {
        Ok(Box::new(write_one(tx, path, who, at, self, reason)?))
    }

    fn apply(&mut self, written: Box<dyn std::any::Any>) {
        if let Ok(w) = written.downcast::<Written<R>>() {
            w.apply(self);
        }
    }
}

/// What a write did, applied to the record once its transaction commits.
enum Written<R> {
    Inserted(R),
    Updated { version: i64, at: DateTime<Utc>, by: String },
    Unchanged,
}

impl<R: Record> Written<R> {
    fn apply(self, record: &mut R) {
        match self {
            Self::Inserted(saved) => *record = saved,
            Self::Updated { version, at, by } => {
                let m = record.meta_mut();
                m.version = version;
                m.updated_at = at;
                m.updated_by = by;
            }
            Self::Unchanged => {}
        }
    }
}

/// Inserts a new record or updates a saved one inside `tx` (see
/// [`Store::insert`] and [`Store::update`]); the record itself is untouched.
fn write_one<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    who: &str,
    at: DateTime<Utc>,
    record: &R,
    reason: &str,
) -> Result<Written<R>, StoreError> {
    if record.meta().is_new() {
        let mut saved = record.clone();
        {
            let m = saved.meta_mut();
            m.version = 1;
            m.created_at = at;
            m.updated_at = at;
            m.updated_by = who.to_string();
            m.deleted_at = None;
        }
        self::check_parent_live(tx, path, &saved)?;
        insert_rows(tx, path, &saved)?;
        let at_text = timestamp(at);
        for (field, text) in field_texts(&saved) {
            if text.as_deref().is_some_and(|t| !t.is_empty()) {
                let line = LogLine {
                    kind: R::KIND,
                    record_id: &saved.meta().id,
                    action: "insert",
                    field: Some(field),
                    old: None,
                    new: text,
                };
                write_log(tx, path, &at_text, who, "", &line)?;
            }
        }
        return Ok(Written::Inserted(saved));
    }
    let id = record.meta().id.clone();
    let current: R =
        load(tx, path, &id, Live::Only)?.ok_or_else(|| StoreError::NotFound { kind: R::KIND, id: id.to_string() })?;
    if current.meta().version != record.meta().version {
        return Err(StoreError::Conflict(Box::new(Conflict {
            kind: R::KIND,
            id,
            expected_version: record.meta().version,
            current: current.into_any(),
        })));
    }
    let version = current.meta().version + 1;
    let stamp = Stamp { version, at, by: who, fields: None };
    if update_rows(tx, path, &current, record, &stamp, reason)? {
        Ok(Written::Updated { version, at, by: who.to_string() })
    } else {
        Ok(Written::Unchanged)
    }
}

/// A record as a message names it: `account 恒信贸易有限公司 (id 0190…)`.
fn describe<R: Record>(r: &R) -> String {
    let label = r.label();
    if label.trim().is_empty() {
        format!("{} {}", R::KIND, r.meta().id)
    } else {
        format!("{} {label} (id {})", R::KIND, r.meta().id)
    }
}

fn check_valid<R: Record>(r: &R) -> Result<(), StoreError> {
    r.validate().map_err(|error| StoreError::Invalid { kind: R::KIND, id: r.meta().id.to_string(), error })
}

/// A record that belongs to an account cannot be written under a trashed account.
fn check_parent_live<R: Record>(conn: &Connection, path: &std::path::Path, r: &R) -> Result<(), StoreError> {
    let Some(account) = r.account_id() else { return Ok(()) };
    let state: Option<Option<String>> = conn
        .query_row("SELECT deleted_at FROM accounts WHERE id = ?1", [account.as_str()], |row| row.get(0))
        .optional()
        .map_err(|e| sql_error(path, "reading the account", &e))?;
    match state {
        Some(None) => Ok(()),
        Some(Some(_)) => {
            Err(StoreError::ParentInTrash { kind: R::KIND, id: r.meta().id.to_string(), account: account.to_string() })
        }
        None => Err(StoreError::NotFound { kind: RecordKind::Account, id: account.to_string() }),
    }
}
