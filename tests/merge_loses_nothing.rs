//! The day-end merge loses nothing (issue #20): what a folder does not
//! send (a masked field, an absent column, an absent child file) keeps the
//! receiver's value; what cannot be trusted (a masked export without its
//! manifest, an absurd version, counts that do not match) is refused naming
//! the problem and nothing is written.

mod common;

use std::fs;
use std::path::Path;

use chrono::Duration;
use kam::exchange::export::{export, ExportOptions};
use kam::exchange::import::{import_sheet, merge_dir, ImportError, ImportOptions, MergeReport, SheetKind};
use kam::model::{Account, Collection, Contact, Order, Visit, VisitContact};
use kam::model::{ArchiveEntry, Score};
use kam::store::{Span, Store};
use kam_rules::{Lang, Money};

use common::store;

fn options(dir: &Path, span: Span, unmask: bool) -> ExportOptions {
    ExportOptions {
        span,
        range: "test".into(),
        dir: dir.to_path_buf(),
        bom: true,
        lang: Lang::Zh,
        unmask,
        who: "测试员".into(),
        now: common::clock().now(),
    }
}

/// Moves a store's clock on, so what it saves next is newer than anything
/// another file saved before.
fn later(s: &mut Store, by: Duration) {
    let mut c = s.clock();
    c.advance(by);
    s.set_clock(c);
}

fn merge(s: &mut Store, dir: &Path) -> MergeReport {
    let r = merge_dir(s, dir, false, &mut |_, _| {}).expect("merge");
    // The merge leaves SQLite's check of references to its own.
    assert_eq!(s.foreign_key_problems().expect("foreign keys"), Vec::<String>::new());
    r
}

fn merge_err(s: &mut Store, dir: &Path) -> String {
    match merge_dir(s, dir, false, &mut |_, _| {}) {
        Err(e @ ImportError::Format { .. }) => e.to_string(),
        Err(e) => panic!("not a refusal naming the problem: {e}"),
        Ok(r) => panic!("merged: {r:?}"),
    }
}

/// An account with a company phone, scores and a contact with personal
/// fields, an order with a collection and a visit with its contact.
struct Filled {
    account: Account,
    contact: Contact,
    order: Order,
    visit: Visit,
}

fn fill(s: &mut Store) -> Filled {
    let mut a = Account::named("上海华联有限公司");
    a.phone = "021-62345678".into();
    a.address = "上海市南京东路1号".into();
    a.credit_limit = Some(Money::from_yuan(50_000));
    a.scores = vec![Score { criterion: "volume".into(), score: 8 }];
    s.insert(&mut a).expect("account");
    let mut c = Contact::of(a.meta.id.clone(), "曾志伟");
    c.phone = "15812340194".into();
    c.spouse = "宝丽华".into();
    c.birth_date = chrono::NaiveDate::from_ymd_opt(1970, 3, 4);
    s.insert(&mut c).expect("contact");
    let mut o = Order { account_id: a.meta.id.clone(), amount: Money::from_yuan(1_000), ..Order::default() };
    o.net_amount = o.amount;
    o.date = common::today();
    o.collections = vec![Collection { date: common::today(), amount: Money::from_yuan(300) }];
    s.insert(&mut o).expect("order");
    let mut v = Visit { account_id: a.meta.id.clone(), date: common::today(), ..Visit::default() };
    v.purpose = "年度集采".into();
    v.by = "王芳".into();
    v.contacts = vec![VisitContact { contact_id: c.meta.id.clone() }];
    s.insert(&mut v).expect("visit");
    Filled { account: a, contact: c, order: o, visit: v }
}

/// Two files holding the same records: `a` filled, `b` merged from an
/// unmasked export of it.
fn twins(tmp: &Path) -> (Store, Store, Filled) {
    let mut a = store(tmp, "a.db");
    let f = fill(&mut a);
    let full = tmp.join("full");
    export(&a, &options(&full, Span::All, true)).expect("export");
    let mut b = store(tmp, "b.db");
    assert!(merge(&mut b, &full).written);
    later(&mut a, Duration::minutes(5));
    (a, b, f)
}

use common::{csv_rows as rows, write_csv_rows as write_rows};

