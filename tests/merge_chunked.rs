//! A day-end merge read a few rows at a time (issue #17): the same records,
//! the same report and the same refusals as a merge of the whole folder.

mod common;

use std::path::{Path, PathBuf};

use kam::exchange::import::merge_dir_chunked;
use kam::model::{Account, Order};
use kam::store::Store;

use common::{csv_rows as rows, store, write_csv_rows};

/// A demo file of 12 accounts exported whole (unmasked) into `dir/name`.
fn exported(tmp: &Path, name: &str) -> (Store, PathBuf) {
    common::exported_demo(tmp, name, 5)
}

/// Sets a cell of the last row of a CSV file; returns that row's number
/// (the header is row 1).
fn edit_last(path: &Path, column: &str, value: &str) -> usize {
    let mut all = rows(path);
    let at = all[0].iter().position(|h| h == column).expect("column");
    let last = all.len();
    all[last - 1][at] = value.to_string();
    write_csv_rows(path, &all);
    last
}

#[test]
fn a_folder_larger_than_a_chunk_merges_whole_with_children_across_chunks() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (a, out) = exported(tmp.path(), "day");
    // Child rows of the orders in every chunk of 3, the last ones included.
    let collections = rows(&out.join("order_collections.csv"));
    assert!(collections.len() > 10, "the demo has order collections to attach");
    let mut b = store(tmp.path(), "b.db");
    let mut seen = Vec::new();
    let r = merge_dir_chunked(&mut b, &out, false, 3, &mut |what, n| seen.push((what.to_string(), n))).expect("merge");
    assert!(r.written && r.rejects.is_empty());
    let mut whole = store(tmp.path(), "whole.db");
    let w = merge_dir_chunked(&mut whole, &out, false, usize::MAX, &mut |_, _| {}).expect("merge");
    assert_eq!(r.kinds, w.kinds, "the same counts per kind, chunked or not");
    assert_eq!(r.kinds["account"], [12, 0, 0, 0, 0]);
    let orders_a = a.list::<Order>(100_000, 0).expect("orders");
    assert!(orders_a.iter().any(|o| !o.collections.is_empty()));
    assert_eq!(orders_a, b.list::<Order>(100_000, 0).expect("orders"), "orders with their collections");
    assert_eq!(a.list::<Account>(100, 0).expect("a"), b.list::<Account>(100, 0).expect("b"));
    assert!(seen.iter().any(|(w, _)| w == "writing"), "progress reaches the writing");
    assert!(seen.iter().filter(|(w, _)| w == "orders").count() > 2, "progress per chunk: {seen:?}");
    // Again: nothing new, every record the same.
    let again = merge_dir_chunked(&mut b, &out, false, 3, &mut |_, _| {}).expect("merge");
    for (kind, [ins, upd, _, kept, _]) in &again.kinds {
        assert_eq!((*ins, *upd, *kept), (0, 0, 0), "{kind}");
    }
}

#[test]
fn a_bad_row_in_the_last_chunk_refuses_the_whole_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, out) = exported(tmp.path(), "day");
    let last = edit_last(&out.join("orders.csv"), "date", "someday");
    let mut b = store(tmp.path(), "b.db");
    let dry = merge_dir_chunked(&mut b, &out, true, 3, &mut |_, _| {}).expect("dry run");
    let r = merge_dir_chunked(&mut b, &out, false, 3, &mut |_, _| {}).expect("merge");
    assert_eq!(dry.rejects.len(), r.rejects.len());
    // The bad order first; its collections (if any) then have no parent.
    assert!(r.rejects[1..].iter().all(|x| x.file == "order_collections.csv" && x.problems[0].column == "parent_id"));
    assert_eq!((r.rejects[0].file.as_str(), r.rejects[0].row), ("orders.csv", last));
    assert_eq!(r.rejects[0].problems[0].column, "date");
    assert!(!r.written);
    assert!(b.list::<Account>(100, 0).expect("list").is_empty(), "nothing merged, accounts neither");
    assert!(b.list::<Order>(100, 0).expect("list").is_empty());
}

#[test]
fn a_child_row_of_an_unknown_parent_is_a_reject_naming_file_and_row() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, out) = exported(tmp.path(), "day");
    let row = edit_last(&out.join("order_collections.csv"), "parent_id", "0190aaaa-0000-7000-8000-000000000000");
    let mut b = store(tmp.path(), "b.db");
    let r = merge_dir_chunked(&mut b, &out, false, 3, &mut |_, _| {}).expect("merge");
    assert_eq!(r.rejects.len(), 1, "{:?}", r.rejects);
    assert_eq!((r.rejects[0].file.as_str(), r.rejects[0].row), ("order_collections.csv", row));
    assert_eq!(r.rejects[0].problems[0].column, "parent_id");
    assert!(r.rejects[0].problems[0].message.contains("orders.csv"));
    assert!(!r.written);
    assert!(b.list::<Order>(100, 0).expect("list").is_empty(), "nothing merged");
}
