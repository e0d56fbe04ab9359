//! The file's side of the sync with the hub (#23): which records have
//! local changes to push, the queue of operations waiting for the hub, and
//! what a pull brings, merged by the day-end merge's own rules
//! ([`ImportOp::Merge`]: per field, the newer change by the hybrid logical
//! clock wins; both sides' changes since their shared version are listed
//! as conflicts).

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value as Json};

use super::col::{json, timestamp};
use super::exchange::{ImportOp, MergeOutcome, TxHooks, Unsent};
use super::hub::{ClockJson, HeldAccount, Pulled, PushOp, RecordBody};
use super::record::{field_clocks, load, FieldClock, Live, Record, RecordKind};
use super::{sql_error, Store, StoreError};
use crate::model::{
    Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Meta, Order, Presentation, Target, VipCard, Visit,
};

/// What the file knows of its hub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The hub this file syncs with; `None` before the first sync.
    pub hub_id: Option<String>,
    /// The hub's change number pulled up to.
    pub cursor: i64,
    pub last_push: Option<DateTime<Utc>>,
    pub last_pull: Option<DateTime<Utc>>,
    /// Operations queued and not yet taken by the hub.
    pub waiting: u64,
    /// The hub's change number the ownership index is read up to.
    pub owners_cursor: i64,
}

/// A colleague at the hub holding a company like the one asked about
/// (the ownership index; §4.12 offline, 撞单).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldAtHub {
    /// Who holds it ("" when the account has no owner at the hub).
    pub owner: String,
    /// Matched by the normalised name (else by the phone digits).
    pub by_name: bool,
    pub by_phone: bool,
}

/// The source a pull's changes are logged with.
pub const PULL_SOURCE: &str = "hub";

fn time(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc))
}

/// The ids of the records of a kind with changes the hub has not had: a
/// live record the hub never had, or one whose version or trash state
/// differs from what the hub last had.
fn changed_sql(kind: RecordKind) -> String {
    format!("SELECT t.id {} ORDER BY t.rowid", changed_from(kind))
}

/// The `FROM … WHERE …` of [`changed_sql`], which the count of changes
/// waiting shares.
fn changed_from(kind: RecordKind) -> String {
    format!(
        "FROM {} t LEFT JOIN hub_seen s ON s.record_id = t.id \
         WHERE (s.record_id IS NULL AND t.deleted_at IS NULL) \
            OR (s.record_id IS NOT NULL AND (s.version <> t.version OR s.deleted <> (t.deleted_at IS NOT NULL)))",
        kind.table()
    )
}

/// A record's fields as the hub keeps them: each column's value, and each
/// child set as a list of rows keyed by column.
fn fields_of<R: Record>(r: &R) -> Map<String, Json> {
    let mut out: Map<String, Json> =
        R::COLUMNS.iter().zip(r.values()).map(|(c, v)| ((*c).to_string(), json(&v))).collect();
    for set in r.child_sets() {
        let rows = set
            .rows
            .iter()
            .map(|row| Json::Object(set.columns.iter().zip(row).map(|(c, v)| ((*c).to_string(), json(v))).collect()))
            .collect();
        out.insert(set.name.to_string(), Json::Array(rows));
    }
    out
}

