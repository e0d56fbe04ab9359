//! Filling a file in one go (the demo data): one transaction, records
//! written with their search and derived columns but without per-field log
//! lines; a single log line says what filled the file.

use std::path::Path;

use rusqlite::{Connection, Transaction};

use super::col::timestamp;
use super::record::{insert_rows, write_log, LogLine, Record, RecordKind};
use super::{sql_error, Store, StoreError};
use crate::model::Id;

/// A bulk load in progress; nothing is visible to others until
/// [`Bulk::finish`], and dropping it unfinished writes nothing.
pub struct Bulk<'a> {
    tx: Transaction<'a>,
    path: std::path::PathBuf,
    user: String,
    clock: crate::clock::Clock,
    count: u64,
}

impl Store {
    /// Starts a bulk load (`BEGIN IMMEDIATE`).
    pub fn bulk(&mut self) -> Result<Bulk<'_>, StoreError> {
        let path = self.path.clone();
        let user = self.user.clone();
        let clock = self.clock;
        let tx = self.write_tx()?;
        Ok(Bulk { tx, path, user, clock, count: 0 })
    }

    /// Fills the file in one transaction: `fill` adds records to the
    /// [`Bulk`], then one log line with `note` is written and all is
    /// committed; an error from `fill` writes nothing. Returns the number of
    /// records added.
    ///
    /// The load runs in a rollback journal with a large page cache (see
    /// [`Store::in_rollback_journal`]) and, there, with the indexes dropped
    /// and built again at the end. When another connection has the file
    /// open (the workbench filling an empty file) it stays in WAL and the
    /// indexes stay: slower but the same records, in one transaction all
    /// the same.
    pub fn bulk_load<F>(&mut self, note: &str, fill: F) -> Result<u64, StoreError>
    where
        F: FnOnce(&mut Bulk<'_>) -> Result<(), StoreError>,
    {
        self.in_rollback_journal(-1_500_000, |store, rollback| {
            let mut bulk = store.bulk()?;
            if rollback {
                let mut indexes = IndexesAside::default();
                indexes.set_aside(&bulk.tx, &bulk.path, None, true)?;
                fill(&mut bulk)?;
                indexes.put_back(&bulk.tx, &bulk.path)?;
            } else {
                fill(&mut bulk)?;
            }
            bulk.finish(note)
        })
    }

    /// Runs `f`, a large write in one transaction, with the file in
    /// rollback-journal mode and a page cache of `cache_kib` (negative:
    /// KiB, as `PRAGMA cache_size` takes it); both are put back afterwards.
    /// `f` is told whether the journal could be switched (the cache is set
    /// only then).
    ///
    /// In a rollback journal the pages a write adds past the file's old end
    /// need no journal, so a file that grows is written once instead of
    /// twice (to the WAL, then at the checkpoint). A write killed half-way
    /// leaves a hot journal that the next open rolls back, with
    /// `synchronous=FULL` as in WAL. Leaving WAL fails (busy) or is refused
    /// while another connection has the file open; the write then runs in
    /// WAL, the same transaction.
    pub(crate) fn in_rollback_journal<T>(
        &mut self,
        cache_kib: i64,
        f: impl FnOnce(&mut Self, bool) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mode = match self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
            Ok(mode) => mode,
            Err(e) => match self.err("journal_mode", e) {
                StoreError::Busy { .. } => "wal".to_string(),
                other => return Err(other),
            },
        };
        let rollback = mode.eq_ignore_ascii_case("delete");
        let result = if rollback {
            self.conn.pragma_update(None, "cache_size", cache_kib).map_err(|e| self.err("cache_size", e))
        } else {
            Ok(())
        }
        .and_then(|()| f(self, rollback));
        let restored = self
            .conn
            .pragma_update(None, "cache_size", -2_000)
            .and_then(|()| self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)))
            .map_err(|e| self.err("journal_mode", e));
        let out = result?;
        restored?;
        Ok(out)
    }

    /// Whether the file holds any record (live or in the trash).
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        for k in RecordKind::ALL {
            let any: bool = self
                .conn
                .query_row(&format!("SELECT EXISTS (SELECT 1 FROM {})", k.table()), [], |r| r.get(0))
                .map_err(|e| self.err("counting records", e))?;
            if any {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Removes every record, its child rows, the trash and the change log:
    /// for `kam demo --force` over a file the user chose to overwrite.
    pub fn clear_all(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.write_tx()?;
        // Children of an account before the accounts (foreign keys).
        for k in RecordKind::ALL.iter().rev() {
            tx.execute(&format!("DELETE FROM {}", k.table()), []).map_err(|e| sql_error(&path, "clearing", &e))?;
        }
        for t in ["trash", "change_log"] {
            tx.execute(&format!("DELETE FROM {t}"), []).map_err(|e| sql_error(&path, "clearing", &e))?;
        }
        tx.commit().map_err(|e| sql_error(&path, "committing", &e))
    }
}

impl Bulk<'_> {
    /// Adds a new record as given: its meta (id, timestamps) is kept, the
    /// version set to 1 and `updated_by` to the user when empty.
    pub fn add<R: Record>(&mut self, record: &mut R) -> Result<(), StoreError> {
        record.validate().map_err(|error| StoreError::Invalid {
            kind: R::KIND,
            id: record.meta().id.to_string(),
            error,
        })?;
        let m = record.meta_mut();
        m.version = 1;
        if m.updated_by.is_empty() {
            m.updated_by.clone_from(&self.user);
        }
        insert_rows(&self.tx, &self.path, record)?;
        self.count += 1;
        Ok(())
    }

    /// Records added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Commits, with one change-log line saying what filled the file.
    pub fn finish(self, note: &str) -> Result<u64, StoreError> {
        let at = timestamp(self.clock.now());
        let id = Id::new();
        let line = LogLine {
            kind: RecordKind::Account,
            record_id: &id,
            action: "demo",
            field: None,
            old: None,
            new: Some(note.to_string()),
        };
        write_log(&self.tx, &self.path, &at, &self.user, note, &line)?;
        self.tx.commit().map_err(|e| sql_error(&self.path, "committing", &e))?;
        Ok(self.count)
    }
}

