//! Export, spreadsheet import and merge on real files (DESIGN §5, §6).

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use chrono::Duration;
use kam::exchange::export::{export, ExportOptions};
use kam::exchange::import::{import_sheet, merge_dir, ImportOptions, SheetKind};
use kam::exchange::text::encode_gbk;
use kam::model::{Account, Contact, Order};
use kam::store::{Span, Store};
use kam_rules::{Lang, Money};

fn store(dir: &Path, name: &str) -> Store {
    let mut s = Store::open(&dir.join(name), common::clock()).expect("open");
    s.set_user("测试员");
    s
}

fn options(dir: &Path, span: Span, lang: Lang, unmask: bool) -> ExportOptions {
    ExportOptions {
        span,
        range: "test".into(),
        dir: dir.to_path_buf(),
        bom: true,
        lang,
        unmask,
        who: "测试员".into(),
        now: common::clock().now(),
    }
}

/// An account with a contact and an order whose texts try every trap.
fn fill(s: &mut Store) -> (Account, Contact) {
    let mut a = Account::named("上海华联(中国)有限公司");
    a.phone = "021-62345678".into();
    a.notes = "=HYPERLINK(\"http://x\")".into();
    a.credit_limit = Some(Money::from_yuan(50_000));
    s.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), "曾志伟");
    c.phone = "13800138000".into();
    c.spouse = "王丽".into();
    c.title = "采购总监, \"华东\"".into();
    s.insert(&mut c).expect("contact");
    let mut o = Order { account_id: a.meta.id.clone(), amount: Money::from_fen(1_234_567), ..Order::default() };
    o.net_amount = o.amount;
    o.date = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    s.insert(&mut o).expect("order");
    (a, c)
}

#[test]
fn export_is_excel_ready_masked_and_complete() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    fill(&mut s);
    let out = tmp.path().join("out");
    let m = export(&s, &options(&out, Span::All, Lang::En, false)).expect("export");
    assert_eq!(m.files["accounts.csv"], 1);
    assert_eq!(m.files["contacts.csv"], 1);
    assert_eq!(m.files["orders.csv"], 1);
    assert!(m.masked);
    let accounts = fs::read(out.join("accounts.csv")).expect("read");
    assert!(accounts.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(accounts[3..].to_vec()).expect("utf-8");
    assert!(text.starts_with("id,version,created_at,updated_at,updated_by,name,"));
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "formula neutralised: {text}");
    assert!(text.contains(",50000.00,"), "money as a number in yuan: {text}");
    let contacts = fs::read_to_string(out.join("contacts.csv")).expect("read");
    assert!(contacts.contains("138****8000") && !contacts.contains("13800138000"), "phone masked");
    assert!(contacts.contains("王*") && !contacts.contains("王丽"), "spouse masked");
    assert!(contacts.contains("\"采购总监, \"\"华东\"\"\""), "quotes and commas kept");
    let orders = fs::read_to_string(out.join("orders.csv")).expect("read");
    assert!(orders.contains(",12345.67,"), "{orders}");
    let names: Vec<String> =
        fs::read_dir(&out).expect("dir").map(|e| e.expect("e").file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.contains(".part")), "no temporary file left: {names:?}");
    assert!(names.contains(&"manifest.json".to_string()));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("m")).expect("json");
    assert_eq!(manifest["files"]["accounts.csv"], 1);
    assert_eq!(manifest["exported_by"], "测试员");
}

#[test]
fn chinese_headers_and_day_span() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    fill(&mut s);
    let out = tmp.path().join("zh");
    let now = s.now();
    let today = Span::Changed { from: now - Duration::hours(1), to: now + Duration::hours(1) };
    export(&s, &options(&out, today, Lang::Zh, true)).expect("export");
    let text = fs::read_to_string(out.join("accounts.csv")).expect("read");
    assert!(
        text.trim_start_matches('\u{feff}').starts_with("ID,版本,创建时间,更新时间,更新人,客户名称,简称"),
        "{text}"
    );
    // The file of field clocks speaks Chinese too (a merge reads either).
    let clocks = fs::read_to_string(out.join("field_clocks.csv")).expect("read");
    assert!(clocks.trim_start_matches('\u{feff}').starts_with("表,记录ID,字段,修改时间,修改人,"), "{clocks}");
    let yesterday = Span::Changed { from: now - Duration::days(2), to: now - Duration::days(1) };
    let m = export(&s, &options(&tmp.path().join("y"), yesterday, Lang::En, true)).expect("export");
    assert_eq!(m.files.values().sum::<u64>(), 0, "nothing changed yesterday");
}

