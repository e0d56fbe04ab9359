//! `kam export [--day D | --since D --until D | --all] [--dir DIR] [--no-bom] [--xlsx] [--unmask]`

use std::path::Path;

use chrono::NaiveDate;

use super::{Ctx, Failure};
use crate::cli::ExportArgs;
use crate::config::{Config, Role};
use crate::exchange::day_end::{day_span, default_dir, note_export, start_of};
use crate::exchange::export::{export_with_progress, write_workbook, ExportError, ExportOptions};
use crate::exchange::progress::TermProgress;
use crate::i18n::T;
use crate::store::{ExportTrace, Span, Store};

fn day_arg(ctx: &Ctx, flag: &str, text: &str) -> Result<NaiveDate, Failure> {
    use crate::model::DayError;
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        // Written as a date but not one (month 13, 2026-02-30): say why.
        let text = match crate::model::read_day(text) {
            Err(e @ (DayError::NoMonth { .. } | DayError::NoSuchDay { .. })) => {
                format!("--{flag}: {}", e.message(ctx.lang))
            }
            _ => T::BadDay.fill(ctx.lang, &[("flag", flag), ("given", text)]),
        };
        Failure::usage(text)
    })
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
    // Every export leaves a trace in the change log (#21).
    let mut files = manifest.files.clone();
    if args.xlsx {
        files.insert("kam-export.xlsx".into(), total);
    }
    let trace = ExportTrace { files, masked: !args.unmask, to: dir.display().to_string() };
    store.log_export(&trace).map_err(|e| Failure::failed(e.to_string()))?;
    crate::say!("{}", T::Exported.fill(l, &[("rows", &total.to_string()), ("dir", &dir.display().to_string())]));
    for (file, n) in manifest.files.iter().filter(|(_, n)| **n > 0) {
        crate::say!("  {file:<32} {n:>8}");
    }
    if !args.unmask {
        crate::say!("{}", T::ExportMasked.get(l));
    }
    Ok(())
}
