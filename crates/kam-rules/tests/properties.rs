//! Property tests of the rules (DESIGN §4.1, §4.2) and of the rules file.

use std::collections::BTreeMap;

use kam_rules::rules::{DiscountBand, Range, TierBand};
use kam_rules::tier::tier_for_volume;
use kam_rules::{decide_tier, discount, Labeled, Money, Payment, Rate, Rules, Tier};
use proptest::prelude::*;

fn any_tier() -> impl Strategy<Value = Tier> {
    prop::sample::select(Tier::ALL.to_vec())
}

fn any_payment() -> impl Strategy<Value = Payment> {
    prop::sample::select(Payment::ALL.to_vec())
}

/// Amounts from 0 to 2,000,000 yuan in fen, weighted toward the band edges.
fn any_amount() -> impl Strategy<Value = Money> {
    prop_oneof![
        (0i64..200_000_000_00).prop_map(Money::from_fen),
        prop::sample::select(vec![10_000_00i64, 50_000_00, 100_000_00])
            .prop_flat_map(|edge| (edge - 200..edge + 200).prop_map(Money::from_fen)),
    ]
}

/// A valid rules set with random numbers: contiguous tiers, ordered discount
/// bands, non-rising rates, positive weights.
fn any_rules() -> impl Strategy<Value = Rules> {
    (
        (1i64..5_000_000, 1i64..5_000_000, any::<bool>()),
        prop::collection::vec(1i64..200_000, 1..5),
        prop::collection::vec(1_000u32..=10_000, 15),
        (1u32..400, 1u32..100, 1u32..100, 1u32..3650),
        (100u32..=10_000, 100u32..=10_000, 100u32..=10_000, 100u32..=10_000),
        prop::collection::vec(1u32..50, 10),
    )
        .prop_map(|((a, b, incl), mut mins, rates, days, abc, weights)| {
            let mut r = Rules::default();
            let (lo, hi) = (a.min(b), a.max(b) + 1);
            r.tier.annual_window_days = days.3;
            r.tier.bands = vec![
                TierBand { tier: Tier::Silver, range: range(None, true, Some(lo), !incl) },
                TierBand { tier: Tier::Gold, range: range(Some(lo), incl, Some(hi), incl) },
                TierBand { tier: Tier::Platinum, range: range(Some(hi), !incl, None, false) },
            ];
            mins.sort_unstable();
            mins.dedup();
            let n = mins.len();
            r.discount.bands = (0..n)
                .map(|i| DiscountBand {
                    band: u8::try_from(i + 1).unwrap_or(u8::MAX),
                    range: range(Some(mins[i]), true, mins.get(i + 1).copied(), false),
                })
                .collect();
            r.discount.rates = Tier::ALL
                .iter()
                .enumerate()
                .map(|(t, tier)| {
                    let mut v: Vec<Rate> = rates[t * 5..t * 5 + n].iter().map(|&bp| Rate::from_bp(bp)).collect();
                    v.sort_unstable_by(|x, y| y.cmp(x));
                    (*tier, v)
                })
                .collect::<BTreeMap<_, _>>();
            r.downgrade.overdue_days = days.0;
            r.cadence.manager_visit_days = days.1;
            r.cadence.contact_days = days.2;
            let (a1, a2, p1, p2) = abc;
            r.abc.scorecard_a = Rate::from_bp(a1.max(a2));
            r.abc.scorecard_b = Rate::from_bp(a1.min(a2));
            r.abc.pareto_a = Rate::from_bp(p1.min(p2));
            r.abc.pareto_b = Rate::from_bp(p1.max(p2));
            for (k, w) in r.evaluation.kpis.values_mut().zip(&weights) {
                k.weight = *w;
            }
            r.evaluation.ability_weight = weights[8];
            r.evaluation.attitude_weight = weights[9];
            r
        })
}

/// A day count: mostly ordinary, sometimes anywhere in u32.
fn any_days() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 1u32..400,
        1 => any::<u32>(),
        1 => prop::sample::select(vec![0, 1, 3_660, 3_661, 100_000_000, u32::MAX]),
    ]
}

/// A fraction as a rules file may give it: mostly ordinary, sometimes tiny,
/// huge, negative or past four decimals.
fn any_fraction() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => (1_000u32..=10_000).prop_map(|bp| f64::from(bp) / 10_000.0),
        1 => any::<f64>(),
        1 => prop::sample::select(vec![1e-11, 1e-5, 0.0001, 0.05, 0.0999, 1.0, 1e300, -1e-11, 5e-324]),
    ]
}

/// The KPI scales a file giving `[evaluation.kpis]` needs besides growth.
const OTHER_KPIS: &str = "plan_completion = { weight = 25, zero = 0.5, full = 1.0 }
collection_rate = { weight = 20, zero = 0.5, full = 1.0 }
churn = { weight = 5, zero = 0.2, full = 0.0 }
new_accounts = { weight = 5, zero = 0.0, full = 3.0 }
complaints = { weight = 5, zero = 5.0, full = 0.0 }
satisfaction = { weight = 5, zero = 3.0, full = 5.0 }
expense_saving = { weight = 5, zero = -0.1, full = 0.1 }
";

