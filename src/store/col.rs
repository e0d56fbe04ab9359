//! How each field type of the model is written to and read from a column.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use kam_rules::{AbcClass, Behaviour, BuyingRole, Labeled, Money, ObjectionType, Payment, Rate, SocialStyle, Tier};
use rusqlite::types::Value;

use crate::model::{ArchiveCategory, Id, PlanStatus, VipStatus, VisitKind};

/// How a column's stored value reads to a person (in a spreadsheet): text,
/// a plain integer, integer fen shown as yuan, a rate in ten-thousandths
/// shown as a decimal, or a yes/no flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    Text,
    Integer,
    Fen,
    Bp,
    Bool,
    /// A calendar day, stored as `YYYY-MM-DD` text: read like text, and
    /// written to a workbook as a real date.
    Date,
    /// One value of a labelled enum, stored by its key: a Chinese export
    /// writes its Chinese label, and any label reads back as the key.
    Choice(Choices),
}

/// The [`Shown`] of a field, from its type.
pub(crate) fn shown_of<T: Col>(_: &T) -> Shown {
    T::SHOWN
}

/// A field type with a column representation. `from_value` says in words
/// what was wrong; the caller adds the table and column.
pub(crate) trait Col: Sized {
    const SHOWN: Shown;
    fn to_value(&self) -> Value;
    fn from_value(v: Value) -> Result<Self, String>;
}

fn unexpected(what: &str, v: &Value) -> String {
    format!("expected {what}, found {v:?}")
}

impl Col for String {
    const SHOWN: Shown = Shown::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(unexpected("text", &other)),
        }
    }
}

impl Col for i64 {
    const SHOWN: Shown = Shown::Integer;
    fn to_value(&self) -> Value {
        Value::Integer(*self)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Integer(i) => Ok(i),
            other => Err(unexpected("an integer", &other)),
        }
    }
}

impl Col for bool {
    const SHOWN: Shown = Shown::Bool;
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Integer(0) => Ok(false),
            Value::Integer(1) => Ok(true),
            other => Err(unexpected("0 or 1", &other)),
        }
    }
}

impl Col for u8 {
    const SHOWN: Shown = Shown::Integer;
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
    fn from_value(v: Value) -> Result<Self, String> {
        let i = i64::from_value(v)?;
        u8::try_from(i).map_err(|_| format!("{i} is out of range 0–255"))
    }
}

impl Col for Money {
    const SHOWN: Shown = Shown::Fen;
    fn to_value(&self) -> Value {
        Value::Integer(self.fen())
    }
    fn from_value(v: Value) -> Result<Self, String> {
        i64::from_value(v).map(Money::from_fen)
    }
}

impl Col for Rate {
    const SHOWN: Shown = Shown::Bp;
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(self.bp()))
    }
    fn from_value(v: Value) -> Result<Self, String> {
        let i = i64::from_value(v)?;
        u32::try_from(i)
            .ok()
            .filter(|bp| (1..=Rate::SCALE).contains(bp))
            .map(Rate::from_bp)
            .ok_or_else(|| format!("{i} is not a rate in ten-thousandths"))
    }
}

impl Col for NaiveDate {
    const SHOWN: Shown = Shown::Date;
    fn to_value(&self) -> Value {
        Value::Text(day_text(*self))
    }
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        // As written, YYYY-MM-DD; from a spreadsheet, the forms people type
        // and Excel's day numbers.
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").or_else(|_| crate::model::parse_day_or_serial(&s))
    }
}

impl Col for NaiveTime {
    const SHOWN: Shown = Shown::Text;
    fn to_value(&self) -> Value {
        Value::Text(crate::model::time_text(*self))
    }
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| format!("'{s}' is not an HH:MM time"))
    }
}

impl Col for DateTime<Utc> {
    const SHOWN: Shown = Shown::Text;
    fn to_value(&self) -> Value {
        Value::Text(timestamp(*self))
    }
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| format!("'{s}' is not an RFC 3339 timestamp"))
    }
}

impl Col for Id {
    const SHOWN: Shown = Shown::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().to_string())
    }
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        Id::parse(&s).map_err(|e| e.message)
    }
}

