//! What a rep's evaluation (DESIGN §4.9) is computed from: sales, collections,
//! accounts gained and lost, complaints and satisfaction of the rep's
//! accounts in a period, and the supervisor's targets record.

use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

use kam_rules::evaluation::{AccountHistory, EvaluationInput, Period};
use kam_rules::{Money, Rules};
use rusqlite::params;

use super::{Store, StoreError};

/// An SQL expression summing the fen of `expr` over a group without ever
/// failing: SQLite's `sum()` stops with "integer overflow" past `i64`, and
/// `total()` is a float that drops fen. Every amount is at most
/// [`Money::MAX`] when written, but a file from an older version may hold
/// one near `i64::MAX` (issue #17: Today and every report failed for ever
/// after). The amounts are summed exactly in two parts, millions of fen and
/// the rest, each of which a billion rows cannot overflow; the millions are
/// capped at ±9.2e12 before they are joined, so the result saturates
/// near ±9.2e18 fen instead of failing. Zero over no rows.
pub(super) fn sum_fen(expr: &str) -> String {
    format!(
        "(min(max(coalesce(sum(({expr}) / 1000000), 0), -9200000000000), 9200000000000) * 1000000 \
         + coalesce(sum(({expr}) % 1000000), 0))"
    )
}

/// Whom an order (`o`, of account `a`) is credited to: its rep, else the
/// account's owner (an order from before orders had a rep).
const CREDITED: &str = "coalesce(nullif(trim(o.rep), ''), a.owner)";