/// Sets a cell of the first data row of a CSV file (headers as exported
/// in Chinese, or kam's column names).
fn edit_first(path: &Path, header: &str, value: &str) {
    let mut all = rows(path);
    let at = all[0].iter().position(|h| h == header).unwrap_or_else(|| panic!("{header} in {:?}", all[0]));
    all[1][at] = value.to_string();
    write_rows(path, &all);
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).expect("manifest")).expect("json")
}

fn set_manifest(dir: &Path, v: &serde_json::Value) {
    fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(v).expect("json")).expect("write");
}

#[test]
fn a_masked_export_keeps_company_phones_and_the_receivers_personal_fields() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut a, mut b, f) = twins(tmp.path());
    // A new account and contact, and a changed contact, exported masked.
    let mut n = Account::named("杭州新锐科技有限公司");
    n.phone = "0571-88886666".into();
    a.insert(&mut n).expect("new account");
    let mut nc = Contact::of(n.meta.id.clone(), "单田芳");
    nc.phone = "13900139000".into();
    a.insert(&mut nc).expect("new contact");
    let mut c: Contact = a.get(&f.contact.meta.id).expect("contact");
    c.title = "采购总监".into();
    a.update(&mut c, "").expect("update");
    let day = tmp.path().join("masked");
    let m = export(&a, &options(&day, Span::All, false)).expect("export");
    assert!(m.masked);
    let r = merge(&mut b, &day);
    assert!(r.written && r.masked);
    let got: Account = b.get(&n.meta.id).expect("new account");
    assert_eq!(got.phone, "0571-88886666", "a company phone is never masked and is merged");
    let old: Account = b.get(&f.account.meta.id).expect("account");
    assert_eq!(old.phone, "021-62345678");
    let got: Contact = b.get(&f.contact.meta.id).expect("contact");
    assert_eq!(got.title, "采购总监", "the change came through");
    assert_eq!(got.phone, "15812340194", "the masked phone kept ours");
    assert_eq!(got.spouse, "宝丽华");
    assert_eq!(got.birth_date, f.contact.birth_date);
    let new_contact: Contact = b.get(&nc.meta.id).expect("new contact");
    assert!(!new_contact.phone.contains('*'), "a masked value is never stored: {}", new_contact.phone);
}

#[test]
fn a_masked_export_without_a_sound_manifest_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut a, mut b, f) = twins(tmp.path());
    let mut c: Contact = a.get(&f.contact.meta.id).expect("contact");
    c.title = "采购总监".into();
    a.update(&mut c, "").expect("update");
    let day = tmp.path().join("masked");
    export(&a, &options(&day, Span::All, false)).expect("export");
    let good = manifest(&day);

    let mut v = good.clone();
    v["masked"] = serde_json::Value::String("true".into());
    set_manifest(&day, &v);
    let e = merge_err(&mut b, &day);
    assert!(e.contains("manifest.json") && e.contains("'masked' is \"true\""), "{e}");

    let mut v = good.clone();
    v.as_object_mut().expect("object").remove("masked");
    set_manifest(&day, &v);
    let e = merge_err(&mut b, &day);
    assert!(e.contains("manifest.json") && e.contains("no 'masked'"), "{e}");

    fs::remove_file(day.join("manifest.json")).expect("rm");
    let r = merge(&mut b, &day);
    assert!(!r.written);
    let phone = r.rejects.iter().find(|r| r.file == "contacts.csv").expect("contacts.csv refused");
    assert_eq!(phone.row, 2);
    let cols: Vec<&str> = phone.problems.iter().map(|p| p.column.as_str()).collect();
    assert!(cols.contains(&"phone") && cols.contains(&"spouse"), "{cols:?}");
    assert!(phone.problems[0].message.contains("looks masked"), "{:?}", phone.problems);
    let got: Contact = b.get(&f.contact.meta.id).expect("contact");
    assert_eq!((got.phone.as_str(), got.title.as_str()), ("15812340194", ""), "nothing merged");
}

