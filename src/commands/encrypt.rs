//! `kam encrypt` / `kam decrypt` (issue #21), and the passphrase every
//! command asks for once at start when the file is encrypted.
//!
//! The passphrase comes from `KAM_PASSPHRASE_FILE` (the first line of that
//! file, for scripts and tests) when it is set, else it is typed at the
//! terminal with echo off; it goes to the store ([`crate::store::unlock`])
//! and nowhere else: no file, no log, no command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use kam_rules::Lang;

use super::{Ctx, Failure};
use crate::i18n::T;
use crate::os_keyring;
use crate::paths::{show, Paths};
use crate::store::{self, Conversion, ConvertError, ConvertStep, Passphrase};

/// The variable naming a file whose first line is the passphrase.
pub const PASSPHRASE_FILE: &str = "KAM_PASSPHRASE_FILE";

/// The variable a kill test sets to make `kam encrypt`/`decrypt` stop after
/// a step (see [`ConvertStep::name`]) and wait there to be killed.
const STOP_AFTER: &str = "KAM_FAULT_STOP_AFTER";

/// Asks for the passphrase once, before the file is opened, when the file
/// (or, for `kam restore`, one of its backups) is encrypted and this kam
/// can decrypt it. Nothing happens for a plain file or without the feature.
pub fn unlock_for(lang: Lang, paths: &Paths, with_backups: bool) -> Result<(), Failure> {
    if !store::encryption_built() || store::unlocked() {
        return Ok(());
    }
    let backups = || {
        with_backups
            && store::backups_of(&paths.db, &paths.backups).unwrap_or_default().iter().any(|b| store::is_encrypted(b))
    };
    if store::is_encrypted(&paths.db) || backups() {
        // A passphrase file (a script's) first, then the system's keyring
        // (`kam key remember`), then the terminal. A keyring that cannot be
        // reached is as if nothing were kept in it.
        if !passphrase_file_set() {
            if let Ok(Some(kept)) = os_keyring::recall(&paths.db) {
                store::unlock(kept);
                match store::passphrase_opens(&paths.db) {
                    Ok(true) => return Ok(()),
                    Ok(false) => eprintln!("{}", T::KeyringStale.fill(lang, &[("path", &show(&paths.db))])),
                    // Said by the open that follows, with the passphrase typed.
                    Err(_) => {}
                }
            }
        }
        let prompt = T::PassphrasePrompt.fill(lang, &[("path", &show(&paths.db))]);
        let p = read_passphrase(lang, &paths.db, &prompt)?;
        store::unlock(p);
    }
    Ok(())
}

fn passphrase_file_set() -> bool {
    std::env::var_os(PASSPHRASE_FILE).is_some_and(|f| !f.is_empty())
}

/// `kam key remember`: the passphrase (typed, or from `KAM_PASSPHRASE_FILE`),
/// checked against the file, kept in the system's keyring.
pub fn remember(ctx: &Ctx, paths: &Paths) -> Result<(), Failure> {
    let l = ctx.lang;
    let path = show(&paths.db);
    if !store::encryption_built() {
        return Err(Failure::failed(T::NoEncryptionBuilt.get(l)));
    }
    if !paths.db.exists() {
        return Err(Failure::failed(T::ConvertMissing.fill(l, &[("path", &path)])));
    }
    if !store::is_encrypted(&paths.db) {
        return Err(Failure::failed(T::NotEncrypted.fill(l, &[("path", &path)])));
    }
    let p = read_passphrase(l, &paths.db, &T::PassphrasePrompt.fill(l, &[("path", &path)]))?;
    store::unlock(p.clone());
    opens(l, paths)?;
    os_keyring::remember(&paths.db, &p).map_err(|e| keyring_failure(l, e))?;
    crate::say!("{}", T::KeyRemembered.fill(l, &[("path", &path)]));
    Ok(())
}

/// `kam key forget`.
pub fn forget(ctx: &Ctx, paths: &Paths) -> Result<(), Failure> {
    let l = ctx.lang;
    let path = show(&paths.db);
    if !store::encryption_built() {
        return Err(Failure::failed(T::NoEncryptionBuilt.get(l)));
    }
    if os_keyring::forget(&paths.db).map_err(|e| keyring_failure(l, e))? {
        crate::say!("{}", T::KeyForgotten.fill(l, &[("path", &path)]));
    } else {
        crate::say!("{}", T::KeyNothingKept.fill(l, &[("path", &path)]));
    }
    Ok(())
}

