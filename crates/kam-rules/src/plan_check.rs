//! §4.11 Plan checks: coaching that works offline.
//!
//! Deterministic checks over a plain description of a call or presentation
//! plan and the account's contacts, each with a one-line message. The app
//! shows them beside the plan and counts them on the Today tab.

use chrono::NaiveDate;

use crate::alliance::AllianceStatus;
use crate::label::{Labeled, Lang};
use crate::roles::BuyingRole;

/// A contact of the account, as the checks need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanContact {
    pub id: String,
    pub name: String,
    pub buying_role: Option<BuyingRole>,
    pub alliance: AllianceStatus,
    /// Id of the contact this one reports to.
    pub reports_to: Option<String>,
}

/// A customer-side participant of a plan: a contact's id, or a name typed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanParticipant {
    pub name: String,
    /// The role given on the plan, else the contact's own.
    pub buying_role: Option<BuyingRole>,
}

/// A commitment made on a call: who, what, by when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitment {
    pub owner: String,
    pub what: String,
    pub due: Option<NaiveDate>,
}

/// What kind of plan is checked; presentations have no introduction or commitments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    Call,
    Presentation,
}

/// A plan, reduced to what the checks read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanDescription {
    pub kind: PlanKind,
    pub done: bool,
    pub participants: Vec<PlanParticipant>,
    /// Questions of the introduction rows that are not blank.
    pub questions: usize,
    pub commitments: Vec<Commitment>,
    pub supporter_assessment: bool,
    pub manager_assessment: bool,
}

/// One warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanWarning {
    NoDecisionMaker,
    NoAllyOrAbove,
    ParticipantWithoutRole { name: String },
    NoQuestion,
    CommitmentIncomplete { index: usize, what: String },
    DoneWithoutAssessment,
    NobodyReportsToDecisionMaker { name: String },
}

impl PlanWarning {
    /// Stable key for counting and storage.
    pub fn key(&self) -> &'static str {
        match self {
            Self::NoDecisionMaker => "no_decision_maker",
            Self::NoAllyOrAbove => "no_ally",
            Self::ParticipantWithoutRole { .. } => "participant_without_role",
            Self::NoQuestion => "no_question",
            Self::CommitmentIncomplete { .. } => "commitment_incomplete",
            Self::DoneWithoutAssessment => "done_without_assessment",
            Self::NobodyReportsToDecisionMaker { .. } => "nobody_reports_to_decision_maker",
        }
    }

    /// The one-line message.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::NoDecisionMaker, Lang::Zh) => "客户联系人中没有决策者:先找到谁能拍板".into(),
            (Self::NoDecisionMaker, Lang::En) => {
                "No decision maker among the account's contacts: find who can say yes".into()
            }
            (Self::NoAllyOrAbove, Lang::Zh) => "没有同盟者或以上的支持者:谁会在内部替我们说话?".into(),
            (Self::NoAllyOrAbove, Lang::En) => "No supporter at Ally level or above: who speaks for us inside?".into(),
            (Self::ParticipantWithoutRole { name }, Lang::Zh) => format!("参与者 {name} 没有购买角色"),
            (Self::ParticipantWithoutRole { name }, Lang::En) => format!("Participant {name} has no buying role"),
            (Self::NoQuestion, Lang::Zh) => "通话介绍中没有问题:准备好要问什么".into(),
            (Self::NoQuestion, Lang::En) => "No question in the introduction: prepare what to ask".into(),
            (Self::CommitmentIncomplete { index, what }, Lang::Zh) => {
                format!("第 {} 项承诺「{what}」缺少负责人或期限", index + 1)
            }
            (Self::CommitmentIncomplete { index, what }, Lang::En) => {
                format!("Commitment {} \"{what}\" has no owner or no date", index + 1)
            }
            (Self::DoneWithoutAssessment, Lang::Zh) => "已完成的通话没有支持者或管理者的评估".into(),
            (Self::DoneWithoutAssessment, Lang::En) => "Done call with no supporter's or manager's assessment".into(),
            (Self::NobodyReportsToDecisionMaker { name }, Lang::Zh) => {
                format!("没有标出向决策者 {name} 汇报的人:把组织关系画出来")
            }
            (Self::NobodyReportsToDecisionMaker { name }, Lang::En) => {
                format!("Nobody mapped as reporting to the decision maker {name}: map the organisation")
            }
        }
    }
}

/// Checks that concern the account's contacts alone.
pub fn check_contacts(contacts: &[PlanContact]) -> Vec<PlanWarning> {
    let mut out = Vec::new();
    let deciders: Vec<&PlanContact> =
        contacts.iter().filter(|c| c.buying_role.is_some_and(BuyingRole::decides)).collect();
    if deciders.is_empty() {
        out.push(PlanWarning::NoDecisionMaker);
    }
    if !contacts.iter().any(|c| c.alliance >= AllianceStatus::Ally) {
        out.push(PlanWarning::NoAllyOrAbove);
    }
    for d in deciders {
        if !contacts.iter().any(|c| c.reports_to.as_deref() == Some(d.id.as_str())) {
            out.push(PlanWarning::NobodyReportsToDecisionMaker { name: d.name.clone() });
        }
    }
    out
}

