//! VIP card queries on a real file: the list filter, "my cards", and what
//! the store learns from its cards.

mod common;

use chrono::NaiveDate;
use kam::model::{FabItem, Handover, Objection, VipCard, VipStatus};
use kam::store::{FabUse, ObjectionCount, Store, VipQuery};
use kam_rules::ObjectionType;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn card(salutation: &str, phone: &str, date: &str) -> VipCard {
    VipCard {
        store: "西湖店".into(),
        received_by: "李娜".into(),
        visit_date: d(date),
        salutation: salutation.into(),
        phone: phone.into(),
        ..VipCard::default()
    }
}

fn q(filter: &str) -> VipQuery {
    VipQuery { filter: filter.into(), holder: None, limit: 100 }
}

fn names(cards: &[VipCard]) -> Vec<&str> {
    cards.iter().map(|c| c.salutation.as_str()).collect()
}

#[test]
fn list_filters_and_holders() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let mut wang = card("王女士", "138-0013-5678", "2026-11-20");
    wang.vehicle = "宝马X5".into();
    wang.industry = "金融".into();
    store.save(&mut wang, "").expect("save");
    let mut chen = card("陈先生", "13912341234", "2026-11-22");
    chen.accessories = "劳力士手表".into();
    chen.handovers =
        vec![Handover {
            from: "李娜".into(), to: "张伟".into(), date: d("2026-11-23"), note: "他周末来".into()
        }];
    store.save(&mut chen, "").expect("save");

    assert_eq!(names(&store.vip_cards(&q("")).expect("all")), ["陈先生", "王女士"], "newest first");
    assert_eq!(names(&store.vip_cards(&q("5678")).expect("digits")), ["王女士"]);
    assert!(store.vip_cards(&q("0013")).expect("middle").is_empty(), "only the last digits match");
    assert_eq!(names(&store.vip_cards(&q("wns")).expect("initials")), ["王女士"]);
    assert_eq!(names(&store.vip_cards(&q("chenxian")).expect("full")), ["陈先生"]);
    assert_eq!(names(&store.vip_cards(&q("宝马")).expect("vehicle")), ["王女士"]);
    assert_eq!(names(&store.vip_cards(&q("x5")).expect("latin vehicle")), ["王女士"]);
    assert_eq!(names(&store.vip_cards(&q("劳力士")).expect("accessories")), ["陈先生"]);
    assert_eq!(names(&store.vip_cards(&q("金融")).expect("industry")), ["王女士"]);
    assert!(store.vip_cards(&q("100%")).expect("escaped").is_empty());

    let mine = |who: &str| VipQuery { holder: Some(who.into()), ..q("") };
    assert_eq!(names(&store.vip_cards(&mine("李娜")).expect("mine")), ["王女士"], "handed over: no longer hers");
    assert_eq!(names(&store.vip_cards(&mine("张伟")).expect("his")), ["陈先生"]);
}

#[test]
fn learning_from_cards() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let fab = |item: &str, fab: &str| FabItem { item: item.into(), image_path: String::new(), fab: fab.into() };
    let obj = |k: ObjectionType| Objection { kind: Some(k), text: "太贵".into() };
    let mut a = card("王女士", "13800135678", "2026-11-20");
    a.status = VipStatus::Vip;
    a.recommended = vec![fab("钻戒", "GIA证书, 保值")];
    a.objections = vec![obj(ObjectionType::Price), obj(ObjectionType::Hidden)];
    store.save(&mut a, "").expect("save");
    let mut b = card("陈先生", "13912341234", "2026-11-21");
    b.status = VipStatus::Vip;
    b.re_recommended = vec![fab("钻戒", "GIA证书, 保值")];
    b.objections = vec![obj(ObjectionType::Price)];
    store.save(&mut b, "").expect("save");
    let mut c = card("李先生", "13700001111", "2026-11-22");
    c.store = "湖滨店".into();
    c.recommended = vec![fab("手镯", "足金")];
    c.objections = vec![obj(ObjectionType::Price), Objection { kind: None, text: "再看看".into() }];
    store.save(&mut c, "").expect("save");

    let counts = store.vip_objection_counts(Some("西湖店")).expect("counts");
    assert_eq!(
        counts,
        [
            ObjectionCount { kind: Some(ObjectionType::Price), count: 2 },
            ObjectionCount { kind: Some(ObjectionType::Hidden), count: 1 }
        ]
    );
    let all = store.vip_objection_counts(None).expect("all");
    assert_eq!(all[0], ObjectionCount { kind: Some(ObjectionType::Price), count: 3 });
    assert!(all.contains(&ObjectionCount { kind: None, count: 1 }));
    let fabs = store.vip_fab_lines(None, 10).expect("fab");
    assert_eq!(fabs, [FabUse { item: "钻戒".into(), fab: "GIA证书, 保值".into(), cards: 2 }], "only VIP cards");
}

