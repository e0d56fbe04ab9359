//! A day-end merge reads each child file beside its main file when the
//! folder is in id order (as kam exports it), and through its scratch file
//! when it is not (issue #20): the same records, the same report and the
//! same refusals either way.

mod common;

use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use kam::exchange::import::{merge_dir_chunked, MergeReport};
use kam::model::{Account, CallPlan, ChangeEvent, Contact, Feedback, Order, Presentation, Target, VipCard, Visit};
use kam::store::{Record, Store};

use common::{csv_rows as rows, store, write_csv_rows as write_rows};

/// A demo file of 12 accounts exported whole (unmasked) into `dir/name`.
fn exported(tmp: &Path, name: &str) -> PathBuf {
    common::exported_demo(tmp, name, 7).1
}

/// The rows of a CSV file after its header in reverse order.
fn reverse(path: &Path) {
    let mut all = rows(path);
    all[1..].reverse();
    write_rows(path, &all);
}

/// Sets a cell of row `row` (the header is row 1).
fn edit(path: &Path, row: usize, column: &str, value: &str) {
    let mut all = rows(path);
    let at = all[0].iter().position(|h| h == column).expect("column");
    all[row - 1][at] = value.to_string();
    write_rows(path, &all);
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("dir") {
        let e = e.expect("entry");
        fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

/// Every record of a kind, by id.
fn all<R: Record>(s: &Store) -> Vec<R> {
    let mut v = s.list::<R>(100_000, 0).expect("list");
    v.sort_by(|a, b| a.meta().id.as_str().cmp(b.meta().id.as_str()));
    v
}

fn same<R: Record + PartialEq + Debug>(a: &Store, b: &Store) {
    assert_eq!(all::<R>(a), all::<R>(b), "{:?}", R::KIND);
}

fn same_records(a: &Store, b: &Store) {
    same::<Account>(a, b);
    same::<Contact>(a, b);
    same::<Order>(a, b);
    same::<Visit>(a, b);
    same::<ChangeEvent>(a, b);
    same::<Feedback>(a, b);
    same::<CallPlan>(a, b);
    same::<Presentation>(a, b);
    same::<VipCard>(a, b);
    same::<Target>(a, b);
}

fn json(r: &MergeReport) -> String {
    serde_json::to_string(r).expect("json")
}

#[test]
fn an_export_lists_main_rows_by_id_and_child_rows_by_parent() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = exported(tmp.path(), "day");
    for (file, column) in [("orders.csv", "id"), ("visits.csv", "id"), ("accounts.csv", "id"), ("contacts.csv", "id")] {
        let all = rows(&out.join(file));
        let at = all[0].iter().position(|h| h == column).expect("column");
        let ids: Vec<&str> = all[1..].iter().map(|r| r[at].as_str()).collect();
        assert!(ids.len() > 2, "{file} has rows");
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{file} by id");
    }
    let all = rows(&out.join("order_collections.csv"));
    let parents: Vec<&str> = all[1..].iter().map(|r| r[0].as_str()).collect();
    assert!(parents.windows(2).all(|w| w[0] <= w[1]), "collections by order");
}

#[test]
fn a_folder_out_of_id_order_merges_the_same_as_one_in_order() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = exported(tmp.path(), "day");
    // Visits out of order (read through the scratch file), and a folder
    // whose visits are in order but their contacts are not.
    let main_reversed = tmp.path().join("main_reversed");
    copy_dir(&out, &main_reversed);
    reverse(&main_reversed.join("visits.csv"));
    let child_reversed = tmp.path().join("child_reversed");
    copy_dir(&out, &child_reversed);
    reverse(&child_reversed.join("order_collections.csv"));
    for chunk in [3, usize::MAX] {
        let mut a = store(tmp.path(), &format!("in_order_{chunk}.db"));
        let ra = merge_dir_chunked(&mut a, &out, false, chunk, &mut |_, _| {}).expect("merge");
        assert!(ra.written && ra.rejects.is_empty(), "{:?}", ra.rejects);
        assert!(ra.kinds["order"][0] > 10, "orders merged");
        for (name, folder) in [("main", &main_reversed), ("child", &child_reversed)] {
            let mut b = store(tmp.path(), &format!("{name}_{chunk}.db"));
            let rb = merge_dir_chunked(&mut b, folder, false, chunk, &mut |_, _| {}).expect("merge");
            assert_eq!(json(&ra), json(&rb), "{name}, chunk {chunk}");
            same_records(&a, &b);
            // And merged again into a file that has them: nothing new.
            let again = merge_dir_chunked(&mut b, &out, false, chunk, &mut |_, _| {}).expect("merge");
            assert!(again.kinds.values().all(|[ins, upd, _, kept, _]| (*ins, *upd, *kept) == (0, 0, 0)));
        }
    }
}

