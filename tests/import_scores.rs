//! Scorecard scores from a spreadsheet (#18): an account column and one
//! column per criterion of the rules; all rows checked, then all saved or none.

mod common;

use std::fs;
use std::path::Path;

use kam::exchange::import::import_scores;
use kam::model::Account;
use kam::store::Store;
use kam_rules::{Lang, Rules};

fn store(dir: &Path) -> Store {
    let mut s = Store::open(&dir.join("kam.db"), common::clock()).expect("open");
    s.set_user("主管");
    s
}

fn scores_of(store: &Store, a: &Account) -> Vec<(String, u8)> {
    let mut v: Vec<_> =
        store.get::<Account>(&a.meta.id).expect("get").scores.into_iter().map(|s| (s.criterion, s.score)).collect();
    v.sort();
    v
}

#[test]
fn scores_come_in_by_name_or_id_and_a_bad_row_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = store(dir.path());
    let criteria = Rules::default().abc.criteria;
    let mut west = Account::named("杭州西湖精密机械有限公司");
    store.save(&mut west, "").expect("save");
    let mut east = Account::named("宁波东方塑料有限公司");
    east.scores.push(kam::model::Score { criterion: "payment_record".into(), score: 4 });
    store.save(&mut east, "").expect("save");

    // Headers by Chinese label, by key and by English label; a blank cell
    // keeps the stored score; an unknown column is reported, not used.
    let sheet = dir.path().join("评分.csv");
    let id = east.meta.id.as_str();
    fs::write(
        &sheet,
        format!("客户名称,市场领导,technical_leader,Payment record,备注\n杭州西湖精密机械,9,7,,x\n{id},,,8,\n"),
    )
    .expect("write");
    let r = import_scores(&mut store, &sheet, &criteria, Lang::Zh, false).expect("import");
    assert!(r.written && r.rejects.is_empty(), "{r:?}");
    assert_eq!((r.rows, r.accounts, r.scores, r.unchanged), (2, 2, 3, 0));
    assert_eq!(r.ignored_columns, ["备注"]);
    assert_eq!(scores_of(&store, &west), [("market_leader".into(), 9), ("technical_leader".into(), 7)]);
    assert_eq!(scores_of(&store, &east), [("payment_record".into(), 8)], "by id, the blank cells kept");
    let history = store.history(&west.meta.id).expect("history");
    assert!(history.iter().any(|l| l.reason.contains("评分.csv") && l.who == "主管"), "{history:?}");

    // The same sheet again changes nothing.
    let r = import_scores(&mut store, &sheet, &criteria, Lang::Zh, false).expect("again");
    assert_eq!((r.accounts, r.scores, r.unchanged), (0, 0, 2));

    // One bad row refuses the sheet: the good row is not written either.
    let bad = dir.path().join("scores.csv");
    fs::write(&bad, "account,market_leader\n杭州西湖精密机械,3\n没有这家公司,5\n宁波东方塑料,11\n杭州西湖精密机械,4\n")
        .expect("write");
    let r = import_scores(&mut store, &bad, &criteria, Lang::En, false).expect("checked");
    assert!(!r.written);
    let rows: Vec<usize> = r.rejects.iter().map(|x| x.row).collect();
    assert_eq!(rows, [3, 4, 5], "unknown account, score 11, an account scored twice: {r:?}");
    assert!(r.rejects[0].problems[0].message.contains("no account named"), "{r:?}");
    assert!(r.rejects[1].problems[0].column == "market_leader" && r.rejects[1].problems[0].message.contains("11"));
    assert!(r.rejects[2].problems[0].message.contains("row 2"), "{r:?}");
    assert_eq!(scores_of(&store, &west)[0], ("market_leader".into(), 9), "nothing written");

    // A dry run checks and counts but writes nothing.
    fs::write(&bad, "account,market_leader\n杭州西湖精密机械,3\n").expect("write");
    let r = import_scores(&mut store, &bad, &criteria, Lang::En, true).expect("dry run");
    assert_eq!((r.written, r.scores), (false, 1));
    assert_eq!(scores_of(&store, &west)[0], ("market_leader".into(), 9));

    // No account column, or no criterion column: refused naming what is missing.
    fs::write(&bad, "market_leader\n3\n").expect("write");
    let e = import_scores(&mut store, &bad, &criteria, Lang::En, false).expect_err("no account column");
    assert!(e.to_string().contains("no account column"), "{e}");
    fs::write(&bad, "account,quality\nx,3\n").expect("write");
    let e = import_scores(&mut store, &bad, &criteria, Lang::En, false).expect_err("no criterion");
    assert!(e.to_string().contains("market_leader (Market leader)"), "{e}");
}
