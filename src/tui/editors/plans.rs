//! The call plan's editor (拜访计划, DESIGN §3.6) and the presentation
//! plan's (§3.7): every header and summary field bound by name and type,
//! and the repeated rows (participants, influence, questions, commitments,
//! action steps) as tables, each with a blank row to type a new one into.

use chrono::NaiveDate;
use kam_rules::{BuyingRole, Labeled, Lang};

use super::{Binds, Ctx};
use crate::i18n::T;
use crate::model::{
    ActionStep, CallPlan, Commitment, Contact, CustomerParticipant, Id, Influence, IntroQuestion, OurParticipant,
    Presentation, PresentationParticipant,
};
use crate::tui::records::filled_rows;
use crate::tui::widgets::form::{parse_date, Field, Form, RowTag};
use crate::tui::widgets::keys::F;

// The tables of a call plan's form.
pub const CUSTOMERS: u8 = 0;
pub const OURS: u8 = 1;
pub const INFLUENCE: u8 = 2;
pub const INTRO: u8 = 3;
pub const COMMITMENTS: u8 = 4;
// The tables of a presentation's form.
pub const PARTICIPANTS: u8 = 0;
pub const STEPS: u8 = 1;

/// What a plan's form is made and read in: the language, the day relative
/// dates count from, and the account's contacts a participant is chosen among.
#[derive(Clone, Debug)]
pub struct PlanCtx {
    pub lang: Lang,
    pub today: NaiveDate,
    pub contacts: Vec<Contact>,
}

impl Ctx for PlanCtx {
    fn lang(&self) -> Lang {
        self.lang
    }

    fn today(&self) -> NaiveDate {
        self.today
    }
}

fn tag(table: u8, row: usize, title: T) -> RowTag {
    RowTag { table, row, title }
}

pub fn contact_options(contacts: &[Contact], lang: Lang) -> Vec<(String, String)> {
    std::iter::once((String::new(), T::TypedIn.get(lang).to_string()))
        .chain(contacts.iter().map(|c| {
            let shown = if c.title.is_empty() { c.name.clone() } else { format!("{} · {}", c.name, c.title) };
            (c.meta.id.to_string(), shown)
        }))
        .collect()
}

pub fn role_options(lang: Lang) -> Vec<(String, String)> {
    std::iter::once((String::new(), T::ContactsRole.get(lang).to_string()))
        .chain(BuyingRole::ALL.iter().map(|r| (r.key().to_string(), r.label(lang).to_string())))
        .collect()
}

pub fn customer_row(row: usize, p: &CustomerParticipant, contacts: &[Contact], lang: Lang) -> Vec<Field> {
    let t = tag(CUSTOMERS, row, T::RowCustomer);
    vec![
        Field::choice(
            F::ContactId,
            T::CContact,
            contact_options(contacts, lang),
            p.contact_id.as_ref().map(Id::to_string),
        )
        .in_row(t),
        Field::text(F::Name, T::CName, &p.name).in_row(t),
        Field::text(F::Title, T::CTitle, &p.title).in_row(t),
        Field::choice(F::Role, T::FBuyingRole, role_options(lang), p.role.map(|r| r.key().to_string())).in_row(t),
    ]
}

pub fn ours_row(row: usize, p: &OurParticipant) -> Vec<Field> {
    let t = tag(OURS, row, T::RowOurs);
    vec![
        Field::text(F::Name, T::CName, &p.name).in_row(t),
        Field::text(F::Title, T::CTitle, &p.title).in_row(t),
        Field::text(F::Role, T::CRole, &p.role).in_row(t),
    ]
}

pub fn influence_row(row: usize, i: &Influence) -> Vec<Field> {
    let t = tag(INFLUENCE, row, T::RowInfluence);
    vec![
        Field::text(F::View, T::CView, &i.view).in_row(t),
        Field::text(F::How, T::CHow, &i.how).in_row(t),
        Field::text(F::BusinessValue, T::CBusinessValue, &i.business_value).in_row(t),
        Field::text(F::PoliticalValue, T::CPoliticalValue, &i.political_value).in_row(t),
    ]
}

pub fn intro_row(row: usize, q: &IntroQuestion) -> Vec<Field> {
    let t = tag(INTRO, row, T::RowIntro);
    vec![
        Field::text(F::Need, T::CNeed, &q.need).in_row(t),
        Field::text(F::Why, T::CWhy, &q.why).in_row(t),
        Field::text(F::Question, T::CQuestion, &q.question).in_row(t),
    ]
}

