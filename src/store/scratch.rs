//! A merge's scratch space: the ids of the records a day-end export folder
//! holds and its child rows waiting for their parents, kept in a private
//! temporary SQLite file (deleted when closed) instead of in memory, so a
//! merge holds a chunk of rows at a time whatever the folder's size
//! (issue #17).

use rusqlite::{params, Connection, OptionalExtension};

use chrono::{DateTime, Utc};

use super::col::timestamp;
use super::record::FieldClock;
use super::StoreError;

/// A child row as kept: its position, line in its file and named cells.
pub type ScratchChild = (usize, usize, Vec<(String, String)>);

/// A child row to keep: its parent's id, position, line in its file and
/// named cells.
pub type NewChild<'a> = (&'a str, usize, usize, Vec<(&'a str, &'a str)>);

/// A reference a row of a folder makes: its file, line and column, and
/// the table and id of the record it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub file: String,
    pub line: usize,
    pub column: String,
    pub target: String,
    pub id: String,
}

/// A reference to note, borrowed from the row read.
pub struct NewRef<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: &'a str,
    pub target: &'a str,
    pub id: &'a str,
}

pub struct MergeScratch {
    conn: Connection,
    /// How many field clocks were kept: none (a folder without changes
    /// after creation) needs no lookup per record.
    clocks: std::cell::Cell<usize>,
}

fn err(context: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::Sql { context: format!("merge scratch: {context}"), detail: e.to_string() }
}

/// A scratch file: a private temporary SQLite file, deleted on close,
/// with `tables` created in it and a page cache of `kib` KiB (SQLite's
/// default when `None`). SQLite keeps a little of it in its page cache and
/// the rest on disk.
///
/// The tables are TEMP tables with `temp_store = FILE`: the build with
/// encryption (SQLCipher) keeps temporary storage in memory unless told
/// otherwise, and a large sheet or folder then held its whole scratch in
/// memory. The scratch holds only what the sheet or folder being read
/// already holds in plain text.
fn open_scratch(tables: &str, kib: Option<i64>) -> Result<Connection, StoreError> {
    let conn = Connection::open("").map_err(|e| err("opening", &e))?;
    conn.pragma_update(None, "temp_store", "FILE").map_err(|e| err("keeping it on disk", &e))?;
    conn.execute_batch(tables).map_err(|e| err("creating its tables", &e))?;
    if let Some(kib) = kib {
        conn.pragma_update(Some("temp"), "cache_size", -kib).map_err(|e| err("setting its cache", &e))?;
    }
    conn.execute_batch("PRAGMA temp.journal_mode = OFF; PRAGMA temp.synchronous = OFF;")
        .map_err(|e| err("setting its journal", &e))?;
    Ok(conn)
}

impl MergeScratch {
    /// A new, empty scratch file. SQLite keeps a little of it in its page
    /// cache and the rest on disk.
    pub fn new() -> Result<Self, StoreError> {
        // A page cache of 24 MB: every record of the folder looks up its
        // child rows and clocks here, at random; with SQLite's default of
        // 2 MB each lookup of a large folder's scratch read its pages again.
        Self::with_cache(24_576)
    }

    /// A new, empty scratch file with a page cache of `kib` KiB: a merge
    /// that reads its child files beside their main files keeps only ids
    /// and references here, written in order, and needs little.
    pub fn with_cache(kib: i64) -> Result<Self, StoreError> {
        let conn = open_scratch(
            "CREATE TEMP TABLE parents (tbl TEXT NOT NULL, id TEXT NOT NULL);
             CREATE INDEX parents_id ON parents (tbl, id);
             CREATE TEMP TABLE children (tbl TEXT NOT NULL, parent TEXT NOT NULL, pos INTEGER NOT NULL,
                                         line INTEGER NOT NULL, cells TEXT NOT NULL);
             CREATE INDEX children_parent ON children (tbl, parent, pos, line);
             CREATE TEMP TABLE refs (file TEXT NOT NULL, line INTEGER NOT NULL, col TEXT NOT NULL,
                                     target TEXT NOT NULL, id TEXT NOT NULL);
             CREATE TEMP TABLE clocks (rec TEXT NOT NULL, field TEXT NOT NULL, at TEXT NOT NULL,
                                       who TEXT NOT NULL, base TEXT);
             CREATE INDEX clocks_rec ON clocks (rec);",
            Some(kib),
        )?;
        Ok(Self { conn, clocks: std::cell::Cell::new(0) })
    }