/// A rules file whose numbers are mostly ordinary and sometimes anything
/// TOML can hold.
fn any_rules_text() -> impl Strategy<Value = String> {
    (
        (any_days(), any_days(), any_days(), any_days()),
        prop::collection::vec(any_fraction(), 9),
        prop::collection::vec(any_fraction(), 4),
        (prop_oneof![8 => 1u32..100, 1 => any::<u32>()], prop_oneof![8 => 1u32..100, 1 => any::<u32>()]),
        (any_fraction(), any_fraction()),
        (1i64..1_000_000, prop_oneof![8 => 1i64..10_000_000, 1 => 0i64..20_000_000_000_000]),
    )
        .prop_map(|(days, mut rates, mut abc, weights, kpi, (step, lo))| {
            let f = |x: f64| format!("{x:?}");
            for tier in rates.chunks_mut(3) {
                tier.sort_by(|a, b| b.total_cmp(a));
            }
            if abc[0] < abc[1] {
                abc.swap(0, 1);
            }
            if abc[3] < abc[2] {
                abc.swap(2, 3);
            }
            let r = |i: usize| format!("[{}, {}, {}]", f(rates[i * 3]), f(rates[i * 3 + 1]), f(rates[i * 3 + 2]));
            let hi = lo.saturating_add(step);
            format!(
                "[tier]\nannual_window_days = {}\nbands = [\n {{ tier = \"silver\", max = {lo} }},\n {{ tier = \"gold\", min = {lo}, max = {hi} }},\n {{ tier = \"platinum\", min = {hi} }},\n]\n\
                 [downgrade]\noverdue_days = {}\n[cadence]\nmanager_visit_days = {}\ncontact_days = {}\n\
                 [discount.rates]\nsilver = {}\ngold = {}\nplatinum = {}\n\
                 [abc]\nscorecard_a = {}\nscorecard_b = {}\npareto_a = {}\npareto_b = {}\n\
                 [evaluation]\nability_weight = {}\nattitude_weight = {}\n\
                 [evaluation.kpis]\ngrowth = {{ weight = 10, zero = {}, full = {} }}\n{}",
                days.0,
                days.1,
                days.2,
                days.3,
                r(0),
                r(1),
                r(2),
                f(abc[0]),
                f(abc[1]),
                f(abc[2]),
                f(abc[3]),
                weights.0,
                weights.1,
                f(-kpi.0),
                f(kpi.1),
                OTHER_KPIS,
            )
        })
}

fn range(min: Option<i64>, min_inclusive: bool, max: Option<i64>, max_inclusive: bool) -> Range {
    Range { min: min.map(Money::from_yuan), min_inclusive, max: max.map(Money::from_yuan), max_inclusive }
}

proptest! {
    #[test]
    fn rate_is_a_table_rate_or_full(tier in any_tier(), amount in any_amount(), payment in any_payment(), promo: bool) {
        let rules = Rules::default();
        let q = discount(&rules, tier, amount, payment, promo);
        let table = &rules.discount.rates[&tier];
        prop_assert!(q.rate == Rate::FULL || table.contains(&q.rate), "rate {}", q.rate);
    }

    #[test]
    fn net_never_exceeds_amount(tier in any_tier(), amount in any_amount(), payment in any_payment(), promo: bool) {
        let q = discount(&Rules::default(), tier, amount, payment, promo);
        prop_assert!(q.net <= amount);
        prop_assert!(q.net >= Money::ZERO);
    }

    #[test]
    fn a_larger_order_never_gets_a_worse_rate(rules in any_rules(), tier in any_tier(), a in any_amount(), b in any_amount()) {
        let (small, large) = (a.min(b), a.max(b));
        let qs = discount(&rules, tier, small, Payment::Cash, false);
        let ql = discount(&rules, tier, large, Payment::Cash, false);
        prop_assert!(ql.rate <= qs.rate, "{} at {} vs {} at {}", ql.rate, large, qs.rate, small);
    }

    #[test]
    fn tier_is_monotonic_in_volume(rules in any_rules(), a in 0i64..1_000_000_000_00, b in 0i64..1_000_000_000_00) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(tier_for_volume(&rules, Money::from_fen(lo)) <= tier_for_volume(&rules, Money::from_fen(hi)));
    }

    #[test]
    fn generated_rules_are_valid(rules in any_rules()) {
        prop_assert_eq!(rules.validate(), Ok(()));
    }

    #[test]
    fn a_valid_rules_file_survives_serialise_then_parse(rules in any_rules()) {
        let text = rules.to_toml();
        let back = Rules::from_toml(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, rules);
    }

    /// Whatever `kam rules --check` accepts, `kam rules` prints back in a
    /// form that passes the check and reads as the same rules.
    #[test]
    fn accepted_rules_print_back_to_the_same_rules(text in any_rules_text()) {
        let accepted = Rules::from_toml(&text);
        if let Ok(rules) = accepted {
            let printed = rules.to_toml();
            let back = Rules::from_toml(&printed)
                .map_err(|e| TestCaseError::fail(format!("{e}\nfrom:\n{text}\nprinted:\n{printed}")))?;
            prop_assert_eq!(back, rules);
        }
    }

    #[test]
    fn amounts_print_and_parse_back(fen in 0i64..1_000_000_000_000) {
        let m = Money::from_fen(fen);
        prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        prop_assert_eq!(Money::parse(&m.grouped()), Ok(m));
    }

    #[test]
    fn net_is_amount_times_rate_rounded_half_up(fen in 0i64..1_000_000_000_00, bp in 1u32..=10_000) {
        let net = Money::from_fen(fen).apply_rate(Rate::from_bp(bp)).fen();
        // net is the nearest fen, halves up: |net·10000 − fen·bp| ≤ 5000, and = 5000 only rounding up.
        let exact = i128::from(fen) * i128::from(bp);
        let diff = i128::from(net) * 10_000 - exact;
        prop_assert!((-5000..=5000).contains(&diff) && diff != -5000, "diff {}", diff);
    }
}

