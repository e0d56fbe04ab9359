//! A call plan or presentation plan as Markdown, laid out like the paper
//! form of seed 000 (header, plan, the tables, the summary), for reading on
//! a phone or printing before the meeting.

use std::fmt::Write as _;

use kam_rules::{Labeled, Lang};

use crate::i18n::T;
use crate::model::{CallPlan, Contact, Id, Presentation};

/// A table cell: line breaks and pipes would break the Markdown table.
fn cell(s: &str) -> String {
    s.trim().replace('|', "\\|").replace('\n', "<br>")
}

fn contact_of<'a>(id: Option<&Id>, contacts: &'a [Contact]) -> Option<&'a Contact> {
    id.and_then(|id| contacts.iter().find(|c| c.meta.id == *id))
}

fn contact_name(id: Option<&Id>, typed: &str, contacts: &[Contact]) -> String {
    if !typed.trim().is_empty() {
        return typed.to_string();
    }
    contact_of(id, contacts).map(|c| c.name.clone()).unwrap_or_default()
}

/// What the plan says, else what the account's contact record says.
fn or_contact(typed: &str, id: Option<&Id>, contacts: &[Contact], of: fn(&Contact) -> &str) -> String {
    if typed.trim().is_empty() {
        contact_of(id, contacts).map(|c| of(c).to_string()).unwrap_or_default()
    } else {
        typed.to_string()
    }
}

fn field(out: &mut String, lang: Lang, label: T, value: &str) {
    if value.contains('\n') {
        // A blank line first, or Markdown runs the heading into the bullet above.
        let _ = writeln!(out, "\n**{}**\n\n{}\n", label.get(lang), value.trim());
    } else {
        let _ = writeln!(out, "- **{}**: {}", label.get(lang), value.trim());
    }
}

fn table(out: &mut String, lang: Lang, title: T, head: &[T], rows: &[Vec<String>]) {
    let _ = writeln!(out, "\n### {}\n", title.get(lang));
    let _ = writeln!(out, "| # | {} |", head.iter().map(|h| h.get(lang)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(head.len()));
    if rows.is_empty() {
        let _ = writeln!(out, "| |{}", " |".repeat(head.len()));
    }
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} | {} |", i + 1, cells.join(" | "));
    }
}

fn tick(b: bool) -> &'static str {
    if b {
        "☑"
    } else {
        "☐"
    }
}

/// The executive call plan (执行人员电话计划).
pub fn call_plan(p: &CallPlan, account: &str, contacts: &[Contact], lang: Lang) -> String {
    let mut out = String::new();
    let date = p.call_date.map(|d| d.to_string()).unwrap_or_default();
    let time = p.call_time.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    let _ = writeln!(out, "# {} · {account}\n", T::EditCallPlan.get(lang));
    field(&mut out, lang, T::PlanAccount, account);
    field(&mut out, lang, T::FOpportunity, &p.opportunity);
    field(&mut out, lang, T::FAccountExecutive, &p.account_executive);
    field(&mut out, lang, T::FPhone, &p.phone);
    field(&mut out, lang, T::FLocation, &p.location);
    field(&mut out, lang, T::FAssistant, &p.assistant);
    field(&mut out, lang, T::FCallDate, &format!("{date} {time}"));
    field(&mut out, lang, T::FSalesRep, &p.sales_rep);
    field(&mut out, lang, T::FManager, &p.manager);
    field(&mut out, lang, T::FPlanStatus, p.status.label(lang));
    let _ = writeln!(out);
    field(&mut out, lang, T::FObjective, &p.objective);
    field(&mut out, lang, T::FExpectedResult, &p.expected_result);
    let rows: Vec<Vec<String>> = p
        .customer_participants
        .iter()
        .map(|c| {
            let role = c
                .role
                .or_else(|| {
                    c.contact_id
                        .as_ref()
                        .and_then(|id| contacts.iter().find(|x| x.meta.id == *id))
                        .and_then(|x| x.buying_role)
                })
                .map(|r| r.label(lang).to_string())
                .unwrap_or_default();
            let title = or_contact(&c.title, c.contact_id.as_ref(), contacts, |x| &x.title);
            vec![contact_name(c.contact_id.as_ref(), &c.name, contacts), title, role]
        })
        .collect();
    table(&mut out, lang, T::RowCustomer, &[T::CName, T::CTitle, T::CRole], &rows);
    let rows: Vec<Vec<String>> =
        p.our_participants.iter().map(|o| vec![o.name.clone(), o.title.clone(), o.role.clone()]).collect();
    table(&mut out, lang, T::RowOurs, &[T::CName, T::CTitle, T::CRole], &rows);
    let _ = writeln!(out);
    field(&mut out, lang, T::FPlanAgenda, &p.agenda);
    field(&mut out, lang, T::FObstacles, &p.obstacles);
    field(&mut out, lang, T::FResources, &p.resources);
    let _ = writeln!(out);
    for (label, b) in [
        (T::FPrepCards, p.prep_business_cards),
        (T::FPrepMaterials, p.prep_materials),
        (T::FPrepEvidence, p.prep_evidence),
        (T::FPrepProposal, p.prep_proposal),
        (T::FPrepWhy, p.prep_why_answer),
        (T::FPrepState, p.prep_state),
        (T::FPrepAppearance, p.prep_appearance),
        (T::FPrepNotebook, p.prep_notebook),
        (T::FPrepValue, p.prep_value_answer),
        (T::FPrepDifferent, p.prep_different_answer),
    ] {
        let _ = writeln!(out, "- {} {}", tick(b), label.get(lang));
    }
    let rows: Vec<Vec<String>> = p
        .influence
        .iter()
        .map(|i| vec![i.view.clone(), i.how.clone(), i.business_value.clone(), i.political_value.clone()])
        .collect();
    table(&mut out, lang, T::RowInfluence, &[T::CView, T::CHow, T::CBusinessValue, T::CPoliticalValue], &rows);
    let rows: Vec<Vec<String>> =
        p.introduction.iter().map(|q| vec![q.need.clone(), q.why.clone(), q.question.clone()]).collect();
    table(&mut out, lang, T::RowIntro, &[T::CNeed, T::CWhy, T::CQuestion], &rows);
    let _ = writeln!(out);
    field(&mut out, lang, T::FWhatHappened, &p.what_happened);
    let rows: Vec<Vec<String>> = p
        .commitments
        .iter()
        .map(|c| {
            vec![c.who.clone(), c.what.clone(), c.by.map(|d| d.to_string()).unwrap_or_default(), tick(c.done).into()]
        })
        .collect();
    table(&mut out, lang, T::RowCommitment, &[T::CWho, T::CWhat, T::CBy, T::CDone], &rows);
    let _ = writeln!(out);
    field(&mut out, lang, T::FSupporterAssessment, &p.supporter_assessment);
    field(&mut out, lang, T::FManagerAssessment, &p.manager_assessment);
    checks(&mut out, lang, &p.warnings(contacts));
    out
}