#[test]
fn a_folder_out_of_id_order_is_refused_with_the_same_rows() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = exported(tmp.path(), "day");
    // A bad order that has collections (they then have no parent), a
    // collection naming no order, a collection with a control character.
    let orders = rows(&out.join("orders.csv"));
    let collections = rows(&out.join("order_collections.csv"));
    let parent = collections[1][0].clone();
    let bad_order = orders.iter().position(|r| r[0] == parent).expect("the order of a collection") + 1;
    edit(&out.join("orders.csv"), bad_order, "date", "someday");
    let last = collections.len();
    edit(&out.join("order_collections.csv"), last, "parent_id", "ffffffff-0000-7000-8000-000000000000");
    // A collection naming no order, between two orders' collections.
    let between = (3..last - 2).find(|&k| collections[k - 1][0] != collections[k][0]).expect("a last collection");
    let named = format!("{}0", collections[between - 1][0]);
    edit(&out.join("order_collections.csv"), between, "parent_id", &named);
    edit(&out.join("order_collections.csv"), last - 1, "date", "2024-01-01\u{1b}");
    let reversed = tmp.path().join("reversed");
    copy_dir(&out, &reversed);
    reverse(&reversed.join("visits.csv"));
    for chunk in [2, usize::MAX] {
        let mut a = store(tmp.path(), &format!("a_{chunk}.db"));
        let ra = merge_dir_chunked(&mut a, &out, false, chunk, &mut |_, _| {}).expect("merge");
        let dry = merge_dir_chunked(&mut a, &out, true, chunk, &mut |_, _| {}).expect("dry run");
        assert!(!ra.written);
        assert_eq!(json(&ra), json(&dry), "a dry run refuses the same rows");
        let files: Vec<(&str, usize)> = ra.rejects.iter().map(|r| (r.file.as_str(), r.row)).collect();
        assert!(files.contains(&("orders.csv", bad_order)), "{files:?}");
        assert!(files.contains(&("order_collections.csv", 2)), "the bad order's collection: {files:?}");
        assert!(files.contains(&("order_collections.csv", last)), "{files:?}");
        assert!(files.contains(&("order_collections.csv", last - 1)), "{files:?}");
        assert!(files.contains(&("order_collections.csv", between)), "{files:?}");
        let mut b = store(tmp.path(), &format!("b_{chunk}.db"));
        let rb = merge_dir_chunked(&mut b, &reversed, false, chunk, &mut |_, _| {}).expect("merge");
        assert_eq!(json(&ra), json(&rb), "chunk {chunk}");
        assert!(all::<Account>(&a).is_empty() && all::<Account>(&b).is_empty(), "nothing written");
    }
}

