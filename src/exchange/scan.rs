//! A first look at a CSV file's bytes, before any of it is parsed: the
//! structure the `csv` crate would accept leniently, and sizes it would
//! buffer without limit, are refused naming the row.
//!
//! The `csv` crate reads an unclosed quote to the end of the file (the
//! following rows became one name, issue #17), keeps text after a closing
//! quote, keeps NUL bytes, and holds a whole field or record in memory
//! however large (a 100 MB field took 552 MB before it was refused). This
//! scan reads the file in small blocks and holds nothing of it: a field
//! past [`Limits::field_bytes`], a record past [`Limits::record_bytes`] or
//! [`Limits::columns`] is refused as soon as its bytes are seen.
//!
//! It works on the raw bytes, so on UTF-8 and GBK alike: the bytes it
//! looks for (quote, comma, line breaks, NUL) are all below 0x40 and never
//! part of a GBK character.

use std::io::{self, Read};

/// The largest field, record and column count a sheet may have.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub field_bytes: usize,
    pub record_bytes: usize,
    pub columns: usize,
}

impl Limits {
    /// 64 KiB a cell (a long note is a few KiB), 1 MiB a row, 512 columns
    /// (kam's widest table has under 60).
    pub const SHEET: Self = Self { field_bytes: 64 * 1024, record_bytes: 1024 * 1024, columns: 512 };
}

/// What is wrong with a file's structure. Rows count the header as row 1,
/// as the import's messages do; columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error(
        "row {row}: a quote opened in column {column} is never closed (an unbalanced \" swallows the rows after it)"
    )]
    UnclosedQuote { row: usize, column: usize },
    #[error(
        "row {row}, column {column}: text follows a closing quote (an unbalanced \" in the cell or one before it)"
    )]
    TextAfterQuote { row: usize, column: usize },
    #[error("row {row}, column {column}: a NUL byte: this is not a text spreadsheet")]
    Nul { row: usize, column: usize },
    #[error("row {row}, column {column}: a cell of more than {limit} bytes")]
    FieldTooLong { row: usize, column: usize, limit: usize },
    #[error("row {row}: more than {limit} bytes in one row")]
    RecordTooLong { row: usize, limit: usize },
    #[error("row {row}: more than {limit} columns")]
    TooManyColumns { row: usize, limit: usize },
}

