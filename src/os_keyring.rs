//! The passphrase of an encrypted file kept in the system's keyring (issue
//! #21): macOS Keychain, Windows Credential Manager, or the Secret Service
//! (GNOME Keyring, KWallet) on Linux, which the system unlocks when the user
//! logs in. `kam key remember` keeps it there for one file, and kam then opens
//! that file without asking; `kam key forget` removes it.
//!
//! One entry per file: the service `kam`, the account the file's absolute
//! path. Where no keyring is reachable (a server, a session without one)
//! kam asks at the terminal as before, and `kam key remember` says so.
//!
//! For tests, `KAM_KEYRING_DIR` names a folder that stands in for the
//! system's keyring (a file per entry, owner-only), so that the same code
//! runs as on a user's computer.

use std::path::{Path, PathBuf};

use crate::store::Passphrase;

/// The keyring service kam's entries are kept under.
pub const SERVICE: &str = "kam";

/// The variable naming a folder that stands in for the system's keyring
/// (tests only).
pub const KEYRING_DIR: &str = "KAM_KEYRING_DIR";

/// Why the keyring could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// This kam was built without the `encryption` feature.
    #[error("this kam was built without encryption")]
    NotBuilt,
    /// No keyring answered (none installed, or locked and not unlockable).
    #[error("no keyring of the system is reachable ({0})")]
    Unreachable(String),
    /// The keyring answered with an error.
    #[error("the keyring refused ({0})")]
    Failed(String),
}

/// The entry's account: the file's absolute path, so that two files of one
/// user keep two passphrases.
pub fn account_of(db: &Path) -> PathBuf {
    if let Ok(p) = db.canonicalize() {
        return p;
    }
    std::env::current_dir().map_or_else(|_| db.to_path_buf(), |d| d.join(db))
}

#[cfg(feature = "encryption")]
mod imp {
    use std::path::{Path, PathBuf};
    use std::sync::Once;

    use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};
    use keyring::{Entry, Error};

    use super::{account_of, KeyringError, KEYRING_DIR, SERVICE};
    use crate::store::Passphrase;

    /// Installs the test folder in place of the system's keyring when
    /// `KAM_KEYRING_DIR` is set; once per run.
    fn entry(db: &Path) -> Result<Entry, KeyringError> {
        static INIT: Once = Once::new();
        INIT.call_once(|| {
            if let Some(dir) = std::env::var_os(KEYRING_DIR).filter(|d| !d.is_empty()) {
                keyring::set_default_credential_builder(Box::new(FolderKeyring(PathBuf::from(dir))));
            }
        });
        Entry::new(SERVICE, &account_of(db).to_string_lossy()).map_err(failed)
    }

    fn failed(e: Error) -> KeyringError {
        match e {
            Error::NoStorageAccess(e) | Error::PlatformFailure(e) => KeyringError::Unreachable(e.to_string()),
            e => KeyringError::Failed(e.to_string()),
        }
    }

    pub fn recall(db: &Path) -> Result<Option<Passphrase>, KeyringError> {
        match entry(db)?.get_password() {
            Ok(text) => Ok(Passphrase::new(text)),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }

    pub fn remember(db: &Path, p: &Passphrase) -> Result<(), KeyringError> {
        entry(db)?.set_password(p.expose()).map_err(failed)
    }

    pub fn forget(db: &Path) -> Result<bool, KeyringError> {
        match entry(db)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => Ok(false),
            Err(e) => Err(failed(e)),
        }
    }

    /// A folder standing in for the system's keyring (tests): one
    /// owner-only file per entry, named by the SHA-256 of its service and
    /// account. A folder that does not exist is a keyring that cannot be
    /// reached.
    #[derive(Debug)]
    struct FolderKeyring(PathBuf);

    #[derive(Debug)]
    struct FolderEntry(PathBuf);

    impl CredentialBuilderApi for FolderKeyring {
        fn build(&self, _target: Option<&str>, service: &str, user: &str) -> keyring::Result<Box<Credential>> {
            let digest = openssl::sha::sha256(format!("{service}\n{user}").as_bytes());
            let name: String = digest
                .iter()
                .flat_map(|b| [b >> 4, b & 15])
                .map(|n| char::from(b"0123456789abcdef"[usize::from(n)]))
                .collect();
            Ok(Box::new(FolderEntry(self.0.join(name))))
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    impl FolderEntry {
        fn reachable(&self) -> keyring::Result<()> {
            match self.0.parent() {
                Some(d) if d.is_dir() => Ok(()),
                _ => Err(Error::NoStorageAccess(format!("{} is not a folder", self.0.display()).into())),
            }
        }
    }

    impl CredentialApi for FolderEntry {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            self.reachable()?;
            crate::files::write_private(&self.0, secret).map_err(|e| Error::PlatformFailure(Box::new(e)))
        }

        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            self.reachable()?;
            match std::fs::read(&self.0) {
                Ok(b) => Ok(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NoEntry),
                Err(e) => Err(Error::PlatformFailure(Box::new(e))),
            }
        }

        fn delete_credential(&self) -> keyring::Result<()> {
            self.reachable()?;
            match std::fs::remove_file(&self.0) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NoEntry),
                Err(e) => Err(Error::PlatformFailure(Box::new(e))),
            }
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }
}

#[cfg(not(feature = "encryption"))]
mod imp {
    use std::path::Path;

    use super::KeyringError;
    use crate::store::Passphrase;

    pub fn recall(_db: &Path) -> Result<Option<Passphrase>, KeyringError> {
        Err(KeyringError::NotBuilt)
    }

    pub fn remember(_db: &Path, _p: &Passphrase) -> Result<(), KeyringError> {
        Err(KeyringError::NotBuilt)
    }

    pub fn forget(_db: &Path) -> Result<bool, KeyringError> {
        Err(KeyringError::NotBuilt)
    }
}

/// The passphrase kept for the file at `db`, if any.
pub fn recall(db: &Path) -> Result<Option<Passphrase>, KeyringError> {
    imp::recall(db)
}

/// Keeps `p` as the passphrase of the file at `db`, replacing one kept before.
pub fn remember(db: &Path, p: &Passphrase) -> Result<(), KeyringError> {
    imp::remember(db, p)
}

/// Removes the passphrase kept for the file at `db`; whether there was one.
pub fn forget(db: &Path) -> Result<bool, KeyringError> {
    imp::forget(db)
}