pub fn commitment_row(row: usize, c: &Commitment, lang: Lang) -> Vec<Field> {
    let t = tag(COMMITMENTS, row, T::RowCommitment);
    vec![
        Field::text(F::Who, T::CWho, &c.who).in_row(t),
        Field::text(F::What, T::CWhat, &c.what).in_row(t),
        Field::date(F::By, T::CBy, c.by).in_row(t),
        Field::check(F::Done, T::CDone, c.done, lang).in_row(t),
    ]
}

pub fn participant_row(row: usize, p: &PresentationParticipant, contacts: &[Contact], lang: Lang) -> Vec<Field> {
    let t = tag(PARTICIPANTS, row, T::RowParticipant);
    vec![
        Field::choice(
            F::ContactId,
            T::CContact,
            contact_options(contacts, lang),
            p.contact_id.as_ref().map(Id::to_string),
        )
        .in_row(t),
        Field::text(F::NameTitle, T::CNameTitle, &p.name_title).in_row(t),
        Field::choice(F::BuyingRole, T::FBuyingRole, role_options(lang), p.buying_role.map(|r| r.key().to_string()))
            .in_row(t),
        Field::text(F::BusinessArguments, T::CBusinessArgs, &p.business_arguments).in_row(t),
        Field::text(F::PoliticalArguments, T::CPoliticalArgs, &p.political_arguments).in_row(t),
    ]
}

pub fn step_row(row: usize, s: &ActionStep, lang: Lang) -> Vec<Field> {
    let t = tag(STEPS, row, T::RowStep);
    vec![
        Field::text(F::Step, T::CStep, &s.step).in_row(t),
        Field::text(F::Owner, T::COwner, &s.owner).in_row(t),
        Field::date(F::Due, T::CDue, s.due).in_row(t),
        Field::check(F::Done, T::CDone, s.done, lang).in_row(t),
    ]
}

fn some_id(s: &str) -> Option<Id> {
    (!s.is_empty()).then(|| Id::parse(s).ok()).flatten()
}

fn some_role(s: &str) -> Option<BuyingRole> {
    BuyingRole::ALL.iter().copied().find(|r| r.key() == s)
}

/// A tick of a row: ☑ reads as done.
fn ticked(f: &Form, table: u8, row: usize, key: F) -> bool {
    f.cell(table, row, key) == "1"
}

pub fn call_binds() -> Binds<CallPlan, PlanCtx> {
    let mut b = Binds::<CallPlan, PlanCtx>::declared();
    b.move_before(F::Status, F::WhatHappened);
    b.after(F::ExpectedResult);
    b.table(
        |p: &CallPlan, c: &PlanCtx| {
            p.customer_participants
                .iter()
                .enumerate()
                .flat_map(|(i, r)| customer_row(i, r, &c.contacts, c.lang))
                .collect()
        },
        |n, c: &PlanCtx| customer_row(n, &CustomerParticipant::default(), &c.contacts, c.lang),
        |f: &Form, p: &mut CallPlan, c: &PlanCtx| {
            p.customer_participants = filled_rows(f, CUSTOMERS)
                .map(|r| {
                    let contact_id = some_id(&f.cell(CUSTOMERS, r, F::ContactId));
                    // A contact picked: the plan keeps who they were then
                    // (name, title, role), as the paper form and its export do.
                    let picked = contact_id.as_ref().and_then(|id| c.contacts.iter().find(|x| x.meta.id == *id));
                    let or = |typed: String, theirs: Option<&String>| match theirs {
                        Some(t) if typed.trim().is_empty() => t.clone(),
                        _ => typed,
                    };
                    CustomerParticipant {
                        name: or(f.cell(CUSTOMERS, r, F::Name), picked.map(|x| &x.name)),
                        title: or(f.cell(CUSTOMERS, r, F::Title), picked.map(|x| &x.title)),
                        role: some_role(&f.cell(CUSTOMERS, r, F::Role)).or(picked.and_then(|x| x.buying_role)),
                        contact_id,
                    }
                })
                .collect();
        },
    );
    b.table(
        |p: &CallPlan, _: &PlanCtx| p.our_participants.iter().enumerate().flat_map(|(i, r)| ours_row(i, r)).collect(),
        |n, _: &PlanCtx| ours_row(n, &OurParticipant::default()),
        |f: &Form, p: &mut CallPlan, _: &PlanCtx| {
            p.our_participants = filled_rows(f, OURS)
                .map(|r| OurParticipant {
                    name: f.cell(OURS, r, F::Name),
                    title: f.cell(OURS, r, F::Title),
                    role: f.cell(OURS, r, F::Role),
                })
                .collect();
        },
    );
    b.after(F::PrepDifferentAnswer);
    b.table(
        |p: &CallPlan, _: &PlanCtx| p.influence.iter().enumerate().flat_map(|(i, r)| influence_row(i, r)).collect(),
        |n, _: &PlanCtx| influence_row(n, &Influence::default()),
        |f: &Form, p: &mut CallPlan, _: &PlanCtx| {
            p.influence = filled_rows(f, INFLUENCE)
                .map(|r| Influence {
                    view: f.cell(INFLUENCE, r, F::View),
                    how: f.cell(INFLUENCE, r, F::How),
                    business_value: f.cell(INFLUENCE, r, F::BusinessValue),
                    political_value: f.cell(INFLUENCE, r, F::PoliticalValue),
                })
                .collect();
        },
    );
    b.table(
        |p: &CallPlan, _: &PlanCtx| p.introduction.iter().enumerate().flat_map(|(i, r)| intro_row(i, r)).collect(),
        |n, _: &PlanCtx| intro_row(n, &IntroQuestion::default()),
        |f: &Form, p: &mut CallPlan, _: &PlanCtx| {
            p.introduction = filled_rows(f, INTRO)
                .map(|r| IntroQuestion {
                    need: f.cell(INTRO, r, F::Need),
                    why: f.cell(INTRO, r, F::Why),
                    question: f.cell(INTRO, r, F::Question),
                })
                .collect();
        },
    );
    b.after(F::WhatHappened);
    b.table(
        |p: &CallPlan, c: &PlanCtx| {
            p.commitments.iter().enumerate().flat_map(|(i, r)| commitment_row(i, r, c.lang)).collect()
        },
        |n, c: &PlanCtx| commitment_row(n, &Commitment::default(), c.lang),
        |f: &Form, p: &mut CallPlan, c: &PlanCtx| {
            p.commitments = filled_rows(f, COMMITMENTS)
                .map(|r| Commitment {
                    who: f.cell(COMMITMENTS, r, F::Who),
                    what: f.cell(COMMITMENTS, r, F::What),
                    by: parse_date(&f.cell(COMMITMENTS, r, F::By), c.today),
                    done: ticked(f, COMMITMENTS, r, F::Done),
                })
                .collect();
        },
    );
    b
}

