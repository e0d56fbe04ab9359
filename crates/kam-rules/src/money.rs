//! Money in integer fen (分) and rates as exact fractions.
//!
//! DESIGN §3: money is never floating point. A [`Rate`] is held in units of
//! 1/10,000 so that every rate of the seed (0.95, 0.985 …) is exact, and the
//! net after a rate rounds half up to the fen.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money in fen (1/100 yuan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Self = Self(0);
    /// The largest amount kam takes: 1,000,000,000,000.00 yuan (10^14 fen).
    ///
    /// Far beyond any order a key account places, and small enough that
    /// 92,233 of them still sum inside an `i64` of fen: one amount typed or
    /// imported by mistake (`92233720368547758.07`) can no longer make every
    /// later sum overflow. The parser refuses more, and so does every
    /// record's validation before a write.
    pub const MAX: Self = Self(100_000_000_000_000);

    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Yuan as a float, for JSON output and charts only; never for arithmetic.
    pub fn yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// The amount paid at `rate` of this (list) price, rounded half up to the fen.
    pub fn apply_rate(self, rate: Rate) -> Self {
        let product = i128::from(self.0) * i128::from(rate.0);
        let den = i128::from(Rate::SCALE);
        // Half up, away from zero for negative amounts (refunds).
        let rounded = if product >= 0 { (product + den / 2) / den } else { -((-product + den / 2) / den) };
        Self(i64::try_from(rounded).unwrap_or(i64::MAX))
    }

    /// Whether the amount is within `0..=MAX`, the range a record may hold.
    pub const fn in_range(self) -> bool {
        self.0 >= 0 && self.0 <= Self::MAX.0
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// Formats with thousands separators: `1,234,567.80`.
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
        let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
        let mut out = String::with_capacity(plain.len() + int.len() / 3);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}.{frac}")
    }

    /// Parses an amount in yuan as people type it: `50000`, `50,000.00`,
    /// `5万`, `5.5万`, `¥1,200`, `300元`. Negative amounts, more than two
    /// decimals (six with 万) and anything else are refused.
    pub fn parse(input: &str) -> Result<Self, AmountError> {
        parse_amount(input)
    }
}

impl fmt::Display for Money {
    /// Yuan with two decimals and no grouping: `45000.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Money {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl Neg for Money {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

/// Serialised as yuan: an integer when whole (`45000`), else a decimal (`45000.5`).
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_i64(self.0 / 100)
        } else {
            s.serialize_f64(self.yuan_f64())
        }
    }
}

/// Accepts yuan as an integer, a decimal with at most two places, or a string
/// in any form [`Money::parse`] takes.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Int(i64),
            Float(f64),
            Text(String),
        }
        match Repr::deserialize(d)? {
            Repr::Int(y) => y
                .checked_mul(100)
                .map(Money)
                .filter(|m| m.0.abs() <= Money::MAX.0)
                .ok_or_else(|| serde::de::Error::custom(AmountError::TooLarge)),
            Repr::Float(y) => Money::from_yuan_f64(y).map_err(serde::de::Error::custom),
            Repr::Text(t) => Money::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

impl Money {
    /// Converts a decimal yuan figure from a file; refuses more than two places.
    pub fn from_yuan_f64(y: f64) -> Result<Self, AmountError> {
        if !y.is_finite() {
            return Err(AmountError::NotANumber(y.to_string()));
        }
        if y.abs() > Self::MAX.yuan_f64() {
            return Err(AmountError::TooLarge);
        }
        let fen = (y * 100.0).round();
        if ((y * 100.0) - fen).abs() > 1e-6 {
            return Err(AmountError::TooManyDecimals(y.to_string()));
        }
        Ok(Self(fen as i64))
    }
}

/// Why an amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("no amount given: type a number of yuan such as 50000, 50,000.00 or 5万")]
    Empty,
    #[error("'{0}' is not an amount: type a number of yuan such as 50000, 50,000.00 or 5万")]
    NotANumber(String),
    #[error("'{0}' is negative: amounts must be zero or more")]
    Negative(String),
    #[error("'{0}' has more than two decimals: money is counted to the fen (0.01 yuan)")]
    TooManyDecimals(String),
    #[error("'{0}' has a misplaced thousands separator: write 50,000 or 50000")]
    BadGrouping(String),
    #[error("the amount is more than the largest kam takes, 1,000,000,000,000.00 yuan")]
    TooLarge,
}

impl AmountError {
    /// The message in `lang` (the `Display` text is the English one).
    pub fn message(&self, lang: crate::Lang) -> String {
        match (self, lang) {
            (_, crate::Lang::En) => self.to_string(),
            (Self::Empty, _) => "没有金额:请输入元数,如 50000、50,000.00 或 5万".into(),
            (Self::NotANumber(s), _) => format!("“{s}”不是金额:请输入元数,如 50000、50,000.00 或 5万"),
            (Self::Negative(s), _) => format!("“{s}”是负数:金额不能小于零"),
            (Self::TooManyDecimals(s), _) => format!("“{s}”的小数超过两位:金额精确到分(0.01 元)"),
            (Self::BadGrouping(s), _) => format!("“{s}”的千位分隔符位置不对:请写 50,000 或 50000"),
            (Self::TooLarge, _) => "金额超过 kam 所能记录的上限 1,000,000,000,000.00 元".into(),
        }
    }
}