#[test]
fn a_file_with_some_columns_changes_only_those() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (_a, mut b, f) = twins(tmp.path());
    let dir = tmp.path().join("names");
    fs::create_dir(&dir).expect("dir");
    let when = (b.now() + Duration::minutes(1)).to_rfc3339();
    fs::write(
        dir.join("accounts.csv"),
        format!("id,updated_at,name\n{},{when},上海华联超市有限公司\n", f.account.meta.id),
    )
    .expect("write");
    let r = merge(&mut b, &dir);
    assert_eq!(r.kinds["account"], [0, 1, 0, 0, 0], "{r:?}");
    let got: Account = b.get(&f.account.meta.id).expect("account");
    assert_eq!(got.name, "上海华联超市有限公司");
    assert_eq!(got.phone, "021-62345678", "an absent column is not sent");
    assert_eq!(got.address, f.account.address);
    assert_eq!(got.credit_limit, Some(Money::from_yuan(50_000)));
    assert_eq!(got.scores, f.account.scores, "no account_scores.csv: the scores kept");
    assert_eq!(got.meta.created_at, f.account.meta.created_at);
}

#[test]
fn a_folder_without_a_child_file_keeps_the_children() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut a, mut b, f) = twins(tmp.path());
    let mut acc: Account = a.get(&f.account.meta.id).expect("account");
    acc.notes = "新备注".into();
    a.update(&mut acc, "").expect("update");
    let mut o: Order = a.get(&f.order.meta.id).expect("order");
    o.rep = "王芳".into();
    a.update(&mut o, "").expect("update");
    let mut v: Visit = a.get(&f.visit.meta.id).expect("visit");
    v.summary = "谈妥".into();
    a.update(&mut v, "").expect("update");
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    for child in ["account_scores.csv", "order_collections.csv", "visit_contacts.csv"] {
        fs::remove_file(day.join(child)).expect("rm");
    }
    let r = merge(&mut b, &day);
    assert!(r.written, "{r:?}");
    let got: Account = b.get(&f.account.meta.id).expect("account");
    assert_eq!((got.notes.as_str(), &got.scores), ("新备注", &f.account.scores));
    let got: Order = b.get(&f.order.meta.id).expect("order");
    assert_eq!((got.rep.as_str(), &got.collections), ("王芳", &f.order.collections));
    let got: Visit = b.get(&f.visit.meta.id).expect("visit");
    assert_eq!((got.summary.as_str(), &got.contacts), ("谈妥", &f.visit.contacts));

    // A present child file does replace the parent's children.
    let mut acc: Account = a.get(&f.account.meta.id).expect("account");
    acc.scores = vec![Score { criterion: "volume".into(), score: 3 }];
    a.update(&mut acc, "").expect("update");
    let day2 = tmp.path().join("day2");
    export(&a, &options(&day2, Span::All, true)).expect("export");
    merge(&mut b, &day2);
    assert_eq!(b.get::<Account>(&f.account.meta.id).expect("account").scores[0].score, 3);
}

#[test]
fn absurd_versions_and_times_are_refused_naming_file_row_and_column() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    fill(&mut a);
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    let accounts = day.join("accounts.csv");
    let original = fs::read(&accounts).expect("read");
    for (header, value, column) in [
        ("版本", "9223372036854775807", "version"),
        ("版本", "-3", "version"),
        ("更新时间", "1970-01-01T00:00:00Z", "updated_at"),
        ("创建时间", "9999-01-01T00:00:00Z", "created_at"),
    ] {
        let shown = &value[..value.find('T').unwrap_or(value.len())];
        fs::write(&accounts, &original).expect("restore");
        edit_first(&accounts, header, value);
        let mut b = store(tmp.path(), "b.db");
        let r = merge(&mut b, &day);
        assert!(!r.written, "{value}");
        let rej = r.rejects.iter().find(|r| r.file == "accounts.csv").expect("accounts.csv refused");
        assert_eq!((rej.row, rej.problems[0].column.as_str()), (2, column), "{value}: {r:?}");
        assert!(rej.problems[0].message.contains(shown), "{value}: {:?}", rej.problems);
        assert!(b.list::<Account>(10, 0).expect("list").is_empty(), "nothing stored");
    }
}