pub fn presentation_binds() -> Binds<Presentation, PlanCtx> {
    let mut b = Binds::<Presentation, PlanCtx>::declared();
    b.table(
        |p: &Presentation, c: &PlanCtx| {
            p.participants.iter().enumerate().flat_map(|(i, r)| participant_row(i, r, &c.contacts, c.lang)).collect()
        },
        |n, c: &PlanCtx| participant_row(n, &PresentationParticipant::default(), &c.contacts, c.lang),
        |f: &Form, p: &mut Presentation, c: &PlanCtx| {
            p.participants = filled_rows(f, PARTICIPANTS)
                .map(|r| {
                    let contact_id = some_id(&f.cell(PARTICIPANTS, r, F::ContactId));
                    // A contact picked: the plan keeps who they were then.
                    let picked = contact_id.as_ref().and_then(|id| c.contacts.iter().find(|x| x.meta.id == *id));
                    let typed = f.cell(PARTICIPANTS, r, F::NameTitle);
                    let name_title = match picked {
                        Some(x) if typed.trim().is_empty() && x.title.trim().is_empty() => x.name.clone(),
                        Some(x) if typed.trim().is_empty() => format!("{} {}", x.name, x.title),
                        _ => typed,
                    };
                    PresentationParticipant {
                        name_title,
                        buying_role: some_role(&f.cell(PARTICIPANTS, r, F::BuyingRole))
                            .or(picked.and_then(|x| x.buying_role)),
                        business_arguments: f.cell(PARTICIPANTS, r, F::BusinessArguments),
                        political_arguments: f.cell(PARTICIPANTS, r, F::PoliticalArguments),
                        contact_id,
                    }
                })
                .collect();
        },
    );
    b.table(
        |p: &Presentation, c: &PlanCtx| p.steps.iter().enumerate().flat_map(|(i, r)| step_row(i, r, c.lang)).collect(),
        |n, c: &PlanCtx| step_row(n, &ActionStep::default(), c.lang),
        |f: &Form, p: &mut Presentation, c: &PlanCtx| {
            p.steps = filled_rows(f, STEPS)
                .map(|r| ActionStep {
                    step: f.cell(STEPS, r, F::Step),
                    owner: f.cell(STEPS, r, F::Owner),
                    due: parse_date(&f.cell(STEPS, r, F::Due), c.today),
                    done: ticked(f, STEPS, r, F::Done),
                })
                .collect();
        },
    );
    b
}

pub fn call_form(ctx: &PlanCtx, p: &CallPlan) -> Form {
    let title = if p.meta.is_new() { T::NewCallPlan } else { T::EditCallPlan };
    call_binds().form(title, p, ctx)
}