/// Secondary indexes dropped for a bulk write, inside its transaction, and
/// built again from all their rows at the end: building an index once is
/// far cheaper than a random insert into it per row. A failed or
/// interrupted write rolls back with them as they were.
#[derive(Debug, Default)]
pub(super) struct IndexesAside {
    /// Name and SQL of each index set aside.
    indexes: Vec<(String, String)>,
}

impl IndexesAside {
    /// Drops the secondary indexes of `table` (of every table when `None`);
    /// without `unique`, a unique index is kept (it refuses a row as it
    /// is written, not when the index is built again at the end).
    pub(super) fn set_aside(
        &mut self,
        tx: &Connection,
        path: &Path,
        table: Option<&str>,
        unique: bool,
    ) -> Result<(), StoreError> {
        let ctx = "setting indexes aside";
        let mut stmt = tx
            .prepare(
                "SELECT name, sql FROM sqlite_schema \
                 WHERE type = 'index' AND sql IS NOT NULL AND (?1 IS NULL OR tbl_name = ?1) \
                 AND (?2 OR sql NOT LIKE 'CREATE UNIQUE%')",
            )
            .map_err(|e| sql_error(path, ctx, &e))?;
        let found = stmt
            .query_map(rusqlite::params![table, unique], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(|e| sql_error(path, ctx, &e))?;
        for (name, _) in &found {
            tx.execute_batch(&format!("DROP INDEX \"{name}\"")).map_err(|e| sql_error(path, ctx, &e))?;
        }
        self.indexes.extend(found);
        Ok(())
    }

    /// Builds every index set aside again.
    ///
    /// With a page cache of at most [`Self::BUILD_CACHE_KIB`] while they
    /// build: SQLite's sorter keeps up to a cache's worth of keys in memory
    /// before it spills sorted runs to temporary files, so the 64 MB cache
    /// of a large import became 64 MB of sorter on top of 64 MB of pages
    /// (a merge of 40,000 accounts peaked at 211 MB, 82 MB of it here).
    pub(super) fn put_back(self, tx: &Connection, path: &Path) -> Result<(), StoreError> {
        if self.indexes.is_empty() {
            return Ok(());
        }
        let ctx = "building the indexes";
        let was: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0)).map_err(|e| sql_error(path, ctx, &e))?;
        // Negative is KiB; the smaller cache of the two.
        let kib = |c: i64| if c < 0 { -c } else { c * 4 };
        if kib(was) > -Self::BUILD_CACHE_KIB {
            tx.pragma_update(None, "cache_size", Self::BUILD_CACHE_KIB).map_err(|e| sql_error(path, ctx, &e))?;
        }
        // The sorter sorts and writes a run on a second thread while the
        // first reads the next.
        tx.pragma_update(None, "threads", 1).map_err(|e| sql_error(path, ctx, &e))?;
        let built = self.indexes.iter().try_for_each(|(name, sql)| {
            tx.execute_batch(sql).map_err(|e| sql_error(path, &format!("building index {name}"), &e))
        });
        tx.pragma_update(None, "threads", 0).map_err(|e| sql_error(path, ctx, &e))?;
        tx.pragma_update(None, "cache_size", was).map_err(|e| sql_error(path, ctx, &e))?;
        built
    }

    /// The page cache while indexes build (KiB, negative as `PRAGMA
    /// cache_size` takes it).
    const BUILD_CACHE_KIB: i64 = -16_384;
}