#[test]
fn merge_round_trips_and_lists_conflicts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    let (acc, _) = fill(&mut a);
    let out = tmp.path().join("day");
    export(&a, &options(&out, Span::All, Lang::Zh, true)).expect("export");
    let mut b = store(tmp.path(), "b.db");
    b.set_user("总部");
    let r = merge_dir(&mut b, &out, false, &mut |_, _| {}).expect("merge");
    assert_eq!(r.kinds["account"], [1, 0, 0, 0, 0]);
    assert_eq!(r.kinds["contact"], [1, 0, 0, 0, 0]);
    let merged: Account = b.get(&acc.meta.id).expect("same id");
    assert_eq!(merged.name, acc.name);
    assert_eq!(merged.meta.updated_at, acc.meta.updated_at);
    // A second merge changes nothing.
    let again = merge_dir(&mut b, &out, false, &mut |_, _| {}).expect("merge");
    assert_eq!(again.kinds["account"], [0, 0, 1, 0, 0]);
    // Their newer change wins; ours, when newer, is kept and listed.
    let mut theirs: Account = a.get(&acc.meta.id).expect("a");
    theirs.notes = "改过".into();
    a.update(&mut theirs, "").expect("update");
    let out2 = tmp.path().join("day2");
    export(&a, &options(&out2, Span::All, Lang::En, false)).expect("export");
    let r = merge_dir(&mut b, &out2, false, &mut |_, _| {}).expect("merge");
    assert_eq!(r.kinds["account"], [0, 1, 0, 0, 0]);
    assert_eq!(b.get::<Account>(&acc.meta.id).expect("b").notes, "改过");
    let mut ours: Account = b.get(&acc.meta.id).expect("b");
    ours.notes = "本机更新".into();
    let mut later = b.clock();
    later.advance(Duration::seconds(1));
    b.set_clock(later);
    b.update(&mut ours, "").expect("update");
    // Ours was changed on top of theirs (merged above): newer, kept, and
    // no conflict; a change of theirs made without ours is one.
    let r = merge_dir(&mut b, &out2, false, &mut |_, _| {}).expect("merge");
    assert_eq!(r.kinds["account"], [0, 0, 1, 0, 0]);
    assert!(r.conflicts.is_empty());
    assert_eq!(b.get::<Account>(&acc.meta.id).expect("b").notes, "本机更新");
    let mut theirs: Account = a.get(&acc.meta.id).expect("a");
    theirs.notes = "又改过".into();
    a.update(&mut theirs, "").expect("update");
    let out3 = tmp.path().join("day3");
    export(&a, &options(&out3, Span::All, Lang::En, false)).expect("export");
    let r = merge_dir(&mut b, &out3, false, &mut |_, _| {}).expect("merge");
    assert_eq!(r.kinds["account"], [0, 0, 0, 1, 0]);
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(b.get::<Account>(&acc.meta.id).expect("b").notes, "本机更新");
    // A masked export never overwrites personal fields.
    let c: Contact = b.list_for_account(&acc.meta.id).expect("contacts").remove(0);
    assert_eq!(c.phone, "13800138000", "the masked export's phone was not merged over the real one");
}

/// A rep who changes the same field on two days, exporting each evening:
/// head office, holding the first day's value, takes the second's without
/// listing a conflict (the second edit was made on top of the first, sent).
#[test]
fn one_reps_edits_on_two_days_are_no_conflict() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut rep = store(tmp.path(), "rep.db");
    let (acc, _) = fill(&mut rep);
    let mut hq = store(tmp.path(), "hq.db");
    hq.set_user("总部");
    for (day, notes) in [("day1", "第一天"), ("day2", "第二天")] {
        let mut later = rep.clock();
        later.advance(Duration::hours(20));
        rep.set_clock(later);
        hq.set_clock(later);
        let mut a: Account = rep.get(&acc.meta.id).expect("rep");
        a.notes = notes.into();
        rep.update(&mut a, "").expect("update");
        let out = tmp.path().join(day);
        let opts = ExportOptions { now: later.now(), ..options(&out, Span::All, Lang::Zh, true) };
        export(&rep, &opts).expect("export");
        kam::exchange::day_end::note_export(&rep, &opts).expect("noted");
        let r = merge_dir(&mut hq, &out, false, &mut |_, _| {}).expect("merge");
        assert!(r.rejects.is_empty() && r.conflicts.is_empty(), "{day}: {:?} {:?}", r.rejects, r.conflicts);
        assert_eq!(hq.get::<Account>(&acc.meta.id).expect("hq").notes, notes);
    }
}

