//! Accounts and contacts: their mapping, search columns and the list queries
//! the Accounts tab draws from.

// The list query is assembled from a few fixed fragments with numbered
// parameters; `format!` into the SQL string reads best.
#![allow(clippy::format_push_string)]

use chrono::NaiveDate;
use kam_rules::cadence::Cadence;
use kam_rules::tier::{annual_volume, max_overdue_days, Receivable};
use kam_rules::{AbcClass, Money, Rules, TierDecision};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension};

use super::col::Col;
use super::record::record;
use super::search::{fts_phrase, like_escape, pinyin, sort_key, Query};
use super::{Store, StoreError};
use crate::model::{Account, ArchiveEntry, Contact, Id, ObservedBehaviour, Responsibility, Score};

record! {
    Account, Account, order "sort_key, id",
    label |a| a.name.clone(),
    account |_a| None,
    derived |a| {
        let py = pinyin(&a.name);
        let short = pinyin(&a.short_name);
        let join = |x: &str, y: &str| if y.is_empty() { x.to_string() } else { format!("{x} {y}") };
        vec![
            ("sort_key", Value::Text(sort_key(&a.name, &py))),
            ("name_norm", Value::Text(kam_rules::dedupe::normalize_company(&a.name))),
            ("phone_digits", Value::Text(kam_rules::dedupe::phone_digits(&a.phone))),
            ("py_initials", Value::Text(join(&py.initials, &short.initials))),
            ("py_full", Value::Text(join(&py.full, &short.full))),
        ]
    },
    children {
        scores: Score in "account_scores" { criterion, score },
        archive: ArchiveEntry in "account_archive" {
            category, date, title, content, amount, approval, reason, responsibility
        },
    }
}

record! {
    Contact, Contact, order "name, id",
    label |c| c.name.clone(),
    account |c| Some(&c.account_id),
    derived |c| {
        let py = pinyin(&c.name);
        vec![
            ("name_norm", Value::Text(kam_rules::dedupe::normalize_person(&c.name))),
            ("phone_digits", Value::Text(kam_rules::dedupe::phone_digits(&c.phone))),
            ("py_initials", Value::Text(py.initials)),
            ("py_full", Value::Text(py.full)),
        ]
    },
    children {
        responsibilities: Responsibility in "contact_responsibilities" { text },
        behaviours: ObservedBehaviour in "contact_behaviours" { behaviour, observed_on },
    }
}

/// The keys the duplicate guard matches accounts on (§4.12), from
/// [`Store::account_dedupe_keys`].
#[derive(Clone, Debug, Default)]
pub struct AccountKeys {
    names: std::collections::HashSet<String>,
    phones: std::collections::HashSet<String>,
}

impl AccountKeys {
    /// Whether an account with this name and phone could match a live
    /// account: when false, [`Store::similar_accounts`] finds none.
    pub fn may_match(&self, name: &str, phone: &str) -> bool {
        use kam_rules::dedupe::{company_key, phone_key};
        company_key(name).is_some_and(|k| self.names.contains(&k))
            || phone_key(phone).is_some_and(|k| self.phones.contains(&k))
    }
}

/// Where a page of the account list starts: after the row it was taken
/// from. Opaque; take it from [`AccountRow::cursor`] or [`AccountPage::next`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountCursor {
    sort_key: String,
    id: String,
}

/// What the account list shows.
#[derive(Clone, Debug)]
pub struct AccountListQuery {
    /// What the user typed: part of the name or short name (Chinese or
    /// Latin), pinyin initials or full pinyin (`zs`, `zhangsan`, any reading),
    /// or digits of the phone. Empty lists everything.
    pub filter: String,
    /// Start after this row; `None` for the first page.
    pub after: Option<AccountCursor>,
    /// Rows per page.
    pub limit: u32,
    /// The day tiers, volumes and overdue flags are computed for.
    pub today: NaiveDate,
}

impl AccountListQuery {
    /// The first page of everything, 50 rows, as of `today`.
    pub fn first(today: NaiveDate) -> Self {
        Self { filter: String::new(), after: None, limit: 50, today }
    }
}

