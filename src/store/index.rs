//! What the workbench's in-memory search index is built from, and the
//! reader connection a worker thread uses so that the UI thread never
//! waits on the file.
//!
//! The index holds, per live account in list order, the columns a filter
//! looks at (name, short name, phone digits; the pinyin is computed as the
//! index is built) and the same of its live contacts. Loading streams rows to a callback so the whole file is
//! never held twice.

use chrono::NaiveDate;
use kam_rules::Rules;
use rusqlite::{OpenFlags, OptionalExtension};

use super::accounts::{Head, HEAD_COLUMNS};
use super::{default_user, Store, StoreError, BUSY_TIMEOUT};
use crate::model::Id;

/// The searchable columns of one live account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexAccount {
    pub id: Id,
    pub name: String,
    pub short_name: String,
    pub phone_digits: String,
    /// The account owner (the sales rep): `wf` finds the accounts 王芳 owns.
    pub owner: String,
}

/// The searchable columns of one live contact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexContact {
    pub id: Id,
    pub account_id: Id,
    pub name: String,
    pub phone_digits: String,
}

const ACCOUNT_COLUMNS: &str = "id, name, short_name, phone_digits, owner";
const CONTACT_COLUMNS: &str = "id, account_id, name, phone_digits";

fn bad_id(table: &'static str, id: &str, detail: String) -> StoreError {
    StoreError::BadValue { table, column: "id".into(), id: id.to_string(), detail }
}

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, IndexAccount)> {
    Ok((
        r.get(0)?,
        IndexAccount {
            id: Id::default(),
            name: r.get(1)?,
            short_name: r.get(2)?,
            phone_digits: r.get(3)?,
            owner: r.get(4)?,
        },
    ))
}

fn contact_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, IndexContact)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        IndexContact { id: Id::default(), account_id: Id::default(), name: r.get(2)?, phone_digits: r.get(3)? },
    ))
}

fn finish_contact((id, account, mut c): (String, String, IndexContact)) -> Result<IndexContact, StoreError> {
    c.id = Id::parse(&id).map_err(|e| bad_id("contacts", &id, e.message))?;
    c.account_id = Id::parse(&account).map_err(|e| bad_id("contacts", &id, e.message))?;
    Ok(c)
}

impl Store {
    /// A second connection to the same file for reading on another thread:
    /// no checks, no migrations, no writes (`query_only`). Open the file with
    /// [`Store::open`] first; this only reads what that left.
    pub fn open_reader(&self) -> Result<Self, StoreError> {
        let shown = self.shown();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        // A file on a read-only disk may need `immutable` (no WAL index can be made).
        let tries: &[&str] = if self.read_only { &["mode=ro", "immutable=1"] } else { &["mode=ro"] };
        let mut last = None;
        for how in tries {
            let uri = format!("file:{}?{how}", super::uri_path(&self.path));
            let conn = rusqlite::Connection::open_with_flags(&uri, flags)
                .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
            super::key::key_for_file(&conn, &self.path)?;
            let reader = Self {
                conn,
                path: self.path.clone(),
                user: default_user(),
                read_only: true,
                clock: self.clock,
                lock: self.lock.clone_handle(&self.path)?,
                whole_on_close: false,
            };
            reader.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| reader.err("busy_timeout", e))?;
            reader.conn.pragma_update(None, "query_only", "ON").map_err(|e| reader.err("query_only", e))?;
            match reader.conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
                Ok(_) => return Ok(reader),
                Err(e) => last = Some(reader.err("opening a reader", e)),
            }
        }
        Err(last.unwrap_or(StoreError::ReadOnly { path: shown }))
    }

    /// How many live accounts and contacts there are, for the search index
    /// to make room for them once.
    pub fn index_sizes(&self) -> Result<(usize, usize), StoreError> {
        let count = |table: &str| -> Result<usize, StoreError> {
            let sql = format!("SELECT count(*) FROM {table} WHERE deleted_at IS NULL");
            let n: i64 = self
                .conn
                .query_row(&sql, [], |r| r.get(0))
                .map_err(|e| self.err("counting for the search index", e))?;
            Ok(usize::try_from(n).unwrap_or(0))
        };
        Ok((count("accounts")?, count("contacts")?))
    }

    /// Every live account's searchable columns, in list order, to `each`.
    pub fn index_accounts(&self, mut each: impl FnMut(IndexAccount)) -> Result<(), StoreError> {
        let ctx = "reading accounts for the search index";
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE deleted_at IS NULL ORDER BY sort_key, id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(ctx, e))?;
        let rows = stmt.query_map([], account_from_row).map_err(|e| self.err(ctx, e))?;
        for row in rows {
            let (id, mut a) = row.map_err(|e| self.err(ctx, e))?;
            a.id = Id::parse(&id).map_err(|e| bad_id("accounts", &id, e.message))?;
            each(a);
        }
        Ok(())
    }

    /// Every live contact of a live account, its searchable columns, to
    /// `each`: an account's one after the other, the accounts in list order,
    /// so that a search reads the index from start to end (in the order of
    /// the accounts' ids it took three times as long at 100,000 accounts,
    /// waiting on memory).
    pub fn index_contacts(&self, mut each: impl FnMut(IndexContact)) -> Result<(), StoreError> {
        let ctx = "reading contacts for the search index";
        let columns = CONTACT_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns} FROM accounts a JOIN contacts c ON c.account_id = a.id \
             WHERE a.deleted_at IS NULL AND c.deleted_at IS NULL ORDER BY a.sort_key, a.id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(ctx, e))?;
        let rows = stmt.query_map([], contact_from_row).map_err(|e| self.err(ctx, e))?;
        for row in rows {
            each(finish_contact(row.map_err(|e| self.err(ctx, e))?)?);
        }
        Ok(())
    }

    /// One account's searchable columns and its live contacts', after it
    /// changed; `None` when it is deleted or gone.
    pub fn index_account(&self, id: &Id) -> Result<Option<(IndexAccount, Vec<IndexContact>)>, StoreError> {
        let ctx = "reading an account for the search index";
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1 AND deleted_at IS NULL");
        let found = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id.as_str()], account_from_row).optional())
            .map_err(|e| self.err(ctx, e))?;
        let Some((_, mut a)) = found else { return Ok(None) };
        a.id = id.clone();
        let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE account_id = ?1 AND deleted_at IS NULL");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
        let contacts = stmt
            .query_map([id.as_str()], contact_from_row)
            .map_err(|e| self.err(ctx, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(ctx, e))?;
        let contacts = contacts.into_iter().map(finish_contact).collect::<Result<_, _>>()?;
        Ok(Some((a, contacts)))
    }

    /// The list lines of `ids` (those still live), with what the rules
    /// derive, in the order given.
    pub fn account_rows(
        &self,
        rules: &Rules,
        ids: &[Id],
        today: NaiveDate,
    ) -> Result<Vec<super::AccountRow>, StoreError> {
        let ctx = "reading account lines";
        let sql = format!("SELECT {HEAD_COLUMNS} FROM accounts a WHERE a.id = ?1 AND a.deleted_at IS NULL");
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let head: Option<Head> = self
                .conn
                .prepare_cached(&sql)
                .and_then(|mut s| s.query_row([id.as_str()], Head::from_row).optional())
                .map_err(|e| self.err(ctx, e))?;
            if let Some(h) = head {
                out.push(self.account_row(rules, h, today)?);
            }
        }
        Ok(out)
    }
}
