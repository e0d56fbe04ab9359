//! `kam import [--dry-run] [--skip-bad] [--update] [--kind K] FILE.csv|DIR`

use super::{Ctx, Failure};
use crate::cli::{ImportArgs, ImportKind};
use crate::exchange::import::{import_scores, import_sheet, merge_dir_in, write_conflicts, ImportOptions, SheetKind};
use crate::exchange::progress::TermProgress;
use crate::i18n::T;
use crate::store::Store;
use std::path::Path;

pub fn run(ctx: &Ctx, store: &mut Store, args: &ImportArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let path = &args.path;
    if path.is_dir() {
        return merge(ctx, store, args);
    }
    let kind = match args.kind {
        Some(ImportKind::Scores) => return scores(ctx, store, args),
        None if is_scores_file(path) => return scores(ctx, store, args),
        Some(ImportKind::Accounts) => SheetKind::Accounts,
        Some(ImportKind::Contacts) => SheetKind::Contacts,
        None => SheetKind::from_file_name(path).ok_or_else(|| {
            Failure::usage(
                T::ImportKindUnknown.fill(l, &[("path", &crate::safe_text::cell(&path.display().to_string()))]),
            )
        })?,
    };
    let opts = ImportOptions { dry_run: args.dry_run, skip_bad: args.skip_bad, update: args.update, lang: l };
    let mut progress = TermProgress::new();
    let r = import_sheet(store, path, kind, opts, &mut |what, n| progress.update(what, n))
        .map_err(|e| Failure::failed(e.text_in(l)))?;
    progress.finish();
    for d in &r.duplicates {
        crate::say!(
            "{}",
            T::ImportDuplicateRow
                .fill(l, &[("row", &d.row.to_string()), ("matched", &d.matched), ("action", d.action_in(l))])
        );
    }
    let listed_more = (r.duplicate + r.updated).saturating_sub(r.duplicates.len());
    if listed_more > 0 {
        crate::say!("{}", T::ImportMoreRows.fill(l, &[("n", &listed_more.to_string())]));
    }
    if !r.ignored_columns.is_empty() {
        crate::say!("{}", T::ImportIgnored.fill(l, &[("columns", &listed(&r.ignored_columns))]));
    }
    let counts = T::ImportCounts.fill(
        l,
        &[
            ("new", &r.new.to_string()),
            ("updated", &r.updated.to_string()),
            ("duplicate", &r.duplicate.to_string()),
            ("rejected", &r.rejected.to_string()),
        ],
    );
    print_rejects(l, &r.rejects);
    let rejects_more = r.rejected.saturating_sub(r.rejects.len());
    if rejects_more > 0 {
        eprintln!("{}", T::ImportMoreRows.fill(l, &[("n", &rejects_more.to_string())]));
    }
    if r.written {
        crate::say!("{counts} ({})", r.encoding);
        if let Some(f) = &r.rejects_file {
            crate::say!(
                "{}",
                T::ImportRejectsWritten.fill(l, &[("path", &crate::safe_text::cell(&f.display().to_string()))])
            );
        }
        Ok(())
    } else if args.dry_run {
        crate::say!("{} {counts} ({})", T::DryRun.get(l), r.encoding);
        Ok(())
    } else {
        Err(Failure::failed(T::ImportRefused.fill(l, &[("rejected", &r.rejected.to_string()), ("counts", &counts)]))
            .with_hint(T::ImportRefusedHint.get(l)))
    }
}

/// Names in a message, at most [`LISTED`] of them (each already bounded
/// and neutralised by the import): a header of a million columns printed
/// a line of 3 MB.
fn listed(names: &[String]) -> String {
    let mut out = names.iter().take(LISTED).map(String::as_str).collect::<Vec<_>>().join(", ");
    if names.len() > LISTED {
        out = format!("{out}, … (+{})", names.len() - LISTED);
    }
    out
}

const LISTED: usize = 20;

