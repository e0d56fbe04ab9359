//! The head office's hub on PostgreSQL (issue #23), with three clients and
//! one hub in a throwaway cluster: edits to different fields and to the
//! same field of one account, a retried push, a push cut off halfway, a
//! laptop whose clock is a year ahead, and a rep the database itself keeps
//! out of another rep's account; share lists and territories (and a rep
//! refused by the database when writing them), a rep's archive edits and
//! account deletions waiting for a manager's decision, and a hub of the
//! first schema migrated. Under CI these fail, never skip, when PostgreSQL
//! is missing (see tests/common/pg.rs).

mod common;

use std::path::Path;

use chrono::Duration;
use common::pg::Pg;
use kam::commands::sync::{sync, SyncReport};
use kam::exchange::import::{import_sheet, ImportOptions, SheetKind};
use kam::model::{Account, ArchiveCategory, ArchiveEntry, Contact, VipCard};
use kam::store::{Applied, HeldAtHub, Hub, HubError, HubRole, RecordKind, Refusal, RequestKind, RequestState, Store};

fn store(dir: &Path, name: &str, user: &str) -> Store {
    let mut s = Store::open(&dir.join(name), common::clock()).expect("open");
    s.set_user(user);
    s
}

fn later(s: &mut Store, by: Duration) {
    let mut c = s.clock();
    c.advance(by);
    s.set_clock(c);
}

/// A hub with its schema and three users: 王伟 and 李娜 (reps) and 赵经理 (manager).
struct Setup {
    pg: Pg,
    wang: String,
    li: String,
    boss: String,
}

fn setup() -> Option<Setup> {
    let pg = Pg::start()?;
    let admin = pg.admin_url();
    let mut hub = Hub::connect(&admin).expect("admin connects");
    let (found, _) = hub.init().expect("init");
    assert_eq!(found, 0);
    let (again, _) = hub.init().expect("init again");
    assert_eq!(again, kam::store::HUB_SCHEMA_VERSION, "a second init finds the schema and changes nothing");
    let wang = hub.add_user(&admin, "王伟", HubRole::Rep, None).expect("rep").url;
    let li = hub.add_user(&admin, "李娜", HubRole::Rep, None).expect("rep").url;
    let boss = hub.add_user(&admin, "赵经理", HubRole::Manager, None).expect("manager").url;
    Some(Setup { pg, wang, li, boss })
}

fn run_sync(s: &mut Store, url: &str) -> SyncReport {
    sync(s, url, &mut |_| Ok(())).expect("sync")
}

/// A manager approves every request waiting; returns how many.
fn approve_all(manager: &str) -> usize {
    let mut hub = Hub::connect(manager).expect("manager");
    let waiting = hub.requests(false).expect("requests");
    for r in &waiting {
        hub.approve(uuid::Uuid::parse_str(&r.id).expect("uuid")).expect("approve");
    }
    waiting.len()
}

/// `s`'s account `id` changed by `change` once its clock has moved on by `after`.
fn edit_account(s: &mut Store, id: &kam::model::Id, after: Duration, change: impl FnOnce(&mut Account)) {
    later(s, after);
    let mut a: Account = s.get(id).expect("get");
    change(&mut a);
    s.update(&mut a, "").expect("edit");
}

/// Whether the push of a sync had `id` refused for want of access.
fn refused(r: &SyncReport, id: &kam::model::Id) -> bool {
    r.pushed.iter().any(|p| p.id == id.to_string() && p.applied == Applied::Refused(Refusal::NoAccess))
}

fn account(s: &mut Store, name: &str, owner: &str) -> Account {
    let mut a = Account { name: name.into(), owner: owner.into(), ..Account::default() };
    s.insert(&mut a).expect("account");
    a
}

#[test]
fn three_clients_merge_field_by_field_and_list_a_conflict() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut wang2 = store(tmp.path(), "wang-laptop2.db", "王伟");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");

    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let mut c = Contact::of(a.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!(r.pushed.len(), 2);
    assert!(r.pushed.iter().all(|p| p.applied == Applied::Inserted), "{:?}", r.pushed);
    for s in [&mut wang2, &mut boss] {
        let r = run_sync(s, if s.user() == "王伟" { &t.wang } else { &t.boss });
        assert_eq!((r.pulled, r.inserted), (2, 2));
        assert_eq!(s.get::<Contact>(&c.meta.id).expect("pulled contact").name, "陈静");
    }

    // Different fields: the phone on one laptop, the notes at head office.
    later(&mut wang, Duration::minutes(1));
    let mut x: Account = wang.get(&a.meta.id).expect("get");
    x.phone = "021-5555 0101".into();
    wang.update(&mut x, "").expect("phone");
    later(&mut boss, Duration::minutes(2));
    let mut y: Account = boss.get(&a.meta.id).expect("get");
    y.notes = "年底前续约".into();
    boss.update(&mut y, "").expect("notes");
    run_sync(&mut wang, &t.wang);
    run_sync(&mut boss, &t.boss);
    run_sync(&mut wang, &t.wang);
    run_sync(&mut wang2, &t.wang);
    for s in [&wang, &wang2, &boss] {
        let got: Account = s.get(&a.meta.id).expect("get");
        assert_eq!((got.phone.as_str(), got.notes.as_str()), ("021-5555 0101", "年底前续约"), "{}", s.user());
    }

    // The same field on two laptops: the later change wins everywhere and
    // the laptop whose change lost is told, as a day-end merge tells it.
    later(&mut wang, Duration::minutes(3));
    let mut x: Account = wang.get(&a.meta.id).expect("get");
    x.address = "上海市南京西路 1 号".into();
    wang.update(&mut x, "").expect("address");
    later(&mut wang2, Duration::minutes(10));
    let mut z: Account = wang2.get(&a.meta.id).expect("get");
    z.address = "上海市淮海中路 99 号".into();
    wang2.update(&mut z, "").expect("address 2");
    let r1 = run_sync(&mut wang, &t.wang);
    let r2 = run_sync(&mut wang2, &t.wang);
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!(r.conflicts.len(), 1, "{:?}\n{r1:?}\n{r2:?}\n{r:?}", r.conflicts);
    let conflict = &r.conflicts[0];
    assert_eq!((conflict.field.as_str(), conflict.took_theirs), ("address", true));
    assert_eq!(conflict.ours, "上海市南京西路 1 号");
    assert_eq!(conflict.theirs, "上海市淮海中路 99 号");
    run_sync(&mut boss, &t.boss);
    for s in [&wang, &wang2, &boss] {
        let got: Account = s.get(&a.meta.id).expect("get");
        assert_eq!(got.address, "上海市淮海中路 99 号", "{}", s.user());
    }
    // Nothing pulled is pushed back: a sync with no local change pushes nothing.
    let quiet = run_sync(&mut boss, &t.boss);
    assert!(quiet.pushed.is_empty(), "{:?}", quiet.pushed);
    drop(t.pg);
}