/// Whether this run's passphrase opens the file: a wrong one is said so.
fn opens(l: Lang, paths: &Paths) -> Result<(), Failure> {
    match store::passphrase_opens(&paths.db) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::failed(T::WrongPassphrase.fill(l, &[("path", &show(&paths.db))]))
            .with_hint(T::WrongPassphraseHint.get(l))),
        Err(e) => Err(super::restore::open_failure(l, paths, &e)),
    }
}

fn keyring_failure(l: Lang, e: os_keyring::KeyringError) -> Failure {
    match e {
        os_keyring::KeyringError::NotBuilt => Failure::failed(T::NoEncryptionBuilt.get(l)),
        os_keyring::KeyringError::Unreachable(d) => Failure::failed(T::KeyringUnreachable.fill(l, &[("detail", &d)])),
        os_keyring::KeyringError::Failed(d) => Failure::failed(T::KeyringFailed.fill(l, &[("detail", &d)])),
    }
}

/// The passphrase from `KAM_PASSPHRASE_FILE`, else typed at the terminal
/// after `prompt`, else the error that says how to give one.
fn read_passphrase(lang: Lang, db: &Path, prompt: &str) -> Result<Passphrase, Failure> {
    passphrase_from_file(lang, PASSPHRASE_FILE, T::PassphraseFileBad).unwrap_or_else(|| typed(lang, db, prompt))
}

/// The passphrase on the first line of the file the variable `var` names,
/// when it is set; `bad` says what is wrong with a file that gives none.
fn passphrase_from_file(lang: Lang, var: &str, bad: T) -> Option<Result<Passphrase, Failure>> {
    let file = PathBuf::from(std::env::var_os(var).filter(|f| !f.is_empty())?);
    let bad = |detail: String| Failure::failed(bad.fill(lang, &[("path", &show(&file)), ("detail", &detail)]));
    Some(crate::files::read_regular_to_string(&file).map_err(|e| bad(crate::files::io_text(&e, lang))).and_then(
        |text| Passphrase::from_file_text(text).ok_or_else(|| bad(T::PassphraseFileEmpty.get(lang).to_string())),
    ))
}

/// A passphrase typed at the terminal after `prompt`, with echo off; without
/// a terminal, the error that says how to give one.
fn typed(lang: Lang, db: &Path, prompt: &str) -> Result<Passphrase, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::failed(T::PassphraseNeeded.fill(lang, &[("path", &show(db))])));
    }
    let typed = rpassword_prompt(prompt).map_err(|e| {
        Failure::failed(T::PassphraseFileBad.fill(lang, &[("path", "/dev/tty"), ("detail", &e.to_string())]))
    })?;
    Passphrase::new(typed).ok_or_else(|| Failure::failed(T::PassphraseEmpty.get(lang)))
}

/// Reads a line from the terminal with echo off.
#[cfg(feature = "encryption")]
fn rpassword_prompt(prompt: &str) -> std::io::Result<String> {
    rpassword::prompt_password(prompt)
}

#[cfg(not(feature = "encryption"))]
fn rpassword_prompt(_prompt: &str) -> std::io::Result<String> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "this kam was built without encryption"))
}

/// The variable naming a file whose first line is the new passphrase of
/// `kam key change` (for scripts and tests).
pub const NEW_PASSPHRASE_FILE: &str = "KAM_NEW_PASSPHRASE_FILE";

/// The new passphrase of `kam key change`: from `KAM_NEW_PASSPHRASE_FILE`,
/// else typed twice at the terminal.
fn read_new_passphrase(lang: Lang, db: &Path) -> Result<Passphrase, Failure> {
    if let Some(p) = passphrase_from_file(lang, NEW_PASSPHRASE_FILE, T::NewPassphraseFileBad) {
        return p;
    }
    let p = typed(lang, db, &T::PassphraseNewPrompt.fill(lang, &[("path", &show(db))]))?;
    if !p.same_as(&typed(lang, db, T::PassphraseAgainPrompt.get(lang))?) {
        return Err(Failure::failed(T::PassphraseMismatch.get(lang)));
    }
    Ok(p)
}

