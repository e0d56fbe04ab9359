//! Deletions travel with the day-end folders (issue #20, DESIGN §7): a
//! record a rep moves to the trash goes to the trash at head office and on
//! every laptop that merges head office's export; a deletion against a
//! change is decided like any other change, the newer wins, and a change
//! the deleting side had not seen is listed; folders merge to the same file
//! in any order, and merging one twice changes nothing.

mod common;

use std::fs;
use std::path::Path;

use chrono::Duration;
use kam::exchange::export::{export, ExportOptions};
use kam::exchange::import::{merge_dir, MergeReport};
use kam::model::{Account, Contact, Id, Order};
use kam::store::{RecordKind, Span, Store, DELETED_HERE, DELETED_THERE};
use kam_rules::{Lang, Money};

fn store(dir: &Path, name: &str, user: &str) -> Store {
    let mut s = Store::open(&dir.join(name), common::clock()).expect("open");
    s.set_user(user);
    s
}

fn export_to(s: &Store, dir: &Path) {
    let opts = ExportOptions {
        span: Span::All,
        range: "test".into(),
        dir: dir.to_path_buf(),
        bom: true,
        lang: Lang::Zh,
        unmask: true,
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

fn later(s: &mut Store, by: Duration) {
    let mut c = s.clock();
    c.advance(by);
    s.set_clock(c);
}

/// Head office with an account, its order and a contact; two reps who
/// merged its full export.
struct Team {
    hq: Store,
    rep1: Store,
    rep2: Store,
    account: Id,
    contact: Id,
}

fn team(tmp: &Path) -> Team {
    let mut hq = store(tmp, "hq.db", "经理");
    let mut a = Account::named("宁波海天塑机集团有限公司");
    a.region = "宁波".into();
    hq.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), "张伟");
    c.title = "采购经理".into();
    hq.insert(&mut c).expect("contact");
    let mut o = Order {
        account_id: a.meta.id.clone(),
        amount: Money::from_yuan(10_000),
        net_amount: Money::from_yuan(10_000),
        ..Order::default()
    };
    o.date = common::today();
    hq.insert(&mut o).expect("order");
    let start = tmp.join("start");
    export_to(&hq, &start);
    let mut rep1 = store(tmp, "rep1.db", "王芳");
    let mut rep2 = store(tmp, "rep2.db", "李强");
    merge(&mut rep1, &start);
    merge(&mut rep2, &start);
    later(&mut rep1, Duration::minutes(5));
    later(&mut rep2, Duration::minutes(5));
    later(&mut hq, Duration::minutes(60));
    Team { hq, rep1, rep2, account: a.meta.id, contact: c.meta.id }
}

fn retitle(s: &mut Store, id: &Id, title: &str) {
    let mut c: Contact = s.get(id).expect("contact");
    c.title = title.into();
    s.update(&mut c, "").expect("update");
}

fn live(s: &Store, kind: RecordKind, id: &Id) -> bool {
    s.exists(kind, id).expect("exists")
}

/// What a merge order must leave the same: the contact's and account's
/// liveness, the contact's title, and the trash as its list shows it (the
/// record, who deleted it, why, and whether at the deleting rep's time).
type State = (bool, bool, String, Vec<(String, String, String, bool)>);

fn state(s: &Store, rep: &Store, contact: &Id, account: &Id) -> State {
    let title = s.get_any::<Contact>(contact).map(|c| c.title).unwrap_or_default();
    let theirs = rep.trash().expect("rep's trash");
    let mut trash: Vec<_> = s
        .trash()
        .expect("trash")
        .into_iter()
        .map(|t| {
            let which = if t.id == *contact {
                "contact"
            } else if t.id == *account {
                "account"
            } else {
                "other"
            };
            let same_time = theirs.iter().any(|r| r.id == t.id && r.deleted_at == t.deleted_at);
            (which.to_string(), t.deleted_by, t.reason, same_time)
        })
        .collect();
    trash.sort();
    (live(s, RecordKind::Contact, contact), live(s, RecordKind::Account, account), title, trash)
}

