//! Finding a good backup of a damaged file and putting it back in place
//! (`kam restore`). Nothing here deletes a file: the damaged database and
//! its `-wal`/`-shm` are moved aside under a dated name.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{backup::backup_prefix, schema, sql_error, uri_path, Store, StoreError, SQLITE_HEADER};

/// What [`restore_from`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The backup copied into place.
    pub backup: PathBuf,
    /// Where the file that was there went (none when it was missing).
    pub aside: Option<PathBuf>,
    /// The accounts in the restored file (live and in the trash).
    pub accounts: i64,
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
/// this kam knows that passes `quick_check`.
pub fn check_backup(path: &Path) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    let mut head = Vec::with_capacity(SQLITE_HEADER.len());
    fs::File::open(path)
        .and_then(|f| f.take(SQLITE_HEADER.len() as u64).read_to_end(&mut head))
        .map_err(|source| StoreError::Io { path: shown.clone(), source })?;
    if head.as_slice() != SQLITE_HEADER {
        return Err(StoreError::NotADatabase {
            path: shown,
            detail: "it does not start with the SQLite header".into(),
        });
    }
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&uri, flags)
        .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
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
    let mut stmt = conn.prepare("PRAGMA quick_check").map_err(|e| sql_error(path, "checking", &e))?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| sql_error(path, "checking", &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql_error(path, "checking", &e))?
        .into_iter()
        .filter(|l| l != "ok")
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Corrupt { path: shown, detail: problems.join("; ") })
    }
}

/// The newest backup of `db` in `dir` that passes [`check_backup`].
pub fn newest_good_backup(db: &Path, dir: &Path) -> Option<PathBuf> {
    let all = backups_of(db, dir).ok()?;
    all.into_iter().rev().find(|b| check_backup(b).is_ok())
}

/// Puts `backup` in place of `db`: the backup is checked, copied beside
/// `db` under a temporary name and synced; then the file at `db` (with its
/// `-wal` and `-shm`) is moved aside to `<name>.damaged-<timestamp>`; then
/// the copy is renamed into place and opened (migrations, `quick_check`).
/// A crash at any point leaves the damaged file and the backup as they were.
pub fn restore_from(db: &Path, backup: &Path, clock: crate::clock::Clock) -> Result<Restored, StoreError> {
    let now = clock.local_now();
    check_backup(backup)?;
    let io = |p: &Path| {
        let shown = p.display().to_string();
        move |source| StoreError::Io { path: shown, source }
    };
    let name = db.file_name().map_or_else(|| "kam.db".to_string(), |n| n.to_string_lossy().into_owned());
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let partial = dir.join(format!(".{name}.restoring"));
    fs::copy(backup, &partial).map_err(io(&partial))?;
    fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(io(&partial))?;
    let aside = if db.exists() {
        let stamp = now.format("%Y%m%d-%H%M%S").to_string();
        let mut target = dir.join(format!("{name}.damaged-{stamp}"));
        let mut n = 1;
        while target.exists() {
            target = dir.join(format!("{name}.damaged-{stamp}-{n}"));
            n += 1;
        }
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
    } else {
        None
    };
    fs::rename(&partial, db).map_err(io(db))?;
    if let Ok(d) = fs::File::open(&dir) {
        // Make the renames durable; a folder that cannot be synced is no error.
        let _ = d.sync_all();
    }
    let store = Store::open(db, clock)?;
    let accounts: i64 = store
        .conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .map_err(|e| store.err("counting accounts", e))?;
    Ok(Restored { backup: backup.to_path_buf(), aside, accounts })
}