#[test]
fn a_merge_with_a_bad_row_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    fill(&mut a);
    let out = tmp.path().join("day");
    export(&a, &options(&out, Span::All, Lang::En, true)).expect("export");
    let orders = fs::read_to_string(out.join("orders.csv")).expect("read").replace("12345.67", "lots");
    fs::write(out.join("orders.csv"), orders).expect("write");
    let mut b = store(tmp.path(), "b.db");
    let r = merge_dir(&mut b, &out, false, &mut |_, _| {}).expect("merge");
    assert_eq!(r.rejects.len(), 1);
    assert_eq!((r.rejects[0].file.as_str(), r.rejects[0].row), ("orders.csv", 2));
    assert_eq!(r.rejects[0].problems[0].column, "amount");
    assert!(!r.written);
    assert!(b.list::<Account>(10, 0).expect("list").is_empty(), "nothing merged");
}

fn sheet(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write");
    p
}

#[test]
fn spreadsheet_with_a_bad_row_is_refused_whole() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let p = sheet(
        tmp.path(),
        "accounts.csv",
        "客户名称,电话,信用额度,上市\n杭州新锐科技,0571-88886666,5万,是\n坏公司,,lots,maybe\n",
    );
    let zh = ImportOptions { lang: Lang::Zh, ..ImportOptions::default() };
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, zh, &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.rejected, r.written), (1, 1, false));
    let said: Vec<&str> = r.rejects[0].problems.iter().map(|p| p.message.as_str()).collect();
    assert!(said[0].contains("不是“是”或“否”") && said[1].contains("不是金额"), "in Chinese: {said:?}");
    assert_eq!(r.rejects[0].row, 3);
    let cols: Vec<&str> = r.rejects[0].problems.iter().map(|p| p.column.as_str()).collect();
    assert_eq!(cols, vec!["上市", "信用额度"], "the columns as the sheet names them");
    assert!(s.list::<Account>(10, 0).expect("list").is_empty(), "nothing changed");
    let r = import_sheet(
        &mut s,
        &p,
        SheetKind::Accounts,
        ImportOptions { skip_bad: true, ..ImportOptions::default() },
        &mut |_, _| {},
    )
    .expect("import");
    assert!(r.written);
    let rejects = fs::read_to_string(tmp.path().join("accounts.rejects.csv")).expect("rejects");
    assert!(rejects.contains("客户名称,电话,信用额度,上市,原因") && rejects.contains("坏公司"), "{rejects}");
    let all = s.list::<Account>(10, 0).expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].credit_limit, Some(Money::from_yuan(50_000)));
    assert!(all[0].listed);
    assert_eq!(all[0].owner, "测试员", "a sheet without owners makes the importer's own accounts");
}

#[test]
fn an_owner_in_the_sheet_is_kept_and_a_blank_one_is_the_importers() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let p = sheet(tmp.path(), "accounts.csv", "客户名称,客户经理\n恒信贸易有限公司,李娜\n华联超市有限公司, \n");
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, ImportOptions::default(), &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.written), (2, true));
    let mut owners: Vec<(String, String)> =
        s.list::<Account>(10, 0).expect("list").into_iter().map(|a| (a.name, a.owner)).collect();
    owners.sort();
    assert_eq!(
        owners,
        [("华联超市有限公司".to_string(), "测试员".to_string()), ("恒信贸易有限公司".to_string(), "李娜".to_string())]
    );
}

