//! Every record kind round-trips through a real file with every field and
//! every repeated row.

mod common;

use chrono::{NaiveDate, NaiveTime};
use kam::model::{
    Account, ActionStep, CallPlan, ChangeEvent, Collection, Commitment, Contact, CustomerParticipant, FabItem,
    Feedback, Handover, Influence, IntroQuestion, Objection, Order, OurParticipant, PlanStatus, Presentation,
    PresentationParticipant, Resolution, Target, VipCard, VipStatus, Visit, VisitContact, VisitKind,
};
use kam::store::{Record, Store};
use kam_rules::{BuyingRole, Money, ObjectionType, Payment, Rate};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn round_trip<R: Record + PartialEq + std::fmt::Debug>(store: &mut Store, mut r: R) -> R {
    store.insert(&mut r).expect("insert");
    let back: R = store.get(&r.meta().id).expect("get");
    assert_eq!(back, r);
    back
}

#[test]
fn every_record_kind_round_trips_with_every_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("天元电子有限公司");
    store.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), "曾志伟");
    store.insert(&mut c).expect("contact");
    let acc = a.meta.id.clone();

    round_trip(
        &mut store,
        Order {
            account_id: acc.clone(),
            date: d("2026-03-01"),
            amount: Money::from_yuan(60_000),
            payment: Payment::Credit,
            promotion: true,
            discount_rate: Some(Rate::from_bp(9500)),
            net_amount: Money::from_yuan(57_000),
            due_date: Some(d("2026-04-01")),
            collections: vec![
                Collection { date: d("2026-04-01"), amount: Money::from_fen(30_000_00) },
                Collection { date: d("2026-04-20"), amount: Money::from_fen(27_000_00) },
            ],
            ..Order::default()
        },
    );
    round_trip(
        &mut store,
        Visit {
            account_id: acc.clone(),
            contacts: vec![VisitContact { contact_id: c.meta.id.clone() }],
            date: d("2026-05-05"),
            kind: VisitKind::Meeting,
            by: "李经理".into(),
            by_manager: true,
            purpose: "年度洽谈".into(),
            summary: "同意续约".into(),
            next_step: "发合同".into(),
            next_date: Some(d("2026-05-12")),
            ..Visit::default()
        },
    );
    round_trip(
        &mut store,
        ChangeEvent {
            account_id: acc.clone(),
            date: d("2026-06-01"),
            kind: "人事变动".into(),
            description: "采购总监离职".into(),
            follow_up: "拜访新任总监".into(),
            ..ChangeEvent::default()
        },
    );
    round_trip(
        &mut store,
        Feedback {
            account_id: acc.clone(),
            date: d("2026-06-02"),
            from_whom: "曾志伟".into(),
            satisfaction: Some(2),
            complaint: true,
            content: "送货晚了".into(),
            handling: "道歉并补偿".into(),
            closed: true,
            ..Feedback::default()
        },
    );
    round_trip(
        &mut store,
        CallPlan {
            account_id: acc.clone(),
            opportunity: "集采".into(),
            account_executive: "周总".into(),
            phone: "13800138000".into(),
            location: "会议室".into(),
            assistant: "小陈".into(),
            call_date: Some(d("2026-07-01")),
            call_time: NaiveTime::from_hms_opt(14, 30, 0),
            sales_rep: "王芳".into(),
            manager: "李经理".into(),
            objective: "确认时间表".into(),
            expected_result: "获邀投标".into(),
            customer_participants: vec![
                CustomerParticipant {
                    contact_id: Some(c.meta.id.clone()),
                    name: "曾志伟".into(),
                    title: "总监".into(),
                    role: Some(BuyingRole::Approver),
                },
                CustomerParticipant {
                    contact_id: None, name: "单田芳".into(), title: "工程师".into(), role: None
                },
            ],
            our_participants: vec![OurParticipant {
                name: "王芳".into(),
                title: "客户经理".into(),
                role: "主讲".into(),
            }],
            agenda: "议程".into(),
            obstacles: "对手低价".into(),
            resources: "案例".into(),
            prep_business_cards: true,
            prep_materials: false,
            prep_evidence: true,
            prep_proposal: false,
            prep_why_answer: true,
            prep_notebook: true,
            prep_different_answer: true,
            influence: vec![Influence {
                view: "价格高".into(),
                how: "总成本".into(),
                business_value: "降本".into(),
                political_value: "晋升".into(),
            }],
            introduction: vec![IntroQuestion {
                need: "预算".into(), why: "报价".into(), question: "预算多少?".into()
            }],
            what_happened: "确认投标".into(),
            commitments: vec![Commitment {
                who: "王芳".into(),
                what: "方案".into(),
                by: Some(d("2026-07-10")),
                done: false,
            }],
            supporter_assessment: "乐观".into(),
            manager_assessment: "跟进技术部".into(),
            status: PlanStatus::Done,
            ..CallPlan::default()
        },
    );
    round_trip(
        &mut store,
        Presentation {
            account_id: acc.clone(),
            opportunity: "自动化".into(),
            date: Some(d("2026-08-01")),
            sales_rep: "王芳".into(),
            objective: "认可回报".into(),
            agenda: "方案".into(),
            participants: vec![PresentationParticipant {
                contact_id: Some(c.meta.id.clone()),
                name_title: "曾志伟 总监".into(),
                buying_role: Some(BuyingRole::DecisionMaker),
                business_arguments: "两年回收".into(),
                political_arguments: "晋升".into(),
            }],
            steps: vec![
                ActionStep {
                    step: "确认人员".into(), owner: "王芳".into(), due: Some(d("2026-07-20")), done: true
                },
                ActionStep { step: "彩排".into(), owner: "王芳".into(), due: None, done: false },
            ],
            ..Presentation::default()
        },
    );
    let fab = |i: &str| FabItem {
        item: i.into(), image_path: format!("photos/{i}.jpg"), fab: "特征·优势·利益".into()
    };
    round_trip(
        &mut store,
        VipCard {
            store: "上海南京西路店".into(),
            received_by: "李娜".into(),
            visit_date: d("2026-09-09"),
            visit_time: NaiveTime::from_hms_opt(15, 5, 0),
            photo_path: "photos/v1.jpg".into(),
            salutation: "单女士".into(),
            age: "30-40".into(),
            industry: "金融".into(),
            position: "总监".into(),
            vehicle: "奥迪 A6".into(),
            phone: "139 0000 1111".into(),
            accessories: "卡地亚手镯".into(),
            style: "简约".into(),
            usage: "纪念日".into(),
            price_range: "3-5万".into(),
            material: "铂金".into(),
            traits: "在意切工".into(),
            recommended: vec![fab("钻戒"), fab("吊坠"), fab("耳钉")],
            objections: vec![
                Objection { kind: Some(ObjectionType::Price), text: "贵".into() },
                Objection { kind: Some(ObjectionType::Hidden), text: "再看看".into() },
            ],
            reception_summary: "满意".into(),
            team_suggestions: "推荐对戒".into(),
            re_recommended: vec![fab("对戒")],
            resolutions: vec![Resolution { text: "讲证书".into() }],
            status: VipStatus::Vip,
            account_id: Some(acc.clone()),
            handovers: vec![Handover {
                from: "李娜".into(),
                to: "王芳".into(),
                date: d("2026-09-10"),
                note: "休假".into(),
            }],
            consent: true,
            consent_date: Some(d("2026-09-09")),
            ..VipCard::default()
        },
    );
    round_trip(
        &mut store,
        Target {
            rep: "王芳".into(),
            period: "2026-11".into(),
            planned_sales: Some(Money::from_yuan(1_000_000)),
            planned_collection: Some(Money::from_yuan(900_000)),
            expense_budget: Some(Money::from_yuan(30_000)),
            expense_actual: Some(Money::from_fen(2_812_345)),
            ability: Some(88),
            attitude: Some(95),
            scored_by: "张经理".into(),
            scored_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            ..Target::default()
        },
    );
    assert_eq!(store.list_for_account::<Order>(&acc).expect("orders").len(), 1);
    assert_eq!(store.list::<VipCard>(10, 0).expect("cards").len(), 1);
}

