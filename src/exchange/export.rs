//! The day-end export (DESIGN §5, §6): one CSV per table in a folder, each
//! written under a temporary name and renamed when complete, with a
//! manifest of what is in it.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use kam_rules::{privacy, Lang};
use serde::Serialize;

use super::csv_out::{AtomicFile, Cell, BOM};
use super::import::{CLOCK_FILE, DELETION_FILE};
use super::progress::OnProgress;
use crate::i18n::column_zh_in;
use crate::store::{
    export_layouts, Datum, RowsError, Shown, Span, Store, StoreError, TableLayout, CLOCK_COLUMNS, DELETION_COLUMNS,
    FIRST_POS, SCHEMA_VERSION,
};

/// Personal fields masked unless a manager asks for `--unmask` (§4.13),
/// by table; a merge of a masked export leaves them as they are.
pub const PERSONAL: &[(&str, &str)] = &[
    ("contacts", "phone"),
    ("contacts", "birth_date"),
    ("contacts", "spouse"),
    ("vip_cards", "phone"),
    ("vip_cards", "vehicle"),
];

/// What to export and how.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub span: Span,
    /// Words for the manifest: `day 2026-11-23`, `all`, …
    pub range: String,
    pub dir: PathBuf,
    pub bom: bool,
    pub lang: Lang,
    pub unmask: bool,
    pub who: String,
    pub now: DateTime<Utc>,
}

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub exported_by: String,
    pub exported_at: String,
    pub range: String,
    pub header_language: String,
    pub masked: bool,
    /// The `pos` of a record's first child row ([`FIRST_POS`]); a folder
    /// without it numbered them from 0.
    pub first_pos: i64,
    /// Rows per file, by file name.
    pub files: BTreeMap<String, u64>,
}

/// An export that failed: the store, or writing a file (named).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Write { path: String, source: csv::Error },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: {source}")]
    Xlsx { path: String, source: rust_xlsxwriter::XlsxError },
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> ExportError + '_ {
    move |source| ExportError::Io { path: path.display().to_string(), source }
}

/// A header of one of the merge's own files (`field_clocks.csv`,
/// `deletions.csv`) in the chosen language: its Chinese word by `zh`.
fn file_header(column: &'static str, lang: Lang, zh: fn(&str) -> Option<&'static str>) -> &'static str {
    match lang {
        Lang::Zh => zh(column).unwrap_or(column),
        Lang::En => column,
    }
}

/// The header of a column of `table` in the chosen language.
pub fn header(table: &str, column: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => column_zh_in(table, column).map_or_else(|| column.to_string(), str::to_string),
        Lang::En => column.to_string(),
    }
}

/// A choice column's value in the export's language: its label (现金,
/// 决策者, 已完成 in Chinese; Cash, Decision maker, Done in English) rather
/// than the key kam stores, and a yes/no column's 是/否 or yes/no rather
/// than 1/0. The merge and the spreadsheet import read a key, a label in
/// either language, or 1/0.
fn choice_label(d: &Datum<'_>, shown: Shown, lang: Lang) -> Option<Datum<'static>> {
    match (d, shown) {
        (Datum::Text(key), Shown::Choice(c)) => c.label(key, lang).map(|l| Datum::Text(l.into())),
        (Datum::Bool(b), Shown::Bool) => {
            Some(Datum::Text(if *b { crate::i18n::T::Yes } else { crate::i18n::T::No }.get(lang).into()))
        }
        _ => None,
    }
}

fn cell(d: &Datum<'_>, mask: bool) -> Cell {
    match d {
        Datum::Null => Cell::Empty,
        Datum::Text(s) if mask => Cell::Text(mask_text(s)),
        Datum::Text(s) => Cell::Text(crate::safe_text::stored(s).into_owned()),
        Datum::Int(i) => Cell::Int(*i),
        Datum::Money(m) => Cell::Money(*m),
        Datum::Rate(r) => Cell::Text(r.to_string()),
        Datum::Bool(b) => Cell::Bool(*b),
    }
}

fn mask_text(s: &str) -> String {
    if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        privacy::mask_date(s)
    } else if s.chars().filter(char::is_ascii_digit).count() >= 5 {
        privacy::mask_phone(s)
    } else {
        privacy::mask_text(s)
    }
}

