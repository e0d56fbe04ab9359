//! Store reads that could take longer than a frame, off the UI thread.
//!
//! The workbench hands a [`Job`] to the worker and goes on drawing; what is
//! [`Done`] comes back through a channel and is applied by `update` on the
//! next tick. The worker reads through its own connection
//! ([`Store::open_reader`]), so the UI thread's connection is never shared.
//! Tests use [`Worker::inline`], which runs each job at once on the app's
//! own store so that `update` stays synchronous and deterministic.

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};

use chrono::{DateTime, NaiveDate, Utc};
use kam_rules::evaluation::{EvaluationInput, Period};
use kam_rules::Rules;

use crate::exchange::export::{export_with_progress, ExportOptions, Manifest};
use crate::finder::SearchIndex;
use crate::model::Id;
use crate::store::{AccountRow, PlanRow, PlanTable, Store, StoreError, TodayData};

/// The name of the thread that waits for the system viewer (its end is
/// not pending work).
pub const VIEWER_THREAD: &str = "kam-viewer";

/// A read to do.
#[derive(Debug)]
pub enum Job {
    /// Build the search index of every live account and contact.
    Index,
    /// The list lines of these accounts (what is on screen).
    Lines(Vec<Id>),
    /// The list lines of every account shown, to sort by a derived column.
    Sort { generation: u64, ids: Vec<Id> },
    /// The whole-file check and the day's backup into this folder, once per start.
    /// `backups` is `None` for a read-only file: checked, not backed up.
    Check { backups: Option<std::path::PathBuf> },
    /// Every section of the Today tab; `start`..`end` is today in UTC.
    Today { generation: u64, start: DateTime<Utc>, end: DateTime<Utc> },
    /// The day-end export (what `kam export --day` writes).
    Export(Box<ExportOptions>),
    /// What a rep's evaluation for a period is computed from.
    Evaluation { generation: u64, rep: String, period: Period },
    /// The rows of a plan tab with their search index.
    Plans(PlanTable),
    /// An account's Pareto class among every live account (a pass over a
    /// year of orders).
    Pareto(Id),
    /// The text search (#22) of what was written, for the query numbered `generation`.
    TextSearch { generation: u64, query: String },
    /// The sync indicator (#23): when the file last synced with its hub and
    /// how many changes wait to be pushed, for the request numbered `generation`.
    SyncStatus { generation: u64 },
    /// Panics on the worker, as a bug in a read would: fault injection for
    /// the tests of the stop path (F11 with `KAM_FAULT_PANIC_KEY=F11`).
    Fault,
}

/// A read done.
#[derive(Debug)]
pub enum Done {
    Index {
        index: Result<SearchIndex, StoreError>,
        ms: f64,
    },
    Lines(Result<Vec<AccountRow>, StoreError>),
    Sorted {
        generation: u64,
        rows: Result<Vec<AccountRow>, StoreError>,
    },
    /// The check passed and the backup (when one was due) was written.
    Checked(Result<Option<std::path::PathBuf>, StoreError>),
    Today {
        generation: u64,
        data: Result<Box<TodayData>, StoreError>,
        ms: f64,
    },
    Exported {
        opts: Box<ExportOptions>,
        manifest: Result<Manifest, String>,
    },
    Evaluation {
        generation: u64,
        input: Result<Box<EvaluationInput>, StoreError>,
    },
    Plans {
        table: PlanTable,
        rows: Result<(Vec<PlanRow>, SearchIndex), StoreError>,
    },
    Pareto(Id, Result<kam_rules::AbcClass, StoreError>),
    TextSearch {
        generation: u64,
        found: Result<crate::store::TextFound, StoreError>,
        ms: f64,
    },
    /// The sync indicator read for the request numbered `generation`.
    SyncStatus {
        generation: u64,
        status: Result<super::sync::SyncStatus, StoreError>,
    },
    /// How far the sync with the hub has come. Not the end of a job: the
    /// sync's own thread sends several, then [`Done::Synced`].
    SyncProgress(crate::exchange::hub_sync::Progress),
    /// The sync with the hub has ended (or stopped), on its own thread.
    Synced(Box<super::sync::SyncDone>),
    /// The hub's requests for approval read (and one decided) (#23).
    Requests(Box<super::approvals::RequestsDone>),
    /// A VIP card's photo read and encoded (or why not), off the UI thread.
    Photo(Box<super::photo::PhotoDone>),
    /// The system viewer `o` started has ended: `ok` false (with its exit
    /// code, if it had one) when it could not show the photo. Not counted
    /// as pending work: a viewer may stay open for hours.
    Viewer {
        viewer: String,
        ok: bool,
        code: Option<i32>,
    },
    /// The job panicked (the message says where). The panic hook has
    /// already switched the terminal back, so the workbench stops.
    Panicked(String),
}

