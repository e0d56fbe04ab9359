//! Reading spreadsheets saved by Excel: UTF-8 with or without a BOM, or GBK
//! (what Chinese Excel writes for "CSV"), detected from the bytes.

use std::io::{self, Read};

use encoding_rs::GB18030;

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gbk,
}

/// Bytes that are neither UTF-8 nor GBK.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the file is neither UTF-8 nor GBK text (first bad byte at offset {offset}): save it from Excel as \"CSV UTF-8\""
)]
pub struct DecodeError {
    pub offset: usize,
}

/// Decodes a spreadsheet file's bytes to text.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(super::csv_out::BOM) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8Bom))
            .map_err(|e| DecodeError { offset: e.valid_up_to() + 3 });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), Encoding::Utf8)),
        Err(utf8_err) => {
            // GB18030 is the superset of GBK that encoding_rs decodes GBK files with.
            let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                Err(DecodeError { offset: utf8_err.valid_up_to() })
            } else {
                Ok((text.into_owned(), Encoding::Gbk))
            }
        }
    }
}

/// Whether a stream of bytes is valid UTF-8, fed block by block: a
/// character split between two blocks is carried over.
#[derive(Default)]
pub struct Utf8Check {
    carry: Vec<u8>,
    seen: usize,
    bad_at: Option<usize>,
}

impl Utf8Check {
    pub fn feed(&mut self, block: &[u8]) {
        if self.bad_at.is_some() {
            return;
        }
        let mut joined;
        let bytes = if self.carry.is_empty() {
            block
        } else {
            joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(block);
            &joined[..]
        };
        let start = self.seen;
        match std::str::from_utf8(bytes) {
            Ok(_) => self.seen += bytes.len(),
            Err(e) if e.error_len().is_none() => {
                self.seen += e.valid_up_to();
                self.carry = bytes[e.valid_up_to()..].to_vec();
            }
            Err(e) => self.bad_at = Some(start + e.valid_up_to()),
        }
    }

    /// At the end: `None` when every byte was UTF-8, else the offset of the first bad one.
    pub fn finish(self) -> Option<usize> {
        self.bad_at.or_else(|| (!self.carry.is_empty()).then_some(self.seen))
    }
}

/// Reads a GBK (GB18030) stream as UTF-8, a block at a time: a sheet is
/// never held whole in memory to be decoded. A byte that is not GBK is an
/// [`io::ErrorKind::InvalidData`] error carrying a [`DecodeError`].
pub struct GbkReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    out: Vec<u8>,
    out_len: usize,
    out_pos: usize,
    /// Input bytes decoded so far, for the offset of a bad one.
    offset: usize,
}

impl<R: Read> GbkReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            decoder: GB18030.new_decoder_without_bom_handling(),
            input: vec![0; 32 * 1024],
            start: 0,
            end: 0,
            eof: false,
            out: vec![0; 64 * 1024],
            out_len: 0,
            out_pos: 0,
            offset: 0,
        }
    }

    /// Decodes the next block into `out`; false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        loop {
            if self.start == self.end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                self.start = 0;
                self.end = n;
                self.eof = n == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                &mut self.out,
                self.eof,
            );
            self.start += read;
            self.offset += read;
            if let encoding_rs::DecoderResult::Malformed(..) = result {
                return Err(io::Error::new(io::ErrorKind::InvalidData, DecodeError { offset: self.offset }));
            }
            self.out_len = written;
            self.out_pos = 0;
            if written > 0 {
                return Ok(true);
            }
            if self.eof && self.start == self.end {
                return Ok(false);
            }
        }
    }
}

impl<R: Read> Read for GbkReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out_len && !self.fill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// Encodes text as GBK, for tests and for users who ask for it.
pub fn encode_gbk(text: &str) -> Vec<u8> {
    GB18030.encode(text).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_utf8_bom_and_gbk() {
        let s = "name,phone\n上海华联,13800138000\n";
        assert_eq!(decode(s.as_bytes()), Ok((s.to_string(), Encoding::Utf8)));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&with_bom), Ok((s.to_string(), Encoding::Utf8Bom)));
        let gbk = encode_gbk(s);
        assert_ne!(gbk, s.as_bytes());
        assert_eq!(decode(&gbk), Ok((s.to_string(), Encoding::Gbk)));
    }

    #[test]
    fn gbk_and_utf8_are_read_a_block_at_a_time() {
        let s = "name,phone\n上海华联,13800138000\n".repeat(5_000);
        let gbk = encode_gbk(&s);
        let mut out = String::new();
        GbkReader::new(std::io::Cursor::new(&gbk)).read_to_string(&mut out).expect("read");
        assert_eq!(out, s);
        let mut check = Utf8Check::default();
        for block in s.as_bytes().chunks(7) {
            check.feed(block);
        }
        assert_eq!(check.finish(), None);
        let mut check = Utf8Check::default();
        for block in gbk.chunks(7) {
            check.feed(block);
        }
        assert!(check.finish().is_some());
        let mut bad = gbk.clone();
        bad.extend_from_slice(b"\xff\xff");
        let e = GbkReader::new(std::io::Cursor::new(&bad)).read_to_string(&mut out).expect_err("not GBK");
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn refuses_binary() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff";
        let e = decode(png).unwrap_err();
        assert!(e.to_string().contains("CSV UTF-8"));
    }
}