#[test]
fn a_delete_against_an_edit_goes_by_which_came_later() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let b = account(&mut wang, "华联超市", "王伟");
    let mut c = Contact::of(a.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    run_sync(&mut wang, &t.wang);
    run_sync(&mut boss, &t.boss);

    // An edit at head office, then the rep deletes the account (without
    // having seen the edit): the deletion is later and wins everywhere,
    // the account's contact with it.
    later(&mut boss, Duration::minutes(1));
    let mut y: Account = boss.get(&a.meta.id).expect("get");
    y.notes = "年底前续约".into();
    boss.update(&mut y, "").expect("edit");
    run_sync(&mut boss, &t.boss);
    later(&mut wang, Duration::minutes(2));
    wang.delete::<Account>(&a.meta.id, "客户已注销").expect("delete");
    run_sync(&mut wang, &t.wang);
    assert!(wang.get::<Account>(&a.meta.id).is_err(), "the rep's own deletion stays");
    // A rep's deletion of an account waits for a manager's approval.
    assert_eq!(approve_all(&t.boss), 1);
    run_sync(&mut boss, &t.boss);
    assert!(boss.get::<Account>(&a.meta.id).is_err(), "deleted at head office too");
    assert!(boss.get::<Contact>(&c.meta.id).is_err(), "with its contact");
    assert!(boss.trash().expect("trash").iter().any(|e| e.id == a.meta.id), "in the trash, not gone");

    // The rep deletes the other account; head office, not having seen
    // that, changes it later: the later edit brings it back everywhere.
    later(&mut wang, Duration::minutes(1));
    wang.delete::<Account>(&b.meta.id, "重复").expect("delete");
    run_sync(&mut wang, &t.wang);
    later(&mut boss, Duration::minutes(10));
    let mut z: Account = boss.get(&b.meta.id).expect("boss has not pulled the deletion yet");
    z.phone = "021-6666 0202".into();
    boss.update(&mut z, "").expect("edit after the deletion");
    run_sync(&mut boss, &t.boss);
    // Approved after that edit, the deletion is applied as a push would
    // apply it: the later edit still wins.
    assert_eq!(approve_all(&t.boss), 1);
    run_sync(&mut boss, &t.boss);
    assert_eq!(boss.get::<Account>(&b.meta.id).expect("live at head office").phone, "021-6666 0202");
    run_sync(&mut wang, &t.wang);
    assert_eq!(wang.get::<Account>(&b.meta.id).expect("back on the rep's laptop").phone, "021-6666 0202");
    let quiet = run_sync(&mut wang, &t.wang);
    assert!(quiet.pushed.is_empty(), "{:?}", quiet.pushed);
}

#[test]
fn a_retried_push_applies_once() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let mut hub = Hub::connect(&t.wang).expect("connect");
    wang.begin_sync(&hub.id().expect("id").to_string()).expect("begin");
    assert_eq!(wang.stage_changes().expect("stage"), 1);
    let ops: Vec<_> = wang.outbox(10).expect("outbox").into_iter().map(|(_, op)| op).collect();
    // The answer to the first push is lost; the client sends the same operations again.
    assert_eq!(hub.push(&ops, &mut |_| Ok(())).expect("push"), vec![Applied::Inserted]);
    assert_eq!(hub.push(&ops, &mut |_| Ok(())).expect("retry"), vec![Applied::Already]);
    assert_eq!(hub.operation_count().expect("count"), 1);
    // The queue still holds the operation: the next sync sends it again, and the hub knows it.
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!(r.pushed.iter().map(|p| p.applied.clone()).collect::<Vec<_>>(), vec![Applied::Already]);
    assert_eq!(wang.sync_state().expect("state").waiting, 0);
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let r = run_sync(&mut boss, &t.boss);
    assert_eq!(r.inserted, 1);
    assert_eq!(boss.get::<Account>(&a.meta.id).expect("one account").meta.version, 1, "applied once: version 1");
}

#[test]
fn a_push_cut_off_halfway_leaves_nothing_half_applied() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    for i in 0..6 {
        account(&mut wang, &format!("公司{i}"), "王伟");
    }
    // The server ends the connection after the third operation (a laptop
    // that loses the network mid-push): the transaction never commits.
    let mut admin = Hub::connect(&t.pg.admin_url()).expect("admin");
    let err = sync(&mut wang, &t.wang, &mut |i| {
        if i == 2 {
            assert_eq!(admin.end_sessions_of("王伟").expect("terminate"), 1);
        }
        Ok(())
    })
    .expect_err("the push is cut off");
    assert!(matches!(err, kam::commands::sync::SyncError::Hub(HubError::Unreachable { .. })), "{err:?}");
    let mut boss_hub = Hub::connect(&t.boss).expect("boss");
    assert!(boss_hub.visible_ids(RecordKind::Account).expect("read").is_empty(), "nothing of the batch committed");
    assert_eq!(wang.sync_state().expect("state").waiting, 6, "the queue is kept");
    // The next sync sends all of it.
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!(r.pushed.len(), 6);
    assert_eq!(boss_hub.visible_ids(RecordKind::Account).expect("read").len(), 6);
}

#[test]
fn a_clock_a_year_ahead_does_not_win_for_ever() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    run_sync(&mut wang, &t.wang);
    run_sync(&mut boss, &t.boss);
    // The rep's laptop believes it is a year later.
    later(&mut wang, Duration::days(365));
    let mut x: Account = wang.get(&a.meta.id).expect("get");
    x.payment_terms = "月结 90 天".into();
    wang.update(&mut x, "").expect("ahead");
    run_sync(&mut wang, &t.wang);
    run_sync(&mut boss, &t.boss);
    // Head office changes it after seeing the rep's change: its clock is
    // behind, but the hybrid clock stamps the change after the one it saw.
    later(&mut boss, Duration::minutes(5));
    let mut y: Account = boss.get(&a.meta.id).expect("get");
    assert_eq!(y.payment_terms, "月结 90 天");
    y.payment_terms = "月结 30 天".into();
    boss.update(&mut y, "").expect("manager's change");
    run_sync(&mut boss, &t.boss);
    let r = run_sync(&mut wang, &t.wang);
    assert!(r.conflicts.is_empty(), "a change made on top of the other is no conflict: {:?}", r.conflicts);
    assert_eq!(wang.get::<Account>(&a.meta.id).expect("get").payment_terms, "月结 30 天");
}

