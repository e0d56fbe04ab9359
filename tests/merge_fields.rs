//! The day-end merge field by field (issue #20, DESIGN §7): each field takes
//! the newer change of it, so two reps' edits to different fields of one
//! record both survive; the same field changed on both sides since their
//! shared version is a conflict, listed with both values, who and when; a
//! change made on top of a merged one is not; clocks are hybrid, so a
//! laptop whose clock is behind still wins with a change made after the
//! merge.

mod common;

use std::fs;
use std::path::Path;

use chrono::Duration;
use kam::exchange::export::{export, ExportOptions};
use kam::exchange::import::{merge_dir, MergeReport};
use kam::model::{Account, Collection, Order};
use kam::store::{Span, Store};
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
        unmask: false,
        who: "测试员".into(),
        now: s.now(),
    };
    export(s, &opts).expect("export");
}

fn merge(s: &mut Store, dir: &Path) -> MergeReport {
    let r = merge_dir(s, dir, false, &mut |_, _| {}).expect("merge");
    // The merge leaves SQLite's check of references to its own.
    assert_eq!(s.foreign_key_problems().expect("foreign keys"), Vec::<String>::new());
    r
}

fn later(s: &mut Store, by: Duration) {
    let mut c = s.clock();
    c.advance(by);
    s.set_clock(c);
}

/// Head office with one account, and two reps who merged its full export.
struct Team {
    hq: Store,
    rep1: Store,
    rep2: Store,
    account: Account,
}

fn team(tmp: &Path) -> Team {
    let mut hq = store(tmp, "hq.db", "经理");
    let mut a = Account::named("宁波海天塑机集团有限公司");
    a.phone = "0574-86180000".into();
    a.region = "宁波".into();
    hq.insert(&mut a).expect("account");
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
    assert!(merge(&mut rep1, &start).written);
    assert!(merge(&mut rep2, &start).written);
    later(&mut rep1, Duration::minutes(5));
    later(&mut rep2, Duration::minutes(10));
    later(&mut hq, Duration::minutes(20));
    Team { hq, rep1, rep2, account: a }
}

fn edit(s: &mut Store, id: &kam::model::Id, f: impl FnOnce(&mut Account)) {
    let mut a: Account = s.get(id).expect("account");
    f(&mut a);
    s.update(&mut a, "").expect("update");
}

#[test]
fn two_reps_editing_different_fields_of_one_account_both_survive_in_either_order() {
    let tmp = tempfile::tempdir().expect("tmp");
    for order in [[1, 2], [2, 1]] {
        let dir = tmp.path().join(format!("order{}{}", order[0], order[1]));
        fs::create_dir_all(&dir).expect("dir");
        let Team { mut hq, mut rep1, mut rep2, account } = team(&dir);
        let id = account.meta.id.clone();
        edit(&mut rep1, &id, |a| a.region = "浙江宁波北仑".into());
        edit(&mut rep2, &id, |a| a.phone = "0574-86189999".into());
        let (d1, d2) = (dir.join("rep1"), dir.join("rep2"));
        export_to(&rep1, &d1);
        export_to(&rep2, &d2);
        for n in order {
            let r = merge(&mut hq, if n == 1 { &d1 } else { &d2 });
            assert!(r.conflicts.is_empty(), "different fields are no conflict: {:?}", r.conflicts);
            assert_eq!(r.kinds["account"], [0, 1, 0, 0, 0], "merging rep{n}");
        }
        let got: Account = hq.get(&id).expect("hq");
        assert_eq!(got.region, "浙江宁波北仑", "rep 1's region survives (order {order:?})");
        assert_eq!(got.phone, "0574-86189999", "rep 2's phone survives (order {order:?})");
        // The fields remember who changed them: head office's export
        // brings rep 2's phone to rep 1 and leaves rep 1's region alone.
        let back = dir.join("back");
        export_to(&hq, &back);
        let r = merge(&mut rep1, &back);
        assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
        let mine: Account = rep1.get(&id).expect("rep1");
        assert_eq!((mine.region.as_str(), mine.phone.as_str()), ("浙江宁波北仑", "0574-86189999"));
        // Merged again, nothing changes.
        assert_eq!(merge(&mut hq, &d1).kinds["account"], [0, 0, 1, 0, 0]);
        assert_eq!(merge(&mut rep1, &back).kinds["account"], [0, 0, 1, 0, 0]);
    }
}

