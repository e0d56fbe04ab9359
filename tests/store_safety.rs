//! The store on real files: lost updates, trash and purge, refused files,
//! a full disk, two writers, backups.

mod common;

use std::fs;

use chrono::{Duration, NaiveDate};
use kam::model::{Account, Contact, Order, Responsibility};
use kam::store::{RecordKind, Store, StoreError};
use kam_rules::Money;

fn db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("kam.db")
}

fn account(store: &mut Store, name: &str) -> Account {
    let mut a = Account { owner: "王芳".into(), ..Account::named(name) };
    store.insert(&mut a).expect("insert");
    a
}

#[test]
fn a_stale_save_is_refused_with_the_current_record_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&db(&dir), common::clock()).expect("open");
    let a = account(&mut store, "恒信贸易有限公司");
    let mut mine = a.clone();
    let mut theirs = a.clone();
    theirs.notes = "他们的修改".into();
    store.update(&mut theirs, "补充").expect("first save");
    assert_eq!(theirs.meta.version, 2);
    mine.notes = "我的修改".into();
    let err = store.update(&mut mine, "补充").unwrap_err();
    let StoreError::Conflict(c) = err else { panic!("expected a conflict, got {err}") };
    assert_eq!((c.kind, c.expected_version, c.current_version()), (RecordKind::Account, 1, 2));
    assert_eq!(c.current_as::<Account>().expect("account").notes, "他们的修改");
    assert_eq!(store.get::<Account>(&a.meta.id).expect("get").notes, "他们的修改");
    assert_eq!(mine.meta.version, 1, "the refused record keeps its version");
    // Field-level log: the update wrote one line with old, new and reason.
    let h = store.history(&a.meta.id).expect("history");
    let upd: Vec<_> = h.iter().filter(|l| l.action == "update").collect();
    assert_eq!(upd.len(), 1);
    assert_eq!(upd[0].field.as_deref(), Some("notes"));
    assert_eq!((upd[0].old.as_deref(), upd[0].new.as_deref()), (Some(""), Some("他们的修改")));
    assert_eq!(upd[0].reason, "补充");
}

#[test]
fn delete_trash_restore_brings_child_rows_back_and_purge_keeps_the_log_without_a_persons_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    let a = account(&mut store, "瑞丰食品有限公司");
    let mut c = Contact {
        responsibilities: vec![Responsibility { text: "采购".into() }, Responsibility { text: "质检".into() }],
        ..Contact::of(a.meta.id.clone(), "解晓东")
    };
    store.insert(&mut c).expect("contact");
    let mut o = Order {
        account_id: a.meta.id.clone(),
        date: NaiveDate::from_ymd_opt(2026, 1, 2).expect("d"),
        amount: Money::from_yuan(100),
        net_amount: Money::from_yuan(100),
        ..Order::default()
    };
    o.collections.push(kam::model::Collection { date: o.date, amount: Money::from_yuan(40) });
    store.insert(&mut o).expect("order");

    store.delete::<Account>(&a.meta.id, "客户注销").expect("delete");
    assert!(matches!(store.get::<Account>(&a.meta.id), Err(StoreError::NotFound { .. })));
    assert!(matches!(store.get::<Contact>(&c.meta.id), Err(StoreError::NotFound { .. })));
    let trash = store.trash().expect("trash");
    assert_eq!(trash.len(), 1);
    assert_eq!((trash[0].label.as_str(), trash[0].reason.as_str(), trash[0].with), ("瑞丰食品有限公司", "客户注销", 2));
    // A contact cannot come back without its account.
    let mut late = Contact::of(a.meta.id.clone(), "新人");
    assert!(matches!(store.insert(&mut late), Err(StoreError::ParentInTrash { .. })));

    assert_eq!(store.restore(&a.meta.id).expect("restore"), RecordKind::Account);
    let back: Contact = store.get(&c.meta.id).expect("contact back");
    assert_eq!(back.responsibilities, c.responsibilities);
    let back: Order = store.get(&o.meta.id).expect("order back");
    assert_eq!(back.collections, o.collections);
    assert!(store.trash().expect("trash").is_empty());

    // Delete again and open 31 days later: purged, the log remains.
    store.delete::<Contact>(&c.meta.id, "离职").expect("delete contact");
    store.delete::<Account>(&a.meta.id, "客户注销").expect("delete");
    drop(store);
    let store = Store::open(&path, {
        let mut c = common::clock();
        c.advance(Duration::days(29));
        c
    })
    .expect("reopen");
    assert!(store.get_any::<Account>(&a.meta.id).is_ok(), "still restorable on day 29");
    drop(store);
    let store = Store::open(&path, {
        let mut c = common::clock();
        c.advance(Duration::days(31));
        c
    })
    .expect("reopen");
    assert!(matches!(store.get_any::<Account>(&a.meta.id), Err(StoreError::NotFound { .. })));
    assert!(matches!(store.get_any::<Contact>(&c.meta.id), Err(StoreError::NotFound { .. })));
    assert!(store.trash().expect("trash").is_empty());
    let log = store.history(&c.meta.id).expect("log");
    let actions: Vec<&str> = log.iter().map(|l| l.action.as_str()).collect();
    assert!(actions.contains(&"insert") && actions.contains(&"delete") && actions.contains(&"purge"), "{actions:?}");
    // A person's values leave the log when they are purged (#21); which
    // field changed when, and by whom, stays.
    assert!(log.iter().any(|l| l.action == "delete" && l.field.as_deref() == Some("name")));
    assert!(log.iter().all(|l| l.old.is_none() && l.new.is_none()), "{log:?}");
    // An order is no person: its log keeps every value.
    let order_log = store.history(&o.meta.id).expect("log");
    assert!(order_log.iter().any(|l| l.action == "purge"));
    assert!(order_log.iter().any(|l| l.action == "delete" && l.old.is_some()));
}