#[test]
fn duplicates_dry_run_update_and_gbk() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let (acc, _) = fill(&mut s);
    let text = "name,industry\n上海华联有限公司,零售\n杭州新锐科技,软件\n杭州新锐科技有限公司,软件\n";
    let p = tmp.path().join("accounts.csv");
    fs::write(&p, encode_gbk(text)).expect("write");
    let dry = ImportOptions { dry_run: true, ..ImportOptions::default() };
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, dry, &mut |_, _| {}).expect("dry");
    assert_eq!((r.new, r.updated, r.duplicate, r.rejected, r.written), (1, 0, 2, 0, false));
    assert_eq!(r.encoding, "GBK");
    assert_eq!(s.list::<Account>(10, 0).expect("list").len(), 1, "dry run wrote nothing");
    let upd = ImportOptions { update: true, ..ImportOptions::default() };
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, upd, &mut |_, _| {}).expect("update");
    assert_eq!((r.new, r.updated, r.duplicate), (1, 1, 1));
    let a: Account = s.get(&acc.meta.id).expect("get");
    assert_eq!(a.industry, "零售");
    assert_eq!(a.phone, "021-62345678", "columns not in the file are kept");
    assert_eq!(a.meta.version, 2);
}

#[test]
fn contacts_link_to_accounts_by_name_or_id() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let (acc, _) = fill(&mut s);
    let text = format!(
        "客户,姓名,手机,出生日期\n上海华联,单田芳,13900139000,1960/5/6\n{},张三,,\n不存在公司,李四,,\n",
        acc.meta.id
    );
    let p = sheet(tmp.path(), "联系人.csv", &text);
    assert_eq!(SheetKind::from_file_name(&p), Some(SheetKind::Contacts));
    let r = import_sheet(&mut s, &p, SheetKind::Contacts, ImportOptions::default(), &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.rejected), (2, 1));
    assert_eq!(r.rejects[0].row, 4);
    assert!(r.rejects[0].problems[0].message.contains("不存在公司"));
    let r = import_sheet(
        &mut s,
        &p,
        SheetKind::Contacts,
        ImportOptions { skip_bad: true, ..ImportOptions::default() },
        &mut |_, _| {},
    )
    .expect("import");
    assert!(r.written);
    let names: Vec<String> =
        s.list_for_account::<Contact>(&acc.meta.id).expect("list").into_iter().map(|c| c.name).collect();
    assert!(names.contains(&"单田芳".to_string()) && names.contains(&"张三".to_string()), "{names:?}");
    let shan =
        s.list_for_account::<Contact>(&acc.meta.id).expect("list").into_iter().find(|c| c.name == "单田芳").expect("c");
    assert_eq!(shan.birth_date, chrono::NaiveDate::from_ymd_opt(1960, 5, 6), "Excel's date written back as ISO");
}

#[test]
fn every_exported_column_has_a_unique_chinese_header() {
    for layout in kam::store::export_layouts() {
        let mut seen = std::collections::HashSet::new();
        for c in &layout.columns {
            let zh = kam::i18n::column_zh_in(layout.table, c)
                .unwrap_or_else(|| panic!("{}.{c} has no Chinese header", layout.table));
            assert!(seen.insert(zh), "{}: header {zh} twice", layout.table);
        }
    }
}

fn read_dir_texts(dir: &Path) -> std::collections::BTreeMap<String, String> {
    fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), fs::read_to_string(&p).expect("read")))
        .collect()
}

#[test]
fn demo_export_import_export_is_identical() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    let opts = kam::demo::Options {
        accounts: 80,
        seed: 11,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
    };
    kam::demo::generate(&mut a, &kam_rules::Rules::default(), &opts).expect("demo");
    let first = tmp.path().join("first");
    let m1 = export(&a, &options(&first, Span::All, Lang::En, true)).expect("export");
    assert_eq!(m1.files["accounts.csv"], 80);
    let mut b = store(tmp.path(), "b.db");
    merge_dir(&mut b, &first, false, &mut |_, _| {}).expect("merge");
    let second = tmp.path().join("second");
    let m2 = export(&b, &options(&second, Span::All, Lang::En, true)).expect("export");
    assert_eq!(m1.files, m2.files);
    let (t1, t2) = (read_dir_texts(&first), read_dir_texts(&second));
    for (name, text) in &t1 {
        assert!(t2[name] == *text, "{name} differs after the round trip");
    }
    // The plans' repeated rows came through whole and in order.
    let plans_a = a.list::<kam::model::CallPlan>(1000, 0).expect("plans");
    let plans_b = b.list::<kam::model::CallPlan>(1000, 0).expect("plans");
    assert!(plans_a
        .iter()
        .any(|p| !p.influence.is_empty() && !p.introduction.is_empty() && !p.customer_participants.is_empty()));
    assert_eq!(plans_a, plans_b, "call plans with participants, influence, questions and commitments");
    let pres_a = a.list::<kam::model::Presentation>(1000, 0).expect("presentations");
    assert_eq!(pres_a, b.list::<kam::model::Presentation>(1000, 0).expect("presentations"));
    let again = merge_dir(&mut b, &first, false, &mut |_, _| {}).expect("merge");
    for (kind, [inserted, updated, _, kept, _]) in &again.kinds {
        assert_eq!((*inserted, *updated, *kept), (0, 0, 0), "{kind}: a second merge adds nothing");
    }
}

