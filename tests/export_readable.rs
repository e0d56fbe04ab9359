//! Exports a manager can read (#20): child rows numbered from 1, choices in
//! the export's language, a workbook with real dates, numbers and sheet
//! names in that language; and each still merges back as before.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use kam::exchange::export::{export, header, write_workbook, ExportOptions};
use kam::exchange::import::{merge_dir, MergeReport};
use kam::model::{CallPlan, Contact, Order, Presentation, VipCard};
use kam::store::{export_layouts, Shown, Span, Store};
use kam_rules::Lang;

fn store(dir: &Path, name: &str) -> Store {
    let mut s = Store::open(&dir.join(name), common::clock()).expect("open");
    s.set_user("测试员");
    s
}

/// A file of the demo's accounts with every kind of record and child row.
fn demo(dir: &Path, name: &str) -> Store {
    let mut s = store(dir, name);
    let opts = kam::demo::Options { accounts: 6, seed: 20, today: common::today() };
    kam::demo::generate(&mut s, &kam_rules::Rules::default(), &opts).expect("demo");
    s
}

fn options(dir: &Path, lang: Lang) -> ExportOptions {
    ExportOptions {
        span: Span::All,
        range: "all".into(),
        dir: dir.to_path_buf(),
        bom: true,
        lang,
        unmask: true,
        who: "测试员".into(),
        now: common::clock().now(),
    }
}

/// A CSV's rows as header → cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).expect("read");
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = r.headers().expect("headers").iter().map(str::to_string).collect();
    r.records()
        .map(|rec| headers.iter().cloned().zip(rec.expect("record").iter().map(str::to_string)).collect())
        .collect()
}

fn merge(s: &mut Store, dir: &Path) -> MergeReport {
    let r = merge_dir(s, dir, false, &mut |_, _| {}).expect("merge");
    assert!(r.rejects.is_empty(), "{:?}", r.rejects);
    // The merge leaves SQLite's check of references to its own.
    assert_eq!(s.foreign_key_problems().expect("foreign keys"), Vec::<String>::new());
    r
}

/// Nothing inserted, updated, in conflict or trashed.
fn nothing_changed(r: &MergeReport, what: &str) {
    for (kind, [inserted, updated, _, conflicts, trashed]) in &r.kinds {
        assert_eq!((*inserted, *updated, *conflicts, *trashed), (0, 0, 0, 0), "{what}: {kind}");
    }
}

/// Every record of the kinds with child rows (and choices), children included.
type Everything = (Vec<CallPlan>, Vec<Presentation>, Vec<VipCard>, Vec<Order>, Vec<Contact>);

fn everything(s: &Store) -> Everything {
    (
        s.list(10_000, 0).expect("plans"),
        s.list(10_000, 0).expect("presentations"),
        s.list(10_000, 0).expect("cards"),
        s.list(10_000, 0).expect("orders"),
        s.list(10_000, 0).expect("contacts"),
    )
}

#[test]
fn child_rows_are_numbered_from_one_and_merging_twice_equals_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = demo(tmp.path(), "a.db");
    for lang in [Lang::Zh, Lang::En] {
        let out = tmp.path().join(format!("out-{}", lang.key()));
        export(&a, &options(&out, lang)).expect("export");
        let pos = header("call_plan_customers", "pos", lang);
        let parent = header("call_plan_customers", "parent_id", lang);
        let mut children = 0;
        for layout in export_layouts().iter().filter(|l| l.child.is_some()) {
            let mut first: BTreeMap<String, u64> = BTreeMap::new();
            for row in rows(&out.join(format!("{}.csv", layout.table))) {
                let n: u64 = row[&pos].parse().expect("a whole number");
                let least = first.entry(row[&parent].clone()).or_insert(n);
                *least = (*least).min(n);
                children += 1;
            }
            assert!(first.values().all(|n| *n == 1), "{}: each record's rows start at 1: {first:?}", layout.table);
        }
        assert!(children > 50, "the demo has child rows: {children}");
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("m")).expect("json");
        assert_eq!(manifest["first_pos"], 1, "the manifest says child rows start at 1");

        // Into an empty file, twice; then into the file it came from.
        let mut b = store(tmp.path(), &format!("b-{}.db", lang.key()));
        merge(&mut b, &out);
        assert_eq!(everything(&b), everything(&a), "{lang:?}: every child row back, in order");
        nothing_changed(&merge(&mut b, &out), "merged twice");
        nothing_changed(&merge(&mut a, &out), "into its own file");
        assert_eq!(everything(&b), everything(&a));
    }
}