impl Store {
    /// Everyone who owns an account, has a targets record or is credited
    /// with an order, sorted.
    pub fn reps(&self) -> Result<Vec<String>, StoreError> {
        let ctx = "listing reps";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT owner FROM accounts WHERE deleted_at IS NULL AND trim(owner) <> '' \
                 UNION SELECT rep FROM targets WHERE deleted_at IS NULL \
                 UNION SELECT rep FROM orders WHERE deleted_at IS NULL AND trim(rep) <> '' ORDER BY 1",
            )
            .map_err(|e| self.err(ctx, e))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err(ctx, e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(ctx, e))
    }

    /// The inputs of a rep's evaluation for a period, as seed 000 means
    /// them. Sales and collections are the net amounts of the orders
    /// credited to the rep (an order's rep; an order without one, its
    /// account's owner). Accounts at the start and end of the period and new
    /// in it are the rep's accounts counted by their orders
    /// ([`kam_rules::evaluation::account_counts`]), not by when their records
    /// were created. A period still running is read up to `today`. A target
    /// missing for the period is made of the months' targets when every month
    /// has one, else missing.
    pub fn evaluation_input(
        &self,
        rules: &Rules,
        rep: &str,
        period: Period,
        today: NaiveDate,
    ) -> Result<EvaluationInput, StoreError> {
        let (start, end) = (period.start().to_string(), period.end().to_string());
        let ctx = "reading the evaluation's inputs";
        let money = |sql: &str, a: &str, b: &str| -> Result<Money, StoreError> {
            self.conn
                .query_row(sql, params![rep, a, b], |r| r.get::<_, i64>(0))
                .map(Money::from_fen)
                .map_err(|e| self.err(ctx, e))
        };
        let count = |sql: &str| -> Result<u32, StoreError> {
            self.conn
                .query_row(sql, params![rep, start, end], |r| r.get::<_, i64>(0))
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                .map_err(|e| self.err(ctx, e))
        };
        let sales_sql = &format!(
            "SELECT {} FROM orders o JOIN accounts a ON a.id = o.account_id \
             WHERE {CREDITED} = ?1 AND o.deleted_at IS NULL AND o.date BETWEEN ?2 AND ?3",
            sum_fen("o.net_amount")
        );
        let prev = period.previous();
        let (accounts_at_start, new_accounts, accounts_at_end) =
            kam_rules::evaluation::account_counts(rules, period, today, &self.account_histories(rep)?);
        let mut input = EvaluationInput {
            actual_sales: money(sales_sql, &start, &end)?,
            last_period_sales: money(sales_sql, &prev.start().to_string(), &prev.end().to_string())?,
            collected: money(
                &format!(
                    "SELECT {} FROM order_collections c JOIN orders o ON o.id = c.parent_id \
                     JOIN accounts a ON a.id = o.account_id \
                     WHERE {CREDITED} = ?1 AND o.deleted_at IS NULL AND c.date BETWEEN ?2 AND ?3",
                    sum_fen("c.amount")
                ),
                &start,
                &end,
            )?,
            accounts_at_start,
            new_accounts,
            accounts_at_end,
            complaints: count(
                "SELECT count(*) FROM feedback f JOIN accounts a ON a.id = f.account_id WHERE a.owner = ?1 \
                 AND f.deleted_at IS NULL AND f.complaint = 1 AND f.date BETWEEN ?2 AND ?3",
            )?,
            ..EvaluationInput::default()
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.satisfaction FROM feedback f JOIN accounts a ON a.id = f.account_id WHERE a.owner = ?1 \
                 AND f.deleted_at IS NULL AND f.satisfaction IS NOT NULL AND f.date BETWEEN ?2 AND ?3",
            )
            .map_err(|e| self.err(ctx, e))?;
        input.satisfaction = stmt
            .query_map(params![rep, start, end], |r| r.get::<_, u8>(0))
            .map_err(|e| self.err(ctx, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(ctx, e))?;
        if let Some(t) = self.targets_for(rep, period)? {
            input.planned_sales = t.0;
            input.planned_collection = t.1;
            input.expense_budget = t.2;
            input.expense_actual = t.3;
            input.ability = t.4;
            input.attitude = t.5;
        }
        Ok(input)
    }

    /// Every account the rep owns, or owned until it was deleted, with its
    /// customer-since date and the dates of its orders (those deleted with
    /// the account count: the account bought then).
    fn account_histories(&self, rep: &str) -> Result<Vec<AccountHistory>, StoreError> {
        let ctx = "reading the rep's accounts and orders";
        let mut by_id: HashMap<String, AccountHistory> = HashMap::new();
        let day =
            |v: Option<String>| v.and_then(|t| t.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()));
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, customer_since, deleted_at FROM accounts WHERE owner = ?1")
            .map_err(|e| self.err(ctx, e))?;
        let mut rows = stmt.query([rep]).map_err(|e| self.err(ctx, e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
            let id: String = r.get(0).map_err(|e| self.err(ctx, e))?;
            let since = day(r.get(1).map_err(|e| self.err(ctx, e))?);
            let gone = day(r.get(2).map_err(|e| self.err(ctx, e))?);
            by_id.insert(id, AccountHistory { customer_since: since, order_dates: Vec::new(), gone });
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT o.account_id, o.date FROM orders o JOIN accounts a ON a.id = o.account_id \
                 WHERE a.owner = ?1 AND (o.deleted_at IS NULL OR o.deleted_with IS NOT NULL)",
            )
            .map_err(|e| self.err(ctx, e))?;
        let mut rows = stmt.query([rep]).map_err(|e| self.err(ctx, e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(ctx, e))? {
            let id: String = r.get(0).map_err(|e| self.err(ctx, e))?;
            if let (Some(h), Some(d)) = (by_id.get_mut(&id), day(r.get(1).map_err(|e| self.err(ctx, e))?)) {
                h.order_dates.push(d);
            }
        }
        Ok(by_id.into_values().collect())
    }

    /// The targets of a period: its own record, else the sum (scores: the
    /// mean) of its months' records when every month has one.
    #[allow(clippy::type_complexity)]
    fn targets_for(
        &self,
        rep: &str,
        period: Period,
    ) -> Result<Option<(Option<Money>, Option<Money>, Option<Money>, Option<Money>, Option<u8>, Option<u8>)>, StoreError>
    {
        let ctx = "reading targets";
        let read = |p: &str| {
            self.conn
                .query_row(
                    "SELECT planned_sales, planned_collection, expense_budget, expense_actual, ability, attitude \
                     FROM targets WHERE rep = ?1 AND period = ?2 AND deleted_at IS NULL",
                    params![rep, p],
                    |r| {
                        Ok((
                            r.get::<_, Option<i64>>(0)?,
                            r.get::<_, Option<i64>>(1)?,
                            r.get::<_, Option<i64>>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                            r.get::<_, Option<i64>>(4)?,
                            r.get::<_, Option<i64>>(5)?,
                        ))
                    },
                )
                .map(Some)
                .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })
                .map_err(|e| self.err(ctx, e))
        };
        let fen = |v: Option<i64>| v.map(Money::from_fen);
        let score = |v: Option<i64>| v.and_then(|s| u8::try_from(s).ok());
        if let Some(t) = read(&period.to_string())? {
            return Ok(Some((fen(t.0), fen(t.1), fen(t.2), fen(t.3), score(t.4), score(t.5))));
        }
        if matches!(period, Period::Month { .. }) {
            return Ok(None);
        }
        let mut months = Vec::new();
        let mut d = period.start();
        while d <= period.end() {
            months.push(Period::Month { year: d.year(), month: d.month() });
            d = d.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX);
        }
        let mut rows = Vec::new();
        for m in months {
            match read(&m.to_string())? {
                Some(t) => rows.push(t),
                None => return Ok(None),
            }
        }
        let sum =
            |f: fn(&(Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>)) -> Option<i64>| {
                // Saturating: targets are written within bounds, but a
                // file from an older version may hold any figure.
                rows.iter().map(f).try_fold(0i64, |acc, v| v.map(|v| acc.saturating_add(v)))
            };
        let mean = |total: Option<i64>| total.map(|t| t / rows.len().max(1) as i64);
        Ok(Some((
            fen(sum(|t| t.0)),
            fen(sum(|t| t.1)),
            fen(sum(|t| t.2)),
            fen(sum(|t| t.3)),
            score(mean(sum(|t| t.4))),
            score(mean(sum(|t| t.5))),
        )))
    }
}