#[test]
fn no_bom_and_xlsx_keeps_long_digits_as_text() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let mut a = Account::named("身份证测试有限公司");
    a.notes = "110101199003071234".into();
    a.phone = "13800138000".into();
    a.credit_limit = Some(Money::from_fen(123_456));
    s.insert(&mut a).expect("insert");
    let out = tmp.path().join("x");
    let mut o = options(&out, Span::All, Lang::En, true);
    o.bom = false;
    export(&s, &o).expect("export");
    assert!(fs::read(out.join("accounts.csv")).expect("read").starts_with(b"id,"), "no BOM");
    let path = kam::exchange::export::write_workbook(&s, &o).expect("xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).expect("open xlsx");
    let range = book.worksheet_range("accounts").expect("sheet");
    let headers: Vec<String> = range.rows().next().expect("header").iter().map(ToString::to_string).collect();
    let row = range.rows().nth(1).expect("row");
    let at = |name: &str| &row[headers.iter().position(|h| h == name).expect("column")];
    assert_eq!(at("notes"), &Data::String("110101199003071234".into()), "18 digits kept as text");
    assert_eq!(at("phone"), &Data::String("13800138000".into()));
    assert_eq!(at("credit_limit"), &Data::Float(1234.56));
    assert_eq!(at("name"), &Data::String("身份证测试有限公司".into()));
}

/// An import indexes its names for the full-text search in one go after
/// the inserts; the search finds them, and the triggers are back for the
/// records saved afterwards.
#[test]
fn imported_names_are_found_by_the_full_text_search_and_later_saves_too() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let mut before = Account::named("宁波港口物流有限公司");
    s.save(&mut before, "").expect("save");
    let p = sheet(tmp.path(), "accounts.csv", "名称\n杭州新锐科技有限公司\n温州眼镜制造厂\n");
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, ImportOptions::default(), &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.written), (2, true));
    let today = common::today();
    let names = |s: &Store, q: &str| -> Vec<String> {
        let q = kam::store::AccountListQuery { filter: q.into(), ..kam::store::AccountListQuery::first(today) };
        s.account_page(&kam_rules::Rules::default(), &q).expect("page").rows.into_iter().map(|r| r.name).collect()
    };
    assert_eq!(names(&s, "新锐科技"), ["杭州新锐科技有限公司"]);
    assert_eq!(names(&s, "眼镜制造"), ["温州眼镜制造厂"]);
    assert_eq!(names(&s, "港口物流"), ["宁波港口物流有限公司"], "what was there is still found");
    let mut after = Account::named("嘉兴纺织印染有限公司");
    s.save(&mut after, "").expect("save");
    assert_eq!(names(&s, "纺织印染"), ["嘉兴纺织印染有限公司"], "the insert trigger is back");
    let report = s.check(&tmp.path().join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
}

