//! DESIGN §3.9: the change log, the trash, restore and the 30-day purge.

use chrono::{DateTime, Duration, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::col::{log_text, timestamp, Col};
use super::record::{load, write_log, Live, LogLine, Record, RecordKind};
use super::{sql_error, Store, StoreError};
use crate::model::{CallPlan, ChangeEvent, Contact, Feedback, Id, Order, Presentation, Visit};

/// Days a deleted record stays restorable.
pub const TRASH_DAYS: i64 = 30;

/// One line of the change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeLine {
    pub at: DateTime<Utc>,
    pub who: String,
    pub kind: String,
    pub record_id: String,
    /// insert, update, delete, restore, purge, erase or demo.
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub reason: String,
}

/// Something the user deleted, restorable until `deleted_at` + 30 days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrashEntry {
    pub kind: RecordKind,
    pub id: Id,
    /// The record's name or a short description.
    pub label: String,
    pub deleted_at: DateTime<Utc>,
    pub deleted_by: String,
    pub reason: String,
    /// Records deleted along with it (an account's contacts, orders …).
    pub with: u32,
}

impl Store {
    /// Moves a record to the trash with the reason asked for. An account
    /// takes its contacts, orders, visits, events, feedback and plans with
    /// it. Every field of every record moved is written to the log, so
    /// nothing is lost when the trash is purged.
    pub fn delete<R: Record>(&mut self, id: &Id, reason: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let who = self.user.clone();
        let clock = self.clock;
        let tx = self.write_tx()?;
        let at = timestamp(clock.now());
        if !trash_in::<R>(&tx, &path, id, &at, &who, reason)? {
            return Err(StoreError::NotFound { kind: R::KIND, id: id.to_string() });
        }
        tx.commit().map_err(|e| sql_error(&path, "committing", &e))
    }