#[test]
fn a_newer_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    drop(Store::open(&path, common::clock()).expect("create"));
    {
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.pragma_update(None, "user_version", 99).expect("bump");
    }
    let before = fs::read(&path).expect("read");
    let err = Store::open(&path, common::clock()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, supported: kam::store::SCHEMA_VERSION, .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()) && msg.contains("newer"), "{msg}");
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn random_bytes_and_a_truncated_file_get_clear_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let junk = dir.path().join("junk.db");
    let bytes: Vec<u8> = (0u32..8192).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    fs::write(&junk, &bytes).expect("write");
    let err = Store::open(&junk, common::clock()).unwrap_err();
    // Built with encryption, whole pages of random bytes cannot be told from
    // an encrypted file: kam asks for the passphrase instead (#21).
    #[cfg(feature = "encryption")]
    assert!(matches!(err, StoreError::NeedsPassphrase { .. }) && err.to_string().contains("junk.db"), "{err}");
    #[cfg(not(feature = "encryption"))]
    {
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert!(err.to_string().contains("junk.db") && err.to_string().contains("backups"), "{err}");
    }
    assert_eq!(fs::read(&junk).expect("read"), bytes, "never replaced by an empty database");

    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    for i in 0..300 {
        account(&mut store, &format!("{i} 号测试公司,名字要长一些才能占满更多的页面"));
    }
    drop(store);
    let len = fs::metadata(&path).expect("meta").len();
    let f = fs::OpenOptions::new().write(true).open(&path).expect("open rw");
    f.set_len(len / 2).expect("truncate");
    drop(f);
    let err = Store::open(&path, common::clock()).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. } | StoreError::NotADatabase { .. }), "{err}");
    assert!(err.to_string().contains("kam.db") && err.to_string().contains("backups"), "{err}");
}

#[test]
fn a_full_disk_leaves_the_file_sound_and_the_data_intact() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    let a = account(&mut store, "宝丰实业有限公司");
    store.limit_growth(2).expect("cap");
    let mut saved = 0;
    let err = loop {
        let mut big = Account { notes: "长".repeat(4000), ..Account::named(format!("公司{saved}")) };
        match store.insert(&mut big) {
            Ok(()) => saved += 1,
            Err(e) => break e,
        }
        assert!(saved < 1000, "the cap never bit");
    };
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    drop(store);
    let store = Store::open(&path, common::clock()).expect("reopen");
    assert_eq!(store.get::<Account>(&a.meta.id).expect("intact").name, "宝丰实业有限公司");
    let report = store.check(&dir.path().join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.counts[0].live, 1 + saved);
}

#[test]
fn two_connections_writing_at_once_both_land() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    drop(Store::open(&path, common::clock()).expect("create"));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path, common::clock()).expect("open");
                for i in 0..40 {
                    let mut a = Account::named(format!("写入者{w}的客户{i}"));
                    store.insert(&mut a).expect("insert");
                    a.notes = "改".into();
                    store.update(&mut a, "").expect("update");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    let store = Store::open(&path, common::clock()).expect("open");
    let report = store.check(&dir.path().join("backups")).expect("check");
    assert_eq!(report.counts[0].live, 80);
}

#[test]
fn new_files_are_private_and_backups_are_daily_and_kept_seven() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("sub").join("kam.db");
    let mut store = Store::open(&path, common::clock()).expect("open");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    account(&mut store, "备份测试公司");
    let backups = dir.path().join("sub").join("backups");
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("d");
    for i in 0..10 {
        let made = store.daily_backup(&backups, day + Duration::days(i)).expect("backup");
        assert!(made.is_some());
        assert!(store.daily_backup(&backups, day + Duration::days(i)).expect("again").is_none(), "once a day");
    }
    let kept = store.backups(&backups).expect("list");
    assert_eq!(kept.len(), 7);
    assert!(kept[0].ends_with("kam-2026-11-04.db"), "{kept:?}");
    let copy = Store::open(kept.last().expect("one"), common::clock()).expect("a backup opens");
    assert_eq!(copy.check(&backups).expect("check").counts[0].live, 1);
}

