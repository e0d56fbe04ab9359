//! Erasing a person (issue #21, DESIGN: PIPL): a contact or a VIP card is
//! removed outright — not to the trash — with every personal value of
//! theirs in the change log, the trash and the full-text index, with
//! `secure_delete` on so the freed pages are overwritten; then `VACUUM`
//! rebuilds the file (what earlier updates and deletes left in free space
//! goes too) and the `-wal` is written into the file and truncated. The
//! change log keeps one `erase` line (who, when, why) without the data.
//!
//! The ids erased are kept in the `erasures` table (ids only) and in a
//! file beside the database (`kam.db.erasures`), so `kam restore` of an
//! older backup and a merge of an older export folder erase them again.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use super::col::timestamp;
use super::record::{write_log, LogLine, RecordKind};
use super::{sql_error, Store, StoreError};
use crate::model::Id;

/// Values shorter than this many characters are not searched for in the
/// change log (one character would blank half of it).
const MIN_VALUE_CHARS: usize = 2;

/// The person's values that identify them, searched for and blanked in
/// the change log and the trash (a plan that copied a contact's name, a
/// reason that named them).
fn distinctive(conn: &Connection, path: &Path, kind: RecordKind, id: &Id) -> Result<Vec<String>, StoreError> {
    let sql = match kind {
        RecordKind::Contact => {
            "SELECT name, phone, phone_digits, fax, email, spouse, address, secretary FROM contacts WHERE id = ?1"
        }
        RecordKind::VipCard => "SELECT salutation, phone, phone_digits, vehicle FROM vip_cards WHERE id = ?1",
        _ => return Ok(Vec::new()),
    };
    let n = if kind == RecordKind::Contact { 8 } else { 4 };
    let row: Option<Vec<String>> = conn
        .query_row(sql, [id.as_str()], |r| (0..n).map(|i| r.get::<_, String>(i)).collect())
        .optional()
        .map_err(|e| sql_error(path, "reading the person to erase", &e))?;
    let mut values: Vec<String> = row
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| v.chars().count() >= MIN_VALUE_CHARS)
        .collect();
    // Longest first, so a name is blanked before a shorter value inside it.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    Ok(values)
}

/// Erases one record inside `tx`; false when there is no such record.
fn erase_one(
    tx: &Connection,
    path: &Path,
    kind: RecordKind,
    id: &Id,
    at: &str,
    who: &str,
    reason: &str,
) -> Result<bool, StoreError> {
    let ctx = "erasing";
    let e = |e: rusqlite::Error| sql_error(path, ctx, &e);
    let values = distinctive(tx, path, kind, id)?;
    let exists: bool = tx
        .query_row(&format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", kind.table()), [id.as_str()], |r| {
            r.get(0)
        })
        .map_err(e)?;
    if kind == RecordKind::Contact {
        // Plans copied the contact's name and title into their rows.
        tx.execute("UPDATE call_plan_customers SET name = '', title = '' WHERE contact_id = ?1", [id.as_str()])
            .map_err(e)?;
        tx.execute("UPDATE presentation_participants SET name_title = '' WHERE contact_id = ?1", [id.as_str()])
            .map_err(e)?;
    }
    tx.execute("DELETE FROM change_log WHERE record_id = ?1", [id.as_str()]).map_err(e)?;
    tx.execute("DELETE FROM trash WHERE record_id = ?1", [id.as_str()]).map_err(e)?;
    tx.execute("DELETE FROM field_clocks WHERE record_id = ?1", [id.as_str()]).map_err(e)?;
    // A change waiting for the hub holds the person's values too (#23).
    tx.execute("DELETE FROM hub_outbox WHERE record_id = ?1", [id.as_str()]).map_err(e)?;
    tx.execute("DELETE FROM hub_seen WHERE record_id = ?1", [id.as_str()]).map_err(e)?;
    for v in &values {
        tx.execute(
            "UPDATE change_log SET old = replace(old, ?1, ''), new = replace(new, ?1, ''), reason = replace(reason, ?1, '') \
             WHERE instr(old, ?1) > 0 OR instr(new, ?1) > 0 OR instr(reason, ?1) > 0",
            [v],
        )
        .map_err(e)?;
        tx.execute(
            "UPDATE trash SET label = replace(label, ?1, ''), reason = replace(reason, ?1, '') \
             WHERE instr(label, ?1) > 0 OR instr(reason, ?1) > 0",
            [v],
        )
        .map_err(e)?;
    }
    // Child rows go with it (ON DELETE CASCADE); the full-text row by its trigger.
    tx.execute(&format!("DELETE FROM {} WHERE id = ?1", kind.table()), [id.as_str()]).map_err(e)?;
    tx.execute(
        "INSERT OR IGNORE INTO erasures (record_id, kind, erased_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![id.as_str(), kind.key(), at],
    )
    .map_err(e)?;
    if exists {
        let line = LogLine { kind, record_id: id, action: "erase", field: None, old: None, new: None };
        write_log(tx, path, at, who, reason, &line)?;
    }
    Ok(exists)
}

/// Whether `id` was erased from this file (a merge skips it).
pub(crate) fn is_erased(tx: &Connection, path: &Path, id: &Id) -> Result<bool, StoreError> {
    tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM erasures WHERE record_id = ?1)")
        .and_then(|mut s| s.query_row([id.as_str()], |r| r.get(0)))
        .map_err(|e| sql_error(path, "reading the erasures", &e))
}

/// `kam.db` → `kam.db.erasures`: the ids erased, one `kind id` a line.
pub fn ledger_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".erasures");
    db.with_file_name(name)
}

