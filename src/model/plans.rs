//! §3.6 executive call plans and §3.7 presentation plans (seed 000).

use chrono::{NaiveDate, NaiveTime};
use kam_rules::plan_check::{self, PlanContact, PlanDescription, PlanKind, PlanParticipant, PlanWarning};
use kam_rules::BuyingRole;
use serde::{Deserialize, Serialize};

use super::activity::rows_at_most;
use super::fields::record_struct;
use super::{record_enum, require, Contact, Id, Meta, ModelError};
use crate::i18n::T;

record_enum! {
    /// A call plan is planned until the call is done and summarised.
    pub enum PlanStatus: "plan status" {
        Planned => ("planned", "计划中", "Planned"),
        Done => ("done", "已完成", "Done"),
    }
}

// The seed's pre-visit checklist is five yes/no boxes.
record_struct! {
    /// An executive call plan (执行人员电话计划): header, plan, influence,
    /// introduction and the summary written after the call.
    #[allow(clippy::struct_excessive_bools)]
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CallPlan {
        pub meta: Meta,
        // Header
        pub account_id: Id => ("客户ID", "Account") [hidden],
        pub opportunity: String => ("销售机会", "Opportunity"),
        pub account_executive: String => ("帐目执行人员", "Account executive"),
        pub phone: String => ("电话", "Phone"),
        pub location: String => ("地点", "Location"),
        pub assistant: String => ("行政助手", "Assistant"),
        pub call_date: Option<NaiveDate> => ("电话/拜访日期", "Call date"),
        pub call_time: Option<NaiveTime> => ("时间", "Time"),
        pub sales_rep: String => ("销售代表", "Sales rep"),
        pub manager: String => ("经理", "Manager"),
        // Plan
        pub objective: String => ("目标", "Objective") [lines],
        pub expected_result: String => ("预计的结果", "Expected result") [lines],
        pub customer_participants: Vec<CustomerParticipant>,
        pub our_participants: Vec<OurParticipant>,
        pub agenda: String => ("计划议程", "Planned agenda") [lines],
        /// Competitive views or obstacles.
        pub obstacles: String => ("竞争观点或障碍", "Competition / obstacles") [lines],
        /// Resources needed and preparation.
        pub resources: String => ("所需资源与准备", "Resources, preparation") [lines],
        // The pre-visit checklist of seed 002.
        pub prep_business_cards: bool => ("准备:名片", "Prep: business cards") [tick],
        pub prep_materials: bool => ("准备:资料", "Prep: materials") [tick],
        pub prep_evidence: bool => ("准备:数据和证据", "Prep: data, evidence") [tick],
        pub prep_proposal: bool => ("准备:标准方案", "Prep: proposal") [tick],
        /// An answer ready to "why should I spend time with you?"
        pub prep_why_answer: bool => ("准备:为何见我", "Prep: why see me") [tick],
        /// The rest of seed 002's checklist: in good form, dressed for it, a
        /// notebook, and answers to the customer's other two questions.
        pub prep_state: bool => ("准备:状态", "Prep: in good form") [tick],
        pub prep_appearance: bool => ("准备:仪表", "Prep: appearance") [tick],
        pub prep_notebook: bool => ("准备:记录本", "Prep: notebook") [tick],
        pub prep_value_answer: bool => ("准备:能提供什么价值", "Prep: what value we offer") [tick],
        pub prep_different_answer: bool => ("准备:与他人有何不同", "Prep: how we differ") [tick],
        pub influence: Vec<Influence>,
        pub introduction: Vec<IntroQuestion>,
        // Summary
        pub what_happened: String => ("实际情况", "What happened") [lines],
        pub commitments: Vec<Commitment>,
        pub supporter_assessment: String => ("支持者的评估", "Supporter's view") [lines],
        pub manager_assessment: String => ("经理的评估", "Manager's view") [lines],
        pub status: PlanStatus => ("状态", "Status"),
    }
}

/// Someone from the customer on the call: a contact of the account or a name typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerParticipant {
    pub contact_id: Option<Id>,
    pub name: String,
    pub title: String,
    /// The buying role on this plan (else the contact's own).
    pub role: Option<BuyingRole>,
}

/// Someone from our side on the call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OurParticipant {
    pub name: String,
    pub title: String,
    pub role: String,
}

/// A row of the influence table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Influence {
    /// A view you can influence.
    pub view: String,
    /// How you will influence it.
    pub how: String,
    pub business_value: String,
    pub political_value: String,
}

/// A row of the introduction table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntroQuestion {
    /// What you need to know.
    pub need: String,
    pub why: String,
    pub question: String,
}

/// A commitment or action agreed on the call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub who: String,
    pub what: String,
    pub by: Option<NaiveDate>,
    /// Ticked off: the Today tab lists a done call's commitments until then.
    pub done: bool,
}

impl CallPlan {
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.status == PlanStatus::Done && self.what_happened.trim().is_empty() {
            return Err(ModelError::says("what_happened", T::VDoneNeedsSummary, &[]));
        }
        rows_at_most("customer_participants", self.customer_participants.len())?;
        rows_at_most("our_participants", self.our_participants.len())?;
        rows_at_most("influence", self.influence.len())?;
        rows_at_most("introduction", self.introduction.len())?;
        rows_at_most("commitments", self.commitments.len())?;
        for (i, p) in self.customer_participants.iter().enumerate() {
            if p.contact_id.is_none() {
                require(&format!("customer_participants[{i}].name"), &p.name)?;
            }
        }
        for (i, p) in self.our_participants.iter().enumerate() {
            require(&format!("our_participants[{i}].name"), &p.name)?;
        }
        for (i, c) in self.commitments.iter().enumerate() {
            require(&format!("commitments[{i}].what"), &c.what)?;
        }
        Ok(())
    }
}

