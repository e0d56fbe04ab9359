//! The rules file: every number of DESIGN §4, with validation.
//!
//! `assets/rules.toml` is compiled in as the default. A user's file is read
//! over it: any key it gives replaces the default's (a list replaces the whole
//! list), and what it leaves out keeps the default. Loading checks what the
//! types cannot: bands ordered and not overlapping, every tier known and
//! given its rates, weights positive. An error names the key and the line.
//!
//! This crate parses TOML from a string (the `toml` crate) because the rules
//! file's format and its checks are part of the rules; reading the file from
//! disk is the app's job.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::label::Labeled;
use crate::money::{Money, Rate};
use crate::tier::Tier;

/// The default rules file, as shipped.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../../assets/rules.toml");

/// The longest span of days any rule may give (about ten years): a window
/// or limit past it would only reach dates no record has, and date
/// arithmetic on it stays far from the calendar's ends.
pub const MAX_DAYS: u32 = 3_660;
/// The lowest discount rate a tier may get: 0.10 (1折). A rate near zero
/// would print as 0 and give the goods away.
pub const MIN_DISCOUNT_RATE: Rate = Rate::from_bp(1_000);
/// The lowest A/B/C threshold or share: 0.01.
pub const MIN_SHARE: Rate = Rate::from_bp(100);
/// The largest amount a band bound may name: 100,000,000,000.00 yuan.
pub const MAX_BOUND: Money = Money::from_yuan(100_000_000_000);
/// The largest weight of a KPI, of ability or of attitude.
pub const MAX_WEIGHT: u32 = 100;
/// How far from zero a KPI's `zero` and `full` may be.
pub const MAX_KPI_VALUE: f64 = 1_000_000.0;
/// The most scorecard criteria, and the longest criterion key and label.
pub const MAX_CRITERIA: usize = 50;
pub const MAX_CRITERION_TEXT: usize = 200;
/// The most discount bands.
pub const MAX_DISCOUNT_BANDS: usize = 20;

/// `Err` naming `key` when `v` lies outside `lo..=hi`.
fn within<V: PartialOrd + fmt::Display + Copy>(
    key: &str,
    v: V,
    lo: V,
    hi: V,
    unit: &str,
) -> Result<(), (String, String)> {
    if v < lo || v > hi {
        Err((key.to_string(), format!("{v}{unit} is outside the allowed range {lo}–{hi}{unit}")))
    } else {
        Ok(())
    }
}

/// All the rules in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default = "d_tier")]
    pub tier: TierRules,
    #[serde(default = "d_discount")]
    pub discount: DiscountRules,
    #[serde(default = "d_downgrade")]
    pub downgrade: DowngradeRules,
    #[serde(default = "d_cadence")]
    pub cadence: CadenceRules,
    #[serde(default = "d_abc")]
    pub abc: AbcRules,
    #[serde(default = "d_evaluation")]
    pub evaluation: EvaluationRules,
}

/// §4.1: tier bands by annual order volume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRules {
    /// Which year the annual volume covers (see [`AnnualWindow`]).
    #[serde(default = "d_tier_window_kind")]
    pub annual_window: AnnualWindow,
    /// With the rolling window: the sum of order amounts in this many days
    /// up to the day asked.
    #[serde(default = "d_tier_window")]
    pub annual_window_days: u32,
    #[serde(default = "d_tier_bands")]
    pub bands: Vec<TierBand>,
}

/// Which year of orders the annual volume sums. Seed 000 says 年度 (a
/// year's volume) without saying which year: the last 365 days up to the day
/// asked (`rolling`, the default, so a tier never jumps on 1 January and an
/// account's figure means the same in December as in March), or the calendar
/// year so far (`calendar_year`, as some companies book their schemes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnualWindow {
    #[default]
    Rolling,
    CalendarYear,
}

/// One tier's range of annual volume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierBand {
    pub tier: Tier,
    #[serde(flatten)]
    pub range: Range,
}

