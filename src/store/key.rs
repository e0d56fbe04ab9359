//! Encryption at rest (issue #21): the one place a connection is keyed.
//!
//! Built with the cargo feature `encryption`, kam links SQLCipher instead of
//! SQLite. A file is encrypted when it does not start with the plain SQLite
//! header (SQLCipher writes a random salt there): every connection to such a
//! file, or to a copy of it (a reader, a backup, a restore's copy), gets
//! `PRAGMA key` before any other statement, through [`key_for_file`]. A plain
//! file opens as before without a passphrase, so a user can build with the
//! feature and then run `kam encrypt`.
//!
//! The passphrase is the user's, one per run of kam: the command line asks
//! for it once at start and hands it to [`unlock`]; the store keeps it in
//! memory only (wiped when replaced), never in a file, a log or a command
//! line. A wrong passphrase is [`StoreError::WrongPassphrase`], told apart
//! from a damaged file, and nothing is moved or restored because of it.
//!
//! Without the feature, nothing here keys anything: a file without the
//! plain header is refused as before, as not a kam database.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::{Arc, RwLock};

use rusqlite::{Connection, ErrorCode};

use super::{StoreError, SQLITE_HEADER};

/// The secret text: wiped from memory when dropped in the encryption build.
#[cfg(feature = "encryption")]
type Secret = zeroize::Zeroizing<String>;
#[cfg(not(feature = "encryption"))]
type Secret = String;

/// A passphrase, as typed or read from `KAM_PASSPHRASE_FILE`. Its `Debug`
/// never shows it.
#[derive(Clone)]
pub struct Passphrase(Secret);

impl Passphrase {
    /// A passphrase from text; `None` when it is empty or holds a NUL
    /// (which SQLite cannot take in a string).
    pub fn new(text: String) -> Option<Self> {
        let secret = Secret::from(text);
        if secret.is_empty() || secret.contains('\0') {
            None
        } else {
            Some(Self(secret))
        }
    }

    /// The passphrase of a file's first line (`KAM_PASSPHRASE_FILE`): the
    /// line ending is not part of it; anything after the first line is ignored.
    pub fn from_file_text(text: String) -> Option<Self> {
        let text = Secret::from(text);
        let line = text.split(['\n', '\r']).next().unwrap_or_default();
        Self::new(line.to_string())
    }

    /// The passphrase as an SQL string literal, quotes doubled, in memory
    /// that is wiped when dropped.
    fn literal(&self) -> Secret {
        // Room for every quote doubled: the text is never moved, so no copy is left unwiped.
        let mut sql = Secret::from(String::with_capacity(2 * self.0.len() + 2));
        sql.push('\'');
        for c in self.0.chars() {
            if c == '\'' {
                sql.push('\'');
            }
            sql.push(c);
        }
        sql.push('\'');
        sql
    }