    /// Keeps field clocks sent with the folder (a chunk of them), checked:
    /// record id, field and the clock.
    pub fn add_clocks(&self, clocks: &[(&str, &str, FieldClock)]) -> Result<(), StoreError> {
        let ctx = "keeping field clocks";
        let tx = self.conn.unchecked_transaction().map_err(|e| err(ctx, &e))?;
        {
            let mut s = tx
                .prepare_cached("INSERT INTO clocks (rec, field, at, who, base) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(|e| err(ctx, &e))?;
            for (rec, field, c) in clocks {
                s.execute(params![rec, field, timestamp(c.at), c.who, c.base.map(timestamp)])
                    .map_err(|e| err(ctx, &e))?;
            }
        }
        tx.commit().map_err(|e| err(ctx, &e))?;
        self.clocks.set(self.clocks.get() + clocks.len());
        Ok(())
    }

    /// The field clocks sent for record `rec`; the newest when a field was
    /// sent twice.
    pub fn clocks_of(&self, rec: &str) -> Result<Vec<(String, FieldClock)>, StoreError> {
        if self.clocks.get() == 0 {
            return Ok(Vec::new());
        }
        let ctx = "reading field clocks";
        let mut s = self
            .conn
            .prepare_cached("SELECT field, at, who, base FROM clocks WHERE rec = ?1 ORDER BY field, at")
            .map_err(|e| err(ctx, &e))?;
        let rows = s
            .query_map([rec], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(|e| err(ctx, &e))?;
        let time = |t: &str| DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc));
        let mut out: Vec<(String, FieldClock)> = Vec::new();
        for row in rows {
            let (field, at, who, base) = row.map_err(|e| err(ctx, &e))?;
            let Some(at) = time(&at) else { continue };
            let clock = FieldClock { at, who, base: base.as_deref().and_then(time) };
            match out.last_mut() {
                Some((f, c)) if *f == field => *c = clock,
                _ => out.push((field, clock)),
            }
        }
        Ok(out)
    }