#[test]
fn a_rep_cannot_read_or_write_another_reps_account_by_the_database() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut li = store(tmp.path(), "li.db", "李娜");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let mut c = Contact::of(a.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    run_sync(&mut wang, &t.wang);
    account(&mut li, "华联超市", "李娜");
    let r = run_sync(&mut li, &t.li);
    assert_eq!((r.pulled, r.inserted), (1, 0), "李娜 pulls back only her own account");
    assert!(li.get::<Account>(&a.meta.id).is_err());

    // Asked directly with her own role, the database shows nothing of his.
    let mut hub = Hub::connect(&t.li).expect("li");
    let visible = hub.visible_ids(RecordKind::Account).expect("read");
    assert_eq!(visible.len(), 1);
    assert!(!visible.contains(&a.meta.id.to_string()));
    assert!(hub.visible_ids(RecordKind::Contact).expect("read").is_empty());
    assert_eq!(hub.field(a.meta.id.as_str(), "name").expect("read"), None);
    // A write to it touches nothing: the row is not there for her.
    assert_eq!(hub.set_field(a.meta.id.as_str(), "name", &serde_json::json!("x")).expect("update"), 0);
    // A push of his account from her laptop (a copy that reached her) is refused by the database.
    let mut copy = store(tmp.path(), "copy.db", "李娜");
    run_sync(&mut copy, &t.wang);
    let mut stolen: Account = copy.get(&a.meta.id).expect("his account, through his login");
    later(&mut copy, Duration::minutes(1));
    stolen.notes = "李娜改的".into();
    copy.update(&mut stolen, "").expect("local edit");
    let r = run_sync(&mut copy, &t.li);
    assert!(
        r.pushed
            .iter()
            .any(|p| p.id == a.meta.id.to_string() && matches!(p.applied, Applied::Refused(Refusal::NoAccess))),
        "{:?}",
        r.pushed
    );
    let mut his = Hub::connect(&t.wang).expect("wang");
    assert_eq!(his.field(a.meta.id.as_str(), "notes").expect("read"), Some(serde_json::json!("")));
    // A login with a wrong password is refused.
    let wrong = t.pg.url("kam_nobody", "wrong");
    assert!(matches!(Hub::connect(&wrong), Err(HubError::Login { .. })));
}

#[test]
fn a_shared_account_reaches_the_colleague_until_it_is_unshared() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut li = store(tmp.path(), "li.db", "李娜");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let mut c = Contact::of(a.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    run_sync(&mut wang, &t.wang);
    account(&mut li, "华联超市", "李娜");
    run_sync(&mut li, &t.li);
    assert!(li.get::<Account>(&a.meta.id).is_err(), "not shared yet");
    let id = uuid::Uuid::parse_str(a.meta.id.as_str()).expect("uuid");

    // A rep cannot share, not even his own account: the database refuses.
    let mut as_wang = Hub::connect(&t.wang).expect("wang");
    let err = as_wang.share(id, "李娜").expect_err("a rep may not share");
    assert!(matches!(err, HubError::Denied { .. }), "{err:?}");
    let mut as_li = Hub::connect(&t.li).expect("li");
    assert!(matches!(as_li.share(id, "李娜"), Err(HubError::Denied { .. })));

    // The manager shares it; wrong names are told by name.
    let mut as_boss = Hub::connect(&t.boss).expect("boss");
    let err = as_boss.share(id, "无名氏").expect_err("unknown user");
    assert!(matches!(&err, HubError::NoSuchUser { name, .. } if name == "无名氏"), "{err:?}");
    let nowhere = uuid::Uuid::new_v4();
    let err = as_boss.share(nowhere, "李娜").expect_err("unknown account");
    assert!(matches!(&err, HubError::NoSuchAccount { id, kind: None, .. } if *id == nowhere.to_string()), "{err:?}");
    let contact = uuid::Uuid::parse_str(c.meta.id.as_str()).expect("uuid");
    let err = as_boss.share(contact, "李娜").expect_err("a contact is no account");
    assert!(matches!(&err, HubError::NoSuchAccount { kind: Some(k), .. } if k == "contact"), "{err:?}");
    let err = as_boss.share(id, "赵经理").expect_err("a manager sees everything already");
    assert!(matches!(&err, HubError::NotARep { name, .. } if name == "赵经理"), "{err:?}");
    assert!(as_boss.shares(None).expect("list").is_empty(), "nothing of the refused shares stayed");
    assert!(as_boss.share(id, "李娜").expect("share"), "shared");
    assert!(!as_boss.share(id, "李娜").expect("again"), "already shared");
    let list = as_boss.shares(Some(id)).expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].account.as_str(), list[0].user.as_str(), list[0].shared_by.as_str()),
        ("恒信贸易有限公司", "李娜", "赵经理")
    );
    assert_eq!(as_wang.shares(None).expect("the owner sees who shares his account").len(), 1);
    assert_eq!(as_li.shares(None).expect("she sees what is shared with her").len(), 1);

    // Her next sync pulls the account and its contact; her edit reaches the owner.
    let r = run_sync(&mut li, &t.li);
    assert_eq!(r.inserted, 2, "{r:?}");
    assert_eq!(li.get::<Contact>(&c.meta.id).expect("the contact").name, "陈静");
    later(&mut li, Duration::minutes(1));
    let mut x: Account = li.get(&a.meta.id).expect("shared account");
    x.phone = "021-5555 0101".into();
    li.update(&mut x, "").expect("edit");
    let r = run_sync(&mut li, &t.li);
    assert!(r.pushed.iter().any(|p| p.id == a.meta.id.to_string() && p.applied == Applied::Updated), "{:?}", r.pushed);
    run_sync(&mut wang, &t.wang);
    assert_eq!(wang.get::<Account>(&a.meta.id).expect("get").phone, "021-5555 0101");

    // Unshared: the database no longer lets her read or write it.
    as_boss.unshare(id, "李娜").expect("unshare");
    let err = as_boss.unshare(id, "李娜").expect_err("not shared any more");
    assert!(matches!(&err, HubError::NoSuchShare { name, .. } if name == "李娜"), "{err:?}");
    assert!(matches!(as_wang.unshare(id, "李娜"), Err(HubError::Denied { .. })), "a rep cannot unshare either");
    assert!(!as_li.visible_ids(RecordKind::Account).expect("read").contains(&a.meta.id.to_string()));
    assert!(as_li.visible_ids(RecordKind::Contact).expect("read").is_empty());
    assert_eq!(as_li.field(a.meta.id.as_str(), "name").expect("read"), None);
    assert_eq!(as_li.set_field(a.meta.id.as_str(), "notes", &serde_json::json!("x")).expect("update"), 0);
    later(&mut li, Duration::minutes(1));
    let mut x: Account = li.get(&a.meta.id).expect("her copy");
    x.notes = "李娜改的".into();
    li.update(&mut x, "").expect("local edit");
    let r = run_sync(&mut li, &t.li);
    assert!(
        r.pushed
            .iter()
            .any(|p| p.id == a.meta.id.to_string() && matches!(p.applied, Applied::Refused(Refusal::NoAccess))),
        "{:?}",
        r.pushed
    );
    assert_eq!(as_wang.field(a.meta.id.as_str(), "notes").expect("read"), Some(serde_json::json!("")));
    // And the copy leaves her file, with its contact and its history;
    // what remains is that 王伟 holds the company.
    assert_eq!(r.forgotten, 1, "{r:?}");
    assert!(li.get::<Account>(&a.meta.id).is_err());
    assert!(li.get::<Contact>(&c.meta.id).is_err());
    assert!(li.history(&a.meta.id).expect("history").is_empty(), "nothing of it in her change log");
    assert_eq!(li.sync_waiting().expect("waiting"), 0, "nothing of it left to push");
    assert_eq!(li.held_at_hub("恒信贸易", "").expect("index"), vec![held("王伟", true, false)]);
    assert_eq!(run_sync(&mut li, &t.li).forgotten, 0);
    // An account she types for a colleague is refused by the hub, and
    // stays in her file: it was never the hub's to take away.
    let typed = account(&mut li, "新锐科技有限公司", "王伟");
    let r = run_sync(&mut li, &t.li);
    assert!(refused(&r, &typed.meta.id), "{:?}", r.pushed);
    assert_eq!(r.forgotten, 0);
    assert_eq!(run_sync(&mut li, &t.li).forgotten, 0);
    assert!(li.get::<Account>(&typed.meta.id).is_ok(), "what she typed is kept");
    // His own file keeps it, of course.
    assert_eq!(run_sync(&mut wang, &t.wang).forgotten, 0);
    assert!(wang.get::<Account>(&a.meta.id).is_ok());
}