#[test]
fn one_field_changed_by_both_is_a_conflict_the_newer_change_wins_and_both_values_are_listed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, mut rep2, account } = team(tmp.path());
    let id = account.meta.id.clone();
    edit(&mut rep1, &id, |a| a.region = "北仑".into());
    edit(&mut rep2, &id, |a| a.region = "镇海".into());
    let (d1, d2) = (tmp.path().join("rep1"), tmp.path().join("rep2"));
    export_to(&rep1, &d1);
    export_to(&rep2, &d2);
    assert!(merge(&mut hq, &d1).conflicts.is_empty(), "head office had not changed the region");
    let r = merge(&mut hq, &d2);
    assert_eq!(r.kinds["account"], [0, 1, 0, 1, 0], "updated, with a conflict");
    assert_eq!(r.conflicts.len(), 1);
    let c = &r.conflicts[0];
    assert_eq!((c.field.as_str(), c.ours.as_str(), c.theirs.as_str()), ("region", "北仑", "镇海"));
    assert_eq!((c.ours_by.as_str(), c.theirs_by.as_str()), ("王芳", "李强"));
    assert!(c.took_theirs && c.theirs_at > c.ours_at);
    assert_eq!(c.field_shown(Lang::Zh), "地区");
    assert_eq!(hq.get::<Account>(&id).expect("hq").region, "镇海", "the newer change wins");
    // Rep 2 merging rep 1's folder: ours is newer, kept, and listed.
    let r = merge(&mut rep2, &d1);
    assert_eq!(r.kinds["account"], [0, 0, 0, 1, 0]);
    assert!(!r.conflicts[0].took_theirs);
    assert_eq!(rep2.get::<Account>(&id).expect("rep2").region, "镇海");
    // The list a manager reads: the record, the field, both values, who and when.
    let dest = tmp.path().join("conflicts.csv");
    kam::exchange::import::write_conflicts(&dest, Lang::Zh, &r.conflicts).expect("write");
    let text = fs::read_to_string(&dest).expect("read");
    assert!(text.contains("客户,宁波海天塑机集团有限公司,宁波海天塑机集团有限公司,地区,镇海,李强,"), "{text}");
    assert!(text.contains(",北仑,王芳,"), "{text}");
}

#[test]
fn a_change_made_on_top_of_a_merged_one_is_no_conflict() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, mut rep2, account } = team(tmp.path());
    let id = account.meta.id.clone();
    edit(&mut rep1, &id, |a| a.region = "北仑".into());
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    merge(&mut hq, &d1);
    // Rep 2 takes head office's file, then corrects the region.
    let hq_out = tmp.path().join("hq");
    export_to(&hq, &hq_out);
    assert!(merge(&mut rep2, &hq_out).conflicts.is_empty());
    assert_eq!(rep2.get::<Account>(&id).expect("rep2").region, "北仑");
    edit(&mut rep2, &id, |a| a.region = "北仑区新碶街道".into());
    let d2 = tmp.path().join("rep2");
    export_to(&rep2, &d2);
    let r = merge(&mut hq, &d2);
    assert!(r.conflicts.is_empty(), "rep 2 changed the region knowing rep 1's: {:?}", r.conflicts);
    assert_eq!(hq.get::<Account>(&id).expect("hq").region, "北仑区新碶街道");
    // And rep 1, merging head office's file, takes it without a conflict.
    let again = tmp.path().join("hq2");
    export_to(&hq, &again);
    assert!(merge(&mut rep1, &again).conflicts.is_empty());
    assert_eq!(rep1.get::<Account>(&id).expect("rep1").region, "北仑区新碶街道");
}

#[test]
fn a_laptop_whose_clock_is_behind_still_wins_with_a_change_made_after_the_merge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, mut rep2, account } = team(tmp.path());
    let id = account.meta.id.clone();
    edit(&mut rep1, &id, |a| a.region = "北仑".into());
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    // Rep 2's clock is two hours behind everybody's.
    later(&mut rep2, -Duration::hours(2));
    merge(&mut rep2, &d1);
    edit(&mut rep2, &id, |a| a.region = "镇海".into());
    let mine: Account = rep2.get(&id).expect("rep2");
    let theirs: Account = rep1.get(&id).expect("rep1");
    assert!(mine.meta.updated_at > theirs.meta.updated_at, "the change is stamped after the one it replaced");
    let d2 = tmp.path().join("rep2");
    export_to(&rep2, &d2);
    merge(&mut hq, &d1);
    let r = merge(&mut hq, &d2);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(hq.get::<Account>(&id).expect("hq").region, "镇海");
}

