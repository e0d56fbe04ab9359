//! The store on real files in temp dirs (issue 3's list): every kind round
//! trips, a stale save is refused, trash and restore, purge, files that are
//! too new, random or truncated, a full disk, two writers.

use std::fs;
use std::path::Path;

use chrono::{Duration, NaiveDate, Utc};
use kam::model::{Account, CallPlan, ChangeEvent, Contact, Feedback, Order, Presentation, Target, VipCard, Visit};
use kam::store::{Record, Store, StoreError};
use kam_rules::Rules;

fn demo(path: &Path, accounts: u32) -> Store {
    let mut s = Store::open(path).expect("open");
    let o =
        kam::commands::demo::Options { accounts, seed: 9, today: NaiveDate::from_ymd_opt(2026, 11, 23).expect("date") };
    kam::commands::demo::generate(&mut s, &Rules::default(), &o).expect("demo");
    s
}

/// Inserts each record into `b` with a fresh meta (same id, so references
/// between records hold), reads it back and compares every field and row.
fn round_trip<R: Record + PartialEq + std::fmt::Debug>(all: Vec<R>, b: &mut Store) -> usize {
    assert!(!all.is_empty(), "the demo has {:?}", R::KIND);
    let n = all.len();
    for mut copy in all {
        let id = copy.meta().id.clone();
        *copy.meta_mut() = kam::model::Meta { id, ..kam::model::Meta::default() };
        b.insert(&mut copy).expect("insert");
        let back: R = b.get(&copy.meta().id).expect("get");
        assert_eq!(back, copy, "{:?} {} reads back as written", R::KIND, copy.meta().id);
    }
    n
}

fn all<R: Record>(a: &Store) -> Vec<R> {
    a.list(10_000, 0).expect("list")
}

#[test]
fn every_kind_round_trips_with_its_rows() {
    let tmp = tempfile::tempdir().expect("tmp");
    let a = demo(&tmp.path().join("a.db"), 60);
    let mut b = Store::open(&tmp.path().join("b.db")).expect("open");
    // Parents first so foreign keys hold.
    assert!(round_trip(all::<Account>(&a), &mut b) > 0);
    // Bosses before those who report to them.
    let mut contacts = all::<Contact>(&a);
    contacts.sort_by_key(|c| c.reports_to.is_some());
    round_trip(contacts, &mut b);
    round_trip(all::<Order>(&a), &mut b);
    round_trip(all::<Visit>(&a), &mut b);
    round_trip(all::<ChangeEvent>(&a), &mut b);
    round_trip(all::<Feedback>(&a), &mut b);
    round_trip(all::<CallPlan>(&a), &mut b);
    round_trip(all::<Presentation>(&a), &mut b);
    round_trip(all::<VipCard>(&a), &mut b);
    round_trip(all::<Target>(&a), &mut b);
}

#[test]
fn a_stale_save_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&tmp.path().join("a.db")).expect("open");
    let mut a = Account::named("乙公司");
    s.insert(&mut a).expect("insert");
    let mut mine: Account = s.get(&a.meta.id).expect("get");
    let mut theirs: Account = s.get(&a.meta.id).expect("get");
    theirs.notes = "他们的".into();
    s.update(&mut theirs, "").expect("first save");
    mine.notes = "我的".into();
    match s.update(&mut mine, "") {
        Err(StoreError::Conflict(c)) => {
            assert_eq!(c.current_version(), 2);
            assert_eq!(c.current_as::<Account>().map(|x| x.notes), Some("他们的".to_string()));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(s.get::<Account>(&a.meta.id).expect("get").notes, "他们的");
}

#[test]
fn delete_trash_restore_and_purge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("a.db");
    let mut s = demo(&path, 5);
    let acc: Account = s.list(1, 0).expect("list").remove(0);
    let contacts: Vec<Contact> = s.list_for_account(&acc.meta.id).expect("contacts");
    let orders: Vec<Order> = s.list_for_account(&acc.meta.id).expect("orders");
    assert!(!contacts.is_empty() && !orders.is_empty());
    s.delete::<Account>(&acc.meta.id, "客户注销").expect("delete");
    assert!(s.get::<Account>(&acc.meta.id).is_err());
    assert!(s.list_for_account::<Contact>(&acc.meta.id).expect("contacts").is_empty());
    let trash = s.trash().expect("trash");
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].reason, "客户注销");
    s.restore(&acc.meta.id).expect("restore");
    let back: Vec<Contact> = s.list_for_account(&acc.meta.id).expect("contacts");
    assert_eq!(back.len(), contacts.len());
    assert_eq!(
        back.iter().map(|c| c.behaviours.len()).sum::<usize>(),
        contacts.iter().map(|c| c.behaviours.len()).sum::<usize>(),
        "child rows back"
    );
    assert_eq!(s.list_for_account::<Order>(&acc.meta.id).expect("orders").len(), orders.len());

    s.delete::<Account>(&acc.meta.id, "再次删除").expect("delete");
    drop(s);
    let later = Utc::now() + Duration::days(31);
    let s = Store::open_at(&path, later).expect("open 31 days later purges");
    assert!(s.trash().expect("trash").is_empty());
    assert!(s.get_any::<Account>(&acc.meta.id).is_err(), "purged for good");
    let log = s.history(&acc.meta.id).expect("history");
    assert!(log.iter().any(|l| l.action == "purge"), "the log keeps a trace");
    assert!(log.iter().any(|l| l.action == "delete"));
}

