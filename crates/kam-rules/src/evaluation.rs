//! §4.9 Rep evaluation (seed 000 大客户销售绩效考核方案).
//!
//! Performance KPIs computed from the ledger and logs, ability and attitude
//! scored by the supervisor, a weighted total and a grade: 优秀 90–100,
//! 良好 80–89, 中等 70–79, 及格 60–69, 差 below 60. A KPI whose input is
//! missing is reported missing, never scored as zero: the total is then taken
//! over the weights that could be scored, and says which were not.
//!
//! §4.9 grades a weighted total of *all* the weights. A score over a small
//! part of them is not that total (a rep with no data at all still has
//! "0 new accounts" and "0 complaints", 10 of 100 weight points, which scored
//! alone give 50.0 and "poor"). So the grade is given only when at least
//! half the weight ([`GRADED_SHARE`]) has its inputs; under that the score
//! is still shown, over the weight it was scored on, without a grade.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use crate::label::{Labeled, Lang};
use crate::labeled_enum;
use crate::money::Money;
use crate::rules::{KpiScale, Rules};

labeled_enum! {
    /// The performance KPIs of seed 000, in the seed's order.
    pub enum Kpi: "KPI" {
        PlanCompletion => ("plan_completion", "销售计划完成率", "Plan completion"),
        CollectionRate => ("collection_rate", "大客户回款率", "Collection rate"),
        Growth => ("growth", "销售增长率", "Growth"),
        Churn => ("churn", "大客户流失率", "Churn"),
        NewAccounts => ("new_accounts", "大客户新开发数", "New accounts"),
        Complaints => ("complaints", "大客户投诉次数", "Complaints"),
        Satisfaction => ("satisfaction", "大客户满意度", "Satisfaction"),
        ExpenseSaving => ("expense_saving", "销售费用节省率", "Expense saving"),
    }
}

labeled_enum! {
    /// Grade of the weighted score.
    pub enum Grade: "grade" {
        Excellent => ("excellent", "优秀", "Excellent"),
        Good => ("good", "良好", "Good"),
        Fair => ("fair", "中等", "Fair"),
        Pass => ("pass", "及格", "Pass"),
        Poor => ("poor", "差", "Poor"),
    }
}

/// The share of the whole weight that must have its inputs for the score
/// to be graded (see the module's docs): at least half.
pub const GRADED_SHARE: (u32, u32) = (1, 2);

/// Whether a score over `scored` of `total` weight points may be graded.
pub fn gradable(scored: u32, total: u32) -> bool {
    let (num, den) = GRADED_SHARE;
    scored > 0 && u64::from(scored) * u64::from(den) >= u64::from(total) * u64::from(num)
}

/// The grade of a score out of 100.
pub fn grade(rules: &Rules, score: f64) -> Grade {
    let g = rules.evaluation.grades;
    if score >= g.excellent {
        Grade::Excellent
    } else if score >= g.good {
        Grade::Good
    } else if score >= g.fair {
        Grade::Fair
    } else if score >= g.pass {
        Grade::Pass
    } else {
        Grade::Poor
    }
}

/// What the evaluation is computed from, for one rep and one period. `None`
/// marks an input that is not known (no plan entered, no feedback received).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvaluationInput {
    pub actual_sales: Money,
    pub planned_sales: Option<Money>,
    pub collected: Money,
    pub planned_collection: Option<Money>,
    /// Sales of the previous period of the same length.
    pub last_period_sales: Money,
    pub accounts_at_start: u32,
    pub new_accounts: u32,
    pub accounts_at_end: u32,
    pub complaints: u32,
    /// Satisfaction ratings (1–5) from feedback in the period.
    pub satisfaction: Vec<u8>,
    pub expense_budget: Option<Money>,
    pub expense_actual: Option<Money>,
    /// Supervisor's scores, 0–100.
    pub ability: Option<u8>,
    pub attitude: Option<u8>,
}

/// One KPI's figure, its score and the inputs it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiResult {
    pub kpi: Kpi,
    /// The KPI's value (a ratio such as 0.95, or a count); `None` when missing.
    pub value: Option<f64>,
    /// Points earned out of `weight`.
    pub points: Option<f64>,
    pub weight: u32,
    /// The formula with the numbers put in, so a rep can check it.
    pub inputs: String,
    /// Why the value is missing.
    pub missing: Option<String>,
}