/// A range of money: `min` inclusive and `max` exclusive unless told otherwise;
/// a missing bound is open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Money>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub min_inclusive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Money>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub max_inclusive: bool,
}

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_true(b: &bool) -> bool {
    *b
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(b: &bool) -> bool {
    !*b
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: Money) -> bool {
        let above_min = match self.min {
            None => true,
            Some(m) if self.min_inclusive => v >= m,
            Some(m) => v > m,
        };
        let below_max = match self.max {
            None => true,
            Some(m) if self.max_inclusive => v <= m,
            Some(m) => v < m,
        };
        above_min && below_max
    }

    /// The range in words with the exact comparison: `1,000,000.00 ≤ V ≤ 3,000,000.00`.
    pub fn describe(&self, var: &str) -> String {
        let lo = self.min.map(|m| {
            let op = if self.min_inclusive { "≤" } else { "<" };
            format!("{} {op} ", m.grouped())
        });
        let hi = self.max.map(|m| {
            let op = if self.max_inclusive { "≤" } else { "<" };
            format!(" {op} {}", m.grouped())
        });
        format!("{}{var}{}", lo.unwrap_or_default(), hi.unwrap_or_default())
    }

    /// Whether `self` ends before `next` starts (no shared amount).
    fn ends_before(&self, next: &Self) -> bool {
        match (self.max, next.min) {
            (None, _) | (_, None) => false,
            (Some(hi), Some(lo)) => hi < lo || (hi == lo && !(self.max_inclusive && next.min_inclusive)),
        }
    }

    /// Whether `self` ends exactly where `next` starts, leaving no gap.
    fn meets(&self, next: &Self) -> bool {
        matches!((self.max, next.min), (Some(hi), Some(lo)) if hi == lo && self.max_inclusive != next.min_inclusive)
    }

    /// Both bounds within 0..=[`MAX_BOUND`].
    fn check_bounds(&self, key: &str) -> Result<(), (String, String)> {
        for (what, v) in [("min", self.min), ("max", self.max)] {
            if let Some(v) = v {
                if v < Money::ZERO || v > MAX_BOUND {
                    return Err((
                        key.to_string(),
                        format!("{what} {} is outside the allowed range 0–{}", v.grouped(), MAX_BOUND.grouped()),
                    ));
                }
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => lo > hi || (lo == hi && !(self.min_inclusive && self.max_inclusive)),
            _ => false,
        }
    }
}

/// §4.2: discount bands by single-order amount and rates per tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountRules {
    /// Only cash (现款) purchases qualify, not credit (赊销).
    #[serde(default = "d_cash_only")]
    pub cash_only: bool,
    /// Never stacked with another promotion.
    #[serde(default = "d_no_stacking")]
    pub no_stacking: bool,
    #[serde(default = "d_discount_bands")]
    pub bands: Vec<DiscountBand>,
    /// Rates per tier, one per band in order.
    #[serde(default = "d_rates")]
    pub rates: BTreeMap<Tier, Vec<Rate>>,
}

/// A band of single-order amounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountBand {
    pub band: u8,
    #[serde(flatten)]
    pub range: Range,
}

/// §4.4: downgrade on overdue receivables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DowngradeRules {
    /// More than this many days past due drops one tier.
    #[serde(default = "d_overdue_days")]
    pub overdue_days: u32,
    /// An order with no more than this left unpaid does not count as an
    /// unpaid receivable (a few yuan of rounding left on an order should
    /// not drop an account). 0, the seeds' rule, counts every fen.
    #[serde(default = "d_residue")]
    pub residue: Money,
}

/// The largest residue a rules file may ignore: 100,000.00 yuan.
pub const MAX_RESIDUE: Money = Money::from_yuan(100_000);

/// §4.7: visit and contact cadence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceRules {
    #[serde(default = "d_manager_visit_days")]
    pub manager_visit_days: u32,
    #[serde(default = "d_contact_days")]
    pub contact_days: u32,
    /// Limits of their own for some tiers (`[cadence.tiers.platinum]`);
    /// a tier not listed, or a limit left out, takes the two above. None
    /// ship: the seeds ask the same of every tier.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tiers: BTreeMap<Tier, TierCadence>,
}

/// One tier's own cadence limits, each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierCadence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_visit_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_days: Option<u32>,
}

