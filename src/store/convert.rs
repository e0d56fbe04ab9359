//! `kam encrypt` / `kam decrypt` / `kam key change` (issue #21): converting
//! the file in place, or encrypting it again under a new passphrase, without
//! ever putting it at risk.
//!
//! 1. The exclusive [`FileLock`] (as `kam restore` takes it): refused while
//!    any kam program has the file open.
//! 2. The file is opened as it is (keyed when encrypted: a wrong passphrase
//!    stops here), `quick_check`ed, and its `-wal` checkpointed into it.
//! 3. `sqlcipher_export` writes the converted copy beside it, under
//!    `.<name>.converting` (created 0600), attached with this run's
//!    passphrase (encrypt), the empty key (decrypt) or the new passphrase,
//!    which from then on is this run's (a new key); the schema version
//!    (`user_version`, which the export does not carry) is set on the copy.
//! 4. The copy is opened as kam opens a backup (keyed by what its header
//!    says, with this run's passphrase) and must pass [`Store::full_check`],
//!    have the same schema version and the same number of rows in every table.
//! 5. The copy is synced, the file closed (its `-wal` and `-shm` go with
//!    it), the copy renamed over it in one step and the folder synced.
//!
//! Until the rename the file is untouched (a checkpoint changes no
//! content); the rename is atomic; so a kill at any moment leaves either
//! the old file or the checked copy in place, and at most a stale
//! `.<name>.converting`, which the next conversion removes.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::key::{self, FileState, Passphrase};
use super::{default_user, schema, FileLock, Store, StoreError, BUSY_TIMEOUT};
use crate::clock::Clock;

/// Which way to convert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    Encrypt,
    Decrypt,
    /// An encrypted file encrypted again under a new passphrase (see [`rekey`]).
    Rekey,
}

/// The moments of a conversion, for the kill tests: after each, a kill
/// must leave the file whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvertStep {
    /// The exclusive lock is held; nothing is written yet.
    Locked,
    /// The `-wal` was written into the file.
    Checkpointed,
    /// The converted copy is written beside the file.
    Written,
    /// The copy passed every check.
    Verified,
    /// The copy is on disk and the file closed.
    Synced,
    /// The copy is in place (the folder not yet synced).
    Renamed,
}

impl ConvertStep {
    pub const ALL: [Self; 6] =
        [Self::Locked, Self::Checkpointed, Self::Written, Self::Verified, Self::Synced, Self::Renamed];

    pub fn name(self) -> &'static str {
        match self {
            Self::Locked => "locked",
            Self::Checkpointed => "checkpointed",
            Self::Written => "written",
            Self::Verified => "verified",
            Self::Synced => "synced",
            Self::Renamed => "renamed",
        }
    }
}

