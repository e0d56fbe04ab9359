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

    /// Backs the file up into `dir` unless a backup for `today` exists, then
    /// keeps only the last seven. Returns the new backup's path. The copy is
    /// written under a temporary name and renamed when complete, so a crash
    /// never leaves a half backup that looks whole.
    pub fn daily_backup(&self, dir: &Path, today: NaiveDate) -> Result<Option<PathBuf>, StoreError> {
        let target = dir.join(self.backup_name(today));
        if target.exists() {
            return Ok(None);
        }
        let io = |path: &Path| {
            let shown = path.display().to_string();
            move |source| StoreError::Io { path: shown, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let partial = dir.join(format!("{}.partial", self.backup_name(today)));
        if partial.exists() {
            fs::remove_file(&partial).map_err(io(&partial))?;
        }
        super::create_private(&partial).map_err(io(&partial))?;
        self.conn
            .backup(rusqlite::MAIN_DB, &partial, None)
            .map_err(|e| sql_error(&partial, "writing the backup", &e))?;
        fs::rename(&partial, &target).map_err(io(&target))?;
        let all = self.backups(dir)?;
        if all.len() > BACKUPS_KEPT {
            for old in &all[..all.len() - BACKUPS_KEPT] {
                fs::remove_file(old).map_err(io(old))?;
            }
        }
        Ok(Some(target))
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
