//! VIP card queries on a real file: the list filter, "my cards", and what
//! the store learns from its cards.

mod common;

use chrono::NaiveDate;
use kam::model::Resolution;
use kam::model::{FabItem, Handover, Objection, VipCard, VipStatus};
use kam::store::{FabUse, ObjectionCount, ResolutionUse, Store, VipCardCounts, VipQuery, VipScope};
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
    for mixed in ["wnsh", "wangns", "wnshi", "wangnvsh"] {
        assert_eq!(names(&store.vip_cards(&q(mixed)).expect("mixed")), ["王女士"], "{mixed}");
    }
    assert_eq!(names(&store.vip_cards(&q("chxsh")).expect("mixed")), ["陈先生"]);
    assert!(store.vip_cards(&q("wnx")).expect("no such reading").is_empty());
    let limited = VipQuery { limit: 1, ..q("sh") };
    assert_eq!(store.vip_cards(&limited).expect("limit").len(), 1, "the limit holds for letters too");
    assert_eq!(names(&store.vip_cards(&q("宝马")).expect("vehicle")), ["王女士"]);
    assert_eq!(names(&store.vip_cards(&q("x5")).expect("latin vehicle")), ["王女士"]);
    assert_eq!(names(&store.vip_cards(&q("劳力士")).expect("accessories")), ["陈先生"]);
    assert_eq!(names(&store.vip_cards(&q("金融")).expect("industry")), ["王女士"]);
    assert!(store.vip_cards(&q("100%")).expect("escaped").is_empty());

    let mine = |who: &str| VipQuery { holder: Some(who.into()), ..q("") };
    assert_eq!(names(&store.vip_cards(&mine("李娜")).expect("mine")), ["王女士"], "handed over: no longer hers");
    assert_eq!(names(&store.vip_cards(&mine("张伟")).expect("his")), ["陈先生"]);
    assert_eq!(
        names(&store.vip_cards(&VipQuery { holder: Some("张伟".into()), ..q("chxs") }).expect("his")),
        ["陈先生"]
    );
    assert!(store.vip_cards(&VipQuery { holder: Some("张伟".into()), ..q("wnsh") }).expect("not his").is_empty());
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

    let west = VipScope { store: Some("西湖店"), advisor: None };
    let counts = store.vip_objection_counts(west).expect("counts");
    assert_eq!(
        counts,
        [
            ObjectionCount { kind: Some(ObjectionType::Price), count: 2, resolved: 0 },
            ObjectionCount { kind: Some(ObjectionType::Hidden), count: 1, resolved: 0 }
        ]
    );
    let all = store.vip_objection_counts(VipScope::default()).expect("all");
    assert_eq!(all[0], ObjectionCount { kind: Some(ObjectionType::Price), count: 3, resolved: 0 });
    assert!(all.contains(&ObjectionCount { kind: None, count: 1, resolved: 0 }));
    let fabs = store.vip_fab_lines(VipScope::default(), 10).expect("fab");
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