/// One line of the account list, with what the rules derive for it.
#[derive(Clone, Debug)]
pub struct AccountRow {
    pub id: Id,
    pub name: String,
    pub short_name: String,
    pub owner: String,
    pub phone: String,
    /// Sum of orders in the annual window up to the day asked (§4.1).
    pub annual: Money,
    /// The tier in force with the override and downgrade (§4.1, §4.4);
    /// `tier.reason(rules, lang)` explains it.
    pub tier: TierDecision,
    /// A/B/C by the account's scorecard (§4.3), when it has scores.
    pub abc: Option<AbcClass>,
    /// Last visit in person (kind `visit`).
    pub last_visit: Option<NaiveDate>,
    /// Last visit by a manager-level person.
    pub last_manager_visit: Option<NaiveDate>,
    /// Last contact of any kind.
    pub last_contact: Option<NaiveDate>,
    /// Days the oldest unpaid receivable is past due (0 when none).
    pub overdue_days: u32,
    /// A receivable is overdue past the downgrade limit (§4.4), whether or
    /// not the tier could drop.
    pub receivable_overdue: bool,
    /// Visit and contact cadence (§4.7): `cadence.is_overdue()`, `visit_overdue_by` …
    pub cadence: Cadence,
    pub cursor: AccountCursor,
}

/// A page of the account list.
#[derive(Clone, Debug, Default)]
pub struct AccountPage {
    pub rows: Vec<AccountRow>,
    /// Where the next page starts; `None` when this is the last page.
    pub next: Option<AccountCursor>,
}

/// A contact in an account's detail or a search result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRow {
    pub id: Id,
    pub account_id: Id,
    pub name: String,
    pub title: String,
    pub phone: String,
}

impl Store {
    /// A page of the account list: name, short name, owner, tier with its
    /// downgrade, A/B/C, annual volume, last visit and contact, overdue
    /// flags. Ordered by the pinyin of the name and paged by keyset, so a
    /// page costs the same at row 50 and at row 99,950. The derived values
    /// come from kam-rules with `rules`.
    pub fn account_page(&self, rules: &Rules, q: &AccountListQuery) -> Result<AccountPage, StoreError> {
        let mut sql = format!("SELECT {HEAD_COLUMNS} FROM accounts a WHERE a.deleted_at IS NULL");
        let mut params: Vec<Value> = Vec::new();
        let mut param = |v: Value| {
            params.push(v);
            params.len()
        };
        match Query::parse(&q.filter) {
            Query::Nothing => {}
            Query::Pinyin(p) => {
                let like = format!("%{}%", like_escape(&p));
                let i = param(Value::Text(like));
                // An account is also found by one of its contacts (`zzw` finds 曾志伟's company).
                // A correlated EXISTS, so the scan in list order stops at the page's end
                // (an `IN (SELECT …)` would first scan every contact).
                sql.push_str(&format!(
                    " AND (a.py_initials LIKE ?{i} ESCAPE '\\' OR a.py_full LIKE ?{i} ESCAPE '\\' \
                     OR a.name LIKE ?{i} ESCAPE '\\' OR a.short_name LIKE ?{i} ESCAPE '\\' \
                     OR EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id AND c.deleted_at IS NULL AND \
                     (c.py_initials LIKE ?{i} ESCAPE '\\' OR c.py_full LIKE ?{i} ESCAPE '\\')))"
                ));
            }
            Query::Digits(d) => {
                let i = param(Value::Text(format!("%{}%", like_escape(&d))));
                sql.push_str(&format!(
                    " AND (a.phone_digits LIKE ?{i} ESCAPE '\\' OR a.name LIKE ?{i} ESCAPE '\\' \
                     OR EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id AND c.deleted_at IS NULL \
                     AND c.phone_digits LIKE ?{i} ESCAPE '\\'))"
                ));
            }
            Query::Text(t) => {
                if t.chars().count() >= 3 {
                    let i = param(Value::Text(fts_phrase(&t)));
                    sql.push_str(&format!(
                        " AND a.rowid IN (SELECT rowid FROM accounts_fts WHERE accounts_fts MATCH ?{i})"
                    ));
                } else {
                    let i = param(Value::Text(format!("%{}%", like_escape(&t))));
                    sql.push_str(&format!(
                        " AND (a.name LIKE ?{i} ESCAPE '\\' OR a.short_name LIKE ?{i} ESCAPE '\\' \
                         OR a.id IN (SELECT c.account_id FROM contacts c WHERE c.deleted_at IS NULL \
                         AND c.name LIKE ?{i} ESCAPE '\\'))"
                    ));
                }
            }
        }
        if let Some(c) = &q.after {
            let i = param(Value::Text(c.sort_key.clone()));
            let j = param(Value::Text(c.id.clone()));
            sql.push_str(&format!(" AND (a.sort_key, a.id) > (?{i}, ?{j})"));
        }
        let limit = q.limit.max(1);
        let i = param(Value::Integer(i64::from(limit) + 1));
        sql.push_str(&format!(" ORDER BY a.sort_key, a.id LIMIT ?{i}"));

        let ctx = "listing accounts";
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(ctx, e))?;
        let heads = stmt
            .query_map(params_from_iter(params), Head::from_row)
            .map_err(|e| self.err(ctx, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(ctx, e))?;
        let more = heads.len() > limit as usize;
        let mut rows = Vec::with_capacity(heads.len().min(limit as usize));
        for h in heads.into_iter().take(limit as usize) {
            rows.push(self.account_row(rules, h, q.today)?);
        }
        let next = if more { rows.last().map(|r| r.cursor.clone()) } else { None };
        Ok(AccountPage { rows, next })
    }