/// A failure of the scan: reading, or the file's structure.
#[derive(Debug, thiserror::Error)]
pub enum ScanFailure {
    #[error(transparent)]
    Read(#[from] io::Error),
    #[error(transparent)]
    Bad(#[from] ScanError),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// The scan's state between blocks.
struct Scanner {
    limits: Limits,
    state: State,
    /// The record being read (1 = the header) and its column (from 1).
    row: usize,
    column: usize,
    field: usize,
    record: usize,
    /// Where the open quote was, for the message.
    quote_at: (usize, usize),
}

impl Scanner {
    fn new(limits: Limits) -> Self {
        Self { limits, state: State::StartField, row: 1, column: 1, field: 0, record: 0, quote_at: (1, 1) }
    }

    fn end_field(&mut self) -> Result<(), ScanError> {
        self.column += 1;
        self.field = 0;
        self.state = State::StartField;
        if self.column > self.limits.columns {
            return Err(ScanError::TooManyColumns { row: self.row, limit: self.limits.columns });
        }
        Ok(())
    }

    fn end_record(&mut self) {
        // An empty line is no record: the csv reader skips it too, and the
        // import's row numbers are the reader's.
        if self.record > 0 || self.column > 1 {
            self.row += 1;
        }
        self.column = 1;
        self.field = 0;
        self.record = 0;
        self.state = State::StartField;
    }

    fn grow(&mut self) -> Result<(), ScanError> {
        self.field += 1;
        self.record += 1;
        if self.field > self.limits.field_bytes {
            return Err(ScanError::FieldTooLong { row: self.row, column: self.column, limit: self.limits.field_bytes });
        }
        if self.record > self.limits.record_bytes {
            return Err(ScanError::RecordTooLong { row: self.row, limit: self.limits.record_bytes });
        }
        Ok(())
    }

    fn byte(&mut self, b: u8) -> Result<(), ScanError> {
        if b == 0 {
            return Err(ScanError::Nul { row: self.row, column: self.column });
        }
        match (self.state, b) {
            (State::StartField, b'"') => {
                self.state = State::Quoted;
                self.quote_at = (self.row, self.column);
                self.record += 1;
                Ok(())
            }
            (State::StartField | State::Unquoted | State::QuoteInQuoted, b',') => self.end_field(),
            (State::StartField | State::Unquoted | State::QuoteInQuoted, b'\n' | b'\r') => {
                self.end_record();
                Ok(())
            }
            (State::StartField | State::Unquoted, _) => {
                self.state = State::Unquoted;
                self.grow()
            }
            (State::Quoted, b'"') => {
                self.state = State::QuoteInQuoted;
                Ok(())
            }
            (State::Quoted, _) => self.grow(),
            (State::QuoteInQuoted, b'"') => {
                self.state = State::Quoted;
                self.grow()
            }
            (State::QuoteInQuoted, _) => {
                let (row, column) = self.quote_at;
                Err(ScanError::TextAfterQuote { row, column })
            }
        }
    }

    /// [`Scanner::grow`] `n` times: the error the first byte past a limit
    /// would give (the field's checked before the record's, as there).
    fn grow_by(&mut self, n: usize) -> Result<(), ScanError> {
        let to_field = self.limits.field_bytes.saturating_sub(self.field) + 1;
        let to_record = self.limits.record_bytes.saturating_sub(self.record) + 1;
        if to_field <= n && to_field <= to_record {
            return Err(ScanError::FieldTooLong { row: self.row, column: self.column, limit: self.limits.field_bytes });
        }
        if to_record <= n {
            return Err(ScanError::RecordTooLong { row: self.row, limit: self.limits.record_bytes });
        }
        self.field += n;
        self.record += n;
        Ok(())
    }

    /// [`Scanner::byte`] for every byte of `block`, which holds no NUL:
    /// inside a field the run of bytes up to the next one that can end it
    /// is found at once and counted.
    fn block(&mut self, mut block: &[u8]) -> Result<(), ScanError> {
        while let Some(&b) = block.first() {
            let run = match self.state {
                State::Unquoted => memchr::memchr3(b',', b'\n', b'\r', block).unwrap_or(block.len()),
                State::Quoted => memchr::memchr(b'"', block).unwrap_or(block.len()),
                State::StartField | State::QuoteInQuoted => 0,
            };
            if run > 0 {
                self.grow_by(run)?;
                block = &block[run..];
            } else {
                self.byte(b)?;
                block = &block[1..];
            }
        }
        Ok(())
    }

    fn finish(&self) -> Result<(), ScanError> {
        if self.state == State::Quoted {
            let (row, column) = self.quote_at;
            return Err(ScanError::UnclosedQuote { row, column });
        }
        Ok(())
    }
}

/// What the scan learnt of the encoding on the way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanInfo {
    /// The offset of the first byte that is not UTF-8, if any.
    pub not_utf8_at: Option<usize>,
    /// Whether the file starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// About how many records follow the header.
    pub records: usize,
}

/// Reads `r` to its end in blocks and checks its structure against `limits`.
pub fn scan(mut r: impl Read, limits: Limits) -> Result<ScanInfo, ScanFailure> {
    let mut s = Scanner::new(limits);
    let mut utf8 = super::text::Utf8Check::default();
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = true;
    let mut bom = false;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        let mut block = &buf[..n];
        if first {
            first = false;
            if let Some(rest) = block.strip_prefix(super::csv_out::BOM) {
                bom = true;
                block = rest;
            }
        }
        utf8.feed(block);
        if memchr::memchr(0, block).is_some() {
            // Byte by byte, to name where the NUL is.
            for &b in block {
                s.byte(b)?;
            }
        } else {
            s.block(block)?;
        }
    }
    s.finish()?;
    Ok(ScanInfo { not_utf8_at: utf8.finish(), bom, records: s.row.saturating_sub(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), ScanError> {
        match scan(text.as_bytes(), Limits { field_bytes: 16, record_bytes: 40, columns: 3 }) {
            Ok(_) => Ok(()),
            Err(ScanFailure::Bad(e)) => Err(e),
            Err(ScanFailure::Read(e)) => panic!("{e}"),
        }
    }

    #[test]
    fn well_formed_csv_passes() {
        assert_eq!(check("name,phone\n\"A, B\",1\n\n\"say \"\"hi\"\"\",2\r\n\"two\nlines\",3"), Ok(()));
        assert_eq!(check(""), Ok(()));
        assert_eq!(check("a,b,c\n"), Ok(()));
    }

    #[test]
    fn an_unclosed_quote_is_refused_naming_its_row() {
        assert_eq!(check("name,phone\nA,1\n\"B,2\nC,3\nD,4\n"), Err(ScanError::UnclosedQuote { row: 3, column: 1 }));
        assert_eq!(check("name,phone\n\nA,\"1\n"), Err(ScanError::UnclosedQuote { row: 2, column: 2 }));
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        assert_eq!(check("name\n\"B\nC,\"x\n"), Err(ScanError::TextAfterQuote { row: 2, column: 1 }));
        assert_eq!(check("name\n\"A\"b\n"), Err(ScanError::TextAfterQuote { row: 2, column: 1 }));
    }

    /// The scan byte by byte, as [`scan`] does a block holding a NUL.
    fn bytewise(text: &[u8], limits: Limits) -> Result<usize, ScanError> {
        let mut s = Scanner::new(limits);
        for &b in text {
            s.byte(b)?;
        }
        s.finish()?;
        Ok(s.row)
    }

    proptest::proptest! {
        /// Counting runs of field bytes at once finds what going byte by
        /// byte finds: the same error at the same row and column, or the
        /// same rows.
        #[test]
        fn runs_counted_at_once_find_what_bytes_do(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'b', b',', b'"', b'\n', b'\r', 0xe4, 0xb8]), 0..120),
            field in 1usize..12,
            record in 1usize..40,
        ) {
            let limits = Limits { field_bytes: field, record_bytes: record, columns: 4 };
            let mut s = Scanner::new(limits);
            let fast = s.block(&text).and_then(|()| s.finish()).map(|()| s.row);
            proptest::prop_assert_eq!(fast, bytewise(&text, limits));
        }
    }

    #[test]
    fn nul_bytes_and_sizes_are_refused_where_they_are() {
        assert_eq!(check("name\nA\0\n"), Err(ScanError::Nul { row: 2, column: 1 }));
        assert_eq!(
            check("name\nok,12345678901234567\n"),
            Err(ScanError::FieldTooLong { row: 2, column: 2, limit: 16 })
        );
        assert_eq!(check("a,b,c,d\n"), Err(ScanError::TooManyColumns { row: 1, limit: 3 }));
        assert_eq!(
            check("x\n1234567890123456,1234567890123456,1234567890\n"),
            Err(ScanError::RecordTooLong { row: 2, limit: 40 })
        );
    }
}