fn merge(ctx: &Ctx, store: &mut Store, args: &ImportArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let mut progress = TermProgress::new();
    let r = merge_dir_in(store, &args.path, args.dry_run, l, &mut |what, n| progress.update(what, n))
        .map_err(|e| Failure::failed(e.text_in(l)))?;
    progress.finish();
    for rej in &r.rejects {
        let table = rej.file.trim_end_matches(".csv");
        for p in &rej.problems {
            let column = shown_column(l, table, &p.column);
            eprintln!(
                "{}: {}",
                rej.file,
                T::ImportBadCell
                    .fill(l, &[("row", &rej.row.to_string()), ("column", &column), ("message", &p.message)])
            );
        }
    }
    if !r.rejects.is_empty() {
        return Err(Failure::failed(T::MergeRefused.fill(l, &[("n", &r.rejects.len().to_string())])));
    }
    // A dry run made every write and rolled it back: its counts and
    // conflicts are the real run's.
    if !r.written {
        crate::say!("{}", T::DryRun.get(l));
    }
    for (kind, [ins, upd, same, kept, deleted]) in &r.kinds {
        // The kind's key reads as English; in Chinese, the catalogue's word.
        let shown = match l {
            kam_rules::Lang::Zh => crate::i18n::kind_label(kind).map_or(kind.as_str(), |t| t.get(l)),
            kam_rules::Lang::En => kind.as_str(),
        };
        crate::say!(
            "{}",
            T::MergeCounts.fill(
                l,
                &[
                    ("kind", shown),
                    ("inserted", &ins.to_string()),
                    ("updated", &upd.to_string()),
                    ("same", &same.to_string()),
                    ("kept", &kept.to_string()),
                    ("deleted", &deleted.to_string())
                ]
            )
        );
    }
    for c in &r.conflicts {
        crate::say!("{}", c.line(l));
    }
    if r.written && !r.conflicts.is_empty() {
        let dest = store.path().with_file_name("conflicts.csv");
        let shown = crate::safe_text::cell(&dest.display().to_string()).into_owned();
        // The merge is written whatever becomes of the list: a failure to
        // write it is told, not turned into a failed merge.
        match write_conflicts(&dest, l, &r.conflicts) {
            Ok(_) => crate::say!("{}", T::MergeConflictsWritten.fill(l, &[("path", &shown)])),
            Err(e) => eprintln!("kam: {shown}: {}", crate::safe_text::cell(&e.to_string())),
        }
    }
    if r.masked {
        crate::say!("{}", T::MergeMasked.get(l));
    }
    if r.written {
        held_twice(l, store);
    }
    Ok(())
}

/// Most groups of one company held by different owners listed after a merge.
const HELD_TWICE: u32 = 50;

/// After a merge: the companies that different reps each entered (撞单),
/// so that the manager sees them at once. Listing them never fails the
/// merge, which is written.
fn held_twice(l: kam_rules::Lang, store: &Store) {
    let groups = match store.duplicates_across_owners(HELD_TWICE) {
        Ok(g) => g,
        Err(e) => return eprintln!("kam: {}", crate::safe_text::cell(&e.to_string())),
    };
    if groups.is_empty() {
        return;
    }
    crate::say!("{}", T::MergeHeldTwice.fill(l, &[("n", &groups.len().to_string())]));
    for g in &groups {
        let held: Vec<String> = g
            .iter()
            .map(|(id, name, owner)| {
                let owner = if owner.trim().is_empty() { T::MergeNoOwner.get(l) } else { owner.as_str() };
                T::MergeHeldBy.fill(
                    l,
                    &[
                        ("name", &crate::safe_text::cell(name)),
                        ("owner", &crate::safe_text::cell(owner)),
                        ("id", id.short()),
                    ],
                )
            })
            .collect();
        crate::say!("  {}", held.join(" · "));
    }
}

/// Each refused row's problems, a line each, on standard error.
fn print_rejects(l: kam_rules::Lang, rejects: &[crate::exchange::import::Reject]) {
    for rej in rejects {
        for p in &rej.problems {
            eprintln!(
                "{}",
                T::ImportBadCell
                    .fill(l, &[("row", &rej.row.to_string()), ("column", &p.column), ("message", &p.message)])
            );
        }
    }
}

