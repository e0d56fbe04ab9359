//! §4.1 Tier by annual order volume and §4.4 downgrade on overdue receivables.
//!
//! Seed 000 (大客户拿货优惠方案) defines the tiers: 银牌 under 1,000,000 yuan a
//! year, 金牌 from 1,000,000 to 3,000,000, 钻石 (kam's platinum, the name of
//! seed 002) over 3,000,000. Seed 002 (改善后 2) drops an account whose
//! receivables stay unpaid too long by one tier until it pays.

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use crate::label::{Labeled, Lang};
use crate::labeled_enum;
use crate::money::Money;
use crate::rules::{AnnualWindow, Rules};

labeled_enum! {
    /// Account tier, lowest first.
    pub enum Tier: "tier" {
        Silver => ("silver", "银牌", "Silver"),
        Gold => ("gold", "金牌", "Gold"),
        // Seed 000's discount scheme names the top tier 钻石 (diamond).
        Platinum => ("platinum", "白金", "Platinum", also ["钻石", "diamond"]),
    }
}

impl Tier {
    /// One tier lower; silver stays silver (§4.4).
    pub fn down(self) -> Self {
        match self {
            Self::Platinum => Self::Gold,
            Self::Gold | Self::Silver => Self::Silver,
        }
    }
}

/// The tier whose band holds the annual volume `annual`.
///
/// Validated rules cover every volume from 0 up; a negative volume (more
/// returned than bought) counts as the lowest tier.
pub fn tier_for_volume(rules: &Rules, annual: Money) -> Tier {
    let bands = &rules.tier.bands;
    bands.iter().find(|b| b.range.contains(annual)).or_else(|| bands.first()).map_or(Tier::Silver, |b| b.tier)
}

/// The orders the annual volume sums on `today`: those dated after the
/// first day returned and up to and including `today`. With the rolling
/// window that is the rules' number of days (365: today and the 364 before);
/// with the calendar year, 1 January of `today`'s year on. The store reads
/// its orders between these two days.
pub fn annual_window(rules: &Rules, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let after = match rules.tier.annual_window {
        AnnualWindow::Rolling => today.checked_sub_days(Days::new(u64::from(rules.tier.annual_window_days))),
        AnnualWindow::CalendarYear => {
            NaiveDate::from_ymd_opt(today.year(), 1, 1).and_then(|jan1| jan1.checked_sub_days(Days::new(1)))
        }
    };
    (after.unwrap_or(NaiveDate::MIN), today)
}

/// Annual volume: the sum of order amounts dated in the rules' window (see
/// [`annual_window`]) up to and including `today`. Orders after `today` do
/// not count.
pub fn annual_volume<I>(rules: &Rules, orders: I, today: NaiveDate) -> Money
where
    I: IntoIterator<Item = (NaiveDate, Money)>,
{
    let (after, last) = annual_window(rules, today);
    orders.into_iter().filter(|(d, _)| *d > after && *d <= last).map(|(_, m)| m).sum()
}

/// An unpaid receivable: what is still owed and when it was due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receivable {
    pub due: NaiveDate,
    pub outstanding: Money,
}

/// What is still owed on an order: its net amount less what was collected,
/// never below zero (an overpayment owes nothing). The one formula the
/// ledger, Today, the export and the report all read.
pub fn outstanding(net: Money, collected: Money) -> Money {
    let left = Money::from_fen(net.fen().saturating_sub(collected.fen()));
    if left.is_negative() {
        Money::ZERO
    } else {
        left
    }
}

/// What more may be collected on an order: the amount a new collection may
/// not pass (`None` when the collections already pass the net amount).
pub fn collectable(net: Money, collected: Money) -> Option<Money> {
    let left = net.fen().checked_sub(collected.fen())?;
    (left >= 0).then_some(Money::from_fen(left))
}