#[test]
fn a_contact_a_rep_deletes_goes_to_the_trash_at_head_office_and_on_the_other_laptop() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, mut rep2, account, contact } = team(tmp.path());
    rep1.delete::<Contact>(&contact, "离职").expect("delete");
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    let text = fs::read_to_string(d1.join("deletions.csv")).expect("deletions.csv");
    assert!(text.contains(&contact.to_string()));
    // A Chinese export says it in Chinese; the merge reads it back.
    assert!(text.trim_start_matches('\u{feff}').starts_with("记录类型,记录ID,删除时间,删除人,删除原因,"), "{text}");
    assert!(text.contains("\n联系人,"), "the kind by its label: {text}");

    let r = merge(&mut hq, &d1);
    assert_eq!(r.kinds["contact"][4], 1, "one contact moved to the trash: {:?}", r.kinds);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert!(!live(&hq, RecordKind::Contact, &contact), "the contact is in head office's trash");
    assert!(live(&hq, RecordKind::Account, &account), "its account is not");
    let t = hq.trash().expect("trash");
    let entry = t.iter().find(|t| t.id == contact).expect("in the trash list");
    assert_eq!((entry.deleted_by.as_str(), entry.reason.as_str()), ("王芳", "离职"), "who deleted it and why travel");

    let again = merge(&mut hq, &d1);
    assert_eq!(again.kinds["contact"][4], 0, "merging the folder twice deletes nothing more: {:?}", again.kinds);
    assert!(again.conflicts.is_empty());

    // Head office's full export takes the deletion on to the other rep.
    let hq_dir = tmp.path().join("hq");
    export_to(&hq, &hq_dir);
    let r = merge(&mut rep2, &hq_dir);
    assert_eq!(r.kinds["contact"][4], 1, "{:?}", r.kinds);
    assert!(!live(&rep2, RecordKind::Contact, &contact));
    // And restoring it brings it back with what it held.
    hq.restore(&contact).expect("restore");
    assert_eq!(hq.get::<Contact>(&contact).expect("back").title, "采购经理");
}

#[test]
fn an_edit_made_after_the_deletion_keeps_the_record_and_is_listed_in_either_order() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut states = Vec::new();
    for order in [[1, 2], [2, 1]] {
        let dir = tmp.path().join(format!("order{}{}", order[0], order[1]));
        fs::create_dir_all(&dir).expect("dir");
        let Team { mut hq, mut rep1, mut rep2, account, contact } = team(&dir);
        rep1.delete::<Contact>(&contact, "重复录入").expect("delete");
        later(&mut rep2, Duration::minutes(10));
        retitle(&mut rep2, &contact, "采购总监");
        let (d1, d2) = (dir.join("rep1"), dir.join("rep2"));
        export_to(&rep1, &d1);
        export_to(&rep2, &d2);
        let mut listed = Vec::new();
        for n in order {
            let r = merge(&mut hq, if n == 1 { &d1 } else { &d2 });
            listed.extend(r.conflicts);
        }
        assert!(live(&hq, RecordKind::Contact, &contact), "the later edit wins over the deletion (order {order:?})");
        assert_eq!(hq.get::<Contact>(&contact).expect("contact").title, "采购总监");
        // Head office met the deletion first (it was deleted here when the
        // edit came) or the edit first (deleted there, changed here).
        let (field, kept_theirs) = if order == [1, 2] { (DELETED_HERE, true) } else { (DELETED_THERE, false) };
        let c = listed.iter().find(|c| c.field == field).expect("the deletion against the edit is listed");
        assert_eq!(c.took_theirs, kept_theirs, "the edit is what was kept");
        let line = c.line(Lang::Zh);
        assert!(
            line.contains("删除了") && line.contains("重复录入") && line.contains("王芳") && line.contains("李强"),
            "{line}"
        );
        states.push(state(&hq, &rep1, &contact, &account));
    }
    assert_eq!(states[0], states[1], "both orders give the same file");
}

#[test]
fn a_deletion_after_an_edit_it_had_not_seen_wins_and_the_edit_is_listed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut states = Vec::new();
    for order in [[1, 2], [2, 1]] {
        let dir = tmp.path().join(format!("order{}{}", order[0], order[1]));
        fs::create_dir_all(&dir).expect("dir");
        let Team { mut hq, mut rep1, mut rep2, account, contact } = team(&dir);
        retitle(&mut rep2, &contact, "采购总监");
        later(&mut rep1, Duration::minutes(10));
        rep1.delete::<Contact>(&contact, "离职").expect("delete");
        let (d1, d2) = (dir.join("rep1"), dir.join("rep2"));
        export_to(&rep1, &d1);
        export_to(&rep2, &d2);
        let mut listed = Vec::new();
        for n in order {
            listed.extend(merge(&mut hq, if n == 1 { &d1 } else { &d2 }).conflicts);
        }
        assert!(!live(&hq, RecordKind::Contact, &contact), "the later deletion wins (order {order:?})");
        if order == [2, 1] {
            let c = listed.iter().find(|c| c.field == DELETED_THERE).expect("the unseen edit is listed");
            assert!(c.took_theirs, "the deletion was kept");
            assert_eq!(c.ours_by, "李强", "the edit that went with it is named");
        }
        states.push(state(&hq, &rep1, &contact, &account));
    }
    assert!(states[0].3.contains(&("contact".into(), "王芳".into(), "离职".into(), true)), "{:?}", states[0]);
    assert_eq!(states[0], states[1], "both orders give the same file");
}