/// The erasures listed in the file beside `db` (none when there is none).
pub(crate) fn read_ledger_file(db: &Path) -> Vec<(RecordKind, Id)> {
    let Ok(text) = crate::files::read_regular_to_string(&ledger_path(db)) else { return Vec::new() };
    text.lines()
        .filter_map(|l| {
            let (k, id) = l.trim().split_once(' ')?;
            Some((RecordKind::parse(k)?, Id::parse(id.trim()).ok()?))
        })
        .collect()
}

/// The erasures recorded in the database at `db`, read without writing
/// anything — opened immutable, so no `-wal` or `-shm` is made beside it
/// (what only its `-wal` holds is in the ledger file) — best effort: a
/// damaged file gives what it can.
pub(crate) fn read_ledger_table(db: &Path) -> Vec<(RecordKind, Id)> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let Ok(conn) = Connection::open_with_flags(format!("file:{}?immutable=1", super::uri_path(db)), flags) else {
        return Vec::new();
    };
    if super::key::key_for_file(&conn, db).is_err() {
        return Vec::new();
    }
    let Ok(mut stmt) = conn.prepare("SELECT kind, record_id FROM erasures") else { return Vec::new() };
    let Ok(rows) = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))) else {
        return Vec::new();
    };
    rows.filter_map(Result::ok).filter_map(|(k, id)| Some((RecordKind::parse(&k)?, Id::parse(&id).ok()?))).collect()
}

impl Store {
    /// Erases the contacts or VIP cards `ids` (see the module
    /// documentation) in one transaction; returns how many were there.
    /// Only a contact or a VIP card is a person.
    pub fn erase(&mut self, kind: RecordKind, ids: &[Id], reason: &str) -> Result<usize, StoreError> {
        if !matches!(kind, RecordKind::Contact | RecordKind::VipCard) {
            return Err(StoreError::NotFound { kind, id: ids.first().map(Id::to_string).unwrap_or_default() });
        }
        let entries: Vec<(RecordKind, Id)> = ids.iter().map(|id| (kind, id.clone())).collect();
        let n = self.erase_entries(&entries, reason)?;
        append_ledger_file(&self.path, &entries)
            .map_err(|source| StoreError::Io { path: ledger_path(&self.path).display().to_string(), source })?;
        Ok(n)
    }

    /// Erases again what `entries` name (a restored backup, an older
    /// file): each is recorded in the `erasures` table, and a record still
    /// here is erased with the reason "erased before".
    pub(crate) fn reapply_erasures(&mut self, entries: &[(RecordKind, Id)]) -> Result<usize, StoreError> {
        if entries.is_empty() {
            return Ok(0);
        }
        // No reason to give: the erase line of the first time is in the
        // file that was replaced; this one says only that it was applied again.
        self.erase_entries(entries, "")
    }

    fn erase_entries(&mut self, entries: &[(RecordKind, Id)], reason: &str) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let who = self.user.clone();
        let at = timestamp(self.clock.now());
        let ctx = "erasing";
        let was: i64 = self.conn.query_row("PRAGMA secure_delete", [], |r| r.get(0)).map_err(|e| self.err(ctx, e))?;
        self.conn.pragma_update(None, "secure_delete", "ON").map_err(|e| self.err(ctx, e))?;
        let done = (|| {
            let tx = self.write_tx()?;
            let mut n = 0;
            let mut contacts = false;
            for (kind, id) in entries {
                if erase_one(&tx, &path, *kind, id, &at, &who, reason)? {
                    n += 1;
                    contacts |= *kind == RecordKind::Contact;
                }
            }
            if contacts {
                // A deleted row's words stay in older full-text segments
                // until they are merged: merge them all now.
                tx.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize')", [])
                    .map_err(|e| sql_error(&path, ctx, &e))?;
            }
            tx.commit().map_err(|e| sql_error(&path, "committing", &e))?;
            Ok::<_, StoreError>(n)
        })();
        let n = done;
        let scrubbed = match n {
            Ok(n) if n > 0 => self.scrub(),
            _ => Ok(()),
        };
        let _ = self.conn.pragma_update(None, "secure_delete", was);
        let n = n?;
        scrubbed?;
        Ok(n)
    }

    /// Overwrites what earlier writes left in the file's free space: an
    /// update or a delete before the erase left the old values in freed
    /// cells and pages, which `secure_delete` cannot reach afterwards.
    /// `VACUUM` rebuilds the file (temporary data in memory, not in a
    /// temporary file); then the `-wal` is written in and emptied. A reader
    /// elsewhere may hold the `-wal` (busy): the next close empties it.
    fn scrub(&self) -> Result<(), StoreError> {
        let ctx = "overwriting the erased values (VACUUM)";
        let was: i64 = self.conn.query_row("PRAGMA temp_store", [], |r| r.get(0)).map_err(|e| self.err(ctx, e))?;
        self.conn.pragma_update(None, "temp_store", "MEMORY").map_err(|e| self.err(ctx, e))?;
        let done = self.conn.execute_batch("VACUUM").map_err(|e| self.err(ctx, e));
        let _ = self.conn.pragma_update(None, "temp_store", was);
        done?;
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0));
        Ok(())
    }
}

/// Adds `entries` to the ledger file beside `db` (owner-only).
pub(crate) fn append_ledger_file(db: &Path, entries: &[(RecordKind, Id)]) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let path = ledger_path(db);
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, crate::files::PRIVATE_FILE);
    let mut f = options.open(&path)?;
    crate::files::tighten_file(&f)?;
    for (k, id) in entries {
        writeln!(f, "{} {}", k.key(), id.as_str())?;
    }
    f.sync_all()
}
