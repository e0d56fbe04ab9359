//! §4.3 A/B/C class, by scorecard (seed 002 选择标准) or by Pareto (seed 004,
//! the 20 % of accounts that give 80 % of the volume).

use std::collections::BTreeMap;

use crate::labeled_enum;
use crate::money::{Money, Rate};
use crate::rules::Rules;

labeled_enum! {
    /// Account class, best first.
    pub enum AbcClass: "class" {
        A => ("a", "A 类", "A"),
        B => ("b", "B 类", "B"),
        C => ("c", "C 类", "C"),
    }
}

/// A scorecard's result: the percentage as an exact fraction and its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scorecard {
    /// Σ(weight·score).
    pub points: u32,
    /// Σ(weight·10) over the criteria scored.
    pub possible: u32,
    pub class: AbcClass,
}

impl Scorecard {
    /// The percentage, 0–100.
    pub fn percent(&self) -> f64 {
        f64::from(self.points) * 100.0 / f64::from(self.possible)
    }
}

/// Scores an account on the rules' criteria: percentage = Σ(weight·score) /
/// Σ(weight·10) over the criteria given a score (1–10; others are ignored),
/// A at or above `scorecard_a`, B at or above `scorecard_b`, else C. `None`
/// when no criterion is scored.
pub fn scorecard(rules: &Rules, scores: &BTreeMap<String, u8>) -> Option<Scorecard> {
    let mut points = 0u32;
    let mut possible = 0u32;
    for c in &rules.abc.criteria {
        if let Some(&s) = scores.get(&c.key) {
            if (1..=10).contains(&s) {
                points += u32::from(c.weight) * u32::from(s);
                possible += u32::from(c.weight) * 10;
            }
        }
    }
    if possible == 0 {
        return None;
    }
    let at_least = |t: Rate| u64::from(points) * u64::from(Rate::SCALE) >= u64::from(t.bp()) * u64::from(possible);
    let class = if at_least(rules.abc.scorecard_a) {
        AbcClass::A
    } else if at_least(rules.abc.scorecard_b) {
        AbcClass::B
    } else {
        AbcClass::C
    };
    Some(Scorecard { points, possible, class })
}

/// The Pareto class of one account whose annual volume is `volume`, among
/// every account's `volumes` (its own included): what [`pareto`] gives it,
/// without ranking them all. Accounts with the same volume share the
/// class of the first of them.
pub fn pareto_of(rules: &Rules, volume: Money, volumes: &[Money]) -> AbcClass {
    if volume <= Money::ZERO {
        return AbcClass::C;
    }
    let total: i128 = volumes.iter().map(|m| i128::from(m.fen().max(0))).sum();
    let above: i128 = volumes.iter().filter(|m| **m > volume).map(|m| i128::from(m.fen())).sum();
    if above == 0 {
        return AbcClass::A;
    }
    let cumulative = above + i128::from(volume.fen());
    let within = |t: Rate| cumulative * i128::from(Rate::SCALE) <= i128::from(t.bp()) * total;
    if within(rules.abc.pareto_a) {
        AbcClass::A
    } else if within(rules.abc.pareto_b) {
        AbcClass::B
    } else {
        AbcClass::C
    }
}

/// How many of `volumes` fall in each Pareto class: A, B, C.
pub fn pareto_counts(rules: &Rules, volumes: &[Money]) -> [u64; 3] {
    let mut out = [0u64; 3];
    for c in pareto(rules, volumes) {
        out[match c {
            AbcClass::A => 0,
            AbcClass::B => 1,
            AbcClass::C => 2,
        }] += 1;
    }
    out
}