    /// One line of the list from the account's columns and what the rules derive.
    pub(super) fn account_row(&self, rules: &Rules, h: Head, today: NaiveDate) -> Result<AccountRow, StoreError> {
        let id = Id::parse(&h.id).map_err(|e| StoreError::BadValue {
            table: "accounts",
            column: "id".into(),
            id: h.id.clone(),
            detail: e.message,
        })?;
        let tier_override = h
            .tier_override
            .map(|t| kam_rules::Tier::from_value(Value::Text(t)))
            .transpose()
            .map_err(|detail| StoreError::BadValue {
                table: "accounts",
                column: "tier_override".into(),
                id: h.id.clone(),
                detail,
            })?
            .map(|tier| kam_rules::tier::TierOverride { tier, reason: h.tier_override_reason.clone() });
        let opened =
            h.created_at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today);
        let derived = self.account_derived(rules, &id, today)?;
        let overdue_days = max_overdue_days(rules, derived.receivables, today);
        let tier = kam_rules::decide_tier(rules, derived.annual, overdue_days, tier_override);
        let abc = kam_rules::abc::scorecard(rules, &derived.scores).map(|s| s.class);
        let cadence = kam_rules::cadence::cadence(
            rules,
            tier.tier,
            derived.last_manager_visit,
            derived.last_contact,
            opened,
            today,
        );
        Ok(AccountRow {
            cursor: AccountCursor { sort_key: h.sort_key, id: h.id },
            id,
            name: h.name,
            short_name: h.short_name,
            owner: h.owner,
            phone: h.phone,
            annual: derived.annual,
            tier,
            abc,
            last_visit: derived.last_visit,
            last_manager_visit: derived.last_manager_visit,
            last_contact: derived.last_contact,
            overdue_days,
            receivable_overdue: kam_rules::tier::downgrade_applies(rules, overdue_days),
            cadence,
        })
    }

    /// The facts the rules need about one account, each from an indexed read.
    fn account_derived(&self, rules: &Rules, id: &Id, today: NaiveDate) -> Result<Derived, StoreError> {
        let ctx = "reading an account's orders and visits";
        let err = |e: rusqlite::Error| self.err(ctx, e);
        let (since, _) = kam_rules::tier::annual_window(rules, today);
        let mut orders = self
            .conn
            .prepare_cached(
                "SELECT date, amount FROM orders WHERE account_id = ?1 AND deleted_at IS NULL AND date > ?2 AND date <= ?3",
            )
            .map_err(err)?;
        let pairs = orders
            .query_map(rusqlite::params![id.as_str(), since.to_value(), today.to_value()], |r| {
                Ok((r.get::<_, Value>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        let mut dated = Vec::with_capacity(pairs.len());
        for (d, fen) in pairs {
            let day = NaiveDate::from_value(d).map_err(|detail| StoreError::BadValue {
                table: "orders",
                column: "date".into(),
                id: id.to_string(),
                detail,
            })?;
            dated.push((day, Money::from_fen(fen)));
        }
        let annual = annual_volume(rules, dated, today);
        let mut recv = self
            .conn
            .prepare_cached(
                "SELECT due_date, outstanding FROM orders WHERE account_id = ?1 AND deleted_at IS NULL \
                 AND outstanding > 0 AND outstanding > ?3 AND due_date IS NOT NULL AND due_date < ?2 \
                 ORDER BY due_date LIMIT 1",
            )
            .map_err(err)?;
        let oldest: Option<(Value, i64)> = recv
            .query_row(rusqlite::params![id.as_str(), today.to_value(), rules.downgrade.residue.fen()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(err)?;
        let mut receivables = Vec::new();
        if let Some((due, fen)) = oldest {
            let due = NaiveDate::from_value(due).map_err(|detail| StoreError::BadValue {
                table: "orders",
                column: "due_date".into(),
                id: id.to_string(),
                detail,
            })?;
            receivables.push(Receivable { due, outstanding: Money::from_fen(fen) });
        }
        let mut visits = self.conn.prepare_cached(account_visits_sql()).map_err(err)?;
        let (v, m, c): (Option<Value>, Option<Value>, Option<Value>) = visits
            .query_row(rusqlite::params![id.as_str(), today.to_value()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(err)?;
        let day = |v: Option<Value>| -> Result<Option<NaiveDate>, StoreError> {
            v.map(NaiveDate::from_value).transpose().map_err(|detail| StoreError::BadValue {
                table: "visits",
                column: "date".into(),
                id: id.to_string(),
                detail,
            })
        };
        let mut scores_stmt = self
            .conn
            .prepare_cached("SELECT criterion, score FROM account_scores WHERE parent_id = ?1")
            .map_err(err)?;
        let scores = scores_stmt
            .query_map([id.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u8>(1)?)))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        Ok(Derived {
            annual,
            receivables,
            last_visit: day(v)?,
            last_manager_visit: day(m)?,
            last_contact: day(c)?,
            scores,
        })
    }

    /// The live contacts of an account, by name.
    pub fn contacts_of(&self, account: &Id) -> Result<Vec<Contact>, StoreError> {
        self.list_for_account::<Contact>(account)
    }

    /// Contacts whose name, title, pinyin or phone digits match `filter`
    /// (as the account list filter does), at most `limit`.
    pub fn find_contacts(&self, filter: &str, limit: u32) -> Result<Vec<ContactRow>, StoreError> {
        let mut sql = String::from(
            "SELECT c.id, c.account_id, c.name, c.title, c.phone FROM contacts c WHERE c.deleted_at IS NULL",
        );
        let mut params: Vec<Value> = Vec::new();
        match Query::parse(filter) {
            Query::Nothing => {}
            Query::Pinyin(p) => {
                params.push(Value::Text(format!("%{}%", like_escape(&p))));
                sql.push_str(
                    " AND (c.py_initials LIKE ?1 ESCAPE '\\' OR c.py_full LIKE ?1 ESCAPE '\\' OR c.name LIKE ?1 ESCAPE '\\')",
                );
            }
            Query::Digits(d) => {
                params.push(Value::Text(format!("%{}%", like_escape(&d))));
                sql.push_str(" AND c.phone_digits LIKE ?1 ESCAPE '\\'");
            }
            Query::Text(t) if t.chars().count() >= 3 => {
                params.push(Value::Text(fts_phrase(&t)));
                sql.push_str(" AND c.rowid IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?1)");
            }
            Query::Text(t) => {
                params.push(Value::Text(format!("%{}%", like_escape(&t))));
                sql.push_str(" AND (c.name LIKE ?1 ESCAPE '\\' OR c.title LIKE ?1 ESCAPE '\\')");
            }
        }
        params.push(Value::Integer(i64::from(limit)));
        sql.push_str(&format!(" ORDER BY c.name, c.id LIMIT ?{}", params.len()));
        let ctx = "finding contacts";
        let raw = self.rows(ctx, &sql, params_from_iter(params), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        raw.into_iter()
            .map(|(id, account, name, title, phone)| {
                let bad = |column: &str, detail: String| StoreError::BadValue {
                    table: "contacts",
                    column: column.into(),
                    id: id.clone(),
                    detail,
                };
                Ok(ContactRow {
                    id: Id::parse(&id).map_err(|e| bad("id", e.message))?,
                    account_id: Id::parse(&account).map_err(|e| bad("account_id", e.message))?,
                    name,
                    title,
                    phone,
                })
            })
            .collect()
    }

    /// The normalised names and the phone digits (seven or more) of the
    /// live accounts: what [`Store::similar_accounts`] matches on, read in
    /// one query so that an import of many rows asks about a row only when
    /// one of its keys is taken.
    pub fn account_dedupe_keys(&self) -> Result<AccountKeys, StoreError> {
        let ctx = "looking for duplicates";
        let mut keys = AccountKeys::default();
        let rows =
            self.rows(ctx, "SELECT name_norm, phone_digits FROM accounts WHERE deleted_at IS NULL", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
        for (norm, digits) in rows {
            if !norm.is_empty() {
                keys.names.insert(norm);
            }
            if digits.len() >= kam_rules::dedupe::PHONE_MIN_DIGITS {
                keys.phones.insert(digits);
            }
        }
        Ok(keys)
    }

    /// Companies held more than once by different owners (§4.12 on a
    /// merged file, 撞单): live accounts sharing a normalised name or phone
    /// digits, grouped, whose owners are not all the same; at most `limit`
    /// groups, each account as (id, name, owner). For the manager after a
    /// day-end merge, which brings in what each rep created.
    pub fn duplicates_across_owners(&self, limit: u32) -> Result<Vec<Vec<HeldCopy>>, StoreError> {
        let ctx = "looking for companies held twice";
        let keys = self.rows(
            ctx,
            "SELECT 'n', name_norm FROM accounts WHERE deleted_at IS NULL AND name_norm <> ''
               GROUP BY name_norm HAVING count(DISTINCT owner) > 1
             UNION ALL
             SELECT 'p', phone_digits FROM accounts WHERE deleted_at IS NULL AND length(phone_digits) >= 7
               GROUP BY phone_digits HAVING count(DISTINCT owner) > 1
             LIMIT ?1",
            [i64::from(limit)],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?;
        let mut groups: Vec<Vec<HeldCopy>> = Vec::new();
        for (by, key) in keys {
            let sql = if by == "n" {
                "SELECT id, name, owner FROM accounts WHERE deleted_at IS NULL AND name_norm = ?1 ORDER BY sort_key"
            } else {
                "SELECT id, name, owner FROM accounts WHERE deleted_at IS NULL AND phone_digits = ?1 ORDER BY sort_key"
            };
            let rows = self.rows(ctx, sql, [key], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?;
            let mut group = Vec::with_capacity(rows.len());
            for (id, name, owner) in rows {
                let id = Id::parse(&id).map_err(|e| StoreError::BadValue {
                    table: "accounts",
                    column: "id".into(),
                    id: id.clone(),
                    detail: e.message,
                })?;
                group.push((id, name, owner));
            }
            // A company found by its name and by its phone is listed once.
            let ids = |g: &Vec<HeldCopy>| g.iter().map(|(i, _, _)| i.clone()).collect::<Vec<_>>();
            if !groups.iter().any(|g| ids(g) == ids(&group)) {
                groups.push(group);
            }
        }
        Ok(groups)
    }

    /// Live accounts that look like the same company (§4.12), for the
    /// duplicate guard: the name compared after dropping suffixes and
    /// folding width, or the same phone digits.
    pub fn similar_accounts(&self, name: &str, phone: &str) -> Result<Vec<(Id, String)>, StoreError> {
        let norm = kam_rules::dedupe::normalize_company(name);
        let digits = kam_rules::dedupe::phone_digits(phone);
        let ctx = "looking for duplicates";
        let raw = self.rows(
            ctx,
            "SELECT id, name FROM accounts WHERE deleted_at IS NULL AND \
                 ((?1 <> '' AND name_norm = ?1) OR (length(?2) >= 7 AND phone_digits = ?2)) ORDER BY sort_key LIMIT 20",
            [norm, digits],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?;
        raw.into_iter()
            .map(|(id, name)| {
                Id::parse(&id).map(|i| (i, name)).map_err(|e| StoreError::BadValue {
                    table: "accounts",
                    column: "id".into(),
                    id: id.clone(),
                    detail: e.message,
                })
            })
            .collect()
    }
}

/// One copy of a company held by several owners: its id, name and owner.
pub type HeldCopy = (Id, String, String);

/// The columns of an account the list reads before deriving.
pub(super) struct Head {
    id: String,
    name: String,
    short_name: String,
    owner: String,
    phone: String,
    tier_override: Option<String>,
    tier_override_reason: String,
    sort_key: String,
    created_at: String,
}

impl Head {
    /// The columns listed by [`HEAD_COLUMNS`], in that order.
    pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Head {
            id: r.get(0)?,
            name: r.get(1)?,
            short_name: r.get(2)?,
            owner: r.get(3)?,
            phone: r.get(4)?,
            tier_override: r.get(5)?,
            tier_override_reason: r.get(6)?,
            sort_key: r.get(7)?,
            created_at: r.get(8)?,
        })
    }
}

/// What [`Head::from_row`] reads, from `accounts a`.
pub(super) const HEAD_COLUMNS: &str =
    "a.id, a.name, a.short_name, a.owner, a.phone, a.tier_override, a.tier_override_reason, a.sort_key, a.created_at";

struct Derived {
    annual: Money,
    receivables: Vec<Receivable>,
    last_visit: Option<NaiveDate>,
    last_manager_visit: Option<NaiveDate>,
    last_contact: Option<NaiveDate>,
    scores: std::collections::BTreeMap<String, u8>,
}

/// An account's last visit, last manager visit and last contact up to a day.
fn account_visits_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "SELECT max(CASE WHEN kind = 'visit' THEN date END), {}, max(date) \
             FROM visits WHERE account_id = ?1 AND deleted_at IS NULL AND date <= ?2",
            super::activity::last_manager_visit_sql()
        )
    })
}
