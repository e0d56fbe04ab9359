//! Call plans and presentation plans with all their repeated rows.

use super::record::record;
use crate::model::{
    ActionStep, CallPlan, Commitment, CustomerParticipant, Influence, IntroQuestion, OurParticipant, Presentation,
    PresentationParticipant,
};

record! {
    CallPlan, CallPlan, order "call_date DESC, id",
    label |p| format!("{} {}", p.call_date.map(|d| d.to_string()).unwrap_or_default(), p.objective),
    account |p| Some(&p.account_id),
    derived |_p| Vec::new(),
    fields {
        account_id, opportunity, account_executive, phone, location, assistant, call_date, call_time, sales_rep,
        manager, objective, expected_result, agenda, obstacles, resources, prep_business_cards, prep_materials,
        prep_evidence, prep_proposal, prep_why_answer, what_happened, supporter_assessment, manager_assessment,
        status,
    },
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
    fields { account_id, opportunity, date, sales_rep, objective, agenda },
    children {
        participants: PresentationParticipant in "presentation_participants" {
            contact_id, name_title, buying_role, business_arguments, political_arguments
        },
        steps: ActionStep in "presentation_steps" { step, owner, due, done },
    }
}
