//! `kam export [--day D | --since D --until D | --all] [--dir DIR] [--no-bom] [--xlsx] [--unmask]`

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use kam_rules::Lang;

use super::{Ctx, Failure};
use crate::cli::ExportArgs;
use crate::config::{Config, Role};
use crate::exchange::export::{export_with_progress, write_workbook, ExportError, ExportOptions};
use crate::exchange::progress::TermProgress;
use crate::i18n::T;
use crate::store::{Span, Store, StoreError};

fn day_arg(ctx: &Ctx, flag: &str, text: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::usage(T::BadDay.fill(ctx.lang, &[("flag", flag), ("given", text)])))
}

/// The start of a local day, in UTC.
pub fn start_of(day: NaiveDate) -> chrono::DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Local.from_local_datetime(&naive).earliest().map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

/// The span and its words for the manifest and the default folder's date.
pub fn span_of(ctx: &Ctx, args: &ExportArgs, today: NaiveDate) -> Result<(Span, String, NaiveDate), Failure> {
    if args.all {
        return Ok((Span::All, "all".into(), today));
    }
    if let (Some(s), Some(u)) = (&args.since, &args.until) {
        let (from, to) = (day_arg(ctx, "since", s)?, day_arg(ctx, "until", u)?);
        if to < from {
            return Err(Failure::usage(T::BadRange.fill(ctx.lang, &[("since", s), ("until", u)])));
        }
        let end = to.succ_opt().unwrap_or(to);
        return Ok((Span::Changed { from: start_of(from), to: start_of(end) }, format!("{from}..={to}"), to));
    }
    let day = args.day.as_deref().map_or(Ok(today), |d| day_arg(ctx, "day", d))?;
    Ok((day_span(day), format!("day {day}"), day))
}

/// What changed on one local day.
pub fn day_span(day: NaiveDate) -> Span {
    let next = day.succ_opt().unwrap_or(day);
    Span::Changed { from: start_of(day), to: start_of(next) }
}

/// The folder an export dated `day` goes to when none is given: `kam-export-DAY` in `base`.
pub fn default_dir(base: &Path, day: NaiveDate) -> PathBuf {
    base.join(format!("kam-export-{day}"))
}

/// The day-end export of `day` into `dir`: what `kam export --day DAY --dir DIR`
/// writes (masked, with a BOM). The workbench's `x` key runs this.
pub fn day_end_options(store: &Store, lang: Lang, day: NaiveDate, dir: PathBuf, now: DateTime<Utc>) -> ExportOptions {
    ExportOptions {
        span: day_span(day),
        range: format!("day {day}"),
        dir,
        bom: true,
        lang,
        unmask: false,
        who: store.user().to_string(),
        now,
    }
}

/// Notes a finished export in the file, for the Today tab's "changed since
/// the last export", when it reached up to the time it ran (an export of an
/// earlier range leaves later changes unexported).
pub fn note_export(store: &Store, opts: &ExportOptions) -> Result<(), StoreError> {
    match opts.span {
        Span::All => store.set_last_export(opts.now),
        Span::Changed { to, .. } if to >= opts.now => store.set_last_export(opts.now),
        Span::Changed { .. } => Ok(()),
    }
}

pub fn run(ctx: &Ctx, store: &Store, config: &Config, args: &ExportArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    if args.unmask && config.role != Role::Manager {
        return Err(Failure::usage(T::UnmaskManagerOnly.get(l)));
    }
    let today = store.clock().today();
    let (span, range, dated) = span_of(ctx, args, today)?;
    let dir = args.dir.clone().unwrap_or_else(|| default_dir(Path::new(""), dated));
    let opts = ExportOptions {
        span,
        range,
        dir: dir.clone(),
        bom: !args.no_bom,
        lang: l,
        unmask: args.unmask,
        who: store.user().to_string(),
        now: store.now(),
    };
    let mut progress = TermProgress::new();
    let failure = |e: ExportError| match e {
        ExportError::Store(s) => super::restore::store_failure(l, store.path(), &s),
        other => Failure::failed(other.to_string()),
    };
    let manifest = export_with_progress(store, &opts, &mut |what, n| progress.update(what, n)).map_err(failure)?;
    progress.finish();
    note_export(store, &opts).map_err(|e| Failure::failed(e.to_string()))?;
    if args.xlsx {
        let book = write_workbook(store, &opts).map_err(failure)?;
        crate::say!("{}", book.display());
    }
    let total: u64 = manifest.files.values().sum();
    crate::say!("{}", T::Exported.fill(l, &[("rows", &total.to_string()), ("dir", &dir.display().to_string())]));
    for (file, n) in manifest.files.iter().filter(|(_, n)| **n > 0) {
        crate::say!("  {file:<32} {n:>8}");
    }
    if !args.unmask {
        crate::say!("{}", T::ExportMasked.get(l));
    }
    Ok(())
}