/// Any day chrono can hold, weighted toward the calendar's two ends.
fn any_day() -> impl Strategy<Value = chrono::NaiveDate> {
    use chrono::Datelike;
    let (lo, hi) = (chrono::NaiveDate::MIN.num_days_from_ce(), chrono::NaiveDate::MAX.num_days_from_ce());
    prop_oneof![lo..=hi, lo..lo + 4_000, hi - 4_000..=hi, 738_000..740_000]
        .prop_map(|d| chrono::NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(chrono::NaiveDate::MIN))
}

proptest! {
    /// The date rules never panic, whatever the day and the rules in force:
    /// every step near the calendar's ends is a checked one.
    #[test]
    fn date_rules_never_panic_at_the_calendar_ends(rules in any_rules(), today in any_day(), a in any_day(), b in any_day()) {
        let _ = kam_rules::tier::annual_volume(&rules, [(a, Money::from_yuan(1)), (b, Money::from_yuan(2))], today);
        let due = kam_rules::tier::Receivable { due: a, outstanding: Money::from_yuan(1) };
        let overdue = kam_rules::tier::max_overdue_days(&rules, [due], today);
        let _ = decide_tier(&rules, Money::from_yuan(1), overdue, None).reason(&rules, kam_rules::Lang::En);
        let _ = kam_rules::cadence::cadence(&rules, kam_rules::Tier::Platinum, Some(a), Some(b), a.min(b), today);
        let _ = kam_rules::tier::annual_window(&rules, today);
        let _ = kam_rules::today::days_to_birthday(a, today);
        let _ = kam_rules::today::birthday_keys(today, 7);
        let _ = kam_rules::today::evaluation_deadlines(today);
    }
}

proptest! {
    /// Outstanding plus collected gives back the net amount while nothing is
    /// overpaid; it is never negative, and collectable says what is left.
    #[test]
    fn outstanding_and_collectable_agree(net in 0i64..1_000_000_00, paid in 0i64..1_200_000_00) {
        use kam_rules::tier::{collectable, outstanding};
        let (net, paid) = (Money::from_fen(net), Money::from_fen(paid));
        let owed = outstanding(net, paid);
        prop_assert!(!owed.is_negative());
        if let Some(left) = collectable(net, paid) {
            prop_assert_eq!(left, owed);
            prop_assert_eq!(owed.fen() + paid.fen(), net.fen());
        } else {
            prop_assert!(paid > net);
            prop_assert_eq!(owed, Money::ZERO);
        }
    }
}

proptest! {
    /// One account's Pareto class read alone is the class the whole ranking
    /// gives it, ties and zero volumes included.
    #[test]
    fn pareto_of_one_account_agrees_with_the_ranking(
        volumes in prop::collection::vec(prop_oneof![Just(0i64), 0i64..1_000, Just(500)], 0..40)
    ) {
        use kam_rules::abc::{pareto, pareto_counts, pareto_of};
        let rules = Rules::default();
        let volumes: Vec<Money> = volumes.into_iter().map(Money::from_yuan).collect();
        let all = pareto(&rules, &volumes);
        for (i, v) in volumes.iter().enumerate() {
            prop_assert_eq!(pareto_of(&rules, *v, &volumes), all[i], "account {} of {:?}", i, volumes);
        }
        let counts = pareto_counts(&rules, &volumes);
        prop_assert_eq!(counts.iter().sum::<u64>(), volumes.len() as u64);
    }
}
