//! The workbench's sync with the head office's hub (#23). Ctrl-Y runs what
//! `kam sync` runs ([`sync_with_progress`]) on a thread of its own, with its
//! own connection to the file, so the workbench stays responsive; the status
//! line shows how far it has come, then when the file last synced and how
//! many local changes wait to be pushed. Offline or with the hub down the
//! changes stay queued in the file and the status line says so. Without a
//! hub (no `hub` in config.toml, no `KAM_HUB`) nothing here shows.

use std::path::Path;

use chrono::{DateTime, Utc};
use kam_rules::Lang;

use super::app::App;
use super::worker::{Done, Job};
use crate::clock::Clock;
use crate::exchange::hub_sync::{
    conflicted_records, hub_error_text, queue_kept_text, sync_with_progress, write_sync_conflicts, Progress, SyncError,
    SyncReport,
};
use crate::i18n::T;
use crate::store::{Applied, Store, StoreError};

/// The name of the thread a sync runs on.
pub const SYNC_THREAD: &str = "kam-sync";

/// What the status line's indicator shows when no sync is running.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncStatus {
    /// When the file last synced with its hub (its last pull); `None`: never.
    pub last: Option<DateTime<Utc>>,
    /// The operations the next sync would push.
    pub waiting: u64,
}

/// Reads the indicator: two cheap reads, no write.
pub fn read_status(store: &Store) -> Result<SyncStatus, StoreError> {
    Ok(SyncStatus { last: store.sync_state()?.last_pull, waiting: store.sync_waiting()? })
}

/// A sync ended, on its thread.
#[derive(Debug)]
pub struct SyncDone {
    pub result: Result<SyncReport, SyncError>,
    /// Where the conflicts were listed (`conflicts.csv` beside the file),
    /// or why they could not be; `None` without conflicts.
    pub conflicts_file: Option<Result<String, String>>,
    /// The indicator as the sync left the file (`None` when it could not
    /// be read; the workbench reads it again anyway).
    pub status: Option<SyncStatus>,
}

/// The workbench's side of the hub.
#[derive(Debug, Default)]
pub struct HubSync {
    /// The hub's connection string, found as `kam sync` finds it; `None`:
    /// no hub, and the status line is as without one.
    pub url: Option<String>,
    /// A sync is running on its thread.
    pub running: bool,
    /// How far it has come, as last reported.
    pub progress: Option<Progress>,
    /// The indicator, once read.
    pub status: Option<SyncStatus>,
    /// The number of the last indicator read asked for: an older answer
    /// that arrives later is dropped.
    generation: u64,
    /// An indicator read is under way; asked again meanwhile, it is read
    /// once more when that one is back (one count at a time).
    counting: bool,
    recount: bool,
}

impl HubSync {
    /// The state for the hub at `url` (`None`: no hub).
    pub fn new(url: Option<String>) -> Self {
        Self { url, ..Self::default() }
    }
}

impl App {
    /// Ctrl-Y: the sync with the hub, on a thread of its own.
    pub(super) fn start_sync(&mut self) {
        let lang = self.lang;
        let Some(url) = self.sync.url.clone() else {
            self.message = Some(T::SyncNoHub.get(lang).to_string());
            return;
        };
        if self.sync.running {
            self.message = Some(T::SyncRunning.get(lang).to_string());
            return;
        }
        if self.store.read_only() {
            let path = self.store.path().display().to_string();
            self.message = Some(T::SyncReadOnly.fill(lang, &[("path", &path)]));
            return;
        }
        self.sync.running = true;
        self.sync.progress = None;
        self.message = None;
        let (path, clock, user) = (self.store.path().to_path_buf(), self.store.clock(), self.store.user().to_string());
        self.worker.submit_reporting(SYNC_THREAD, move |report| {
            run_sync(&path, clock, &user, &url, lang, &mut |p| report(Done::SyncProgress(p)))
        });
    }

    /// Asks for the indicator (after a save, a sync, another program's
    /// change) on a thread of its own, so the count (a pass over every
    /// record) never holds up the list lines; nothing without a hub.
    pub(super) fn request_sync_status(&mut self) {
        if self.sync.url.is_none() {
            return;
        }
        self.sync.generation += 1;
        if self.sync.counting {
            self.sync.recount = true;
            return;
        }
        self.sync.counting = true;
        self.sync.recount = false;
        let job = Job::SyncStatus { generation: self.sync.generation };
        self.worker.submit_own(job, &self.store, &self.rules, self.today);
    }