/// The presentation plan (演讲计划).
pub fn presentation(p: &Presentation, account: &str, contacts: &[Contact], lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} · {account}\n", T::EditPresentation.get(lang));
    field(&mut out, lang, T::PlanAccount, account);
    field(&mut out, lang, T::FOpportunity, &p.opportunity);
    field(&mut out, lang, T::FPresentationDate, &p.date.map(|d| d.to_string()).unwrap_or_default());
    field(&mut out, lang, T::FSalesRep, &p.sales_rep);
    field(&mut out, lang, T::FObjective, &p.objective);
    field(&mut out, lang, T::FPlanAgenda, &p.agenda);
    let rows: Vec<Vec<String>> = p
        .participants
        .iter()
        .map(|x| {
            let role = x
                .buying_role
                .or_else(|| {
                    x.contact_id
                        .as_ref()
                        .and_then(|id| contacts.iter().find(|c| c.meta.id == *id))
                        .and_then(|c| c.buying_role)
                })
                .map(|r| r.label(lang).to_string())
                .unwrap_or_default();
            let name_title = if x.name_title.trim().is_empty() {
                contact_of(x.contact_id.as_ref(), contacts)
                    .map(|c| format!("{} {}", c.name, c.title).trim_end().to_string())
                    .unwrap_or_default()
            } else {
                x.name_title.clone()
            };
            vec![name_title, role, x.business_arguments.clone(), x.political_arguments.clone()]
        })
        .collect();
    table(&mut out, lang, T::RowParticipant, &[T::CNameTitle, T::CRole, T::CBusinessArgs, T::CPoliticalArgs], &rows);
    let rows: Vec<Vec<String>> = p
        .steps
        .iter()
        .map(|s| {
            vec![s.step.clone(), s.owner.clone(), s.due.map(|d| d.to_string()).unwrap_or_default(), tick(s.done).into()]
        })
        .collect();
    table(&mut out, lang, T::RowStep, &[T::CStep, T::COwner, T::CDue, T::CDone], &rows);
    checks(&mut out, lang, &p.warnings(contacts));
    out
}

fn checks(out: &mut String, lang: Lang, warnings: &[kam_rules::plan_check::PlanWarning]) {
    let _ = writeln!(out, "\n### {}\n", T::PlanChecks.get(lang));
    if warnings.is_empty() {
        let _ = writeln!(out, "- {}", T::PlanChecksNone.get(lang));
    }
    for w in warnings {
        let _ = writeln!(out, "- ⚠ {}", w.message(lang));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CustomerParticipant, PresentationParticipant};

    #[test]
    fn participants_show_their_contacts_title_and_headings_stand_apart() {
        let account = Id::new();
        let mut wang = Contact::of(account.clone(), "王总");
        wang.title = "采购总监".into();
        let contacts = vec![wang.clone()];
        let plan = CallPlan {
            account_id: account.clone(),
            sales_rep: "李雷".into(),
            agenda: "一、开场\n二、方案".into(),
            customer_participants: vec![CustomerParticipant {
                contact_id: Some(wang.meta.id.clone()),
                ..Default::default()
            }],
            ..CallPlan::default()
        };
        let md = call_plan(&plan, "杭州西湖", &contacts, Lang::Zh);
        assert!(md.contains("| 1 | 王总 | 采购总监 |"), "the contact's title fills the empty cell: {md}");
        let heading = format!("**{}**", T::FPlanAgenda.get(Lang::Zh));
        let at = md.find(&heading).expect("the agenda heading");
        assert!(md[..at].ends_with("\n\n"), "a blank line before a heading after a bullet: {md}");

        let p = Presentation {
            account_id: account,
            participants: vec![PresentationParticipant {
                contact_id: Some(wang.meta.id.clone()),
                ..Default::default()
            }],
            ..Presentation::default()
        };
        let md = presentation(&p, "杭州西湖", &contacts, Lang::Zh);
        assert!(md.contains("| 1 | 王总 采购总监 |"), "name and title: {md}");
    }
}