/// Writes one cell as a CSV field without building an owned row: text is
/// neutralised (or masked), numbers written as numbers.
fn write_datum<W: io::Write>(w: &mut csv::Writer<W>, buf: &mut String, d: &Datum<'_>, mask: bool) -> csv::Result<()> {
    use std::fmt::Write as _;
    match d {
        Datum::Null => w.write_field(""),
        Datum::Text(s) if mask => w.write_field(mask_text(s)),
        Datum::Text(s) => w.write_field(super::csv_out::neutralise(s).as_bytes()),
        Datum::Bool(b) => w.write_field(if *b { "1" } else { "0" }),
        Datum::Int(i) => {
            buf.clear();
            let _ = write!(buf, "{i}");
            w.write_field(buf.as_bytes())
        }
        Datum::Money(m) => {
            buf.clear();
            let _ = write!(buf, "{m}");
            w.write_field(buf.as_bytes())
        }
        Datum::Rate(r) => {
            buf.clear();
            let _ = write!(buf, "{r}");
            w.write_field(buf.as_bytes())
        }
    }
}

/// Creates the export folder owner-only (0700, issue #21). A folder that
/// already exists is made owner-only when it is empty or holds an earlier
/// export (its `manifest.json`); a folder of the user's own (`--dir .`)
/// keeps its mode, and the files written into it are owner-only anyway.
pub fn export_dir(dir: &Path) -> io::Result<()> {
    let ours = match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none() || dir.join("manifest.json").exists(),
        Err(_) => true,
    };
    crate::files::create_private_dir(dir)?;
    if ours {
        crate::files::tighten_dir(dir)?;
    }
    Ok(())
}

/// Writes every table of the span into `opts.dir` and the manifest last.
pub fn export(store: &Store, opts: &ExportOptions) -> Result<Manifest, ExportError> {
    export_with_progress(store, opts, &mut |_, _| {})
}

/// [`export`], reporting each table's rows as they are written. A failed
/// export (a damaged page met half way, a full disk) takes back the files
/// it wrote, and the folder when it made it: nothing is left that looks
/// like an export.
pub fn export_with_progress(store: &Store, opts: &ExportOptions, on: OnProgress<'_>) -> Result<Manifest, ExportError> {
    let made_dir = !opts.dir.exists();
    let written = std::sync::Mutex::new(Vec::new());
    let result = export_into(store, opts, on, &written);
    if result.is_err() {
        for path in written.into_inner().unwrap_or_default() {
            let _ = fs::remove_file(path);
        }
        if made_dir {
            let _ = fs::remove_dir(&opts.dir);
        }
    }
    result
}