#[test]
fn a_territory_reaches_the_accounts_of_its_region_until_it_is_taken_away() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut li = store(tmp.path(), "li.db", "李娜");
    let mut east =
        Account {
            name: "恒信贸易有限公司".into(), owner: "王伟".into(), region: "华东".into(), ..Account::default()
        };
    wang.insert(&mut east).expect("account");
    let mut c = Contact::of(east.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    let mut north =
        Account { name: "华联超市".into(), owner: "王伟".into(), region: "华北".into(), ..Account::default() };
    wang.insert(&mut north).expect("account");
    run_sync(&mut wang, &t.wang);
    run_sync(&mut li, &t.li);
    assert!(li.get::<Account>(&east.meta.id).is_err());

    let mut as_li = Hub::connect(&t.li).expect("li");
    assert!(
        matches!(as_li.add_territory("李娜", "华东"), Err(HubError::Denied { .. })),
        "a rep cannot give herself one"
    );
    let mut as_boss = Hub::connect(&t.boss).expect("boss");
    assert!(matches!(as_boss.add_territory("无名氏", "华东"), Err(HubError::NoSuchUser { .. })));
    assert!(matches!(as_boss.add_territory("赵经理", "华东"), Err(HubError::NotARep { .. })));
    assert!(as_boss.add_territory("李娜", "华东").expect("territory"));
    assert!(!as_boss.add_territory("李娜", "华东").expect("again"));
    assert_eq!(as_li.territories("李娜").expect("hers").len(), 1);

    // Her next sync pulls the region's account with its contact, not the other region's.
    let r = run_sync(&mut li, &t.li);
    assert_eq!(r.inserted, 2, "{r:?}");
    assert!(li.get::<Contact>(&c.meta.id).is_ok());
    assert!(li.get::<Account>(&north.meta.id).is_err());
    later(&mut li, Duration::minutes(1));
    let mut x: Account = li.get(&east.meta.id).expect("get");
    x.phone = "021-5555 0101".into();
    li.update(&mut x, "").expect("edit");
    run_sync(&mut li, &t.li);
    run_sync(&mut wang, &t.wang);
    assert_eq!(wang.get::<Account>(&east.meta.id).expect("get").phone, "021-5555 0101");

    as_boss.remove_territory("李娜", "华东").expect("take it away");
    assert!(matches!(as_boss.remove_territory("李娜", "华东"), Err(HubError::NoSuchTerritory { .. })));
    assert!(as_li.visible_ids(RecordKind::Account).expect("read").is_empty());
    assert!(as_li.visible_ids(RecordKind::Contact).expect("read").is_empty());
    assert_eq!(as_li.set_field(east.meta.id.as_str(), "notes", &serde_json::json!("x")).expect("update"), 0);
}

#[test]
fn a_hub_made_by_the_first_schema_migrates() {
    let Some(pg) = Pg::start() else { return };
    let admin = pg.admin_url();
    let mut hub = Hub::connect(&admin).expect("admin");
    assert_eq!(hub.init_up_to(1).expect("version 1").0, 0);
    let wang = hub.add_user(&admin, "王伟", HubRole::Rep, None).expect("rep").url;
    let li = hub.add_user(&admin, "李娜", HubRole::Rep, None).expect("rep").url;
    let boss = hub.add_user(&admin, "赵经理", HubRole::Manager, None).expect("manager").url;
    let tmp = tempfile::tempdir().expect("tmp");
    let mut w = store(tmp.path(), "wang.db", "王伟");
    let a = account(&mut w, "恒信贸易有限公司", "王伟");
    let err = sync(&mut w, &wang, &mut |_| Ok(())).expect_err("an old hub is told, not used");
    assert!(matches!(err, kam::commands::sync::SyncError::Hub(HubError::TooOld { found: 1, .. })), "{err:?}");
    let (found, _) = hub.init().expect("migrate");
    assert_eq!(found, 1);
    assert_eq!(hub.init().expect("again").0, kam::store::HUB_SCHEMA_VERSION);
    run_sync(&mut w, &wang);
    // The manager added before the migration may share.
    let id = uuid::Uuid::parse_str(a.meta.id.as_str()).expect("uuid");
    assert!(Hub::connect(&boss).expect("boss").share(id, "李娜").expect("share"));
    let mut l = store(tmp.path(), "li.db", "李娜");
    let r = run_sync(&mut l, &li);
    assert_eq!(r.inserted, 1);
    assert!(l.get::<Account>(&a.meta.id).is_ok());
}

