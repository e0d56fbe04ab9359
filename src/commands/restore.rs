//! `kam restore [--from BACKUP]`: put a good backup in place of a damaged
//! database, keeping the damaged file beside it; and the message that
//! points a rep there when a file cannot be opened.

use std::path::Path;

use kam_rules::Lang;

use super::{Ctx, Failure};
use crate::cli::RestoreArgs;
use crate::i18n::T;
use crate::paths::{show, Paths};
use crate::store::{backups_of, newest_good_backup, restore, RestoreError, StoreError};

pub fn run(ctx: &Ctx, paths: &Paths, args: &RestoreArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    super::encrypt::unlock_for(l, paths, true)?;
    let r = restore(&paths.db, &paths.backups, args.from.as_deref(), args.force, ctx.clock).map_err(|e| match e {
        RestoreError::InUse { path } => Failure::failed(T::RestoreInUse.fill(l, &[("path", &show(&path))])),
        RestoreError::Sound { path, accounts } => {
            Failure::failed(T::RestoreSound.fill(l, &[("path", &show(&path)), ("accounts", &accounts.to_string())]))
        }
        RestoreError::NoBackup { dir } => {
            let f = Failure::failed(T::RestoreNoBackup.fill(l, &[("dir", &show(&dir))]));
            let list =
                backups_of(&paths.db, &dir).unwrap_or_default().iter().map(|p| show(p)).collect::<Vec<_>>().join(", ");
            if list.is_empty() {
                f
            } else {
                f.with_hint(T::RestoreListHint.fill(l, &[("dir", &show(&dir)), ("list", &list)]))
            }
        }
        RestoreError::BadBackup { path, error } => {
            Failure::failed(T::RestoreBadBackup.fill(l, &[("path", &show(&path)), ("detail", &error.to_string())]))
        }
        RestoreError::Store(e) => open_failure(l, paths, &e),
    })?;
    if let Some(wal) = &r.wal_aside {
        crate::say!("{}", T::RestoreWalAside.fill(l, &[("path", &show(&paths.db)), ("aside", &show(wal))]));
    }
    if let Some(backup) = &r.backup {
        crate::say!("{}", T::RestoreDone.fill(l, &[("path", &show(&paths.db)), ("backup", &show(backup))]));
    }
    if let Some(aside) = &r.aside {
        crate::say!("{}", T::RestoreAside.fill(l, &[("aside", &show(aside))]));
    }
    crate::say!("{}", T::RestoreChecked.fill(l, &[("accounts", &r.accounts.to_string())]));
    Ok(())
}

/// The failure for a database that could not be opened: a damaged or
/// foreign file gets a hint naming the newest good backup and the exact
/// `kam restore` command.
pub fn open_failure(lang: Lang, paths: &Paths, e: &StoreError) -> Failure {
    let f = Failure::failed(e.to_string());
    match e {
        // Never a restore hint: the file is not damaged (#21).
        StoreError::NeedsPassphrase { path } => Failure::failed(T::PassphraseNeeded.fill(lang, &[("path", path)])),
        StoreError::WrongPassphrase { path } => Failure::failed(T::WrongPassphrase.fill(lang, &[("path", path)]))
            .with_hint(T::WrongPassphraseHint.get(lang)),
        StoreError::Corrupt { .. } | StoreError::NotADatabase { .. } => f.with_hint(restore_hint(lang, paths)),
        _ => f,
    }
}

/// [`open_failure`] for an error met while a command works on an open
/// database (an export that reads a damaged page).
pub fn store_failure(lang: Lang, db: &Path, e: &StoreError) -> Failure {
    open_failure(lang, &Paths::for_db(db.to_path_buf(), std::path::PathBuf::new()), e)
}

/// A zero-byte file where a database had backups is a file that lost its
/// contents, not a new database: it is refused rather than filled with an
/// empty schema. A zero-byte file without backups is a new database.
pub fn refuse_emptied(lang: Lang, paths: &Paths) -> Result<(), Failure> {
    let emptied = std::fs::metadata(&paths.db).is_ok_and(|m| m.is_file() && m.len() == 0);
    if emptied && !backups_of(&paths.db, &paths.backups).unwrap_or_default().is_empty() {
        return Err(Failure::failed(T::EmptyWithBackups.fill(lang, &[("path", &show(&paths.db))]))
            .with_hint(restore_hint(lang, paths)));
    }
    Ok(())
}

fn restore_hint(lang: Lang, paths: &Paths) -> String {
    let hint = match newest_good_backup(&paths.db, &paths.backups) {
        Some(b) => T::RestoreHint.fill(lang, &[("backup", &show(&b)), ("command", &restore_command(&paths.db, &b))]),
        None => T::RestoreNoGoodBackup.fill(lang, &[("dir", &show(&paths.backups)), ("path", &show(&paths.db))]),
    };
    // A foreign or damaged -wal beside a sound file: restore tells them apart.
    let mut wal = paths.db.clone().into_os_string();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        let command = format!("kam --db {} restore", shell_word(&show(&paths.db)));
        let wal = std::path::PathBuf::from(wal);
        return format!("{hint}; {}", T::RestoreWalHint.fill(lang, &[("wal", &show(&wal)), ("command", &command)]));
    }
    hint
}

/// The command that restores `backup` over `db`, ready to paste.
pub fn restore_command(db: &Path, backup: &Path) -> String {
    format!("kam --db {} restore --from {}", shell_word(&show(db)), shell_word(&show(backup)))
}

/// A word for a POSIX shell: quoted when it holds anything but plain characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "/._-+:,@".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_quoted_when_needed() {
        assert_eq!(
            restore_command(Path::new("/d/kam.db"), Path::new("/d/backups/kam-2026-11-23.db")),
            "kam --db /d/kam.db restore --from /d/backups/kam-2026-11-23.db"
        );
        assert_eq!(
            restore_command(Path::new("/my docs/it's.db"), Path::new("/b.db")),
            r"kam --db '/my docs/it'\''s.db' restore --from /b.db"
        );
    }
}