#[test]
fn an_orders_collections_are_one_field() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, mut rep2, account } = team(tmp.path());
    let orders: Vec<Order> = rep1.list_for_account(&account.meta.id).expect("orders");
    let mut o = orders[0].clone();
    o.collections = vec![Collection { date: common::today(), amount: Money::from_yuan(4_000) }];
    rep1.update(&mut o, "").expect("collect");
    let mut a: Account = rep2.get(&account.meta.id).expect("account");
    a.notes = "年底前追加一批".into();
    rep2.update(&mut a, "").expect("notes");
    let (d1, d2) = (tmp.path().join("rep1"), tmp.path().join("rep2"));
    export_to(&rep1, &d1);
    export_to(&rep2, &d2);
    merge(&mut hq, &d2);
    let r = merge(&mut hq, &d1);
    assert!(r.conflicts.is_empty());
    let got: Order = hq.get(&o.meta.id).expect("order");
    assert_eq!(got.collections.len(), 1);
    assert_eq!(got.collections[0].amount, Money::from_yuan(4_000));
    assert_eq!(hq.get::<Account>(&account.meta.id).expect("a").notes, "年底前追加一批");
}

#[test]
fn a_folder_from_before_field_clocks_merges_whole_records_as_before() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, account, .. } = team(tmp.path());
    let id = account.meta.id.clone();
    edit(&mut hq, &id, |a| a.notes = "总部备注".into());
    later(&mut rep1, Duration::minutes(30));
    edit(&mut rep1, &id, |a| a.region = "北仑".into());
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    fs::remove_file(d1.join("field_clocks.csv")).expect("rm");
    let m = d1.join("manifest.json");
    let mut v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&m).expect("m")).expect("json");
    v["files"].as_object_mut().expect("files").remove("field_clocks.csv");
    fs::write(&m, v.to_string()).expect("write");
    merge(&mut hq, &d1);
    let got: Account = hq.get(&id).expect("hq");
    assert_eq!(got.region, "北仑");
    assert_eq!(got.notes, "", "without clocks the record saved last wins whole, as kam did before");
}

#[test]
fn a_bad_clock_row_is_refused_naming_its_row_and_column() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, account, .. } = team(tmp.path());
    edit(&mut rep1, &account.meta.id, |a| a.region = "北仑".into());
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    let path = d1.join("field_clocks.csv");
    let text = fs::read_to_string(&path).expect("read");
    let text = text.replacen(",region,2026-", ",region,9999-", 1);
    fs::write(&path, text).expect("write");
    let r = merge_dir(&mut hq, &d1, false, &mut |_, _| {}).expect("checked");
    assert!(!r.written);
    let bad = &r.rejects[0];
    assert_eq!((bad.file.as_str(), bad.row, bad.problems[0].column.as_str()), ("field_clocks.csv", 2, "at"));
    assert_eq!(hq.get::<Account>(&account.meta.id).expect("hq").region, "宁波", "nothing written");
}

#[test]
fn a_masked_export_sends_no_clock_of_a_masked_field() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { rep1, account, .. } = team(tmp.path());
    let mut rep1 = rep1;
    let mut c = kam::model::Contact::of(account.meta.id.clone(), "曾志伟");
    c.phone = "15812340194".into();
    rep1.insert(&mut c).expect("contact");
    c.phone = "15812340195".into();
    c.title = "总经理".into();
    rep1.update(&mut c, "").expect("update");
    let d1 = tmp.path().join("rep1");
    export_to(&rep1, &d1);
    let text = fs::read_to_string(d1.join("field_clocks.csv")).expect("read");
    assert!(text.contains(",title,"), "{text}");
    assert!(!text.contains(",phone,"), "a masked phone's clock is not sent: {text}");
}

/// A record created at head office, whose clock is ahead, and merged by a
/// rep whose clock is behind: the rep's edit made after the merge is newer
/// than the record's creation (the hybrid clock's floor rises with what a
/// merge brings, not only with field clocks), so head office takes it.
#[test]
fn an_edit_of_a_merged_new_record_on_a_laptop_behind_is_not_lost() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Team { mut hq, mut rep1, .. } = team(tmp.path());
    later(&mut hq, Duration::hours(2));
    let mut a = Account::named("杭州西湖精密机械有限公司");
    a.region = "杭州".into();
    hq.insert(&mut a).expect("new account at head office");
    let out = tmp.path().join("hq-new");
    export_to(&hq, &out);
    merge(&mut rep1, &out);
    edit(&mut rep1, &a.meta.id, |a| a.region = "杭州西湖区".into());
    let back = tmp.path().join("rep1-back");
    export_to(&rep1, &back);
    let r = merge(&mut hq, &back);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    let got: Account = hq.get(&a.meta.id).expect("account");
    assert_eq!(got.region, "杭州西湖区", "the rep's later edit wins though the rep's clock is 2 h behind");
}
