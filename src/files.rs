//! Opening files the user names (a spreadsheet, an export folder's CSV, a
//! rules file, a VIP card's photo): only regular files.
//!
//! Opening a FIFO for reading blocks until a writer comes, and reading a
//! device such as `/dev/zero` never ends: `kam import fifo/accounts.csv`
//! hung for ever and a photo path of a FIFO froze the workbench (issue
//! #17). The path's metadata is read first (which never blocks), and
//! anything but a regular file is refused at once with what it is.
//!
//! Writing files that hold customer data (an export folder, a rejects
//! file, the draft, backups, a printed plan): owner-only, folders 0700 and
//! files 0600 whatever the umask (issue #21). On other systems than Unix
//! these write as usual.

use std::fs::{self, File, FileType};
use std::io::{self, Read, Write};
use std::path::Path;

/// The mode of a folder kam writes customer data into.
pub const PRIVATE_DIR: u32 = 0o700;
/// The mode of a file kam writes customer data into.
pub const PRIVATE_FILE: u32 = 0o600;

/// Creates `path` and any missing parents owner-only (0700). A folder that
/// already exists is left as it is: see [`tighten_dir`].
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, PRIVATE_DIR);
    b.create(path)
}

/// Creates `path` owner-only, and makes it owner-only if it was not: for a
/// folder that is kam's own (the backups, the printed plans, an export).
pub fn private_dir(path: &Path) -> io::Result<()> {
    create_private_dir(path)?;
    tighten_dir(path)
}

/// Makes an existing folder owner-only (0700).
pub fn tighten_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if fs::metadata(path)?.permissions().mode() & 0o777 != PRIVATE_DIR {
            fs::set_permissions(path, fs::Permissions::from_mode(PRIVATE_DIR))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Makes an existing file owner-only (0600).
pub fn tighten_file(f: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if f.metadata()?.permissions().mode() & 0o777 != PRIVATE_FILE {
            f.set_permissions(fs::Permissions::from_mode(PRIVATE_FILE))?;
        }
    }
    #[cfg(not(unix))]
    let _ = f;
    Ok(())
}

/// Makes the existing file at `path` owner-only (0600).
pub fn tighten_path(path: &Path) -> io::Result<()> {
    tighten_file(&File::open(path)?)
}

/// Opens `path` for writing, emptied, owner-only (0600): created so, or
/// made so when it already existed with a wider mode.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_FILE);
    let f = options.open(path)?;
    tighten_file(&f)?;
    Ok(f)
}

/// Writes `bytes` into `path` owner-only ([`create_private`]) and syncs it.
pub fn write_private(path: &Path, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let mut f = create_private(path)?;
    f.write_all(bytes.as_ref())?;
    f.sync_all()
}

/// What a file that is not a regular file is, in words.
fn kind_of(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

fn refuse(t: FileType) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("{}: only a regular file can be read", kind_of(t)))
}

/// Checks, without opening it, that `path` is a regular file (symbolic
/// links followed).
pub fn check_regular(path: &Path) -> io::Result<()> {
    let t = fs::metadata(path)?.file_type();
    if t.is_file() {
        Ok(())
    } else {
        Err(refuse(t))
    }
}

/// Opens `path` for reading if it is a regular file; anything else is
/// refused before it is opened. The opened file is checked again, so a
/// file swapped for something else in between is refused too.
pub fn open_regular(path: &Path) -> io::Result<File> {
    check_regular(path)?;
    let f = File::open(path)?;
    let t = f.metadata()?.file_type();
    if t.is_file() {
        Ok(f)
    } else {
        Err(refuse(t))
    }
}

/// The whole text of a regular file ([`open_regular`]).
pub fn read_regular_to_string(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    open_regular(path)?.read_to_string(&mut text)?;
    Ok(text)
}

/// An I/O error in the user's language: the common kinds in words, else the
/// system's own text (which the system writes in English).
pub fn io_text(e: &io::Error, lang: kam_rules::Lang) -> String {
    use crate::i18n::T;
    let t = match e.kind() {
        io::ErrorKind::NotFound => T::IoNotFound,
        io::ErrorKind::PermissionDenied => T::IoPermission,
        io::ErrorKind::AlreadyExists => T::IoExists,
        io::ErrorKind::StorageFull => T::IoFull,
        _ => return e.to_string(),
    };
    t.get(lang).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_folders_are_owner_only_even_when_they_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let inner = dir.path().join("a/b");
        private_dir(&inner).expect("dir");
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&inner), 0o700);
        fs::set_permissions(&inner, fs::Permissions::from_mode(0o755)).expect("chmod");
        private_dir(&inner).expect("again");
        assert_eq!(mode(&inner), 0o700);
        let file = inner.join("x.csv");
        fs::write(&file, "old").expect("write");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).expect("chmod");
        write_private(&file, "new").expect("write private");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(fs::read_to_string(&file).expect("read"), "new");
        let fresh = inner.join("y.csv");
        write_private(&fresh, "y").expect("write");
        assert_eq!(mode(&fresh), 0o600);
    }

    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("a.csv");
        fs::write(&file, "name\n").expect("write");
        assert_eq!(read_regular_to_string(&file).expect("read"), "name\n");
        let e = open_regular(dir.path()).expect_err("a folder");
        assert!(e.to_string().contains("folder"), "{e}");
        #[cfg(unix)]
        {
            let e = open_regular(Path::new("/dev/null")).expect_err("a device");
            assert!(e.to_string().contains("device"), "{e}");
        }
        assert_eq!(open_regular(&dir.path().join("none")).expect_err("missing").kind(), io::ErrorKind::NotFound);
    }
}
