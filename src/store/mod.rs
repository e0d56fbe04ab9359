//! The local store: one SQLite file holding every record (DESIGN §3, §6).
//!
//! This module is the only place in kam that speaks SQL. Its functions take
//! and return the model's types; no statement, row or connection leaks out.
//!
//! * [`Store::open`] opens (or creates, mode 0600) a file: WAL, foreign keys,
//!   a busy timeout, `synchronous=FULL`, `quick_check`, migrations, and the
//!   purge of trash older than 30 days. A newer file, a file that is not a
//!   kam database and a corrupt file are refused with an error naming the path.
//! * Records are saved with [`Store::insert`], [`Store::update`] (refused with
//!   [`StoreError::Conflict`] when the version is stale) or [`Store::save`];
//!   read with [`Store::get`] and [`Store::list_for_account`]; deleted to the
//!   trash with [`Store::delete`], brought back with [`Store::restore`].
//!   Every write is one `BEGIN IMMEDIATE` transaction that also writes the
//!   field-level change log.
//! * [`Store::account_page`] is the account list, paged by keyset.

mod accounts;
mod activity;
mod backup;
mod bulk;
mod check;
mod col;
mod convert;
mod erase;
mod exchange;
mod faults;
mod fields;
mod fold;
mod history;
mod hub;
mod index;
mod key;
mod live;
mod plans;
mod record;
mod report;
mod restore;
mod schema;
mod scratch;
mod search;
mod sync;
mod text_search;
mod today;
mod vip;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use accounts::{AccountCursor, AccountKeys, AccountListQuery, AccountPage, AccountRow, ContactRow};
pub use backup::{BackgroundBackup, BACKUPS_KEPT};
pub use bulk::Bulk;
pub use check::{CheckReport, KindCount};
pub use col::{Choices, Shown};
pub use convert::{convert, rekey, Conversion, ConvertError, ConvertStep, Converted};
pub use erase::ledger_path as erasures_path;
pub use exchange::{
    attach_children, export_layouts, overlay_cells, record_from_cells, unneutralise, validated, CellError, Datum,
    Deletion, FieldConflict, ImportOp, MergeOutcome, MergeThen, RowsError, SentClocks, Span, TableLayout, TxLookup,
    Unsent, CLOCK_COLUMNS, DELETED_HERE, DELETED_THERE, DELETION_COLUMNS, FIRST_POS, MAX_VERSION, META_COLUMNS,
};
pub use faults::create_v1_file;
pub use fold::Folded;
pub use history::{ChangeLine, ExportTrace, TrashEntry, TRASH_DAYS};
pub use hub::{
    company_index_keys, shown as hub_shown, Applied, CaFileProblem, HeldAccount, Hub, HubError, HubRole, MyRequests,
    NewUser, Pulled, PushOp, RecordBody, Refusal, Request, RequestKind, RequestState, Share, TlsProblem,
    HUB_SCHEMA_VERSION,
};
pub use index::{IndexAccount, IndexContact};
pub use key::{
    encryption_built, is_encrypted, is_this_runs_passphrase, passphrase_opens, unlock, unlocked, Passphrase,
};
pub use plans::{PlanRow, PlanTable};
pub use record::{AnyRecord, ChildLayout, Conflict, FieldClock, Record, RecordKind, Saving};
pub use restore::{backups_of, check_backup, newest_good_backup, restore, RestoreError, Restored};
pub use schema::LATEST as SCHEMA_VERSION;
pub use scratch::{MergeScratch, NewChild, NewRef, Ref, ScratchChild, SheetScratch};
pub use search::{readings, Query};
pub use sync::{HeldAtHub, SyncState, PULL_SOURCE};
pub use text_search::{find_ci, query_words, TextFound, TextHit, TextKind, TEXT_SEARCH_LIMIT};
pub use today::{
    Birthday, Downgrade, MonthFigures, OpenCommitment, OverdueAccount, PlanDue, PlanType, PlanWarnings, TodayData,
    VipDue, BIRTHDAY_DAYS,
};
pub use vip::{FabUse, ObjectionCount, ResolutionUse, VipCardCounts, VipQuery, VipScope};