#[test]
fn invalid_records_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("  ");
    let e = store.insert(&mut a).unwrap_err();
    assert!(e.to_string().contains("name: required"), "{e}");
    let mut plan = CallPlan { status: PlanStatus::Done, ..CallPlan::default() };
    let e = store.insert(&mut plan).unwrap_err();
    assert!(e.to_string().contains("what_happened"), "{e}");
}

#[test]
fn records_saved_together_land_together_or_not_at_all() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("一起保存有限公司");
    let mut c = Contact::of(a.meta.id.clone(), "王先生");
    // A visit with no account id: refused, so the account and contact are not written either.
    let mut bad = Visit { date: d("2026-11-23"), ..Visit::default() };
    let err = store.save_all(&mut [&mut a, &mut c, &mut bad], "").unwrap_err();
    assert!(err.to_string().contains("visit"), "{err}");
    assert!(store.get::<Account>(&a.meta.id).is_err(), "nothing written");
    assert_eq!((a.meta.version, c.meta.version), (0, 0), "metas untouched on failure");
    let mut v = Visit { account_id: a.meta.id.clone(), date: d("2026-11-23"), by: "王芳".into(), ..Visit::default() };
    store.save_all(&mut [&mut a, &mut c, &mut v], "").expect("all three");
    assert_eq!((a.meta.version, c.meta.version, v.meta.version), (1, 1, 1));
    assert_eq!(store.get::<Contact>(&c.meta.id).expect("contact").account_id, a.meta.id);
}
