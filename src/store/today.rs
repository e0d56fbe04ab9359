//! What the Today tab (DESIGN §2.5) is read from: accounts past the cadence,
//! plans due, open commitments, VIP cards to contact, birthdays, receivables
//! that downgrade, plan-check warnings, today's changes and the pictures'
//! figures. Each section is one or two set queries over the whole file; the
//! rules of kam-rules decide membership. At 100,000 accounts the whole read
//! takes seconds, so the workbench runs it on its worker thread.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use kam_rules::abc::scorecard;
use kam_rules::alliance::alliance_status;
use kam_rules::cadence::{cadence, Cadence};
use kam_rules::plan_check::{check_plan, PlanContact, PlanDescription, PlanKind, PlanParticipant, PlanWarning};
use kam_rules::tier::{decide_tier, TierOverride};
use kam_rules::today::{birthday_keys, days_to_birthday};
use kam_rules::{AbcClass, Behaviour, BuyingRole, Money, Rules, Tier};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::col::{timestamp, Col};
use super::report::sum_fen;
use super::{Store, StoreError};
use crate::model::Id;

/// An account past the visit or contact cadence (§4.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueAccount {
    pub id: Id,
    pub name: String,
    pub cadence: Cadence,
}

/// Whether a due plan is a call or a presentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanType {
    Call,
    Presentation,
}

/// A call planned for today or earlier and not done, or a presentation of
/// today or earlier with an action step not done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanDue {
    pub kind: PlanType,
    pub id: Id,
    pub account_id: Id,
    pub account: String,
    pub date: NaiveDate,
    pub objective: String,
}

/// A commitment of a done call that is not ticked off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenCommitment {
    pub plan_id: Id,
    /// Position among the call's commitments.
    pub pos: usize,
    pub account_id: Id,
    pub account: String,
    pub who: String,
    pub what: String,
    pub by: Option<NaiveDate>,
}

/// A VIP card whose next contact is today or past, not closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VipDue {
    pub id: Id,
    pub account_id: Option<Id>,
    pub salutation: String,
    pub store: String,
    pub next_contact: NaiveDate,
}

/// A contact whose birthday falls in the next days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Birthday {
    pub contact_id: Id,
    pub account_id: Id,
    pub name: String,
    pub account: String,
    pub on: NaiveDate,
    pub in_days: i64,
}

/// The next step of an account's newest visit, due today or past.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStepDue {
    pub visit_id: Id,
    pub account_id: Id,
    pub account: String,
    pub step: String,
    pub due: NaiveDate,
}

/// A complaint (feedback marked complaint) not yet closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenComplaint {
    pub id: Id,
    pub account_id: Id,
    pub account: String,
    pub date: NaiveDate,
    pub from_whom: String,
    pub content: String,
}

/// An account whose receivables are overdue past the downgrade limit (§4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Downgrade {
    pub id: Id,
    pub name: String,
    /// Outstanding on the receivables past the limit.
    pub amount: Money,
    pub days_overdue: i64,
    /// The tier before and after the downgrade (`to` is always one lower:
    /// a silver account has no tier to lose and is not listed).
    pub from: Tier,
    pub to: Tier,
}

/// A current plan with plan-check warnings (§4.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanWarnings {
    pub kind: PlanType,
    pub id: Id,
    pub account_id: Id,
    pub account: String,
    pub date: Option<NaiveDate>,
    pub warnings: Vec<PlanWarning>,
}

/// One month of the pictures: order volume and collections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthFigures {
    /// `2026-11`.
    pub month: String,
    pub orders: Money,
    pub collected: Money,
}

/// Everything the Today tab shows, read at once.
#[derive(Clone, Debug, Default)]
pub struct TodayData {
    pub day: Option<NaiveDate>,
    pub overdue: Vec<OverdueAccount>,
    pub plans_due: Vec<PlanDue>,
    pub commitments: Vec<OpenCommitment>,
    pub vip_due: Vec<VipDue>,
    pub birthdays: Vec<Birthday>,
    pub downgrades: Vec<Downgrade>,
    pub next_steps: Vec<NextStepDue>,
    pub complaints: Vec<OpenComplaint>,
    pub warnings: Vec<PlanWarnings>,
    /// Records changed today, by kind (`account`, `contact` …).
    pub changed_today: BTreeMap<String, u64>,
    /// Records changed since the last day-end export (all, when none was made).
    pub changed_since_export: u64,
    pub last_export: Option<DateTime<Utc>>,
    /// Live accounts per tier in force, silver first.
    pub tiers: [u64; 3],
    /// Live accounts per A/B/C class, then those without a scorecard.
    pub abc: [u64; 4],
    /// Live accounts per Pareto class (A, B, C) by annual volume (§4.3).
    pub pareto: [u64; 3],
    /// The last 12 months, oldest first.
    pub months: Vec<MonthFigures>,
    /// Visits in person per week over the last 12 weeks, oldest first
    /// (the last week ends today).
    pub weekly_visits: Vec<u64>,
}

/// Every live account's tier in force and annual volume, by id.
type InForce = HashMap<String, (Tier, Money)>;

/// How many days ahead birthdays are listed.
pub const BIRTHDAY_DAYS: u32 = 7;
/// Plans dated this many days back or later (or undated) are checked.
pub const CHECKED_PLAN_DAYS: i64 = 30;