/// Folds full-width digits and punctuation that Chinese input methods produce.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '，' => ',',
        '．' | '。' => '.',
        '－' => '-',
        '＋' => '+',
        _ => c,
    }
}

fn parse_amount(input: &str) -> Result<Money, AmountError> {
    let folded: String = input.trim().chars().map(fold_width).collect();
    let mut s = folded.as_str().trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let negative = s.starts_with('-');
    s = s.trim_start_matches(['-', '+']).trim_start();
    s = s.trim_start_matches(['¥', '￥']).trim();
    s = s.strip_suffix("元").unwrap_or(s).trim_end();
    let (digits, scale_decimals) =
        match s.strip_suffix('万').or_else(|| s.strip_suffix('w')).or_else(|| s.strip_suffix('W')) {
            Some(rest) => (rest.trim_end(), 4u32),
            None => (s, 0u32),
        };
    if digits.is_empty() {
        return Err(AmountError::NotANumber(input.trim().to_string()));
    }
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int_digits = ungroup(int_part, input)?;
    let frac_digits = frac_part.unwrap_or("");
    if int_digits.is_empty() && frac_digits.is_empty()
        || !frac_digits.chars().all(|c| c.is_ascii_digit())
        || frac_part.is_some_and(str::is_empty)
    {
        return Err(AmountError::NotANumber(input.trim().to_string()));
    }
    // Yuan has two places below it (fen); 万 shifts four more.
    let max_places = 2 + scale_decimals as usize;
    if frac_digits.len() > max_places {
        return Err(AmountError::TooManyDecimals(input.trim().to_string()));
    }
    if negative {
        return Err(AmountError::Negative(input.trim().to_string()));
    }
    let mut fen: i128 = 0;
    for c in int_digits.chars().chain(frac_digits.chars()) {
        fen = fen * 10 + i128::from(c as u8 - b'0');
        if fen > i128::from(i64::MAX) {
            return Err(AmountError::TooLarge);
        }
    }
    let pad = max_places - frac_digits.len();
    fen *= 10i128.pow(pad as u32);
    match i64::try_from(fen) {
        Ok(f) if f <= Money::MAX.0 => Ok(Money(f)),
        _ => Err(AmountError::TooLarge),
    }
}

/// Removes thousands separators, checking that groups are of three digits.
fn ungroup(int_part: &str, original: &str) -> Result<String, AmountError> {
    if !int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return Err(AmountError::NotANumber(original.trim().to_string()));
    }
    if !int_part.contains(',') {
        return Ok(int_part.to_string());
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if !first_ok || !rest_ok {
        return Err(AmountError::BadGrouping(original.trim().to_string()));
    }
    Ok(groups.concat())
}

/// A rate: the fraction of the list price paid, exact to 1/10,000
/// (0.95 = 9.5折). Also used for shares and thresholds in (0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u32);

impl Rate {
    /// Units per 1.00.
    pub const SCALE: u32 = 10_000;
    /// 1.00: the full list price, no discount.
    pub const FULL: Self = Self(Self::SCALE);

    /// A rate from ten-thousandths: `Rate::from_bp(9500)` is 0.95.
    pub const fn from_bp(bp: u32) -> Self {
        Self(bp)
    }

    pub const fn bp(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / f64::from(Self::SCALE)
    }

    /// Reads a rate such as 0.95 from a file: in (0, 1], at most four decimals.
    pub fn from_f64(x: f64) -> Result<Self, RateError> {
        if !x.is_finite() || x <= 0.0 || x > 1.0 {
            return Err(RateError::OutOfRange(x.to_string()));
        }
        let scaled = x * f64::from(Self::SCALE);
        let bp = scaled.round();
        if (scaled - bp).abs() > 1e-6 {
            return Err(RateError::TooPrecise(x.to_string()));
        }
        Ok(Self(bp as u32))
    }

    /// The rate as 折 in Chinese usage: 0.95 → "9.5折", 0.9 → "9折".
    pub fn zhe(self) -> String {
        if self == Self::FULL {
            return "不打折".to_string();
        }
        let tenths = f64::from(self.0) / 1000.0;
        let s = format!("{tenths:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{s}折")
    }
}

impl fmt::Display for Rate {
    /// `0.95`, `0.9`, `1.00` for the full price.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::FULL {
            return f.write_str("1.00");
        }
        let s = format!("{}.{:04}", self.0 / Self::SCALE, self.0 % Self::SCALE);
        let t = s.trim_end_matches('0');
        // A whole number keeps one decimal: "0.0", never "0.".
        if t.ends_with('.') {
            write!(f, "{t}0")
        } else {
            f.write_str(t)
        }
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        Rate::from_f64(x).map_err(serde::de::Error::custom)
    }
}