/// The whole evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub kpis: Vec<KpiResult>,
    pub ability: Option<u8>,
    pub attitude: Option<u8>,
    /// Weighted total out of 100, over the parts that could be scored.
    pub score: Option<f64>,
    /// The grade of `score`; `None` when under half the weight was scored.
    pub grade: Option<Grade>,
    /// Weight that could be scored out of the whole.
    pub scored_weight: u32,
    pub total_weight: u32,
    /// What could not be scored, by key.
    pub missing: Vec<String>,
}

impl Evaluation {
    pub fn kpi(&self, kpi: Kpi) -> Option<&KpiResult> {
        self.kpis.iter().find(|k| k.kpi == kpi)
    }
}

fn ratio(num: Money, den: Money) -> f64 {
    num.fen() as f64 / den.fen() as f64
}

/// Points for a value on a scale: 0 at `zero`, `weight` at `full`, linear, clamped.
fn points(scale: KpiScale, value: f64) -> f64 {
    // `+ 0.0` turns a negative zero (value at `zero` on a falling scale) into 0.
    let t = ((value - scale.zero) / (scale.full - scale.zero)).clamp(0.0, 1.0) + 0.0;
    t * f64::from(scale.weight)
}

fn kpi_value(kpi: Kpi, i: &EvaluationInput, lang: Lang) -> (Option<f64>, String, Option<String>) {
    let miss = |zh: &str, en: &str| Some(lang.pick(zh, en).to_string());
    match kpi {
        Kpi::PlanCompletion => match i.planned_sales {
            Some(p) if p > Money::ZERO => {
                (Some(ratio(i.actual_sales, p)), format!("{} / {}", i.actual_sales.grouped(), p.grouped()), None)
            }
            _ => (None, String::new(), miss("未录入计划销售额", "no planned sales entered")),
        },
        Kpi::CollectionRate => match i.planned_collection {
            Some(p) if p > Money::ZERO => {
                (Some(ratio(i.collected, p)), format!("{} / {}", i.collected.grouped(), p.grouped()), None)
            }
            _ => (None, String::new(), miss("未录入计划回款额", "no planned collection entered")),
        },
        Kpi::Growth => {
            if i.last_period_sales > Money::ZERO {
                (
                    Some(ratio(i.actual_sales - i.last_period_sales, i.last_period_sales)),
                    format!(
                        "({} − {}) / {}",
                        i.actual_sales.grouped(),
                        i.last_period_sales.grouped(),
                        i.last_period_sales.grouped()
                    ),
                    None,
                )
            } else {
                (None, String::new(), miss("上一考核期无销售额", "no sales in the previous period"))
            }
        }
        Kpi::Churn => {
            if i.accounts_at_start > 0 {
                let lost = i64::from(i.accounts_at_start) + i64::from(i.new_accounts) - i64::from(i.accounts_at_end);
                (
                    Some(lost as f64 / f64::from(i.accounts_at_start)),
                    format!(
                        "({} + {} − {}) / {}",
                        i.accounts_at_start, i.new_accounts, i.accounts_at_end, i.accounts_at_start
                    ),
                    None,
                )
            } else {
                (None, String::new(), miss("期初无大客户", "no accounts at the start of the period"))
            }
        }
        Kpi::NewAccounts => (Some(f64::from(i.new_accounts)), i.new_accounts.to_string(), None),
        Kpi::Complaints => (Some(f64::from(i.complaints)), i.complaints.to_string(), None),
        Kpi::Satisfaction => {
            if i.satisfaction.is_empty() {
                (None, String::new(), miss("本期没有满意度反馈", "no satisfaction feedback in the period"))
            } else {
                let sum: u32 = i.satisfaction.iter().map(|&s| u32::from(s)).sum();
                let n = i.satisfaction.len();
                (Some(f64::from(sum) / n as f64), format!("{sum} / {n}"), None)
            }
        }
        Kpi::ExpenseSaving => match (i.expense_budget, i.expense_actual) {
            (Some(b), Some(a)) if b > Money::ZERO => {
                (Some(ratio(b - a, b)), format!("({} − {}) / {}", b.grouped(), a.grouped(), b.grouped()), None)
            }
            _ => (None, String::new(), miss("未录入费用预算或实际费用", "no expense budget or actual entered")),
        },
    }
}