/// Whether an order with `outstanding` left unpaid is an unpaid receivable
/// for the downgrade: more than the rules' residue (0: any fen) is owed.
pub fn counts_as_unpaid(rules: &Rules, outstanding: Money) -> bool {
    outstanding > rules.downgrade.residue.max(Money::ZERO)
}

/// Days the oldest unpaid receivable is past its due date on `today`
/// (0 when nothing is overdue). Paid ones, and those with no more than the
/// rules' residue left ([`counts_as_unpaid`]), do not count.
pub fn max_overdue_days<I>(rules: &Rules, receivables: I, today: NaiveDate) -> u32
where
    I: IntoIterator<Item = Receivable>,
{
    receivables
        .into_iter()
        .filter(|r| counts_as_unpaid(rules, r.outstanding))
        .map(|r| (today - r.due).num_days().max(0))
        .max()
        .map_or(0, |d| u32::try_from(d).unwrap_or(u32::MAX))
}

/// §4.4: whether a receivable this many days overdue triggers the downgrade
/// (strictly more than the rules' 90 days).
pub fn downgrade_applies(rules: &Rules, overdue_days: u32) -> bool {
    overdue_days > rules.downgrade.overdue_days
}

/// A manual tier set by a person, with the reason they gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierOverride {
    pub tier: Tier,
    pub reason: String,
}

/// The tier in force and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierDecision {
    pub annual: Money,
    /// The tier the volume alone gives.
    pub by_volume: Tier,
    /// The tier in force, after the override and the downgrade.
    pub tier: Tier,
    pub downgraded: bool,
    pub overdue_days: u32,
    #[serde(skip)]
    pub overridden: Option<TierOverride>,
}

/// Decides an account's tier: the volume's tier, or the manual override when
/// one is set, then one tier down when a receivable is overdue past the limit.
pub fn decide_tier(rules: &Rules, annual: Money, overdue_days: u32, overridden: Option<TierOverride>) -> TierDecision {
    let by_volume = tier_for_volume(rules, annual);
    let base = overridden.as_ref().map_or(by_volume, |o| o.tier);
    let downgraded = downgrade_applies(rules, overdue_days) && base != Tier::Silver;
    let tier = if downgrade_applies(rules, overdue_days) { base.down() } else { base };
    TierDecision { annual, by_volume, tier, downgraded, overdue_days, overridden }
}

