//! Noticing what other programs wrote: SQLite's `PRAGMA data_version`
//! changes when another connection (a `kam import` in a second terminal,
//! head office's merge) commits to the file, and not for this connection's
//! own writes, so the workbench can read its list again only when needed.

use super::{Store, StoreError};

impl Store {
    /// A number that changes whenever another connection has committed to
    /// the file since the last call on this connection. Cheap (no disk
    /// read), so the workbench asks on every idle tick.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.err("data_version", e))
    }
}