/// A folder from before child rows were numbered from 1 (pos from 0, no
/// `first_pos` in the manifest) still merges, with its rows in order.
#[test]
fn an_older_folder_numbered_from_zero_still_merges() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = demo(tmp.path(), "a.db");
    let out = tmp.path().join("old");
    export(&a, &options(&out, Lang::Zh)).expect("export");
    let pos = header("call_plan_customers", "pos", Lang::Zh);
    for layout in export_layouts().iter().filter(|l| l.child.is_some()) {
        let path = out.join(format!("{}.csv", layout.table));
        let text = fs::read_to_string(&path).expect("read");
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = r.headers().expect("headers").clone();
        let at = headers.iter().position(|h| h == pos).expect("pos column");
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&headers).expect("header");
        let mut least = i64::MAX;
        for rec in r.records() {
            let rec = rec.expect("record");
            let n: i64 = rec[at].parse().expect("number");
            least = least.min(n);
            let mut cells: Vec<String> = rec.iter().map(str::to_string).collect();
            cells[at] = (n - 1).max(0).to_string();
            w.write_record(&cells).expect("row");
        }
        fs::write(&path, w.into_inner().expect("csv")).expect("write");
    }
    let manifest = fs::read_to_string(out.join("manifest.json")).expect("m");
    let mut m: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    m.as_object_mut().expect("object").remove("first_pos");
    fs::write(out.join("manifest.json"), m.to_string()).expect("write");

    let mut b = store(tmp.path(), "b.db");
    merge(&mut b, &out);
    assert_eq!(everything(&b), everything(&a), "every child row back, in order");
    nothing_changed(&merge(&mut b, &out), "merged twice");
    nothing_changed(&merge(&mut a, &out), "into its own file");
}

/// Every choice cell of an export (payment, buying role, status, kind…,
/// in the records and in their child rows) holds the label in the
/// export's language, and a merge reads the labels of either language.
#[test]
fn choices_are_written_in_the_exports_language_and_read_back_in_either() {
    let tmp = tempfile::tempdir().expect("tmp");
    let a = demo(tmp.path(), "a.db");
    let zh = tmp.path().join("zh");
    let en = tmp.path().join("en");
    export(&a, &options(&zh, Lang::Zh)).expect("export");
    export(&a, &options(&en, Lang::En)).expect("export");
    for (lang, out) in [(Lang::Zh, &zh), (Lang::En, &en)] {
        let mut seen = BTreeMap::new();
        for layout in export_layouts() {
            let file = rows(&out.join(format!("{}.csv", layout.table)));
            for (column, shown) in layout.columns.iter().zip(&layout.shown) {
                let Shown::Choice(c) = shown else { continue };
                let h = header(layout.table, column, lang);
                for row in &file {
                    let cell = &row[&h];
                    if cell.is_empty() {
                        continue;
                    }
                    let key = c.key_of(cell).unwrap_or_else(|| panic!("{}.{column}: {cell}", layout.table));
                    assert_eq!(Some(cell.as_str()), c.label(key, lang), "{lang:?} {}.{column}", layout.table);
                    *seen.entry(format!("{}.{column}", layout.table)).or_insert(0) += 1;
                }
            }
        }
        for column in ["orders.payment", "contacts.buying_role", "call_plans.status", "call_plan_customers.role"] {
            assert!(seen.contains_key(column), "{lang:?}: the demo fills {column}: {seen:?}");
        }
    }
    // The English labels under Chinese headers (a sheet a manager put
    // together from both) read back as the keys.
    let en_orders = rows(&en.join("orders.csv"));
    let text = fs::read_to_string(zh.join("orders.csv")).expect("read");
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers().expect("headers").clone();
    let at = headers.iter().position(|h| h == header("orders", "payment", Lang::Zh)).expect("payment");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).expect("header");
    for (rec, e) in r.records().zip(&en_orders) {
        let mut cells: Vec<String> = rec.expect("record").iter().map(str::to_string).collect();
        assert_ne!(cells[at], e["payment"]);
        cells[at].clone_from(&e["payment"]);
        w.write_record(&cells).expect("row");
    }
    fs::write(zh.join("orders.csv"), w.into_inner().expect("csv")).expect("write");
    for out in [&zh, &en] {
        let mut b = store(tmp.path(), &format!("b-{}.db", out.file_name().expect("n").to_string_lossy()));
        merge(&mut b, out);
        assert_eq!(everything(&b), everything(&a), "{}", out.display());
    }
}