#[test]
fn the_file_alone_holds_every_change_once_the_writer_closes_even_with_a_reader_still_open() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let mut store = Store::open(&path, common::clock()).expect("open");
    // The workbench's worker reads through a second connection that
    // outlives the writer when the workbench quits.
    let reader = store.open_reader().expect("reader");
    for i in 0..20 {
        account(&mut store, &format!("今天的客户{i}"));
    }
    drop(store);
    let wal = dir.path().join("kam.db-wal");
    assert!(!wal.exists() || fs::metadata(&wal).expect("meta").len() == 0, "the -wal still holds changes");
    // Only kam.db is copied to the other laptop.
    let other = tempfile::tempdir().expect("tmp");
    fs::copy(&path, other.path().join("kam.db")).expect("copy");
    let copy = Store::open(&other.path().join("kam.db"), common::clock()).expect("the copy opens");
    assert_eq!(copy.list::<Account>(100, 0).expect("list").len(), 20, "the day's work is in kam.db");
    drop(reader);
}

/// Flips the last byte of the first page of `index` in the closed file at
/// `path`: the page stays well formed, the index no longer matches.
fn flip_index_leaf(path: &std::path::Path, index: &str) {
    let (root, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(path).expect("raw");
        let root = conn
            .query_row("SELECT rootpage FROM sqlite_schema WHERE name = ?1", [index], |r| r.get(0))
            .expect("root page");
        (root, conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size"))
    };
    let mut bytes = fs::read(path).expect("read");
    bytes[usize::try_from(root * page_size - 1).expect("offset")] ^= 0x01;
    fs::write(path, bytes).expect("write");
}

#[test]
fn a_damaged_index_that_passes_quick_check_is_never_backed_up_and_the_good_copies_stay() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let backups = dir.path().join("backups");
    let mut store = Store::open(&path, common::clock()).expect("open");
    for i in 0..20 {
        account(&mut store, &format!("{i} 号公司"));
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("d");
    for i in 0..7 {
        store.daily_backup(&backups, day + Duration::days(i)).expect("good backup");
    }
    drop(store);
    let good = store_backups(&backups);
    flip_index_leaf(&path, "accounts_name_norm");
    let store = Store::open(&path, common::clock()).expect("quick_check passes: the workbench opens it");
    let err = store.daily_backup(&backups, day + Duration::days(7)).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("kam.db"), "{err}");
    let err = store.check_and_backup(Some(&backups), day + Duration::days(8)).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "the workbench's check: {err}");
    assert_eq!(store_backups(&backups), good, "a good copy was pushed out or a bad one added");
}

/// The files in the backups folder, sorted, with their bytes.
fn store_backups(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut all: Vec<_> = fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| {
            let p = e.path();
            let bytes = fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_backup_being_written_by_another_program_is_left_to_it_and_no_one_fails() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = db(&dir);
    let backups = dir.path().join("backups");
    let mut store = Store::open(&path, common::clock()).expect("open");
    account(&mut store, "备份测试公司");
    fs::create_dir_all(&backups).expect("dir");
    // Another program holds today's .partial while it writes the backup.
    let partial = backups.join("kam-2026-11-23.db.partial");
    let theirs = fs::File::create(&partial).expect("their partial");
    theirs.lock().expect("their lock");
    fs::write(&partial, b"half a backup").expect("their bytes");
    assert!(store.daily_backup(&backups, common::today()).expect("goes on").is_none());
    assert_eq!(fs::read(&partial).expect("read"), b"half a backup", "their copy was touched");
    drop(theirs);
    // Their program died: the .partial is taken over.
    assert!(store.daily_backup(&backups, common::today()).expect("backup").is_some());
    assert!(!partial.exists());

    // Two programs starting together on a day not yet backed up.
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("d");
    for round in 0..10 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let (path, backups, barrier) = (path.clone(), backups.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let store = Store::open(&path, common::clock()).expect("open");
                    barrier.wait();
                    store.daily_backup(&backups, day + Duration::days(round))
                })
            })
            .collect();
        let made: Vec<_> = runs.into_iter().map(|r| r.join().expect("thread").expect("no one fails")).collect();
        assert!(made.iter().filter(|m| m.is_some()).count() <= 1, "{made:?}");
        assert!(backups.join(format!("kam-{}.db", day + Duration::days(round))).exists());
    }
    assert!(fs::read_dir(&backups).expect("dir").all(|e| !e.expect("e").path().to_string_lossy().contains(".partial")));
}