#[test]
fn the_list_finds_ids_in_order_and_reads_lines_for_any_slice() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    for i in 0..150u32 {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("day") + chrono::Days::new(u64::from(i));
        let mut c = card(&format!("客人{i:03}"), &format!("1380000{i:04}"), &day.to_string());
        c.vehicle = if i % 2 == 0 { "BMW X5".into() } else { "Tesla".into() };
        if i == 149 {
            c.handovers = vec![Handover { from: "李娜".into(), to: "张伟".into(), date: day, note: String::new() }];
        }
        store.save(&mut c, "").expect("save");
    }
    let all = store.vip_find(&VipQuery { limit: 1000, ..q("") }).expect("find");
    assert_eq!(all.len(), 150);
    let limited = store.vip_find(&q("")).expect("find");
    assert_eq!(limited.len(), 100, "at most the limit");
    // The newest first; a slice of lines comes back in the order asked.
    let rows = store.vip_rows(&all[..3]).expect("rows");
    let shown: Vec<(&str, &str)> = rows.iter().map(|(c, h)| (c.salutation.as_str(), h.as_str())).collect();
    assert_eq!(shown, [("客人149", "张伟"), ("客人148", "李娜"), ("客人147", "李娜")]);
    assert!(rows[0].0.handovers.is_empty(), "list lines carry no child rows");
    let tail = store.vip_rows(&all[140..]).expect("rows");
    assert_eq!(tail.last().map(|(c, _)| c.salutation.as_str()), Some("客人000"));
    // Text is matched without regard to case, across the searched columns only.
    assert_eq!(store.vip_find(&VipQuery { limit: 1000, ..q("bmw") }).expect("find").len(), 75);
    assert_eq!(store.vip_find(&VipQuery { limit: 1000, ..q("BMW x5") }).expect("find").len(), 75);
    assert!(store.vip_find(&q("x5客")).expect("find").is_empty(), "no match across two columns");
    // A card deleted is not read.
    let gone: VipCard = store.get(&all[1]).expect("card");
    store.delete::<VipCard>(&gone.meta.id, "test").expect("delete");
    let left: Vec<String> =
        store.vip_rows(&all[..3]).expect("rows").iter().map(|(c, _)| c.salutation.clone()).collect();
    assert_eq!(left, ["客人149", "客人147"], "a card deleted meanwhile leaves the list");
}

/// A card made into an account (issue #20): the visitor's own mobile goes
/// to the contact, whose phone exports mask, never into the account's
/// company phone, which exports send as is.
#[test]
fn a_card_made_into_an_account_keeps_the_mobile_on_the_contact() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let mut c = card("王女士", "138-0013-5678", "2026-11-20");
    c.industry = "房地产".into();
    c.position = "总监".into();
    let mut a = c.new_account("王芳".into(), "来客卡".into());
    let mut p = c.new_contact(a.meta.id.clone());
    store.insert(&mut a).expect("account");
    store.insert(&mut p).expect("contact");
    let a: kam::model::Account = store.get(&a.meta.id).expect("account");
    assert_eq!((a.name.as_str(), a.phone.as_str(), a.industry.as_str()), ("王女士", "", "房地产"));
    let p: kam::model::Contact = store.get(&p.meta.id).expect("contact");
    assert_eq!((p.phone.as_str(), p.title.as_str()), ("138-0013-5678", "总监"));
}