/// Evaluates a rep for a period.
pub fn evaluate(rules: &Rules, input: &EvaluationInput, lang: Lang) -> Evaluation {
    let e = &rules.evaluation;
    let mut kpis = Vec::new();
    let mut earned = 0.0;
    let mut scored_weight = 0u32;
    let mut total_weight = 0u32;
    let mut missing = Vec::new();
    for &kpi in Kpi::ALL {
        let Some(&scale) = e.kpis.get(&kpi) else { continue };
        let (value, inputs, why) = kpi_value(kpi, input, lang);
        let pts = value.map(|v| points(scale, v));
        total_weight += scale.weight;
        if let Some(p) = pts {
            earned += p;
            scored_weight += scale.weight;
        } else {
            missing.push(kpi.key().to_string());
        }
        kpis.push(KpiResult { kpi, value, points: pts, weight: scale.weight, inputs, missing: why });
    }
    for (name, score, weight) in
        [("ability", input.ability, e.ability_weight), ("attitude", input.attitude, e.attitude_weight)]
    {
        total_weight += weight;
        match score {
            Some(s) => {
                earned += f64::from(s.min(100)) / 100.0 * f64::from(weight);
                scored_weight += weight;
            }
            None => missing.push(name.to_string()),
        }
    }
    let score = (scored_weight > 0).then(|| (earned / f64::from(scored_weight) * 1000.0).round() / 10.0);
    Evaluation {
        kpis,
        ability: input.ability,
        attitude: input.attitude,
        grade: score.filter(|_| gradable(scored_weight, total_weight)).map(|s| grade(rules, s)),
        score,
        scored_weight,
        total_weight,
        missing,
    }
}

/// An evaluation period: a month, a quarter or a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year { year: i32 },
}

/// A period that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a period: write a month (2026-11), a quarter (2026-Q4) or a year (2026)")]
pub struct PeriodError(pub String);

impl PeriodError {
    /// The message in `lang` (the `Display` text is the English one).
    pub fn message(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::En => self.to_string(),
            crate::Lang::Zh => format!("“{}”不是考核期:请写月份(2026-11)、季度(2026-Q4)或年份(2026)", self.0),
        }
    }
}

impl Period {
    /// Parses `2026-11`, `2026-Q4` (or `2026q4`) or `2026`.
    pub fn parse(s: &str) -> Result<Self, PeriodError> {
        let t = s.trim();
        let err = || PeriodError(t.to_string());
        let year = |y: &str| -> Result<i32, PeriodError> {
            if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) {
                y.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        let quarter = |y: &str, q: &str| -> Result<Self, PeriodError> {
            let quarter: u32 = q.parse().map_err(|_| err())?;
            if (1..=4).contains(&quarter) {
                Ok(Self::Quarter { year: year(y)?, quarter })
            } else {
                Err(err())
            }
        };
        if let Some((y, rest)) = t.split_once('-') {
            if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                return quarter(y, q);
            }
            if rest.is_empty() || rest.len() > 2 || !rest.chars().all(|c| c.is_ascii_digit()) {
                return Err(err());
            }
            let month: u32 = rest.parse().map_err(|_| err())?;
            return if (1..=12).contains(&month) { Ok(Self::Month { year: year(y)?, month }) } else { Err(err()) };
        }
        if let Some((y, q)) = t.split_once(['Q', 'q']) {
            return quarter(y, q);
        }
        Ok(Self::Year { year: year(t)? })
    }

    /// The month that holds `day`.
    pub fn month_of(day: NaiveDate) -> Self {
        Self::Month { year: day.year(), month: day.month() }
    }

    /// First day of the period.
    pub fn start(self) -> NaiveDate {
        let ymd = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
        match self {
            Self::Month { year, month } => ymd(year, month),
            Self::Quarter { year, quarter } => ymd(year, quarter * 3 - 2),
            Self::Year { year } => ymd(year, 1),
        }
    }

