//! Daily backups (DESIGN §6): a consistent copy through SQLite's backup API,
//! at most once a day, the last [`BACKUPS_KEPT`] kept.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{sql_error, Store, StoreError};

/// How many daily backups are kept.
pub const BACKUPS_KEPT: usize = 7;

impl Store {
    /// The name of this file's backup for `day`: `kam-2026-11-23.db` for `kam.db`.
    fn backup_name(&self, day: NaiveDate) -> String {
        format!("{}-{}.db", self.backup_stem(), day.format("%Y-%m-%d"))
    }

    fn backup_stem(&self) -> String {
        stem(&self.path)
    }

    /// This file's backups in `dir`, oldest first.
    pub fn backups(&self, dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
        super::restore::backups_of(&self.path, dir)
    }

    /// The workbench's check after its first frame: [`Store::full_check`],
    /// and today's backup into `dir` when due (`None` for a read-only file,
    /// which is checked, not backed up). The whole file is read once: the
    /// backup runs the check itself.
    pub fn check_and_backup(&self, dir: Option<&Path>, today: NaiveDate) -> Result<Option<PathBuf>, StoreError> {
        if let Some(dir) = dir {
            if let Some(made) = self.daily_backup(dir, today)? {
                return Ok(Some(made));
            }
        }
        self.full_check()?;
        Ok(None)
    }

    /// Backs the file up into `dir` unless a backup for `today` exists, then
    /// keeps only the last seven. Returns the new backup's path, or `None`
    /// when there was nothing to do (today's backup exists, or another
    /// program is writing it right now: two programs starting together
    /// never fail over it, one writes it and the other goes on).
    ///
    /// A backup is only ever taken from a file that passes
    /// [`Store::full_check`], and the copy is checked the same way before
    /// it is given its name: a damaged file refuses with
    /// [`StoreError::Corrupt`] and leaves the seven good copies alone (the
    /// oldest is dropped only after a good new one is in place).
    ///
    /// The copy is written under `<name>.partial`, which the writer holds
    /// an exclusive lock on, and renamed when whole and checked, so a crash
    /// never leaves a half backup that looks whole; a failed copy (a full
    /// disk) removes its `.partial`.
    pub fn daily_backup(&self, dir: &Path, today: NaiveDate) -> Result<Option<PathBuf>, StoreError> {
        let target = dir.join(self.backup_name(today));
        if target.exists() {
            return Ok(None);
        }
        let io = |path: &Path| {
            let shown = path.display().to_string();
            move |source| StoreError::Io { path: shown, source }
        };
        // Backups hold every customer: the folder is owner-only (#21).
        crate::files::private_dir(dir).map_err(io(dir))?;
        let partial = dir.join(format!("{}.partial", self.backup_name(today)));
        let Some(claim) = Claim::take(&partial)? else { return Ok(None) };
        // Another program may have finished today's backup meanwhile.
        if target.exists() {
            claim.discard();
            return Ok(None);
        }
        let written = self.pinned(|| self.full_check().and_then(|()| self.copy_into(&partial))).and_then(|()| {
            super::restore::check_backup(&partial).map_err(|e| match e {
                StoreError::Corrupt { detail, .. } => StoreError::Corrupt {
                    path: partial.display().to_string(),
                    detail: format!("the backup just written does not pass the check: {detail}"),
                },
                other => other,
            })
        });
        if let Err(e) = written {
            claim.discard();
            return Err(e);
        }
        fs::rename(&partial, &target).map_err(io(&target))?;
        if let Ok(d) = fs::File::open(dir) {
            // Make the rename durable; a folder that cannot be synced is no error.
            let _ = d.sync_all();
        }
        drop(claim);
        let all = self.backups(dir)?;
        for b in &all {
            // A backup an older kam wrote under a wider umask.
            let _ = crate::files::tighten_path(b);
        }
        if all.len() > BACKUPS_KEPT {
            for old in &all[..all.len() - BACKUPS_KEPT] {
                fs::remove_file(old).map_err(io(old))?;
            }
        }
        Ok(Some(target))
    }