    /// The indicator read by the worker.
    pub(super) fn sync_status_done(&mut self, generation: u64, status: Result<SyncStatus, StoreError>) {
        self.sync.counting = false;
        if self.sync.recount {
            self.request_sync_status();
        }
        if generation != self.sync.generation {
            return;
        }
        match status {
            Ok(s) => self.sync.status = Some(s),
            Err(e) => self.fail(&e),
        }
    }

    pub(super) fn sync_progress(&mut self, p: Progress) {
        if self.sync.running {
            self.sync.progress = Some(p);
        }
    }

    /// The sync has ended: what it did (or why it stopped) on the status
    /// line; the list and the other tabs read again when it brought records.
    /// The open form, if any, is not touched.
    pub(super) fn sync_done(&mut self, done: SyncDone) {
        let lang = self.lang;
        self.sync.running = false;
        self.sync.progress = None;
        if let Some(s) = done.status {
            self.sync.status = Some(s);
        }
        match done.result {
            Ok(r) => {
                let mut msg = T::SyncDone
                    .fill(lang, &[("pushed", &r.pushed.len().to_string()), ("pulled", &r.pulled.to_string())]);
                let refused = r.pushed.iter().filter(|p| matches!(p.applied, Applied::Refused(_))).count();
                if refused > 0 {
                    msg.push_str("; ");
                    msg.push_str(&T::SyncDoneRefused.fill(lang, &[("n", &refused.to_string())]));
                }
                if r.awaiting > 0 {
                    msg.push_str("; ");
                    msg.push_str(&T::SyncDoneAwaiting.fill(lang, &[("n", &r.awaiting.to_string())]));
                }
                if !r.decided.is_empty() {
                    msg.push_str("; ");
                    msg.push_str(&T::SyncDoneDecided.fill(lang, &[("n", &r.decided.len().to_string())]));
                }
                if r.forgotten > 0 {
                    msg.push_str("; ");
                    msg.push_str(&T::SyncForgot.fill(lang, &[("n", &r.forgotten.to_string())]));
                }
                let conflicted = conflicted_records(&r);
                match done.conflicts_file {
                    Some(Ok(path)) if conflicted > 0 => {
                        msg.push_str("; ");
                        msg.push_str(
                            &T::SyncDoneConflicts.fill(lang, &[("n", &conflicted.to_string()), ("path", &path)]),
                        );
                    }
                    Some(Err(e)) => {
                        msg.push_str("; ");
                        msg.push_str(&e);
                    }
                    _ => {}
                }
                self.message = Some(msg);
                if r.forgotten > 0 {
                    // The account open in front may be one that left the file.
                    let gone = self.detail.as_ref().is_some_and(|d| {
                        matches!(
                            self.store.get::<crate::model::Account>(&d.account.meta.id),
                            Err(crate::store::StoreError::NotFound { .. })
                        )
                    });
                    if gone {
                        self.detail = None;
                    }
                }
                if r.pulled > 0 || r.forgotten > 0 || r.restored > 0 {
                    self.reread_all();
                }
            }
            Err(SyncError::Hub(e)) => {
                // Offline, the login refused, no hub there: the changes wait in the file.
                let waiting = self.sync.status.map_or(0, |s| s.waiting);
                let why = format!("{}; {}", hub_error_text(lang, &e), queue_kept_text(lang, waiting));
                self.message = Some(T::SyncStopped.fill(lang, &[("why", &why)]));
            }
            Err(SyncError::Store(e)) => {
                let why = self.error_text(&e);
                self.message = Some(T::SyncStopped.fill(lang, &[("why", &why)]));
            }
        }
        // The sync's own writes are not another program's: the list is not
        // read again for them (it was above when the sync brought records).
        self.live_version = self.store.data_version().ok();
        self.request_sync_status();
    }
}

/// The sync itself, on its thread: its own connection to the file (the
/// workbench's stays with the UI thread), then `kam sync`'s push and pull,
/// the conflicts listed beside the file, and the indicator read.
fn run_sync(path: &Path, clock: Clock, user: &str, url: &str, lang: Lang, progress: &mut dyn FnMut(Progress)) -> Done {
    let mut store = match Store::open_unchecked(path, clock) {
        Ok(s) => s,
        Err(e) => {
            return Done::Synced(Box::new(SyncDone {
                result: Err(SyncError::Store(e)),
                conflicts_file: None,
                status: None,
            }))
        }
    };
    store.set_user(user);
    let result = sync_with_progress(&mut store, url, &mut |_| Ok(()), progress);
    let conflicts_file = match &result {
        Ok(r) if !r.conflicts.is_empty() => Some(write_sync_conflicts(&store, lang, &r.conflicts)),
        _ => None,
    };
    let status = read_status(&store).ok();
    Done::Synced(Box::new(SyncDone { result, conflicts_file, status }))
}