/// Why a conversion did nothing. In every case the file is as it was.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("this kam was built without encryption")]
    NotBuilt,
    #[error("{path} does not exist")]
    Missing { path: PathBuf },
    #[error("{path} is open in another program")]
    InUse { path: PathBuf },
    #[error("{path} is already encrypted")]
    AlreadyEncrypted { path: PathBuf },
    #[error("{path} is not encrypted")]
    NotEncrypted { path: PathBuf },
    /// The converted copy did not pass; it was removed.
    #[error("the converted copy of {path} did not pass the check ({detail}); the file was left as it was")]
    Unverified { path: PathBuf, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a conversion did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Converted {
    /// The tables copied and the rows in them, all checked.
    pub tables: usize,
    pub rows: u64,
    /// The accounts in the file now, opened as kam opens it.
    pub accounts: i64,
}

/// Converts the file at `db` (see the module documentation); `at` is told
/// each step as it is done. Encrypting uses the passphrase given to
/// [`super::unlock`] as the new one; decrypting opens the file with it.
pub fn convert(
    db: &Path,
    to: Conversion,
    clock: Clock,
    at: impl FnMut(ConvertStep),
) -> Result<Converted, ConvertError> {
    convert_with(db, to, None, clock, at)
}

/// Encrypts the encrypted file at `db` again under `new`: opened with the
/// passphrase given to [`super::unlock`], copied under `new`, checked and
/// renamed over it as [`convert`] does. From the copy on, `new` is this
/// run's passphrase (also when the copy fails its check and the file is left
/// as it was: the command then ends). Backups keep the passphrase they were
/// made with.
pub fn rekey(db: &Path, new: Passphrase, clock: Clock, at: impl FnMut(ConvertStep)) -> Result<Converted, ConvertError> {
    convert_with(db, Conversion::Rekey, Some(new), clock, at)
}

fn convert_with(
    db: &Path,
    to: Conversion,
    new: Option<Passphrase>,
    clock: Clock,
    mut at: impl FnMut(ConvertStep),
) -> Result<Converted, ConvertError> {
    if !key::encryption_built() {
        return Err(ConvertError::NotBuilt);
    }
    let io = |p: &Path| {
        let shown = p.display().to_string();
        move |source| StoreError::Io { path: shown, source }
    };
    let lock = match FileLock::exclusive(db) {
        Ok(Some(l)) => l,
        Ok(None) => return Err(ConvertError::Missing { path: db.to_path_buf() }),
        Err(StoreError::InUse { .. }) => return Err(ConvertError::InUse { path: db.to_path_buf() }),
        Err(e) => return Err(e.into()),
    };
    match (key::file_state(db).map_err(io(db))?, to) {
        (FileState::New, _) => return Err(ConvertError::Missing { path: db.to_path_buf() }),
        (FileState::Foreign, _) => {
            return Err(StoreError::NotADatabase {
                path: db.display().to_string(),
                detail: "it does not start with the SQLite header".into(),
            }
            .into())
        }
        (FileState::Encrypted, Conversion::Encrypt) => {
            return Err(ConvertError::AlreadyEncrypted { path: db.to_path_buf() })
        }
        (FileState::Plain, Conversion::Decrypt | Conversion::Rekey) => {
            return Err(ConvertError::NotEncrypted { path: db.to_path_buf() })
        }
        (FileState::Plain | FileState::Encrypted, _) => {}
    }
    if !key::unlocked() {
        return Err(StoreError::NeedsPassphrase { path: db.display().to_string() }.into());
    }
    at(ConvertStep::Locked);

    let name = db.file_name().map_or_else(|| "kam.db".to_string(), |n| n.to_string_lossy().into_owned());
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let aside = dir.join(format!(".{name}.converting"));
    remove_with_journals(&aside);

    let source = open_source(db, clock)?;
    let version = source.user_version()?;
    if version > schema::LATEST {
        return Err(StoreError::TooNew { path: source.shown(), found: version, supported: schema::LATEST }.into());
    }
    source.quick_check()?;
    source.checkpoint()?;
    at(ConvertStep::Checkpointed);

    // The source is keyed with the passphrase it was opened with; the copy,
    // and every connection after it, with the new one.
    if let Some(new) = new {
        key::unlock(new);
    }
    let written = write_copy(&source, &aside, to != Conversion::Decrypt, version);
    let counts = match written.and_then(|()| source.table_counts("main")) {
        Ok(c) => c,
        Err(e) => {
            remove_with_journals(&aside);
            return Err(e.into());
        }
    };
    at(ConvertStep::Written);

    if let Err(detail) = verify(&aside, version, &counts) {
        remove_with_journals(&aside);
        return Err(ConvertError::Unverified { path: db.to_path_buf(), detail });
    }
    at(ConvertStep::Verified);

    fs::File::open(&aside).and_then(|f| f.sync_all()).map_err(io(&aside))?;
    crate::files::tighten_path(&aside).map_err(io(&aside))?;
    // Closing the only connection removes the (checkpointed, empty) `-wal`
    // and the `-shm`, which belong to the file being replaced.
    source.close()?;
    at(ConvertStep::Synced);

    fs::rename(&aside, db).map_err(io(db))?;
    at(ConvertStep::Renamed);
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    drop(lock);

    let store = Store::open(db, clock)?;
    let accounts = store
        .conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .map_err(|e| store.err("counting accounts", e))?;
    store.close()?;
    Ok(Converted { tables: counts.len(), rows: counts.iter().map(|(_, n)| n).sum(), accounts })
}

/// The file as it is, keyed when encrypted, as a writer that checkpoints
/// when closed; not migrated, its trash not purged (what is copied is the
/// file as it was).
fn open_source(db: &Path, clock: Clock) -> Result<Store, StoreError> {
    let shown = db.display().to_string();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        Connection::open_with_flags(db, flags).map_err(|e| StoreError::Open { path: shown, detail: e.to_string() })?;
    key::key_for_file(&conn, db)?;
    let store = Store {
        conn,
        path: db.to_path_buf(),
        user: default_user(),
        read_only: false,
        clock,
        lock: FileLock(None),
        whole_on_close: true,
    };
    store.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| store.err("busy_timeout", e))?;
    if store.user_version()? == 0 {
        return Err(StoreError::NotADatabase { path: store.shown(), detail: "schema version 0".into() });
    }
    Ok(store)
}

