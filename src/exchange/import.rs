//! Loading spreadsheets (DESIGN §5): accounts and contacts from a CSV that
//! uses English or Chinese headers, or a subset of them; and merging a
//! day-end export folder from another laptop.
//!
//! Every row is read and checked before anything is written; a file with a
//! bad row changes nothing unless `--skip-bad` asks for the good rows.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use kam_rules::dedupe;
use serde::Serialize;

use super::csv_out::{write_csv, AtomicFile, Cell};
use super::progress::OnProgress;
use super::text::{decode, DecodeError, Encoding};
use crate::i18n::column_zh;
use crate::model::{
    Account, CallPlan, ChangeEvent, Contact, Feedback, Id, Order, Presentation, Target, VipCard, Visit,
};
use crate::store::{
    attach_children, export_layouts, overlay_cells, record_from_cells, AccountKeys, CellError, ImportOp, MergeOutcome,
    Record, RecordKind, Store, StoreError, TableLayout,
};

/// The kinds a spreadsheet can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    Accounts,
    Contacts,
}

impl SheetKind {
    /// The kind from a file name such as `accounts.csv`, `contacts-2026.csv`,
    /// `客户.csv` or `联系人.csv`.
    pub fn from_file_name(path: &Path) -> Option<Self> {
        let stem = path.file_stem()?.to_string_lossy().to_lowercase();
        if stem.starts_with("account") || stem.contains("客户") {
            Some(Self::Accounts)
        } else if stem.starts_with("contact") || stem.contains("联系人") {
            Some(Self::Contacts)
        } else {
            None
        }
    }

    fn table(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Contacts => "contacts",
        }
    }
}

/// Headers people use in their own spreadsheets, beside kam's own.
const ALIASES: &[(&str, &str)] = &[
    ("客户名称", "name"),
    ("公司名称", "name"),
    ("企业名称", "name"),
    ("姓名", "name"),
    ("联系电话", "phone"),
    ("手机", "phone"),
    ("手机号", "phone"),
    ("电话号码", "phone"),
    ("邮箱", "email"),
    ("职务", "title"),
    ("生日", "birth_date"),
    ("所属行业", "industry"),
    ("区域", "region"),
    ("客户经理", "owner"),
    ("company name", "name"),
    ("mobile", "phone"),
    ("tel", "phone"),
];

/// Headers that name a contact's account (by id or by name).
const ACCOUNT_LINK: &[&str] = &["account", "account_name", "客户", "所属客户", "客户ID", "account_id", "客户名称"];

/// What an import found, row by row.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub kind: Option<SheetKind>,
    pub encoding: String,
    pub rows: usize,
    pub new: usize,
    pub updated: usize,
    pub duplicate: usize,
    pub rejected: usize,
    /// Headers not used, reported so a typo is seen.
    pub ignored_columns: Vec<String>,
    /// Each rejected row with its problems (row numbers count the header as row 1).
    pub rejects: Vec<Reject>,
    /// Each duplicate row with the record it matched.
    pub duplicates: Vec<Duplicate>,
    /// Where rejects were written, with `--skip-bad`.
    pub rejects_file: Option<PathBuf>,
    pub written: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reject {
    pub row: usize,
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub column: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Duplicate {
    pub row: usize,
    pub matched: String,
    pub action: &'static str,
}

/// How to import.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub skip_bad: bool,
    pub update: bool,
}

/// An import that could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: {source}")]
    Decode { path: String, source: DecodeError },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A parsed sheet: column names (kam's) per header position, and the rows.
struct Sheet {
    headers: Vec<String>,
    columns: Vec<Option<String>>,
    rows: Vec<Vec<String>>,
    ignored: Vec<String>,
    encoding: Encoding,
}

fn header_to_column(header: &str, layout: &TableLayout, extra: &[&str]) -> Option<String> {
    let h = header.trim().trim_start_matches('\u{feff}');
    let lower = h.to_lowercase();
    if let Some(c) = layout.columns.iter().find(|c| **c == lower) {
        return Some((*c).to_string());
    }
    if let Some(c) = layout.columns.iter().find(|c| column_zh(c) == Some(h)) {
        return Some((*c).to_string());
    }
    if extra.iter().any(|e| e.eq_ignore_ascii_case(h)) {
        return Some(format!("@{h}"));
    }
    ALIASES
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(h))
        .map(|(_, c)| (*c).to_string())
        .filter(|c| layout.columns.contains(&c.as_str()))
}