/// A sheet of more than a thousand rows takes the import's other paths:
/// rows checked on every core, the file's keys read at once for the
/// duplicate guard, search columns computed beside the writes.
#[test]
fn a_large_sheet_is_guarded_indexed_and_logged_like_a_small_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let (acc, _) = fill(&mut s);
    let mut text = String::from("名称,电话,信用额度\n");
    for i in 0..1_500 {
        let row = match i {
            700 => "测试贸易5号有限公司,,\n".to_string(),
            900 => "上海华联有限公司,,\n".to_string(),
            1_100 => "杭州另一家公司,021-62345678,\n".to_string(),
            1_200 => "坏公司,,lots\n".to_string(),
            1_400 => "曾志伟贸易有限公司,,5万\n".to_string(),
            _ => format!("测试贸易{i}号有限公司,0571-8{i:06},\n"),
        };
        text.push_str(&row);
    }
    let p = sheet(tmp.path(), "accounts.csv", &text);
    let opts = ImportOptions { skip_bad: true, ..ImportOptions::default() };
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, opts, &mut |_, _| {}).expect("import");
    assert_eq!((r.rows, r.new, r.duplicate, r.rejected, r.written), (1_500, 1_496, 3, 1, true));
    assert_eq!(r.rejects[0].row, 1_202);
    assert_eq!(r.rejects[0].problems[0].column, "信用额度");
    let dups: Vec<(usize, &str)> = r.duplicates.iter().map(|d| (d.row, d.matched.as_str())).collect();
    assert_eq!(dups[0], (702, "本文件第 7 行(测试贸易5号有限公司)"));
    assert_eq!((dups[1].0, dups[2].0), (902, 1_102));
    assert!(dups[1].1.contains(&acc.meta.id.to_string()) && dups[2].1.contains(&acc.meta.id.to_string()), "{dups:?}");

    let today = common::today();
    let page = |q: &str| {
        let q = kam::store::AccountListQuery { filter: q.into(), ..kam::store::AccountListQuery::first(today) };
        s.account_page(&kam_rules::Rules::default(), &q).expect("page").rows
    };
    let found = page("zzwmy");
    assert_eq!(
        found.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["曾志伟贸易有限公司"],
        "pinyin, every reading"
    );
    assert_eq!(page("czwmy").len(), 1);
    assert_eq!(page("测试贸易1499号")[0].name, "测试贸易1499号有限公司", "full text");
    let id = found[0].id.clone();
    let a: Account = s.get(&id).expect("get");
    assert_eq!((a.credit_limit, a.meta.version), (Some(Money::from_yuan(50_000)), 1));
    let log = s.history(&id).expect("history");
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].action.as_str(), log[0].new.as_deref()), ("insert", Some("曾志伟贸易有限公司")));
    assert_eq!((log[0].who.as_str(), log[0].reason.as_str()), ("测试员", "import accounts.csv"));
    let report = s.check(&tmp.path().join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
}

/// A large sheet into an empty file builds the accounts' and the change
/// log's indexes once at the end: afterwards every index is back, the
/// lookups that use them answer, and the file checks sound.
#[test]
fn a_large_sheet_into_an_empty_file_leaves_every_index_in_place() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("empty.db");
    let mut s = store(tmp.path(), "empty.db");
    let indexes = || -> Vec<String> {
        let c = rusqlite::Connection::open(&path).expect("open");
        let mut st = c.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name").expect("prepare");
        st.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
    };
    let before = indexes();
    assert!(before.iter().any(|n| n == "accounts_name_norm") && before.iter().any(|n| n == "change_log_at"));
    let mut text = String::from("名称,电话\n");
    for i in 0..1_200 {
        let _ = writeln!(text, "空白测试{i}号有限公司,0571-8{i:06}");
    }
    let p = sheet(tmp.path(), "accounts.csv", &text);
    let r = import_sheet(&mut s, &p, SheetKind::Accounts, ImportOptions::default(), &mut |_, _| {}).expect("import");
    assert_eq!((r.new, r.written), (1_200, true));
    assert_eq!(indexes(), before);
    let found = s.accounts_named("空白测试1199号有限公司").expect("by name");
    assert_eq!(found.len(), 1, "the name index answers");
    let report = s.check(&tmp.path().join("backups")).expect("check");
    assert!(report.is_sound(), "{report:?}");
}

#[test]
fn a_visit_time_survives_save_reopen_export_and_merge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (acc, _) = fill(&mut store(tmp.path(), "a.db"));
    let at = chrono::NaiveTime::from_hms_opt(14, 30, 0);
    let mut v =
        kam::model::Visit { account_id: acc.meta.id.clone(), date: common::today(), time: at, ..Default::default() };
    v.purpose = "年度集采".into();
    v.by = "王芳".into();
    store(tmp.path(), "a.db").insert(&mut v).expect("visit");
    let a = store(tmp.path(), "a.db");
    assert_eq!(a.get::<kam::model::Visit>(&v.meta.id).expect("reopened").time, at);
    let out = tmp.path().join("day");
    export(&a, &options(&out, Span::All, Lang::Zh, true)).expect("export");
    let mut b = store(tmp.path(), "b.db");
    merge_dir(&mut b, &out, false, &mut |_, _| {}).expect("merge");
    assert_eq!(b.get::<kam::model::Visit>(&v.meta.id).expect("merged").time, at);
}

