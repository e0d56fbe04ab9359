//! The store on real files: accounts, contacts and the account list.

mod common;

use chrono::NaiveDate;
use kam::model::{
    Account, ArchiveCategory, ArchiveEntry, Contact, ObservedBehaviour, Order, Responsibility, Score, Visit, VisitKind,
};
use kam::store::{AccountListQuery, Store};
use kam_rules::{Behaviour, BuyingRole, Money, Rules, SocialStyle, Tier};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("kam.db"), common::clock()).expect("open")
}

fn full_account() -> Account {
    Account {
        name: "上海华联商贸有限公司".into(),
        short_name: "华联".into(),
        industry: "零售".into(),
        region: "华东".into(),
        address: "上海市黄浦区南京东路 1 号".into(),
        phone: "021-6234 5678".into(),
        website: "https://hualian.example.cn".into(),
        company_size: "500人".into(),
        registered_capital: Some(Money::from_yuan(50_000_000)),
        listed: true,
        owner: "王芳".into(),
        tier_override: Some(Tier::Gold),
        tier_override_reason: "战略客户".into(),
        notes: "年底集中采购".into(),
        scores: vec![
            Score { criterion: "market_leader".into(), score: 9 },
            Score { criterion: "brand_value".into(), score: 7 },
        ],
        credit_limit: Some(Money::from_yuan(200_000)),
        payment_terms: "月结30天".into(),
        archive: vec![
            ArchiveEntry {
                category: ArchiveCategory::Contract,
                date: Some(d("2026-03-01")),
                title: "年度框架协议".into(),
                content: "2026 年度供货".into(),
                amount: Some(Money::from_yuan(1_200_000)),
                approval: "李经理".into(),
                reason: String::new(),
                responsibility: String::new(),
            },
            ArchiveEntry {
                category: ArchiveCategory::Complaint,
                date: Some(d("2026-05-02")),
                title: "折价".into(),
                content: "包装破损".into(),
                amount: Some(Money::from_fen(123_45)),
                approval: "张总".into(),
                reason: "运输".into(),
                responsibility: "物流部".into(),
            },
        ],
        ..Account::default()
    }
}

#[test]
fn account_and_contact_round_trip_every_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = open(&dir);
    store.set_user("王芳");
    let mut a = full_account();
    store.insert(&mut a).expect("insert");
    assert_eq!(a.meta.version, 1);
    assert_eq!(a.meta.updated_by, "王芳");
    let back: Account = store.get(&a.meta.id).expect("get");
    assert_eq!(back, a);

    let mut boss = Contact::of(a.meta.id.clone(), "单田芳");
    store.insert(&mut boss).expect("boss");
    let mut c = Contact {
        company: "上海华联".into(),
        title: "采购总监".into(),
        phone: "138 0013 8000".into(),
        fax: "021-1234".into(),
        email: "zeng@example.cn".into(),
        education: "硕士".into(),
        birth_date: Some(d("1975-02-28")),
        address: "上海".into(),
        spouse: "李女士".into(),
        secretary: "小周".into(),
        employer: "华联".into(),
        reports_to: Some(boss.meta.id.clone()),
        background: "曾任职家乐福".into(),
        personality: "高尔夫".into(),
        social_style: Some(SocialStyle::Analytical),
        recent: "推动供应商整合".into(),
        responsibilities: vec![Responsibility { text: "采购".into() }, Responsibility { text: "供应商管理".into() }],
        criteria_technical: "质量稳定".into(),
        criteria_business: "账期".into(),
        buying_role: Some(BuyingRole::DecisionMaker),
        personal_agenda: "升职".into(),
        political_strategy: "请高层拜访".into(),
        behaviours: vec![ObservedBehaviour { behaviour: Behaviour::GivesInformation, observed_on: d("2026-04-01") }],
        consent: true,
        consent_date: Some(d("2026-01-05")),
        ..Contact::of(a.meta.id.clone(), "曾志伟")
    };
    store.insert(&mut c).expect("contact");
    let back: Contact = store.get(&c.meta.id).expect("get");
    assert_eq!(back, c);
    assert_eq!(store.contacts_of(&a.meta.id).expect("list").len(), 2);
    let found = store.find_contacts("zzw", 10).expect("find");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "曾志伟");
    assert_eq!(store.find_contacts("stf", 10).expect("find")[0].name, "单田芳");
    assert_eq!(store.find_contacts("0013", 10).expect("find")[0].name, "曾志伟");
}

