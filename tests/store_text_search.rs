//! The text search (#22) over what was written, on a real file: hits in
//! several kinds of record, a miss, several words, and nothing from the trash.

mod common;

use chrono::NaiveDate;
use kam::model::{Account, ArchiveCategory, ArchiveEntry, CallPlan, ChangeEvent, Contact, Feedback, VipCard, Visit};
use kam::store::{Store, TextKind, TEXT_SEARCH_LIMIT};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn kinds(store: &Store, q: &str) -> Vec<(TextKind, &'static str)> {
    let found = store.text_search(q, TEXT_SEARCH_LIMIT).expect("search");
    let mut k: Vec<_> = found.hits.iter().map(|h| (h.kind, h.field)).collect();
    k.sort_by_key(|(k, f)| (format!("{k:?}"), *f));
    k
}

#[test]
fn text_search_finds_what_was_written_and_not_the_trash() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("kam.db"), common::clock()).expect("open");
    let mut a = Account::named("天元电子有限公司");
    a.notes = "老板喜欢喝普洱茶".into();
    a.archive.push(ArchiveEntry {
        category: ArchiveCategory::Complaint,
        date: Some(d("2026-02-01")),
        title: "Boiler complaint".into(),
        content: "Pressure valve leaked twice".into(),
        ..ArchiveEntry::default()
    });
    store.insert(&mut a).expect("account");
    let acc = a.meta.id.clone();
    let mut c = Contact::of(acc.clone(), "曾志伟");
    c.personality = "Plays golf on Sundays, dislikes long meetings".into();
    store.insert(&mut c).expect("contact");
    let mut v = Visit {
        account_id: acc.clone(),
        date: d("2026-05-05"),
        by: "李明".into(),
        purpose: "Quarterly review".into(),
        summary: "They want the new BOILER line before the winter; budget approved".into(),
        next_step: "Send the quote".into(),
        ..Visit::default()
    };
    store.insert(&mut v).expect("visit");
    let mut e = ChangeEvent {
        account_id: acc.clone(),
        date: d("2026-04-01"),
        kind: "management".into(),
        description: "新任采购总监上任".into(),
        follow_up: "安排拜访".into(),
        ..ChangeEvent::default()
    };
    store.insert(&mut e).expect("event");
    let mut f = Feedback {
        account_id: acc.clone(),
        date: d("2026-04-10"),
        content: "Delivery was late again".into(),
        handling: "Apologised, expedited".into(),
        ..Feedback::default()
    };
    store.insert(&mut f).expect("feedback");
    let mut p = CallPlan {
        account_id: acc.clone(),
        call_date: Some(d("2026-06-01")),
        objective: "Close the boiler deal".into(),
        obstacles: "A competitor offers golf days".into(),
        ..CallPlan::default()
    };
    store.insert(&mut p).expect("plan");
    let mut card = VipCard {
        visit_date: d("2026-05-20"),
        received_by: "小张".into(),
        salutation: "王先生".into(),
        traits: "戴金边眼镜,喜欢普洱".into(),
        ..VipCard::default()
    };
    store.insert(&mut card).expect("vip");

    // One word, any case, in several kinds of record.
    assert_eq!(
        kinds(&store, "boiler"),
        vec![(TextKind::Archive, "title"), (TextKind::CallPlan, "objective"), (TextKind::Visit, "summary")]
    );
    let found = store.text_search("boiler", TEXT_SEARCH_LIMIT).expect("search");
    assert_eq!(found.hits[0].kind, TextKind::CallPlan, "newest first");
    assert_eq!(found.hits[0].label, "天元电子有限公司");
    assert!(!found.more);
    let visit = found.hits.iter().find(|h| h.kind == TextKind::Visit).expect("visit");
    assert_eq!(
        (visit.id.clone(), visit.account.clone(), visit.date),
        (v.meta.id.clone(), Some(acc.clone()), Some(d("2026-05-05")))
    );
    let archive = found.hits.iter().find(|h| h.kind == TextKind::Archive).expect("archive");
    assert_eq!((archive.id.clone(), archive.pos), (acc.clone(), Some(0)));

    // Chinese: a run is a substring, in account notes and a VIP card.
    assert_eq!(kinds(&store, "普洱"), vec![(TextKind::Account, "notes"), (TextKind::Vip, "traits")]);
    let vip = store.text_search("普洱", TEXT_SEARCH_LIMIT).expect("search");
    assert!(vip.hits.iter().any(|h| h.kind == TextKind::Vip && h.label == "王先生" && h.id == card.meta.id));
    assert_eq!(kinds(&store, "采购总监"), vec![(TextKind::Event, "description")]);
    assert_eq!(kinds(&store, "expedited"), vec![(TextKind::Feedback, "handling")]);
    assert_eq!(kinds(&store, "GOLF"), vec![(TextKind::CallPlan, "obstacles"), (TextKind::Contact, "personality")]);

    // Several words: all in the same record, in any of its fields; the
    // field shown is the one holding the most of them.
    assert_eq!(kinds(&store, "boiler quote"), vec![(TextKind::Visit, "summary")]);
    assert_eq!(kinds(&store, "quote winter budget"), vec![(TextKind::Visit, "summary")]);
    assert_eq!(kinds(&store, "boiler golf"), vec![(TextKind::CallPlan, "objective")]);
    assert!(kinds(&store, "boiler 普洱").is_empty(), "words in different records");

    // A miss, and LIKE's wildcards are plain characters.
    assert!(kinds(&store, "turbine").is_empty());
    assert!(kinds(&store, "%").is_empty());
    assert!(kinds(&store, "_").is_empty());
    assert!(kinds(&store, "   ").is_empty());

    // The trash is never searched: a deleted visit, and every record of a
    // deleted account.
    store.delete::<Visit>(&v.meta.id, "wrong account").expect("delete visit");
    assert_eq!(kinds(&store, "boiler"), vec![(TextKind::Archive, "title"), (TextKind::CallPlan, "objective")]);
    assert!(kinds(&store, "quote").is_empty());
    store.delete::<Account>(&acc, "closed").expect("delete account");
    assert!(kinds(&store, "boiler").is_empty());
    assert_eq!(kinds(&store, "普洱"), vec![(TextKind::Vip, "traits")]);

    // The limit: the rest is counted as more.
    for i in 0..5 {
        let mut n = Account::named(format!("客户{i}"));
        n.notes = "steam".into();
        store.insert(&mut n).expect("account");
    }
    let few = store.text_search("steam", 3).expect("search");
    assert_eq!((few.hits.len(), few.more), (3, true));
    let all = store.text_search("steam", 5).expect("search");
    assert_eq!((all.hits.len(), all.more), (5, false));
}