/// A Chinese export writes a choice as its Chinese label (a 赊销 order, a
/// 决策者 contact), and the merge reads the label back as the stored key.
#[test]
fn a_chinese_export_writes_choices_in_chinese_and_merges_them_back() {
    use kam_rules::{BuyingRole, Labeled, Payment};
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = store(tmp.path(), "a.db");
    let (a, mut c) = fill(&mut s);
    c.buying_role = Some(BuyingRole::DecisionMaker);
    s.save(&mut c, "").expect("contact");
    let mut o = Order { account_id: a.meta.id.clone(), payment: Payment::Credit, ..Order::default() };
    o.amount = Money::from_yuan(1000);
    o.net_amount = o.amount;
    o.date = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    o.due_date = chrono::NaiveDate::from_ymd_opt(2026, 12, 21);
    s.insert(&mut o).expect("order");
    let out = tmp.path().join("out");
    export(&s, &options(&out, Span::All, Lang::Zh, true)).expect("export");
    let orders = fs::read_to_string(out.join("orders.csv")).expect("orders");
    assert!(orders.contains(Payment::Credit.zh()) && !orders.contains(",credit,"), "{orders}");
    let contacts = fs::read_to_string(out.join("contacts.csv")).expect("contacts");
    assert!(contacts.contains(BuyingRole::DecisionMaker.zh()) && !contacts.contains("decision_maker"), "{contacts}");

    let mut office = store(tmp.path(), "office.db");
    let r = merge_dir(&mut office, &out, false, &mut |_, _| {}).expect("merge");
    assert!(r.rejects.is_empty(), "{:?}", r.rejects);
    let back: Order = office.get(&o.meta.id).expect("order merged");
    assert_eq!(back.payment, Payment::Credit);
    let back: Contact = office.get(&c.meta.id).expect("contact merged");
    assert_eq!(back.buying_role, Some(BuyingRole::DecisionMaker));
}

/// A folder exported before the headers took the forms' labels (名称, 头衔
/// where the screens now say 客户名称, 职务) still merges whole.
#[test]
fn an_export_with_the_older_chinese_headers_still_merges() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    let (acc, contact) = fill(&mut a);
    let out = tmp.path().join("day");
    export(&a, &options(&out, Span::All, Lang::Zh, true)).expect("export");
    for (file, new, old) in [("accounts.csv", ",客户名称,", ",名称,"), ("contacts.csv", ",职务,", ",头衔,")] {
        let path = out.join(file);
        let text = fs::read_to_string(&path).expect("read");
        let (head, rest) = text.split_once('\n').expect("header");
        assert!(head.contains(new), "{file}: {head}");
        fs::write(&path, format!("{}\n{rest}", head.replacen(new, old, 1))).expect("write");
    }
    let mut b = store(tmp.path(), "b.db");
    let r = merge_dir(&mut b, &out, false, &mut |_, _| {}).expect("merge");
    assert!(r.rejects.is_empty(), "{:?}", r.rejects);
    assert_eq!(b.get::<Account>(&acc.meta.id).expect("account").name, acc.name);
    assert_eq!(b.get::<Contact>(&contact.meta.id).expect("contact").title, contact.title);
}

/// An English export's deletions name the kind by its key, as its headers
/// are the column keys; a Chinese one by its label. Both merge.
#[test]
fn a_deletions_kind_is_its_key_in_english_and_its_label_in_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    let (_, contact) = fill(&mut a);
    a.delete::<Contact>(&contact.meta.id, "离职").expect("delete");
    for (lang, line) in [(Lang::En, "\ncontact,"), (Lang::Zh, "\n联系人,")] {
        let out = tmp.path().join(format!("{lang:?}"));
        export(&a, &options(&out, Span::All, lang, true)).expect("export");
        let text = fs::read_to_string(out.join("deletions.csv")).expect("read");
        assert!(text.contains(line), "{lang:?}: {text}");
        let mut b = store(tmp.path(), &format!("b-{lang:?}.db"));
        let r = merge_dir(&mut b, &out, false, &mut |_, _| {}).expect("merge");
        assert!(r.rejects.is_empty(), "{lang:?}: {:?}", r.rejects);
    }
}
