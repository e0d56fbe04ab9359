//! Knobs for fault tests and the fault harness: a store made to run out of
//! room on demand, as a full disk would.

use super::{Store, StoreError};

impl Store {
    /// Caps the file at its current size plus `extra` pages (`PRAGMA
    /// max_page_count`) for this connection: the next writes that need more
    /// fail as on a full disk. For tests of what a full disk does.
    pub fn limit_growth(&self, extra: u32) -> Result<(), StoreError> {
        let pages: i64 =
            self.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(|e| self.err("page_count", e))?;
        let cap = pages + i64::from(extra);
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {cap}"), [], |_| Ok(()))
            .map_err(|e| self.err("max_page_count", e))
    }
}

/// Creates a kam file at schema version 1 holding `cards` VIP cards, as
/// the first released kam wrote it (WAL, foreign keys), for the migration
/// tests and the crash harness: opening it with [`Store::open`] migrates it.
/// The schema and the cards are each one transaction.
pub fn create_v1_file(path: &std::path::Path, cards: u32) -> Result<(), StoreError> {
    let err = |e: rusqlite::Error| super::sql_error(path, "creating a version 1 file", &e);
    let mut conn = rusqlite::Connection::open(path).map_err(err)?;
    super::key::key_for_file(&conn, path)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).map_err(err)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
    super::schema::migrations()
        .to_version(&mut conn, 1)
        .map_err(|e| StoreError::Open { path: path.display().to_string(), detail: e.to_string() })?;
    let tx = conn.transaction().map_err(err)?;
    for i in 0..cards {
        let id = format!("00000000-0000-4000-8000-{i:012}");
        tx.execute(
            "INSERT INTO vip_cards VALUES (?1, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'a', NULL, NULL,
             's', 'a', '2026-01-01', NULL, '', ?2, '', '', '', '', '', '', '', '', '', '', '', '', '',
             'prospect', NULL, 0, NULL, '', '', '')",
            rusqlite::params![id, format!("来客{i}")],
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)
}
