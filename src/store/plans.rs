//! Call plans and presentation plans with all their repeated rows.

use chrono::{NaiveDate, NaiveTime};

use super::record::record;
use super::{Store, StoreError};
use crate::model::{
    ActionStep, CallPlan, Commitment, CustomerParticipant, Id, Influence, IntroQuestion, OurParticipant, Presentation,
    PresentationParticipant,
};

record! {
    CallPlan, CallPlan, order "call_date DESC, id",
    label |p| format!("{} {}", p.call_date.map(|d| d.to_string()).unwrap_or_default(), p.objective),
    account |p| Some(&p.account_id),
    derived |_p| Vec::new(),
    children {
        customer_participants: CustomerParticipant in "call_plan_customers" { contact_id, name, title, role },
        our_participants: OurParticipant in "call_plan_ours" { name, title, role },
        influence: Influence in "call_plan_influence" { view, how, business_value, political_value },
        introduction: IntroQuestion in "call_plan_introduction" { need, why, question },
        commitments: Commitment in "call_plan_commitments" { who, what, by, done },
    }
}

record! {
    Presentation, Presentation, order "date DESC, id",
    label |p| format!("{} {}", p.date.map(|d| d.to_string()).unwrap_or_default(), p.objective),
    account |p| Some(&p.account_id),
    derived |_p| Vec::new(),
    children {
        participants: PresentationParticipant in "presentation_participants" {
            contact_id, name_title, buying_role, business_arguments, political_arguments
        },
        steps: ActionStep in "presentation_steps" { step, owner, due, done },
    }
}

/// A line of the call plan or presentation list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRow {
    pub id: Id,
    pub account_id: Id,
    pub account: String,
    pub opportunity: String,
    pub date: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    /// A call summarised as done; a presentation with every step done.
    pub done: bool,
}

/// Which plans a list reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanTable {
    Calls,
    Presentations,
}

impl Store {
    /// The live plans of live accounts, newest date first (undated last).
    pub fn plan_rows(&self, table: PlanTable) -> Result<Vec<PlanRow>, StoreError> {
        let sql = match table {
            PlanTable::Calls => {
                "SELECT p.id, p.account_id, a.name, p.opportunity, p.call_date, p.call_time, p.status = 'done'
                 FROM call_plans p JOIN accounts a ON a.id = p.account_id
                 WHERE p.deleted_at IS NULL AND a.deleted_at IS NULL
                 ORDER BY p.call_date IS NULL, p.call_date DESC, p.call_time DESC, p.id"
            }
            PlanTable::Presentations => {
                "SELECT p.id, p.account_id, a.name, p.opportunity, p.date, NULL,
                        EXISTS (SELECT 1 FROM presentation_steps s WHERE s.parent_id = p.id)
                        AND NOT EXISTS (SELECT 1 FROM presentation_steps s WHERE s.parent_id = p.id AND s.done = 0)
                 FROM presentations p JOIN accounts a ON a.id = p.account_id
                 WHERE p.deleted_at IS NULL AND a.deleted_at IS NULL
                 ORDER BY p.date IS NULL, p.date DESC, p.id"
            }
        };
        let ctx = "listing plans";
        let raw = self.rows(ctx, sql, [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        let bad = |column: &str, id: &str, detail: String| StoreError::BadValue {
            table: match table {
                PlanTable::Calls => "call_plans",
                PlanTable::Presentations => "presentations",
            },
            column: column.into(),
            id: id.to_string(),
            detail,
        };
        raw.into_iter()
            .map(|(id, account, name, opportunity, date, time, done)| {
                Ok(PlanRow {
                    id: Id::parse(&id).map_err(|e| bad("id", &id, e.message))?,
                    account_id: Id::parse(&account).map_err(|e| bad("account_id", &id, e.message))?,
                    account: name,
                    opportunity,
                    date: date
                        .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| bad("date", &id, e.to_string())))
                        .transpose()?,
                    time: time
                        .map(|t| NaiveTime::parse_from_str(&t, "%H:%M").map_err(|e| bad("time", &id, e.to_string())))
                        .transpose()?,
                    done,
                })
            })
            .collect()
    }
}
