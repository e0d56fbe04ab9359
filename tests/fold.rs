//! Folding one account into another (issue #20, DESIGN §4.12): the same
//! company entered by two reps is listed after a merge; a manager folds the
//! extra copy into the one kept with `kam fold`; its contacts, orders and
//! visits move, it goes to the trash, and the fold reaches the reps'
//! laptops through head office's export like any other change.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use kam::model::{Account, Contact, Id, Order, Visit};
use kam::store::{RecordKind, Store};
use kam_rules::Money;

fn kam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("LANG", "en_US.UTF-8")
        .env("KAM_NOW", common::kam_now())
        .env_remove("KAM_DB")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kam")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn open(path: &Path, user: &str) -> Store {
    let mut s = Store::open(path, common::clock()).expect("open");
    s.set_user(user);
    s
}

/// A rep's file with one account, a contact, an order and a visit.
fn rep_file(path: &Path, owner: &str, name: &str) -> (Id, Id) {
    let mut s = open(path, owner);
    let mut a = Account::named(name);
    a.owner = owner.into();
    a.phone = "0571-88886666".into();
    s.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), format!("{owner}的联系人"));
    s.insert(&mut c).expect("contact");
    let mut o = Order {
        account_id: a.meta.id.clone(),
        amount: Money::from_yuan(20_000),
        net_amount: Money::from_yuan(20_000),
        ..Order::default()
    };
    o.date = common::today();
    s.insert(&mut o).expect("order");
    let mut v = Visit { account_id: a.meta.id.clone(), date: common::today(), ..Visit::default() };
    v.purpose = "介绍新机型".into();
    v.by = owner.into();
    s.insert(&mut v).expect("visit");
    (a.meta.id, c.meta.id)
}

#[test]
fn a_fold_moves_everything_to_the_account_kept_and_trashes_the_other() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("kam.db");
    let (keep, _) = rep_file(&path, "李雷", "杭州西湖精密机械有限公司");
    let mut s = open(&path, "经理");
    let mut extra = Account::named("杭州西湖精密机械");
    s.insert(&mut extra).expect("extra");
    let mut c = Contact::of(extra.meta.id.clone(), "王工");
    s.insert(&mut c).expect("contact");

    let done = s.fold(&extra.meta.id, &keep, "同一家公司").expect("fold");
    assert_eq!(done.moved.get(&RecordKind::Contact), Some(&1), "{done:?}");
    assert_eq!(done.into, "杭州西湖精密机械有限公司");
    let moved: Contact = s.get(&c.meta.id).expect("the contact is live");
    assert_eq!(moved.account_id, keep, "and belongs to the account kept");
    assert!(!s.exists(RecordKind::Account, &extra.meta.id).expect("exists"), "the extra account is in the trash");
    let t = s.trash().expect("trash");
    let entry = t.iter().find(|t| t.id == extra.meta.id).expect("listed");
    assert_eq!((entry.reason.as_str(), entry.with), ("同一家公司", 0), "nothing went to the trash with it");
    // The move is in the contact's history, with the reason.
    let h = s.history(&c.meta.id).expect("history");
    assert!(h.iter().any(|l| l.field.as_deref() == Some("account_id") && l.reason == "同一家公司"), "{h:?}");
    // Refusals: an account into itself, and one that is gone.
    assert!(s.fold(&keep, &keep, "").is_err());
    assert!(s.fold(&extra.meta.id, &keep, "").is_err(), "the folded account is no longer live");
}

#[test]
fn a_manager_folds_the_company_two_reps_entered_and_the_fold_reaches_the_rep() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let (keep, _) = rep_file(&d.join("rep1.db"), "李雷", "杭州西湖精密机械有限公司");
    let (extra, extra_contact) = rep_file(&d.join("rep2.db"), "韩梅梅", "杭州西湖精密机械");
    for db in ["rep1.db", "rep2.db"] {
        let out = format!("out-{db}");
        let o = kam(d, &["--db", db, "export", "--all", "--dir", &out]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let o = kam(d, &["--db", "office.db", "import", &out]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let (keep_short, extra_short) = (keep.short().to_string(), extra.short().to_string());

    // Only a manager folds.
    let o = kam(d, &["--db", "office.db", "fold", &extra_short, &keep_short]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("manager"), "{}", text(&o.stderr));
    std::fs::create_dir_all(d.join("cfg")).expect("cfg");
    std::fs::write(d.join("cfg/config.toml"), "user = \"经理\"\nrole = \"manager\"\n").expect("config");
    let o = kam(d, &["--db", "office.db", "fold", &keep_short, &keep_short]);
    assert_eq!(o.status.code(), Some(2));
    let o = kam(d, &["--db", "office.db", "--lang", "zh", "fold", "ffffffffzz", &keep_short]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("ffffffffzz"), "the id typed is named: {}", text(&o.stderr));

    let o = kam(d, &["--db", "office.db", "--lang", "zh", "fold", &extra_short, &keep_short]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("已把「杭州西湖精密机械」并入「杭州西湖精密机械有限公司」"), "{out}");
    assert!(out.contains("联系人 1") && out.contains("订单 1"), "{out}");

    let office = open(&d.join("office.db"), "经理");
    assert!(!office.exists(RecordKind::Account, &extra).expect("exists"));
    assert_eq!(office.get::<Contact>(&extra_contact).expect("contact").account_id, keep);
    drop(office);

    // Head office's export takes the fold to the rep who entered the copy.
    let o = kam(d, &["--db", "office.db", "export", "--all", "--dir", "office-out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = kam(d, &["--db", "rep2.db", "import", "office-out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rep2 = open(&d.join("rep2.db"), "韩梅梅");
    assert!(!rep2.exists(RecordKind::Account, &extra).expect("exists"), "the copy is in the rep's trash too");
    let c: Contact = rep2.get(&extra_contact).expect("the rep's contact is live");
    assert_eq!(c.account_id, keep, "and belongs to the account kept");
    assert!(rep2.exists(RecordKind::Account, &keep).expect("exists"), "which the rep now has");
}