#[test]
fn a_reps_archive_edit_and_deletion_wait_for_a_managers_decision() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut laptop2 = store(tmp.path(), "wang-laptop2.db", "王伟");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let b = account(&mut wang, "华联超市", "王伟");
    let mut c = Contact::of(b.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    run_sync(&mut wang, &t.wang);
    run_sync(&mut laptop2, &t.wang);
    run_sync(&mut boss, &t.boss);

    // The rep adds a contract to one account's archive, edits its phone,
    // and deletes the other account (its contact goes with it).
    later(&mut wang, Duration::minutes(1));
    let mut x: Account = wang.get(&a.meta.id).expect("get");
    x.archive.push(ArchiveEntry {
        category: ArchiveCategory::Contract,
        title: "2027 年框架合同".into(),
        ..ArchiveEntry::default()
    });
    x.phone = "021-5555 0101".into();
    wang.update(&mut x, "").expect("archive edit");
    wang.delete::<Account>(&b.meta.id, "客户已注销").expect("delete");
    let r = run_sync(&mut wang, &t.wang);
    let applied = |id: &kam::model::Id| r.pushed.iter().find(|p| p.id == id.to_string()).map(|p| p.applied.clone());
    assert_eq!(applied(&a.meta.id), Some(Applied::Pending), "{:?}", r.pushed);
    assert_eq!(applied(&b.meta.id), Some(Applied::Pending), "{:?}", r.pushed);
    assert_eq!(applied(&c.meta.id), Some(Applied::Pending), "the contact waits with its account: {:?}", r.pushed);
    assert_eq!(r.awaiting, 2);
    assert!(wang.get::<Account>(&b.meta.id).is_err(), "the rep's own deletion stays in his file");

    // Nobody else sees either change; the phone, not held, goes through.
    for (s, url) in [(&mut boss, &t.boss), (&mut laptop2, &t.wang)] {
        run_sync(s, url);
        let got: Account = s.get(&a.meta.id).expect("get");
        assert_eq!((got.archive.len(), got.phone.as_str()), (0, "021-5555 0101"), "{}", s.user());
        assert!(s.get::<Account>(&b.meta.id).is_ok(), "not deleted yet for {}", s.user());
        assert!(s.get::<Contact>(&c.meta.id).is_ok(), "nor its contact for {}", s.user());
    }

    // The rep sees his requests; only a manager may decide, by the database.
    let mut as_wang = Hub::connect(&t.wang).expect("wang");
    let mine = as_wang.requests(false).expect("his requests");
    assert_eq!(mine.len(), 2);
    let archive = mine.iter().find(|q| q.what == RequestKind::Archive).expect("the archive edit").clone();
    let deletion = mine.iter().find(|q| q.what == RequestKind::Delete).expect("the deletion").clone();
    assert_eq!((deletion.account.as_str(), deletion.reason.as_str()), ("华联超市", "客户已注销"));
    assert_eq!(deletion.requested_by, "王伟");
    let del_id = uuid::Uuid::parse_str(&deletion.id).expect("uuid");
    let arc_id = uuid::Uuid::parse_str(&archive.id).expect("uuid");
    assert!(matches!(as_wang.approve(del_id), Err(HubError::Denied { .. })), "a rep cannot approve");
    assert!(matches!(as_wang.reject(arc_id, "x"), Err(HubError::Denied { .. })), "nor reject");
    let mut as_li = Hub::connect(&t.li).expect("li");
    assert!(as_li.requests(true).expect("hers").is_empty(), "another rep does not see his requests");

    let mut as_boss = Hub::connect(&t.boss).expect("boss");
    assert_eq!(as_boss.requests(false).expect("all waiting").len(), 2);
    as_boss.approve(del_id).expect("approve the deletion");
    as_boss.reject(arc_id, "合同未盖章").expect("reject the archive edit");
    let err = as_boss.approve(del_id).expect_err("decided already");
    assert!(matches!(&err, HubError::AlreadyDecided { state, .. } if state == "approved"), "{err:?}");
    let nowhere = uuid::Uuid::new_v4();
    let err = as_boss.approve(nowhere).expect_err("unknown");
    assert!(matches!(&err, HubError::NoSuchRequest { id, .. } if *id == nowhere.to_string()), "{err:?}");
    assert!(as_boss.requests(false).expect("none waiting").is_empty());

    // The rep is told once (at the first sync of his login), and his
    // file's archive is the hub's again.
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!(r.awaiting, 0);
    assert_eq!(r.decided.len(), 2, "{:?}", r.decided);
    let rejected = r.decided.iter().find(|d| d.state == RequestState::Rejected).expect("the rejection");
    assert_eq!((rejected.what, rejected.decision.as_str()), (RequestKind::Archive, "合同未盖章"));
    assert_eq!(rejected.decided_by.as_deref(), Some("赵经理"));
    assert_eq!(wang.get::<Account>(&a.meta.id).expect("get").archive.len(), 0, "put back as the hub has it");
    assert_eq!(wang.get::<Account>(&a.meta.id).expect("get").phone, "021-5555 0101");
    // Every client pulls the approved deletion; the rejected edit never applies.
    for (s, url) in [(&mut boss, &t.boss), (&mut laptop2, &t.wang)] {
        let r = run_sync(s, url);
        assert!(r.decided.is_empty(), "told once: {:?}", r.decided);
        assert!(s.get::<Account>(&b.meta.id).is_err(), "deleted for {}", s.user());
        assert!(s.get::<Contact>(&c.meta.id).is_err(), "with its contact for {}", s.user());
        assert_eq!(s.get::<Account>(&a.meta.id).expect("get").archive.len(), 0, "{}", s.user());
    }
    let r = run_sync(&mut wang, &t.wang);
    assert!(r.decided.is_empty() && r.pushed.is_empty(), "{r:?}");
}