fn export_into(
    store: &Store,
    opts: &ExportOptions,
    on: OnProgress<'_>,
    committed: &std::sync::Mutex<Vec<PathBuf>>,
) -> Result<Manifest, ExportError> {
    export_dir(&opts.dir).map_err(io_err(&opts.dir))?;
    // Two writers, each with its own connection, take the tables largest
    // first: a day-end export is small, a full one of a large file is
    // bound by turning rows into CSV, which two cores halve.
    let mut queue = export_layouts();
    let mut sizes = Vec::with_capacity(queue.len());
    for l in &queue {
        sizes.push((store.table_rows(l.table)?, l.table));
    }
    queue.sort_by_key(|l| sizes.iter().find(|(_, t)| *t == l.table).map_or(0, |(n, _)| *n));
    let queue = std::sync::Mutex::new(queue);
    let next = || queue.lock().ok().and_then(|mut q| q.pop());
    let reader = store.open_reader()?;
    let work = |store: &Store, on: OnProgress<'_>| -> Result<Vec<(String, u64)>, ExportError> {
        let mut written = Vec::new();
        while let Some(layout) = next() {
            let name = format!("{}.csv", layout.table);
            let path = opts.dir.join(&name);
            let rows = write_table(store, &layout, opts, &path, on)?;
            if let Ok(mut c) = committed.lock() {
                c.push(path);
            }
            written.push((name, rows));
        }
        Ok(written)
    };
    let work = &work;
    let (mine, theirs) = std::thread::scope(|s| {
        let other = s.spawn(move || work(&reader, &mut |_, _| {}));
        let mine = work(store, on);
        (mine, other.join())
    });
    let theirs = theirs.map_err(|_| ExportError::Io {
        path: opts.dir.display().to_string(),
        source: io::Error::other("the second export writer stopped unexpectedly"),
    })?;
    let mut files: BTreeMap<String, u64> = mine?.into_iter().chain(theirs?).collect();
    let clocks = opts.dir.join(CLOCK_FILE);
    let n = write_clocks(store, opts, &clocks)?;
    if let Ok(mut c) = committed.lock() {
        c.push(clocks);
    }
    files.insert(CLOCK_FILE.to_string(), n);
    let deletions = opts.dir.join(DELETION_FILE);
    let n = write_deletions(store, opts, &deletions)?;
    if let Ok(mut c) = committed.lock() {
        c.push(deletions);
    }
    files.insert(DELETION_FILE.to_string(), n);
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        exported_by: opts.who.clone(),
        exported_at: opts.now.to_rfc3339(),
        range: opts.range.clone(),
        header_language: opts.lang.key().to_string(),
        masked: !opts.unmask,
        first_pos: FIRST_POS,
        files,
    };
    let path = opts.dir.join("manifest.json");
    let mut f = AtomicFile::create(&path).map_err(io_err(&path))?;
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| ExportError::Io { path: path.display().to_string(), source: e.into() })?;
    io::Write::write_all(f.writer().map_err(io_err(&path))?, text.as_bytes()).map_err(io_err(&path))?;
    f.commit().map_err(io_err(&path))?;
    Ok(manifest)
}

/// Which columns of a table are masked under these options.
fn masked_columns(layout: &TableLayout, opts: &ExportOptions) -> Vec<bool> {
    layout
        .columns
        .iter()
        .map(|c| !opts.unmask && layout.child.is_none() && PERSONAL.contains(&(layout.table, c)))
        .collect()
}

/// A CSV writer over an export file.
type FileCsv<'a> = csv::Writer<&'a mut io::BufWriter<fs::File>>;

