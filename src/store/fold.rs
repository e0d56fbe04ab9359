//! Folding one account into another (DESIGN §4.12, issue #20): when two
//! reps entered the same company (撞单), a manager keeps one account and
//! moves everything of the other into it. Each record moved is an ordinary
//! change of its `account_id` (logged, with its field clock), and the
//! emptied account goes to the trash with the reason: the fold travels in
//! the day-end folders like any change, and restoring the trashed account
//! undoes nothing that was moved.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::col::{timestamp, Col};
use super::record::{clock_after, load, update_rows, Live, Record, RecordKind, Stamp};
use super::{sql_error, Store, StoreError};
use crate::model::{Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Order, Presentation, Visit};

/// What a fold moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folded {
    /// The account folded away (now in the trash) and the one kept.
    pub from: String,
    pub into: String,
    /// Records moved, by kind.
    pub moved: BTreeMap<RecordKind, usize>,
}

impl Store {
    /// Moves every live record of account `from` (contacts, orders, visits,
    /// change events, feedback, call plans, presentations) to account
    /// `into`, then moves `from` to the trash with `reason`, all in one
    /// transaction. Both must be live and different accounts.
    pub fn fold(&mut self, from: &Id, into: &Id, reason: &str) -> Result<Folded, StoreError> {
        let (path, who, now) = (self.path.clone(), self.user.clone(), self.now());
        let tx = self.write_tx()?;
        let not_found = |id: &Id| StoreError::NotFound { kind: RecordKind::Account, id: id.to_string() };
        let source: Account = load(&tx, &path, from, Live::Only)?.ok_or_else(|| not_found(from))?;
        let target: Account = load(&tx, &path, into, Live::Only)?.ok_or_else(|| not_found(into))?;
        if from == into {
            return Err(StoreError::BadValue {
                table: "accounts",
                column: "id".into(),
                id: from.to_string(),
                detail: "an account cannot be folded into itself".into(),
            });
        }
        let at = clock_after(&tx, &path, now)?;
        let mut moved = BTreeMap::new();
        let mut count = |k: RecordKind, n: usize| {
            if n > 0 {
                moved.insert(k, n);
            }
        };
        let mv = Move { tx: &tx, path: &path, from, into, at, who: &who, reason };
        count(RecordKind::Contact, mv.all::<Contact>()?);
        count(RecordKind::Order, mv.all::<Order>()?);
        count(RecordKind::Visit, mv.all::<Visit>()?);
        count(RecordKind::ChangeEvent, mv.all::<ChangeEvent>()?);
        count(RecordKind::Feedback, mv.all::<Feedback>()?);
        count(RecordKind::CallPlan, mv.all::<CallPlan>()?);
        count(RecordKind::Presentation, mv.all::<Presentation>()?);
        super::history::trash_in::<Account>(&tx, &path, from, &timestamp(at), &who, reason)?;
        tx.commit().map_err(|e| sql_error(&path, "committing the fold", &e))?;
        Ok(Folded { from: source.name, into: target.name, moved })
    }
}

/// One fold's moves, in its transaction.
struct Move<'a> {
    tx: &'a Connection,
    path: &'a std::path::Path,
    from: &'a Id,
    into: &'a Id,
    at: chrono::DateTime<chrono::Utc>,
    who: &'a str,
    reason: &'a str,
}

impl Move<'_> {
    /// Moves the live records of kind `R` of the folded account; returns how many.
    fn all<R: Record>(&self) -> Result<usize, StoreError> {
        let ctx = "finding what belongs to the folded account";
        let ids: Vec<String> = {
            let mut stmt = self
                .tx
                .prepare(&format!("SELECT id FROM {} WHERE account_id = ?1 AND deleted_at IS NULL", R::KIND.table()))
                .map_err(|e| sql_error(self.path, ctx, &e))?;
            let rows = stmt.query_map([self.from.as_str()], |r| r.get(0)).map_err(|e| sql_error(self.path, ctx, &e))?;
            rows.collect::<Result<_, _>>().map_err(|e| sql_error(self.path, ctx, &e))?
        };
        let column = R::COLUMNS.iter().position(|c| *c == "account_id");
        let mut n = 0;
        for id in ids {
            let id = Id::parse(&id).map_err(|e| StoreError::BadValue {
                table: R::KIND.table(),
                column: "id".into(),
                id: id.clone(),
                detail: e.message,
            })?;
            let (Some(cur), Some(column)) = (load::<R>(self.tx, self.path, &id, Live::Only)?, column) else {
                continue;
            };
            let mut values = cur.values();
            values[column] = self.into.to_value();
            let mut moved = R::from_values(cur.meta().clone(), values)?;
            for set in cur.child_sets() {
                moved.set_child_rows(set.name, set.rows)?;
            }
            let stamp = Stamp { version: cur.meta().version + 1, at: self.at, by: self.who, fields: None };
            if update_rows(self.tx, self.path, &cur, &moved, &stamp, self.reason)? {
                n += 1;
            }
        }
        Ok(n)
    }
}