/// Every value of the file's copy of the ownership index, read straight
/// from the SQLite file.
fn index_values(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open the file");
    let mut st = conn.prepare("SELECT account_id, name_key, phone_key, owner FROM hub_owners").expect("index");
    let rows = st
        .query_map([], |r| Ok([r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .expect("rows")
        .collect::<Result<Vec<_>, _>>()
        .expect("read");
    rows.into_iter().flatten().collect()
}

fn held(owner: &str, by_name: bool, by_phone: bool) -> HeldAtHub {
    HeldAtHub { owner: owner.into(), by_name, by_phone }
}

#[test]
fn who_holds_a_company_is_known_offline_and_nothing_else_of_it() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut li = store(tmp.path(), "li.db", "李娜");
    assert!(li.held_at_hub("上海华联超市", "021-6255 8899").expect("before any sync").is_empty());
    let mut a = Account {
        name: "上海华联超市有限公司".into(),
        phone: "021-6255 8899".into(),
        owner: "王伟".into(),
        notes: "董事长下月到访".into(),
        ..Account::default()
    };
    wang.insert(&mut a).expect("account");
    run_sync(&mut wang, &t.wang);

    // 李娜 cannot read his account, but after a sync her file knows, with
    // no network, that 王伟 holds that company: by its name written
    // another way, by its phone written another way, by both.
    let r = run_sync(&mut li, &t.li);
    assert!(li.get::<Account>(&a.meta.id).is_err(), "she does not get the account");
    assert_eq!(r.owners, 1);
    let hold = |s: &Store, name: &str, phone: &str| s.held_at_hub(name, phone).expect("ask the index");
    assert_eq!(hold(&li, "上海华联超市", ""), vec![held("王伟", true, false)]);
    assert_eq!(hold(&li, "上海华联超市(中国)有限公司", ""), vec![held("王伟", true, false)]);
    assert_eq!(hold(&li, "华联商厦", "021 62558899"), vec![held("王伟", false, true)]);
    assert_eq!(hold(&li, "上海华联超市股份有限公司", "(021) 6255-8899"), vec![held("王伟", true, true)]);
    assert!(hold(&li, "上海华联", "").is_empty(), "another name is another company");
    assert!(hold(&li, "", "8899").is_empty(), "too few digits match nothing");
    // Nothing of the company is in her file: not its name, phone or notes,
    // only digests and the owner.
    let values = index_values(li.path());
    assert_eq!(values.len(), 4, "{values:?}");
    for v in &values {
        // The account's id and the digests are hex and may hold any four
        // digits by chance (one run in a few hundred held "8899"): the
        // phone's digits are looked for in everything else.
        let opaque = v.len() >= 32 && v.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        for secret in ["华联", "6255", "8899", "董事长"] {
            if opaque && secret.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            assert!(!v.contains(secret), "{secret} leaked into the index: {v}");
        }
    }
    assert_eq!(values.iter().filter(|v| v.chars().all(|c| c.is_ascii_hexdigit() || c == '-')).count(), 3, "{values:?}");
    assert!(values.contains(&"王伟".to_string()));
    // A sheet of companies imported offline: the one a colleague holds is
    // skipped and said in her language, the other imported.
    let sheet = tmp.path().join("accounts.csv");
    std::fs::write(&sheet, "客户名称,电话\n上海华联超市股份有限公司,\n恒信贸易有限公司,0571-8888 6666\n")
        .expect("sheet");
    let zh = ImportOptions { lang: kam_rules::Lang::Zh, ..ImportOptions::default() };
    let r = import_sheet(&mut li, &sheet, SheetKind::Accounts, zh, &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.duplicate, r.written), (1, 1, true));
    assert_eq!(r.duplicates[0].row, 2);
    assert_eq!(r.duplicates[0].matched, "上海华联超市股份有限公司: 总部:王伟 已在跟进同名的公司(不在你的档案里,撞单)");
    // His own file holds the account: the index does not warn him of himself.
    run_sync(&mut wang, &t.wang);
    assert!(hold(&wang, "上海华联超市", "").is_empty());

    // A new name at the hub is known at the next sync, the old one forgotten.
    edit_account(&mut wang, &a.meta.id, Duration::minutes(1), |x| x.name = "联华超市有限公司".into());
    run_sync(&mut wang, &t.wang);
    let r = run_sync(&mut li, &t.li);
    assert_eq!(r.owners, 2, "his renamed account and the one she imported");
    assert!(hold(&li, "上海华联超市", "").is_empty());
    assert_eq!(hold(&li, "联华超市", ""), vec![held("王伟", true, false)]);

    // Deleted at the hub (approved), the company is free again.
    later(&mut wang, Duration::minutes(1));
    wang.delete::<Account>(&a.meta.id, "客户已注销").expect("delete");
    run_sync(&mut wang, &t.wang);
    assert_eq!(approve_all(&t.boss), 1);
    run_sync(&mut li, &t.li);
    assert!(hold(&li, "联华超市", "021-6255 8899").is_empty());
}

#[test]
fn only_the_owner_or_a_manager_changes_who_owns_an_account() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut li = store(tmp.path(), "li.db", "李娜");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    run_sync(&mut wang, &t.wang);
    let id = uuid::Uuid::parse_str(a.meta.id.as_str()).expect("uuid");
    assert!(Hub::connect(&t.boss).expect("boss").share(id, "李娜").expect("share"));
    run_sync(&mut li, &t.li);

    // Shared with her, 李娜 edits the account but may not take it over:
    // the database refuses the change of owner.
    edit_account(&mut li, &a.meta.id, Duration::minutes(1), |x| x.owner = "李娜".into());
    let r = run_sync(&mut li, &t.li);
    assert!(refused(&r, &a.meta.id), "{:?}", r.pushed);
    let mut as_wang = Hub::connect(&t.wang).expect("wang");
    assert_eq!(as_wang.field(a.meta.id.as_str(), "owner").expect("read"), Some(serde_json::json!("王伟")));
    // Her own edits of other fields still go through.
    edit_account(&mut li, &a.meta.id, Duration::minutes(1), |x| {
        x.owner = "王伟".into();
        x.notes = "李娜补充".into();
    });
    run_sync(&mut li, &t.li);
    assert_eq!(as_wang.field(a.meta.id.as_str(), "notes").expect("read"), Some(serde_json::json!("李娜补充")));

    // A manager moves it to her; the index follows.
    run_sync(&mut boss, &t.boss);
    edit_account(&mut boss, &a.meta.id, Duration::minutes(5), |y| y.owner = "李娜".into());
    let r = run_sync(&mut boss, &t.boss);
    assert!(r.pushed.iter().all(|p| p.applied == Applied::Updated), "{:?}", r.pushed);
    assert_eq!(as_wang.field(a.meta.id.as_str(), "owner").expect("read"), None, "no longer his to read");
    let mut other = store(tmp.path(), "wang-new-laptop.db", "王伟");
    run_sync(&mut other, &t.wang);
    assert_eq!(other.held_at_hub("恒信贸易", "").expect("index"), vec![held("李娜", true, false)]);
}

#[test]
fn an_account_moved_to_another_rep_reaches_them_with_everything_of_it() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut li = store(tmp.path(), "li.db", "李娜");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let mut c = Contact::of(a.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    let mut b =
        Account { name: "华联超市".into(), owner: "王伟".into(), region: "华南".into(), ..Account::default() };
    wang.insert(&mut b).expect("account");
    let mut d = Contact::of(b.meta.id.clone(), "周强");
    wang.insert(&mut d).expect("contact");
    run_sync(&mut wang, &t.wang);
    assert_eq!(run_sync(&mut li, &t.li).inserted, 0);

    // A manager gives 王伟's account to 李娜: her next sync brings its contact too.
    run_sync(&mut boss, &t.boss);
    edit_account(&mut boss, &a.meta.id, Duration::minutes(1), |x| x.owner = "李娜".into());
    run_sync(&mut boss, &t.boss);
    let r = run_sync(&mut li, &t.li);
    assert_eq!(r.inserted, 2, "{r:?}");
    assert_eq!(li.get::<Contact>(&c.meta.id).expect("the contact with the account").name, "陈静");
    // It leaves 王伟's file at his next sync.
    assert_eq!(run_sync(&mut wang, &t.wang).forgotten, 1);
    assert!(wang.get::<Contact>(&c.meta.id).is_err());

    // 王伟 moves his other account into her territory: the same.
    assert!(Hub::connect(&t.boss).expect("boss").add_territory("李娜", "华东").expect("territory"));
    edit_account(&mut wang, &b.meta.id, Duration::minutes(2), |y| y.region = "华东".into());
    run_sync(&mut wang, &t.wang);
    let r = run_sync(&mut li, &t.li);
    assert_eq!(r.inserted, 2, "{r:?}");
    assert_eq!(li.get::<Contact>(&d.meta.id).expect("the contact with the account").name, "周强");
}

#[test]
fn a_hub_of_schema_4_indexes_the_accounts_it_holds_when_migrated() {
    let Some(pg) = Pg::start() else { return };
    let admin = pg.admin_url();
    let mut hub = Hub::connect(&admin).expect("admin");
    hub.init_up_to(4).expect("version 4");
    let li = hub.add_user(&admin, "李娜", HubRole::Rep, None).expect("rep").url;
    // An account a kam of schema 4 pushed (as its push wrote it: no keys).
    let mut raw = postgres::Client::connect(&admin, postgres::NoTls).expect("raw");
    raw.execute(
        "INSERT INTO kam.records (id, kind, owner, fields, created_at, updated_at, updated_by, version, seq)          VALUES (gen_random_uuid(), 'account', '王伟', $1, now(), now(), '王伟', 1, nextval('kam.change_seq'))",
        &[&serde_json::json!({"name": "恒信贸易有限公司", "phone": "0571-8888 6666", "owner": "王伟"})],
    )
    .expect("a v4 account");
    assert_eq!(hub.init().expect("migrate").0, 4);
    let tmp = tempfile::tempdir().expect("tmp");
    let mut l = store(tmp.path(), "li.db", "李娜");
    let r = run_sync(&mut l, &li);
    assert_eq!((r.pulled, r.owners), (0, 1));
    assert_eq!(l.held_at_hub("", "0571 88886666").expect("index"), vec![held("王伟", false, true)]);
}