/// Writes one export file under a temporary name: the BOM when asked, the
/// header row, then what `rows` streams (returning how many), renamed when
/// complete.
fn write_file<I, H>(
    path: &Path,
    bom: bool,
    header: I,
    rows: impl FnOnce(&mut FileCsv<'_>) -> Result<u64, RowsError<csv::Error>>,
) -> Result<u64, ExportError>
where
    I: IntoIterator<Item = H>,
    H: AsRef<[u8]>,
{
    let mut file = AtomicFile::create(path).map_err(io_err(path))?;
    let out = file.writer().map_err(io_err(path))?;
    if bom {
        io::Write::write_all(out, BOM).map_err(io_err(path))?;
    }
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let werr = |source| ExportError::Write { path: path.display().to_string(), source };
    w.write_record(header).map_err(werr)?;
    let n = rows(&mut w).map_err(|e| match e {
        RowsError::Store(s) => ExportError::Store(s),
        RowsError::Sink(source) => werr(source),
    })?;
    w.flush().map_err(io_err(path))?;
    drop(w);
    file.commit().map_err(io_err(path))?;
    Ok(n)
}

fn write_table(
    store: &Store,
    layout: &TableLayout,
    opts: &ExportOptions,
    path: &Path,
    on: OnProgress<'_>,
) -> Result<u64, ExportError> {
    let masked = masked_columns(layout, opts);
    let header = layout.columns.iter().map(|c| header(layout.table, c, opts.lang));
    write_file(path, opts.bom, header, |w| {
        let mut buf = String::new();
        let mut done = 0u64;
        store.export_rows(layout, opts.span, |cells| {
            for ((d, m), shown) in cells.iter().zip(&masked).zip(&layout.shown) {
                let labelled = choice_label(d, *shown, opts.lang);
                write_datum(w, &mut buf, labelled.as_ref().unwrap_or(d), *m)?;
            }
            done += 1;
            if done.is_multiple_of(4096) {
                on(layout.table, done);
            }
            w.write_record(None::<&[u8]>)
        })
    })
}

/// Writes `field_clocks.csv`: when each field of the exported records was
/// last changed, by whom, and on top of which earlier change, so that a
/// merge takes each field from the side that changed it last (DESIGN §7).
/// Masked fields are left out with their values.
fn write_clocks(store: &Store, opts: &ExportOptions, path: &Path) -> Result<u64, ExportError> {
    let skip: &[(&str, &str)] = if opts.unmask { &[] } else { PERSONAL };
    let headers = CLOCK_COLUMNS.map(|c| file_header(c, opts.lang, crate::i18n::clock_column_zh));
    write_file(path, opts.bom, headers, |w| {
        store.export_clocks(opts.span, skip, |row| {
            for cell in row {
                w.write_field(super::csv_out::neutralise(cell).as_bytes())?;
            }
            w.write_record(None::<&[u8]>)
        })
    })
}

/// Writes `deletions.csv`: the records moved to the trash in the span, so
/// that a merge moves them to the trash too (DESIGN §7: a deletion is a
/// change like any other, and the newest change wins).
/// In a Chinese export its headers and the record's kind are in Chinese;
/// a merge reads either language.
fn write_deletions(store: &Store, opts: &ExportOptions, path: &Path) -> Result<u64, ExportError> {
    let headers = DELETION_COLUMNS.map(|c| file_header(c, opts.lang, crate::i18n::deletion_column_zh));
    write_file(path, opts.bom, headers, |w| {
        store.export_deletions(opts.span, |row| {
            for (i, cell) in row.into_iter().enumerate() {
                // The kind by its Chinese label; an English export keeps the
                // key, as its headers are the column keys.
                let label = i == 0 && opts.lang == Lang::Zh;
                let kind = label.then(|| crate::i18n::kind_label(cell)).flatten().map(|t| t.get(opts.lang));
                w.write_field(super::csv_out::neutralise(kind.unwrap_or(cell)).as_bytes())?;
            }
            w.write_record(None::<&[u8]>)
        })
    })
}

/// Excel's last row: a longer table continues on a second sheet.
const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Writes `kam-export.xlsx` in `opts.dir`: a sheet per table, named in the
/// export's language, with the same headers, choice labels and masks as the
/// CSVs; text kept as text (so phones and 18-digit ID numbers are not turned
/// into numbers), money, rates and counts as numbers, days as dates.
pub fn write_workbook(store: &Store, opts: &ExportOptions) -> Result<PathBuf, ExportError> {
    use rust_xlsxwriter::{Format, Workbook};
    let dest = opts.dir.join("kam-export.xlsx");
    let tmp = opts.dir.join(".kam-export.xlsx.part");
    let xerr = |source| ExportError::Xlsx { path: dest.display().to_string(), source };
    let money = Format::new().set_num_format("0.00");
    let rate = Format::new().set_num_format("0.00##");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    for layout in export_layouts() {
        let masked = masked_columns(&layout, opts);
        let mut part = 1;
        let mut done = Vec::new();
        let mut sheet = book.new_worksheet_with_constant_memory();
        let title = sheet_name(layout.table, opts.lang);
        sheet.set_name(&title).map_err(xerr)?;
        let headers: Vec<String> = layout.columns.iter().map(|c| header(layout.table, c, opts.lang)).collect();
        sheet.write_row_with_format(0, 0, &headers, &bold).map_err(xerr)?;
        let mut r: u32 = 1;
        let result = store.export_rows(&layout, opts.span, |cells| {
            if r == XLSX_MAX_ROWS {
                part += 1;
                done.push(std::mem::replace(&mut sheet, book.new_worksheet_with_constant_memory()));
                sheet.set_name(format!("{title} ({part})"))?;
                sheet.write_row_with_format(0, 0, &headers, &bold)?;
                r = 1;
            }
            for (c, ((d, m), shown)) in cells.iter().zip(&masked).zip(&layout.shown).enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                let labelled = choice_label(d, *shown, opts.lang);
                let d = labelled.as_ref().unwrap_or(d);
                // A day is a real date a spreadsheet sorts and filters by,
                // a rate a number (0.95); a masked day stays masked text.
                match (d, shown, *m) {
                    (Datum::Text(t), Shown::Date, false) => {
                        if let Some(x) = excel_day(t) {
                            sheet.write_datetime_with_format(r, c, x, &day)?;
                            continue;
                        }
                    }
                    (Datum::Rate(x), _, false) => {
                        sheet.write_number_with_format(r, c, x.as_f64(), &rate)?;
                        continue;
                    }
                    _ => {}
                }
                match cell(d, *m) {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Cell::Int(i) => {
                        sheet.write_number(r, c, i as f64)?;
                    }
                    Cell::Money(m) => {
                        sheet.write_number_with_format(r, c, m.yuan_f64(), &money)?;
                    }
                    Cell::Bool(b) => {
                        sheet.write_boolean(r, c, b)?;
                    }
                }
            }
            r += 1;
            Ok::<(), rust_xlsxwriter::XlsxError>(())
        });
        result.map_err(|e| match e {
            RowsError::Store(s) => ExportError::Store(s),
            RowsError::Sink(source) => xerr(source),
        })?;
        done.push(sheet);
        for s in done {
            book.push_worksheet(s);
        }
    }
    export_dir(&opts.dir).map_err(io_err(&opts.dir))?;
    let file = crate::files::create_private(&tmp).map_err(io_err(&tmp))?;
    if let Err(e) = book.save_to_writer(io::BufWriter::new(&file)) {
        let _ = fs::remove_file(&tmp);
        return Err(xerr(e));
    }
    file.sync_all().map_err(io_err(&tmp))?;
    fs::rename(&tmp, &dest).map_err(io_err(&dest))?;
    Ok(dest)
}