/// Every check on a plan and its account's contacts.
pub fn check_plan(plan: &PlanDescription, contacts: &[PlanContact]) -> Vec<PlanWarning> {
    let mut out = check_contacts(contacts);
    for p in &plan.participants {
        if p.buying_role.is_none() {
            out.push(PlanWarning::ParticipantWithoutRole { name: p.name.clone() });
        }
    }
    if plan.kind == PlanKind::Call {
        if plan.questions == 0 {
            out.push(PlanWarning::NoQuestion);
        }
        for (index, c) in plan.commitments.iter().enumerate() {
            if c.owner.trim().is_empty() || c.due.is_none() {
                out.push(PlanWarning::CommitmentIncomplete { index, what: c.what.clone() });
            }
        }
        if plan.done && !(plan.supporter_assessment || plan.manager_assessment) {
            out.push(PlanWarning::DoneWithoutAssessment);
        }
    }
    out
}

/// Every warning's key, for documentation and tests.
pub const WARNING_KEYS: &[&str] = &[
    "no_decision_maker",
    "no_ally",
    "participant_without_role",
    "no_question",
    "commitment_incomplete",
    "done_without_assessment",
    "nobody_reports_to_decision_maker",
];

/// Label for a buying role, or a dash.
pub fn role_label(role: Option<BuyingRole>, lang: Lang) -> &'static str {
    role.map_or("—", |r| r.label(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: &str, role: Option<BuyingRole>, alliance: AllianceStatus, reports_to: Option<&str>) -> PlanContact {
        PlanContact {
            id: id.into(),
            name: format!("name-{id}"),
            buying_role: role,
            alliance,
            reports_to: reports_to.map(Into::into),
        }
    }

    fn plan() -> PlanDescription {
        PlanDescription {
            kind: PlanKind::Call,
            done: false,
            participants: vec![PlanParticipant { name: "王总".into(), buying_role: Some(BuyingRole::DecisionMaker) }],
            questions: 1,
            commitments: vec![],
            supporter_assessment: false,
            manager_assessment: false,
        }
    }

    fn good_contacts() -> Vec<PlanContact> {
        vec![
            contact("dm", Some(BuyingRole::DecisionMaker), AllianceStatus::Supporter, None),
            contact("x", Some(BuyingRole::User), AllianceStatus::Ally, Some("dm")),
        ]
    }

    #[test]
    fn a_sound_plan_has_no_warnings() {
        assert_eq!(check_plan(&plan(), &good_contacts()), vec![]);
    }

    #[test]
    fn each_check_fires() {
        let keys =
            |p: &PlanDescription, c: &[PlanContact]| check_plan(p, c).iter().map(PlanWarning::key).collect::<Vec<_>>();
        assert_eq!(keys(&plan(), &[]), vec!["no_decision_maker", "no_ally"]);
        let lone = [contact("dm", Some(BuyingRole::Approver), AllianceStatus::Mentor, None)];
        assert_eq!(keys(&plan(), &lone), vec!["nobody_reports_to_decision_maker"]);
        let mut p = plan();
        p.participants.push(PlanParticipant { name: "李工".into(), buying_role: None });
        p.questions = 0;
        p.commitments = vec![
            Commitment { owner: String::new(), what: "报价".into(), due: NaiveDate::from_ymd_opt(2026, 12, 1) },
            Commitment { owner: "我".into(), what: "样品".into(), due: None },
            Commitment { owner: "我".into(), what: "ok".into(), due: NaiveDate::from_ymd_opt(2026, 12, 1) },
        ];
        p.done = true;
        assert_eq!(
            keys(&p, &good_contacts()),
            vec![
                "participant_without_role",
                "no_question",
                "commitment_incomplete",
                "commitment_incomplete",
                "done_without_assessment"
            ]
        );
        p.manager_assessment = true;
        assert!(!keys(&p, &good_contacts()).contains(&"done_without_assessment"));
        p.kind = PlanKind::Presentation;
        assert_eq!(keys(&p, &good_contacts()), vec!["participant_without_role"]);
    }

    #[test]
    fn messages_in_both_languages() {
        for w in [
            PlanWarning::NoDecisionMaker,
            PlanWarning::NoAllyOrAbove,
            PlanWarning::ParticipantWithoutRole { name: "a".into() },
            PlanWarning::NoQuestion,
            PlanWarning::CommitmentIncomplete { index: 0, what: "w".into() },
            PlanWarning::DoneWithoutAssessment,
            PlanWarning::NobodyReportsToDecisionMaker { name: "n".into() },
        ] {
            assert!(WARNING_KEYS.contains(&w.key()));
            assert!(!w.message(Lang::Zh).is_empty() && !w.message(Lang::En).is_empty());
            assert_ne!(w.message(Lang::Zh), w.message(Lang::En));
        }
    }
}