#[test]
fn a_rejected_deletion_comes_back_and_a_restore_withdraws_a_waiting_one() {
    let Some(t) = setup() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    let a = account(&mut wang, "恒信贸易有限公司", "王伟");
    let mut c = Contact::of(a.meta.id.clone(), "陈静");
    wang.insert(&mut c).expect("contact");
    let b = account(&mut wang, "华联超市", "王伟");
    run_sync(&mut wang, &t.wang);

    // Rejected: the account and its contact are back in the rep's file.
    later(&mut wang, Duration::minutes(1));
    wang.delete::<Account>(&a.meta.id, "重复建档").expect("delete");
    assert_eq!(run_sync(&mut wang, &t.wang).awaiting, 1);
    let mut as_boss = Hub::connect(&t.boss).expect("boss");
    let req = as_boss.requests(false).expect("waiting").pop().expect("one");
    as_boss.reject(uuid::Uuid::parse_str(&req.id).expect("uuid"), "客户仍在合作").expect("reject");
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!((r.decided.len(), r.restored), (1, 1), "{r:?}");
    assert_eq!(wang.get::<Account>(&a.meta.id).expect("back").name, "恒信贸易有限公司");
    assert_eq!(wang.get::<Contact>(&c.meta.id).expect("with its contact").name, "陈静");
    let r = run_sync(&mut wang, &t.wang);
    assert_eq!((r.awaiting, r.restored), (0, 0), "nothing waits, nothing is restored twice: {r:?}");

    // Restored before a manager decides: the request is withdrawn, and an
    // approval afterwards is refused; the account stays everywhere.
    later(&mut wang, Duration::minutes(1));
    wang.delete::<Account>(&b.meta.id, "客户已注销").expect("delete");
    assert_eq!(run_sync(&mut wang, &t.wang).awaiting, 1);
    later(&mut wang, Duration::minutes(1));
    wang.restore(&b.meta.id).expect("restore");
    let r = run_sync(&mut wang, &t.wang);
    let pushed: Vec<_> = r.pushed.iter().filter(|p| p.id == b.meta.id.to_string()).map(|p| &p.applied).collect();
    assert_eq!(pushed, [&Applied::Withdrawn]);
    assert_eq!(r.awaiting, 0);
    assert!(as_boss.requests(false).expect("waiting").is_empty(), "nothing left for the manager");
    let mine = Hub::connect(&t.wang).expect("wang").requests(true).expect("his");
    let withdrawn = mine.iter().find(|q| q.record_id == b.meta.id.to_string()).expect("the request");
    assert_eq!((withdrawn.state, withdrawn.decided_by.as_deref()), (RequestState::Withdrawn, Some("王伟")));
    let err = as_boss.approve(uuid::Uuid::parse_str(&withdrawn.id).expect("uuid")).expect_err("withdrawn");
    assert!(matches!(&err, HubError::AlreadyDecided { state, .. } if state == "withdrawn"), "{err:?}");
    run_sync(&mut boss, &t.boss);
    assert!(boss.get::<Account>(&b.meta.id).is_ok(), "never deleted at head office");
    // The rep is not told of his own withdrawal as of a manager's decision.
    assert!(run_sync(&mut wang, &t.wang).decided.is_empty());
}

fn card(store: &str, salutation: &str, account: Option<&Account>) -> VipCard {
    VipCard {
        store: store.into(),
        received_by: "店员".into(),
        visit_date: common::today(),
        salutation: salutation.into(),
        account_id: account.map(|a| a.meta.id.clone()),
        ..VipCard::default()
    }
}

#[test]
fn store_staff_reach_their_stores_cards_and_managers_everything() {
    let Some(t) = setup() else { return };
    let admin = t.pg.admin_url();
    let mut hub = Hub::connect(&admin).expect("admin");
    let nanjing = hub.add_user(&admin, "南京路店员", HubRole::Staff, Some("南京西路店")).expect("staff").url;
    let huaihai = hub.add_user(&admin, "淮海路店员", HubRole::Staff, Some("淮海中路店")).expect("staff").url;
    let tmp = tempfile::tempdir().expect("tmp");
    let mut shop = store(tmp.path(), "shop.db", "南京路店员");
    let mut other = store(tmp.path(), "other.db", "淮海路店员");
    let mut wang = store(tmp.path(), "wang.db", "王伟");
    let mut boss = store(tmp.path(), "boss.db", "赵经理");
    // A card of the Nanjing store became 王伟's account: the card keeps the link.
    let a = account(&mut wang, "陈先生的公司", "王伟");
    run_sync(&mut wang, &t.wang);
    let mut linked = card("南京西路店", "陈先生", Some(&a));
    let mut plain = card("南京西路店", "王女士", None);
    shop.insert(&mut plain).expect("card");
    let mut theirs = card("淮海中路店", "李先生", None);
    other.insert(&mut theirs).expect("card");
    run_sync(&mut shop, &nanjing);
    run_sync(&mut other, &huaihai);
    let r = run_sync(&mut boss, &t.boss);
    assert!(r.pulled >= 3, "the manager pulls everything: {r:?}");
    boss.insert(&mut linked).expect("linked card at head office");
    run_sync(&mut boss, &t.boss);

    // The Nanjing store pulls its two cards, the linked one without the account it cannot see.
    let r = run_sync(&mut shop, &nanjing);
    assert!(r.pushed.is_empty(), "{:?}", r.pushed);
    let got: VipCard = shop.get(&linked.meta.id).expect("the linked card");
    assert_eq!((got.salutation.as_str(), got.account_id.as_ref()), ("陈先生", None));
    assert!(shop.get::<VipCard>(&theirs.meta.id).is_err(), "not the other store's card");
    assert!(shop.get::<Account>(&a.meta.id).is_err(), "not the rep's account");
    let mut as_shop = Hub::connect(&nanjing).expect("shop");
    assert_eq!(as_shop.visible_ids(RecordKind::VipCard).expect("read").len(), 2);
    assert!(as_shop.visible_ids(RecordKind::Account).expect("read").is_empty());
    // The rep reaches the card linked to his account, not the others.
    let mut as_wang = Hub::connect(&t.wang).expect("wang");
    assert_eq!(as_wang.visible_ids(RecordKind::VipCard).expect("read"), vec![linked.meta.id.to_string()]);
    let mut as_boss = Hub::connect(&t.boss).expect("boss");
    assert_eq!(as_boss.visible_ids(RecordKind::VipCard).expect("read").len(), 3);
}

fn kam(dir: &Path, db: &str, args: &[&str]) -> (bool, String) {
    common::kam_in(dir, db, "en", args)
}