    /// Last day of the period.
    pub fn end(self) -> NaiveDate {
        let months = match self {
            Self::Month { .. } => 1,
            Self::Quarter { .. } => 3,
            Self::Year { .. } => 12,
        };
        self.start().checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The period of the same length just before.
    pub fn previous(self) -> Self {
        match self {
            Self::Month { year, month: 1 } => Self::Month { year: year - 1, month: 12 },
            Self::Month { year, month } => Self::Month { year, month: month - 1 },
            Self::Quarter { year, quarter: 1 } => Self::Quarter { year: year - 1, quarter: 4 },
            Self::Quarter { year, quarter } => Self::Quarter { year, quarter: quarter - 1 },
            Self::Year { year } => Self::Year { year: year - 1 },
        }
    }

    /// When the evaluation is due (seed 000 考核周期): a month on the 5th of
    /// the next month, a quarter within 10 days of its end, a year by 10 January.
    pub fn due(self) -> NaiveDate {
        let after = self.end().succ_opt().unwrap_or(NaiveDate::MAX);
        match self {
            Self::Month { .. } => after.checked_add_days(Days::new(4)).unwrap_or(after),
            Self::Quarter { .. } | Self::Year { .. } => after.checked_add_days(Days::new(9)).unwrap_or(after),
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        (self.start()..=self.end()).contains(&day)
    }

    /// While the period runs on `today` (its last day not yet over): which
    /// day of how many it is, so a grade is read as "so far". `None` once
    /// the period has ended or before it starts.
    pub fn progress(self, today: NaiveDate) -> Option<(u32, u32)> {
        if !self.contains(today) || today == self.end() {
            return None;
        }
        let day = (today - self.start()).num_days() + 1;
        let days = (self.end() - self.start()).num_days() + 1;
        Some((u32::try_from(day).unwrap_or(u32::MAX), u32::try_from(days).unwrap_or(u32::MAX)))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year}-{month:02}"),
            Self::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Self::Year { year } => write!(f, "{year}"),
        }
    }
}

/// What the evaluation needs of one of a rep's accounts to count it at the
/// start and end of a period and as new in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountHistory {
    /// Since when the customer has bought from us, when it predates the file
    /// (seed 003's 交往时间).
    pub customer_since: Option<NaiveDate>,
    /// The dates of its orders, in any order.
    pub order_dates: Vec<NaiveDate>,
    /// The day it left the file (deleted), if it did.
    pub gone: Option<NaiveDate>,
}

impl AccountHistory {
    /// Its first day as a customer: the customer-since date, else its first
    /// order. An account with neither has not become a customer yet.
    pub fn customer_from(&self) -> Option<NaiveDate> {
        self.customer_since.or_else(|| self.order_dates.iter().min().copied())
    }

    /// Whether it is an active key account on `day`: still in the file and
    /// buying, with an order in the annual window up to `day` (the window
    /// that makes its tier, so an account that has not ordered for a year is
    /// lost).
    pub fn active_on(&self, rules: &Rules, day: NaiveDate) -> bool {
        if self.gone.is_some_and(|g| g <= day) {
            return false;
        }
        let (after, last) = crate::tier::annual_window(rules, day);
        self.order_dates.iter().any(|d| *d > after && *d <= last)
    }
}

