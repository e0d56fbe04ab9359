//! The records of DESIGN §3 as plain data, with their validation.
//!
//! Nothing here touches SQLite or the terminal: a record is a struct of typed
//! fields (money in fen, dates as `NaiveDate`, labelled enums from kam-rules)
//! plus a [`Meta`] the store fills in. Repeated rows of a paper form (the
//! participants of a call plan, the FAB lines of a VIP card …) are `Vec`s of
//! small row structs, kept in order.

pub mod fields;

mod account;
mod activity;
mod dates;
mod limits;
mod plans;
mod vip;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::T;

pub use account::{Account, ArchiveCategory, ArchiveEntry, Contact, ObservedBehaviour, Responsibility, Score};
pub use activity::{ChangeEvent, Collection, Feedback, Order, Target, Visit, VisitContact, VisitKind};
pub use dates::{
    day_problem_in, parse_day, parse_day_or_serial, read_day, read_day_or_serial, DayError, DATE_EXPECTED,
};
pub use limits::{check_length, check_phone, check_text, TextKind, LINE_MAX, NAME_MAX, NOTES_MAX, TABLE_ROWS_MAX};
pub use plans::{
    plan_contacts, ActionStep, CallPlan, Commitment, CustomerParticipant, Influence, IntroQuestion, OurParticipant,
    PlanStatus, Presentation, PresentationParticipant,
};
pub use vip::{FabItem, Handover, Objection, Resolution, VipCard, VipStatus};

/// A record's id: a UUID v7 as text, unique across laptops and sortable by
/// creation time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// A fresh UUID v7.
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    /// An id from a UUID built elsewhere (the demo builds v7 ids from its seed).
    pub fn from_uuid(u: uuid::Uuid) -> Self {
        Self(u.to_string())
    }

    /// Reads an id written by kam (or by another kam on another laptop).
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        uuid::Uuid::parse_str(text.trim())
            .map(|u| Self(u.to_string()))
            .map_err(|_| ModelError::says("id", T::VNotAnId, &[("text", text)]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many characters [`Id::short`] shows.
    pub const SHORT_LEN: usize = 8;

    /// The last 8 characters, random in a UUID v7 (its first characters are
    /// the creation time, shared by records made in the same minute): what
    /// people see and type back, e.g. to `kam plan print`.
    pub fn short(&self) -> &str {
        let cut = self.0.len().saturating_sub(Self::SHORT_LEN);
        self.0.get(cut..).unwrap_or(&self.0)
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What every record carries (DESIGN §3): a stable id, when and by whom it
/// was written, the `version` that guards against lost updates and the soft
/// delete mark. The store sets all of it; a new record has version 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: Id,
    /// 0 until first saved; then 1, 2, … one more on every save.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Default for Meta {
    fn default() -> Self {
        // Stamped from the store's clock when first saved.
        let now = DateTime::<Utc>::UNIX_EPOCH;
        Self {
            id: Id::new(),
            version: 0,
            created_at: now,
            updated_at: now,
            updated_by: String::new(),
            deleted_at: None,
        }
    }
}

impl Meta {
    /// Whether the record has never been saved.
    pub fn is_new(&self) -> bool {
        self.version == 0
    }
}

/// A field that does not hold a valid value, named so a form can show the
/// message next to it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ModelError {
    /// The field's name as in the record struct (`name`, `birth_date`, `participants[2].name` …).
    pub field: String,
    /// In English (logs, the command line in English, tests).
    pub message: String,
    /// In Chinese, for the workbench and the command line in Chinese.
    pub message_zh: String,
}

impl ModelError {
    /// A message that has no entry in the catalogue (from another crate):
    /// the same text in both languages.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self { field: field.into(), message_zh: message.clone(), message }
    }

    /// A message from the catalogue, its `{slots}` filled.
    pub fn says(field: impl Into<String>, t: crate::i18n::T, args: &[(&str, &str)]) -> Self {
        Self {
            field: field.into(),
            message: t.fill(kam_rules::Lang::En, args),
            message_zh: t.fill(kam_rules::Lang::Zh, args),
        }
    }

    /// The message in `lang`.
    pub fn message_in(&self, lang: kam_rules::Lang) -> &str {
        lang.pick(&self.message_zh, &self.message)
    }
}

/// Validation shared by the records.
pub(crate) fn require(field: &str, value: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        Err(ModelError::says(field, T::VRequired, &[]))
    } else {
        Ok(())
    }
}

pub(crate) fn in_range(field: &str, value: Option<u8>, lo: u8, hi: u8) -> Result<(), ModelError> {
    match value {
        Some(v) if !(lo..=hi).contains(&v) => Err(ModelError::says(
            field,
            T::VOutside,
            &[("v", &v.to_string()), ("lo", &lo.to_string()), ("hi", &hi.to_string())],
        )),
        _ => Ok(()),
    }
}

/// An amount a record may hold: zero or more, and at most [`kam_rules::Money::MAX`]
/// (checked before every write, so no later sum can overflow on it).
pub(crate) fn not_negative(field: &str, value: kam_rules::Money) -> Result<(), ModelError> {
    if value.is_negative() {
        Err(ModelError::says(field, T::VNotNegative, &[]))
    } else if !value.in_range() {
        Err(ModelError::says(field, T::VTooLarge, &[("max", &kam_rules::Money::MAX.grouped())]))
    } else {
        Ok(())
    }
}

/// An `HH:MM` time of day.
pub(crate) fn time_text(t: chrono::NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Defines a labelled enum of kam's own records the way kam-rules defines
/// its own (key for files and the database, Chinese and English labels,
/// serde through the key), defaulting to the first variant.
macro_rules! record_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => ($key:literal, $zh:literal, $en:literal) ),+ $(,)?
        }
    ) => {
        kam_rules::labeled_enum! {
            $(#[$meta])*
            pub enum $name: $what {
                $( $(#[$vmeta])* $variant => ($key, $zh, $en) ),+
            }
        }

        impl Default for $name {
            fn default() -> Self {
                <Self as kam_rules::Labeled>::ALL[0]
            }
        }
    };
}
pub(crate) use record_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_v7_text() {
        let a = Id::new();
        let b = Id::new();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
        assert_eq!(a.as_str().as_bytes()[14], b'7');
        assert_eq!(Id::parse(a.as_str()), Ok(a));
        assert_eq!(Id::parse("nope").unwrap_err().field, "id");
    }
}
