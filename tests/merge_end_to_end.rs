//! The day-end merge end to end (issue #20): two reps work a day on copies
//! of head office's file — different fields and the same field of one
//! account, the same new company entered by both, a contact one deletes
//! while the other edits it — and send masked day folders, which head office
//! merges in either order.

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use kam::exchange::export::{export, ExportOptions};
use kam::exchange::import::{merge_dir, MergeReport};
use kam::model::{Account, Contact, Id};
use kam::store::{RecordKind, Span, Store};
use kam_rules::Lang;

fn store(dir: &Path, name: &str, user: &str) -> Store {
    let mut s = Store::open(&dir.join(name), common::clock()).expect("open");
    s.set_user(user);
    s
}

fn export_to(s: &Store, dir: &Path, span: Span, unmask: bool) {
    let opts = ExportOptions {
        span,
        range: "test".into(),
        dir: dir.to_path_buf(),
        bom: true,
        lang: Lang::Zh,
        unmask,
        who: "测试员".into(),
        now: s.now(),
    };
    export(s, &opts).expect("export");
}

fn merge(s: &mut Store, dir: &Path) -> MergeReport {
    let r = merge_dir(s, dir, false, &mut |_, _| {}).expect("merge");
    assert!(r.rejects.is_empty(), "{:?}", r.rejects);
    // The merge leaves SQLite's check of references to its own.
    assert_eq!(s.foreign_key_problems().expect("foreign keys"), Vec::<String>::new());
    r
}

fn later(s: &mut Store, minutes: i64) {
    let mut c = s.clock();
    c.advance(Duration::minutes(minutes));
    s.set_clock(c);
}

fn edit_account(s: &mut Store, id: &Id, f: impl FnOnce(&mut Account)) {
    let mut a: Account = s.get(id).expect("account");
    f(&mut a);
    s.update(&mut a, "").expect("update");
}

fn day(s: &Store, from: DateTime<Utc>) -> Span {
    Span::Changed { from, to: s.now() + Duration::seconds(1) }
}

/// What both merge orders must leave alike.
#[derive(Debug, PartialEq)]
struct Seen {
    region: String,
    address: String,
    website: String,
    phone: String,
    contact_live: bool,
    contact_title: String,
    contact_mobile: String,
    copies: Vec<(String, String)>,
}

fn seen(s: &Store, account: &Id, contact: &Id) -> Seen {
    let a: Account = s.get(account).expect("account");
    let c = s.get_any::<Contact>(contact).expect("contact");
    let groups = s.duplicates_across_owners(10).expect("held twice");
    let mut copies: Vec<(String, String)> =
        groups.iter().flatten().map(|(_, name, owner)| (name.clone(), owner.clone())).collect();
    copies.sort();
    Seen {
        region: a.region,
        address: a.address,
        website: a.website,
        phone: a.phone,
        contact_live: s.exists(RecordKind::Contact, contact).expect("exists"),
        contact_title: c.title,
        contact_mobile: c.phone,
        copies,
    }
}

#[test]
fn two_reps_day_folders_merge_at_head_office_the_same_in_either_order() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let mut hq = store(dir, "hq.db", "经理");
    let mut a = Account::named("宁波海天塑机集团有限公司");
    a.phone = "0574-86180000".into();
    a.region = "宁波".into();
    a.address = "北仑区".into();
    hq.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), "张伟");
    c.title = "采购经理".into();
    c.phone = "13805740001".into();
    hq.insert(&mut c).expect("contact");
    let (account, contact) = (a.meta.id.clone(), c.meta.id.clone());
    export_to(&hq, &dir.join("start"), Span::All, true);

    let mut rep1 = store(dir, "rep1.db", "王芳");
    let mut rep2 = store(dir, "rep2.db", "李强");
    merge(&mut rep1, &dir.join("start"));
    merge(&mut rep2, &dir.join("start"));
    let morning = rep1.now();

    // Rep 2 deletes the contact early; rep 1, who has not seen that, edits it later.
    later(&mut rep2, 5);
    rep2.delete::<Contact>(&contact, "已离职").expect("delete");
    later(&mut rep2, 5);
    edit_account(&mut rep2, &account, |a| a.website = "www.haitian.cn".into());
    later(&mut rep1, 20);
    edit_account(&mut rep1, &account, |a| a.region = "宁波北仑".into());
    let mut c: Contact = rep1.get(&contact).expect("contact");
    c.title = "采购总监".into();
    rep1.update(&mut c, "").expect("retitle");
    later(&mut rep1, 5);
    edit_account(&mut rep1, &account, |a| a.address = "北仑区大港路".into());
    later(&mut rep2, 30);
    edit_account(&mut rep2, &account, |a| a.address = "北仑区小港路".into());
    // Both enter the same new company.
    for (rep, owner) in [(&mut rep1, "王芳"), (&mut rep2, "李强")] {
        later(rep, 5);
        let mut n = Account::named("温州正泰电器有限公司");
        n.owner = owner.into();
        n.phone = "0577-62877777".into();
        rep.insert(&mut n).expect("new account");
    }
    // Day folders, masked as a rep sends them.
    export_to(&rep1, &dir.join("d1"), day(&rep1, morning), false);
    export_to(&rep2, &dir.join("d2"), day(&rep2, morning), false);

    let mut orders = Vec::new();
    for (name, first, second) in [("a.db", "d1", "d2"), ("b.db", "d2", "d1")] {
        let mut h = store(dir, name, "经理");
        later(&mut h, 600);
        merge(&mut h, &dir.join("start"));
        let one = merge(&mut h, &dir.join(first));
        let two = merge(&mut h, &dir.join(second));
        let conflicts: Vec<_> = one.conflicts.iter().chain(&two.conflicts).cloned().collect();
        orders.push((seen(&h, &account, &contact), conflicts));
    }
    let (a_seen, a_conflicts) = &orders[0];
    let (b_seen, b_conflicts) = &orders[1];
    assert_eq!(a_seen, b_seen, "the same file in either order");

    // Different fields of one account: both edits survive.
    assert_eq!(a_seen.region, "宁波北仑");
    assert_eq!(a_seen.website, "www.haitian.cn");
    // The same field: the newer edit wins, and it is listed with both values.
    assert_eq!(a_seen.address, "北仑区小港路");
    for conflicts in [a_conflicts, b_conflicts] {
        let on_address: Vec<_> = conflicts.iter().filter(|c| c.field == "address").collect();
        assert_eq!(on_address.len(), 1, "{conflicts:?}");
        let listed = [on_address[0].ours.as_str(), on_address[0].theirs.as_str()];
        assert!(listed.contains(&"北仑区大港路") && listed.contains(&"北仑区小港路"), "{listed:?}");
        assert_eq!(on_address[0].account, "宁波海天塑机集团有限公司", "named by its account");
        // The edit made after the deletion keeps the contact, and says so.
        assert!(
            conflicts.iter().any(|c| c.id == contact.to_string()),
            "the contact's deletion is listed: {conflicts:?}"
        );
    }
    // Masked folders blank nothing.
    assert_eq!(a_seen.phone, "0574-86180000");
    assert_eq!(a_seen.contact_mobile, "13805740001");
    assert!(a_seen.contact_live, "edited after it was deleted elsewhere: kept");
    assert_eq!(a_seen.contact_title, "采购总监");
    // One company entered by both reps is listed for the manager to fold.
    assert_eq!(
        a_seen.copies,
        [
            ("温州正泰电器有限公司".to_string(), "李强".to_string()),
            ("温州正泰电器有限公司".to_string(), "王芳".to_string())
        ]
    );
}