pub fn presentation_form(ctx: &PlanCtx, p: &Presentation) -> Form {
    let title = if p.meta.is_new() { T::NewPresentation } else { T::EditPresentation };
    presentation_binds().form(title, p, ctx)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use kam_rules::{BuyingRole, Labeled, Lang};

    use super::*;
    use crate::model::{Meta, PlanStatus};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).expect("date")
    }

    /// A contact of the account, to be chosen as a participant.
    fn ctx(lang: Lang) -> (PlanCtx, Id) {
        let contact = Contact { name: "曾志伟".into(), title: "采购总监".into(), ..Contact::default() };
        let id = contact.meta.id.clone();
        (PlanCtx { lang, today: day(1), contacts: vec![contact] }, id)
    }

    #[test]
    fn every_call_plan_field_goes_through_its_form() {
        for lang in [Lang::Zh, Lang::En] {
            let (ctx, contact) = ctx(lang);
            let full = CallPlan {
                meta: Meta { version: 2, ..Meta::default() },
                account_id: Id::new(),
                opportunity: "年度框架协议".into(),
                account_executive: "李总".into(),
                phone: "021-1".into(),
                location: "客户总部".into(),
                assistant: "小陈".into(),
                call_date: Some(day(12)),
                call_time: NaiveTime::from_hms_opt(9, 30, 0),
                sales_rep: "王芳".into(),
                manager: "张经理".into(),
                objective: "确认预算\n约定下次".into(),
                expected_result: "拿到采购时间表".into(),
                customer_participants: vec![
                    CustomerParticipant {
                        contact_id: Some(contact.clone()),
                        name: "曾志伟".into(),
                        title: "采购总监".into(),
                        role: Some(BuyingRole::ALL[0]),
                    },
                    CustomerParticipant { contact_id: None, name: "刘工".into(), title: String::new(), role: None },
                ],
                our_participants: vec![OurParticipant {
                    name: "王芳".into(),
                    title: "客户经理".into(),
                    role: "主谈".into(),
                }],
                agenda: "一、介绍".into(),
                obstacles: "竞品低价".into(),
                resources: "样品".into(),
                prep_business_cards: true,
                prep_materials: false,
                prep_evidence: true,
                prep_proposal: true,
                prep_why_answer: false,
                prep_state: true,
                prep_appearance: true,
                prep_notebook: false,
                prep_value_answer: true,
                prep_different_answer: true,
                influence: vec![Influence {
                    view: "价格".into(),
                    how: "总成本".into(),
                    business_value: "省钱".into(),
                    political_value: "业绩".into(),
                }],
                introduction: vec![IntroQuestion {
                    need: "稳定".into(),
                    why: "停线".into(),
                    question: "多久一次?".into(),
                }],
                what_happened: "谈妥".into(),
                commitments: vec![
                    Commitment { who: "王芳".into(), what: "报价".into(), by: Some(day(15)), done: true },
                    Commitment { who: "李总".into(), what: "内部审批".into(), by: None, done: false },
                ],
                supporter_assessment: "支持".into(),
                manager_assessment: "可以".into(),
                status: PlanStatus::Done,
            };
            let blank =
                CallPlan { meta: full.meta.clone(), account_id: full.account_id.clone(), ..CallPlan::default() };
            let form = call_form(&ctx, &full);
            let mut back = blank;
            call_binds().apply(&form, &mut back, &ctx);
            assert_eq!(back, full, "{lang:?}");
        }
    }

    #[test]
    fn every_presentation_field_goes_through_its_form() {
        let (ctx, contact) = ctx(Lang::Zh);
        let full = Presentation {
            meta: Meta { version: 1, ..Meta::default() },
            account_id: Id::new(),
            opportunity: "新产品线".into(),
            date: Some(day(20)),
            sales_rep: "王芳".into(),
            objective: "让技术部认可".into(),
            agenda: "演示\n答疑".into(),
            participants: vec![PresentationParticipant {
                contact_id: Some(contact),
                name_title: "曾志伟 采购总监".into(),
                buying_role: Some(BuyingRole::ALL[1]),
                business_arguments: "降本".into(),
                political_arguments: "立功".into(),
            }],
            steps: vec![ActionStep {
                step: "寄资料".into(), owner: "王芳".into(), due: Some(day(21)), done: true
            }],
        };
        let blank =
            Presentation { meta: full.meta.clone(), account_id: full.account_id.clone(), ..Presentation::default() };
        let form = presentation_form(&ctx, &full);
        let mut back = blank;
        presentation_binds().apply(&form, &mut back, &ctx);
        assert_eq!(back, full);
    }
}