/// Writes the converted copy of `source` into `aside` (created empty and
/// owner-only first, so SQLite keeps its mode).
fn write_copy(source: &Store, aside: &Path, encrypted: bool, version: u32) -> Result<(), StoreError> {
    super::create_private(aside).map_err(|e| StoreError::Io { path: aside.display().to_string(), source: e })?;
    key::attach(&source.conn, aside, "converted", encrypted)?;
    let done = source
        .conn
        .query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))
        .and_then(|()| source.conn.execute_batch(&format!("PRAGMA converted.user_version = {version}")))
        .map_err(|e| super::sql_error(aside, "writing the converted copy", &e));
    let detached = source
        .conn
        .execute_batch("DETACH DATABASE converted")
        .map_err(|e| super::sql_error(aside, "closing the converted copy", &e));
    done.and(detached)
}

/// Opens the copy as kam opens a backup and compares it with the file:
/// the full check, the schema version, the rows of every table.
fn verify(aside: &Path, version: u32, counts: &[(String, u64)]) -> Result<(), String> {
    let copy = super::restore::open_backup(aside).map_err(|e| e.to_string())?;
    copy.full_check().map_err(|e| e.to_string())?;
    let found = copy.user_version().map_err(|e| e.to_string())?;
    if found != version {
        return Err(format!("schema version {found}, the file has {version}"));
    }
    let theirs = copy.table_counts("main").map_err(|e| e.to_string())?;
    if theirs != counts {
        let differ: Vec<String> = counts
            .iter()
            .filter(|c| !theirs.contains(c))
            .map(|(t, n)| {
                let other =
                    theirs.iter().find(|(u, _)| u == t).map_or_else(|| "none".to_string(), |(_, m)| m.to_string());
                format!("{t}: {n} rows in the file, {other} in the copy")
            })
            .collect();
        return Err(if differ.is_empty() { "the copy has other tables".to_string() } else { differ.join("; ") });
    }
    Ok(())
}

impl Store {
    /// `PRAGMA user_version`.
    fn user_version(&self) -> Result<u32, StoreError> {
        let v: i64 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err("user_version", e))?;
        Ok(u32::try_from(v).unwrap_or(u32::MAX))
    }

    /// Every table that holds rows (virtual tables' own rows live in their
    /// shadow tables, which are counted), by name, with its row count.
    fn table_counts(&self, schema_name: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let ctx = "counting rows";
        let names: Vec<String> = self.rows(
            ctx,
            &format!(
                "SELECT name FROM {schema_name}.sqlite_schema WHERE type = 'table' AND rootpage > 0 ORDER BY name"
            ),
            [],
            |r| r.get(0),
        )?;
        let mut counts = Vec::with_capacity(names.len());
        for name in names {
            let sql = format!("SELECT count(*) FROM {schema_name}.\"{}\"", name.replace('"', "\"\""));
            let n: i64 = self.conn.query_row(&sql, [], |r| r.get(0)).map_err(|e| self.err(ctx, e))?;
            counts.push((name, u64::try_from(n).unwrap_or(0)));
        }
        Ok(counts)
    }
}

/// Removes a copy of ours and any journal SQLite left beside it.
fn remove_with_journals(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
