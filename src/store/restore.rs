//! Finding a good backup of a damaged file and putting it back in place
//! (`kam restore`). Nothing here deletes a file: what is damaged is moved
//! aside under a dated name.
//!
//! Restore cannot destroy: it runs only while no kam program has the file
//! open (the exclusive [`FileLock`]); it refuses a sound file unless forced;
//! when the file is sound and only its `-wal` is foreign or damaged it sets
//! the `-wal` aside and keeps the file; and the backup is opened as kam
//! opens a file (schema version, migrations, CHECK constraints, the full
//! [`Store::full_check`]) on a copy, and nothing is moved unless the copy
//! passes. The checked copy is what is put in place.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{backup::backup_prefix, default_user, key, schema, sql_error, uri_path, FileLock, Store, StoreError};
use crate::clock::Clock;

/// What [`restore`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The backup copied into place; none when the file was sound and only
    /// its `-wal` was set aside.
    pub backup: Option<PathBuf>,
    /// Where the file that was there went (none when it was missing or kept).
    pub aside: Option<PathBuf>,
    /// Where a foreign or damaged `-wal` beside a sound file went.
    pub wal_aside: Option<PathBuf>,
    /// The accounts in the file now (live and in the trash).
    pub accounts: i64,
}

/// Why [`restore`] did nothing. In every case nothing was moved.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// A kam program has the file open.
    #[error(
        "{path} is open in another program (the workbench or another kam command); close it and run restore again"
    )]
    InUse { path: PathBuf },
    /// The file (with its `-wal`) passes every check: there is nothing to repair.
    #[error(
        "{path} is sound ({accounts} accounts): nothing to restore; --force replaces it anyway (it is kept beside)"
    )]
    Sound { path: PathBuf, accounts: i64 },
    /// No backup passes the check.
    #[error("there is no good backup in {dir}")]
    NoBackup { dir: PathBuf },
    /// The chosen backup does not pass when opened as kam opens a file.
    #[error("{path} cannot be restored from: {error}")]
    BadBackup { path: PathBuf, error: Box<StoreError> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the file at `db` is, judged on copies so the file and its `-wal`
/// are never touched.
#[derive(Debug)]
enum Health {
    Missing,
    Sound {
        accounts: i64,
    },
    /// The file alone is sound; with its `-wal` it is not.
    BadWal,
    Damaged,
}

/// The backups of the database `db` in `dir`, oldest first: `kam-2026-11-23.db`
/// for `kam.db`. A missing folder has none.
pub fn backups_of(db: &Path, dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let io = |source| StoreError::Io { path: dir.display().to_string(), source };
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e)),
    };
    let prefix = backup_prefix(db);
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(io)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(day) = name.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".db")) else { continue };
        if chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() {
            found.push(path);
        }
    }
    // The names end in the ISO date, so sorting by name sorts by day.
    found.sort();
    Ok(found)
}

/// Checks a backup without changing a byte of it (opened read-only and
/// immutable, so not even a `-shm` is made): a kam database of a version
/// this kam knows that passes [`Store::full_check`] (`integrity_check`,
/// `foreign_key_check`, every table and index of its version present).
pub fn check_backup(path: &Path) -> Result<(), StoreError> {
    open_backup(path)?.full_check()
}

/// Opens a backup (or another copy of a kam file) read-only and immutable,
/// keyed when encrypted: a kam database of a version this kam knows.
pub(super) fn open_backup(path: &Path) -> Result<Store, StoreError> {
    let shown = path.display().to_string();
    // An encrypted backup (of an encrypted file) is opened with the passphrase.
    let state = key::file_state(path).map_err(|source| StoreError::Io { path: shown.clone(), source })?;
    if !matches!(state, key::FileState::Plain | key::FileState::Encrypted) {
        return Err(StoreError::NotADatabase {
            path: shown,
            detail: "it does not start with the SQLite header".into(),
        });
    }
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&uri, flags)
        .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
    key::key_for_file(&conn, path)?;
    let version: i64 =
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| sql_error(path, "reading", &e))?;
    if version < 1 || version > i64::from(schema::LATEST) {
        return Err(StoreError::NotADatabase { path: shown, detail: format!("schema version {version}") });
    }
    let has_table: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1", [schema::KAM_TABLE], |r| {
            r.get(0)
        })
        .map_err(|e| sql_error(path, "reading", &e))?;
    if has_table == 0 {
        return Err(StoreError::NotADatabase { path: shown, detail: format!("no {} table", schema::KAM_TABLE) });
    }
    Ok(Store {
        conn,
        path: path.to_path_buf(),
        user: default_user(),
        read_only: true,
        clock: Clock::default(),
        lock: FileLock(None),
        whole_on_close: false,
    })
}