#[test]
fn call_plan_customers_have_their_buying_role_as_header() {
    assert_eq!(header("call_plan_customers", "role", Lang::Zh), "购买角色");
    assert_eq!(header("presentation_participants", "buying_role", Lang::Zh), "购买角色");
    assert_eq!(header("call_plan_commitments", "by", Lang::Zh), "期限");
    assert_eq!(header("vip_objections", "text", Lang::Zh), "顾客异议");
}

/// The workbook: days as dates with a date format, amounts and rates as
/// numbers, sheets named in the export's language.
#[test]
fn the_workbook_has_real_dates_numbers_and_sheet_names_in_its_language() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let tmp = tempfile::tempdir().expect("tmp");
    let a = demo(tmp.path(), "a.db");
    let orders: Vec<Order> = a.list(10_000, 0).expect("orders");
    let order = orders.iter().find(|o| o.discount_rate.is_some()).expect("a discounted order");
    for lang in [Lang::Zh, Lang::En] {
        let out = tmp.path().join(format!("x-{}", lang.key()));
        let path = write_workbook(&a, &options(&out, lang)).expect("xlsx");
        let mut book: Xlsx<_> = open_workbook(&path).expect("open xlsx");
        let names = book.sheet_names();
        let (accounts, contacts, sheet) = match lang {
            Lang::Zh => ("客户", "联系人", "订单"),
            Lang::En => ("accounts", "contacts", "orders"),
        };
        assert!(names.iter().any(|n| n == accounts) && names.iter().any(|n| n == contacts), "{names:?}");
        assert!(names.iter().all(|n| n.chars().count() <= 31), "{names:?}");
        if lang == Lang::Zh {
            assert!(names.iter().all(|n| !n.contains('_')), "no table names left: {names:?}");
        }
        let range = book.worksheet_range(sheet).expect("orders sheet");
        let headers: Vec<String> = range.rows().next().expect("header").iter().map(ToString::to_string).collect();
        let id = headers.iter().position(|h| *h == header("orders", "id", lang)).expect("id");
        let row = range
            .rows()
            .find(|r| r[id] == Data::String(order.meta.id.to_string()))
            .expect("the discounted order's row");
        let at = |column: &str| &row[headers.iter().position(|h| *h == header("orders", column, lang)).expect(column)];
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
        match at("date") {
            Data::DateTime(d) => assert_eq!(d.as_f64() as i64, (order.date - epoch).num_days()),
            other => panic!("{lang:?}: the order's date is not a date: {other:?}"),
        }
        let rate = order.discount_rate.expect("rate").as_f64();
        assert_eq!(at("discount_rate"), &Data::Float(rate), "{lang:?}: the rate is a number");
        assert_eq!(at("amount"), &Data::Float(order.amount.yuan_f64()));
        assert!(matches!(at("payment"), Data::String(_)));
    }
}