#[test]
fn the_binary_inits_adds_users_and_syncs() {
    let Some(pg) = Pg::start() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let admin = pg.admin_url();
    let (ok, out) = kam(d, "admin.db", &["hub", "init", "--url", &admin]);
    assert!(ok, "{out}");
    assert!(out.contains("the hub is ready") && !out.contains("kam-test-admin"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "add-user", "Wang", "--role", "rep", "--url", &admin]);
    assert!(ok, "{out}");
    let line = out.lines().find(|l| l.starts_with("hub = ")).expect("the config line");
    let cfg = d.join("cfg-wang.db");
    std::fs::create_dir_all(&cfg).expect("cfg");
    std::fs::write(cfg.join("config.toml"), format!("user = \"Wang\"\n{line}\n")).expect("config");
    let (ok, out) = kam(d, "admin.db", &["hub", "add-user", "Shop", "--role", "staff", "--url", &admin]);
    assert!(!ok && out.contains("--store"), "{out}");

    let mut s = Store::open(&d.join("wang.db"), common::clock()).expect("open");
    s.set_user("Wang");
    let hengxin = account(&mut s, "Hengxin Trading", "Wang");
    drop(s);
    let (ok, out) = kam(d, "wang.db", &["sync"]);
    assert!(ok, "{out}");
    assert!(out.contains("pushed 1 changes: 1 new"), "{out}");
    let (ok, out) = kam(d, "wang.db", &["sync"]);
    assert!(ok && out.contains("pushed 0 changes"), "{out}");

    // Share lists, by the hub's owner: a wrong name is told by name.
    let (ok, out) = kam(d, "admin.db", &["hub", "share", "not-an-id", "Li", "--url", &admin]);
    assert!(!ok && out.contains("ACCOUNT_ID"), "{out}");
    let id = hengxin.meta.id.to_string();
    let (ok, out) = kam(d, "admin.db", &["hub", "share", &id, "Li", "--url", &admin]);
    assert!(!ok && out.contains("no user 'Li'"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "add-user", "Li", "--role", "rep", "--url", &admin]);
    assert!(ok, "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "share", &id, "Li", "--url", &admin]);
    assert!(ok && out.contains("'Hengxin Trading'") && out.contains("shared with 'Li'"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "shares", "--url", &admin]);
    assert!(ok && out.contains("Hengxin Trading") && out.contains("→ Li"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "unshare", &id, "Li", "--url", &admin]);
    assert!(ok && out.contains("no longer shared"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "shares", &id, "--url", &admin]);
    assert!(ok && out.contains("no accounts are shared"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "territory", "Li", "East", "--url", &admin]);
    assert!(ok && out.contains("'Li' now has the territory 'East'"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "territory", "Li", "--url", &admin]);
    assert!(ok && out.contains("East (given by "), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "territory", "Li", "East", "--remove", "--url", &admin]);
    assert!(ok && out.contains("no longer a territory of 'Li'"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "territory", "Li", "--url", &admin]);
    assert!(ok && out.contains("'Li' has no territories"), "{out}");

    // An archive edit by the rep waits; he is told of the rejection once.
    let mut s = Store::open(&d.join("wang.db"), common::clock()).expect("open");
    s.set_user("Wang");
    later(&mut s, Duration::minutes(5));
    let mut x: Account = s.get(&hengxin.meta.id).expect("get");
    x.archive.push(ArchiveEntry { title: "Framework contract".into(), ..ArchiveEntry::default() });
    s.update(&mut x, "").expect("archive edit");
    drop(s);
    let (ok, out) = kam(d, "wang.db", &["sync"]);
    assert!(
        ok && out.contains("1 of your changes (archive edits, account deletions) wait for a manager's approval"),
        "{out}"
    );
    let (ok, out) = kam(d, "admin.db", &["hub", "pending", "--url", &admin]);
    assert!(ok && out.contains("archive edit (1 entries after it) of the account 'Hengxin Trading'"), "{out}");
    let request = out.split(':').next().expect("the id").trim().to_string();
    let (ok, out) = kam(d, "admin.db", &["hub", "reject", &request, "--reason", " ", "--url", &admin]);
    assert!(!ok && out.contains("--reason"), "{out}");
    // By the start of its id, as the workbench's list shows it.
    let (ok, out) = kam(d, "admin.db", &["hub", "reject", "zz-not-an-id", "--reason", "Unsigned", "--url", &admin]);
    assert!(!ok && out.contains("REQUEST_ID"), "{out}");
    let other = if request.starts_with("ffff") { "eeee" } else { "ffff" };
    let (ok, out) = kam(d, "admin.db", &["hub", "reject", other, "--reason", "Unsigned", "--url", &admin]);
    assert!(!ok && out.contains(&format!("no request {other}")), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "reject", &request[..8], "--reason", "Unsigned", "--url", &admin]);
    assert!(ok && out.contains("rejected: archive edit"), "{out}");
    let (ok, out) = kam(d, "admin.db", &["hub", "approve", &request, "--url", &admin]);
    assert!(!ok && out.contains("was rejected already"), "{out}");
    let (ok, out) = kam(d, "wang.db", &["sync"]);
    assert!(
        ok && out.contains("a manager decided:") && out.contains("rejected by") && out.contains("reason: Unsigned"),
        "{out}"
    );
    let (ok, out) = kam(d, "wang.db", &["sync"]);
    assert!(ok && !out.contains("a manager decided"), "told once: {out}");

    // The hub down: a clear message, the change kept in the queue.
    let s = Store::open(&d.join("wang.db"), common::clock()).expect("open");
    let mut s = s;
    s.set_user("Wang");
    account(&mut s, "Hualian Market", "Wang");
    drop(s);
    drop(pg);
    let (ok, out) = kam(d, "wang.db", &["sync"]);
    assert!(!ok, "{out}");
    assert!(out.contains("no connection to the hub") && out.contains("1 changes wait in the queue"), "{out}");
    let s = Store::open(&d.join("wang.db"), common::clock()).expect("open");
    assert_eq!(s.sync_state().expect("state").waiting, 1);
}

#[test]
fn without_a_hub_sync_says_how_to_set_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (ok, out) = kam(tmp.path(), "k.db", &["sync"]);
    assert!(!ok);
    assert!(out.contains("no hub is set") && out.contains("--hub"), "{out}");
}

#[test]
fn a_hub_that_takes_the_connection_and_never_answers_is_given_up_on() {
    // A "hub" (a proxy, a firewall) that accepts and then says nothing.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let silent = std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().take(2) {
            held.push(conn.expect("accept"));
        }
        std::thread::sleep(std::time::Duration::from_secs(4));
    });
    let url = format!("postgresql://kam@127.0.0.1:{port}/x?connect_timeout=1");
    let started = std::time::Instant::now();
    let err = Hub::connect(&url).expect_err("no answer");
    assert!(matches!(&err, HubError::NoAnswer { secs: 1, .. }), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "given up on after its timeout");
    // kam sync says so, in Chinese too, and keeps the change queued.
    let tmp = tempfile::tempdir().expect("tmp");
    {
        let mut s = store(tmp.path(), "k.db", "王伟");
        account(&mut s, "恒信贸易有限公司", "王伟");
    }
    let (ok, out) = common::kam_in(tmp.path(), "k.db", "zh", &["sync", "--hub", &url]);
    assert!(!ok);
    assert!(out.contains("接受了连接,但 1 秒内没有应答") && out.contains("1 条更改在队列中"), "{out}");
    silent.join().expect("the silent hub");
}
