//! How long a text field may be, by the kind of field, checked before any
//! record is written.
//!
//! Without a limit a pasted log file or a runaway import cell ends up in a
//! name column, where every list, export and search has to carry it. The
//! limits are generous for what a person types and count characters (a 汉字
//! is one), not bytes.

use super::ModelError;

/// Names and titles: a company's registered name, a person, a plan's title.
pub const NAME_MAX: usize = 200;
/// Other one-line texts: addresses, phones, industries, reasons, labels.
pub const LINE_MAX: usize = 1_000;
/// Multi-line texts: notes, summaries, agendas, archive content, profiles.
pub const NOTES_MAX: usize = 10_000;

/// The multi-line fields (those the forms edit as several lines).
const NOTES_FIELDS: &[&str] = &[
    "agenda",
    "background",
    "content",
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
        Err(ModelError::new(field, format!("too long: more than {max} characters (at most {max})")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
