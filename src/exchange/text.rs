//! Reading spreadsheets saved by Excel: UTF-8 with or without a BOM, or GBK
//! (what Chinese Excel writes for "CSV"), detected from the bytes.

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
    fn refuses_binary() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff";
        let e = decode(png).unwrap_err();
        assert!(e.to_string().contains("CSV UTF-8"));
    }
}
