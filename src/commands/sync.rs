//! `kam sync` (#23): push this file's changes to the head office's hub as
//! field-level operations, then pull and merge what others changed that
//! this user may see. Offline, the changes stay queued in the file. The
//! sync itself is [`crate::exchange::hub_sync`], which the workbench's
//! sync key runs too; this prints what it did.

use std::collections::BTreeMap;

use super::hub::{failure, url_of};
use super::{Ctx, Failure};
use crate::cli::SyncArgs;
use crate::config::Config;
use crate::exchange::import::conflict_value;
use crate::i18n::T;
use crate::store::{Applied, HubError, Refusal, RequestKind, RequestState, Store};
use kam_rules::Lang;

// What the tests and benches of `kam sync` reach it by.
use crate::exchange::hub_sync::{conflicted_records, write_sync_conflicts};
pub use crate::exchange::hub_sync::{sync, SyncError, SyncReport};

pub fn run(ctx: &Ctx, store: &mut Store, config: &Config, args: &SyncArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let url = url_of(l, args.hub.as_deref(), config)?;
    let report = match sync(store, &url, &mut |_| Ok(())) {
        Ok(r) => r,
        Err(SyncError::Store(e)) => return Err(Failure::failed(e.to_string())),
        Err(SyncError::Hub(e)) => {
            // Offline, or the hub down: the changes wait in the file.
            let waiting = store.stage_changes().and_then(|_| store.sync_state()).map_or(0, |s| s.waiting);
            return Err(hub_failure(l, &e, waiting));
        }
    };
    say_report(l, store, &report);
    Ok(())
}

/// A hub's error in the user's words, with how many changes stay queued
/// for the next sync (nothing here is lost).
pub fn hub_failure(l: Lang, e: &HubError, waiting: u64) -> Failure {
    let mut f = failure(l, e);
    let kept = crate::exchange::hub_sync::queue_kept_text(l, waiting);
    f.hint = Some(match f.hint {
        Some(h) => format!("{h}; {kept}"),
        None => kept,
    });
    f
}

fn say_report(l: Lang, store: &Store, r: &SyncReport) {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for p in &r.pushed {
        let key = match p.applied {
            Applied::Inserted => "inserted",
            Applied::Updated => "updated",
            Applied::Same => "same",
            Applied::Already => "already",
            Applied::Refused(_) => "refused",
            Applied::Pending => "pending",
            Applied::Withdrawn => "withdrawn",
        };
        *counts.entry(key).or_default() += 1;
    }
    let n = |k: &str| counts.get(k).copied().unwrap_or(0).to_string();
    crate::say!(
        "{}",
        T::SyncPushed.fill(
            l,
            &[
                ("n", &r.pushed.len().to_string()),
                ("inserted", &n("inserted")),
                ("updated", &n("updated")),
                ("same", &n("same")),
                ("already", &n("already"))
            ]
        )
    );
    for p in &r.pushed {
        if let Applied::Refused(why) = &p.applied {
            let detail = match why {
                Refusal::NoAccess => T::SyncNoAccess.get(l).to_string(),
                Refusal::Other(d) => crate::safe_text::cell(d).to_string(),
            };
            let kind_shown = crate::i18n::kind_label(&p.kind).map_or(p.kind.as_str(), |t| t.get(l));
            let label = store.label_of(&p.kind, &p.id).unwrap_or_default();
            crate::say!(
                "{}",
                T::SyncRefused.fill(
                    l,
                    &[
                        ("kind", kind_shown),
                        ("label", &crate::safe_text::cell(&label)),
                        ("id", &p.id),
                        ("detail", &detail)
                    ]
                )
            );
        }
    }
    if r.awaiting > 0 {
        crate::say!("{}", T::SyncAwaiting.fill(l, &[("n", &r.awaiting.to_string())]));
    }
    if r.forgotten > 0 {
        crate::say!("{}", T::SyncForgot.fill(l, &[("n", &r.forgotten.to_string())]));
    }
    if counts.contains_key("withdrawn") {
        crate::say!("{}", T::SyncWithdrawn.fill(l, &[("n", &n("withdrawn"))]));
    }
    for d in &r.decided {
        let mut line = T::SyncDecided.fill(l, &[("line", &crate::exchange::hub_sync::request_text(l, d))]);
        if d.state == RequestState::Rejected && d.what == RequestKind::Delete {
            line.push_str("; ");
            line.push_str(T::SyncRejectedDelete.get(l));
        }
        crate::say!("{line}");
    }
    let conflicted = conflicted_records(r);
    crate::say!(
        "{}",
        T::SyncPulled.fill(
            l,
            &[
                ("n", &r.pulled.to_string()),
                ("inserted", &r.inserted.to_string()),
                ("updated", &r.updated.to_string()),
                ("same", &r.same.to_string()),
                ("conflicts", &conflicted.to_string())
            ]
        )
    );
    for c in &r.conflicts {
        crate::say!(
            "{}",
            T::MergeConflict.fill(
                l,
                &[
                    ("kind", &c.kind_shown(l)),
                    ("account", &crate::safe_text::cell(&c.account)),
                    ("label", &crate::safe_text::cell(&c.label)),
                    ("field", &c.field_shown(l)),
                    ("ours", &conflict_value(&c.ours)),
                    ("ours_by", &crate::safe_text::cell(&c.ours_by)),
                    ("ours_at", &crate::clock::local_text(c.ours_at)),
                    ("theirs", &conflict_value(&c.theirs)),
                    ("theirs_by", &crate::safe_text::cell(&c.theirs_by)),
                    ("theirs_at", &crate::clock::local_text(c.theirs_at)),
                    ("kept", c.kept_shown(l))
                ]
            )
        );
    }
    if !r.conflicts.is_empty() {
        match write_sync_conflicts(store, l, &r.conflicts) {
            Ok(shown) => crate::say!("{}", T::MergeConflictsWritten.fill(l, &[("path", &shown)])),
            Err(e) => eprintln!("kam: {e}"),
        }
    }
}
