//! Filling a file in one go (the demo data): one transaction, records
//! written with their search and derived columns but without per-field log
//! lines; a single log line says what filled the file.

use rusqlite::Transaction;

use super::col::timestamp;
use super::record::{insert_rows, write_log, LogLine, Record, RecordKind};
use super::{now, sql_error, Store, StoreError};
use crate::model::Id;

/// A bulk load in progress; nothing is visible to others until
/// [`Bulk::finish`], and dropping it unfinished writes nothing.
pub struct Bulk<'a> {
    tx: Transaction<'a>,
    path: std::path::PathBuf,
    user: String,
    count: u64,
}

impl Store {
    /// Starts a bulk load (`BEGIN IMMEDIATE`).
    pub fn bulk(&mut self) -> Result<Bulk<'_>, StoreError> {
        let path = self.path.clone();
        let user = self.user.clone();
        let tx = self.write_tx()?;
        Ok(Bulk { tx, path, user, count: 0 })
    }

    /// Fills the file in one transaction: `fill` adds records to the
    /// [`Bulk`], then one log line with `note` is written and all is
    /// committed; an error from `fill` writes nothing. Returns the number of
    /// records added.
    ///
    /// For the load the file leaves WAL for a rollback journal (pages beyond
    /// the file's old end need no journal, so a fresh file is written once
    /// instead of twice) and uses a large page cache; both are put back
    /// afterwards. When another connection has the file open (the
    /// workbench filling an empty file) it stays in WAL.
    pub fn bulk_load<F>(&mut self, note: &str, fill: F) -> Result<u64, StoreError>
    where
        F: FnOnce(&mut Bulk<'_>) -> Result<(), StoreError>,
    {
        // Leaving WAL fails (busy) or is refused (still "wal") while
        // another connection has the file open.
        let mode = match self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
            Ok(mode) => mode,
            Err(e) => match self.err("journal_mode", e) {
                StoreError::Busy { .. } => "wal".to_string(),
                other => return Err(other),
            },
        };
        let result = if mode.eq_ignore_ascii_case("delete") {
            self.conn.pragma_update(None, "cache_size", -1_500_000).map_err(|e| self.err("cache_size", e)).and_then(
                |()| {
                    let mut bulk = self.bulk()?;
                    let indexes = bulk.drop_indexes()?;
                    fill(&mut bulk)?;
                    bulk.create_indexes(&indexes)?;
                    bulk.finish(note)
                },
            )
        } else {
            // Another connection has the file open (the workbench's
            // reader): the journal stays WAL and the indexes stay, slower
            // but the same records, in one transaction all the same.
            self.bulk().and_then(|mut bulk| {
                fill(&mut bulk)?;
                bulk.finish(note)
            })
        };
        let restored = self
            .conn
            .pragma_update(None, "cache_size", -2_000)
            .and_then(|()| self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)))
            .map_err(|e| self.err("journal_mode", e));
        let count = result?;
        restored?;
        Ok(count)
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

    /// Drops the secondary indexes for the load (inside its transaction)
    /// and returns their definitions: building an index once from sorted
    /// data is far cheaper than a random insert into it per row.
    fn drop_indexes(&mut self) -> Result<Vec<(String, String)>, StoreError> {
        let ctx = "setting indexes aside for the load";
        let mut stmt = self
            .tx
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
            .map_err(|e| sql_error(&self.path, ctx, &e))?;
        let indexes = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| sql_error(&self.path, ctx, &e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(&self.path, ctx, &e))?;
        drop(stmt);
        for (name, _) in &indexes {
            self.tx.execute(&format!("DROP INDEX \"{name}\""), []).map_err(|e| sql_error(&self.path, ctx, &e))?;
        }
        Ok(indexes)
    }

    fn create_indexes(&mut self, indexes: &[(String, String)]) -> Result<(), StoreError> {
        for (name, sql) in indexes {
            self.tx.execute(sql, []).map_err(|e| sql_error(&self.path, &format!("rebuilding index {name}"), &e))?;
        }
        Ok(())
    }

    /// Records added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Commits, with one change-log line saying what filled the file.
    pub fn finish(self, note: &str) -> Result<u64, StoreError> {
        let at = timestamp(now());
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