/// The account's contacts as the plan checks read them.
pub fn plan_contacts(contacts: &[Contact]) -> Vec<PlanContact> {
    contacts
        .iter()
        .map(|c| PlanContact {
            id: c.meta.id.to_string(),
            name: c.name.clone(),
            buying_role: c.buying_role,
            alliance: c.alliance(),
            reports_to: c.reports_to.as_ref().map(ToString::to_string),
        })
        .collect()
}

/// A participant's buying role: the one given on the plan, else the contact's own.
fn role_of(given: Option<BuyingRole>, contact: Option<&Id>, contacts: &[Contact]) -> Option<BuyingRole> {
    given.or_else(|| contact.and_then(|id| contacts.iter().find(|c| c.meta.id == *id)).and_then(|c| c.buying_role))
}

/// A participant's name: typed, else the contact's.
fn name_of(typed: &str, contact: Option<&Id>, contacts: &[Contact]) -> String {
    if !typed.trim().is_empty() {
        return typed.to_string();
    }
    contact.and_then(|id| contacts.iter().find(|c| c.meta.id == *id)).map(|c| c.name.clone()).unwrap_or_default()
}

impl CallPlan {
    /// The plan checks of §4.11 on this plan and its account's contacts.
    pub fn warnings(&self, contacts: &[Contact]) -> Vec<PlanWarning> {
        let plan = PlanDescription {
            kind: PlanKind::Call,
            done: self.status == PlanStatus::Done,
            participants: self
                .customer_participants
                .iter()
                .map(|p| PlanParticipant {
                    name: name_of(&p.name, p.contact_id.as_ref(), contacts),
                    buying_role: role_of(p.role, p.contact_id.as_ref(), contacts),
                })
                .collect(),
            questions: self.introduction.iter().filter(|q| !q.question.trim().is_empty()).count(),
            commitments: self
                .commitments
                .iter()
                .map(|c| plan_check::Commitment { owner: c.who.clone(), what: c.what.clone(), due: c.by })
                .collect(),
            supporter_assessment: !self.supporter_assessment.trim().is_empty(),
            manager_assessment: !self.manager_assessment.trim().is_empty(),
        };
        plan_check::check_plan(&plan, &plan_contacts(contacts))
    }
}

record_struct! {
    /// A presentation plan (演讲计划).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Presentation {
        pub meta: Meta,
        pub account_id: Id => ("客户ID", "Account") [hidden],
        pub opportunity: String => ("销售机会", "Opportunity"),
        pub date: Option<NaiveDate> => ("演讲日期", "Date"),
        pub sales_rep: String => ("销售代表", "Sales rep"),
        pub objective: String => ("目标", "Objective") [lines required],
        pub agenda: String => ("计划议程", "Planned agenda") [lines],
        pub participants: Vec<PresentationParticipant>,
        /// Action steps worked backwards from the desired result, in order.
        pub steps: Vec<ActionStep>,
    }
}

/// A customer participant of a presentation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentationParticipant {
    pub contact_id: Option<Id>,
    /// Name and title.
    pub name_title: String,
    pub buying_role: Option<BuyingRole>,
    pub business_arguments: String,
    pub political_arguments: String,
}

/// One action step of the organisation table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionStep {
    pub step: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub done: bool,
}

impl Presentation {
    /// The plan checks of §4.11 on this plan and its account's contacts.
    pub fn warnings(&self, contacts: &[Contact]) -> Vec<PlanWarning> {
        let plan = PlanDescription {
            kind: PlanKind::Presentation,
            done: self.is_done(),
            participants: self
                .participants
                .iter()
                .map(|p| PlanParticipant {
                    name: name_of(&p.name_title, p.contact_id.as_ref(), contacts),
                    buying_role: role_of(p.buying_role, p.contact_id.as_ref(), contacts),
                })
                .collect(),
            questions: 0,
            commitments: Vec::new(),
            supporter_assessment: false,
            manager_assessment: false,
        };
        plan_check::check_plan(&plan, &plan_contacts(contacts))
    }

    /// Every action step is done (a presentation with no steps is not).
    pub fn is_done(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(|s| s.done)
    }

    pub fn validate(&self) -> Result<(), ModelError> {
        require("objective", &self.objective)?;
        rows_at_most("participants", self.participants.len())?;
        rows_at_most("steps", self.steps.len())?;
        for (i, p) in self.participants.iter().enumerate() {
            if p.contact_id.is_none() {
                require(&format!("participants[{i}].name_title"), &p.name_title)?;
            }
        }
        for (i, s) in self.steps.iter().enumerate() {
            require(&format!("steps[{i}].step"), &s.step)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_needs_a_summary() {
        let mut p = CallPlan { status: PlanStatus::Done, ..CallPlan::default() };
        assert_eq!(p.validate().unwrap_err().field, "what_happened");
        p.what_happened = "确认了需求".into();
        assert!(p.validate().is_ok());
        p.our_participants.push(OurParticipant::default());
        assert_eq!(p.validate().unwrap_err().field, "our_participants[0].name");
    }

    #[test]
    fn tables_are_bounded() {
        let max = crate::model::TABLE_ROWS_MAX;
        let mut p = CallPlan { influence: vec![Influence::default(); max], ..CallPlan::default() };
        assert!(p.validate().is_ok());
        p.influence.push(Influence::default());
        assert_eq!(p.validate().unwrap_err().field, "influence");
        let mut pr = Presentation { objective: "演示".into(), ..Presentation::default() };
        pr.steps = (0..=max).map(|_| ActionStep { step: "x".into(), ..ActionStep::default() }).collect();
        assert_eq!(pr.validate().unwrap_err().field, "steps");
    }
}
