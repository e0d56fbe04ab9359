//! One module per subcommand.

pub mod check;
pub mod demo;
pub mod discount;
pub mod encrypt;
pub mod erase;
pub mod export;
pub mod fold;
pub mod hub;
pub mod import;
pub mod plan;
pub mod report;
pub mod restore;
pub mod rules;
pub mod selftest;
pub mod sync;
pub mod tier;

use kam_rules::{Lang, Money};

use crate::i18n::T;
use crate::store::BackgroundBackup;

/// Prints a line on stdout; when the reader has gone (`kam report | head`),
/// exits quietly instead of failing on the broken pipe.
pub fn say_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{}", crate::safe_text::lines(line)) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// `println!` for commands: a broken pipe ends the program cleanly.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::commands::say_line(&format!($($arg)*))
    };
}

/// A command's failure: the message for stderr, an optional hint of what to
/// type instead, and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl Failure {
    /// Bad input on the command line (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, code: 2 }
    }

    /// Anything else that went wrong (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, code: 1 }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// What every command gets: the language and the rules in force.
pub struct Ctx {
    pub lang: Lang,
    pub rules: kam_rules::Rules,
    /// Where every "now" and "today" of the command comes from.
    pub clock: crate::clock::Clock,
}

/// Parses an amount flag, naming the flag in the error.
pub fn amount_arg(lang: Lang, flag: &str, text: &str) -> Result<Money, Failure> {
    Money::parse(text)
        .map_err(|e| Failure::usage(T::BadAmount.fill(lang, &[("flag", flag), ("detail", &e.message(lang))])))
}

/// Prints a JSON value on one line.
pub fn print_json<S: serde::Serialize>(value: &S) -> Result<(), Failure> {
    let text = serde_json::to_string(value).map_err(|e| Failure::failed(e.to_string()))?;
    say_line(&text);
    Ok(())
}

/// Opens the database for a command: the config's user is written as
/// `updated_by`.
pub fn open_store(ctx: &Ctx, paths: &crate::paths::Paths, user: Option<&str>) -> Result<crate::store::Store, Failure> {
    restore::refuse_emptied(ctx.lang, paths)?;
    encrypt::unlock_for(ctx.lang, paths, false)?;
    let store =
        crate::store::Store::open(&paths.db, ctx.clock).map_err(|e| restore::open_failure(ctx.lang, paths, &e))?;
    Ok(with_user(store, user))
}

/// Starts the daily backup for a command that writes, on its own thread
/// (the whole-file check it needs reads every page; the command does not
/// wait for it). A read-only file is not backed up: nothing will change it.
pub fn start_backup(ctx: &Ctx, store: &crate::store::Store, paths: &crate::paths::Paths) -> Option<BackgroundBackup> {
    if store.read_only() {
        return None;
    }
    match store.backup_in_background(&paths.backups, ctx.clock.today()) {
        Ok(b) => Some(b),
        Err(e) => {
            warn_backup(ctx.lang, &e);
            None
        }
    }
}

/// Waits for [`start_backup`]'s backup; one that failed (a damaged file, a
/// full disk) is told on stderr: the command's own work stands.
pub fn finish_backup(lang: Lang, backup: Option<BackgroundBackup>) {
    if let Some(Err(e)) = backup.map(BackgroundBackup::finish) {
        warn_backup(lang, &e);
    }
}

fn warn_backup(lang: Lang, e: &crate::store::StoreError) {
    eprintln!("kam: {}", crate::safe_text::lines(&T::BackupNotWritten.fill(lang, &[("detail", &e.to_string())])));
}

/// Opens the database for a command that only reads (`check`, `report`,
/// `export`, `plan print`): a missing file is refused naming the path, and
/// nothing is created — no folder, no database, no backups folder. With
/// `check` (`kam check`, and `kam report`, whose figures span the whole
/// file) `quick_check` runs while opening; `export` and `plan print` do not
/// pay it (a damaged page surfaces on the row that meets it). No backup is taken: a command
/// that only reads changes nothing a backup would protect, and `kam check`
/// on a copied file must leave the folder it is in as it was.
pub fn open_store_to_read(
    ctx: &Ctx,
    paths: &crate::paths::Paths,
    user: Option<&str>,
    check: bool,
) -> Result<crate::store::Store, Failure> {
    if std::fs::symlink_metadata(&paths.db).is_err() {
        return Err(Failure::failed(T::ReadMissing.fill(ctx.lang, &[("path", &crate::paths::show(&paths.db))])));
    }
    restore::refuse_emptied(ctx.lang, paths)?;
    encrypt::unlock_for(ctx.lang, paths, false)?;
    let opened = if check {
        crate::store::Store::open(&paths.db, ctx.clock)
    } else {
        crate::store::Store::open_unchecked(&paths.db, ctx.clock)
    };
    let store = opened.map_err(|e| restore::open_failure(ctx.lang, paths, &e))?;
    Ok(with_user(store, user))
}

/// Opens the database for the workbench: without the whole-file check and
/// the daily backup, which its worker thread runs after the first frame.
pub fn open_store_for_workbench(
    ctx: &Ctx,
    paths: &crate::paths::Paths,
    user: Option<&str>,
) -> Result<crate::store::Store, Failure> {
    restore::refuse_emptied(ctx.lang, paths)?;
    encrypt::unlock_for(ctx.lang, paths, false)?;
    let store = crate::store::Store::open_unchecked(&paths.db, ctx.clock)
        .map_err(|e| restore::open_failure(ctx.lang, paths, &e))?;
    Ok(with_user(store, user))
}

/// For a command that writes: a read-only file is refused up front, with why.
pub fn require_writable(store: &crate::store::Store) -> Result<(), Failure> {
    if store.read_only() {
        let path = store.path().display().to_string();
        return Err(Failure::failed(crate::store::StoreError::ReadOnly { path }.to_string()));
    }
    Ok(())
}

fn with_user(mut store: crate::store::Store, user: Option<&str>) -> crate::store::Store {
    // The user's name from config.toml, else the login name.
    let login = || std::env::var("USER").or_else(|_| std::env::var("USERNAME")).ok().filter(|u| !u.is_empty());
    if let Some(u) = user.map(str::to_string).filter(|u| !u.trim().is_empty()).or_else(login) {
        store.set_user(u);
    }
    store
}