/// A merged file's column as a message names it: in Chinese by its label
/// in the export's headers (电话, not phone), else its key quoted as the
/// file's own word (the field clocks' `record_id`).
fn shown_column(l: kam_rules::Lang, table: &str, column: &str) -> String {
    match l {
        kam_rules::Lang::Zh if table == "deletions" => {
            crate::i18n::deletion_column_zh(column).map_or_else(|| format!("“{column}”"), str::to_string)
        }
        kam_rules::Lang::Zh => crate::i18n::column_zh_in(table, column)
            .or_else(|| crate::i18n::column_zh(column))
            .map_or_else(|| format!("“{column}”"), str::to_string),
        kam_rules::Lang::En => column.to_string(),
    }
}

/// `scores.csv`, `scores-2026.csv`, `评分.csv`, `客户评分.csv`.
fn is_scores_file(path: &std::path::Path) -> bool {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .is_some_and(|s| s.starts_with("score") || s.contains("评分"))
}

/// A sheet of scorecard scores: every row checked, then all saved or none.
fn scores(ctx: &Ctx, store: &mut Store, args: &ImportArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let r = import_scores(store, &args.path, &ctx.rules.abc.criteria, l, args.dry_run)
        .map_err(|e| Failure::failed(e.text_in(l)))?;
    if !r.ignored_columns.is_empty() {
        crate::say!("{}", T::ImportIgnored.fill(l, &[("columns", &listed(&r.ignored_columns))]));
    }
    print_rejects(l, &r.rejects);
    let counts = T::ScoresCounts.fill(
        l,
        &[
            ("accounts", &r.accounts.to_string()),
            ("scores", &r.scores.to_string()),
            ("unchanged", &r.unchanged.to_string()),
            ("criteria", &r.criteria.join(", ")),
        ],
    );
    if !r.rejects.is_empty() {
        return Err(Failure::failed(T::ScoresRefused.fill(l, &[("rejected", &r.rejects.len().to_string())])));
    }
    if args.dry_run {
        crate::say!("{} {counts} ({})", T::DryRun.get(l), r.encoding);
    } else {
        crate::say!("{counts} ({})", r.encoding);
    }
    Ok(())
}

/// Whether what `path` holds (a folder's files, or a sheet) is larger than
/// the database file `db`. Its import is then a large write, which runs
/// with the file to itself (in a rollback journal, see
/// `Store::in_rollback_journal`) only when no other connection has it open:
/// the day's backup, which reads on a thread of its own, is let finish
/// before it. A full export merged into an empty file ran in WAL, its
/// pages written twice, whenever the backup was due: 91 s instead of 70 s
/// at 100,000 accounts. A day's folder merged into a large file does not
/// wait for the file's backup.
pub fn outweighs(path: &Path, db: &Path) -> bool {
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let input = if path.is_dir() {
        std::fs::read_dir(path).map_or(0, |entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).map(|p| size(&p)).sum()
        })
    } else {
        size(path)
    };
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    input > size(db) + size(Path::new(&wal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_outweighs_a_smaller_file_and_not_a_larger_one() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("day");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("accounts.csv"), vec![b'a'; 3_000]).unwrap();
        std::fs::write(folder.join("contacts.csv"), vec![b'c'; 3_000]).unwrap();
        let db = dir.path().join("kam.db");
        std::fs::write(&db, vec![0u8; 4_096]).unwrap();
        assert!(outweighs(&folder, &db), "6,000 bytes of CSV against a 4,096-byte file");
        assert!(outweighs(&folder.join("accounts.csv"), Path::new("/nonexistent/kam.db")));
        std::fs::write(dir.path().join("kam.db-wal"), vec![0u8; 4_096]).unwrap();
        assert!(!outweighs(&folder, &db), "the file with its WAL is 8,192 bytes");
        assert!(!outweighs(&folder.join("accounts.csv"), &db));
    }
}