/// Classes by Pareto: accounts ranked by annual volume, biggest first; an
/// account is A while the cumulative share (its own volume included) is at
/// most `pareto_a`, B up to `pareto_b`, C after. Two refinements a user
/// expects: the biggest account is always A (alone it may hold more than
/// 80 %), accounts with equal volume share the better class, and accounts
/// with no volume are C. Returns the classes in the input's order.
pub fn pareto(rules: &Rules, volumes: &[Money]) -> Vec<AbcClass> {
    let mut order: Vec<usize> = (0..volumes.len()).collect();
    order.sort_by(|&a, &b| volumes[b].cmp(&volumes[a]).then(a.cmp(&b)));
    let total: i128 = volumes.iter().map(|m| i128::from(m.fen().max(0))).sum();
    let mut out = vec![AbcClass::C; volumes.len()];
    if total == 0 {
        return out;
    }
    let within = |cum: i128, t: Rate| cum * i128::from(Rate::SCALE) <= i128::from(t.bp()) * total;
    let mut cumulative: i128 = 0;
    let mut previous: Option<(Money, AbcClass)> = None;
    for (rank, &i) in order.iter().enumerate() {
        let v = volumes[i];
        cumulative += i128::from(v.fen().max(0));
        let class = if v <= Money::ZERO {
            AbcClass::C
        } else if let Some((pv, pc)) = previous.filter(|(pv, _)| *pv == v) {
            let _ = pv;
            pc
        } else if rank == 0 || within(cumulative, rules.abc.pareto_a) {
            AbcClass::A
        } else if within(cumulative, rules.abc.pareto_b) {
            AbcClass::B
        } else {
            AbcClass::C
        };
        previous = Some((v, class));
        out[i] = class;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
    }

    #[test]
    fn scorecard_thresholds_exactly() {
        let r = Rules::default();
        // One criterion of weight 8: 7/10 is exactly 70 % → A; 6.9 cannot occur.
        let s = scorecard(&r, &scores(&[("market_leader", 7)])).expect("scored");
        assert_eq!((s.points, s.possible, s.class), (56, 80, AbcClass::A));
        assert_eq!(scorecard(&r, &scores(&[("market_leader", 6)])).expect("s").class, AbcClass::B);
        assert_eq!(scorecard(&r, &scores(&[("market_leader", 4)])).expect("s").class, AbcClass::B);
        assert_eq!(scorecard(&r, &scores(&[("market_leader", 3)])).expect("s").class, AbcClass::C);
        // weights 8 and 10: (8·7 + 10·7)/180 = 70 % → A; (8·6+10·7)/180 = 65.6 % → B
        let mixed = scorecard(&r, &scores(&[("market_leader", 6), ("financial_health", 7)])).expect("s");
        assert_eq!(mixed.class, AbcClass::B);
        assert!((mixed.percent() - 65.555).abs() < 0.01);
        assert!(scorecard(&r, &BTreeMap::new()).is_none());
        assert!(scorecard(&r, &scores(&[("unknown", 9)])).is_none());
    }

    #[test]
    fn the_shipped_weights_are_seed_002s_row_in_its_order() {
        let r = Rules::default();
        let weights: Vec<(&str, u8)> = r.abc.criteria.iter().map(|c| (c.key.as_str(), c.weight)).collect();
        assert_eq!(
            weights,
            [
                ("market_leader", 8),
                ("technical_leader", 8),
                ("market_reputation", 8),
                ("new_market_potential", 8),
                ("globalization", 6),
                ("revenue_potential", 10),
                ("value_contributor", 10),
                ("payment_record", 10),
                ("financial_health", 10),
                ("brand_value", 8),
                ("upgrade_our_performance", 8),
                ("cultural_fit", 8),
                ("long_term_partnership", 6),
                ("executive_relationships", 6),
                ("platform_potential", 6),
                ("innovation", 6),
                ("competitive_effect", 6),
                ("corporate_alignment", 8),
            ]
        );
        // The seed's weight row, 11 + 7 numbers, in that order.
        let row: Vec<u8> = weights.iter().map(|w| w.1).collect();
        assert_eq!(row, [8, 8, 8, 8, 6, 10, 10, 10, 10, 8, 8, 8, 6, 6, 6, 6, 6, 8]);
    }

    #[test]
    fn pareto_cuts_at_80_and_95() {
        // shares: 50, 30 (cum 80 → A), 10 (90 → B), 5 (95 → B), 5 (100 → C)
        use AbcClass::{A, B, C};
        let r = Rules::default();
        let m = Money::from_yuan;
        let classes = pareto(&r, &[m(5), m(50), m(10), m(30), m(4), m(1)]);
        assert_eq!(classes, vec![B, A, B, A, C, C]);
    }

    #[test]
    fn pareto_top_account_is_a_and_ties_share_class() {
        use AbcClass::{A, C};
        let r = Rules::default();
        let m = Money::from_yuan;
        assert_eq!(pareto(&r, &[m(90), m(10)]), vec![A, C]);
        assert_eq!(pareto(&r, &[m(40), m(40), m(20)]), vec![A, A, C]);
        assert_eq!(pareto(&r, &[m(0), m(0)]), vec![C, C]);
        assert_eq!(pareto(&r, &[]), Vec::<AbcClass>::new());
    }
}
