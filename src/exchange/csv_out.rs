//! Writing CSV that Excel opens correctly (DESIGN §6): the UTF-8 BOM, formula
//! injection neutralised in text cells, numbers written as numbers, and
//! files that appear under their final name only when complete.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use kam_rules::Money;

/// The byte-order mark Excel needs to read UTF-8 Chinese text.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell, typed so numbers stay numbers and text is neutralised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Money(Money),
    Bool(bool),
    Empty,
}

impl Cell {
    /// The cell's text in the file.
    pub fn render(&self) -> Cow<'_, str> {
        match self {
            Self::Text(s) => neutralise(s),
            Self::Int(i) => Cow::Owned(i.to_string()),
            Self::Money(m) => Cow::Owned(m.to_string()),
            Self::Bool(b) => Cow::Borrowed(if *b { "1" } else { "0" }),
            Self::Empty => Cow::Borrowed(""),
        }
    }
}

/// A text cell that a spreadsheet would run as a formula gets a leading `'`:
/// cells starting with `=`, `+`, `-`, `@`, tab or carriage return. A
/// control character (ESC, BEL, backspace…) an older version stored is
/// written as its visible stand-in ([`crate::safe_text::stored`]), never raw.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    let s = crate::safe_text::stored(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        s
    }
}

/// Writes one CSV: the BOM when asked, the header row, then the rows.
/// Returns the number of data rows written.
pub fn write_csv<W, I>(out: W, bom: bool, headers: &[&str], rows: I) -> io::Result<u64>
where
    W: Write,
    I: IntoIterator<Item = Vec<Cell>>,
{
    let mut out = out;
    if bom {
        out.write_all(BOM)?;
    }
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(headers)?;
    let mut n = 0u64;
    for row in rows {
        w.write_record(row.iter().map(Cell::render).collect::<Vec<_>>().iter().map(AsRef::<str>::as_ref))?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// A file written under a temporary name and renamed into place by
/// [`AtomicFile::commit`]; dropped without commit, the temporary is removed.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> io::Result<Self> {
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.part"));
        // Owner-only whatever the umask: an export holds customer data (#21).
        let file = crate::files::create_private(&tmp)?;
        Ok(Self { tmp, dest: dest.to_path_buf(), file: Some(BufWriter::new(file)) })
    }

    /// As [`AtomicFile::create`], the file readable and writable by its
    /// owner only (0600): customer data.
    pub fn create_private(dest: &Path) -> io::Result<Self> {
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.part"));
        // A temporary left by a crash keeps its mode when opened: start anew.
        match fs::remove_file(&tmp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&tmp)?;
        Ok(Self { tmp, dest: dest.to_path_buf(), file: Some(BufWriter::new(file)) })
    }

    pub fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.file.as_mut().ok_or_else(|| io::Error::other("file already committed"))
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        if let Some(w) = self.file.take() {
            let f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
            f.sync_all()?;
        }
        fs::rename(&self.tmp, &self.dest)?;
        Ok(self.dest.clone())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            // Not committed: leave nothing half-written behind.
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formula_starts_only() {
        for s in ["=SUM(A1)", "+1", "-2", "@x", "\tx", "\rx"] {
            assert_eq!(neutralise(s), format!("'{s}"));
        }
        assert_eq!(neutralise("张三"), "张三");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn writes_bom_header_rows_numbers_as_numbers() {
        let mut out = Vec::new();
        let rows = vec![
            vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Money(Money::from_fen(-4500)), Cell::Int(3)],
            vec![Cell::Text("上海华联, \"总部\"".into()), Cell::Empty, Cell::Bool(true)],
        ];
        let n = write_csv(&mut out, true, &["name", "amount", "count"], rows).expect("write");
        assert_eq!(n, 2);
        assert!(out.starts_with(BOM));
        let text = String::from_utf8(out[3..].to_vec()).expect("utf-8");
        assert_eq!(text, "name,amount,count\n\"'=HYPERLINK(\"\"x\"\")\",-45.00,3\n\"上海华联, \"\"总部\"\"\",,1\n");
        let mut plain = Vec::new();
        write_csv(&mut plain, false, &["a"], Vec::<Vec<Cell>>::new()).expect("write");
        assert_eq!(plain, b"a\n");
    }

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().expect("tmp");
        let dest = dir.path().join("accounts.csv");
        {
            let mut f = AtomicFile::create(&dest).expect("create");
            f.writer().expect("w").write_all(b"half").expect("write");
            assert!(!dest.exists());
        }
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0, "temporary removed");
        let mut f = AtomicFile::create(&dest).expect("create");
        f.writer().expect("w").write_all(b"whole").expect("write");
        f.commit().expect("commit");
        assert_eq!(fs::read(&dest).expect("read"), b"whole");
    }
}