/// Runs one job, turning a panic into [`Done::Panicked`] so that the UI
/// hears of it instead of waiting for an answer that never comes.
pub fn run_caught(store: &Store, rules: &Rules, today: NaiveDate, job: Job) -> Done {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_job(store, rules, today, job))).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Done::Panicked(msg)
    })
}

/// Runs one job on `store`.
pub fn run_job(store: &Store, rules: &Rules, today: NaiveDate, job: Job) -> Done {
    match job {
        Job::Index => {
            let started = std::time::Instant::now();
            let index = read_index(store);
            Done::Index { index, ms: started.elapsed().as_secs_f64() * 1000.0 }
        }
        Job::Lines(ids) => Done::Lines(store.account_rows(rules, &ids, today)),
        Job::Sort { generation, ids } => Done::Sorted { generation, rows: store.account_rows(rules, &ids, today) },
        Job::Check { backups } => Done::Checked(store.check_and_backup(backups.as_deref(), today)),
        Job::Today { generation, start, end } => {
            let started = std::time::Instant::now();
            let data = store.today(rules, today, start, end).map(Box::new);
            Done::Today { generation, data, ms: started.elapsed().as_secs_f64() * 1000.0 }
        }
        Job::Evaluation { generation, rep, period } => {
            Done::Evaluation { generation, input: store.evaluation_input(rules, &rep, period, today).map(Box::new) }
        }
        Job::Pareto(id) => {
            let class = store.pareto_class(rules, today, &id);
            Done::Pareto(id, class)
        }
        Job::Plans(table) => Done::Plans {
            table,
            rows: store.plan_rows(table).map(|rows| {
                let index = super::plans::plan_index(&rows);
                (rows, index)
            }),
        },
        Job::TextSearch { generation, query } => {
            let started = std::time::Instant::now();
            let found = store.text_search(&query, crate::store::TEXT_SEARCH_LIMIT);
            Done::TextSearch { generation, found, ms: started.elapsed().as_secs_f64() * 1000.0 }
        }
        Job::SyncStatus { generation } => Done::SyncStatus { generation, status: super::sync::read_status(store) },
        Job::Fault => panic!("fault injected by KAM_FAULT_PANIC_KEY on the worker"),
        Job::Export(opts) => {
            let manifest = export_with_progress(store, &opts, &mut |_, _| {}).map_err(|e| e.to_string());
            Done::Exported { opts, manifest }
        }
    }
}

fn read_index(store: &Store) -> Result<SearchIndex, StoreError> {
    let (accounts, contacts) = store.index_sizes()?;
    let mut index = SearchIndex::with_capacity(accounts, contacts);
    store.index_accounts(|a| index.add_account(&a))?;
    store.index_contacts(|c| index.add_contact(&c))?;
    index.finish();
    Ok(index)
}

/// Where jobs run.
#[derive(Debug)]
pub enum Worker {
    /// At once, on the app's store (tests, and until a thread is started).
    Inline(VecDeque<Done>),
    /// On a thread with its own connection.
    Thread(Box<Threaded>),
}

/// The worker thread's ends of the channels, and what side jobs need.
#[derive(Debug)]
pub struct Threaded {
    jobs: Sender<Job>,
    done: Receiver<Done>,
    outbox: Sender<Done>,
    pending: usize,
    rules: Rules,
    today: NaiveDate,
}

impl Default for Worker {
    fn default() -> Self {
        Self::Inline(VecDeque::new())
    }
}

impl Worker {
    /// A thread reading through `reader` (from [`Store::open_reader`]).
    pub fn spawn(reader: Store, rules: Rules, today: NaiveDate) -> std::io::Result<Self> {
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel::<Done>();
        let (thread_rules, thread_outbox) = (rules.clone(), outbox.clone());
        std::thread::Builder::new().name("kam-reader".into()).spawn(move || {
            for job in inbox {
                if thread_outbox.send(run_caught(&reader, &thread_rules, today, job)).is_err() {
                    break;
                }
            }
        })?;
        Ok(Self::Thread(Box::new(Threaded { jobs, done, outbox, pending: 0, rules, today })))
    }