impl<T: Col> Col for Option<T> {
    const SHOWN: Shown = T::SHOWN;
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Col::to_value)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// Labelled enums are stored by their key.
macro_rules! labeled_col {
    ($($t:ident),+ $(,)?) => {
        /// The labelled enum a [`Shown::Choice`] column holds.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Choices {
            $($t),+
        }

        impl Choices {
            /// The label of the value stored as `key`, in `lang`.
            pub fn label(self, key: &str, lang: kam_rules::Lang) -> Option<&'static str> {
                match self {
                    $(Self::$t => <$t as Labeled>::ALL.iter().find(|x| x.key() == key).map(|x| x.label(lang)),)+
                }
            }

            /// The key of the value a cell names by its key, its Chinese or
            /// English label or an alias.
            pub fn key_of(self, text: &str) -> Option<&'static str> {
                match self {
                    $(Self::$t => <$t as Labeled>::parse(text).map(|x| x.key()),)+
                }
            }

            /// The keys, for a message.
            pub fn keys_list(self) -> String {
                match self {
                    $(Self::$t => <$t as Labeled>::keys_list(),)+
                }
            }
        }

        $(impl Col for $t {
            const SHOWN: Shown = Shown::Choice(Choices::$t);
            fn to_value(&self) -> Value {
                Value::Text(self.key().to_string())
            }
            fn from_value(v: Value) -> Result<Self, String> {
                let s = String::from_value(v)?;
                <$t as Labeled>::ALL
                    .iter()
                    .copied()
                    .find(|x| x.key() == s)
                    .ok_or_else(|| format!("'{s}' is not one of {}", <$t as Labeled>::keys_list()))
            }
        })+
    };
}

labeled_col!(
    Tier,
    AbcClass,
    Payment,
    Behaviour,
    BuyingRole,
    ObjectionType,
    SocialStyle,
    ArchiveCategory,
    VisitKind,
    PlanStatus,
    VipStatus
);

/// A timestamp as stored: RFC 3339 UTC to the millisecond.
/// A day as `YYYY-MM-DD`: by hand for the years 0–9999 (chrono's
/// formatter was a few percent of a large merge), chrono's for the rest.
fn day_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    let year = d.year();
    if !(0..=9999).contains(&year) {
        return d.format("%Y-%m-%d").to_string();
    }
    let mut b = *b"0000-00-00";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, d.month());
    put(8, 2, d.day());
    b.iter().map(|&c| char::from(c)).collect()
}

pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // Written by hand for the years 0–9999 (chrono's formatter was a few
    // percent of a large merge, which writes several times per record);
    // chrono's own for the rest and for a leap second.
    let (year, nanos) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    let mut b = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    put(17, 2, t.second());
    put(20, 3, nanos / 1_000_000);
    b.iter().map(|&c| char::from(c)).collect()
}

/// A column value as the change log writes it: text, a number, or NULL.
pub(crate) fn log_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(r.to_string()),
        Value::Text(s) => Some(s.clone()),
        Value::Blob(b) => Some(format!("<{} bytes>", b.len())),
    }
}

/// A column value as JSON, for logging a table of repeated rows.
pub(crate) fn json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Real(r) => serde_json::Value::from(*r),
        Value::Text(s) => serde_json::Value::from(s.clone()),
        Value::Blob(b) => serde_json::Value::from(format!("<{} bytes>", b.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_read_as_chrono_writes_them() {
        let times = [
            Utc.timestamp_millis_opt(0).single(),
            Utc.timestamp_millis_opt(1_764_930_000_123).single(),
            Utc.timestamp_millis_opt(-62_135_596_800_000).single(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single(),
            Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().map(|t| t + chrono::Duration::nanoseconds(999_999_999)),
        ];
        for t in times.into_iter().flatten() {
            assert_eq!(timestamp(t), t.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
    }

    #[test]
    fn days_read_as_chrono_writes_them() {
        let days = [
            NaiveDate::from_ymd_opt(2026, 1, 5),
            NaiveDate::from_ymd_opt(1970, 1, 1),
            NaiveDate::from_ymd_opt(1, 12, 31),
            NaiveDate::from_ymd_opt(9999, 12, 31),
            NaiveDate::from_ymd_opt(-5, 3, 1),
            NaiveDate::from_ymd_opt(12_345, 3, 1),
        ];
        for d in days.into_iter().flatten() {
            assert_eq!(day_text(d), d.format("%Y-%m-%d").to_string());
        }
    }
}