fn read_sheet(path: &Path, layout: &TableLayout, extra: &[&str]) -> Result<Sheet, ImportError> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { path: p.clone(), source })?;
    let (text, encoding) = decode(&bytes).map_err(|source| ImportError::Decode { path: p.clone(), source })?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers =
        reader.headers().map_err(|e| ImportError::Format { path: p.clone(), message: e.to_string() })?.clone();
    let mut columns = Vec::new();
    let mut ignored = Vec::new();
    let mut seen = HashSet::new();
    for h in &headers {
        let col = header_to_column(h, layout, extra);
        match &col {
            Some(c) if !seen.insert(c.clone()) => {
                return Err(ImportError::Format { path: p, message: format!("column '{h}' is given twice") });
            }
            None if !h.trim().is_empty() => ignored.push(h.trim().to_string()),
            Some(_) | None => {}
        }
        columns.push(col);
    }
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| ImportError::Format { path: p.clone(), message: format!("row {}: {e}", i + 2) })?;
        if rec.iter().all(|c| c.trim().is_empty()) {
            rows.push(Vec::new());
            continue;
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    let headers = headers.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    Ok(Sheet { headers, columns, rows, ignored, encoding })
}

fn encoding_name(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 with BOM",
        Encoding::Gbk => "GBK",
    }
}

fn problems(errors: Vec<CellError>) -> Vec<Problem> {
    errors.into_iter().map(|e| Problem { column: e.column, message: e.message }).collect()
}

fn main_layout(table: &str) -> Result<TableLayout, ImportError> {
    export_layouts()
        .into_iter()
        .find(|l| l.table == table && l.child.is_none())
        .ok_or_else(|| ImportError::Format { path: String::new(), message: format!("no table {table}") })
}