/// The newest backup of `db` in `dir` that passes [`check_backup`].
pub fn newest_good_backup(db: &Path, dir: &Path) -> Option<PathBuf> {
    let all = backups_of(db, dir).ok()?;
    all.into_iter().rev().find(|b| check_backup(b).is_ok())
}

/// `kam restore`: repairs the file at `db` from `from` (else the newest
/// good backup in `backups`).
///
/// 1. Takes the exclusive lock on `db`: refused while any kam program has it open.
/// 2. Judges the file on copies: sound (with its `-wal`) is refused unless
///    `force`; sound alone but not with its `-wal` sets the `-wal` (and
///    `-shm`) aside and keeps the file, no backup needed.
/// 3. Copies the backup beside `db`, opens the copy as kam does
///    (migrations) and runs [`Store::full_check`] on it; a copy that fails
///    is removed and nothing else changes.
/// 4. Moves the file (with its `-wal` and `-shm`) aside to
///    `<name>.damaged-<timestamp>` (`.replaced-` when a sound file is
///    forced out) and renames the checked copy into place.
///
/// Every person erased from the file (the `erasures` table of the file
/// being replaced, as far as it reads, and `kam.db.erasures` beside it) is
/// erased again from the copy before it is put in place (#21).
///
/// A crash at any point leaves either the old file or the checked copy in place.
pub fn restore(
    db: &Path,
    backups: &Path,
    from: Option<&Path>,
    force: bool,
    clock: Clock,
) -> Result<Restored, RestoreError> {
    let io = |p: &Path| {
        let shown = p.display().to_string();
        move |source| StoreError::Io { path: shown, source }
    };
    let name = db.file_name().map_or_else(|| "kam.db".to_string(), |n| n.to_string_lossy().into_owned());
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let lock = match FileLock::exclusive(db) {
        Ok(l) => l,
        Err(StoreError::InUse { .. }) => return Err(RestoreError::InUse { path: db.to_path_buf() }),
        Err(e) => return Err(e.into()),
    };
    // A backup named on the command line is judged first: a bad one is
    // named as such whatever the file's state.
    if let Some(b) = from {
        check_backup(b).map_err(|e| RestoreError::BadBackup { path: b.to_path_buf(), error: Box::new(e) })?;
    }
    let stamp = clock.local_now().format("%Y%m%d-%H%M%S").to_string();
    let work = WorkDir::new(&dir.join(format!(".{name}.restore-check")))?;
    let health = diagnose(db, &work.0, clock)?;
    match health {
        Health::Sound { accounts } if !force => return Err(RestoreError::Sound { path: db.to_path_buf(), accounts }),
        Health::BadWal if !force => {
            let wal = PathBuf::from(format!("{}-wal", db.display()));
            let aside = free_name(&dir, &format!("{name}-wal.damaged-{stamp}"));
            fs::rename(&wal, &aside).map_err(io(&wal))?;
            let shm = PathBuf::from(format!("{}-shm", db.display()));
            if shm.exists() {
                let to = free_name(&dir, &format!("{name}-shm.damaged-{stamp}"));
                fs::rename(&shm, &to).map_err(io(&shm))?;
            }
            sync_dir(&dir);
            drop(lock);
            let accounts = count_accounts(db, clock)?;
            return Ok(Restored { backup: None, aside: None, wal_aside: Some(aside), accounts });
        }
        _ => {}
    }
    let backup = match from {
        Some(b) => b.to_path_buf(),
        None => newest_good_backup(db, backups).ok_or_else(|| RestoreError::NoBackup { dir: backups.to_path_buf() })?,
    };
    let bad = |e| RestoreError::BadBackup { path: backup.clone(), error: Box::new(e) };
    check_backup(&backup).map_err(bad)?;
    let partial = dir.join(format!(".{name}.restoring"));
    remove_with_journals(&partial);
    fs::copy(&backup, &partial).map_err(io(&partial))?;
    crate::files::tighten_path(&partial).map_err(io(&partial))?;
    let accounts = match check_copy(&partial, clock).and_then(|n| erase_again(db, &partial, clock).map(|()| n)) {
        Ok(n) => n,
        Err(e) => {
            remove_with_journals(&partial);
            return Err(bad(e));
        }
    };
    fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(io(&partial))?;
    let aside = if matches!(health, Health::Missing) {
        None
    } else {
        let why = if matches!(health, Health::Sound { .. } | Health::BadWal) { "replaced" } else { "damaged" };
        let target = free_name(&dir, &format!("{name}.{why}-{stamp}"));
        // The journal files follow the file, keeping their suffixes, so
        // SQLite finds them beside the damaged copy if someone opens it.
        for suffix in ["-wal", "-shm"] {
            let from = dir.join(format!("{name}{suffix}"));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", target.display()));
                fs::rename(&from, &to).map_err(io(&from))?;
            }
        }
        fs::rename(db, &target).map_err(io(db))?;
        Some(target)
    };
    fs::rename(&partial, db).map_err(io(db))?;
    sync_dir(&dir);
    drop(lock);
    Ok(Restored { backup: Some(backup), aside, wal_aside: None, accounts })
}

