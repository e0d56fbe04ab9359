//! `kam check`: integrity, foreign keys, schema version, counts, trash and backups.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::record::RecordKind;
use super::{schema, Store, StoreError};

/// How many records of a kind the file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindCount {
    pub kind: RecordKind,
    pub live: u64,
    pub trashed: u64,
}

/// What `kam check` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    pub path: PathBuf,
    pub schema_version: u32,
    pub supported_version: u32,
    /// Problems `PRAGMA quick_check` reported (empty when sound).
    pub quick_check: Vec<String>,
    /// Problems `PRAGMA integrity_check` reported.
    pub integrity_check: Vec<String>,
    /// Rows pointing at a missing parent: "table row N → parent".
    pub foreign_keys: Vec<String>,
    /// Tables, indexes and triggers of this schema version that are missing.
    pub schema_objects: Vec<String>,
    pub counts: Vec<KindCount>,
    /// Entries the user deleted (each may hold more records).
    pub trash_entries: u64,
    pub change_log_lines: u64,
    /// The newest backup, when there is one.
    pub last_backup: Option<PathBuf>,
    pub backups: usize,
}

impl CheckReport {
    /// Whether anything is wrong.
    pub fn is_sound(&self) -> bool {
        self.quick_check.is_empty()
            && self.integrity_check.is_empty()
            && self.foreign_keys.is_empty()
            && self.schema_objects.is_empty()
            && self.schema_version == self.supported_version
    }
}

impl Store {
    /// Runs every check of `kam check`; `backups_dir` is where the daily
    /// copies are looked for.
    pub fn check(&self, backups_dir: &Path) -> Result<CheckReport, StoreError> {
        let quick_check = self.integrity("quick_check")?;
        let integrity_check = self.integrity("integrity_check")?;
        let ctx = "checking";
        let version: i64 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err(ctx, e))?;
        let foreign_keys = self.foreign_key_problems()?;
        let schema_objects = self.schema_problems()?;
        let mut counts = Vec::new();
        for kind in RecordKind::ALL {
            let (live, trashed): (i64, i64) = self
                .conn
                .query_row(
                    &format!(
                        "SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM {}",
                        kind.table()
                    ),
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|e| self.err(ctx, e))?;
            counts.push(KindCount { kind, live: live.unsigned_abs(), trashed: trashed.unsigned_abs() });
        }
        let count = |table: &str| -> Result<u64, StoreError> {
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))
                .map(i64::unsigned_abs)
                .map_err(|e| self.err(ctx, e))
        };
        let backups = self.backups(backups_dir)?;
        Ok(CheckReport {
            path: self.path.clone(),
            schema_version: u32::try_from(version).unwrap_or(u32::MAX),
            supported_version: schema::LATEST,
            quick_check,
            integrity_check,
            foreign_keys,
            schema_objects,
            counts,
            trash_entries: count("trash")?,
            change_log_lines: count("change_log")?,
            last_backup: backups.last().cloned(),
            backups: backups.len(),
        })
    }
}

impl Store {
    /// The whole-file check a backup is taken only after, and a restored
    /// copy must pass: `integrity_check` (every page, every index entry,
    /// CHECK and NOT NULL constraints), `foreign_key_check` and the schema's
    /// tables and indexes all present. `quick_check` alone misses a damaged
    /// index, so it is not enough to trust a file with the last good copies.
    pub fn full_check(&self) -> Result<(), StoreError> {
        let mut problems = self.integrity("integrity_check")?;
        problems.extend(self.foreign_key_problems()?);
        problems.extend(self.schema_problems()?);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Corrupt { path: self.shown(), detail: problems.join("; ") })
        }
    }

    /// Rows pointing at a missing parent: "table row N → parent".
    fn foreign_key_problems(&self) -> Result<Vec<String>, StoreError> {
        let ctx = "checking foreign keys";
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check").map_err(|e| self.err(ctx, e))?;
        let rows = stmt
            .query_map([], |r| {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                Ok(format!("{table} row {} → {parent}", rowid.map_or_else(|| "?".to_string(), |n| n.to_string())))
            })
            .map_err(|e| self.err(ctx, e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(ctx, e))
    }

    /// The tables, indexes and triggers the file's schema version has that
    /// the file lacks ("missing table vip_cards").
    fn schema_problems(&self) -> Result<Vec<String>, StoreError> {
        let ctx = "checking the schema";
        let version: i64 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err(ctx, e))?;
        let expected = expected_objects(usize::try_from(version).unwrap_or(0))
            .map_err(|detail| StoreError::Sql { context: ctx.to_string(), detail })?;
        let found = schema_objects(&self.conn).map_err(|e| self.err(ctx, e))?;
        Ok(expected.difference(&found).map(|(kind, name)| format!("missing {kind} {name}")).collect())
    }
}

/// Every (type, name) in a file's schema, SQLite's own objects left out.
fn schema_objects(conn: &Connection) -> rusqlite::Result<BTreeSet<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'index', 'trigger', 'view')",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// The schema objects a file of `version` has: the migrations up to that
/// version run on an empty database in memory.
fn expected_objects(version: usize) -> Result<BTreeSet<(String, String)>, String> {
    let mut conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    if version > 0 {
        schema::migrations().to_version(&mut conn, version).map_err(|e| e.to_string())?;
    }
    schema_objects(&conn).map_err(|e| e.to_string())
}