    /// The passphrase's text, for the system's keyring only (`kam key remember`).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether two passphrases are the same (the confirmation of a new one).
    pub fn same_as(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// The passphrase of this run of kam, set once at start.
static PASSPHRASE: RwLock<Option<Arc<Passphrase>>> = RwLock::new(None);

/// Whether this kam was built with encryption (the cargo feature `encryption`).
pub const fn encryption_built() -> bool {
    cfg!(feature = "encryption")
}

/// Gives the store the passphrase that every encrypted file, and every
/// copy of one, is opened with from now on.
pub fn unlock(passphrase: Passphrase) {
    let mut slot = PASSPHRASE.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = Some(Arc::new(passphrase));
    derived::forget();
}

/// Whether `p` is the passphrase [`unlock`] was given.
pub fn is_this_runs_passphrase(p: &Passphrase) -> bool {
    passphrase().is_some_and(|q| q.same_as(p))
}

/// Whether [`unlock`] was given a passphrase.
pub fn unlocked() -> bool {
    passphrase().is_some()
}

fn passphrase() -> Option<Arc<Passphrase>> {
    PASSPHRASE.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}

/// Whether this run's passphrase opens the file at `path`: `false` when it
/// is wrong; `true` for a plain or new file, which needs none.
pub fn passphrase_opens(path: &Path) -> Result<bool, StoreError> {
    if !matches!(file_state(path), Ok(FileState::Encrypted)) {
        return Ok(true);
    }
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Open { path: path.display().to_string(), detail: e.to_string() })?;
    match key_for_file(&conn, path) {
        Ok(_) => Ok(true),
        Err(StoreError::WrongPassphrase { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the file at `path` is encrypted, as far as its bytes tell: it
/// has whole pages (a multiple of 512 bytes) and does not start with the
/// plain SQLite header, nor with zeros or a plain page header under an
/// overwritten one. A missing or empty file is not; a file overwritten with
/// random bytes cannot be told from an encrypted one.
pub fn is_encrypted(path: &Path) -> bool {
    matches!(file_state(path), Ok(FileState::Encrypted))
}

/// What a database file is, from its length and first 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileState {
    /// Missing or empty: a new database.
    New,
    /// Starts with the plain SQLite header.
    Plain,
    /// Whole pages without the plain header: SQLCipher's salt.
    Encrypted,
    /// Neither: not a database.
    Foreign,
}

pub(crate) fn file_state(path: &Path) -> io::Result<FileState> {
    let mut f = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FileState::New),
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    let mut head = Vec::with_capacity(24);
    f.by_ref().take(24).read_to_end(&mut head)?;
    Ok(if head.is_empty() {
        FileState::New
    } else if head.starts_with(SQLITE_HEADER) {
        FileState::Plain
    } else if head[..head.len().min(16)].iter().all(|&b| b == 0) || head.get(21..24) == Some(&[64, 32, 32][..]) {
        // A plain file whose header was overwritten: zeros where SQLCipher
        // writes a random salt, or the plain page header's fixed payload
        // fractions (bytes 21–23) intact where SQLCipher's are encrypted.
        FileState::Foreign
    } else if len >= 512 && len % 512 == 0 {
        FileState::Encrypted
    } else {
        FileState::Foreign
    })
}

/// Keys `conn`, freshly opened on the file at `path` (or a copy of it), when
/// the file is encrypted: `PRAGMA key` first, then one read that proves the
/// key opens it. Returns whether the connection was keyed. Call it right
/// after opening, before any other statement.
///
/// * a plain or new file: nothing is done (`Ok(false)`);
/// * an encrypted file and no passphrase given: [`StoreError::NeedsPassphrase`]
///   (without the encryption feature: [`StoreError::NotADatabase`]);
/// * a passphrase that does not open it: [`StoreError::WrongPassphrase`].
pub(crate) fn key_for_file(conn: &Connection, path: &Path) -> Result<bool, StoreError> {
    let shown = path.display().to_string();
    let state = file_state(path).map_err(|source| StoreError::Io { path: shown.clone(), source })?;
    match state {
        FileState::New | FileState::Plain => Ok(false),
        FileState::Foreign | FileState::Encrypted if !encryption_built() => Err(StoreError::NotADatabase {
            path: shown,
            detail: "it does not start with the SQLite header (an encrypted kam file needs a kam built with the \
                     encryption feature)"
                .into(),
        }),
        FileState::Foreign => {
            Err(StoreError::NotADatabase { path: shown, detail: "it does not start with the SQLite header".into() })
        }
        FileState::Encrypted => {
            let Some(p) = passphrase() else { return Err(StoreError::NeedsPassphrase { path: shown }) };
            // The key SQLCipher would derive from the passphrase and the
            // file's salt, derived once per file and reused by every further
            // connection (the workbench opens several before its first frame).
            let salt = read_salt(path).map_err(|source| StoreError::Io { path: shown.clone(), source })?;
            match derived::key(&p, &salt) {
                Some(raw) => conn.execute_batch(&raw),
                None => apply(conn, &p),
            }
            .and_then(|()| quiet(conn))
            .map_err(|e| sql_key_error(path, &e))?;
            prove(conn, path)?;
            Ok(true)
        }
    }
}

/// Whether `e`, met reading the encrypted file at `path`, is SQLCipher's
/// refusal of a page whose authentication code does not match (a damaged
/// page): it comes as SQLITE_ERROR with only the generic message, where an
/// error in a statement names what is wrong.
pub(crate) fn page_failed(path: &Path, e: &rusqlite::Error) -> bool {
    encryption_built()
        && matches!(e, rusqlite::Error::SqliteFailure(f, msg)
            if f.code == ErrorCode::Unknown && msg.as_deref().is_none_or(|m| m == "SQL logic error"))
        && matches!(file_state(path), Ok(FileState::Encrypted))
}

/// Keys `conn` with this run's passphrase when `keyed` (a copy of a keyed
/// file: a backup being written). Call it right after opening.
pub(crate) fn key_like(conn: &Connection, path: &Path, keyed: bool) -> Result<(), StoreError> {
    if !keyed {
        return Ok(());
    }
    let Some(p) = passphrase() else { return Err(StoreError::NeedsPassphrase { path: path.display().to_string() }) };
    apply(conn, &p).map_err(|e| sql_key_error(path, &e))
}

/// `PRAGMA key = '…'`, the SQL text built in memory that is wiped after.
fn apply(conn: &Connection, p: &Passphrase) -> rusqlite::Result<()> {
    let literal = p.literal();
    let mut sql = Secret::from(String::with_capacity(literal.len() + 16));
    sql.push_str("PRAGMA key = ");
    sql.push_str(&literal);
    conn.execute_batch(&sql)?;
    quiet(conn)
}

/// SQLCipher writes its own lines on stderr (a failed page check on a
/// wrong passphrase); kam says what happened in its own words.
fn quiet(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA cipher_log_level = NONE")
}

/// The salt SQLCipher keeps in an encrypted file's first 16 bytes.
fn read_salt(path: &Path) -> io::Result<[u8; 16]> {
    let mut salt = [0u8; 16];
    fs::File::open(path)?.read_exact(&mut salt)?;
    Ok(salt)
}

/// Keys derived from this run's passphrase, one per file salt.
#[cfg(feature = "encryption")]
mod derived {
    use std::sync::Mutex;

    use zeroize::Zeroizing;

    use super::Passphrase;

    /// SQLCipher 4's defaults: PBKDF2-HMAC-SHA512, 256,000 rounds, a 256-bit key.
    const ROUNDS: usize = 256_000;

    type Entry = ([u8; 16], Zeroizing<String>);
    static KEYS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

    /// `PRAGMA key = "x'…'"` with the key derived from `p` for `salt`,
    /// derived on the first call for that salt. `None` when it cannot be
    /// (then the passphrase itself is given, and SQLCipher derives it), or
    /// when the passphrase is itself written as a raw key (`x'…'`), which
    /// SQLCipher takes as it is.
    pub(super) fn key(p: &Passphrase, salt: &[u8; 16]) -> Option<Zeroizing<String>> {
        if p.0.starts_with("x'") || p.0.starts_with("X'") {
            return None;
        }
        let mut keys = KEYS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, sql)) = keys.iter().find(|(s, _)| s == salt) {
            return Some(sql.clone());
        }
        let mut key = Zeroizing::new([0u8; 32]);
        let digest = openssl::hash::MessageDigest::sha512();
        openssl::pkcs5::pbkdf2_hmac(p.0.as_bytes(), salt, ROUNDS, digest, key.as_mut()).ok()?;
        let mut sql = Zeroizing::new(String::with_capacity(32 + 2 * key.len()));
        sql.push_str("PRAGMA key = \"x'");
        for b in key.iter() {
            sql.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            sql.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        sql.push_str("'\"");
        keys.push((*salt, sql.clone()));
        Some(sql)
    }

    /// Forgets every derived key (a new passphrase).
    pub(super) fn forget() {
        KEYS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

/// Without the feature nothing is derived.
#[cfg(not(feature = "encryption"))]
mod derived {
    use super::Passphrase;

    pub(super) fn key(_p: &Passphrase, _salt: &[u8; 16]) -> Option<String> {
        None
    }

    pub(super) fn forget() {}
}

/// One read of the schema: a key that does not decrypt the first page
/// fails here with "file is not a database".
fn prove(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(StoreError::WrongPassphrase { path: path.display().to_string() })
        }
        Err(e) => Err(super::sql_error(path, "opening with the passphrase", &e)),
    }
}

fn sql_key_error(path: &Path, e: &rusqlite::Error) -> StoreError {
    // The message never quotes the statement, which holds the passphrase.
    StoreError::Open {
        path: path.display().to_string(),
        detail: format!("keying failed ({:?})", e.sqlite_error_code()),
    }
}

/// The SQL that attaches `path`-to-be (bound as `?1`) as `alias`, keyed
/// with this run's passphrase (bound as `?2`) when `encrypted`, else with
/// the empty key (plain). Binding keeps the passphrase out of the SQL text.
pub(crate) fn attach(conn: &Connection, target: &Path, alias: &str, encrypted: bool) -> Result<(), StoreError> {
    let shown = target.display().to_string();
    let key: Secret = if encrypted {
        let Some(p) = passphrase() else { return Err(StoreError::NeedsPassphrase { path: shown }) };
        p.0.clone()
    } else {
        Secret::from(String::new())
    };
    let sql = format!("ATTACH DATABASE ?1 AS {alias} KEY ?2");
    conn.execute(&sql, rusqlite::params![target.to_string_lossy(), key.as_str()])
        .map(|_| ())
        .map_err(|e| super::sql_error(target, "attaching the converted copy", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_is_never_shown_and_its_quotes_are_doubled() {
        let p = Passphrase::new("it's 秘密".into()).expect("passphrase");
        assert_eq!(format!("{p:?}"), "Passphrase(…)");
        assert_eq!(p.literal().as_str(), "'it''s 秘密'");
        assert!(Passphrase::new(String::new()).is_none());
        assert!(Passphrase::new("a\0b".into()).is_none());
    }

    #[cfg(feature = "encryption")]
    #[test]
    fn the_key_is_derived_once_per_salt() {
        let p = Passphrase::new("pass".into()).expect("passphrase");
        let a = derived::key(&p, &[1; 16]).expect("derived");
        assert!(a.starts_with("PRAGMA key = \"x'") && a.len() == "PRAGMA key = \"x''\"".len() + 64, "{}", a.len());
        assert_eq!(*derived::key(&p, &[1; 16]).expect("again"), *a);
        assert_ne!(*derived::key(&p, &[2; 16]).expect("other salt"), *a);
        let raw = Passphrase::new("x'00'".into()).expect("raw");
        assert!(derived::key(&raw, &[1; 16]).is_none(), "a raw key is given as it is");
    }

    #[test]
    fn a_passphrase_file_gives_its_first_line() {
        let p = Passphrase::from_file_text("correct horse\r\nsecond line\n".into()).expect("passphrase");
        assert!(p.same_as(&Passphrase::new("correct horse".into()).expect("p")));
        assert!(Passphrase::from_file_text("\n".into()).is_none());
    }

    #[test]
    fn the_state_of_a_file_is_read_from_its_length_and_header() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("f.db");
        assert_eq!(file_state(&p).expect("state"), FileState::New);
        fs::write(&p, b"").expect("write");
        assert_eq!(file_state(&p).expect("state"), FileState::New);
        let mut plain = SQLITE_HEADER.to_vec();
        plain.resize(4096, 0);
        fs::write(&p, &plain).expect("write");
        assert_eq!(file_state(&p).expect("state"), FileState::Plain);
        fs::write(&p, vec![7u8; 4096]).expect("write");
        assert_eq!(file_state(&p).expect("state"), FileState::Encrypted);
        assert!(is_encrypted(&p));
        let mut overwritten = plain.clone();
        overwritten[..16].fill(0);
        fs::write(&p, &overwritten).expect("write");
        assert_eq!(file_state(&p).expect("state"), FileState::Foreign, "zeros are no salt");
        overwritten[..16].copy_from_slice(b"not SQLite here!");
        overwritten[21..24].copy_from_slice(&[64, 32, 32]);
        fs::write(&p, &overwritten).expect("write");
        assert_eq!(file_state(&p).expect("state"), FileState::Foreign, "a plain page header under it");
        fs::write(&p, b"a note, not a database").expect("write");
        assert_eq!(file_state(&p).expect("state"), FileState::Foreign);
    }
}
