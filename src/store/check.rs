//! `kam check`: integrity, foreign keys, schema version, counts, trash and backups.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::record::RecordKind;
use super::{schema, FileLock, Store, StoreError, SQLITE_HEADER};
use crate::clock::Clock;

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
    /// Whether anything is wrong. A file of an older schema version is not
    /// damaged: the next command that writes migrates it.
    pub fn is_sound(&self) -> bool {
        self.quick_check.is_empty()
            && self.integrity_check.is_empty()
            && self.foreign_keys.is_empty()
            && self.schema_objects.is_empty()
            && self.schema_version <= self.supported_version
    }

    /// Whether the file is of an older schema version than this kam writes.
    pub fn needs_migration(&self) -> bool {
        self.schema_version < self.supported_version
    }
}

impl Store {
    /// Opens `path` for `kam check`, which only reads: the file is left byte
    /// for byte as it was. Unlike [`Store::open`] nothing is written: no
    /// migration (an older file is reported, see
    /// [`CheckReport::needs_migration`]), no purge of old trash, no switch
    /// to WAL, and every write is refused (`query_only`). The header,
    /// version and `quick_check` run as when opening, so a damaged or foreign
    /// file is refused the same way. Opened read-write all the same: a
    /// read-only connection to a WAL file creates a `-wal` and `-shm` it
    /// cannot remove, while a writer that closes last removes them; a `-wal`
    /// that holds frames already (another program's, or a crash's) is left
    /// as it was rather than copied into the file.
    pub fn open_to_check(path: &Path, clock: Clock) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        let io_err = |source| StoreError::Io { path: shown.clone(), source };
        let mut head = Vec::with_capacity(16);
        fs::File::open(path).map_err(io_err)?.take(16).read_to_end(&mut head).map_err(io_err)?;
        if !head.is_empty() && head.as_slice() != SQLITE_HEADER && !super::key::is_encrypted(path) {
            return Err(StoreError::NotADatabase {
                path: shown,
                detail: "it does not start with the SQLite header".into(),
            });
        }
        let lock = FileLock::shared(path)?;
        let wal_has_frames = fs::metadata(super::sidecar(path, "-wal")).is_ok_and(|m| m.len() > 0);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
        // An encrypted file is keyed before anything else is read.
        super::key::key_for_file(&conn, path)?;
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            drop(conn);
            return Self::open_read_only(path, clock, true, &lock);
        }
        let no_ckpt = rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE;
        conn.set_db_config(no_ckpt, wal_has_frames)
            .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            user: super::default_user(),
            // Every write refused, and `prepare` neither migrates nor
            // switches the journal.
            read_only: true,
            clock,
            lock,
            whole_on_close: false,
        };
        match store.prepare(true) {
            Ok(()) | Err(StoreError::ReadOnlyOld { .. }) => {}
            Err(e) => return Err(e),
        }
        store.conn.pragma_update(None, "query_only", "ON").map_err(|e| store.err("query_only", e))?;
        Ok(store)
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
        // An empty file (version 0) has no tables yet: nothing to count.
        let kinds = if version > 0 { RecordKind::ALL.as_slice() } else { &[] };
        for &kind in kinds {
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
            if version == 0 {
                return Ok(0);
            }
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
    pub fn foreign_key_problems(&self) -> Result<Vec<String>, StoreError> {
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