/// `kam encrypt`, `kam decrypt` and `kam key change`.
pub fn run(ctx: &Ctx, paths: &Paths, to: Conversion) -> Result<(), Failure> {
    let l = ctx.lang;
    let path = show(&paths.db);
    if !store::encryption_built() {
        return Err(Failure::failed(T::NoEncryptionBuilt.get(l)));
    }
    match to {
        // The new passphrase, typed twice at a terminal; a file's is taken as it is.
        Conversion::Encrypt if std::fs::metadata(&paths.db).is_ok() && !store::is_encrypted(&paths.db) => {
            let p = read_passphrase(l, &paths.db, &T::PassphraseNewPrompt.fill(l, &[("path", &path)]))?;
            if !passphrase_file_set() {
                let again = read_passphrase(l, &paths.db, T::PassphraseAgainPrompt.get(l))?;
                if !p.same_as(&again) {
                    return Err(Failure::failed(T::PassphraseMismatch.get(l)));
                }
            }
            store::unlock(p);
        }
        Conversion::Decrypt => unlock_for(l, paths, false)?,
        // Re-keying asks for both passphrases below; an encrypted file's
        // `kam encrypt` is refused by the conversion.
        Conversion::Encrypt | Conversion::Rekey => {}
    }
    let stop_after = std::env::var(STOP_AFTER).ok();
    let at = |step: ConvertStep| {
        if stop_after.as_deref() == Some(step.name()) {
            wait_to_be_killed(step);
        }
    };
    let mut kept = false;
    let done = if to == Conversion::Rekey {
        if !paths.db.exists() {
            return Err(Failure::failed(T::ConvertMissing.fill(l, &[("path", &path)])));
        }
        if !store::is_encrypted(&paths.db) {
            return Err(Failure::failed(T::NotEncrypted.fill(l, &[("path", &path)])));
        }
        unlock_for(l, paths, false)?;
        // A wrong current passphrase is said before the new one is asked for.
        opens(l, paths)?;
        let new = read_new_passphrase(l, &paths.db)?;
        if store::is_this_runs_passphrase(&new) {
            return Err(Failure::failed(T::PassphraseSame.get(l)));
        }
        kept = matches!(os_keyring::recall(&paths.db), Ok(Some(_)));
        let replacement = kept.then(|| new.clone());
        let done = store::rekey(&paths.db, new, ctx.clock, at).map_err(|e| convert_failure(l, paths, e))?;
        // The keyring's passphrase follows the file's.
        if let Some(new) = replacement {
            if let Err(e) = os_keyring::remember(&paths.db, &new) {
                kept = false;
                eprintln!("{}", keyring_failure(l, e).message);
            }
        }
        done
    } else {
        store::convert(&paths.db, to, ctx.clock, at).map_err(|e| convert_failure(l, paths, e))?
    };
    let filled = [
        ("path", path.clone()),
        ("tables", done.tables.to_string()),
        ("rows", done.rows.to_string()),
        ("accounts", done.accounts.to_string()),
    ];
    let filled: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (said, backups) = match to {
        Conversion::Encrypt => (T::Encrypted, T::EncryptedBackups),
        Conversion::Decrypt => (T::Decrypted, T::DecryptedBackups),
        Conversion::Rekey => (T::Rekeyed, T::RekeyedBackups),
    };
    crate::say!("{}", said.fill(l, &filled));
    crate::say!("{}", backups.get(l));
    if kept {
        crate::say!("{}", T::RekeyedKeyring.get(l));
    }
    Ok(())
}

/// The kill tests' stop: says where it is on stderr and waits for the kill.
fn wait_to_be_killed(step: ConvertStep) -> ! {
    eprintln!("stopped after {}", step.name());
    loop {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

fn convert_failure(l: Lang, paths: &Paths, e: ConvertError) -> Failure {
    let path = show(&paths.db);
    match e {
        ConvertError::NotBuilt => Failure::failed(T::NoEncryptionBuilt.get(l)),
        ConvertError::Missing { .. } => Failure::failed(T::ConvertMissing.fill(l, &[("path", &path)])),
        ConvertError::InUse { .. } => Failure::failed(T::ConvertInUse.fill(l, &[("path", &path)])),
        ConvertError::AlreadyEncrypted { .. } => Failure::failed(T::AlreadyEncrypted.fill(l, &[("path", &path)])),
        ConvertError::NotEncrypted { .. } => Failure::failed(T::NotEncrypted.fill(l, &[("path", &path)])),
        ConvertError::Unverified { detail, .. } => {
            Failure::failed(T::ConvertUnverified.fill(l, &[("path", &path), ("detail", &detail)]))
        }
        ConvertError::Store(e) => super::restore::open_failure(l, paths, &e),
    }
}