/// Why a rate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("rate {0} is outside (0, 1]: a rate is the fraction of the list price paid, e.g. 0.95")]
    OutOfRange(String),
    #[error("rate {0} has more than four decimals")]
    TooPrecise(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Money, AmountError> {
        Money::parse(s)
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(p("50000"), Ok(Money::from_yuan(50_000)));
        assert_eq!(p("50,000.00"), Ok(Money::from_yuan(50_000)));
        assert_eq!(p("5万"), Ok(Money::from_yuan(50_000)));
        assert_eq!(p("5.5万"), Ok(Money::from_yuan(55_000)));
        assert_eq!(p("0.0001万"), Ok(Money::from_yuan(1)));
        assert_eq!(p("1.234567万"), Ok(Money::from_fen(1_234_567)));
        assert_eq!(p("¥1,200.5"), Ok(Money::from_fen(120_050)));
        assert_eq!(p("300元"), Ok(Money::from_yuan(300)));
        assert_eq!(p("５万"), Ok(Money::from_yuan(50_000)));
        assert_eq!(p(" 12.3 "), Ok(Money::from_fen(1230)));
        assert_eq!(p("1,234,567"), Ok(Money::from_yuan(1_234_567)));
    }

    #[test]
    fn refuses_bad_amounts_with_reasons() {
        assert!(matches!(p("abc"), Err(AmountError::NotANumber(_))));
        assert!(matches!(p(""), Err(AmountError::Empty)));
        assert!(matches!(p("-5"), Err(AmountError::Negative(_))));
        assert!(matches!(p("-5万"), Err(AmountError::Negative(_))));
        assert!(matches!(p("1.234"), Err(AmountError::TooManyDecimals(_))));
        assert!(matches!(p("1.2345678万"), Err(AmountError::TooManyDecimals(_))));
        assert!(matches!(p("5,0000"), Err(AmountError::BadGrouping(_))));
        assert!(matches!(p("万"), Err(AmountError::NotANumber(_))));
        assert!(matches!(p("1."), Err(AmountError::NotANumber(_))));
        assert!(matches!(p("1e5"), Err(AmountError::NotANumber(_))));
        assert!(matches!(p("99999999999999999999"), Err(AmountError::TooLarge)));
        // The largest amount is taken; a fen more, or the amount that broke
        // every sum (issue #17), is refused.
        assert_eq!(p("1,000,000,000,000.00"), Ok(Money::MAX));
        assert_eq!(p("1000000000000"), Ok(Money::MAX));
        assert_eq!(p("100000000万"), Ok(Money::MAX));
        assert!(matches!(p("1000000000000.01"), Err(AmountError::TooLarge)));
        assert!(matches!(p("92233720368547758.07"), Err(AmountError::TooLarge)));
        assert!(Money::MAX.in_range() && !Money::from_fen(Money::MAX.fen() + 1).in_range());
        assert!(!Money::from_fen(-1).in_range());
        assert!(Money::from_yuan_f64(1e12).is_ok() && Money::from_yuan_f64(1e12 + 1.0).is_err());
        let msg = p("abc").unwrap_err().to_string();
        assert!(msg.contains("abc") && msg.contains("5万"), "{msg}");
        let zh = p("abc").unwrap_err().message(crate::Lang::Zh);
        assert!(zh.contains("abc") && zh.contains("不是金额"), "{zh}");
    }

    #[test]
    fn net_rounds_half_up_to_the_fen() {
        let r = Rate::from_bp(9500);
        assert_eq!(Money::from_fen(1).apply_rate(r), Money::from_fen(1)); // 0.95 → 1
        assert_eq!(Money::from_fen(10).apply_rate(r), Money::from_fen(10)); // 9.5 → 10
        assert_eq!(Money::from_fen(30).apply_rate(r), Money::from_fen(29)); // 28.5 → 29
        assert_eq!(Money::from_fen(11).apply_rate(r), Money::from_fen(10)); // 10.45 → 10
        assert_eq!(Money::from_yuan(50_000).apply_rate(Rate::from_bp(9000)), Money::from_yuan(45_000));
    }

    #[test]
    fn displays_yuan() {
        assert_eq!(Money::from_fen(4_500_000).to_string(), "45000.00");
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(123_456_789).grouped(), "1,234,567.89");
        assert_eq!(Money::from_fen(99).grouped(), "0.99");
        assert_eq!(Money::from_fen(-100_000_00).grouped(), "-100,000.00");
    }

    #[test]
    fn rates_read_and_print() {
        assert_eq!(Rate::from_f64(0.95), Ok(Rate::from_bp(9500)));
        assert_eq!(Rate::from_f64(1.0), Ok(Rate::FULL));
        assert!(Rate::from_f64(0.0).is_err());
        assert!(Rate::from_f64(1.01).is_err());
        assert!(Rate::from_f64(0.123_45).is_err());
        assert_eq!(Rate::from_bp(9000).to_string(), "0.9");
        assert_eq!(Rate::from_bp(9850).to_string(), "0.985");
        assert_eq!(Rate::FULL.to_string(), "1.00");
        assert_eq!(Rate::from_bp(0).to_string(), "0.0", "never \"0.\"");
        assert_eq!(Rate::from_bp(9500).zhe(), "9.5折");
        assert_eq!(Rate::from_bp(9000).zhe(), "9折");
    }
}
