//! Opening files the user names (a spreadsheet, an export folder's CSV, a
//! rules file, a VIP card's photo): only regular files.
//!
//! Opening a FIFO for reading blocks until a writer comes, and reading a
//! device such as `/dev/zero` never ends: `kam import fifo/accounts.csv`
//! hung for ever and a photo path of a FIFO froze the workbench (issue
//! #17). The path's metadata is read first (which never blocks), and
//! anything but a regular file is refused at once with what it is.

use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::path::Path;

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

#[cfg(test)]
mod tests {
    use super::*;

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