impl CadenceRules {
    /// The manager-visit and contact limits, in days, for an account of `tier`.
    pub fn limits(&self, tier: Tier) -> (u32, u32) {
        let own = self.tiers.get(&tier);
        (
            own.and_then(|t| t.manager_visit_days).unwrap_or(self.manager_visit_days),
            own.and_then(|t| t.contact_days).unwrap_or(self.contact_days),
        )
    }

    /// Whether any tier has limits of its own (so a reader must know tiers).
    pub fn by_tier(&self) -> bool {
        self.tiers.values().any(|t| t.manager_visit_days.is_some() || t.contact_days.is_some())
    }
}

/// §4.3: A/B/C thresholds and scorecard criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbcRules {
    #[serde(default = "d_scorecard_a")]
    pub scorecard_a: Rate,
    #[serde(default = "d_scorecard_b")]
    pub scorecard_b: Rate,
    #[serde(default = "d_pareto_a")]
    pub pareto_a: Rate,
    #[serde(default = "d_pareto_b")]
    pub pareto_b: Rate,
    #[serde(default = "d_criteria")]
    pub criteria: Vec<Criterion>,
}

/// One scorecard criterion with its weight (1–10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub weight: u8,
}

/// §4.9: KPI weights and scoring, ability/attitude weights and grade bands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRules {
    #[serde(default = "d_ability_weight")]
    pub ability_weight: u32,
    #[serde(default = "d_attitude_weight")]
    pub attitude_weight: u32,
    #[serde(default = "d_kpis")]
    pub kpis: BTreeMap<crate::evaluation::Kpi, KpiScale>,
    #[serde(default = "d_grades")]
    pub grades: GradeBands,
}

/// How a KPI's value turns into a score: 0 at `zero`, full marks at `full`,
/// linear between and clamped outside.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiScale {
    pub weight: u32,
    pub zero: f64,
    pub full: f64,
}

/// The lowest score of each grade; below `pass` is poor.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBands {
    pub excellent: f64,
    pub good: f64,
    pub fair: f64,
    pub pass: f64,
}

/// A rules file that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesError {
    /// The key at fault, as a path (`discount.bands[1]`), when known.
    pub key: Option<String>,
    /// 1-based line in the file, when the key is in it.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key, self.line) {
            (Some(k), Some(l)) => write!(f, "line {l}, key {k}: {}", self.message),
            (Some(k), None) => write!(f, "key {k} (from the built-in defaults): {}", self.message),
            (None, Some(l)) => write!(f, "line {l}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RulesError {}

/// The built-in defaults, parsed once.
fn builtin() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        // The shipped file is complete, so no field default (which would come
        // back here) is asked for while parsing it; it is tested to parse and
        // validate, so a failure here is a build defect, not a user error.
        #[allow(clippy::expect_used)]
        toml::from_str::<Rules>(DEFAULT_RULES_TOML).expect("assets/rules.toml parses")
    })
}

impl Default for Rules {
    fn default() -> Self {
        builtin().clone()
    }
}

/// Field defaults for a partial user file: each is the shipped value, asked
/// for only when the user's file leaves that key out.
macro_rules! builtin_defaults {
    ($($name:ident: $ty:ty = $($path:ident).+;)+) => {
        $(fn $name() -> $ty {
            builtin().$($path).+.clone()
        })+
    };
}

builtin_defaults! {
    d_tier: TierRules = tier;
    d_discount: DiscountRules = discount;
    d_downgrade: DowngradeRules = downgrade;
    d_cadence: CadenceRules = cadence;
    d_abc: AbcRules = abc;
    d_evaluation: EvaluationRules = evaluation;
    d_tier_window: u32 = tier.annual_window_days;
    d_tier_window_kind: AnnualWindow = tier.annual_window;
    d_tier_bands: Vec<TierBand> = tier.bands;
    d_cash_only: bool = discount.cash_only;
    d_no_stacking: bool = discount.no_stacking;
    d_discount_bands: Vec<DiscountBand> = discount.bands;
    d_rates: BTreeMap<Tier, Vec<Rate>> = discount.rates;
    d_overdue_days: u32 = downgrade.overdue_days;
    d_residue: Money = downgrade.residue;
    d_manager_visit_days: u32 = cadence.manager_visit_days;
    d_contact_days: u32 = cadence.contact_days;
    d_scorecard_a: Rate = abc.scorecard_a;
    d_scorecard_b: Rate = abc.scorecard_b;
    d_pareto_a: Rate = abc.pareto_a;
    d_pareto_b: Rate = abc.pareto_b;
    d_criteria: Vec<Criterion> = abc.criteria;
    d_ability_weight: u32 = evaluation.ability_weight;
    d_attitude_weight: u32 = evaluation.attitude_weight;
    d_kpis: BTreeMap<crate::evaluation::Kpi, KpiScale> = evaluation.kpis;
    d_grades: GradeBands = evaluation.grades;
}

