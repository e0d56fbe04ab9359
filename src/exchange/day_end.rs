//! The day-end export's pieces the workbench and `kam export` share: the
//! span of one local day, the default folder, the options of a day-end
//! export and noting it in the file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use kam_rules::Lang;

use super::export::ExportOptions;
use crate::store::{Span, Store, StoreError};

/// The start of a local day, in UTC.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    crate::clock::start_of_day(day)
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