#[test]
fn a_text_that_looks_like_a_date_stays_as_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    let mut acc = Account::named("2026.1.5");
    acc.notes = "2026/11/3".into();
    a.insert(&mut acc).expect("insert");
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    let mut b = store(tmp.path(), "b.db");
    merge(&mut b, &day);
    let got: Account = b.get(&acc.meta.id).expect("merged");
    assert_eq!((got.name.as_str(), got.notes.as_str()), ("2026.1.5", "2026/11/3"));
    // A spreadsheet too; its date columns still read Excel's forms.
    let p = tmp.path().join("accounts.csv");
    fs::write(&p, "名称,交往时间\n2026-1-5,2020/3/4\n").expect("write");
    let mut c = store(tmp.path(), "c.db");
    let r = import_sheet(&mut c, &p, SheetKind::Accounts, ImportOptions::default(), &mut |_, _| {});
    let r = r.expect("import");
    assert!(r.written, "{r:?}");
    let got = c.list::<Account>(10, 0).expect("list").remove(0);
    assert_eq!(got.name, "2026-1-5");
    assert_eq!(got.customer_since, chrono::NaiveDate::from_ymd_opt(2020, 3, 4));
}

#[test]
fn a_dry_run_counts_what_the_real_run_does_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut a, mut b, f) = twins(tmp.path());
    let mut acc: Account = a.get(&f.account.meta.id).expect("account");
    acc.notes = "新备注".into();
    a.update(&mut acc, "").expect("update");
    a.insert(&mut Account::named("杭州新锐科技有限公司")).expect("insert");
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    let dry = merge_dir(&mut b, &day, true, &mut |_, _| {}).expect("dry run");
    assert!(!dry.written);
    assert_eq!(dry.kinds["account"], [1, 1, 0, 0, 0]);
    assert_eq!(b.list::<Account>(10, 0).expect("list").len(), 1, "nothing written");
    assert_eq!(b.get::<Account>(&f.account.meta.id).expect("account").notes, "");
    let check = b.check(&tmp.path().join("backups")).expect("check");
    assert!(check.is_sound(), "the rolled-back writes left the file sound: {check:?}");
    let real = merge(&mut b, &day);
    assert_eq!(dry.kinds, real.kinds);
}

#[test]
fn a_day_folder_into_an_empty_file_names_the_missing_parent() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    // The account was saved yesterday, the contact today.
    later(&mut a, -Duration::days(1));
    let mut acc = Account::named("上海华联有限公司");
    a.insert(&mut acc).expect("account");
    later(&mut a, Duration::days(1));
    let mut c = Contact::of(acc.meta.id.clone(), "曾志伟");
    a.insert(&mut c).expect("contact");
    let now = a.now();
    let day = tmp.path().join("day");
    let today = Span::Changed { from: now - Duration::hours(1), to: now + Duration::hours(1) };
    export(&a, &options(&day, today, true)).expect("export");
    let mut b = store(tmp.path(), "b.db");
    let r = merge(&mut b, &day);
    assert!(!r.written);
    assert_eq!(r.rejects.len(), 1, "{r:?}");
    let rej = &r.rejects[0];
    assert_eq!((rej.file.as_str(), rej.row, rej.problems[0].column.as_str()), ("contacts.csv", 2, "account_id"));
    assert!(rej.problems[0].message.contains(&acc.meta.id.to_string()), "{:?}", rej.problems);
    assert!(rej.problems[0].message.contains("accounts.csv"), "{:?}", rej.problems);
    // Into a file that has the account it merges.
    let mut with = store(tmp.path(), "with.db");
    let full = tmp.path().join("full");
    let then = Span::Changed { from: now - Duration::days(2), to: now - Duration::hours(2) };
    export(&a, &options(&full, then, true)).expect("export");
    merge(&mut with, &full);
    assert!(merge(&mut with, &day).written);
    assert_eq!(with.get::<Contact>(&c.meta.id).expect("contact").account_id, acc.meta.id);
}

#[test]
fn a_manifest_whose_counts_or_schema_do_not_match_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    fill(&mut a);
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    let good = manifest(&day);
    let mut b = store(tmp.path(), "b.db");

    let mut v = good.clone();
    v["files"]["accounts.csv"] = 5.into();
    set_manifest(&day, &v);
    let e = merge_err(&mut b, &day);
    assert!(e.contains("manifest.json") && e.contains("accounts.csv holds 5") && e.contains("holds 1"), "{e}");

    let mut v = good.clone();
    v["schema_version"] = 99.into();
    set_manifest(&day, &v);
    let e = merge_err(&mut b, &day);
    assert!(e.contains("schema 99"), "{e}");
    assert!(b.list::<Account>(10, 0).expect("list").is_empty(), "nothing merged");

    set_manifest(&day, &good);
    assert!(merge(&mut b, &day).written);
}