#[test]
fn the_account_list_filters_and_pages() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = open(&dir);
    let names = ["张三贸易有限公司", "曾氏集团", "单田芳评书社", "北京华联超市", "上海华联商贸有限公司"];
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let mut a = Account { phone: format!("1380000000{i}"), owner: "王芳".into(), ..Account::named(*n) };
        store.insert(&mut a).expect("insert");
        ids.push(a.meta.id);
    }
    let today = d("2026-11-23");
    let rules = Rules::default();
    let page = |filter: &str| {
        let q = AccountListQuery { filter: filter.into(), ..AccountListQuery::first(today) };
        store.account_page(&rules, &q).expect("page").rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
    };
    assert_eq!(page("zs"), ["曾氏集团", "张三贸易有限公司"]); // 曾氏 is zengshi too
    assert_eq!(page("zsmy"), ["张三贸易有限公司"]);
    assert_eq!(page("zsjt"), ["曾氏集团"]);
    assert_eq!(page("zengshi"), ["曾氏集团"]);
    assert_eq!(page("stfps"), ["单田芳评书社"]);
    assert_eq!(page("华联"), ["北京华联超市", "上海华联商贸有限公司"]);
    assert_eq!(page("华联商贸"), ["上海华联商贸有限公司"]);
    assert_eq!(page("00003"), ["北京华联超市"]);
    assert_eq!(page("").len(), 5);

    // Keyset paging: two rows at a time visits everyone once, in order.
    let mut q = AccountListQuery { limit: 2, ..AccountListQuery::first(today) };
    let mut seen = Vec::new();
    loop {
        let p = store.account_page(&rules, &q).expect("page");
        seen.extend(p.rows.iter().map(|r| r.name.clone()));
        match p.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, page(""));
    assert_eq!(seen.len(), 5);
}

#[test]
fn the_list_derives_tier_downgrade_and_cadence_from_the_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = open(&dir);
    let rules = Rules::default();
    let today = d("2026-11-23");
    let mut a = Account::named("金牌客户");
    store.insert(&mut a).expect("insert");
    // 2,000,000 yuan in the window: gold; one order outside the window.
    for (date, yuan) in [("2026-01-10", 1_500_000), ("2026-11-23", 500_000), ("2025-11-23", 9_000_000)] {
        let mut o = Order {
            account_id: a.meta.id.clone(),
            date: d(date),
            amount: Money::from_yuan(yuan),
            net_amount: Money::from_yuan(yuan),
            due_date: Some(d(date)),
            ..Order::default()
        };
        o.collections.push(kam::model::Collection { date: d(date), amount: Money::from_yuan(yuan) });
        store.insert(&mut o).expect("order");
    }
    let row = || store.account_page(&rules, &AccountListQuery::first(today)).expect("page").rows.remove(0);
    let r = row();
    assert_eq!(r.annual, Money::from_yuan(2_000_000));
    assert_eq!((r.tier.tier, r.tier.downgraded), (Tier::Gold, false));
    assert!(!r.cadence.is_overdue(), "counted from the opening day, which is not before today");
}

#[test]
fn overdue_receivables_downgrade_and_visits_drive_cadence() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = open(&dir);
    let rules = Rules::default();
    // The account is opened now; look at it 60 days later.
    let opened = store.clock().today();
    let today = opened + chrono::Duration::days(60);
    let mut a = Account::named("逾期客户");
    store.insert(&mut a).expect("insert");
    let mut o = Order {
        account_id: a.meta.id.clone(),
        date: opened,
        amount: Money::from_yuan(1_500_000),
        net_amount: Money::from_yuan(1_500_000),
        due_date: Some(opened - chrono::Duration::days(0)),
        payment: kam_rules::Payment::Credit,
        ..Order::default()
    };
    store.insert(&mut o).expect("order");
    let mut v = Visit {
        account_id: a.meta.id.clone(),
        date: opened + chrono::Duration::days(20),
        kind: VisitKind::Visit,
        by: "王芳".into(),
        by_manager: true,
        ..Visit::default()
    };
    store.insert(&mut v).expect("visit");
    let mut call = Visit {
        account_id: a.meta.id.clone(),
        date: opened + chrono::Duration::days(55),
        kind: VisitKind::Phone,
        by: "王芳".into(),
        ..Visit::default()
    };
    store.insert(&mut call).expect("call");
    let row = store.account_page(&rules, &AccountListQuery::first(today)).expect("page").rows.remove(0);
    assert_eq!(row.overdue_days, 60);
    assert!(!row.receivable_overdue);
    assert_eq!((row.tier.tier, row.tier.downgraded), (Tier::Gold, false));
    assert_eq!(row.last_visit, Some(opened + chrono::Duration::days(20)));
    assert_eq!(row.last_manager_visit, Some(opened + chrono::Duration::days(20)));
    assert_eq!(row.last_contact, Some(opened + chrono::Duration::days(55)));
    assert_eq!(row.cadence.visit_overdue_by, Some(10));
    assert_eq!(row.cadence.contact_overdue_by, None);

    let later = AccountListQuery::first(opened + chrono::Duration::days(91));
    let row = store.account_page(&rules, &later).expect("page").rows.remove(0);
    assert_eq!(row.overdue_days, 91);
    assert!(row.receivable_overdue);
    assert_eq!((row.tier.tier, row.tier.downgraded), (Tier::Silver, true));
}
