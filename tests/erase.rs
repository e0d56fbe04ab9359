//! Erasing a person (issue #21): `kam erase contact|vip ID… --reason`
//! leaves no byte of them in the file or its `-wal`, and neither a restored
//! older backup nor a merged older export folder brings them back.

mod common;

use std::path::Path;
use std::process::Output;

use kam::exchange::export::{export, ExportOptions};
use kam::exchange::import::merge_dir;
use kam::model::{Account, Contact, Handover, Id, VipCard};
use kam::store::{Span, Store, StoreError};
use kam_rules::Lang;

/// The person's distinctive values, which must not survive an erase.
const NAME: &str = "甄英莲测";
const TRIGRAM: &str = "甄英莲";
const PHONE: &str = "13987654321";
const OLD_PHONE: &str = "13911112222";
const SPOUSE: &str = "冯渊夫人";
const EMAIL: &str = "yinglian@example.com";

fn kam(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en"])
        .args(args)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env_remove("LC_ALL")
        .output()
        .expect("run kam")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn open(dir: &Path) -> Store {
    let mut s = Store::open(&dir.join("kam.db"), common::clock()).expect("open");
    s.set_user("测试员");
    s
}

/// An account with the person and a colleague of theirs; the person's
/// phone changed once (the old one is in the change log), deleted to the
/// trash and brought back (the log holds every field twice more).
fn fill(s: &mut Store) -> (Account, Contact, Contact) {
    let mut a = Account::named("红楼贸易有限公司");
    s.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), NAME);
    c.phone = OLD_PHONE.into();
    c.spouse = SPOUSE.into();
    c.email = EMAIL.into();
    s.insert(&mut c).expect("contact");
    c.phone = PHONE.into();
    s.update(&mut c, &format!("{NAME} changed her number")).expect("update");
    s.delete::<Contact>(&c.meta.id, "by mistake").expect("delete");
    s.restore(&c.meta.id).expect("restore");
    let c: Contact = s.get(&c.meta.id).expect("back");
    let mut other = Contact::of(a.meta.id.clone(), "贾雨村");
    other.phone = "13700000000".into();
    s.insert(&mut other).expect("colleague");
    (a, c, other)
}

/// Whether any of the file's bytes (the database and its `-wal`) hold `value`.
fn in_file(db: &Path, value: &str) -> bool {
    let mut bytes = std::fs::read(db).expect("db");
    if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
        bytes.extend(wal);
    }
    bytes.windows(value.len()).any(|w| w == value.as_bytes())
}

fn assert_gone(db: &Path, values: &[&str]) {
    for v in values {
        assert!(!in_file(db, v), "{v} is still in {}", db.display());
    }
}

#[test]
fn an_erased_contact_leaves_no_byte_of_them_in_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let db = d.join("kam.db");
    let mut s = open(d);
    let (_, c, other) = fill(&mut s);
    drop(s);
    assert!(in_file(&db, NAME) && in_file(&db, OLD_PHONE) && in_file(&db, SPOUSE), "the test sees the values");

    let o = kam(d, &["erase", "contact", "ffff", "--reason", "asked"]);
    assert_eq!(o.status.code(), Some(2), "an unknown id");
    let o = kam(d, &["erase", "contact", &c.meta.id.as_str()[..13], "--reason", " "]);
    assert_eq!(o.status.code(), Some(2), "a reason is needed");
    let out = ok(&kam(d, &["erase", "contact", &c.meta.id.as_str()[..13], "--reason", "asked by the person"]));
    assert!(out.contains("Erased 1 contact") && out.contains(c.meta.id.as_str()), "{out}");

    assert_gone(&db, &[NAME, TRIGRAM, PHONE, OLD_PHONE, SPOUSE, EMAIL]);
    let s = open(d);
    assert!(matches!(s.get_any::<Contact>(&c.meta.id), Err(StoreError::NotFound { .. })));
    let log = s.history(&c.meta.id).expect("history");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].action.as_str(), log[0].reason.as_str()), ("erase", "asked by the person"));
    assert_eq!((log[0].field.as_ref(), log[0].old.as_ref(), log[0].new.as_ref()), (None, None, None));
    assert!(s.trash().expect("trash").is_empty());
    // The colleague is untouched.
    assert_eq!(s.get::<Contact>(&other.meta.id).expect("colleague").name, "贾雨村");
    assert!(in_file(&db, "贾雨村"));
}