fn value_of(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n.as_i64().map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// A record built back from the hub's fields; a column the hub does not
/// have takes the record's default.
fn record_of<R: Record + Default>(meta: Meta, fields: &Map<String, Json>) -> Result<R, StoreError> {
    let defaults = R::default().values();
    let values = R::COLUMNS.iter().zip(defaults).map(|(c, d)| fields.get(*c).map_or(d, value_of)).collect::<Vec<_>>();
    let mut r = R::from_values(meta, values)?;
    for layout in R::child_layouts() {
        let rows = fields.get(layout.name).and_then(Json::as_array).map_or_else(Vec::new, |rows| {
            rows.iter()
                .map(|row| {
                    layout
                        .columns
                        .iter()
                        .zip(&layout.defaults)
                        .map(|(c, d)| row.get(*c).map_or_else(|| d.clone(), value_of))
                        .collect()
                })
                .collect()
        });
        r.set_child_rows(layout.name, rows)?;
    }
    Ok(r)
}

fn body_of<R: Record>(r: &R, clocks: &[(String, FieldClock)]) -> RecordBody {
    let m = r.meta();
    RecordBody {
        kind: R::KIND.key().to_string(),
        id: m.id.to_string(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        updated_by: m.updated_by.clone(),
        fields: fields_of(r),
        clocks: clocks
            .iter()
            .map(|(f, c)| (f.clone(), serde_json::to_value(ClockJson::from(c)).unwrap_or(Json::Null)))
            .collect(),
        deleted_at: m.deleted_at,
        reason: None,
    }
}

/// Queues one changed record inside `tx`: its operation, and the version
/// the hub will have once it is taken.
fn stage_one<R: Record>(tx: &Connection, path: &std::path::Path, id: &Id, at: &str) -> Result<bool, StoreError> {
    let Some(r) = load::<R>(tx, path, id, Live::Any)? else { return Ok(false) };
    let clocks = field_clocks(tx, path, id)?;
    let mut body = body_of(&r, &clocks);
    if body.deleted_at.is_some() {
        // The trash's reason goes with a deletion (a manager deciding on a
        // rep's deletion of an account reads it).
        body.reason = tx
            .prepare_cached("SELECT reason FROM trash WHERE record_id = ?1")
            .and_then(|mut s| s.query_row([id.as_str()], |r| r.get::<_, String>(0)).optional())
            .map_err(|e| sql_error(path, "reading the trash", &e))?;
    }
    let body = serde_json::to_string(&body)
        .map_err(|e| StoreError::Sql { context: "queuing a change for the hub".into(), detail: e.to_string() })?;
    let ctx = "queuing a change for the hub";
    tx.prepare_cached("INSERT INTO hub_outbox (op_id, kind, record_id, body, staged_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .and_then(|mut s| s.execute(params![uuid::Uuid::now_v7().to_string(), R::KIND.key(), id.as_str(), body, at]))
        .map_err(|e| sql_error(path, ctx, &e))?;
    tx.prepare_cached("INSERT OR REPLACE INTO hub_seen (record_id, version, deleted) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![id.as_str(), r.meta().version, r.meta().deleted_at.is_some()]))
        .map_err(|e| sql_error(path, ctx, &e))?;
    Ok(true)
}

fn stage_kind(tx: &Connection, path: &std::path::Path, kind: RecordKind, at: &str) -> Result<u64, StoreError> {
    let ctx = "finding the changes for the hub";
    let ids: Vec<String> = tx
        .prepare(&changed_sql(kind))
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| sql_error(path, ctx, &e))?;
    let mut n = 0;
    for id in ids {
        let id = Id::parse(&id).map_err(|e| StoreError::BadValue {
            table: kind.table(),
            column: "id".into(),
            id: id.clone(),
            detail: e.message,
        })?;
        let staged = match kind {
            RecordKind::Account => stage_one::<Account>(tx, path, &id, at)?,
            RecordKind::Contact => stage_one::<Contact>(tx, path, &id, at)?,
            RecordKind::Order => stage_one::<Order>(tx, path, &id, at)?,
            RecordKind::Visit => stage_one::<Visit>(tx, path, &id, at)?,
            RecordKind::ChangeEvent => stage_one::<ChangeEvent>(tx, path, &id, at)?,
            RecordKind::Feedback => stage_one::<Feedback>(tx, path, &id, at)?,
            RecordKind::CallPlan => stage_one::<CallPlan>(tx, path, &id, at)?,
            RecordKind::Presentation => stage_one::<Presentation>(tx, path, &id, at)?,
            RecordKind::VipCard => stage_one::<VipCard>(tx, path, &id, at)?,
            RecordKind::Target => stage_one::<Target>(tx, path, &id, at)?,
        };
        n += u64::from(staged);
    }
    Ok(n)
}

fn any_of(p: &Pulled) -> Result<(ImportOp, RecordKind, Id), StoreError> {
    let bad = |column: &str, detail: String| StoreError::BadValue {
        table: "hub",
        column: column.to_string(),
        id: p.id.clone(),
        detail,
    };
    let kind =
        RecordKind::parse(&p.kind).ok_or_else(|| bad("kind", format!("'{}' is not a kind of record", p.kind)))?;
    let id = Id::parse(&p.id).map_err(|e| bad("id", e.message))?;
    let meta = Meta {
        id: id.clone(),
        version: p.version.max(1),
        created_at: p.created_at,
        updated_at: p.updated_at,
        updated_by: p.updated_by.clone(),
        deleted_at: None,
    };
    let f = &p.fields;
    let any = match kind {
        RecordKind::Account => record_of::<Account>(meta, f)?.into_any(),
        RecordKind::Contact => record_of::<Contact>(meta, f)?.into_any(),
        RecordKind::Order => record_of::<Order>(meta, f)?.into_any(),
        RecordKind::Visit => record_of::<Visit>(meta, f)?.into_any(),
        RecordKind::ChangeEvent => record_of::<ChangeEvent>(meta, f)?.into_any(),
        RecordKind::Feedback => record_of::<Feedback>(meta, f)?.into_any(),
        RecordKind::CallPlan => record_of::<CallPlan>(meta, f)?.into_any(),
        RecordKind::Presentation => record_of::<Presentation>(meta, f)?.into_any(),
        RecordKind::VipCard => record_of::<VipCard>(meta, f)?.into_any(),
        RecordKind::Target => record_of::<Target>(meta, f)?.into_any(),
    };
    let clocks = p
        .clocks
        .iter()
        .filter_map(|(field, c)| {
            serde_json::from_value::<ClockJson>(c.clone()).ok().map(|c| (field.clone(), FieldClock::from(c)))
        })
        .collect();
    Ok((ImportOp::Merge(any, Unsent::default(), Some(clocks)), kind, id))
}

fn kind_table(kind: &str) -> String {
    RecordKind::parse(kind).map_or_else(String::new, |k| k.table().to_string())
}

/// Moves a record the hub deleted to the trash, as a delete here does
/// (every field logged as removed, a line in the trash), unless it is
/// already there or a field of it changed here after the deletion.
fn trash_pulled(
    tx: &Connection,
    path: &std::path::Path,
    kind: RecordKind,
    id: &Id,
    at: DateTime<Utc>,
    who: &str,
) -> Result<(), StoreError> {
    fn one<R: Record>(
        tx: &Connection,
        path: &std::path::Path,
        id: &Id,
        at: DateTime<Utc>,
        who: &str,
    ) -> Result<(), StoreError> {
        let Some(r) = load::<R>(tx, path, id, Live::Only)? else { return Ok(()) };
        if field_clocks(tx, path, id)?.iter().any(|(_, c)| c.at > at) {
            return Ok(());
        }
        let at = timestamp(at);
        super::history::trash_one(tx, path, &r, &at, who, PULL_SOURCE, None)?;
        tx.execute(
            "INSERT OR REPLACE INTO trash (record_id, kind, label, deleted_at, deleted_by, reason) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.as_str(), R::KIND.key(), r.label(), at, who, PULL_SOURCE],
        )
        .map_err(|e| sql_error(path, "writing the trash", &e))?;
        Ok(())
    }
    match kind {
        RecordKind::Account => one::<Account>(tx, path, id, at, who),
        RecordKind::Contact => one::<Contact>(tx, path, id, at, who),
        RecordKind::Order => one::<Order>(tx, path, id, at, who),
        RecordKind::Visit => one::<Visit>(tx, path, id, at, who),
        RecordKind::ChangeEvent => one::<ChangeEvent>(tx, path, id, at, who),
        RecordKind::Feedback => one::<Feedback>(tx, path, id, at, who),
        RecordKind::CallPlan => one::<CallPlan>(tx, path, id, at, who),
        RecordKind::Presentation => one::<Presentation>(tx, path, id, at, who),
        RecordKind::VipCard => one::<VipCard>(tx, path, id, at, who),
        RecordKind::Target => one::<Target>(tx, path, id, at, who),
    }
}

impl Store {
    /// What the file knows of its hub, and how many operations wait.
    pub fn sync_state(&self) -> Result<SyncState, StoreError> {
        let ctx = "reading the sync state";
        let state: Option<SyncState> = self
            .conn
            .query_row(
                "SELECT hub_id, pull_cursor, last_push, last_pull, owners_cursor FROM hub_state WHERE id = 1",
                [],
                |r| {
                    Ok(SyncState {
                        hub_id: Some(r.get(0)?),
                        cursor: r.get(1)?,
                        last_push: time(r.get(2)?),
                        last_pull: time(r.get(3)?),
                        waiting: 0,
                        owners_cursor: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(ctx, e))?;
        let waiting: i64 =
            self.conn.query_row("SELECT count(*) FROM hub_outbox", [], |r| r.get(0)).map_err(|e| self.err(ctx, e))?;
        let waiting = u64::try_from(waiting).unwrap_or(0);
        Ok(SyncState { waiting, ..state.unwrap_or_default() })
    }

    /// How many operations the next sync would push: those queued, and
    /// one for each record changed since the hub last had it and not yet
    /// queued (what [`Store::stage_changes`] would queue). One read, no
    /// write: the workbench's status line shows it.
    pub fn sync_waiting(&self) -> Result<u64, StoreError> {
        let counts: Vec<String> =
            RecordKind::ALL.iter().map(|k| format!("(SELECT count(*) {})", changed_from(*k))).collect();
        let sql = format!("SELECT (SELECT count(*) FROM hub_outbox) + {}", counts.join(" + "));
        let n: i64 =
            self.conn.query_row(&sql, [], |r| r.get(0)).map_err(|e| self.err("counting the changes for the hub", e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Notes a pull that brought nothing: the file is as up to date as the
    /// hub at this time (a pull that brings records notes it with them).
    pub fn note_pull(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let at = timestamp(self.now());
        let tx = self.write_tx()?;
        let ctx = "noting the pull";
        tx.execute("UPDATE hub_state SET last_pull = ?1 WHERE id = 1", [&at]).map_err(|e| sql_error(&path, ctx, &e))?;
        tx.commit().map_err(|e| sql_error(&path, ctx, &e))
    }

    /// A record's label as the trash names it (`None`: no such record).
    pub fn label_of(&self, kind: &str, id: &str) -> Option<String> {
        fn label<R: Record>(store: &Store, id: &Id) -> Option<String> {
            load::<R>(&store.conn, &store.path, id, Live::Any).ok().flatten().map(|r| r.label())
        }
        let id = Id::parse(id).ok()?;
        match RecordKind::parse(kind)? {
            RecordKind::Account => label::<Account>(self, &id),
            RecordKind::Contact => label::<Contact>(self, &id),
            RecordKind::Order => label::<Order>(self, &id),
            RecordKind::Visit => label::<Visit>(self, &id),
            RecordKind::ChangeEvent => label::<ChangeEvent>(self, &id),
            RecordKind::Feedback => label::<Feedback>(self, &id),
            RecordKind::CallPlan => label::<CallPlan>(self, &id),
            RecordKind::Presentation => label::<Presentation>(self, &id),
            RecordKind::VipCard => label::<VipCard>(self, &id),
            RecordKind::Target => label::<Target>(self, &id),
        }
    }

    /// Notes the hub this file syncs with. Another hub than the last one
    /// starts over: everything is pushed to it and pulled from it from the
    /// start (the operations still queued go to the new hub).
    pub fn begin_sync(&mut self, hub_id: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.write_tx()?;
        let ctx = "noting the hub";
        let known: Option<String> = tx
            .query_row("SELECT hub_id FROM hub_state WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| sql_error(&path, ctx, &e))?;
        if known.as_deref() != Some(hub_id) {
            // The first hub: what was queued offline before is for it.
            // Another hub: it has none of this file's records.
            if known.is_some() {
                tx.execute_batch("DELETE FROM hub_seen").map_err(|e| sql_error(&path, ctx, &e))?;
            }
            // The index's keys are salted with the hub's id: another hub's mean nothing.
            tx.execute_batch("DELETE FROM hub_owners").map_err(|e| sql_error(&path, ctx, &e))?;
            tx.execute_batch("DELETE FROM hub_state").map_err(|e| sql_error(&path, ctx, &e))?;
            tx.execute("INSERT INTO hub_state (id, hub_id) VALUES (1, ?1)", [hub_id])
                .map_err(|e| sql_error(&path, ctx, &e))?;
        }
        tx.commit().map_err(|e| sql_error(&path, ctx, &e))
    }

    /// Brings the ownership index up to `cursor`: each entry replaces what
    /// the file knew of that account (one in the trash at the hub leaves
    /// the index), in one transaction with the cursor.
    pub fn apply_owners(&mut self, entries: &[HeldAccount], cursor: i64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.write_tx()?;
        let ctx = "keeping who holds each account at the hub";
        {
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO hub_owners (account_id, name_key, phone_key, owner) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (account_id) DO UPDATE SET name_key = excluded.name_key, \
                     phone_key = excluded.phone_key, owner = excluded.owner",
                )
                .map_err(|e| sql_error(&path, ctx, &e))?;
            let mut drop = tx
                .prepare_cached("DELETE FROM hub_owners WHERE account_id = ?1")
                .map_err(|e| sql_error(&path, ctx, &e))?;
            for h in entries {
                if h.live {
                    put.execute(params![h.account_id, h.name_key, h.phone_key, h.owner])
                } else {
                    drop.execute([&h.account_id])
                }
                .map_err(|e| sql_error(&path, ctx, &e))?;
            }
        }
        tx.execute("UPDATE hub_state SET owners_cursor = max(owners_cursor, ?1) WHERE id = 1", [cursor])
            .map_err(|e| sql_error(&path, ctx, &e))?;
        tx.commit().map_err(|e| sql_error(&path, ctx, &e))
    }

    /// Who at the hub holds a company like `name` / `phone` that this file
    /// does not hold (the duplicate guard's offline answer to 撞单): from
    /// the ownership index the last sync brought; none before a first sync.
    /// Each owner once, at most 5.
    pub fn held_at_hub(&self, name: &str, phone: &str) -> Result<Vec<HeldAtHub>, StoreError> {
        let ctx = "looking for the company at the hub";
        let hub: Option<String> = self
            .conn
            .prepare_cached("SELECT hub_id FROM hub_state WHERE id = 1")
            .and_then(|mut st| st.query_row([], |r| r.get(0)).optional())
            .map_err(|e| self.err(ctx, e))?;
        let Some(hub) = hub.and_then(|h| uuid::Uuid::parse_str(&h).ok()) else { return Ok(Vec::new()) };
        let (name_key, phone_key) = super::hub::company_index_keys(&hub, name, phone);
        if name_key.is_empty() && phone_key.is_empty() {
            return Ok(Vec::new());
        }
        // Only the keys there are: an empty one would match every account
        // without a name or phone through its index.
        let wanted = match (name_key.is_empty(), phone_key.is_empty()) {
            (false, false) => "h.name_key = ?1 OR h.phone_key = ?2",
            (false, true) => "h.name_key = ?1 AND ?2 = ''",
            _ => "h.phone_key = ?2 AND ?1 = ''",
        };
        let sql = format!(
            "SELECT h.owner, max(?1 <> '' AND h.name_key = ?1), max(?2 <> '' AND h.phone_key = ?2) \
             FROM hub_owners h WHERE ({wanted}) \
               AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = h.account_id AND a.deleted_at IS NULL) \
             GROUP BY h.owner ORDER BY h.owner LIMIT 5"
        );
        self.rows(ctx, &sql, [&name_key, &phone_key], |r| {
            Ok(HeldAtHub { owner: r.get(0)?, by_name: r.get(1)?, by_phone: r.get(2)? })
        })
    }

    /// The accounts of this file that the hub holds, live, as its
    /// ownership index says: those whose reach the hub can tell. One the
    /// hub never took (a push it refused, one not pushed yet) is not among
    /// them, so what the user typed is never taken for "no longer yours".
    pub fn accounts_known_to_hub(&self) -> Result<Vec<Id>, StoreError> {
        let ctx = "reading the accounts the hub has had";
        let ids = self.rows(
            ctx,
            "SELECT a.id FROM accounts a JOIN hub_owners h ON h.account_id = a.id ORDER BY a.id",
            [],
            |r| r.get::<_, String>(0),
        )?;
        ids.into_iter()
            .map(|id| {
                Id::parse(&id).map_err(|e| StoreError::BadValue {
                    table: "accounts",
                    column: "id".into(),
                    id: id.clone(),
                    detail: e.message,
                })
            })
            .collect()
    }

    /// Removes from the file accounts this user may no longer see at the
    /// hub (unshared, given to another rep, out of their territory), with
    /// every record of theirs: not to the trash, which would push a
    /// deletion, but gone, with their change log, field clocks, trash
    /// entries and anything still queued for the hub (which the hub would
    /// refuse). The hub keeps them; a VIP card linked to one keeps the card
    /// without the link. Returns how many accounts went.
    pub fn forget_accounts(&mut self, ids: &[Id]) -> Result<u64, StoreError> {
        let path = self.path.clone();
        let tx = self.write_tx()?;
        let ctx = "removing the accounts no longer yours";
        let e = |e: rusqlite::Error| sql_error(&path, ctx, &e);
        let mut n = 0;
        for id in ids {
            let mut records = vec![id.to_string()];
            for k in RecordKind::ALL.into_iter().filter(|k| k.of_account()) {
                let mut st =
                    tx.prepare_cached(&format!("SELECT id FROM {} WHERE account_id = ?1", k.table())).map_err(e)?;
                let found = st
                    .query_map([id.as_str()], |r| r.get::<_, String>(0))
                    .map_err(e)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(e)?;
                records.extend(found);
            }
            for r in &records {
                for table in ["change_log", "trash", "field_clocks", "hub_outbox", "hub_seen", "tombstones"] {
                    tx.prepare_cached(&format!("DELETE FROM {table} WHERE record_id = ?1"))
                        .and_then(|mut st| st.execute([r]))
                        .map_err(e)?;
                }
            }
            // Its contacts, orders … go with it (ON DELETE CASCADE), the
            // search index by its triggers.
            n += tx.execute("DELETE FROM accounts WHERE id = ?1", [id.as_str()]).map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(n as u64)
    }

    /// Queues an operation for each record with local changes the hub has
    /// not had (all records, the first time), in one transaction; returns
    /// how many were queued. Accounts come first, so a contact never
    /// reaches the hub before its account.
    pub fn stage_changes(&mut self) -> Result<u64, StoreError> {
        let path = self.path.clone();
        let at = timestamp(self.now());
        let tx = self.write_tx()?;
        let mut n = 0;
        for kind in RecordKind::ALL {
            n += stage_kind(&tx, &path, kind, &at)?;
        }
        tx.commit().map_err(|e| sql_error(&path, "queuing changes for the hub", &e))?;
        Ok(n)
    }

    /// Up to `limit` queued operations, oldest first, with their place in the queue.
    pub fn outbox(&self, limit: u32) -> Result<Vec<(i64, PushOp)>, StoreError> {
        let ctx = "reading the queue for the hub";
        let rows =
            self.rows(ctx, "SELECT seq, op_id, body FROM hub_outbox ORDER BY seq LIMIT ?1", [i64::from(limit)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?;
        rows.into_iter()
            .map(|(seq, op, body)| {
                let op_id = uuid::Uuid::parse_str(&op)
                    .map_err(|e| StoreError::Corrupt { path: self.shown(), detail: format!("{ctx}: {op}: {e}") })?;
                let body: RecordBody = serde_json::from_str(&body)
                    .map_err(|e| StoreError::Corrupt { path: self.shown(), detail: format!("{ctx}: {op}: {e}") })?;
                Ok((seq, PushOp { op_id, body }))
            })
            .collect()
    }

    /// Takes operations the hub has taken (or refused) off the queue.
    pub fn outbox_done(&mut self, seqs: &[i64]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let at = timestamp(self.now());
        let tx = self.write_tx()?;
        let ctx = "taking pushed changes off the queue";
        for s in seqs {
            tx.prepare_cached("DELETE FROM hub_outbox WHERE seq = ?1")
                .and_then(|mut st| st.execute([s]))
                .map_err(|e| sql_error(&path, ctx, &e))?;
        }
        tx.execute("UPDATE hub_state SET last_push = ?1 WHERE id = 1", [&at]).map_err(|e| sql_error(&path, ctx, &e))?;
        tx.commit().map_err(|e| sql_error(&path, ctx, &e))
    }

    /// Merges what a pull brought, in one transaction with the new cursor:
    /// all of it or none. Each record goes through the day-end merge
    /// ([`ImportOp::Merge`] with the hub's field clocks); `each` hears what
    /// became of each. A record brought by the pull that had no local
    /// change waiting is noted as the hub has it, so it is not pushed back.
    pub fn apply_pull(
        &mut self,
        pulled: &[Pulled],
        cursor: i64,
        each: &mut dyn FnMut(RecordKind, &Id, MergeOutcome),
    ) -> Result<(), StoreError> {
        let now = timestamp(self.now());
        let mut ops = Vec::with_capacity(pulled.len());
        let ids = RefCell::new(Vec::with_capacity(pulled.len()));
        let mut deletions: Vec<(RecordKind, Id, DateTime<Utc>, String)> = Vec::new();
        // A VIP card linked to an account this user may not see (store
        // staff) keeps the card without the link: the account is not here.
        let accounts: std::collections::HashSet<&str> =
            pulled.iter().filter(|p| p.kind == RecordKind::Account.key()).map(|p| p.id.as_str()).collect();
        for p in pulled {
            let unlinked;
            let p = match p.fields.get("account_id").and_then(Json::as_str) {
                Some(acc)
                    if p.kind == RecordKind::VipCard.key()
                        && !accounts.contains(acc)
                        && !self.has_row(RecordKind::Account.table(), acc)? =>
                {
                    let mut copy = p.clone();
                    copy.fields.insert("account_id".into(), Json::Null);
                    unlinked = copy;
                    &unlinked
                }
                _ => p,
            };
            // A record deleted at the hub that never reached this file stays away.
            if p.deleted_at.is_some() && !self.has_row(&kind_table(&p.kind), &p.id)? {
                continue;
            }
            let (op, kind, id) = any_of(p)?;
            if let Some(d) = p.deleted_at {
                deletions.push((kind, id.clone(), d, p.updated_by.clone()));
            }
            ids.borrow_mut().push((kind, id));
            ops.push(op);
        }
        let mut before = |tx: &Connection, path: &std::path::Path| -> Result<(), StoreError> {
            // The records with local changes not yet queued, before the
            // pull changes their versions.
            let ctx = "noting the records with local changes";
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS hub_dirty (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM hub_dirty;",
            )
            .map_err(|e| sql_error(path, ctx, &e))?;
            for kind in RecordKind::ALL {
                tx.execute(&format!("INSERT OR IGNORE INTO hub_dirty (id) {}", changed_sql(kind)), [])
                    .map_err(|e| sql_error(path, ctx, &e))?;
            }
            Ok(())
        };
        let mut after = |tx: &Connection, path: &std::path::Path| -> Result<(), StoreError> {
            // Deletions at the hub: to the trash here too, unless this file
            // holds a change made after the deletion (then it stays, and
            // goes back to the hub with the next push).
            for (kind, id, at, who) in &deletions {
                trash_pulled(tx, path, *kind, id, *at, who)?;
            }
            let ctx = "noting what the hub has";
            for (kind, id) in ids.borrow().iter() {
                tx.prepare_cached(&format!(
                    "INSERT OR REPLACE INTO hub_seen (record_id, version, deleted) \
                     SELECT id, version, deleted_at IS NOT NULL FROM {} \
                     WHERE id = ?1 AND id NOT IN (SELECT id FROM temp.hub_dirty)",
                    kind.table()
                ))
                .and_then(|mut s| s.execute([id.as_str()]))
                .map_err(|e| sql_error(path, ctx, &e))?;
            }
            tx.execute(
                "UPDATE hub_state SET pull_cursor = max(pull_cursor, ?1), last_pull = ?2 WHERE id = 1",
                params![cursor, now],
            )
            .map_err(|e| sql_error(path, ctx, &e))?;
            tx.execute_batch("DROP TABLE temp.hub_dirty").map_err(|e| sql_error(path, ctx, &e))?;
            Ok(())
        };
        let hooks = TxHooks { before: Some(&mut before), after: Some(&mut after), checked: false, spent: None };
        let count = ops.len();
        self.apply_import_hooked(count, ops.into_iter().map(Ok), PULL_SOURCE, true, each, hooks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_goes_to_the_hub_and_back_unchanged() {
        let mut a = Account { name: "恒信贸易".into(), owner: "王伟".into(), listed: true, ..Account::default() };
        a.credit_limit = Some(kam_rules::Money::from_yuan(50_000));
        a.scores = vec![crate::model::Score { criterion: "scale".into(), score: 7 }];
        let fields = fields_of(&a);
        assert_eq!(fields.get("name"), Some(&Json::from("恒信贸易")));
        assert_eq!(fields.get("credit_limit"), Some(&Json::from(5_000_000)));
        let back: Account = record_of(a.meta.clone(), &fields).expect("back");
        assert_eq!(back, a);
    }
}
