//! §4.7 Cadence (seed 004 拜访制度 / 沟通制度): a manager-level visit at least
//! every 30 days and some contact of any kind at least every 15 days per key
//! account. "Today" is always an argument.

use chrono::NaiveDate;

use crate::rules::Rules;
use crate::tier::Tier;

/// The contact kinds (their keys) that meet the monthly manager requirement
/// when a manager-level person made them. Seed 004's 拜访制度 asks for a
/// *visit*; a meeting with the customer is one, a manager's phone call or
/// e-mail is a contact but not a visit.
pub const MANAGER_VISIT_KINDS: [&str; 2] = ["visit", "meeting"];

/// Whether a logged contact of kind `kind` (a key such as `visit` or
/// `phone`) clears the manager-visit requirement.
pub fn clears_manager_visit(kind: &str, by_manager: bool) -> bool {
    by_manager && MANAGER_VISIT_KINDS.contains(&kind)
}

/// Where an account stands against the cadence on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cadence {
    /// Days since the last manager-level visit (or since the account was
    /// opened, when there has been none).
    pub days_since_manager_visit: i64,
    /// Days since the last contact of any kind (or since opened).
    pub days_since_contact: i64,
    /// Days past the visit limit, when overdue.
    pub visit_overdue_by: Option<i64>,
    /// Days past the contact limit, when overdue.
    pub contact_overdue_by: Option<i64>,
}

impl Cadence {
    pub fn is_overdue(&self) -> bool {
        self.visit_overdue_by.is_some() || self.contact_overdue_by.is_some()
    }

    /// How far past either limit, for ordering the Today list oldest first.
    pub fn overdue_by(&self) -> i64 {
        self.visit_overdue_by.max(self.contact_overdue_by).unwrap_or(0)
    }
}

/// Computes the cadence of an account of `tier` (the tier in force, whose
/// limits the rules may set apart). An account never visited or contacted
/// counts from `opened`, the day it entered the file: a new account is not
/// overdue on its first day, but is after the limit passes with no visit.
pub fn cadence(
    rules: &Rules,
    tier: Tier,
    last_manager_visit: Option<NaiveDate>,
    last_contact: Option<NaiveDate>,
    opened: NaiveDate,
    today: NaiveDate,
) -> Cadence {
    let since = |d: Option<NaiveDate>| (today - d.unwrap_or(opened).max(opened.min(today))).num_days().max(0);
    // A manager visit is also a contact.
    let last_any = last_contact.max(last_manager_visit);
    let v = since(last_manager_visit);
    let c = since(last_any);
    let over = |days: i64, limit: u32| (days > i64::from(limit)).then(|| days - i64::from(limit));
    let (visit_limit, contact_limit) = rules.cadence.limits(tier);
    Cadence {
        days_since_manager_visit: v,
        days_since_contact: c,
        visit_overdue_by: over(v, visit_limit),
        contact_overdue_by: over(c, contact_limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn limits_at_30_and_15_days() {
        let r = Rules::default();
        let today = d("2026-11-23");
        let opened = d("2020-01-01");
        let c = cadence(&r, Tier::Gold, Some(d("2026-10-24")), Some(d("2026-11-08")), opened, today);
        assert_eq!((c.days_since_manager_visit, c.days_since_contact), (30, 15));
        assert!(!c.is_overdue(), "at the limit is not overdue");
        let c = cadence(&r, Tier::Gold, Some(d("2026-10-23")), Some(d("2026-11-07")), opened, today);
        assert_eq!((c.visit_overdue_by, c.contact_overdue_by), (Some(1), Some(1)));
        assert_eq!(c.overdue_by(), 1);
    }

    #[test]
    fn only_a_managers_visit_or_meeting_clears_the_visit() {
        assert!(clears_manager_visit("visit", true));
        assert!(clears_manager_visit("meeting", true));
        for kind in ["phone", "email", "other"] {
            assert!(!clears_manager_visit(kind, true), "{kind}");
        }
        assert!(!clears_manager_visit("visit", false), "a rep's own visit is not a manager's");
    }

    #[test]
    fn a_manager_visit_is_also_a_contact() {
        let r = Rules::default();
        let c = cadence(&r, Tier::Gold, Some(d("2026-11-20")), None, d("2020-01-01"), d("2026-11-23"));
        assert!(!c.is_overdue());
    }

    #[test]
    fn a_tier_may_have_limits_of_its_own() {
        let r = Rules::from_toml("[cadence.tiers.platinum]\nmanager_visit_days = 14\n").expect("rules");
        let (today, opened) = (d("2026-11-23"), d("2020-01-01"));
        // 15 days since the manager's visit: overdue for platinum only; the
        // contact limit is the shared 15 days for every tier.
        let last = Some(d("2026-11-08"));
        let p = cadence(&r, Tier::Platinum, last, None, opened, today);
        assert_eq!((p.visit_overdue_by, p.contact_overdue_by), (Some(1), None));
        assert!(!cadence(&r, Tier::Gold, last, None, opened, today).is_overdue());
        assert_eq!(r.cadence.limits(Tier::Silver), (30, 15));
        assert!(r.cadence.by_tier() && !Rules::default().cadence.by_tier());
        let e = Rules::from_toml("[cadence.tiers.gold]\ncontact_days = 0\n").expect_err("0 days");
        assert!(e.to_string().contains("cadence.tiers.gold.contact_days"), "{e}");
    }

    #[test]
    fn never_visited_counts_from_opening() {
        let r = Rules::default();
        let today = d("2026-11-23");
        assert!(!cadence(&r, Tier::Gold, None, None, today, today).is_overdue());
        let c = cadence(&r, Tier::Gold, None, None, d("2026-10-01"), today);
        assert_eq!(c.visit_overdue_by, Some(23));
        assert_eq!(c.contact_overdue_by, Some(38));
    }
}