/// A contacts sheet typed by hand reads a buying role in either language
/// under the Chinese header an export writes.
#[test]
fn a_sheet_reads_a_buying_role_in_either_language() {
    use kam::exchange::import::{import_sheet, ImportOptions, SheetKind};
    use kam::model::Account;
    use kam_rules::{BuyingRole, Labeled};
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let mut acc = Account::named("上海华联有限公司");
    s.insert(&mut acc).expect("account");
    let role = header("contacts", "buying_role", Lang::Zh);
    let text = format!(
        "客户,姓名,{role}\n上海华联有限公司,单田芳,{}\n上海华联有限公司,张三,{}\n",
        BuyingRole::DecisionMaker.zh(),
        BuyingRole::DecisionMaker.en(),
    );
    let p = tmp.path().join("联系人.csv");
    fs::write(&p, text).expect("write");
    let r = import_sheet(&mut s, &p, SheetKind::Contacts, ImportOptions::default(), &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.rejected, r.written), (2, 0, true), "{:?}", r.rejects);
    let roles: Vec<_> =
        s.list_for_account::<Contact>(&acc.meta.id).expect("list").into_iter().map(|c| c.buying_role).collect();
    assert_eq!(roles, [Some(BuyingRole::DecisionMaker); 2]);
}

/// A yes/no column reads 是/否 in a Chinese export and yes/no in an English
/// one, never 1/0; both merge back to the same records, and a folder of an
/// older kam with 1/0 still merges.
#[test]
fn yes_no_columns_read_as_words_and_merge_back() {
    let tmp = tempfile::tempdir().expect("tmp");
    let a = demo(tmp.path(), "a.db");
    let flags: Vec<(&str, &str)> = export_layouts()
        .iter()
        .filter(|l| l.child.is_none())
        .flat_map(|l| l.columns.iter().zip(&l.shown).filter(|(_, s)| **s == Shown::Bool).map(|(c, _)| (l.table, *c)))
        .collect();
    assert!(flags.len() >= 4, "the records have yes/no fields: {flags:?}");
    for (lang, words) in [(Lang::Zh, ["是", "否"]), (Lang::En, ["yes", "no"])] {
        let out = tmp.path().join(format!("flags-{}", lang.key()));
        export(&a, &options(&out, lang)).expect("export");
        let mut seen = 0;
        for (table, column) in &flags {
            let head = header(table, column, lang);
            for row in rows(&out.join(format!("{table}.csv"))) {
                let cell = &row[&head];
                assert!(words.contains(&cell.as_str()), "{lang:?} {table}.{column}: {cell:?}");
                seen += 1;
            }
        }
        assert!(seen > 20, "{lang:?}: {seen} yes/no cells");
        let mut b = store(tmp.path(), &format!("flags-{}.db", lang.key()));
        merge(&mut b, &out);
        assert_eq!(everything(&b), everything(&a), "{lang:?}: the same records back");
        let accounts: Vec<kam::model::Account> = b.list(10_000, 0).expect("accounts");
        let theirs: Vec<kam::model::Account> = a.list(10_000, 0).expect("accounts");
        assert_eq!(
            accounts.iter().map(|x| x.listed).collect::<Vec<_>>(),
            theirs.iter().map(|x| x.listed).collect::<Vec<_>>(),
            "{lang:?}: listed back"
        );
    }
    // An older folder with 1/0.
    let out = tmp.path().join("flags-old");
    export(&a, &options(&out, Lang::En)).expect("export");
    for (table, _) in &flags {
        let path = out.join(format!("{table}.csv"));
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, text.replace(",yes,", ",1,").replace(",no,", ",0,")).expect("write");
    }
    let mut c = store(tmp.path(), "flags-old.db");
    merge(&mut c, &out);
    assert_eq!(everything(&c), everything(&a), "1/0 still read");
}