    /// Notes the ids of records of `table` (a chunk of them).
    pub fn add_parents<'a>(&self, table: &str, ids: impl IntoIterator<Item = &'a str>) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| err("adding ids", &e))?;
        {
            let mut s = tx
                .prepare_cached("INSERT INTO parents (tbl, id) VALUES (?1, ?2)")
                .map_err(|e| err("adding ids", &e))?;
            for id in ids {
                s.execute(params![table, id]).map_err(|e| err("adding ids", &e))?;
            }
        }
        tx.commit().map_err(|e| err("adding ids", &e))
    }

    /// Whether `id` was noted as a record of `table`.
    pub fn has_parent(&self, table: &str, id: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT 1 FROM parents WHERE tbl = ?1 AND id = ?2 LIMIT 1")
            .and_then(|mut s| s.query_row(params![table, id], |_| Ok(())).optional())
            .map(|o| o.is_some())
            .map_err(|e| err("looking up an id", &e))
    }

    /// Keeps child rows of `table` (a chunk of them): parent id, position,
    /// line in the file and named cells.
    pub fn add_children(&self, table: &str, rows: &[NewChild<'_>]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| err("keeping child rows", &e))?;
        {
            let mut s = tx
                .prepare_cached("INSERT INTO children (tbl, parent, pos, line, cells) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(|e| err("keeping child rows", &e))?;
            for (parent, pos, line, cells) in rows {
                let cells = serde_json::to_string(cells).map_err(|e| StoreError::Sql {
                    context: "merge scratch: keeping child rows".into(),
                    detail: e.to_string(),
                })?;
                s.execute(params![table, parent, *pos as i64, *line as i64, cells])
                    .map_err(|e| err("keeping child rows", &e))?;
            }
        }
        tx.commit().map_err(|e| err("keeping child rows", &e))
    }

    /// The child rows of `table` whose parent is not a record of `parents`:
    /// line in the file and parent id, by line.
    pub fn orphans(&self, table: &str, parents: &str) -> Result<Vec<(usize, String)>, StoreError> {
        let ctx = "looking for child rows without a parent";
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT line, parent FROM children c WHERE tbl = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM parents p WHERE p.tbl = ?2 AND p.id = c.parent) ORDER BY line",
            )
            .map_err(|e| err(ctx, &e))?;
        let rows = s
            .query_map(params![table, parents], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| err(ctx, &e))?;
        rows.map(|r| r.map(|(line, p)| (usize::try_from(line).unwrap_or(0), p)).map_err(|e| err(ctx, &e))).collect()
    }

    /// Notes references a folder's rows make (a chunk of them).
    pub fn add_refs(&self, refs: &[NewRef<'_>]) -> Result<(), StoreError> {
        let ctx = "keeping references";
        let tx = self.conn.unchecked_transaction().map_err(|e| err(ctx, &e))?;
        {
            let mut s = tx
                .prepare_cached("INSERT INTO refs (file, line, col, target, id) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(|e| err(ctx, &e))?;
            for r in refs {
                s.execute(params![r.file, r.line as i64, r.column, r.target, r.id]).map_err(|e| err(ctx, &e))?;
            }
        }
        tx.commit().map_err(|e| err(ctx, &e))
    }

    /// The references noted whose record is not among the parents noted,
    /// by file and line.
    pub fn refs_outside(&self) -> Result<Vec<Ref>, StoreError> {
        let ctx = "looking for references outside the folder";
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT file, line, col, target, id FROM refs r \
                 WHERE NOT EXISTS (SELECT 1 FROM parents p WHERE p.tbl = r.target AND p.id = r.id) \
                 ORDER BY file, line, r.rowid",
            )
            .map_err(|e| err(ctx, &e))?;
        let rows = s
            .query_map([], |r| {
                Ok(Ref {
                    file: r.get(0)?,
                    line: usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                    column: r.get(2)?,
                    target: r.get(3)?,
                    id: r.get(4)?,
                })
            })
            .map_err(|e| err(ctx, &e))?;
        rows.map(|r| r.map_err(|e| err(ctx, &e))).collect()
    }

    /// The child rows of `table` kept for `parent`, by position then line.
    pub fn children_of(&self, table: &str, parent: &str) -> Result<Vec<ScratchChild>, StoreError> {
        let ctx = "reading child rows";
        let mut s = self
            .conn
            .prepare_cached("SELECT pos, line, cells FROM children WHERE tbl = ?1 AND parent = ?2 ORDER BY pos, line")
            .map_err(|e| err(ctx, &e))?;
        let rows = s
            .query_map(params![table, parent], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
            })
            .map_err(|e| err(ctx, &e))?;
        let mut out = Vec::new();
        for row in rows {
            let (pos, line, cells) = row.map_err(|e| err(ctx, &e))?;
            let cells: Vec<(String, String)> = serde_json::from_str(&cells)
                .map_err(|e| StoreError::Sql { context: format!("merge scratch: {ctx}"), detail: e.to_string() })?;
            out.push((usize::try_from(pos).unwrap_or(0), usize::try_from(line).unwrap_or(0), cells));
        }
        Ok(out)
    }
}

/// A spreadsheet import's scratch space (issue #17): the keys of the rows
/// seen (for duplicates within the sheet), the rows found new (written on
/// the second pass) and the rows refused with their reasons (for the
/// rejects file), in a private temporary SQLite file like a merge's, so an
/// import holds a chunk of rows whatever the sheet's size.
pub struct SheetScratch {
    conn: Connection,
}

impl SheetScratch {
    /// A new, empty scratch file.
    pub fn new() -> Result<Self, StoreError> {
        let conn = open_scratch(
            "CREATE TEMP TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
             CREATE TEMP TABLE new_rows (row INTEGER PRIMARY KEY, account TEXT);
             CREATE TEMP TABLE rejects (row INTEGER PRIMARY KEY, reason TEXT NOT NULL);",
            None,
        )?;
        Ok(Self { conn })
    }

    /// Starts noting a chunk of rows in one transaction (a statement each
    /// on its own costs a commit each).
    pub fn begin(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN").map_err(|e| err("starting a chunk", &e))
    }

    /// Ends the chunk [`SheetScratch::begin`] started.
    pub fn commit(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(|e| err("ending a chunk", &e))
    }