    /// Runs a long job (the check and backup) on a thread of its own with
    /// `reader`, so the jobs the screen waits for are not queued behind it.
    pub fn submit_aside(&mut self, job: Job, reader: Store, store: &Store) {
        match self {
            Self::Inline(queue) => {
                let rules = Rules::default();
                queue.push_back(run_caught(store, &rules, store.clock().today(), job));
            }
            Self::Thread(t) => {
                let (outbox, rules, today) = (t.outbox.clone(), t.rules.clone(), t.today);
                let spawned = std::thread::Builder::new().name("kam-check".into()).spawn(move || {
                    let _ = outbox.send(run_caught(&reader, &rules, today, job));
                });
                if spawned.is_ok() {
                    t.pending += 1;
                }
            }
        }
    }

    /// Runs a job on a thread of its own with a new reader of `store`, so
    /// that a long read (the Today tab's, seconds at 100,000 accounts) does
    /// not hold up the list lines queued on the worker; inline, it runs now
    /// with `rules` and `today`. When no reader can be opened it is queued.
    pub fn submit_own(&mut self, job: Job, store: &Store, rules: &Rules, today: NaiveDate) {
        let Self::Thread(t) = self else { return self.submit(job, store, rules, today) };
        let Ok(reader) = store.open_reader() else { return self.submit(job, store, rules, today) };
        let (outbox, rules) = (t.outbox.clone(), rules.clone());
        let spawned = std::thread::Builder::new().name("kam-today".into()).spawn(move || {
            let _ = outbox.send(run_caught(&reader, &rules, today, job));
        });
        if spawned.is_ok() {
            t.pending += 1;
        }
    }

    /// Runs `work` (no store needed: a photo to decode, a viewer to wait
    /// for) on a thread of its own named `name`; inline, it runs now.
    pub fn submit_detached(&mut self, name: &str, work: impl FnOnce() -> Done + Send + 'static) {
        self.submit_reporting(name, move |_| work());
    }

    /// [`Worker::submit_detached`] for work that reports how far it has
    /// come: each [`Done`] it hands to its `report` arrives before the one
    /// it returns, and is not counted as the end of a job (the sync with
    /// the hub sends [`Done::SyncProgress`] this way).
    pub fn submit_reporting(&mut self, name: &str, work: impl FnOnce(&mut dyn FnMut(Done)) -> Done + Send + 'static) {
        let counted = name != VIEWER_THREAD;
        let caught = move |report: &mut dyn FnMut(Done)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(report))).unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Done::Panicked(msg)
            })
        };
        match self {
            Self::Inline(queue) => {
                let done = caught(&mut |d| queue.push_back(d));
                queue.push_back(done);
            }
            Self::Thread(t) => {
                let outbox = t.outbox.clone();
                let spawned = std::thread::Builder::new().name(name.to_string()).spawn(move || {
                    let progress = outbox.clone();
                    let done = caught(&mut |d| {
                        let _ = progress.send(d);
                    });
                    let _ = outbox.send(done);
                });
                if spawned.is_ok() && counted {
                    t.pending += 1;
                }
            }
        }
    }

    /// Hands over a job; inline, it runs now on `store`.
    pub fn submit(&mut self, job: Job, store: &Store, rules: &Rules, today: NaiveDate) {
        match self {
            Self::Inline(queue) => queue.push_back(run_caught(store, rules, today, job)),
            Self::Thread(t) => match t.jobs.send(job) {
                Ok(()) => t.pending += 1,
                // The thread is gone (it panicked): run here rather than lose the job.
                Err(e) => {
                    let job = e.0;
                    *self = Self::Inline(VecDeque::from([run_caught(store, rules, today, job)]));
                }
            },
        }
    }

    /// What is done so far.
    pub fn poll(&mut self) -> Vec<Done> {
        match self {
            Self::Inline(queue) => queue.drain(..).collect(),
            Self::Thread(t) => {
                let out: Vec<Done> = t.done.try_iter().collect();
                let counted = out.iter().filter(|d| !matches!(d, Done::Viewer { .. } | Done::SyncProgress(_))).count();
                t.pending = t.pending.saturating_sub(counted);
                out
            }
        }
    }

    /// Jobs handed over and not yet done.
    pub fn busy(&self) -> bool {
        match self {
            Self::Inline(queue) => !queue.is_empty(),
            Self::Thread(t) => t.pending > 0,
        }
    }
}
