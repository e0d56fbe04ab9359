//! A merge writes with SQLite's CHECK constraints set aside: it builds
//! every record from its cells and validates it first (issue #20). This
//! holds only if every value a cell can give, in a record that builds and
//! validates, is one the schema takes. Each column of each merged file
//! (main and child files) is given values from edge cases of every kind of
//! cell; each record that builds and validates is then written the way a
//! merge writes a new record, with the checks on.

mod common;

use std::path::Path;

use kam::model::{Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Order, Presentation, Target, VipCard, Visit};
use kam::store::{attach_children, export_layouts, record_from_cells, validated, ImportOp, Record, Store, Unsent};

use common::csv_rows as rows;

/// Cells at and past the edges of every check the schema makes: empty,
/// blank, signs, range ends, fractions, huge numbers, words, bad and far
/// dates, an id's length, a control character.
const EDGES: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "1",
    "10",
    "11",
    "100",
    "101",
    "-0.01",
    "0.5",
    "1.005",
    "99999999999999999",
    "abc",
    "yes",
    "no",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "2026-12",
    "2026-13",
    "2026-12-07T10:00:00Z",
    "01923812-a900-700a-8002-605a7a5a5568",
    "01923812-a900-700a-8002",
    "a\u{7}b",
];

/// A row's cells named by column.
type Row = Vec<(String, String)>;

/// What the probes were refused: file, column, cell, error.
#[derive(Default)]
struct Probed {
    refused: Vec<String>,
}

/// The first row of `file` in `folder`, as cells named by column.
fn first_row(folder: &Path, file: &str) -> Row {
    let all = rows(&folder.join(file));
    all[0].iter().cloned().zip(all[1].iter().cloned()).collect()
}

fn named(cells: &Row) -> Vec<(&str, &str)> {
    cells.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Builds the record of `main` with its first child row of each child
/// file, one cell of one of them replaced, and writes it as a new record
/// (a fresh id) when it builds and validates: how many were written.
fn probe<R: Record + Default + 'static>(store: &mut Store, folder: &Path, out: &mut Probed) -> usize {
    let mut written = 0;
    let layouts = export_layouts();
    let main = layouts.iter().find(|l| l.kind == R::KIND && l.child.is_none()).expect("main layout");
    let children: Vec<(&str, &str, Row)> = layouts
        .iter()
        .filter(|l| l.kind == R::KIND && l.child.is_some())
        .filter(|l| rows(&folder.join(format!("{}.csv", l.table))).len() > 1)
        .map(|l| (l.table, l.child.expect("child"), first_row(folder, &format!("{}.csv", l.table))))
        .collect();
    let base = first_row(folder, &format!("{}.csv", main.table));
    // (file, column, cell, main cells, child cells per child file)
    let mut cases = Vec::new();
    for (column, _) in &base {
        for edge in EDGES {
            let mut cells = base.clone();
            cells.iter_mut().filter(|(k, _)| k == column).for_each(|c| c.1 = (*edge).to_string());
            let kids: Vec<_> = children.iter().map(|(_, _, row)| row.clone()).collect();
            cases.push((main.table, column.clone(), *edge, cells, kids));
        }
    }
    for (k, (table, _, row)) in children.iter().enumerate() {
        for (column, _) in row.iter().filter(|(c, _)| c != "parent_id") {
            for edge in EDGES {
                let mut kids: Vec<_> = children.iter().map(|(_, _, row)| row.clone()).collect();
                kids[k].iter_mut().filter(|(c, _)| c == column).for_each(|c| c.1 = (*edge).to_string());
                cases.push((*table, column.clone(), *edge, base.clone(), kids));
            }
        }
    }
    for (file, column, edge, cells, kids) in &cases {
        let Ok(mut r) = record_from_cells::<R>(&named(cells)) else { continue };
        let attached =
            children.iter().zip(kids).all(|((_, child, _), row)| attach_children(&mut r, child, &[named(row)]).is_ok());
        if !attached || validated(&r).is_err() {
            continue;
        }
        r.meta_mut().id = Id::new();
        let op = ImportOp::Merge(r.into_any(), Unsent::default(), None);
        match store.apply_import(vec![op], "probe") {
            Ok(_) => written += 1,
            Err(e) if e.to_string().contains("CHECK constraint failed") => {
                out.refused.push(format!("{file}.{column} = {edge:?}: {e}"));
            }
            // A reference or a unique key the probe broke: the merge checks
            // those itself, apart from the schema's checks.
            Err(_) => {}
        }
    }
    written
}

#[test]
fn every_cell_a_merged_record_validates_with_is_one_the_schema_checks_take() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut store, folder) = common::exported_demo(tmp.path(), "day", 7);
    let mut out = Probed::default();
    let written = [
        ("account", probe::<Account>(&mut store, &folder, &mut out)),
        ("contact", probe::<Contact>(&mut store, &folder, &mut out)),
        ("order", probe::<Order>(&mut store, &folder, &mut out)),
        ("visit", probe::<Visit>(&mut store, &folder, &mut out)),
        ("change event", probe::<ChangeEvent>(&mut store, &folder, &mut out)),
        ("feedback", probe::<Feedback>(&mut store, &folder, &mut out)),
        ("call plan", probe::<CallPlan>(&mut store, &folder, &mut out)),
        ("presentation", probe::<Presentation>(&mut store, &folder, &mut out)),
        ("VIP card", probe::<VipCard>(&mut store, &folder, &mut out)),
        ("target", probe::<Target>(&mut store, &folder, &mut out)),
    ];
    assert!(out.refused.is_empty(), "validated, yet refused by the schema:\n{}", out.refused.join("\n"));
    // Records of every kind were written: the probes reached the schema.
    for (kind, n) in &written {
        assert!(*n > 20, "{kind}: {n} written ({written:?})");
    }
}