    /// Runs `work` inside one read transaction, so the check and the copy
    /// see the same moment of the file: what was checked is what is copied,
    /// whatever other connections commit meanwhile.
    fn pinned(&self, work: impl FnOnce() -> Result<(), StoreError>) -> Result<(), StoreError> {
        let ctx = "starting the backup";
        self.conn.execute_batch("BEGIN").map_err(|e| self.err(ctx, e))?;
        let result = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
            .map_err(|e| self.err(ctx, e))
            .and_then(|()| work());
        let _ = self.conn.execute_batch("COMMIT");
        result
    }

    /// Starts [`Store::daily_backup`] on a thread through a reader of its
    /// own, so a command does not wait for the whole-file check before it
    /// starts its work. [`BackgroundBackup::finish`] waits for it.
    pub fn backup_in_background(&self, dir: &Path, today: NaiveDate) -> Result<BackgroundBackup, StoreError> {
        let reader = self.open_reader()?;
        let dir = dir.to_path_buf();
        std::thread::Builder::new()
            .name("kam-backup".into())
            .spawn(move || reader.daily_backup(&dir, today))
            .map(BackgroundBackup)
            .map_err(|source| StoreError::Io { path: self.shown(), source })
    }

    /// Copies the file into the empty file `dest` through SQLite's backup
    /// API in one step: one read transaction, so the copy is one moment of
    /// the file however many writers commit meanwhile.
    fn copy_into(&self, dest: &Path) -> Result<(), StoreError> {
        let err = |e: rusqlite::Error| sql_error(dest, "writing the backup", &e);
        let mut out = rusqlite::Connection::open(dest).map_err(err)?;
        // A backup of an encrypted file is encrypted with the same passphrase
        // (SQLCipher copies only between two keyed or two plain files).
        super::key::key_like(&out, dest, super::key::is_encrypted(&self.path))?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut out).map_err(err)?;
            match backup.step(-1).map_err(err)? {
                rusqlite::backup::StepResult::Done => {}
                other => {
                    return Err(StoreError::Sql {
                        context: format!("{}: writing the backup", dest.display()),
                        detail: format!("the copy stopped: {other:?}"),
                    })
                }
            }
        }
        out.close().map_err(|(_, e)| err(e))?;
        fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|source| StoreError::Io { path: dest.display().to_string(), source })
    }
}

/// A daily backup running on its own thread (see [`Store::backup_in_background`]).
#[derive(Debug)]
pub struct BackgroundBackup(std::thread::JoinHandle<Result<Option<PathBuf>, StoreError>>);

impl BackgroundBackup {
    /// Waits for the backup: its path, `None` when there was nothing to do.
    pub fn finish(self) -> Result<Option<PathBuf>, StoreError> {
        self.0.join().unwrap_or_else(|_| {
            Err(StoreError::Sql { context: "writing the backup".into(), detail: "the backup thread stopped".into() })
        })
    }
}

/// The right to write one backup: its `.partial` file, created owner-only
/// and held under an exclusive lock while it is written. A `.partial` left
/// by a crash has no holder, so the next program takes it over.
struct Claim {
    path: PathBuf,
    _file: fs::File,
}

impl Claim {
    /// `None` when another program holds `partial` (it is writing the backup).
    fn take(partial: &Path) -> Result<Option<Self>, StoreError> {
        let io = |source| StoreError::Io { path: partial.display().to_string(), source };
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(partial).map_err(io)?;
        crate::files::tighten_file(&file).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Ok(None),
            Err(fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        // The holder before us renamed or removed this file after we opened
        // it: what we locked is no longer the `.partial`; let it go.
        if !super::same_file(&file, partial) {
            return Ok(None);
        }
        // A copy a crash cut short may have left SQLite's journal beside
        // it, which would be played back into the new copy: ours to remove.
        for suffix in ["-journal", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", partial.display()));
        }
        file.set_len(0).map_err(io)?;
        Ok(Some(Self { path: partial.to_path_buf(), _file: file }))
    }

    /// Removes the `.partial` (a copy that failed or did not pass).
    fn discard(self) {
        let _ = fs::remove_file(&self.path);
        for suffix in ["-journal", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// The stem backups of `db` are named after: `kam` for `kam.db`.
fn stem(db: &Path) -> String {
    db.file_stem().map_or_else(|| "kam".to_string(), |s| s.to_string_lossy().into_owned())
}

/// What the names of `db`'s backups start with: `kam-` for `kam.db`.
pub(super) fn backup_prefix(db: &Path) -> String {
    format!("{}-", stem(db))
}