#[test]
fn a_newer_file_is_refused_untouched() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("new.db");
    drop(Store::open(&path).expect("create"));
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.pragma_update(None, "user_version", 99).expect("bump");
    }
    let before = fs::read(&path).expect("read");
    let Err(e) = Store::open(&path) else { panic!("refused") };
    assert!(matches!(e, StoreError::TooNew { .. }), "{e}");
    assert!(e.to_string().contains("new.db"));
    assert_eq!(fs::read(&path).expect("read"), before, "left untouched");
}

#[test]
fn random_bytes_and_truncated_files_get_clear_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let random = tmp.path().join("random.db");
    let bytes: Vec<u8> = (0..65_536u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    fs::write(&random, &bytes).expect("write");
    let Err(e) = Store::open(&random) else { panic!("refused") };
    assert!(e.to_string().contains("random.db"), "{e}");
    assert!(e.to_string().contains("backup"), "says what to do: {e}");
    assert_eq!(fs::read(&random).expect("read"), bytes, "never overwritten");

    let good = tmp.path().join("good.db");
    drop(demo(&good, 30));
    let whole = fs::read(&good).expect("read");
    let cut = tmp.path().join("cut.db");
    fs::write(&cut, &whole[..whole.len() / 3]).expect("write");
    let Err(e) = Store::open(&cut) else { panic!("refused") };
    assert!(e.to_string().contains("cut.db"), "{e}");
    let empty_name = tmp.path().join("png.db");
    fs::write(&empty_name, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    assert!(Store::open(&empty_name).is_err());
}

#[test]
fn a_full_disk_leaves_the_file_sound() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("full.db");
    let mut s = Store::open(&path).expect("open");
    let mut first = Account::named("早先的客户");
    s.insert(&mut first).expect("insert");
    s.limit_growth(2).expect("cap");
    let mut failed = None;
    for i in 0..2_000 {
        let mut a = Account::named(format!("客户{i}"));
        a.notes = "很长的备注".repeat(200);
        if let Err(e) = s.insert(&mut a) {
            failed = Some(e);
            break;
        }
    }
    let e = failed.expect("the disk fills");
    assert!(matches!(e, StoreError::DiskFull { .. }), "{e}");
    drop(s);
    let s = Store::open(&path).expect("reopens");
    assert_eq!(s.get::<Account>(&first.meta.id).expect("still there").name, "早先的客户");
    let report = s.check(&tmp.path().join("backups")).expect("check");
    assert!(report.is_sound());
}

#[test]
fn two_writers_both_land() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("two.db");
    drop(Store::open(&path).expect("create"));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).expect("open");
                for i in 0..50 {
                    let mut a = Account::named(format!("写者{w}客户{i}"));
                    s.insert(&mut a).expect("every write lands");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    let s = Store::open(&path).expect("open");
    assert_eq!(s.list::<Account>(1_000, 0).expect("list").len(), 100);
}