/// Which figure of a month a query adds to.
#[derive(Clone, Copy)]
enum Figure {
    Orders,
    Collected,
}

/// A current plan, reduced to what the plan checks read.
struct CheckedPlan {
    kind: PlanType,
    id: String,
    account_id: String,
    account: String,
    date: Value,
    desc: PlanDescription,
}

fn bad(table: &'static str, column: &str, id: &str, detail: String) -> StoreError {
    StoreError::BadValue { table, column: column.into(), id: id.to_string(), detail }
}

fn id_of(table: &'static str, s: &str) -> Result<Id, StoreError> {
    Id::parse(s).map_err(|e| bad(table, "id", s, e.message))
}

fn day_of(table: &'static str, column: &str, id: &str, v: Value) -> Result<NaiveDate, StoreError> {
    NaiveDate::from_value(v).map_err(|detail| bad(table, column, id, detail))
}

fn opt_day(table: &'static str, column: &str, id: &str, v: Value) -> Result<Option<NaiveDate>, StoreError> {
    Option::<NaiveDate>::from_value(v).map_err(|detail| bad(table, column, id, detail))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Every section of the Today tab as of `today`; `day_start`..`day_end`
    /// are the instants today begins and ends (local midnight, in UTC).
    pub fn today(
        &self,
        rules: &Rules,
        today: NaiveDate,
        day_start: DateTime<Utc>,
        day_end: DateTime<Utc>,
    ) -> Result<TodayData, StoreError> {
        // Every account's tier: read once, for the counts and (when some
        // tier has cadence limits of its own) the overdue list.
        let in_force = self.tiers_in_force(rules, today)?;
        let (tiers, abc) = self.count_distribution(rules, &in_force)?;
        let volumes: Vec<Money> = in_force.values().map(|(_, v)| *v).collect();
        let pareto = kam_rules::abc::pareto_counts(rules, &volumes);
        let last_export = self.last_export()?;
        Ok(TodayData {
            day: Some(today),
            overdue: self.overdue_given(rules, today, Some(&in_force))?,
            plans_due: self.plans_due(today)?,
            commitments: self.open_commitments()?,
            vip_due: self.vip_due(today)?,
            birthdays: self.birthdays(today, BIRTHDAY_DAYS)?,
            downgrades: self.downgrades(rules, today)?,
            next_steps: self.next_steps_due(today)?,
            complaints: self.open_complaints()?,
            warnings: self.plan_warnings(today)?,
            changed_today: self.changed_between(day_start, day_end)?,
            changed_since_export: self.changed_since(last_export)?,
            last_export,
            tiers,
            abc,
            pareto,
            months: self.months(today)?,
            weekly_visits: self.weekly_visits(today)?,
        })
    }

    /// Accounts past the 30-day manager visit or 15-day contact cadence
    /// (or their tier's own limits, when the rules set some), the longest
    /// overdue first, then by name.
    pub fn overdue_accounts(&self, rules: &Rules, today: NaiveDate) -> Result<Vec<OverdueAccount>, StoreError> {
        self.overdue_given(rules, today, None)
    }

    /// [`Store::overdue_accounts`] with every account's tier when the caller
    /// has read it already.
    fn overdue_given(
        &self,
        rules: &Rules,
        today: NaiveDate,
        known: Option<&InForce>,
    ) -> Result<Vec<OverdueAccount>, StoreError> {
        let ctx = "finding accounts past the cadence";
        // Every account's tier costs a pass over a year of orders: read only
        // when some tier has limits of its own, and only when not known.
        let read;
        let tiers = match (rules.cadence.by_tier(), known) {
            (false, _) => None,
            (true, Some(t)) => Some(t),
            (true, None) => {
                read = self.tiers_in_force(rules, today)?;
                Some(&read)
            }
        };
        // The last visits of every account in one pass over the log, then
        // the accounts: at 1,000,000 visits about 1 s, where two indexed
        // lookups per account took 2 to 8 s.
        let mut last: HashMap<String, (Value, Value)> = HashMap::new();
        {
            static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let sql = SQL.get_or_init(|| {
                format!(
                    "SELECT account_id, {}, max(date) FROM visits NOT INDEXED \
                     WHERE deleted_at IS NULL AND date <= ?1 GROUP BY account_id",
                    super::activity::last_manager_visit_sql()
                )
            });
            let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([today.to_value()]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                let g = |e| self.err(ctx, e);
                last.insert(r.get(0).map_err(g)?, (r.get(1).map_err(g)?, r.get(2).map_err(g)?));
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, created_at FROM accounts WHERE deleted_at IS NULL")
            .map_err(|e| self.err(ctx, e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(ctx, e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
            let id: String = r.get(0).map_err(|e| self.err(ctx, e))?;
            let created: String = r.get(2).map_err(|e| self.err(ctx, e))?;
            let opened = created.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today);
            let (manager, any) = last.remove(&id).unwrap_or((Value::Null, Value::Null));
            let manager = opt_day("visits", "date", &id, manager)?;
            let any = opt_day("visits", "date", &id, any)?;
            let tier = tiers.and_then(|t| t.get(&id).map(|(t, _)| *t)).unwrap_or(Tier::Silver);
            let c = cadence(rules, tier, manager, any, opened, today);
            if c.is_overdue() {
                let name: String = r.get(1).map_err(|e| self.err(ctx, e))?;
                out.push(OverdueAccount { id: id_of("accounts", &id)?, name, cadence: c });
            }
        }
        out.sort_by(|a, b| b.cadence.overdue_by().cmp(&a.cadence.overdue_by()).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Calls planned for today or earlier and not done, and presentations of
    /// today, or earlier with an action step not done; the oldest first.
    pub fn plans_due(&self, today: NaiveDate) -> Result<Vec<PlanDue>, StoreError> {
        let ctx = "finding plans due";
        let raw = self.rows(
            ctx,
            "SELECT 'call', p.id, p.account_id, a.name, p.call_date, p.objective FROM call_plans p \
                 JOIN accounts a ON a.id = p.account_id \
                 WHERE p.deleted_at IS NULL AND p.status = 'planned' AND p.call_date <= ?1 \
                 UNION ALL \
                 SELECT 'presentation', p.id, p.account_id, a.name, p.date, p.objective FROM presentations p \
                 JOIN accounts a ON a.id = p.account_id \
                 WHERE p.deleted_at IS NULL AND (p.date = ?1 OR (p.date < ?1 AND EXISTS \
                 (SELECT 1 FROM presentation_steps s WHERE s.parent_id = p.id AND s.done = 0))) \
                 ORDER BY 5, 4, 2",
            [today.to_value()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Value>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )?;
        raw.into_iter()
            .map(|(kind, id, account_id, account, date, objective)| {
                let (kind, table) = if kind == "call" {
                    (PlanType::Call, "call_plans")
                } else {
                    (PlanType::Presentation, "presentations")
                };
                Ok(PlanDue {
                    kind,
                    date: day_of(table, "date", &id, date)?,
                    account_id: id_of(table, &account_id)?,
                    id: id_of(table, &id)?,
                    account,
                    objective,
                })
            })
            .collect()
    }

    /// Commitments of done calls not ticked off, the earliest date first
    /// (undated last).
    pub fn open_commitments(&self) -> Result<Vec<OpenCommitment>, StoreError> {
        let ctx = "finding open commitments";
        let raw = self.rows(
            ctx,
            "SELECT c.parent_id, c.pos, p.account_id, a.name, c.who, c.what, c.\"by\" \
                 FROM call_plan_commitments c JOIN call_plans p ON p.id = c.parent_id \
                 JOIN accounts a ON a.id = p.account_id \
                 WHERE p.deleted_at IS NULL AND p.status = 'done' AND c.done = 0 \
                 ORDER BY c.\"by\" IS NULL, c.\"by\", p.call_date, c.parent_id, c.pos",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Value>(6)?,
                ))
            },
        )?;
        raw.into_iter()
            .map(|(plan, pos, account_id, account, who, what, by)| {
                Ok(OpenCommitment {
                    by: opt_day("call_plan_commitments", "by", &plan, by)?,
                    plan_id: id_of("call_plans", &plan)?,
                    pos: usize::try_from(pos).unwrap_or(0),
                    account_id: id_of("call_plans", &account_id)?,
                    account,
                    who,
                    what,
                })
            })
            .collect()
    }

    /// VIP cards not closed whose next contact is today or past, oldest first.
    pub fn vip_due(&self, today: NaiveDate) -> Result<Vec<VipDue>, StoreError> {
        let ctx = "finding VIP cards to contact";
        let raw = self.rows(
            ctx,
            "SELECT id, account_id, salutation, store, next_contact FROM vip_cards \
                 WHERE deleted_at IS NULL AND next_contact IS NOT NULL AND next_contact <= ?1 \
                 AND status <> 'closed' ORDER BY next_contact, salutation, id",
            [today.to_value()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Value>(4)?,
                ))
            },
        )?;
        raw.into_iter()
            .map(|(id, account, salutation, store, next)| {
                Ok(VipDue {
                    next_contact: day_of("vip_cards", "next_contact", &id, next)?,
                    account_id: account.map(|a| id_of("vip_cards", &a)).transpose()?,
                    id: id_of("vip_cards", &id)?,
                    salutation,
                    store,
                })
            })
            .collect()
    }

    /// The next steps due on or before `today`: of each account only its
    /// newest visit's (a later visit supersedes what an earlier one said to
    /// do next), the longest due first.
    pub fn next_steps_due(&self, today: NaiveDate) -> Result<Vec<NextStepDue>, StoreError> {
        let ctx = "finding next steps due";
        let raw = self.rows(
            ctx,
            "SELECT v.id, v.account_id, a.name, v.next_step, v.next_date FROM visits v \
             JOIN accounts a ON a.id = v.account_id AND a.deleted_at IS NULL \
             WHERE v.deleted_at IS NULL AND v.next_date IS NOT NULL AND v.next_date <= ?1 \
             AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.account_id = v.account_id AND w.deleted_at IS NULL \
                 AND (w.date > v.date OR (w.date = v.date AND (w.created_at, w.id) > (v.created_at, v.id)))) \
             ORDER BY v.next_date, a.name",
            [today.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Value>(4)?,
                ))
            },
        )?;
        raw.into_iter()
            .map(|(id, account_id, account, step, due)| {
                Ok(NextStepDue {
                    due: day_of("visits", "next_date", &id, due)?,
                    account_id: id_of("visits", &account_id)?,
                    visit_id: id_of("visits", &id)?,
                    account,
                    step,
                })
            })
            .collect()
    }

    /// Complaints not closed, the oldest first.
    pub fn open_complaints(&self) -> Result<Vec<OpenComplaint>, StoreError> {
        let ctx = "finding open complaints";
        let raw = self.rows(
            ctx,
            "SELECT f.id, f.account_id, a.name, f.date, f.from_whom, f.content FROM feedback f \
             JOIN accounts a ON a.id = f.account_id AND a.deleted_at IS NULL \
             WHERE f.deleted_at IS NULL AND f.complaint = 1 AND f.closed = 0 ORDER BY f.date, a.name",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Value>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )?;
        raw.into_iter()
            .map(|(id, account_id, account, date, from_whom, content)| {
                Ok(OpenComplaint {
                    date: day_of("feedback", "date", &id, date)?,
                    account_id: id_of("feedback", &account_id)?,
                    id: id_of("feedback", &id)?,
                    account,
                    from_whom,
                    content,
                })
            })
            .collect()
    }

    /// Contacts whose birthday is within `days` days of `today` (today
    /// included), the soonest first. Read through the month-day index.
    pub fn birthdays(&self, today: NaiveDate, days: u32) -> Result<Vec<Birthday>, StoreError> {
        let ctx = "finding birthdays";
        let keys = birthday_keys(today, days);
        let marks = (1..=keys.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT c.id, c.account_id, c.name, a.name, c.birth_date FROM contacts c \
             JOIN accounts a ON a.id = c.account_id AND a.deleted_at IS NULL \
             WHERE c.deleted_at IS NULL AND substr(c.birth_date, 6) IN ({marks})"
        );
        let raw = self.rows(ctx, &sql, params_from_iter(keys.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Value>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for (id, account_id, name, account, birth) in raw {
            let birth = day_of("contacts", "birth_date", &id, birth)?;
            let Some(in_days) = days_to_birthday(birth, today).filter(|d| *d <= i64::from(days)) else { continue };
            out.push(Birthday {
                contact_id: id_of("contacts", &id)?,
                account_id: id_of("contacts", &account_id)?,
                name,
                account,
                on: today + Duration::days(in_days),
                in_days,
            });
        }
        out.sort_by(|a, b| a.in_days.cmp(&b.in_days).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Accounts that a receivable unpaid more than the rules' days past due
    /// moves to a lower tier (§4.4), with what is owed on those and the tier
    /// change; the longest overdue first. Which accounts go down is the
    /// rules' decision ([`decide_tier`]'s `downgraded`): a silver account
    /// (by volume or by override) stays silver and is left out.
    pub fn downgrades(&self, rules: &Rules, today: NaiveDate) -> Result<Vec<Downgrade>, StoreError> {
        let ctx = "finding receivables that downgrade";
        let cutoff = today - Duration::days(i64::from(rules.downgrade.overdue_days));
        let raw = self.rows(
            ctx,
            &format!(
                "SELECT o.account_id, a.name, a.tier_override, a.tier_override_reason, min(o.due_date), \
                 {} FROM orders o JOIN accounts a ON a.id = o.account_id AND a.deleted_at IS NULL \
                 WHERE o.deleted_at IS NULL AND o.outstanding > 0 AND o.outstanding > ?2 \
                 AND o.due_date IS NOT NULL AND o.due_date < ?1 GROUP BY o.account_id",
                sum_fen("o.outstanding")
            ),
            params![cutoff.to_value(), rules.downgrade.residue.fen()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Value>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            },
        )?;
        let mut out = Vec::with_capacity(raw.len());
        for (id, name, over, reason, due, fen) in raw {
            let due = day_of("orders", "due_date", &id, due)?;
            let days = (today - due).num_days();
            let annual = self.annual_of(rules, &id, today)?;
            let overridden = tier_override(&id, over, reason)?;
            let decision = decide_tier(rules, annual, u32::try_from(days).unwrap_or(u32::MAX), overridden.clone());
            if !decision.downgraded {
                continue;
            }
            let from = overridden.map_or(decision.by_volume, |o| o.tier);
            out.push(Downgrade {
                id: id_of("accounts", &id)?,
                name,
                amount: Money::from_fen(fen),
                days_overdue: days,
                from,
                to: decision.tier,
            });
        }
        out.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// An account's order volume in the annual window up to `today`.
    fn annual_of(&self, rules: &Rules, id: &str, today: NaiveDate) -> Result<Money, StoreError> {
        let (since, _) = kam_rules::tier::annual_window(rules, today);
        self.conn
            .prepare_cached(&format!(
                "SELECT {} FROM orders WHERE account_id = ?1 AND deleted_at IS NULL AND date > ?2 AND date <= ?3",
                sum_fen("amount")
            ))
            .and_then(|mut s| s.query_row(params![id, since.to_value(), today.to_value()], |r| r.get::<_, i64>(0)))
            .map(Money::from_fen)
            .map_err(|e| self.err("reading an account's annual volume", e))
    }

    /// The tier in force of every live account on `today`, by id: the
    /// volume's tier, or the override, then the downgrade.
    /// Every account's order volume in the annual window up to `today`
    /// (§4.1), by account id; accounts without orders are not in the map.
    fn annual_volumes(&self, rules: &Rules, today: NaiveDate) -> Result<HashMap<String, i64>, StoreError> {
        let ctx = "adding up annual volumes";
        let (since, _) = kam_rules::tier::annual_window(rules, today);
        let mut volumes: HashMap<String, i64> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached(
                // A year of orders is most of the table: one pass over it
                // beats a lookup per row through the date index (1.1 s
                // against 6.6 s at 2,000,000 orders).
                &format!(
                    "SELECT account_id, {} FROM orders NOT INDEXED WHERE deleted_at IS NULL \
                     AND date > ?1 AND date <= ?2 GROUP BY account_id",
                    sum_fen("amount")
                ),
            )
            .map_err(|e| self.err(ctx, e))?;
        let mut rows = stmt.query([since.to_value(), today.to_value()]).map_err(|e| self.err(ctx, e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
            volumes.insert(r.get(0).map_err(|e| self.err(ctx, e))?, r.get(1).map_err(|e| self.err(ctx, e))?);
        }
        Ok(volumes)
    }

    /// The Pareto class (§4.3) of one account among every live account, as
    /// of `today`.
    pub fn pareto_class(&self, rules: &Rules, today: NaiveDate, id: &Id) -> Result<AbcClass, StoreError> {
        let in_force = self.tiers_in_force(rules, today)?;
        let volume = in_force.get(&id.to_string()).map_or(Money::ZERO, |(_, v)| *v);
        let all: Vec<Money> = in_force.values().map(|(_, v)| *v).collect();
        Ok(kam_rules::abc::pareto_of(rules, volume, &all))
    }

    /// Every live account's tier in force and annual volume.
    fn tiers_in_force(&self, rules: &Rules, today: NaiveDate) -> Result<InForce, StoreError> {
        let ctx = "deciding every account's tier";
        let volumes = self.annual_volumes(rules, today)?;
        let mut oldest_due: HashMap<String, Value> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT account_id, min(due_date) FROM orders WHERE deleted_at IS NULL AND outstanding > 0 \
                     AND outstanding > ?2 AND due_date IS NOT NULL AND due_date < ?1 GROUP BY account_id",
                )
                .map_err(|e| self.err(ctx, e))?;
            let mut rows =
                stmt.query(params![today.to_value(), rules.downgrade.residue.fen()]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                oldest_due.insert(r.get(0).map_err(|e| self.err(ctx, e))?, r.get(1).map_err(|e| self.err(ctx, e))?);
            }
        }
        let mut tiers = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, tier_override, tier_override_reason FROM accounts WHERE deleted_at IS NULL")
            .map_err(|e| self.err(ctx, e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(ctx, e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
            let id: String = r.get(0).map_err(|e| self.err(ctx, e))?;
            let over =
                tier_override(&id, r.get(1).map_err(|e| self.err(ctx, e))?, r.get(2).map_err(|e| self.err(ctx, e))?)?;
            let annual = Money::from_fen(volumes.get(&id).copied().unwrap_or(0));
            let overdue = match oldest_due.remove(&id) {
                Some(v) => (today - day_of("orders", "due_date", &id, v)?).num_days(),
                None => 0,
            };
            let t = decide_tier(rules, annual, u32::try_from(overdue.max(0)).unwrap_or(u32::MAX), over);
            tiers.insert(id, (t.tier, annual));
        }
        Ok(tiers)
    }

    /// Live accounts per tier in force (silver, gold, platinum) and per A/B/C
    /// class (A, B, C, none), as of `today`.
    pub fn distribution(&self, rules: &Rules, today: NaiveDate) -> Result<([u64; 3], [u64; 4]), StoreError> {
        self.count_distribution(rules, &self.tiers_in_force(rules, today)?)
    }

    /// [`Store::distribution`] over tiers already read.
    fn count_distribution(&self, rules: &Rules, in_force: &InForce) -> Result<([u64; 3], [u64; 4]), StoreError> {
        let ctx = "counting tiers and classes";
        let mut scores: HashMap<String, BTreeMap<String, u8>> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT parent_id, criterion, score FROM account_scores")
                .map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                scores
                    .entry(r.get(0).map_err(|e| self.err(ctx, e))?)
                    .or_default()
                    .insert(r.get(1).map_err(|e| self.err(ctx, e))?, r.get(2).map_err(|e| self.err(ctx, e))?);
            }
        }
        let mut tiers = [0u64; 3];
        let mut abc = [0u64; 4];
        for (id, (tier, _)) in in_force {
            tiers[match tier {
                Tier::Silver => 0,
                Tier::Gold => 1,
                Tier::Platinum => 2,
            }] += 1;
            let class = scores.get(id).and_then(|s| scorecard(rules, s)).map(|s| s.class);
            abc[match class {
                Some(AbcClass::A) => 0,
                Some(AbcClass::B) => 1,
                Some(AbcClass::C) => 2,
                None => 3,
            }] += 1;
        }
        Ok((tiers, abc))
    }

    /// Plan-check warnings (§4.11) of the current plans: call plans and
    /// presentations dated in the last 30 days, later, or undated. Plans
    /// with no warning are left out; the oldest first.
    pub fn plan_warnings(&self, today: NaiveDate) -> Result<Vec<PlanWarnings>, StoreError> {
        let ctx = "running the plan checks";
        let from = (today - Duration::days(CHECKED_PLAN_DAYS)).to_value();
        let mut plans: Vec<CheckedPlan> = Vec::new();
        let mut index: HashMap<(PlanType, String), usize> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT 'call', p.id, p.account_id, a.name, p.call_date, p.status = 'done', \
                     trim(p.supporter_assessment) <> '', trim(p.manager_assessment) <> '' FROM call_plans p \
                     JOIN accounts a ON a.id = p.account_id AND a.deleted_at IS NULL \
                     WHERE p.deleted_at IS NULL AND (p.call_date IS NULL OR p.call_date >= ?1) \
                     UNION ALL SELECT 'presentation', p.id, p.account_id, a.name, p.date, 0, 0, 0 FROM presentations p \
                     JOIN accounts a ON a.id = p.account_id AND a.deleted_at IS NULL \
                     WHERE p.deleted_at IS NULL AND (p.date IS NULL OR p.date >= ?1) ORDER BY 5, 4, 2",
                )
                .map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([&from]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                let g = |e| self.err(ctx, e);
                let kind: String = r.get(0).map_err(g)?;
                let kind = if kind == "call" { PlanType::Call } else { PlanType::Presentation };
                let id: String = r.get(1).map_err(g)?;
                index.insert((kind, id.clone()), plans.len());
                plans.push(CheckedPlan {
                    kind,
                    id,
                    account_id: r.get(2).map_err(g)?,
                    account: r.get(3).map_err(g)?,
                    date: r.get(4).map_err(g)?,
                    desc: PlanDescription {
                        kind: if kind == PlanType::Call { PlanKind::Call } else { PlanKind::Presentation },
                        done: r.get(5).map_err(g)?,
                        participants: Vec::new(),
                        questions: 0,
                        commitments: Vec::new(),
                        supporter_assessment: r.get(6).map_err(g)?,
                        manager_assessment: r.get(7).map_err(g)?,
                    },
                });
            }
        }
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        // Children of those plans, read table by table and matched by id.
        let current = "p.deleted_at IS NULL AND (p.{date} IS NULL OR p.{date} >= ?1)";
        let role = |v: Option<String>| v.and_then(|k| BuyingRole::from_value(Value::Text(k)).ok());
        {
            let sql = format!(
                "SELECT 'call', x.parent_id, x.name, coalesce(x.role, c.buying_role) FROM call_plan_customers x \
                 JOIN call_plans p ON p.id = x.parent_id LEFT JOIN contacts c ON c.id = x.contact_id WHERE {} \
                 UNION ALL SELECT 'presentation', x.parent_id, x.name_title, coalesce(x.buying_role, c.buying_role) \
                 FROM presentation_participants x JOIN presentations p ON p.id = x.parent_id \
                 LEFT JOIN contacts c ON c.id = x.contact_id WHERE {}",
                current.replace("{date}", "call_date"),
                current.replace("{date}", "date")
            );
            let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([&from]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                let g = |e| self.err(ctx, e);
                let kind: String = r.get(0).map_err(g)?;
                let kind = if kind == "call" { PlanType::Call } else { PlanType::Presentation };
                let parent: String = r.get(1).map_err(g)?;
                if let Some(&i) = index.get(&(kind, parent)) {
                    plans[i]
                        .desc
                        .participants
                        .push(PlanParticipant { name: r.get(2).map_err(g)?, buying_role: role(r.get(3).map_err(g)?) });
                }
            }
        }
        {
            let sql = format!(
                "SELECT x.parent_id, count(*) FROM call_plan_introduction x JOIN call_plans p ON p.id = x.parent_id \
                 WHERE trim(x.question) <> '' AND {} GROUP BY x.parent_id",
                current.replace("{date}", "call_date")
            );
            let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([&from]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                let g = |e| self.err(ctx, e);
                let parent: String = r.get(0).map_err(g)?;
                if let Some(&i) = index.get(&(PlanType::Call, parent)) {
                    plans[i].desc.questions = usize::try_from(r.get::<_, i64>(1).map_err(g)?).unwrap_or(0);
                }
            }
        }
        {
            let sql = format!(
                "SELECT x.parent_id, x.who, x.what, x.\"by\" FROM call_plan_commitments x \
                 JOIN call_plans p ON p.id = x.parent_id WHERE {} ORDER BY x.parent_id, x.pos",
                current.replace("{date}", "call_date")
            );
            let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([&from]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                let g = |e| self.err(ctx, e);
                let parent: String = r.get(0).map_err(g)?;
                let due = opt_day("call_plan_commitments", "by", &parent, r.get(3).map_err(g)?)?;
                if let Some(&i) = index.get(&(PlanType::Call, parent)) {
                    plans[i].desc.commitments.push(kam_rules::plan_check::Commitment {
                        owner: r.get(1).map_err(g)?,
                        what: r.get(2).map_err(g)?,
                        due,
                    });
                }
            }
        }
        let contacts = self.plan_contacts(ctx, &from)?;
        let mut out = Vec::new();
        for p in plans {
            let of_account = contacts.get(&p.account_id).map_or(&[][..], Vec::as_slice);
            let warnings = check_plan(&p.desc, of_account);
            if warnings.is_empty() {
                continue;
            }
            let table = if p.kind == PlanType::Call { "call_plans" } else { "presentations" };
            out.push(PlanWarnings {
                kind: p.kind,
                date: opt_day(table, "date", &p.id, p.date)?,
                account_id: id_of(table, &p.account_id)?,
                id: id_of(table, &p.id)?,
                account: p.account,
                warnings,
            });
        }
        Ok(out)
    }

    /// The contacts of the accounts with current plans, as the checks see them.
    fn plan_contacts(&self, ctx: &str, from: &Value) -> Result<HashMap<String, Vec<PlanContact>>, StoreError> {
        let accounts =
            "SELECT account_id FROM call_plans WHERE deleted_at IS NULL AND (call_date IS NULL OR call_date >= ?1) \
             UNION SELECT account_id FROM presentations WHERE deleted_at IS NULL AND (date IS NULL OR date >= ?1)";
        let mut seen: HashMap<String, Vec<Behaviour>> = HashMap::new();
        {
            let sql = format!(
                "SELECT b.parent_id, b.behaviour FROM contact_behaviours b JOIN contacts c ON c.id = b.parent_id \
                 WHERE c.deleted_at IS NULL AND c.account_id IN ({accounts})"
            );
            let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
            let mut rows = stmt.query([from]).map_err(|e| self.err(ctx, e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
                let g = |e| self.err(ctx, e);
                let id: String = r.get(0).map_err(g)?;
                let key: Value = r.get(1).map_err(g)?;
                let b = Behaviour::from_value(key).map_err(|d| bad("contact_behaviours", "behaviour", &id, d))?;
                seen.entry(id).or_default().push(b);
            }
        }
        let sql = format!(
            "SELECT id, account_id, name, buying_role, reports_to FROM contacts \
             WHERE deleted_at IS NULL AND account_id IN ({accounts})"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
        let mut rows = stmt.query([from]).map_err(|e| self.err(ctx, e))?;
        let mut out: HashMap<String, Vec<PlanContact>> = HashMap::new();
        while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
            let g = |e| self.err(ctx, e);
            let id: String = r.get(0).map_err(g)?;
            let account: String = r.get(1).map_err(g)?;
            let role: Option<String> = r.get(3).map_err(g)?;
            let contact = PlanContact {
                alliance: alliance_status(seen.get(&id).map_or(&[][..], Vec::as_slice)),
                buying_role: role.and_then(|k| BuyingRole::from_value(Value::Text(k)).ok()),
                name: r.get(2).map_err(g)?,
                reports_to: r.get(4).map_err(g)?,
                id,
            };
            out.entry(account).or_default().push(contact);
        }
        Ok(out)
    }

    /// Records changed in `[from, to)`, by kind, each record once.
    pub fn changed_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<BTreeMap<String, u64>, StoreError> {
        let ctx = "counting today's changes";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT kind, count(DISTINCT record_id) FROM change_log WHERE at >= ?1 AND at < ?2 GROUP BY kind",
            )
            .map_err(|e| self.err(ctx, e))?;
        let rows = stmt
            .query_map([timestamp(from), timestamp(to)], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.err(ctx, e))?;
        rows.map(|r| r.map(|(k, n)| (k, count(n))).map_err(|e| self.err(ctx, e))).collect()
    }

    /// Records changed since `since` (every record ever changed when `None`).
    pub fn changed_since(&self, since: Option<DateTime<Utc>>) -> Result<u64, StoreError> {
        let at = since.map_or_else(String::new, timestamp);
        self.conn
            .prepare_cached(
                "SELECT count(DISTINCT record_id) FROM change_log WHERE at > ?1 AND action NOT IN ('export', 'print')",
            )
            .and_then(|mut s| s.query_row([at], |r| r.get::<_, i64>(0)))
            .map(count)
            .map_err(|e| self.err("counting changes since the last export", e))
    }

    /// When the last day-end export was made from this file, if ever.
    pub fn last_export(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'last_export'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err("reading the last export", e))?;
        v.map(|s| {
            DateTime::<Utc>::from_value(Value::Text(s.clone())).map_err(|d| bad("meta", "value", "last_export", d))
        })
        .transpose()
    }

    /// Notes that an export was made at `at` (for "changed since the last export").
    pub fn set_last_export(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES ('last_export', ?1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [timestamp(at)],
            )
            .map(|_| ())
            .map_err(|e| self.err("noting the export", e))
    }

    /// Order volume and collections of the 12 months up to `today`'s, oldest first.
    pub fn months(&self, today: NaiveDate) -> Result<Vec<MonthFigures>, StoreError> {
        let ctx = "summing orders and collections by month";
        let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
            .and_then(|d| d.checked_sub_months(Months::new(11)))
            .unwrap_or(today);
        let mut out: Vec<MonthFigures> = (0..12)
            .filter_map(|i| first.checked_add_months(Months::new(i)))
            .map(|d| MonthFigures { month: d.format("%Y-%m").to_string(), ..MonthFigures::default() })
            .collect();
        let mut add = |sql: &str, figure: Figure| -> Result<(), StoreError> {
            let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(ctx, e))?;
            let rows = stmt
                .query_map([first.to_value(), today.to_value()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(|e| self.err(ctx, e))?;
            for row in rows {
                let (month, fen) = row.map_err(|e| self.err(ctx, e))?;
                if let Some(m) = out.iter_mut().find(|m| m.month == month) {
                    match figure {
                        Figure::Orders => m.orders += Money::from_fen(fen),
                        Figure::Collected => m.collected += Money::from_fen(fen),
                    }
                }
            }
            Ok(())
        };
        // A year is most of each table: whole passes, not a lookup per row
        // through an index (at 2,000,000 orders 0.8 s against 5.3 s, and
        // collections without a join per row 2.8 s against 9.3 s).
        add(
            &format!(
                "SELECT substr(date, 1, 7), {} FROM orders NOT INDEXED \
                 WHERE deleted_at IS NULL AND date >= ?1 AND date <= ?2 GROUP BY 1",
                // What the customer owes, as the evaluation's sales count it.
                sum_fen("net_amount")
            ),
            Figure::Orders,
        )?;
        add(
            &format!(
                "SELECT substr(date, 1, 7), {} FROM order_collections WHERE date >= ?1 AND date <= ?2 GROUP BY 1",
                sum_fen("amount")
            ),
            Figure::Collected,
        )?;
        // Less what was collected on orders now in the trash.
        add(
            &format!(
                "SELECT substr(c.date, 1, 7), -{} FROM orders o NOT INDEXED \
                 JOIN order_collections c ON c.parent_id = o.id \
                 WHERE o.deleted_at IS NOT NULL AND c.date >= ?1 AND c.date <= ?2 GROUP BY 1",
                sum_fen("c.amount")
            ),
            Figure::Collected,
        )?;
        Ok(out)
    }

    /// Visits in person per week over the 12 weeks ending `today`, oldest first.
    pub fn weekly_visits(&self, today: NaiveDate) -> Result<Vec<u64>, StoreError> {
        let ctx = "counting visits by week";
        let first = today - Duration::days(12 * 7 - 1);
        let mut stmt = self
            .conn
            .prepare_cached(
                // Twelve weeks of a log kept for years: still one pass
                // reads faster than a lookup per row (0.4 s against 2.1 s).
                "SELECT date, count(*) FROM visits NOT INDEXED WHERE deleted_at IS NULL AND kind = 'visit' \
                 AND date >= ?1 AND date <= ?2 GROUP BY date",
            )
            .map_err(|e| self.err(ctx, e))?;
        let rows = stmt
            .query_map([first.to_value(), today.to_value()], |r| Ok((r.get::<_, Value>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.err(ctx, e))?;
        let mut weeks = vec![0u64; 12];
        for row in rows {
            let (date, n) = row.map_err(|e| self.err(ctx, e))?;
            let date = day_of("visits", "date", "", date)?;
            let week = usize::try_from((date - first).num_days() / 7).unwrap_or(0).min(11);
            weeks[week] += count(n);
        }
        Ok(weeks)
    }

    /// The targets record of `rep` for exactly `period`, if one was entered.
    pub fn target_of(&self, rep: &str, period: &str) -> Result<Option<crate::model::Target>, StoreError> {
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM targets WHERE rep = ?1 AND period = ?2 AND deleted_at IS NULL",
                params![rep, period],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err("reading a targets record", e))?;
        id.map(|i| id_of("targets", &i).and_then(|id| self.get(&id))).transpose()
    }

    /// Ticks commitment `pos` of call plan `plan` done (a change logged like
    /// any edit of the plan).
    pub fn tick_commitment(&mut self, plan: &Id, pos: usize) -> Result<(), StoreError> {
        let mut p: crate::model::CallPlan = self.get(plan)?;
        let Some(c) = p.commitments.get_mut(pos) else {
            return Err(StoreError::NotFound { kind: super::RecordKind::CallPlan, id: format!("{plan}#{pos}") });
        };
        c.done = true;
        self.update(&mut p, "")
    }

    /// Whether `name` is someone the evaluation knows (§4.9): the owner of
    /// an account, someone with a targets record, or who logged a visit.
    /// `kam report --rep` refuses anyone else rather than score nobody.
    pub fn is_rep(&self, name: &str) -> Result<bool, StoreError> {
        if name.trim().is_empty() {
            return Ok(false);
        }
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE deleted_at IS NULL AND owner = ?1) \
                 OR EXISTS (SELECT 1 FROM targets WHERE deleted_at IS NULL AND rep = ?1) \
                 OR EXISTS (SELECT 1 FROM visits WHERE deleted_at IS NULL AND \"by\" = ?1) \
                 OR EXISTS (SELECT 1 FROM orders WHERE deleted_at IS NULL AND rep = ?1 AND trim(rep) <> '')",
                [name],
                |r| r.get::<_, bool>(0),
            )
            .map_err(|e| self.err("finding a rep", e))
    }
}

fn tier_override(id: &str, over: Option<String>, reason: String) -> Result<Option<TierOverride>, StoreError> {
    over.map(|t| Tier::from_value(Value::Text(t)))
        .transpose()
        .map_err(|d| bad("accounts", "tier_override", id, d))
        .map(|t| t.map(|tier| TierOverride { tier, reason }))
}