impl TierDecision {
    /// The decision in words, with the band and the downgrade's cause.
    pub fn reason(&self, rules: &Rules, lang: Lang) -> String {
        let band = rules
            .tier
            .bands
            .iter()
            .find(|b| b.tier == self.by_volume)
            .map(|b| b.range.describe("V"))
            .unwrap_or_default();
        let mut parts = vec![match lang {
            Lang::Zh => format!("年度订货量 {} 元,属{}({band})", self.annual.grouped(), self.by_volume.zh()),
            Lang::En => format!("annual volume {} yuan is {} ({band})", self.annual.grouped(), self.by_volume.en()),
        }];
        if let Some(o) = &self.overridden {
            parts.push(match lang {
                Lang::Zh => format!("手动设为{}:{}", o.tier.zh(), o.reason),
                Lang::En => format!("set by hand to {}: {}", o.tier.en(), o.reason),
            });
        }
        let limit = rules.downgrade.overdue_days;
        if downgrade_applies(rules, self.overdue_days) {
            let base = self.overridden.as_ref().map_or(self.by_volume, |o| o.tier);
            parts.push(if self.downgraded {
                match lang {
                    Lang::Zh => format!(
                        "应收账款逾期 {} 天(超过 {limit} 天),由{}降为{},付清后恢复",
                        self.overdue_days,
                        base.zh(),
                        self.tier.zh()
                    ),
                    Lang::En => format!(
                        "a receivable is {} days overdue (more than {limit}): down from {} to {} until paid",
                        self.overdue_days,
                        base.en(),
                        self.tier.en()
                    ),
                }
            } else {
                match lang {
                    Lang::Zh => format!("应收账款逾期 {} 天(超过 {limit} 天),已是最低等级", self.overdue_days),
                    Lang::En => format!(
                        "a receivable is {} days overdue (more than {limit}); already the lowest tier",
                        self.overdue_days
                    ),
                }
            });
        } else if self.overdue_days > 0 {
            parts.push(match lang {
                Lang::Zh => format!("应收账款逾期 {} 天(未超过 {limit} 天,不降级)", self.overdue_days),
                Lang::En => {
                    format!("a receivable is {} days overdue (not more than {limit}: no downgrade)", self.overdue_days)
                }
            });
        }
        parts.join(if lang == Lang::Zh { ";" } else { "; " })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r() -> Rules {
        Rules::default()
    }

    fn tier(fen: i64) -> Tier {
        tier_for_volume(&r(), Money::from_fen(fen))
    }

    #[test]
    fn outstanding_is_net_less_collected_and_never_below_zero() {
        let m = Money::from_fen;
        assert_eq!(outstanding(m(100_00), m(0)), m(100_00));
        assert_eq!(outstanding(m(100_00), m(99_99)), m(1));
        assert_eq!(outstanding(m(100_00), m(100_00)), Money::ZERO);
        assert_eq!(outstanding(m(100_00), m(100_01)), Money::ZERO, "overpaid owes nothing");
        assert_eq!(collectable(m(100_00), m(40_00)), Some(m(60_00)));
        assert_eq!(collectable(m(100_00), m(100_00)), Some(Money::ZERO));
        assert_eq!(collectable(m(100_00), m(100_01)), None);
    }

    #[test]
    fn the_seeds_name_for_the_top_tier_is_accepted_and_shown_as_platinum() {
        for typed in ["钻石", "diamond", "Diamond", " 钻石 ", "白金", "platinum"] {
            assert_eq!(Tier::parse(typed), Some(Tier::Platinum), "{typed}");
        }
        assert_eq!("钻石".parse::<Tier>(), Ok(Tier::Platinum));
        assert_eq!(Tier::Platinum.label(Lang::Zh), "白金");
        assert_eq!(Tier::parse("钻"), None);
        assert_eq!(Tier::Gold.aliases(), &[] as &[&str]);
    }

    #[test]
    fn boundaries_of_4_1() {
        // silver: V < 1,000,000
        assert_eq!(tier(0), Tier::Silver);
        assert_eq!(tier(999_999_00), Tier::Silver); // one yuan below
        assert_eq!(tier(999_999_99), Tier::Silver); // one fen below
                                                    // gold: 1,000,000 ≤ V ≤ 3,000,000
        assert_eq!(tier(1_000_000_00), Tier::Gold); // at
        assert_eq!(tier(1_000_000_01), Tier::Gold); // one fen above
        assert_eq!(tier(2_999_999_00), Tier::Gold); // one yuan below
        assert_eq!(tier(3_000_000_00), Tier::Gold); // at: still gold
                                                    // platinum: V > 3,000,000
        assert_eq!(tier(3_000_000_01), Tier::Platinum); // one fen above
        assert_eq!(tier(i64::MAX), Tier::Platinum);
        assert_eq!(tier(-5), Tier::Silver);
    }

    #[test]
    fn downgrade_at_90_and_91_days() {
        let rules = r();
        let gold = Money::from_yuan(2_000_000);
        let d90 = decide_tier(&rules, gold, 90, None);
        assert_eq!((d90.tier, d90.downgraded), (Tier::Gold, false));
        let d91 = decide_tier(&rules, gold, 91, None);
        assert_eq!((d91.tier, d91.downgraded), (Tier::Silver, true));
        let p = decide_tier(&rules, Money::from_yuan(5_000_000), 91, None);
        assert_eq!((p.tier, p.downgraded), (Tier::Gold, true));
        let s = decide_tier(&rules, Money::from_yuan(10), 400, None);
        assert_eq!((s.tier, s.downgraded), (Tier::Silver, false));
        assert!(s.reason(&rules, Lang::En).contains("already the lowest tier"));
        assert!(d91.reason(&rules, Lang::En).contains("down from Gold to Silver"));
        assert!(d91.reason(&rules, Lang::Zh).contains("由金牌降为银牌"));
    }

    #[test]
    fn override_then_downgrade() {
        let rules = r();
        let o = TierOverride { tier: Tier::Platinum, reason: "strategic".into() };
        let d = decide_tier(&rules, Money::from_yuan(10), 0, Some(o.clone()));
        assert_eq!(d.tier, Tier::Platinum);
        assert!(d.reason(&rules, Lang::En).contains("set by hand to Platinum: strategic"));
        let d = decide_tier(&rules, Money::from_yuan(10), 91, Some(o));
        assert_eq!(d.tier, Tier::Gold);
    }

    #[test]
    fn overdue_days_from_receivables() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let due = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let rs = [
            Receivable { due: due("2026-08-25"), outstanding: Money::from_yuan(5) }, // 90 days
            Receivable { due: due("2026-01-01"), outstanding: Money::ZERO },         // paid
            Receivable { due: due("2026-12-01"), outstanding: Money::from_yuan(5) }, // not due
        ];
        assert_eq!(max_overdue_days(&r(), rs, today), 90);
        assert_eq!(max_overdue_days(&r(), [], today), 0);
    }