    /// Brings a record back from the trash with everything deleted with it.
    /// A contact, order … whose account is still in the trash cannot come
    /// back alone: restore the account.
    pub fn restore(&mut self, id: &Id) -> Result<RecordKind, StoreError> {
        let path = self.path.clone();
        let who = self.user.clone();
        let clock = self.clock;
        let tx = self.write_tx()?;
        let kind_key: Option<String> = tx
            .query_row("SELECT kind FROM trash WHERE record_id = ?1", [id.as_str()], |r| r.get(0))
            .optional()
            .map_err(|e| sql_error(&path, "reading the trash", &e))?;
        let kind = kind_key
            .as_deref()
            .and_then(RecordKind::parse)
            .ok_or_else(|| StoreError::NotFound { kind: RecordKind::Account, id: id.to_string() })?;
        if kind.of_account() {
            let account: Option<(String, Option<String>)> = tx
                .query_row(
                    &format!(
                        "SELECT a.id, a.deleted_at FROM {} r JOIN accounts a ON a.id = r.account_id WHERE r.id = ?1",
                        kind.table()
                    ),
                    [id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(|e| sql_error(&path, "reading the account", &e))?;
            if let Some((account, Some(_))) = account {
                return Err(StoreError::ParentInTrash { kind, id: id.to_string(), account });
            }
        }
        let at = timestamp(clock.now());
        let mut ids = vec![(kind, id.clone())];
        if kind == RecordKind::Account {
            for k in RecordKind::ALL.into_iter().filter(|k| k.of_account()) {
                let mut stmt = tx
                    .prepare(&format!("SELECT id FROM {} WHERE deleted_with = ?1", k.table()))
                    .map_err(|e| sql_error(&path, "reading the trash", &e))?;
                let found = stmt
                    .query_map([id.as_str()], |r| r.get::<_, Value>(0))
                    .map_err(|e| sql_error(&path, "reading the trash", &e))?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| sql_error(&path, "reading the trash", &e))?;
                for v in found {
                    let child = Id::from_value(v).map_err(|detail| StoreError::BadValue {
                        table: k.table(),
                        column: "id".into(),
                        id: id.to_string(),
                        detail,
                    })?;
                    ids.push((k, child));
                }
            }
        }
        for (k, rid) in &ids {
            tx.execute(
                &format!(
                    "UPDATE {} SET deleted_at = NULL, deleted_with = NULL, version = version + 1, updated_at = ?2, \
                     updated_by = ?3 WHERE id = ?1",
                    k.table()
                ),
                rusqlite::params![rid.as_str(), at, who],
            )
            .map_err(|e| sql_error(&path, "restoring", &e))?;
            let line = LogLine { kind: *k, record_id: rid, action: "restore", field: None, old: None, new: None };
            write_log(&tx, &path, &at, &who, "", &line)?;
        }
        tx.execute("DELETE FROM trash WHERE record_id = ?1", [id.as_str()])
            .map_err(|e| sql_error(&path, "restoring", &e))?;
        tx.commit().map_err(|e| sql_error(&path, "committing", &e))?;
        Ok(kind)
    }

    /// What is in the trash, most recently deleted first.
    pub fn trash(&self) -> Result<Vec<TrashEntry>, StoreError> {
        let ctx = "reading the trash";
        let sql = "SELECT kind, record_id, label, deleted_at, deleted_by, reason FROM trash ORDER BY deleted_at DESC";
        let raw = self.rows(ctx, sql, [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Value>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Value>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::with_capacity(raw.len());
        for (kind, id, label, at, by, reason) in raw {
            let bad = |column: &str, detail: String| StoreError::BadValue {
                table: "trash",
                column: column.into(),
                id: log_text(&id).unwrap_or_default(),
                detail,
            };
            let kind = RecordKind::parse(&kind).ok_or_else(|| bad("kind", format!("unknown kind '{kind}'")))?;
            let id = Id::from_value(id.clone()).map_err(|d| bad("record_id", d))?;
            let deleted_at = DateTime::<Utc>::from_value(at).map_err(|d| bad("deleted_at", d))?;
            let with = if kind == RecordKind::Account {
                let mut n = 0u32;
                for k in RecordKind::ALL.into_iter().filter(|k| k.of_account()) {
                    let c: i64 = self
                        .conn
                        .query_row(
                            &format!("SELECT count(*) FROM {} WHERE deleted_with = ?1", k.table()),
                            [id.as_str()],
                            |r| r.get(0),
                        )
                        .map_err(|e| self.err(ctx, e))?;
                    n += u32::try_from(c).unwrap_or(u32::MAX);
                }
                n
            } else {
                0
            };
            out.push(TrashEntry { kind, id, label, deleted_at, deleted_by: by, reason, with });
        }
        Ok(out)
    }

    /// Removes for good what has been in the trash more than 30 days before
    /// `now`, with its child rows. The change log keeps every field (written
    /// at delete time) and gains one `purge` line per record, except a
    /// person's (a contact, a VIP card): their values are cleared from the
    /// log, which keeps who changed which field when. Runs on open.
    pub fn purge_trash(&mut self, now: DateTime<Utc>) -> Result<u32, StoreError> {
        self.purge_trash_with(now, true)
    }

    /// [`Store::purge_trash`]; `thorough` also looks for deleted records the
    /// trash table does not list (a scan of every table, seconds on a large
    /// file — the workbench skips it so its first frame is not kept waiting).
    pub(super) fn purge_trash_with(&mut self, now: DateTime<Utc>, thorough: bool) -> Result<u32, StoreError> {
        let cutoff = timestamp(now - Duration::days(TRASH_DAYS));
        let path = self.path.clone();
        let who = self.user.clone();
        let due: i64 = self
            .conn
            .query_row("SELECT count(*) FROM trash WHERE deleted_at < ?1", [&cutoff], |r| r.get(0))
            .map_err(|e| self.err("reading the trash", e))?;
        let mut any_due = due > 0;
        if !any_due && thorough {
            // Records trashed with an account share its time, so this only
            // finds leftovers; checked so a purge is never missed.
            for k in RecordKind::ALL {
                let n: i64 = self
                    .conn
                    .query_row(
                        &format!("SELECT count(*) FROM {} WHERE deleted_at IS NOT NULL AND deleted_at < ?1", k.table()),
                        [&cutoff],
                        |r| r.get(0),
                    )
                    .map_err(|e| self.err("reading the trash", e))?;
                any_due |= n > 0;
            }
        }
        if !any_due {
            return Ok(0);
        }
        let clock = self.clock;
        let tx = self.write_tx()?;
        let at = timestamp(clock.now());
        let mut purged = 0u32;
        // Children of an account first, then the accounts (foreign keys).
        let order = [
            RecordKind::Contact,
            RecordKind::Order,
            RecordKind::Visit,
            RecordKind::ChangeEvent,
            RecordKind::Feedback,
            RecordKind::CallPlan,
            RecordKind::Presentation,
            RecordKind::VipCard,
            RecordKind::Target,
            RecordKind::Account,
        ];
        for k in order {
            let ids = ids_where(&tx, &path, k, &cutoff)?;
            for rid in &ids {
                if matches!(k, RecordKind::Contact | RecordKind::VipCard) {
                    // A person's values leave the log with them (#21): the
                    // lines keep who changed which field when.
                    tx.execute("UPDATE change_log SET old = NULL, new = NULL WHERE record_id = ?1", [rid.as_str()])
                        .map_err(|e| sql_error(&path, "purging the trash", &e))?;
                }
                tx.execute("DELETE FROM field_clocks WHERE record_id = ?1", [rid.as_str()])
                    .map_err(|e| sql_error(&path, "purging the trash", &e))?;
                let line = LogLine { kind: k, record_id: rid, action: "purge", field: None, old: None, new: None };
                write_log(&tx, &path, &at, &who, "", &line)?;
            }
            let n = tx
                .execute(
                    &format!("DELETE FROM {} WHERE deleted_at IS NOT NULL AND deleted_at < ?1", k.table()),
                    [&cutoff],
                )
                .map_err(|e| sql_error(&path, "purging the trash", &e))?;
            purged += u32::try_from(n).unwrap_or(u32::MAX);
        }
        tx.execute("DELETE FROM tombstones WHERE deleted_at < ?1", [&cutoff])
            .map_err(|e| sql_error(&path, "purging the trash", &e))?;
        tx.execute("DELETE FROM trash WHERE deleted_at < ?1", [&cutoff])
            .map_err(|e| sql_error(&path, "purging the trash", &e))?;
        tx.commit().map_err(|e| sql_error(&path, "committing", &e))?;
        Ok(purged)
    }

    /// The change log of one record, oldest first.
    pub fn history(&self, id: &Id) -> Result<Vec<ChangeLine>, StoreError> {
        self.log_lines("WHERE record_id = ?1 ORDER BY seq", &[Value::Text(id.to_string())])
    }

    /// Change-log lines written at or after `since`, oldest first (the
    /// Today tab's "today's changes", the day-end export).
    pub fn changes_since(&self, since: DateTime<Utc>) -> Result<Vec<ChangeLine>, StoreError> {
        self.log_lines("WHERE at >= ?1 ORDER BY seq", &[Value::Text(timestamp(since))])
    }

    fn log_lines(&self, tail: &str, params: &[Value]) -> Result<Vec<ChangeLine>, StoreError> {
        let ctx = "reading the change log";
        let sql = format!("SELECT at, who, kind, record_id, action, field, old, new, reason FROM change_log {tail}");
        let raw = self.rows(ctx, &sql, rusqlite::params_from_iter(params.iter()), |r| {
            Ok((
                r.get::<_, Value>(0)?,
                ChangeLine {
                    at: DateTime::<Utc>::MIN_UTC,
                    who: r.get(1)?,
                    kind: r.get(2)?,
                    record_id: r.get(3)?,
                    action: r.get(4)?,
                    field: r.get(5)?,
                    old: r.get(6)?,
                    new: r.get(7)?,
                    reason: r.get(8)?,
                },
            ))
        })?;
        raw.into_iter()
            .map(|(at, mut line)| {
                line.at = DateTime::<Utc>::from_value(at).map_err(|detail| StoreError::BadValue {
                    table: "change_log",
                    column: "at".into(),
                    id: line.record_id.clone(),
                    detail,
                })?;
                Ok(line)
            })
            .collect()
    }
}

/// Moves a live record to the trash in `tx`, stamped `at` by `who`: an
/// account with its contacts, orders, visits, events, feedback and plans.
/// Every field of every record moved is written to the log. Returns false
/// when there is no live record of the kind with this id.
pub(super) fn trash_in<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    id: &Id,
    at: &str,
    who: &str,
    reason: &str,
) -> Result<bool, StoreError> {
    let Some(record) = load::<R>(tx, path, id, Live::Only)? else {
        return Ok(false);
    };
    trash_one(tx, path, &record, at, who, reason, None)?;
    if R::KIND == RecordKind::Account {
        trash_dependents::<Contact>(tx, path, id, at, who, reason)?;
        trash_dependents::<Order>(tx, path, id, at, who, reason)?;
        trash_dependents::<Visit>(tx, path, id, at, who, reason)?;
        trash_dependents::<ChangeEvent>(tx, path, id, at, who, reason)?;
        trash_dependents::<Feedback>(tx, path, id, at, who, reason)?;
        trash_dependents::<CallPlan>(tx, path, id, at, who, reason)?;
        trash_dependents::<Presentation>(tx, path, id, at, who, reason)?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO trash (record_id, kind, label, deleted_at, deleted_by, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![id.as_str(), R::KIND.key(), record.label(), at, who, reason],
    )
    .map_err(|e| sql_error(path, "writing the trash", &e))?;
    Ok(true)
}

/// Marks one record deleted and logs each of its fields as removed.
pub(crate) fn trash_one<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    record: &R,
    at: &str,
    who: &str,
    reason: &str,
    with: Option<&Id>,
) -> Result<(), StoreError> {
    let id = &record.meta().id;
    tx.execute(
        &format!("UPDATE {} SET deleted_at = ?2, deleted_with = ?3 WHERE id = ?1", R::KIND.table()),
        rusqlite::params![id.as_str(), at, with.map(Id::as_str)],
    )
    .map_err(|e| sql_error(path, &format!("deleting {} {id}", R::KIND), &e))?;
    let values = record.values();
    for (field, v) in R::COLUMNS.iter().zip(&values) {
        if let Some(old) = log_text(v).filter(|t| !t.is_empty()) {
            let line = LogLine {
                kind: R::KIND,
                record_id: id,
                action: "delete",
                field: Some(field),
                old: Some(old),
                new: None,
            };
            write_log(tx, path, at, who, reason, &line)?;
        }
    }
    for set in record.child_sets() {
        if !set.rows.is_empty() {
            let line = LogLine {
                kind: R::KIND,
                record_id: id,
                action: "delete",
                field: Some(set.name),
                old: Some(set.log_json()),
                new: None,
            };
            write_log(tx, path, at, who, reason, &line)?;
        }
    }
    Ok(())
}

/// Trashes the live records of a kind that belong to an account.
pub(super) fn trash_dependents<R: Record>(
    tx: &Connection,
    path: &std::path::Path,
    account: &Id,
    at: &str,
    who: &str,
    reason: &str,
) -> Result<(), StoreError> {
    let ids = {
        let mut stmt = tx
            .prepare(&format!("SELECT id FROM {} WHERE account_id = ?1 AND deleted_at IS NULL", R::KIND.table()))
            .map_err(|e| sql_error(path, "finding what belongs to the account", &e))?;
        let raw = stmt
            .query_map([account.as_str()], |r| r.get::<_, Value>(0))
            .map_err(|e| sql_error(path, "finding what belongs to the account", &e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(path, "finding what belongs to the account", &e))?;
        raw.into_iter()
            .map(|v| {
                Id::from_value(v).map_err(|detail| StoreError::BadValue {
                    table: R::KIND.table(),
                    column: "id".into(),
                    id: account.to_string(),
                    detail,
                })
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    for id in &ids {
        if let Some(r) = load::<R>(tx, path, id, Live::Only)? {
            trash_one(tx, path, &r, at, who, reason, Some(account))?;
        }
    }
    Ok(())
}

fn ids_where(tx: &Connection, path: &std::path::Path, k: RecordKind, cutoff: &str) -> Result<Vec<Id>, StoreError> {
    let mut stmt = tx
        .prepare(&format!("SELECT id FROM {} WHERE deleted_at IS NOT NULL AND deleted_at < ?1", k.table()))
        .map_err(|e| sql_error(path, "purging the trash", &e))?;
    let raw = stmt
        .query_map([cutoff], |r| r.get::<_, Value>(0))
        .map_err(|e| sql_error(path, "purging the trash", &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql_error(path, "purging the trash", &e))?;
    raw.into_iter()
        .map(|v| {
            Id::from_value(v).map_err(|detail| StoreError::BadValue {
                table: k.table(),
                column: "id".into(),
                id: String::new(),
                detail,
            })
        })
        .collect()
}

/// What an export wrote, for its line in the change log (#21).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ExportTrace {
    /// Rows per file written.
    pub files: std::collections::BTreeMap<String, u64>,
    /// Whether personal fields were masked.
    pub masked: bool,
    /// Where it was written (a folder, a file).
    pub to: String,
}

impl Store {
    /// Records in the change log that an export was made: who, when (the
    /// line's own), which files with how many rows, masked or not, where.
    /// The line is of kind `export` with an id of its own.
    pub fn log_export(&self, trace: &ExportTrace) -> Result<(), StoreError> {
        let new = serde_json::to_string(trace)
            .map_err(|e| StoreError::Sql { context: "recording the export".into(), detail: e.to_string() })?;
        self.log_trace("export", &Id::new(), "export", &new)
    }

    /// Records in the change log that a plan was printed, and where to
    /// (a file, or `-` for standard output): a line of kind `print` under
    /// the plan's id, so the plan's history shows it and Today counts it.
    pub fn log_print(&self, plan: &Id, to: &str) -> Result<(), StoreError> {
        self.log_trace("print", plan, "print", to)
    }

    fn log_trace(&self, kind: &str, id: &Id, action: &str, new: &str) -> Result<(), StoreError> {
        if self.read_only {
            // Nothing can be written; the export or print itself stands.
            return Ok(());
        }
        self.conn
            .execute(
                "INSERT INTO change_log (at, who, kind, record_id, action, field, old, new, reason) \
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6, '')",
                rusqlite::params![timestamp(self.clock.now()), self.user, kind, id.as_str(), action, new],
            )
            .map(|_| ())
            .map_err(|e| self.err("recording the export in the change log", e))
    }
}