/// Two advisors' cards in one store, and one of another store: each
/// advisor's figures as counted by hand.
#[test]
fn learning_per_advisor() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("kam.db");
    let mut store = Store::open(&path, common::clock()).expect("open");
    let fab = |item: &str, fab: &str| FabItem { item: item.into(), image_path: String::new(), fab: fab.into() };
    let obj = |k: ObjectionType, t: &str| Objection { kind: Some(k), text: t.into() };
    let res = |t: &str| Resolution { text: t.into() };
    let by = |who: &str, salutation: &str, phone: &str, date: &str| {
        let mut c = card(salutation, phone, date);
        c.received_by = who.into();
        c
    };
    // 李娜: three cards.
    //   1 VIP: price (resolved: 送保养), hidden (resolved: 约家人同来); FAB 钻戒.
    //   2 prospect: price (unresolved), capability (resolved: 免费改圈); FAB 手镯.
    //   3 prospect: no objection, no FAB (an item without a FAB line).
    let mut l1 = by("李娜", "王女士", "13800000001", "2026-11-01");
    l1.status = VipStatus::Vip;
    l1.recommended = vec![fab("钻戒", "GIA证书, 保值")];
    l1.objections = vec![obj(ObjectionType::Price, "贵"), obj(ObjectionType::Hidden, "要商量")];
    l1.resolutions = vec![res("送保养"), res("约家人同来")];
    let mut l2 = by("李娜", "陈先生", "13800000002", "2026-11-02");
    l2.recommended = vec![fab("手镯", "足金")];
    l2.objections = vec![obj(ObjectionType::Price, "贵"), obj(ObjectionType::Capability, "尺寸")];
    l2.resolutions = vec![Resolution::default(), res("免费改圈")];
    let mut l3 = by("李娜", "赵女士", "13800000003", "2026-11-03");
    l3.recommended = vec![fab("项链", "")];
    // 王芳: two cards.
    //   1 VIP: price (unresolved: the resolution row is blank), real (resolved: 送保养); FAB re-recommended 钻戒.
    //   2 VIP: price (resolved: 送保养); FAB 钻戒 again.
    let mut w1 = by("王芳", "孙女士", "13800000004", "2026-11-04");
    w1.status = VipStatus::Vip;
    w1.re_recommended = vec![fab("钻戒", "GIA证书, 保值")];
    w1.objections = vec![obj(ObjectionType::Price, "贵"), obj(ObjectionType::Real, "预算")];
    w1.resolutions = vec![res(""), res("送保养")];
    let mut w2 = by("王芳", "周先生", "13800000005", "2026-11-05");
    w2.status = VipStatus::Vip;
    w2.recommended = vec![fab("钻戒", "GIA证书, 保值")];
    w2.objections = vec![obj(ObjectionType::Price, "贵")];
    w2.resolutions = vec![res("送保养")];
    // 王芳 at another store: counted only for every store.
    let mut other = by("王芳", "吴先生", "13800000006", "2026-11-06");
    other.store = "湖滨店".into();
    other.objections = vec![obj(ObjectionType::False, "随便看看")];
    // A deleted card of 李娜 is not counted.
    let mut gone = by("李娜", "郑先生", "13800000007", "2026-11-07");
    gone.objections = vec![obj(ObjectionType::Price, "贵")];
    for c in [&mut l1, &mut l2, &mut l3, &mut w1, &mut w2, &mut other, &mut gone] {
        store.save(c, "").expect("save");
    }
    store.delete::<VipCard>(&gone.meta.id, "duplicate").expect("delete");
    drop(store);
    // Read back from the file.
    let store = Store::open(&path, common::clock()).expect("reopen");

    assert_eq!(
        store.vip_advisors(Some("西湖店")).expect("advisors"),
        [("李娜".to_string(), 3), ("王芳".to_string(), 2)],
        "most cards first"
    );
    assert_eq!(store.vip_advisors(None).expect("all").len(), 2);

    let li = VipScope { store: Some("西湖店"), advisor: Some("李娜") };
    assert_eq!(store.vip_card_counts(li).expect("counts"), VipCardCounts { cards: 3, vips: 1, with_fab: 2 });
    assert_eq!(
        store.vip_objection_counts(li).expect("objections"),
        [
            ObjectionCount { kind: Some(ObjectionType::Price), count: 2, resolved: 1 },
            ObjectionCount { kind: Some(ObjectionType::Capability), count: 1, resolved: 1 },
            ObjectionCount { kind: Some(ObjectionType::Hidden), count: 1, resolved: 1 },
        ]
    );
    assert_eq!(
        store.vip_resolutions_that_worked(li, 10).expect("resolutions"),
        [
            ResolutionUse { kind: Some(ObjectionType::Hidden), text: "约家人同来".into(), cards: 1 },
            ResolutionUse { kind: Some(ObjectionType::Price), text: "送保养".into(), cards: 1 },
        ],
        "ties by the stored type; 免费改圈 resolved an objection but the visitor did not become a VIP"
    );
    assert_eq!(
        store.vip_fab_lines(li, 10).expect("fab"),
        [FabUse { item: "钻戒".into(), fab: "GIA证书, 保值".into(), cards: 1 }]
    );

    let wang = VipScope { store: Some("西湖店"), advisor: Some("王芳") };
    assert_eq!(store.vip_card_counts(wang).expect("counts"), VipCardCounts { cards: 2, vips: 2, with_fab: 2 });
    assert_eq!(
        store.vip_objection_counts(wang).expect("objections"),
        [
            ObjectionCount { kind: Some(ObjectionType::Price), count: 2, resolved: 1 },
            ObjectionCount { kind: Some(ObjectionType::Real), count: 1, resolved: 1 },
        ]
    );
    assert_eq!(
        store.vip_resolutions_that_worked(wang, 10).expect("resolutions"),
        [
            ResolutionUse { kind: Some(ObjectionType::Price), text: "送保养".into(), cards: 1 },
            ResolutionUse { kind: Some(ObjectionType::Real), text: "送保养".into(), cards: 1 },
        ]
    );
    assert_eq!(
        store.vip_fab_lines(wang, 10).expect("fab"),
        [FabUse { item: "钻戒".into(), fab: "GIA证书, 保值".into(), cards: 2 }]
    );

    // The whole store adds the two up.
    let west = VipScope { store: Some("西湖店"), advisor: None };
    assert_eq!(store.vip_card_counts(west).expect("counts"), VipCardCounts { cards: 5, vips: 3, with_fab: 4 });
    let objections = store.vip_objection_counts(west).expect("objections");
    assert_eq!(objections[0], ObjectionCount { kind: Some(ObjectionType::Price), count: 4, resolved: 2 });
    assert_eq!(objections.iter().map(|o| o.count).sum::<u32>(), 7);
    assert_eq!(objections.iter().map(|o| o.resolved).sum::<u32>(), 5);
    let every = VipScope { store: None, advisor: Some("王芳") };
    assert_eq!(store.vip_card_counts(every).expect("counts").cards, 3, "her card at 湖滨店 too");
}