    #[test]
    fn a_residue_at_or_below_the_rules_threshold_does_not_downgrade() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let due = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let left = |fen: i64| [Receivable { due, outstanding: Money::from_fen(fen) }];
        // The seeds' rule: a single fen unpaid counts.
        assert_eq!(max_overdue_days(&r(), left(1), today), 326);
        let mut rules = r();
        rules.downgrade.residue = Money::from_yuan(10);
        assert_eq!(max_overdue_days(&rules, left(10_00), today), 0, "10.00 left: at the threshold, ignored");
        assert_eq!(max_overdue_days(&rules, left(10_01), today), 326, "10.01 left: counts");
        assert!(!counts_as_unpaid(&rules, Money::ZERO));
        let gold = Money::from_yuan(2_000_000);
        assert!(!decide_tier(&rules, gold, max_overdue_days(&rules, left(10_00), today), None).downgraded);
    }

    #[test]
    fn annual_window_is_365_days_up_to_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let rules = r();
        let y = |d: i64, m: i64| (today - chrono::Duration::days(d), Money::from_yuan(m));
        let v = annual_volume(&rules, [y(0, 1), y(364, 10), y(365, 100), y(-1, 1000)], today);
        assert_eq!(v, Money::from_yuan(11));
    }

    #[test]
    fn the_calendar_year_window_starts_on_1_january() {
        let mut rules = r();
        rules.tier.annual_window = AnnualWindow::CalendarYear;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let orders =
            |pairs: &[(&str, i64)]| pairs.iter().map(|(s, y)| (d(s), Money::from_yuan(*y))).collect::<Vec<_>>();
        let year = orders(&[("2025-12-31", 100), ("2026-01-01", 1), ("2026-11-23", 10), ("2026-11-24", 1000)]);
        assert_eq!(annual_volume(&rules, year.clone(), d("2026-11-23")), Money::from_yuan(11));
        // On 1 January only that day's orders count; on 31 December the whole year.
        assert_eq!(annual_volume(&rules, year.clone(), d("2026-01-01")), Money::from_yuan(1));
        assert_eq!(annual_window(&rules, d("2026-12-31")), (d("2025-12-31"), d("2026-12-31")));
        // A leap year's 29 February is inside its year.
        let leap = orders(&[("2028-02-29", 7), ("2027-12-31", 100)]);
        assert_eq!(annual_volume(&rules, leap, d("2028-03-01")), Money::from_yuan(7));
        // The rolling window is unchanged by the choice's existence.
        assert_eq!(annual_window(&r(), d("2026-11-23")), (d("2025-11-23"), d("2026-11-23")));
    }
}