impl Rules {
    /// Reads a rules file over the built-in defaults and validates the result.
    pub fn from_toml(text: &str) -> Result<Self, RulesError> {
        let rules: Self = toml::from_str(text).map_err(|e| RulesError {
            key: None,
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        rules.validate().map_err(|(key, message)| RulesError { line: locate(text, &key), key: Some(key), message })?;
        Ok(rules)
    }

    /// Writes the rules as a complete rules file.
    pub fn to_toml(&self) -> String {
        // Serialising plain data into TOML cannot fail for these types.
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the invariants the types cannot hold; returns the key path and the reason.
    pub fn validate(&self) -> Result<(), (String, String)> {
        self.validate_tiers()?;
        self.validate_discount()?;
        self.validate_abc()?;
        self.validate_evaluation()?;
        within("downgrade.overdue_days", self.downgrade.overdue_days, 0, MAX_DAYS, " days")?;
        within("downgrade.residue", self.downgrade.residue, Money::ZERO, MAX_RESIDUE, " yuan")?;
        within("cadence.manager_visit_days", self.cadence.manager_visit_days, 1, MAX_DAYS, " days")?;
        within("cadence.contact_days", self.cadence.contact_days, 1, MAX_DAYS, " days")?;
        for (tier, t) in &self.cadence.tiers {
            if let Some(v) = t.manager_visit_days {
                within(&format!("cadence.tiers.{tier}.manager_visit_days"), v, 1, MAX_DAYS, " days")?;
            }
            if let Some(v) = t.contact_days {
                within(&format!("cadence.tiers.{tier}.contact_days"), v, 1, MAX_DAYS, " days")?;
            }
        }
        Ok(())
    }

    fn validate_tiers(&self) -> Result<(), (String, String)> {
        let t = &self.tier;
        within("tier.annual_window_days", t.annual_window_days, 1, MAX_DAYS, " days")?;
        if t.bands.is_empty() {
            return Err(("tier.bands".into(), "no tier bands given".into()));
        }
        let mut seen = Vec::new();
        for (i, b) in t.bands.iter().enumerate() {
            let key = format!("tier.bands[{i}]");
            if seen.contains(&b.tier) {
                return Err((key, format!("tier '{}' is given twice", b.tier)));
            }
            seen.push(b.tier);
            b.range.check_bounds(&key)?;
            if b.range.is_empty() {
                return Err((key, format!("band {} holds no amount", b.range.describe("V"))));
            }
            if i == 0 && b.range.min.is_some_and(|m| m > Money::ZERO) {
                return Err((key, "the first tier must start at 0 so every volume has a tier".into()));
            }
            if let Some(next) = t.bands.get(i + 1) {
                let next_key = format!("tier.bands[{}]", i + 1);
                if !b.range.ends_before(&next.range) {
                    return Err((
                        next_key,
                        format!(
                            "bands overlap or are out of order: {} ({}) and {} ({})",
                            b.tier,
                            b.range.describe("V"),
                            next.tier,
                            next.range.describe("V")
                        ),
                    ));
                }
                if !b.range.meets(&next.range) {
                    return Err((
                        next_key,
                        format!(
                            "gap between {} and {}: every annual volume needs a tier (make {}'s min equal {}'s max, one inclusive)",
                            b.tier, next.tier, next.tier, b.tier
                        ),
                    ));
                }
            } else if b.range.max.is_some() {
                return Err((key, "the last tier must have no max so every volume has a tier".into()));
            }
        }
        Ok(())
    }

    fn validate_discount(&self) -> Result<(), (String, String)> {
        let d = &self.discount;
        if d.bands.len() > MAX_DISCOUNT_BANDS {
            return Err((
                "discount.bands".into(),
                format!("{} bands given: at most {MAX_DISCOUNT_BANDS}", d.bands.len()),
            ));
        }
        for (i, b) in d.bands.iter().enumerate() {
            let key = format!("discount.bands[{i}]");
            if usize::from(b.band) != i + 1 {
                return Err((
                    key,
                    format!("band numbers must run 1, 2, 3 … in order; found {} at position {}", b.band, i + 1),
                ));
            }
            b.range.check_bounds(&key)?;
            if b.range.is_empty() {
                return Err((key, format!("band {} holds no amount", b.range.describe("A"))));
            }
            if let Some(next) = d.bands.get(i + 1) {
                if !b.range.ends_before(&next.range) {
                    return Err((
                        format!("discount.bands[{}]", i + 1),
                        format!(
                            "bands overlap or are out of order: band {} ({}) and band {} ({})",
                            b.band,
                            b.range.describe("A"),
                            next.band,
                            next.range.describe("A")
                        ),
                    ));
                }
            }
        }
        for (tier, rates) in &d.rates {
            let key = format!("discount.rates.{tier}");
            if !self.tier.bands.iter().any(|b| b.tier == *tier) {
                return Err((key, format!("tier '{tier}' has no band in [tier]")));
            }
            if rates.len() != d.bands.len() {
                return Err((
                    key,
                    format!("{} rates given for {} bands: give one rate per band", rates.len(), d.bands.len()),
                ));
            }
            for (j, r) in rates.iter().enumerate() {
                within(&format!("{key}[{j}]"), *r, MIN_DISCOUNT_RATE, Rate::FULL, "")?;
            }
            if rates.windows(2).any(|w| w[1] > w[0]) {
                return Err((
                    key,
                    "a larger order must never get a worse rate: rates must not rise from band to band".into(),
                ));
            }
        }
        for b in &self.tier.bands {
            if !d.bands.is_empty() && !d.rates.contains_key(&b.tier) {
                return Err((
                    "discount.rates".into(),
                    format!("no rates for tier '{}' (known tiers: {})", b.tier, Tier::keys_list()),
                ));
            }
        }
        Ok(())
    }

    fn validate_abc(&self) -> Result<(), (String, String)> {
        let a = &self.abc;
        within("abc.scorecard_a", a.scorecard_a, MIN_SHARE, Rate::FULL, "")?;
        within("abc.scorecard_b", a.scorecard_b, MIN_SHARE, Rate::FULL, "")?;
        within("abc.pareto_a", a.pareto_a, MIN_SHARE, Rate::FULL, "")?;
        within("abc.pareto_b", a.pareto_b, MIN_SHARE, Rate::FULL, "")?;
        if a.criteria.len() > MAX_CRITERIA {
            return Err((
                "abc.criteria".into(),
                format!("{} criteria given: at most {MAX_CRITERIA}", a.criteria.len()),
            ));
        }
        if a.scorecard_b > a.scorecard_a {
            return Err(("abc.scorecard_b".into(), "must not be above abc.scorecard_a".into()));
        }
        if a.pareto_b < a.pareto_a {
            return Err(("abc.pareto_b".into(), "must not be below abc.pareto_a".into()));
        }
        let mut keys = Vec::new();
        for (i, c) in a.criteria.iter().enumerate() {
            let key = format!("abc.criteria[{i}]");
            if !(1..=10).contains(&c.weight) {
                return Err((key, format!("weight {} is outside 1–10", c.weight)));
            }
            if c.key.trim().is_empty() {
                return Err((key, "criterion key is empty".into()));
            }
            for (what, text) in [("key", &c.key), ("zh", &c.zh), ("en", &c.en)] {
                if text.chars().count() > MAX_CRITERION_TEXT {
                    return Err((key, format!("{what} is longer than {MAX_CRITERION_TEXT} characters")));
                }
                if text.chars().any(char::is_control) {
                    return Err((key, format!("{what} holds a control character")));
                }
            }
            if keys.contains(&c.key.as_str()) {
                return Err((key, format!("criterion '{}' is given twice", c.key)));
            }
            keys.push(c.key.as_str());
        }
        Ok(())
    }

    fn validate_evaluation(&self) -> Result<(), (String, String)> {
        let e = &self.evaluation;
        for (kpi, s) in &e.kpis {
            let key = format!("evaluation.kpis.{kpi}");
            within(&key, s.weight, 1, MAX_WEIGHT, "")?;
            for (what, v) in [("zero", s.zero), ("full", s.full)] {
                if !v.is_finite() || v.abs() > MAX_KPI_VALUE {
                    return Err((
                        format!("{key}.{what}"),
                        format!("{v} is outside the allowed range -{MAX_KPI_VALUE}–{MAX_KPI_VALUE}"),
                    ));
                }
            }
            if (s.zero - s.full).abs() < 1e-9 {
                return Err((key, "zero and full must be different numbers".into()));
            }
        }
        for kpi in <crate::evaluation::Kpi as Labeled>::ALL {
            if !e.kpis.contains_key(kpi) {
                return Err(("evaluation.kpis".into(), format!("no scale for KPI '{kpi}'")));
            }
        }
        within("evaluation.ability_weight", e.ability_weight, 1, MAX_WEIGHT, "")?;
        within("evaluation.attitude_weight", e.attitude_weight, 1, MAX_WEIGHT, "")?;
        let g = e.grades;
        let ordered =
            g.excellent > g.good && g.good > g.fair && g.fair > g.pass && g.pass > 0.0 && g.excellent <= 100.0;
        if !ordered {
            return Err((
                "evaluation.grades".into(),
                "grade bands must fall strictly: 100 ≥ excellent > good > fair > pass > 0".into(),
            ));
        }
        Ok(())
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// Finds the line of a key path such as `discount.bands[1]` in the text,
/// or `None` when the file does not give that key.
fn locate(text: &str, path: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = doc.get_ref();
    let mut span = None;
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
        span = Some(value.span());
        let mut v = value.get_ref();
        if let Some(i) = index {
            if let DeValue::Array(items) = v {
                let item = items.get(i)?;
                span = Some(item.span());
                v = item.get_ref();
            }
        }
        match v {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    span.map(|s| line_of(text, s.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_is_valid_and_complete() {
        let r = Rules::from_toml(DEFAULT_RULES_TOML).expect("default rules are valid");
        assert_eq!(r, Rules::default());
        assert_eq!(r.tier.bands.len(), 3);
        assert_eq!(
            r.discount.rates[&Tier::Silver],
            vec![Rate::from_bp(9500), Rate::from_bp(9000), Rate::from_bp(8500)]
        );
        assert_eq!(r.downgrade.overdue_days, 90);
        assert_eq!(r.cadence.manager_visit_days, 30);
        assert_eq!(r.cadence.contact_days, 15);
        let total: u32 = r.evaluation.kpis.values().map(|k| k.weight).sum::<u32>()
            + r.evaluation.ability_weight
            + r.evaluation.attitude_weight;
        assert_eq!(total, 100, "default weights add up to 100 points");
    }

    #[test]
    fn a_partial_file_overrides_only_its_keys() {
        let r = Rules::from_toml("[cadence]\ncontact_days = 10\n").expect("valid");
        assert_eq!(r.cadence.contact_days, 10);
        assert_eq!(r.cadence.manager_visit_days, 30);
        assert_eq!(r.discount, Rules::default().discount);
    }

    #[test]
    fn overlapping_bands_are_refused_with_key_and_line() {
        let text = "# my rules\n[discount]\nbands = [\n  { band = 1, min = 10000, max = 60000 },\n  { band = 2, min = 50000, max = 100000 },\n  { band = 3, min = 100000 },\n]\n";
        let e = Rules::from_toml(text).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("discount.bands[1]"));
        assert_eq!(e.line, Some(5));
        assert!(e.to_string().contains("overlap"), "{e}");
        assert!(e.to_string().starts_with("line 5, key discount.bands[1]"), "{e}");
    }

    #[test]
    fn overlapping_tiers_are_refused() {
        let text = "[tier]\nbands = [\n { tier = \"silver\", max = 1000000, max_inclusive = true },\n { tier = \"gold\", min = 1000000, max = 3000000 },\n { tier = \"platinum\", min = 3000000 },\n]\n";
        let e = Rules::from_toml(text).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("tier.bands[1]"));
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn a_gap_between_tiers_is_refused() {
        let text = "[tier]\nbands = [\n { tier = \"silver\", max = 900000 },\n { tier = \"gold\", min = 1000000, max = 3000000 },\n { tier = \"platinum\", min = 3000000 },\n]\n";
        let e = Rules::from_toml(text).unwrap_err();
        assert!(e.message.contains("gap"), "{e}");
    }

    #[test]
    fn rates_outside_the_unit_interval_are_refused_with_line() {
        let text = "[discount.rates]\nsilver = [0.95, 0.90, 0.85]\ngold = [1.2, 0.95, 0.90]\n";
        let e = Rules::from_toml(text).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("outside (0, 1]"), "{e}");
    }

    #[test]
    fn unknown_tier_is_refused() {
        let e = Rules::from_toml("[discount.rates]\nbronze = [0.9, 0.9, 0.9]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("bronze"), "{e}");
    }

    #[test]
    fn rates_that_rise_with_the_order_are_refused() {
        let e = Rules::from_toml("[discount.rates]\ngold = [0.90, 0.95, 0.98]\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("discount.rates.gold"));
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn zero_weight_is_refused() {
        let e = Rules::from_toml("[evaluation.kpis]\nchurn = { weight = 0, zero = 0.2, full = 0.0 }\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("evaluation.kpis.churn"));
        assert_eq!(e.line, Some(2));
        let e = Rules::from_toml("[[abc.criteria]]\nkey = \"x\"\nzh = \"x\"\nen = \"x\"\nweight = 0\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("abc.criteria[0]"));
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn unknown_keys_and_syntax_errors_name_the_line() {
        let e = Rules::from_toml("[cadence]\ncontact_dayz = 10\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("contact_dayz"), "{e}");
        let e = Rules::from_toml("[cadence\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn grade_bands_must_fall() {
        let e = Rules::from_toml("[evaluation.grades]\nexcellent = 90\ngood = 95\nfair = 70\npass = 60\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("evaluation.grades"));
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn numbers_outside_their_range_are_refused_with_key_and_line() {
        for (text, key, line) in [
            ("[tier]\nannual_window_days = 100000000\n", "tier.annual_window_days", 2),
            ("[downgrade]\noverdue_days = 100000000\n", "downgrade.overdue_days", 2),
            ("[cadence]\ncontact_days = 3661\n", "cadence.contact_days", 2),
            ("[discount.rates]\nsilver = [0.95, 0.90, 1e-11]\n", "discount.rates.silver[2]", 2),
            ("[discount.rates]\nsilver = [0.95, 0.90, 0.05]\n", "discount.rates.silver[2]", 2),
            ("[abc]\npareto_a = 0.0001\n", "abc.pareto_a", 2),
            ("[evaluation]\nability_weight = 1000\n", "evaluation.ability_weight", 2),
            ("[evaluation.kpis]\ngrowth = { weight = 10, zero = -1e300, full = 0.1 }\n", "evaluation.kpis.growth.zero", 2),
            ("[tier]\nbands = [\n { tier = \"silver\", max = 1000000 },\n { tier = \"gold\", min = 1000000, max = 300000000000 },\n { tier = \"platinum\", min = 300000000000 },\n]\n", "tier.bands[1]", 4),
        ] {
            let e = Rules::from_toml(text).expect_err(text);
            assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains("outside the allowed range"), "{e}");
        }
        // The edges themselves are allowed.
        let r = Rules::from_toml("[tier]\nannual_window_days = 3660\n[downgrade]\noverdue_days = 0\n").expect("edges");
        assert_eq!(r.tier.annual_window_days, MAX_DAYS);
    }

    #[test]
    fn serialise_then_parse_is_the_same() {
        let r = Rules::default();
        let text = r.to_toml();
        assert_eq!(Rules::from_toml(&text).expect("round trip"), r);
    }
}