use crate::clock::Clock;
use crate::model::ModelError;

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long closing waits for other programs' readers to let the `-wal` be
/// truncated; past it the `-wal` stays (still sound) and the next close
/// truncates it.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// What went wrong in the store. Each variant names the file, record or
/// field concerned so the message can be acted on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open: {detail}")]
    Open { path: String, detail: String },
    #[error("{path} is not a kam database ({detail}); choose another file with --db, or put back a copy from the backups folder with kam restore")]
    NotADatabase { path: String, detail: String },
    #[error("{path} is damaged ({detail}); kam restore puts back the newest good copy from the backups folder")]
    Corrupt { path: String, detail: String },
    #[error("{path} was written by a newer kam (schema version {found}, this kam knows {supported}); update kam to open it — the file was left untouched")]
    TooNew { path: String, found: u32, supported: u32 },
    #[error(
        "{path}: the disk is full; {change} was not saved and the file is as before — free some space and save again"
    )]
    DiskFull { path: String, change: String },
    #[error("{path}: another program kept the file locked for {secs} s; try again", secs = BUSY_TIMEOUT.as_secs())]
    Busy { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{kind} {id}: {error}")]
    Invalid { kind: RecordKind, id: String, error: ModelError },
    #[error("{kind} {id} was not found (deleted, or never saved)")]
    NotFound { kind: RecordKind, id: String },
    #[error("{} {} was changed by someone else since it was opened (now version {})", .0.kind, .0.id, .0.current_version())]
    Conflict(Box<Conflict>),
    #[error("{kind} {id} cannot be restored while its account {account} is in the trash: restore the account")]
    ParentInTrash { kind: RecordKind, id: String, account: String },
    #[error("{table}.{column} of row {id}: {detail}")]
    BadValue { table: &'static str, column: String, id: String, detail: String },
    #[error("{context}: {detail}")]
    Sql { context: String, detail: String },
    #[error("{path} is read-only (the file, its folder or the disk it is on): everything can be read but nothing can be saved; copy it to a writable folder to edit")]
    ReadOnly { path: String },
    #[error("{path} is read-only and was written by an older kam (schema version {found}); it cannot be upgraded where it is: copy it to a writable folder")]
    ReadOnlyOld { path: String, found: u32 },
    #[error("{path} is open in another program (the workbench or another kam command); close it and try again")]
    InUse { path: String },
    #[error("{path} is encrypted and no passphrase was given (type it when asked, or name a file holding it with KAM_PASSPHRASE_FILE); nothing was changed")]
    NeedsPassphrase { path: String },
    #[error("{path}: the passphrase does not open this encrypted file (a wrong passphrase, or, rarely, a damaged first page); nothing was changed")]
    WrongPassphrase { path: String },
}

impl StoreError {
    /// A full disk met while saving a record names the record: its kind,
    /// label and id, so the person knows which change to make again.
    pub(crate) fn naming(self, change: impl FnOnce() -> String) -> Self {
        match self {
            Self::DiskFull { path, .. } => Self::DiskFull { path, change: change() },
            other => other,
        }
    }
}

/// An open kam database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    user: String,
    /// The file, its folder or its medium cannot be written: everything
    /// reads, every write is refused with [`StoreError::ReadOnly`].
    read_only: bool,
    /// Where every timestamp the store writes comes from.
    clock: Clock,
    /// The shared lock every kam program holds on the file while it has it
    /// open; `kam restore` needs the exclusive one (see [`FileLock`]).
    lock: FileLock,
    /// Whether closing checkpoints the `-wal` into the file (an open writer);
    /// never for a refused file, a read-only file or a reader.
    whole_on_close: bool,
}

impl Drop for Store {
    /// A writer leaves the file whole: everything in the `-wal` is copied
    /// into the file and the `-wal` truncated, so the file alone holds every
    /// change even when a reader (the workbench's worker) outlives it and
    /// SQLite's own checkpoint on close does not run.
    fn drop(&mut self) {
        if self.whole_on_close {
            let _ = self.checkpoint();
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("user", &self.user).finish_non_exhaustive()
    }
}

/// The SQLite file header every database starts with.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens the kam database at `path`, creating it (and its folders) when
    /// missing. See the module documentation for what is checked.
    /// Every timestamp it writes, and the trash's 30 days, read `clock`.
    pub fn open(path: &Path, clock: Clock) -> Result<Self, StoreError> {
        Self::open_inner(path, clock, true)
    }