/// Judges `db` on copies in `work`: as it is (with its `-wal`), then, if
/// that fails and there is a `-wal`, the file alone.
fn diagnose(db: &Path, work: &Path, clock: Clock) -> Result<Health, RestoreError> {
    let io = |p: &Path| {
        let shown = p.display().to_string();
        move |source| StoreError::Io { path: shown, source }
    };
    let meta = match fs::metadata(db) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Health::Missing),
        Err(e) => return Err(io(db)(e).into()),
    };
    // An emptied file is a file that lost its contents, not a new one.
    if meta.len() == 0 {
        return Ok(Health::Damaged);
    }
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let has_wal = fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    let whole = work.join("whole.db");
    fs::copy(db, &whole).map_err(io(&whole))?;
    if has_wal {
        let to = work.join("whole.db-wal");
        fs::copy(&wal, &to).map_err(io(&to))?;
    }
    match check_copy(&whole, clock) {
        Ok(accounts) => return Ok(Health::Sound { accounts }),
        // A newer kam's file is not damaged: never replaced by an older copy;
        // nor is an encrypted file kam was given no passphrase, or a wrong
        // one, for (#21): a wrong passphrase never moves anything.
        Err(e @ StoreError::TooNew { .. }) => return Err(e.into()),
        Err(StoreError::NeedsPassphrase { .. }) => {
            return Err(StoreError::NeedsPassphrase { path: db.display().to_string() }.into())
        }
        Err(StoreError::WrongPassphrase { .. }) => {
            return Err(StoreError::WrongPassphrase { path: db.display().to_string() }.into())
        }
        Err(_) => {}
    }
    if has_wal {
        let alone = work.join("alone.db");
        fs::copy(db, &alone).map_err(io(&alone))?;
        if check_copy(&alone, clock).is_ok() {
            return Ok(Health::BadWal);
        }
    }
    Ok(Health::Damaged)
}

/// Opens the copy at `path` as kam opens a file (header, version,
/// migrations, `quick_check`), runs [`Store::full_check`], counts the
/// accounts and closes it whole (no `-wal` left beside it).
fn check_copy(path: &Path, clock: Clock) -> Result<i64, StoreError> {
    let store = Store::open(path, clock)?;
    store.full_check()?;
    let accounts: i64 = store
        .conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .map_err(|e| store.err("counting accounts", e))?;
    store.close()?;
    Ok(accounts)
}

/// Erases from the copy at `copy` everyone erased from `db` (#21), and
/// lists in the ledger file beside `db` those only its table knew.
fn erase_again(db: &Path, copy: &Path, clock: Clock) -> Result<(), StoreError> {
    let listed = super::erase::read_ledger_file(db);
    let mut all = listed.clone();
    for e in super::erase::read_ledger_table(db) {
        if !all.contains(&e) {
            all.push(e);
        }
    }
    if all.is_empty() {
        return Ok(());
    }
    let mut store = Store::open(copy, clock)?;
    store.set_user(default_user());
    store.reapply_erasures(&all)?;
    store.close()?;
    let missing: Vec<_> = all.into_iter().filter(|e| !listed.contains(e)).collect();
    super::erase::append_ledger_file(db, &missing)
        .map_err(|source| StoreError::Io { path: super::erase::ledger_path(db).display().to_string(), source })
}

/// The accounts in the file at `db`, opened as kam opens it.
fn count_accounts(db: &Path, clock: Clock) -> Result<i64, StoreError> {
    let store = Store::open(db, clock)?;
    let n = store
        .conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .map_err(|e| store.err("counting accounts", e))?;
    store.close()?;
    Ok(n)
}

/// `dir/name`, or `dir/name-1`, `-2` … when taken.
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let mut target = dir.join(name);
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{name}-{n}"));
        n += 1;
    }
    target
}

/// Removes a temporary copy of ours and any journal SQLite left beside it.
fn remove_with_journals(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Makes renames in `dir` durable; a folder that cannot be synced is no error.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A folder of restore's own copies beside the database, removed when done.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new(path: &Path) -> Result<Self, StoreError> {
        // Left by a restore that crashed: ours, and only copies.
        let _ = fs::remove_dir_all(path);
        crate::files::private_dir(path)
            .map_err(|source| StoreError::Io { path: path.display().to_string(), source })?;
        Ok(Self(path.to_path_buf()))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
