//! How long a text field may be, by the kind of field, checked before any
//! record is written.
//!
//! Without a limit a pasted log file or a runaway import cell ends up in a
//! name column, where every list, export and search has to carry it. The
//! limits are generous for what a person types and count characters (a 汉字
//! is one), not bytes.

use super::ModelError;
use crate::i18n::T;

/// Names and titles: a company's registered name, a person, a plan's title.
pub const NAME_MAX: usize = 200;
/// Other one-line texts: addresses, phones, industries, reasons, labels.
pub const LINE_MAX: usize = 1_000;
/// Multi-line texts: notes, summaries, agendas, archive content, profiles.
pub const NOTES_MAX: usize = 10_000;

/// Rows a table of one record may hold (an order's collections, a visit's
/// contacts, a plan's tables): the forms stop adding rows there, and a
/// record with more is refused on save, import and merge.
pub const TABLE_ROWS_MAX: usize = 500;

/// The multi-line fields (those the forms edit as several lines).
const NOTES_FIELDS: &[&str] = &[
    "agenda",
    "background",
    "content",
    "description",
    "follow_up",
    "handling",
    "criteria_business",
    "criteria_technical",
    "expected_result",
    "manager_assessment",
    "notes",
    "objective",
    "obstacles",
    "personal_agenda",
    "personality",
    "political_strategy",
    "recent",
    "resources",
    "summary",
    "supporter_assessment",
    "what_happened",
];

/// The kind of a text field, which sets its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    Name,
    Line,
    Notes,
}

impl TextKind {
    /// The kind of the field (or child column) called `field`.
    pub fn of(field: &str) -> Self {
        if field == "name" || field == "title" || field.ends_with("_name") {
            Self::Name
        } else if NOTES_FIELDS.contains(&field) {
            Self::Notes
        } else {
            Self::Line
        }
    }

    /// The most characters a field of this kind holds.
    pub fn max_chars(self) -> usize {
        match self {
            Self::Name => NAME_MAX,
            Self::Line => LINE_MAX,
            Self::Notes => NOTES_MAX,
        }
    }
}

/// Refuses `value` when it is longer than the limit of `column`'s kind;
/// the error names `field` (`name`, `participants[2].name`, …).
pub fn check_length(field: &str, column: &str, value: &str) -> Result<(), ModelError> {
    let max = TextKind::of(column).max_chars();
    // Counting stops past the limit: a 100 MB cell costs no more than a long one.
    let n = value.chars().take(max + 1).count();
    if n > max {
        Err(ModelError::says(field, T::VTooLong, &[("max", &max.to_string())]))
    } else {
        Ok(())
    }
}

/// Every check of a text column before it is written: its length, and for
/// phone and fax columns that it reads as a number.
pub fn check_text(field: &str, column: &str, value: &str) -> Result<(), ModelError> {
    check_length(field, column, value)?;
    if column == "phone" || column == "fax" || column.ends_with("_phone") {
        check_phone(field, value)?;
    }
    Ok(())
}

/// A phone or fax number: digits (full-width too) with the spaces and
/// marks people write around them, an extension (`转 123`, `ext 12`), or
/// the `*` of a masked export. Empty is fine; words are not.
pub fn check_phone(field: &str, value: &str) -> Result<(), ModelError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(());
    }
    let mut rest = v.to_lowercase();
    for word in ["分机", "转", "ext.", "ext", "x"] {
        rest = rest.replace(word, " ");
    }
    let digits = rest.chars().filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count();
    let marks_only = rest.chars().all(|c| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || c.is_whitespace() || "+-()（）－./*#,;、".contains(c)
    });
    if marks_only && digits >= 3 {
        Ok(())
    } else {
        Err(ModelError::says(field, T::VNotAPhone, &[("v", v)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in [
            "13800138000",
            "138 0013 8000",
            "+86 (21) 6234-5678",
            "021-6234 5678 转 123",
            "138****8000",
            "１３８００１３８０００",
            "010-1234 ext. 5",
        ] {
            assert!(check_phone("phone", ok).is_ok(), "{ok}");
        }
        for bad in ["n/a", "王经理", "12", "call me"] {
            let e = check_phone("phone", bad).unwrap_err();
            assert_eq!(e.field, "phone");
            assert!(e.message.contains("expected digits"), "{e}");
        }
    }

    #[test]
    fn kinds_by_field_name() {
        assert_eq!(TextKind::of("name"), TextKind::Name);
        assert_eq!(TextKind::of("contact_name"), TextKind::Name);
        assert_eq!(TextKind::of("notes"), TextKind::Notes);
        assert_eq!(TextKind::of("address"), TextKind::Line);
    }

    #[test]
    fn the_limit_is_accepted_one_more_is_refused() {
        for (column, max) in [("name", NAME_MAX), ("address", LINE_MAX), ("notes", NOTES_MAX)] {
            assert!(check_length(column, column, &"字".repeat(max)).is_ok(), "{column}");
            let err = check_length(column, column, &"字".repeat(max + 1)).unwrap_err();
            assert_eq!(err.field, column);
            assert!(err.message.contains(&max.to_string()), "{err}");
        }
    }
}
