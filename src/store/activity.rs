//! Orders with collections, visits, major-change events, feedback and targets.

use rusqlite::types::Value;

use super::record::record;
use crate::model::{ChangeEvent, Collection, Feedback, Order, Target, Visit, VisitContact};

record! {
    Order, Order, order "date DESC, id",
    label |o| format!("{} {}", o.date, o.amount.grouped()),
    account |o| Some(&o.account_id),
    derived |o| vec![
        ("collected", Value::Integer(o.collected().fen())),
        ("outstanding", Value::Integer(o.outstanding().fen())),
    ],
    children { collections: Collection in "order_collections" { date, amount } }
}

record! {
    Visit, Visit, order "date DESC, id",
    label |v| format!("{} {}", v.date, v.purpose),
    account |v| Some(&v.account_id),
    derived |_v| Vec::new(),
    children { contacts: VisitContact in "visit_contacts" { contact_id } }
}

record! {
    ChangeEvent, ChangeEvent, order "date DESC, id",
    label |e| format!("{} {}", e.date, e.kind),
    account |e| Some(&e.account_id),
    derived |_e| Vec::new(),
    children {}
}

record! {
    Feedback, Feedback, order "date DESC, id",
    label |f| format!("{} {}", f.date, f.from_whom),
    account |f| Some(&f.account_id),
    derived |_f| Vec::new(),
    children {}
}

record! {
    Target, Target, order "period DESC, rep, id",
    label |t| format!("{} {}", t.rep, t.period),
    account |_t| None,
    derived |_t| Vec::new(),
    children {}
}

/// The SQL for the last contact that clears the monthly manager visit
/// ([`kam_rules::cadence::clears_manager_visit`]: a manager's visit or
/// meeting, not a phone call), over the `visits` table's rows.
pub(crate) fn last_manager_visit_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let kinds: Vec<String> =
            kam_rules::cadence::MANAGER_VISIT_KINDS.iter().map(|k| format!("'{}'", k.replace('\'', "''"))).collect();
        format!("max(CASE WHEN by_manager = 1 AND kind IN ({}) THEN date END)", kinds.join(", "))
    })
}