/// Imports a spreadsheet of accounts or contacts.
pub fn import_sheet(
    store: &mut Store,
    path: &Path,
    kind: SheetKind,
    opts: ImportOptions,
    on: OnProgress<'_>,
) -> Result<ImportReport, ImportError> {
    let layout = main_layout(kind.table())?;
    let extra: &[&str] = if kind == SheetKind::Contacts { ACCOUNT_LINK } else { &[] };
    let sheet = read_sheet(path, &layout, extra)?;
    if !sheet.columns.iter().flatten().any(|c| c == "name") {
        return Err(ImportError::Format {
            path: path.display().to_string(),
            message: "no name column: the first row must name the columns, with at least name (名称)".into(),
        });
    }
    let mut report = ImportReport {
        kind: Some(kind),
        encoding: encoding_name(sheet.encoding).into(),
        ignored_columns: sheet.ignored.clone(),
        ..ImportReport::default()
    };
    let mut writes = Vec::new();
    let mut bad_rows = Vec::new();
    let mut seen_names: HashMap<String, usize> = HashMap::new();
    on("checking", 0);
    // An account is read and validated without the store: every row on
    // every core first, then the duplicate guard row by row in order.
    let mut accounts: Vec<Option<Result<Account, Vec<CellError>>>> = match kind {
        SheetKind::Accounts => crate::par::map(&sheet.rows, MANY_ROWS, |raw| {
            (!raw.is_empty()).then(|| record_from_cells(&row_cells(&sheet.columns, raw).0))
        }),
        SheetKind::Contacts => Vec::new(),
    };
    // With many rows, the live accounts' keys are read once and a row is
    // looked up only when one of its keys is taken.
    let keys = if kind == SheetKind::Accounts && sheet.rows.len() >= MANY_ROWS {
        Some(store.account_dedupe_keys()?)
    } else {
        None
    };
    for (i, raw) in sheet.rows.iter().enumerate() {
        let row_no = i + 2;
        if raw.is_empty() {
            continue;
        }
        if i % 4096 == 0 {
            on("checking", i as u64);
        }
        report.rows += 1;
        let (cells, link) = row_cells(&sheet.columns, raw);
        let outcome = match kind {
            SheetKind::Accounts => {
                let built = accounts.get_mut(i).and_then(Option::take).unwrap_or_else(|| record_from_cells(&cells));
                account_row(store, keys.as_ref(), built, &cells, opts, &mut seen_names, row_no)?
            }
            SheetKind::Contacts => contact_row(store, &cells, link, opts, &mut seen_names, row_no)?,
        };
        match outcome {
            Row::Op(op) => {
                if matches!(op, ImportOp::Update(_)) {
                    report.updated += 1;
                } else {
                    report.new += 1;
                }
                writes.push(op);
            }
            Row::Duplicate(d) => {
                report.duplicate += 1;
                report.duplicates.push(Duplicate { row: row_no, matched: d, action: "skipped" });
            }
            Row::Updated(op, d) => {
                report.updated += 1;
                report.duplicates.push(Duplicate { row: row_no, matched: d, action: "updated" });
                writes.push(op);
            }
            Row::Bad(p) => {
                report.rejected += 1;
                report.rejects.push(Reject { row: row_no, problems: p });
                bad_rows.push(i);
            }
        }
    }
    if report.rejected > 0 && !opts.skip_bad || opts.dry_run {
        return Ok(report);
    }
    if report.rejected > 0 {
        report.rejects_file = Some(write_rejects(path, &sheet, &report)?);
    }
    let source = format!("import {}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    on("writing", report.rows as u64);
    store.apply_import(writes, &source)?;
    report.written = true;
    Ok(report)
}

/// Rows from which a sheet's work is split over the cores and the
/// duplicate guard reads the live accounts' keys at once.
const MANY_ROWS: usize = 1_000;

/// The cells of a row that give a column of the record (not its id and
/// times: a spreadsheet row is a new record, they are kam's), and the cell
/// naming a contact's account.
fn row_cells<'a>(columns: &'a [Option<String>], raw: &'a [String]) -> (Vec<(&'a str, &'a str)>, Option<&'a str>) {
    let mut cells = Vec::with_capacity(raw.len());
    let mut link = None;
    for (col, text) in columns.iter().zip(raw) {
        match col.as_deref() {
            Some(c) if c.starts_with('@') => link = Some(text.as_str()),
            Some(c) if !crate::store::META_COLUMNS.contains(&c) => cells.push((c, text.as_str())),
            Some(_) | None => {}
        }
    }
    (cells, link)
}

enum Row {
    Op(ImportOp),
    Updated(ImportOp, String),
    Duplicate(String),
    Bad(Vec<Problem>),
}