/// A `YYYY-MM-DD` day as a workbook date; `None` for other text.
fn excel_day(text: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let year = u16::try_from(d.year()).ok()?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// A table's sheet in the workbook, named in the export's language from the
/// catalogue (客户, 联系人…): at most 31 characters and none of `[]:*?/\`,
/// as Excel requires, with room for a ` (2)` when a table continues.
pub fn sheet_name(table: &str, lang: Lang) -> String {
    let name = crate::i18n::table_label(table).map_or(table, |t| t.get(lang));
    name.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).take(27).collect()
}

#[cfg(test)]
mod header_tests {
    use super::header;
    use kam_rules::Lang;

    #[test]
    fn a_column_is_named_for_what_it_means_in_its_table() {
        assert_eq!(header("visits", "by", Lang::Zh), "拜访人");
        assert_eq!(header("call_plan_commitments", "by", Lang::Zh), "期限", "a commitment's by is its deadline");
        assert_eq!(header("vip_objections", "text", Lang::Zh), "顾客异议");
        assert_eq!(header("vip_resolutions", "text", Lang::Zh), "解决方法");
        assert_eq!(header("call_plan_commitments", "by", Lang::En), "by");
        assert_eq!(header("call_plan_customers", "role", Lang::Zh), "购买角色");
    }

    #[test]
    fn every_sheet_is_named_in_both_languages_as_excel_allows() {
        use super::sheet_name;
        assert_eq!(sheet_name("accounts", Lang::Zh), "客户");
        assert_eq!(sheet_name("contacts", Lang::Zh), "联系人");
        assert_eq!(sheet_name("accounts", Lang::En), "accounts");
        for lang in [Lang::Zh, Lang::En] {
            let mut seen = std::collections::BTreeSet::new();
            for l in crate::store::export_layouts() {
                assert!(crate::i18n::table_label(l.table).is_some(), "{} has no sheet name", l.table);
                let name = sheet_name(l.table, lang);
                assert!(name.chars().count() <= 27 && !name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
                assert!(seen.insert(name.to_lowercase()), "{name} twice");
            }
        }
    }
}