#[test]
fn an_erased_vip_card_leaves_no_byte_of_them_in_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let db = d.join("kam.db");
    let mut s = open(d);
    let mut card = VipCard {
        store: "上海南京西路店".into(),
        received_by: "李娜".into(),
        visit_date: common::today(),
        salutation: "甄女士".into(),
        phone: "136 0000 1111".into(),
        vehicle: "红旗 H9 沪A99999".into(),
        handovers: vec![Handover {
            from: "李娜".into(),
            to: "王芳".into(),
            date: common::today(),
            note: "休假".into(),
        }],
        ..VipCard::default()
    };
    s.insert(&mut card).expect("card");
    card.vehicle = "红旗 E-HS9 沪A88888".into();
    s.update(&mut card, "").expect("update");
    drop(s);
    assert!(in_file(&db, "沪A99999"));
    let out = ok(&kam(d, &["erase", "vip", &card.meta.id.as_str()[..20], "--reason", "PIPL request"]));
    assert!(out.contains("Erased 1 VIP card"), "{out}");
    assert_gone(&db, &["甄女士", "136 0000 1111", "13600001111", "沪A99999", "沪A88888"]);
    let s = open(d);
    assert!(matches!(s.get_any::<VipCard>(&card.meta.id), Err(StoreError::NotFound { .. })));
    assert_eq!(s.history(&card.meta.id).expect("history").len(), 1);
}

fn options(dir: &Path) -> ExportOptions {
    ExportOptions {
        span: Span::All,
        range: "all".into(),
        dir: dir.to_path_buf(),
        bom: true,
        lang: Lang::En,
        unmask: true,
        who: "测试员".into(),
        now: common::clock().now(),
    }
}

fn contact_is_gone(d: &Path, id: &Id) {
    let s = open(d);
    assert!(matches!(s.get_any::<Contact>(id), Err(StoreError::NotFound { .. })), "{id} came back");
}

#[test]
fn an_erased_person_does_not_come_back_by_merge_or_restore() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let db = d.join("kam.db");
    let mut s = open(d);
    let (_, c, other) = fill(&mut s);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("day");
    let backup = s.daily_backup(&d.join("backups"), day).expect("backup").expect("written");
    export(&s, &options(&d.join("old-export"))).expect("export");
    drop(s);
    ok(&kam(d, &["erase", "contact", c.meta.id.as_str(), "--reason", "asked"]));
    contact_is_gone(d, &c.meta.id);

    // A colleague's older folder: the person is skipped, the rest merges.
    let mut s = open(d);
    s.delete::<Contact>(&other.meta.id, "to see the merge work").expect("delete");
    drop(s);
    let mut s = open(d);
    merge_dir(&mut s, &d.join("old-export"), false, &mut |_, _| {}).expect("merge");
    drop(s);
    contact_is_gone(d, &c.meta.id);
    assert_gone(&db, &[NAME, PHONE, SPOUSE]);

    // An older backup, with the ledger file beside the database lost: the
    // file's own table of erasures is enough.
    let ledger = kam::store::erasures_path(&db);
    assert!(std::fs::read_to_string(&ledger).expect("ledger").contains(c.meta.id.as_str()));
    std::fs::remove_file(&ledger).expect("rm ledger");
    ok(&kam(d, &["restore", "--from", &backup.display().to_string(), "--force"]));
    contact_is_gone(d, &c.meta.id);
    assert_gone(&db, &[NAME, PHONE, OLD_PHONE, SPOUSE]);
    assert!(std::fs::read_to_string(&ledger).expect("ledger again").contains(c.meta.id.as_str()));
    let s = open(d);
    let log = s.history(&c.meta.id).expect("history");
    assert!(log.iter().all(|l| l.action == "erase" && l.old.is_none()), "{log:?}");
    drop(s);

    // And restoring again, now with only the ledger file to go by (the
    // file being replaced is the one just restored, which has the table too).
    ok(&kam(d, &["restore", "--from", &backup.display().to_string(), "--force"]));
    contact_is_gone(d, &c.meta.id);
}