/// An account row, built from `cells` (as `built`), against the rows
/// before it and the file's live accounts (all of whose keys are `keys`
/// when given).
fn account_row(
    store: &Store,
    keys: Option<&AccountKeys>,
    built: Result<Account, Vec<CellError>>,
    cells: &[(&str, &str)],
    opts: ImportOptions,
    seen: &mut HashMap<String, usize>,
    row_no: usize,
) -> Result<Row, ImportError> {
    let account = match built {
        Ok(a) => a,
        Err(e) => return Ok(Row::Bad(problems(e))),
    };
    let norm = dedupe::normalize_company(&account.name);
    if let Some(first) = seen.get(&norm) {
        return Ok(Row::Duplicate(format!("row {first} of this file ({})", account.name)));
    }
    seen.insert(norm, row_no);
    let matches = if keys.is_none_or(|k| k.may_match(&account.name, &account.phone)) {
        store.similar_accounts(&account.name, &account.phone)?
    } else {
        Vec::new()
    };
    match (matches.as_slice(), opts.update) {
        ([], _) => Ok(Row::Op(ImportOp::Insert(account.into_any()))),
        ([(id, name)], true) => {
            let current: Account = store.get(id)?;
            match overlay_cells(&current, cells) {
                Ok(updated) => Ok(Row::Updated(ImportOp::Update(updated.into_any()), format!("{name} ({id})"))),
                Err(e) => Ok(Row::Bad(problems(e))),
            }
        }
        ([(id, name)], false) => Ok(Row::Duplicate(format!("{name} ({id})"))),
        (many, _) => Ok(Row::Duplicate(format!(
            "{} accounts: {}",
            many.len(),
            many.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn contact_row(
    store: &Store,
    given: &[(&str, &str)],
    link: Option<&str>,
    opts: ImportOptions,
    seen: &mut HashMap<String, usize>,
    row_no: usize,
) -> Result<Row, ImportError> {
    let link = link.map(str::trim).unwrap_or_default();
    let account = if link.is_empty() {
        return Ok(Row::Bad(vec![Problem {
            column: "account".into(),
            message: "no account: give the account's name or id in an account (客户) column".into(),
        }]));
    } else if let Ok(id) = Id::parse(link) {
        if store.exists(RecordKind::Account, &id)? {
            id
        } else {
            return Ok(Row::Bad(vec![Problem {
                column: "account".into(),
                message: format!("no account has the id {link}"),
            }]));
        }
    } else {
        match store.accounts_named(link)?.as_slice() {
            [id] => id.clone(),
            [] => {
                return Ok(Row::Bad(vec![Problem {
                    column: "account".into(),
                    message: format!("no account is named '{link}': import the accounts first"),
                }]))
            }
            many => {
                return Ok(Row::Bad(vec![Problem {
                    column: "account".into(),
                    message: format!("{} accounts are named '{link}': give the account's id instead", many.len()),
                }]))
            }
        }
    };
    let account_text = account.to_string();
    let mut cells: Vec<(&str, &str)> = given.iter().filter(|(c, _)| *c != "account_id").copied().collect();
    cells.push(("account_id", account_text.as_str()));
    let contact: Contact = match record_from_cells(&cells) {
        Ok(c) => c,
        Err(e) => return Ok(Row::Bad(problems(e))),
    };
    let key = format!("{}|{}", account, dedupe::normalize_person(&contact.name));
    if let Some(first) = seen.get(&key) {
        return Ok(Row::Duplicate(format!("row {first} of this file ({})", contact.name)));
    }
    seen.insert(key, row_no);
    let matches = store.similar_contacts(&contact.name, &contact.phone, &account)?;
    match (matches.as_slice(), opts.update) {
        ([], _) => Ok(Row::Op(ImportOp::Insert(contact.into_any()))),
        ([id], true) => {
            let current: Contact = store.get(id)?;
            match overlay_cells(&current, &cells) {
                Ok(updated) => {
                    Ok(Row::Updated(ImportOp::Update(updated.into_any()), format!("{} ({id})", current.name)))
                }
                Err(e) => Ok(Row::Bad(problems(e))),
            }
        }
        ([id], false) => Ok(Row::Duplicate(format!("{} ({id})", contact.name))),
        (many, _) => Ok(Row::Duplicate(format!("{} contacts named {}", many.len(), contact.name))),
    }
}

/// Writes the rejected rows, as given plus a reason column, beside the file.
fn write_rejects(path: &Path, sheet: &Sheet, report: &ImportReport) -> Result<PathBuf, ImportError> {
    let stem = path.file_stem().map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    let dest = path.with_file_name(format!("{stem}.rejects.csv"));
    let p = dest.display().to_string();
    let ioe = |source| ImportError::Read { path: p.clone(), source };
    let mut headers = sheet.headers.clone();
    headers.push("reason".into());
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows = report.rejects.iter().map(|r| {
        let mut row: Vec<Cell> = sheet.rows[r.row - 2].iter().map(|c| Cell::Text(c.clone())).collect();
        row.resize(headers.len() - 1, Cell::Empty);
        let reason = r.problems.iter().map(|p| format!("{}: {}", p.column, p.message)).collect::<Vec<_>>().join("; ");
        row.push(Cell::Text(reason));
        row
    });
    let mut f = AtomicFile::create(&dest).map_err(ioe)?;
    write_csv(f.writer().map_err(ioe)?, true, &header_refs, rows).map_err(ioe)?;
    f.commit().map_err(ioe)?;
    Ok(dest)
}

/// What a merge of an export folder did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MergeReport {
    /// Per kind: inserted, updated, same, kept ours.
    pub kinds: BTreeMap<String, [usize; 4]>,
    pub conflicts: Vec<MergeConflict>,
    pub rejects: Vec<MergeReject>,
    pub masked: bool,
    pub written: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct MergeConflict {
    pub kind: String,
    pub id: String,
    pub ours: DateTime<Utc>,
    pub theirs: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MergeReject {
    pub file: String,
    pub row: usize,
    pub problems: Vec<Problem>,
}

/// Personal columns an export masks; a masked export never overwrites them.
const PERSONAL: &[&str] = &["phone", "birth_date", "spouse", "vehicle"];

/// Merges a day-end export folder: by id, the newer `updated_at` wins, a
/// record changed here later is kept and listed as a conflict. Any bad row
/// refuses the whole folder. `dry_run` reports and writes nothing.
pub fn merge_dir(store: &mut Store, dir: &Path, dry_run: bool, on: OnProgress<'_>) -> Result<MergeReport, ImportError> {
    let mut report = MergeReport::default();
    let manifest = dir.join("manifest.json");
    if manifest.exists() {
        let text = std::fs::read_to_string(&manifest)
            .map_err(|source| ImportError::Read { path: manifest.display().to_string(), source })?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| ImportError::Format { path: manifest.display().to_string(), message: e.to_string() })?;
        report.masked = v["masked"].as_bool().unwrap_or(false);
    }
    let layouts = export_layouts();
    let mut ops = Vec::new();
    let mut kinds = Vec::new();
    let mut found_any = false;
    for main in layouts.iter().filter(|l| l.child.is_none()) {
        let file = dir.join(format!("{}.csv", main.table));
        if !file.exists() {
            continue;
        }
        found_any = true;
        on(main.table, ops.len() as u64);
        let children: Vec<&TableLayout> = layouts.iter().filter(|l| l.kind == main.kind && l.child.is_some()).collect();
        let before = ops.len();
        macro_rules! merge_kind {
            ($ty:ty) => {
                merge_table::<$ty>(dir, &file, main, &children, report.masked, &mut ops, &mut report.rejects)?
            };
        }
        match main.kind {
            RecordKind::Account => merge_kind!(Account),
            RecordKind::Contact => merge_kind!(Contact),
            RecordKind::Order => merge_kind!(Order),
            RecordKind::Visit => merge_kind!(Visit),
            RecordKind::ChangeEvent => merge_kind!(ChangeEvent),
            RecordKind::Feedback => merge_kind!(Feedback),
            RecordKind::CallPlan => merge_kind!(CallPlan),
            RecordKind::Presentation => merge_kind!(Presentation),
            RecordKind::VipCard => merge_kind!(VipCard),
            RecordKind::Target => merge_kind!(Target),
        }
        kinds.extend(std::iter::repeat_n(main.kind, ops.len() - before));
    }
    if !found_any {
        return Err(ImportError::Format {
            path: dir.display().to_string(),
            message: "no export files here: a day-end export folder holds accounts.csv, contacts.csv, …".into(),
        });
    }
    if !report.rejects.is_empty() || dry_run {
        return Ok(report);
    }
    let source = format!("merge {}", dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    on("writing", ops.len() as u64);
    let outcomes = store.apply_import(ops.clone(), &source)?;
    for ((kind, outcome), op) in kinds.iter().zip(outcomes).zip(&ops) {
        let counts = report.kinds.entry(kind.key().to_string()).or_insert([0; 4]);
        match outcome {
            MergeOutcome::Inserted => counts[0] += 1,
            MergeOutcome::Updated => counts[1] += 1,
            MergeOutcome::Same => counts[2] += 1,
            MergeOutcome::KeptOurs { ours, theirs } => {
                counts[3] += 1;
                let ImportOp::Merge(r, _) = op else { continue };
                report.conflicts.push(MergeConflict { kind: kind.key().to_string(), id: any_id(r), ours, theirs });
            }
        }
    }
    report.written = true;
    Ok(report)
}

fn any_id(r: &crate::store::AnyRecord) -> String {
    use crate::store::AnyRecord as A;
    match r {
        A::Account(x) => x.meta.id.to_string(),
        A::Contact(x) => x.meta.id.to_string(),
        A::Order(x) => x.meta.id.to_string(),
        A::Visit(x) => x.meta.id.to_string(),
        A::ChangeEvent(x) => x.meta.id.to_string(),
        A::Feedback(x) => x.meta.id.to_string(),
        A::CallPlan(x) => x.meta.id.to_string(),
        A::Presentation(x) => x.meta.id.to_string(),
        A::VipCard(x) => x.meta.id.to_string(),
        A::Target(x) => x.meta.id.to_string(),
    }
}

fn named_cells<'a>(sheet: &'a Sheet, row: &'a [String]) -> Vec<(&'a str, &'a str)> {
    sheet.columns.iter().zip(row).filter_map(|(c, t)| c.as_deref().map(|c| (c, t.as_str()))).collect()
}

/// A child row waiting for its parent: position, line in the file, cells.
type ChildRow<'a> = (usize, usize, Vec<(&'a str, &'a str)>);

fn merge_table<R: Record + Default>(
    dir: &Path,
    file: &Path,
    main: &TableLayout,
    children: &[&TableLayout],
    masked: bool,
    ops: &mut Vec<ImportOp>,
    rejects: &mut Vec<MergeReject>,
) -> Result<(), ImportError> {
    let sheet = read_sheet(file, main, &[])?;
    let file_name = format!("{}.csv", main.table);
    let mut records: Vec<R> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, row) in sheet.rows.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        let mut cells = named_cells(&sheet, row);
        if masked {
            cells.retain(|(c, _)| !PERSONAL.contains(c));
        }
        if !cells.iter().any(|(c, t)| *c == "id" && !t.trim().is_empty()) {
            rejects.push(MergeReject {
                file: file_name.clone(),
                row: i + 2,
                problems: vec![Problem {
                    column: "id".into(),
                    message: "no id: only kam's own exports can be merged".into(),
                }],
            });
            continue;
        }
        match record_from_cells::<R>(&cells) {
            Ok(r) => {
                index.insert(r.meta().id.to_string(), records.len());
                records.push(r);
            }
            Err(e) => rejects.push(MergeReject { file: file_name.clone(), row: i + 2, problems: problems(e) }),
        }
    }
    for child in children {
        let path = dir.join(format!("{}.csv", child.table));
        if !path.exists() {
            continue;
        }
        let child_name = child.child.unwrap_or_default();
        let sheet = read_sheet(&path, child, &[])?;
        // Per parent record: its child rows as (pos, line in the file, cells).
        let mut groups: BTreeMap<usize, Vec<ChildRow<'_>>> = BTreeMap::new();
        for (i, row) in sheet.rows.iter().enumerate() {
            if row.is_empty() {
                continue;
            }
            let cells = named_cells(&sheet, row);
            let parent = cells.iter().find(|(c, _)| *c == "parent_id").map(|(_, t)| t.trim()).unwrap_or_default();
            let pos =
                cells.iter().find(|(c, _)| *c == "pos").and_then(|(_, t)| t.trim().parse::<usize>().ok()).unwrap_or(i);
            match index.get(parent) {
                Some(&r) => groups.entry(r).or_default().push((pos, i + 2, cells)),
                None => rejects.push(MergeReject {
                    file: format!("{}.csv", child.table),
                    row: i + 2,
                    problems: vec![Problem {
                        column: "parent_id".into(),
                        message: format!("'{parent}' is not a record of {}.csv", main.table),
                    }],
                }),
            }
        }
        for (r, mut rows) in groups {
            rows.sort_by_key(|(pos, _, _)| *pos);
            let lines: Vec<usize> = rows.iter().map(|(_, line, _)| *line).collect();
            let rows: Vec<Vec<(&str, &str)>> = rows.into_iter().map(|(_, _, c)| c).collect();
            if let Err(errors) = attach_children(&mut records[r], child_name, &rows) {
                for (i, e) in errors {
                    rejects.push(MergeReject {
                        file: format!("{}.csv", child.table),
                        row: lines.get(i).copied().unwrap_or(0),
                        problems: problems(vec![e]),
                    });
                }
            }
        }
    }
    let keep: Vec<&'static str> = if masked { PERSONAL.to_vec() } else { Vec::new() };
    ops.extend(records.into_iter().map(|r| ImportOp::Merge(r.into_any(), keep.clone())));
    Ok(())
}