    /// Notes that row `row` has `key`; the row that had it first, when one did.
    pub fn first_seen(&self, key: &str, row: usize) -> Result<Option<usize>, StoreError> {
        let ctx = "noting a row's key";
        let added = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO seen (key, row) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![key, row as i64]))
            .map_err(|e| err(ctx, &e))?;
        if added > 0 {
            return Ok(None);
        }
        self.conn
            .prepare_cached("SELECT row FROM seen WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get::<_, i64>(0)))
            .map(|n| Some(usize::try_from(n).unwrap_or(0)))
            .map_err(|e| err(ctx, &e))
    }

    /// Notes a row found new, with the account it belongs to (a contact's).
    pub fn add_new(&self, row: usize, account: Option<&str>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO new_rows (row, account) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![row as i64, account]))
            .map(drop)
            .map_err(|e| err("noting a new row", &e))
    }

    /// Up to `limit` new rows after row `after`, in order.
    pub fn new_rows(&self, after: usize, limit: usize) -> Result<Vec<(usize, Option<String>)>, StoreError> {
        let ctx = "reading the new rows";
        let mut s = self
            .conn
            .prepare_cached("SELECT row, account FROM new_rows WHERE row > ?1 ORDER BY row LIMIT ?2")
            .map_err(|e| err(ctx, &e))?;
        let rows = s
            .query_map(params![after as i64, limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .map_err(|e| err(ctx, &e))?;
        rows.map(|r| r.map(|(n, a)| (usize::try_from(n).unwrap_or(0), a)).map_err(|e| err(ctx, &e))).collect()
    }

    /// Notes a refused row with its reasons as the rejects file gives them.
    pub fn add_reject(&self, row: usize, reason: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO rejects (row, reason) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![row as i64, reason]))
            .map(drop)
            .map_err(|e| err("noting a refused row", &e))
    }

    /// Up to `limit` refused rows after row `after`, in order.
    pub fn rejects(&self, after: usize, limit: usize) -> Result<Vec<(usize, String)>, StoreError> {
        let ctx = "reading the refused rows";
        let mut s = self
            .conn
            .prepare_cached("SELECT row, reason FROM rejects WHERE row > ?1 ORDER BY row LIMIT ?2")
            .map_err(|e| err(ctx, &e))?;
        let rows = s
            .query_map(params![after as i64, limit as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| err(ctx, &e))?;
        rows.map(|r| r.map(|(n, why)| (usize::try_from(n).unwrap_or(0), why)).map_err(|e| err(ctx, &e))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_scratch_finds_the_first_row_of_a_key_and_pages_rows_in_order() {
        let s = SheetScratch::new().unwrap();
        s.begin().unwrap();
        assert_eq!(s.first_seen("a", 2).unwrap(), None);
        assert_eq!(s.first_seen("b", 3).unwrap(), None);
        assert_eq!(s.first_seen("a", 7).unwrap(), Some(2));
        s.commit().unwrap();
        for row in [9, 4, 5] {
            s.add_new(row, (row == 5).then_some("x")).unwrap();
        }
        assert_eq!(s.new_rows(0, 2).unwrap(), vec![(4, None), (5, Some("x".to_string()))]);
        assert_eq!(s.new_rows(5, 2).unwrap(), vec![(9, None)]);
        s.add_reject(8, "name: required").unwrap();
        assert_eq!(s.rejects(0, 10).unwrap(), vec![(8, "name: required".to_string())]);
    }

    #[test]
    fn scratch_keeps_children_in_order_and_knows_parents() {
        let s = MergeScratch::new().unwrap();
        s.add_parents("orders", ["a", "b"]).unwrap();
        assert!(s.has_parent("orders", "a").unwrap());
        assert!(!s.has_parent("orders", "c").unwrap());
        assert!(!s.has_parent("visits", "a").unwrap());
        let c1 = vec![("sku", "x")];
        let c2 = vec![("sku", "y")];
        s.add_children("order_lines", &[("a", 2, 5, c1.clone()), ("a", 1, 9, c2), ("b", 1, 3, c1.clone())]).unwrap();
        let got = s.children_of("order_lines", "a").unwrap();
        assert_eq!(got.iter().map(|(p, l, _)| (*p, *l)).collect::<Vec<_>>(), vec![(1, 9), (2, 5)]);
        assert_eq!(got[0].2, vec![("sku".to_string(), "y".to_string())]);
        assert!(s.children_of("order_lines", "c").unwrap().is_empty());
        s.add_children("order_lines", &[("c", 1, 12, c1)]).unwrap();
        assert_eq!(s.orphans("order_lines", "orders").unwrap(), vec![(12, "c".to_string())]);
    }
}