#[test]
fn an_order_whose_collections_pass_its_net_amount_is_refused_naming_its_row() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = exported(tmp.path(), "day");
    let orders = rows(&out.join("orders.csv"));
    let collections = rows(&out.join("order_collections.csv"));
    let parent = collections[1][0].clone();
    let order_row = orders.iter().position(|r| r[0] == parent).expect("the order of a collection") + 1;
    // Each cell reads; only the order with its collections does not hold.
    let net_at = orders[0].iter().position(|h| h == "net_amount").expect("net_amount");
    let net: f64 = orders[order_row - 1][net_at].parse().expect("net amount");
    edit(&out.join("order_collections.csv"), 2, "amount", &format!("{:.2}", net + 1.0));
    let reversed = tmp.path().join("reversed");
    copy_dir(&out, &reversed);
    reverse(&reversed.join("orders.csv"));
    let reversed_row = rows(&reversed.join("orders.csv")).iter().position(|r| r[0] == parent).expect("order") + 1;
    for (dir, row) in [(&out, order_row), (&reversed, reversed_row)] {
        let mut s = store(tmp.path(), &format!("hq_{}.db", dir.file_name().expect("name").to_string_lossy()));
        let r = merge_dir_chunked(&mut s, dir, false, 4, &mut |_, _| {}).expect("merge");
        assert!(!r.written, "{dir:?}");
        let refused: Vec<(&str, usize)> = r.rejects.iter().map(|r| (r.file.as_str(), r.row)).collect();
        // The order, and its collections, whose parent is then not merged.
        assert_eq!(refused, vec![("orders.csv", row), ("order_collections.csv", 2)], "{dir:?} {:?}", r.rejects);
        assert_eq!(r.rejects[0].problems[0].column, "collections", "{:?}", r.rejects);
        assert!(all::<Order>(&s).is_empty(), "nothing written");
    }
}

/// A folder that sends one account twice, the second row changed: into a file with no account at all (each record written
/// without looking first, looked up when its id is taken) it merges as
/// into a file that has other accounts (each looked up first).
#[test]
fn a_record_sent_twice_merges_into_an_empty_table_as_into_one_with_rows() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = exported(tmp.path(), "day");
    let path = out.join("accounts.csv");
    let mut all = rows(&path);
    let col = |name: &str| all[0].iter().position(|h| h == name).expect(name);
    let (address, updated) = (col("address"), col("updated_at"));
    let mut twice = all[1].clone();
    twice[address] = "宁波市江北区长兴路 8 号".to_string();
    let later =
        chrono::DateTime::parse_from_rfc3339(&twice[updated]).expect("updated_at") + chrono::Duration::minutes(1);
    twice[updated] = later.to_rfc3339();
    all.push(twice);
    write_rows(&path, &all);
    let manifest = out.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest).expect("manifest")).expect("json");
    m["files"]["accounts.csv"] = serde_json::json!(all.len() - 1);
    fs::write(&manifest, m.to_string()).expect("manifest");
    let id = kam::model::Id::parse(&all[1][0]).expect("id");

    let mut empty = store(tmp.path(), "empty.db");
    let into_empty = merge_dir_chunked(&mut empty, &out, false, 4, &mut |_, _| {}).expect("merge");
    let mut with_rows = store(tmp.path(), "with_rows.db");
    with_rows.insert(&mut Account::named("舟山港务集团有限公司")).expect("an account first");
    let into_rows = merge_dir_chunked(&mut with_rows, &out, false, 4, &mut |_, _| {}).expect("merge");

    assert!(into_empty.written && into_empty.rejects.is_empty(), "{:?}", into_empty.rejects);
    assert_eq!(json(&into_empty), json(&into_rows));
    let a: Account = empty.get(&id).expect("the account sent twice");
    assert_eq!(a, with_rows.get::<Account>(&id).expect("the account sent twice"));
    // Twelve accounts new; the second row of the one sent twice merged
    // onto the first (its change has the same field clock: kept as it was).
    assert_eq!(into_empty.kinds["account"][0], 12, "{:?}", into_empty.kinds);
    assert_eq!(into_empty.kinds["account"].iter().sum::<usize>(), 13, "{:?}", into_empty.kinds);
    assert!(empty.foreign_key_problems().expect("check").is_empty());
}
