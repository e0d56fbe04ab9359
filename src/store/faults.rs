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