#[test]
fn a_conflict_names_the_record_its_account_and_the_fields() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut a, mut b, f) = twins(tmp.path());
    let mut theirs: Contact = a.get(&f.contact.meta.id).expect("contact");
    theirs.title = "采购总监".into();
    a.update(&mut theirs, "").expect("update");
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    later(&mut b, Duration::minutes(10));
    let mut ours: Contact = b.get(&f.contact.meta.id).expect("contact");
    ours.title = "总经理".into();
    ours.email = "zeng@example.com".into();
    b.update(&mut ours, "").expect("update");
    let r = merge(&mut b, &day);
    assert_eq!(r.kinds["contact"], [0, 0, 0, 1, 0]);
    // Only the title was changed on both sides; the email only here.
    assert_eq!(r.conflicts.len(), 1);
    let c = &r.conflicts[0];
    assert_eq!((c.kind.as_str(), c.label.as_str(), c.account.as_str()), ("contact", "曾志伟", "上海华联有限公司"));
    assert_eq!((c.field.as_str(), c.ours.as_str(), c.theirs.as_str()), ("title", "总经理", "采购总监"));
    assert!(!c.took_theirs, "ours was changed later");
    assert_eq!(c.field_shown(Lang::Zh), "职务");
    assert_eq!(c.kind_shown(Lang::Zh), "联系人");
    let dest = tmp.path().join("conflicts.csv");
    kam::exchange::import::write_conflicts(&dest, Lang::Zh, &r.conflicts).expect("write");
    let text = fs::read_to_string(&dest).expect("read");
    assert!(text.contains("联系人,曾志伟,上海华联有限公司,职务,总经理,测试员,"), "{text}");
    assert!(text.contains(",采购总监,测试员,"), "{text}");
    assert!(text.contains(",本机的,"), "{text}");
}

#[test]
fn a_child_file_without_some_columns_keeps_ours_for_them() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = store(tmp.path(), "a.db");
    let f = fill(&mut a);
    let mut acc: Account = a.get(&f.account.meta.id).expect("account");
    let entry = |title: &str| ArchiveEntry {
        title: title.into(),
        content: "折价 5%,经理批准".into(),
        approval: "李总".into(),
        ..ArchiveEntry::default()
    };
    acc.archive = vec![entry("折价审批"), entry("延期还款")];
    a.update(&mut acc, "").expect("update");
    let full = tmp.path().join("full");
    export(&a, &options(&full, Span::All, true)).expect("export");
    let mut b = store(tmp.path(), "b.db");
    merge(&mut b, &full);
    later(&mut a, Duration::minutes(5));
    let mut acc: Account = a.get(&f.account.meta.id).expect("account");
    acc.archive[0].title = "折价审批(已批)".into();
    a.update(&mut acc, "").expect("update");
    let day = tmp.path().join("day");
    export(&a, &options(&day, Span::All, true)).expect("export");
    // The archive file without its content and approval columns.
    let path = day.join("account_archive.csv");
    let drop: Vec<&str> = ["content", "approval"].iter().map(|c| kam::i18n::column_zh(c).expect("zh")).collect();
    let all = rows(&path);
    let keep: Vec<usize> = (0..all[0].len()).filter(|i| !drop.contains(&all[0][*i].as_str())).collect();
    let cut: Vec<Vec<String>> = all.iter().map(|r| keep.iter().map(|i| r[*i].clone()).collect()).collect();
    write_rows(&path, &cut);
    assert!(merge(&mut b, &day).written);
    let got: Account = b.get(&f.account.meta.id).expect("account");
    assert_eq!(got.archive.len(), 2);
    assert_eq!(got.archive[0].title, "折价审批(已批)", "the sent column came through");
    for e in &got.archive {
        assert_eq!((e.content.as_str(), e.approval.as_str()), ("折价 5%,经理批准", "李总"), "absent columns kept");
    }
}