/// Seed 000's counts for churn (流失率 = (期初 + 期内新增 − 期末) / 期初) and new
/// accounts (大客户新开发数): accounts active the day before the period
/// starts, accounts that became customers in the period (by their first order
/// or customer-since date: an old customer entered today is not new), and
/// accounts active on its last day (or on `today`, while it runs).
pub fn account_counts(rules: &Rules, period: Period, today: NaiveDate, accounts: &[AccountHistory]) -> (u32, u32, u32) {
    let before = period.start().pred_opt().unwrap_or(NaiveDate::MIN);
    let end = period.end().min(today.max(period.start()));
    let count = |f: &dyn Fn(&AccountHistory) -> bool| {
        u32::try_from(accounts.iter().filter(|a| f(a)).count()).unwrap_or(u32::MAX)
    };
    (
        count(&|a| a.active_on(rules, before)),
        count(&|a| a.customer_from().is_some_and(|d| d >= period.start() && d <= end)),
        count(&|a| a.active_on(rules, end)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_period_says_which_day_it_is() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let dec = Period::parse("2026-12").expect("period");
        assert_eq!(dec.progress(d("2026-12-04")), Some((4, 31)));
        assert_eq!(dec.progress(d("2026-12-01")), Some((1, 31)));
        assert_eq!(dec.progress(d("2026-12-31")), None, "the last day: the period is whole");
        assert_eq!(dec.progress(d("2027-01-01")), None);
        assert_eq!(dec.progress(d("2026-11-30")), None);
        let feb = Period::parse("2028-02").expect("period");
        assert_eq!(feb.progress(d("2028-02-28")), Some((28, 29)), "a leap February");
        let q = Period::parse("2026-Q4").expect("quarter");
        assert_eq!(q.progress(d("2026-12-04")), Some((65, 92)));
    }

    #[test]
    fn churn_and_new_accounts_follow_orders_not_records() {
        let r = Rules::default();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let period = Period::parse("2026-11").expect("period");
        let today = d("2026-12-04");
        let h = |since: Option<&str>, orders: &[&str], gone: Option<&str>| AccountHistory {
            customer_since: since.map(d),
            order_dates: orders.iter().map(|o| d(o)).collect(),
            gone: gone.map(d),
        };
        let accounts = [
            // Buying all along: active at both ends.
            h(None, &["2026-03-01", "2026-11-10"], None),
            // Last order 2025-11-15: active on 31 October (within 365 days), not on 30 November: churned.
            h(None, &["2025-11-15"], None),
            // An old customer imported this month with its first order here: not new.
            h(Some("2015-06-01"), &["2026-11-20"], None),
            // A new customer: first order in the period.
            h(None, &["2026-11-03"], None),
            // Deleted in the period after buying in the spring: lost.
            h(None, &["2026-04-01"], Some("2026-11-15")),
            // Entered but never ordered: neither counted nor new.
            h(None, &[], None),
        ];
        let (start, new, end) = account_counts(&r, period, today, &accounts);
        assert_eq!((start, new, end), (3, 1, 3));
        // Seed 000: (3 + 1 − 3) / 3 lost.
        let e = evaluate(
            &r,
            &EvaluationInput {
                accounts_at_start: start,
                new_accounts: new,
                accounts_at_end: end,
                ..EvaluationInput::default()
            },
            Lang::En,
        );
        let churn = e.kpi(Kpi::Churn).and_then(|k| k.value).expect("churn");
        assert!((churn - 1.0 / 3.0).abs() < 1e-9, "{churn}");
        // A first order on the period's last day is new; one on the next day is not.
        let edge = [h(None, &["2026-11-30"], None), h(None, &["2026-12-01"], None)];
        assert_eq!(account_counts(&r, period, d("2026-12-31"), &edge).1, 1);
        // While the month runs, its end is today: an order tomorrow is not yet counted.
        let running = [h(None, &["2026-11-05"], None)];
        assert_eq!(account_counts(&r, period, d("2026-11-04"), &running), (0, 0, 0));
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn grade_bands() {
        let r = Rules::default();
        for (s, g) in [
            (100.0, Grade::Excellent),
            (90.0, Grade::Excellent),
            (89.9, Grade::Good),
            (80.0, Grade::Good),
            (79.9, Grade::Fair),
            (70.0, Grade::Fair),
            (69.9, Grade::Pass),
            (60.0, Grade::Pass),
            (59.9, Grade::Poor),
            (0.0, Grade::Poor),
        ] {
            assert_eq!(grade(&r, s), g, "score {s}");
        }
    }

    fn full_input() -> EvaluationInput {
        EvaluationInput {
            actual_sales: Money::from_yuan(1_000_000),
            planned_sales: Some(Money::from_yuan(1_000_000)),
            collected: Money::from_yuan(900_000),
            planned_collection: Some(Money::from_yuan(900_000)),
            last_period_sales: Money::from_yuan(800_000),
            accounts_at_start: 10,
            new_accounts: 3,
            accounts_at_end: 13,
            complaints: 0,
            satisfaction: vec![5, 5],
            expense_budget: Some(Money::from_yuan(100)),
            expense_actual: Some(Money::from_yuan(80)),
            ability: Some(100),
            attitude: Some(100),
        }
    }

    #[test]
    fn a_perfect_month_scores_100() {
        let r = Rules::default();
        let e = evaluate(&r, &full_input(), Lang::En);
        assert_eq!(e.score, Some(100.0));
        assert_eq!(e.grade, Some(Grade::Excellent));
        assert!(e.missing.is_empty());
        let g = e.kpi(Kpi::Growth).expect("growth");
        assert_eq!(g.value, Some(0.25));
        assert_eq!(g.inputs, "(1,000,000.00 − 800,000.00) / 800,000.00");
        assert_eq!(e.kpi(Kpi::Churn).and_then(|k| k.value), Some(0.0));
    }

    #[test]
    fn kpis_are_the_seed_formulas() {
        let r = Rules::default();
        let mut i = full_input();
        i.actual_sales = Money::from_yuan(750_000);
        i.accounts_at_end = 11; // lost 2 of 10 + 3
        i.satisfaction = vec![4, 5, 3];
        let e = evaluate(&r, &i, Lang::En);
        assert_eq!(e.kpi(Kpi::PlanCompletion).and_then(|k| k.value), Some(0.75));
        // plan completion: halfway between 0.5 and 1.0 → 12.5 of 25 points
        assert_eq!(e.kpi(Kpi::PlanCompletion).and_then(|k| k.points), Some(12.5));
        assert_eq!(e.kpi(Kpi::Churn).and_then(|k| k.value), Some(0.2));
        assert_eq!(e.kpi(Kpi::Satisfaction).and_then(|k| k.value), Some(4.0));
        assert_eq!(e.kpi(Kpi::ExpenseSaving).and_then(|k| k.value), Some(0.2));
    }

    #[test]
    fn a_missing_input_is_missing_not_zero() {
        let r = Rules::default();
        let mut i = full_input();
        i.planned_sales = None;
        i.satisfaction.clear();
        i.ability = None;
        let e = evaluate(&r, &i, Lang::En);
        let pc = e.kpi(Kpi::PlanCompletion).expect("kpi");
        assert_eq!((pc.value, pc.points), (None, None));
        assert_eq!(pc.missing.as_deref(), Some("no planned sales entered"));
        assert_eq!(e.missing, vec!["plan_completion", "satisfaction", "ability"]);
        assert_eq!(e.scored_weight, 60);
        assert_eq!(e.score, Some(100.0), "the rest is perfect: a missing input is not a zero");
        let none = evaluate(&r, &EvaluationInput::default(), Lang::Zh);
        assert!(none.kpi(Kpi::Growth).and_then(|k| k.missing.clone()).is_some());
    }

    #[test]
    fn no_grade_when_under_half_the_weight_is_scored() {
        let r = Rules::default();
        // No data at all: only the two counts (0 new accounts, 0 complaints).
        let none = evaluate(&r, &EvaluationInput::default(), Lang::Zh);
        assert_eq!((none.scored_weight, none.total_weight), (10, 100));
        assert_eq!(none.score, Some(50.0), "the score over what was scored is still shown");
        assert_eq!(none.grade, None, "10 of 100 weight points is not graded");
        // Exactly half the weight: graded.
        let half = EvaluationInput {
            actual_sales: Money::from_yuan(100),
            planned_sales: Some(Money::from_yuan(100)),
            accounts_at_start: 1,
            accounts_at_end: 1,
            ability: Some(100),
            ..EvaluationInput::default()
        };
        let e = evaluate(&r, &half, Lang::En);
        assert_eq!(e.scored_weight, 50);
        assert_eq!(e.grade, Some(Grade::Excellent), "{e:?}");
        // One KPI less (churn, 5 points): 45 of 100, no grade.
        let under = EvaluationInput { accounts_at_start: 0, accounts_at_end: 0, ..half };
        let e = evaluate(&r, &under, Lang::En);
        assert_eq!((e.scored_weight, e.grade), (45, None));
        assert!(e.score.is_some());
        assert!(!gradable(0, 0));
    }

    #[test]
    fn periods_parse_and_refuse() {
        assert_eq!(Period::parse("2026-11"), Ok(Period::Month { year: 2026, month: 11 }));
        assert_eq!(Period::parse("2026-Q4"), Ok(Period::Quarter { year: 2026, quarter: 4 }));
        assert_eq!(Period::parse("2026q1"), Ok(Period::Quarter { year: 2026, quarter: 1 }));
        assert_eq!(Period::parse("2026"), Ok(Period::Year { year: 2026 }));
        for bad in ["2026-13", "2026-0", "2026-Q5", "26", "2026-1-1", "abc", "", "2026-"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert!(Period::parse("2026-13").unwrap_err().to_string().contains("2026-Q4"));
    }

    #[test]
    fn period_bounds_and_due_dates() {
        let m = Period::parse("2026-11").expect("p");
        assert_eq!((m.start(), m.end(), m.due()), (d("2026-11-01"), d("2026-11-30"), d("2026-12-05")));
        let q = Period::parse("2026-Q4").expect("p");
        assert_eq!((q.start(), q.end(), q.due()), (d("2026-10-01"), d("2026-12-31"), d("2027-01-10")));
        let y = Period::parse("2026").expect("p");
        assert_eq!((y.end(), y.due()), (d("2026-12-31"), d("2027-01-10")));
        assert_eq!(Period::parse("2026-01").expect("p").previous().to_string(), "2025-12");
        assert_eq!(Period::parse("2026-Q1").expect("p").previous().to_string(), "2025-Q4");
        let feb = Period::parse("2028-02").expect("p");
        assert_eq!(feb.end(), d("2028-02-29"));
    }
}