#[test]
fn an_account_deleted_by_a_rep_takes_its_contacts_and_orders_to_the_trash_at_head_office() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, account, contact, .. } = team(tmp.path());
    rep1.delete::<Account>(&account, "客户倒闭").expect("delete");
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    let r = merge(&mut hq, &d1);
    assert_eq!(r.kinds["account"][4], 1, "{:?}", r.kinds);
    assert!(!live(&hq, RecordKind::Account, &account));
    assert!(!live(&hq, RecordKind::Contact, &contact), "its contact went with it");
    let t = hq.trash().expect("trash");
    let entry = t.iter().find(|t| t.id == account).expect("listed");
    assert_eq!(entry.with, 2, "the contact and the order are in the trash with it");
    hq.restore(&account).expect("restore");
    assert!(live(&hq, RecordKind::Contact, &contact), "restoring the account brings its contact back");
}

#[test]
fn a_deletion_merged_before_the_record_it_deletes_gives_the_same_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut states = Vec::new();
    for first_deleted in [false, true] {
        let dir = tmp.path().join(format!("first_deleted_{first_deleted}"));
        fs::create_dir_all(&dir).expect("dir");
        let Team { mut hq, mut rep1, account, .. } = team(&dir);
        // A contact head office has not seen: one folder brings it, a later one deletes it.
        let mut c = Contact::of(account.clone(), "李娜");
        c.title = "总经理秘书".into();
        rep1.insert(&mut c).expect("contact");
        let (brings, deletes) = (dir.join("brings"), dir.join("deletes"));
        export_to(&rep1, &brings);
        later(&mut rep1, Duration::minutes(10));
        rep1.delete::<Contact>(&c.meta.id, "录错了").expect("delete");
        export_to(&rep1, &deletes);
        let folders = if first_deleted { [&deletes, &brings] } else { [&brings, &deletes] };
        for f in folders {
            merge(&mut hq, f);
        }
        assert!(
            !live(&hq, RecordKind::Contact, &c.meta.id),
            "the deleted contact is not live (deletion first: {first_deleted})"
        );
        let t = hq.trash().expect("trash");
        assert!(t.iter().any(|t| t.id == c.meta.id && t.reason == "录错了"), "it is in the trash, with the reason");
        states.push(state(&hq, &rep1, &c.meta.id, &account));
        // Merging both again changes nothing.
        for f in folders {
            let r = merge(&mut hq, f);
            assert!(r.kinds.values().all(|k| k[0] == 0 && k[1] == 0 && k[4] == 0), "{:?}", r.kinds);
        }
    }
    assert!(states[0].3.contains(&("contact".into(), "王芳".into(), "录错了".into(), true)), "{:?}", states[0]);
    assert_eq!(states[0], states[1], "the merge order does not matter");
}

#[test]
fn a_bad_deletion_row_refuses_the_folder_naming_the_file_row_and_column() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, contact, .. } = team(tmp.path());
    rep1.delete::<Contact>(&contact, "离职").expect("delete");
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    let path = d1.join("deletions.csv");
    let text = fs::read_to_string(&path).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen("联系人", "planet", 1);
    fs::write(&path, lines.join("\n") + "\n").expect("write");
    let r = merge_dir(&mut hq, &d1, false, &mut |_, _| {}).expect("merge");
    assert!(!r.written);
    let rej = r.rejects.iter().find(|r| r.file == "deletions.csv").expect("deletions.csv is named");
    assert_eq!(rej.row, 2);
    assert_eq!(rej.problems[0].column, "kind");
    assert!(live(&hq, RecordKind::Contact, &contact), "nothing was deleted");
}

#[test]
fn a_folder_without_deletions_from_an_older_kam_deletes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, contact, .. } = team(tmp.path());
    rep1.delete::<Contact>(&contact, "离职").expect("delete");
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    fs::remove_file(d1.join("deletions.csv")).expect("rm");
    let manifest = fs::read_to_string(d1.join("manifest.json")).expect("manifest");
    let mut m: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    m["files"].as_object_mut().expect("files").remove("deletions.csv");
    fs::write(d1.join("manifest.json"), m.to_string()).expect("write");
    merge(&mut hq, &d1);
    assert!(live(&hq, RecordKind::Contact, &contact));
}