    /// [`Store::open`] without `quick_check`, which reads the whole file
    /// (18 s at 100,000 accounts): the workbench opens this way and runs the
    /// check on its worker thread after the first frame. The header, version
    /// and schema checks still run, so a foreign or newer file is refused.
    pub fn open_unchecked(path: &Path, clock: Clock) -> Result<Self, StoreError> {
        Self::open_inner(path, clock, false)
    }

    fn open_inner(path: &Path, clock: Clock, check: bool) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        let io_err = |source| StoreError::Io { path: shown.clone(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_private_dir(dir).map_err(io_err)?;
        }
        match key::file_state(path).map_err(io_err)? {
            key::FileState::Foreign => {
                return Err(StoreError::NotADatabase {
                    path: shown,
                    detail: "it does not start with the SQLite header".into(),
                })
            }
            key::FileState::New if !path.exists() => create_private(path).map_err(io_err)?,
            // An encrypted file is keyed once opened, below (key::key_for_file).
            key::FileState::New | key::FileState::Plain | key::FileState::Encrypted => {}
        }
        let lock = FileLock::shared(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
        key::key_for_file(&conn, path)?;
        // A file refused below must be left as it was, with its `-wal`: no
        // checkpoint when the refused connection closes. Set back once open.
        let no_ckpt = rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE;
        conn.set_db_config(no_ckpt, true)
            .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
        // SQLite opens a write-protected file for reading only, silently.
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            drop(conn);
            return Self::open_read_only(path, clock, check, &lock);
        }
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            user: default_user(),
            read_only: false,
            clock,
            lock: lock.clone_handle(path)?,
            whole_on_close: false,
        };
        match store.prepare(check) {
            // The folder refuses the -wal and -shm files: read it as it is.
            Err(StoreError::ReadOnly { .. }) => {
                drop(store);
                return Self::open_read_only(path, clock, check, &lock);
            }
            r => r?,
        }
        store.conn.set_db_config(no_ckpt, false).map_err(|e| store.err("no_ckpt_on_close", e))?;
        store.whole_on_close = true;
        store.purge_trash_with(clock.now(), check)?;
        Ok(store)
    }

    /// Opens a file that cannot be written: read-only, or immutable when
    /// not even the WAL index can be created (a read-only disk). Nothing is
    /// written, the schema is not migrated, the trash is not purged.
    fn open_read_only(path: &Path, clock: Clock, check: bool, lock: &FileLock) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let mut last = StoreError::ReadOnly { path: shown.clone() };
        // Without a `-wal` beside it, the file holds everything and nobody
        // can be writing it (it is write-protected, or its folder refuses
        // the `-wal`): read it as immutable, which creates no `-wal` and
        // `-shm` that a read-only connection could not remove on closing.
        let wal = sidecar(path, "-wal");
        let ways: &[&str] = if wal.exists() { &["mode=ro", "immutable=1"] } else { &["immutable=1"] };
        for how in ways {
            let uri = format!("file:{}?{how}", uri_path(path));
            let conn = Connection::open_with_flags(&uri, flags)
                .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
            key::key_for_file(&conn, path)?;
            let lock = lock.clone_handle(path)?;
            let mut store = Self {
                conn,
                path: path.to_path_buf(),
                user: default_user(),
                read_only: true,
                clock,
                lock,
                whole_on_close: false,
            };
            match store.prepare(check) {
                Ok(()) => return Ok(store),
                Err(e @ StoreError::ReadOnly { .. }) => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// Closes the file, leaving it whole: the `-wal` checkpointed into it
    /// and truncated (what dropping does, with the error reported). For the
    /// workbench's quit and the commands' end; a reader or read-only store
    /// only closes.
    pub fn close(mut self) -> Result<(), StoreError> {
        let whole = std::mem::take(&mut self.whole_on_close);
        if whole {
            self.checkpoint()?;
        }
        Ok(())
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`, waiting at most [`CLOSE_TIMEOUT`]
    /// for other connections' readers. A checkpoint that could not finish
    /// (busy) is an error: the `-wal` still holds changes.
    fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.busy_timeout(CLOSE_TIMEOUT).map_err(|e| self.err("busy_timeout", e))?;
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| self.err("writing the -wal into the file", e))?;
        let _ = self.conn.busy_timeout(BUSY_TIMEOUT);
        if busy == 0 {
            Ok(())
        } else {
            Err(StoreError::Busy { path: self.shown() })
        }
    }

    /// Whether the file can only be read (see [`StoreError::ReadOnly`]).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Pragmas, checks and migrations, in an order that leaves a refused file
    /// untouched: nothing is written before the version and integrity checks.
    fn prepare(&mut self, check: bool) -> Result<(), StoreError> {
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| self.err("busy_timeout", e))?;
        self.conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| self.err("foreign_keys", e))?;
        let found: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.open_err(e))?;
        let found = u32::try_from(found).unwrap_or(u32::MAX);
        if found > schema::LATEST {
            return Err(StoreError::TooNew { path: self.shown(), found, supported: schema::LATEST });
        }
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0))
            .map_err(|e| self.open_err(e))?;
        if found == 0 && tables > 0 {
            return Err(StoreError::NotADatabase {
                path: self.shown(),
                detail: format!("a SQLite file with {tables} tables of another program"),
            });
        }
        if found > 0 {
            let has_accounts: bool = self
                .conn
                .query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                    [schema::KAM_TABLE],
                    |r| r.get::<_, i64>(0).map(|n| n > 0),
                )
                .map_err(|e| self.open_err(e))?;
            if !has_accounts {
                return Err(StoreError::NotADatabase {
                    path: self.shown(),
                    detail: format!("schema version {found} but no {} table", schema::KAM_TABLE),
                });
            }
        }
        if check {
            self.quick_check()?;
        }
        if self.read_only {
            if found < schema::LATEST {
                return Err(StoreError::ReadOnlyOld { path: self.shown(), found });
            }
            return self.conn.pragma_update(None, "query_only", "ON").map_err(|e| self.err("query_only", e));
        }
        let mode: String =
            self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| self.open_err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Open { path: self.shown(), detail: format!("journal mode is {mode}, not WAL") });
        }
        self.conn.pragma_update(None, "synchronous", "FULL").map_err(|e| self.err("synchronous", e))?;
        schema::migrations().to_latest(&mut self.conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => self.open_err(err),
            other => StoreError::Open { path: self.path.display().to_string(), detail: other.to_string() },
        })?;
        Ok(())
    }

    /// `PRAGMA quick_check`: a problem is reported as [`StoreError::Corrupt`].
    pub fn quick_check(&self) -> Result<(), StoreError> {
        let problems = self.integrity("quick_check")?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Corrupt { path: self.shown(), detail: problems.join("; ") })
        }
    }

    /// Runs `PRAGMA quick_check` or `integrity_check`; returns the problems found.
    fn integrity(&self, pragma: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("PRAGMA {pragma}")).map_err(|e| self.open_err(e))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.open_err(e))?;
        let mut problems = Vec::new();
        for row in rows {
            let line = row.map_err(|e| self.open_err(e))?;
            if line != "ok" {
                problems.push(line);
            }
        }
        Ok(problems)
    }

    /// Who is written as `updated_by` and in the change log (the config's
    /// user; the login name until set).
    pub fn set_user(&mut self, user: impl Into<String>) {
        let user = user.into();
        if !user.trim().is_empty() {
            self.user = user;
        }
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Maps an SQLite error met while opening: damage and foreign files get
    /// their own messages.
    fn open_err(&self, e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: self.shown(), detail: e.to_string() },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path: self.shown(), detail: e.to_string() },
            Some(ErrorCode::CannotOpen) => StoreError::ReadOnly { path: self.shown() },
            _ => self.err("opening", e),
        }
    }

    /// Maps an SQLite error, naming what was being done. Takes the error by
    /// value so it reads as `map_err(|e| self.err("…", e))`.
    #[allow(clippy::needless_pass_by_value)]
    fn err(&self, context: &str, e: rusqlite::Error) -> StoreError {
        sql_error(&self.path, context, &e)
    }

    /// Every row of a cached statement, read by `row`; an error names `context`.
    fn rows<T, P: rusqlite::Params>(
        &self,
        context: &str,
        sql: &str,
        params: P,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(context, e))?;
        let rows = stmt.query_map(params, row).map_err(|e| self.err(context, e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(context, e))
    }
}

/// Maps an SQLite error to a [`StoreError`], naming what was being done.
fn sql_error(path: &Path, context: &str, e: &rusqlite::Error) -> StoreError {
    let shown = path.display().to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path: shown, change: context.to_string() },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy { path: shown },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path: shown, detail: e.to_string() },
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: shown, detail: e.to_string() },
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path: shown },
        _ if key::page_failed(path, e) => StoreError::Corrupt {
            path: shown,
            detail: "a page fails its authentication check (it was changed or damaged on disk)".into(),
        },
        _ => StoreError::Sql { context: context.to_string(), detail: e.to_string() },
    }
}

/// A path for an SQLite `file:` URI: `%`, `?` and `#` escaped.
pub(crate) fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// A lock on a database file, held by every kam program that has the file
/// open (shared) and by `kam restore` while it moves files (exclusive), so
/// restore never moves a file a workbench is still writing into. It is an
/// advisory `flock` on the file itself, independent of SQLite's own locks,
/// so it needs no extra file and works on a read-only file too.
#[derive(Debug)]
pub(crate) struct FileLock(Option<fs::File>);

impl FileLock {
    /// Waits for a shared lock on `path` (a restore holds the exclusive one
    /// for a moment). A file renamed away while waiting (restored) is
    /// let go and the file now at `path` locked instead. A missing file
    /// (an immutable disk image, a test's in-memory path) holds no lock.
    fn shared(path: &Path) -> Result<Self, StoreError> {
        let io_err = |source| StoreError::Io { path: path.display().to_string(), source };
        loop {
            let f = match fs::File::open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self(None)),
                Err(e) => return Err(io_err(e)),
            };
            f.lock_shared().map_err(io_err)?;
            if same_file(&f, path) {
                return Ok(Self(Some(f)));
            }
        }
    }

    /// The exclusive lock, without waiting: `Ok(None)` for a missing file,
    /// [`StoreError::InUse`] while any program has the file open.
    pub(crate) fn exclusive(path: &Path) -> Result<Option<Self>, StoreError> {
        let shown = path.display().to_string();
        let f = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StoreError::Io { path: shown, source }),
        };
        match f.try_lock() {
            Ok(()) => Ok(Some(Self(Some(f)))),
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::InUse { path: shown }),
            Err(fs::TryLockError::Error(source)) => Err(StoreError::Io { path: shown, source }),
        }
    }

    /// Another handle on the same lock (the lock lasts while any is open).
    fn clone_handle(&self, path: &Path) -> Result<Self, StoreError> {
        match &self.0 {
            Some(f) => f
                .try_clone()
                .map(|f| Self(Some(f)))
                .map_err(|source| StoreError::Io { path: path.display().to_string(), source }),
            None => Ok(Self(None)),
        }
    }
}

/// Whether the open file `f` is the file at `path` now (not renamed away).
fn same_file(f: &fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (f, path);
        true
    }
}

/// Creates an empty file readable by its owner only (DESIGN §6: mode 0600).
fn create_private(path: &Path) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it between our check and now: use theirs.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The login name, the default `updated_by`.
fn default_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "kam".to_string())
}

impl Store {
    /// The clock this store stamps its writes with.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Now, to the millisecond (what a timestamp column keeps).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Replaces the clock (a test's "the next day").
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }
}

/// The file SQLite keeps beside `path` with this suffix (`-wal`, `-shm`,
/// `-journal`).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
