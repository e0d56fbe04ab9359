//! The event loop: draw, wait for an event, turn it into an [`Action`],
//! `update`, repeat. Keystrokes search the in-memory index; reads that take
//! longer (the index itself, the lines on screen, a sort) run on the
//! worker thread, whose results a `Tick` applies.
//!
//! Leaving never loses typing: a panic on any thread, SIGTERM, SIGHUP
//! (the terminal closed), SIGINT and a terminal that fails all keep the open
//! form as a draft and restore the terminal before kam stops.

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::app::{Action, App};
use super::draft::Draft;
use super::screens;
use super::terminal;
use crate::i18n::T;

/// Runs the workbench until the user quits. The terminal is restored on
/// return, on error, on panic and on a signal.
pub fn run(mut app: App) -> io::Result<()> {
    let signals = Signals::register(&app)?;
    let mut guard = terminal::init()?;
    // How the terminal draws images, asked once before anything is read
    // from it (half-blocks when it does not answer).
    app.vip.photos.drawer = super::photo::query_terminal();
    let size = guard.terminal.size()?;
    app.update(Action::Resize { width: size.width, height: size.height });
    app.start_worker();
    while !app.quit {
        if let Some(name) = signals.caught() {
            drop(guard);
            return Err(on_signal(&app, name));
        }
        // A worker thread panicked: the hook has switched the terminal back,
        // so kam stops rather than run on in line mode.
        if app.stopped.is_some() || !terminal::is_active() {
            drop(guard);
            return Err(stopped(&app));
        }
        // A panic in drawing or in an update stops kam, but the open form
        // is kept as a draft first (the panic hook has restored the terminal).
        let drawn = catch_unwind(AssertUnwindSafe(|| guard.terminal.draw(|f| screens::draw(&app, f)).map(|_| ())));
        match drawn {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                drop(guard);
                return Err(lost_terminal(&app, &e));
            }
            Err(_) => return Err(stopped(&app)),
        }
        let wait = if app.worker.busy() { 15 } else { 500 };
        let action = match next_action(wait) {
            Ok(Some(a)) => a,
            Ok(None) => continue,
            Err(e) => {
                drop(guard);
                return Err(lost_terminal(&app, &e));
            }
        };
        // The signal thread's copy of the form changes only with what is typed.
        let typed = matches!(action, Action::Key(_) | Action::Paste(_));
        if catch_unwind(AssertUnwindSafe(|| app.update(action))).is_err() {
            return Err(stopped(&app));
        }
        if typed {
            signals.note(&app);
        }
    }
    drop(guard);
    if let Some(note) = &app.exit_note {
        let _ = writeln!(io::stderr(), "{}", crate::safe_text::lines(note));
    }
    // A sync with the hub under way ends first, so the file is closed whole
    // (Ctrl-C stops it: what it had not finished is sent again next time).
    if app.sync.running {
        let _ = writeln!(io::stderr(), "{}", T::SyncWaitQuit.get(app.lang));
        while app.sync.running && app.stopped.is_none() {
            if let Some(name) = signals.caught() {
                return Err(on_signal(&app, name));
            }
            std::thread::sleep(Duration::from_millis(50));
            app.apply_worker();
        }
        if let Some(m) = &app.message {
            let _ = writeln!(io::stderr(), "{}", crate::safe_text::lines(m));
        }
    }
    // The worker's readers go first, so nothing holds the -wal open while
    // the file is made whole (checkpointed, the -wal truncated).
    app.worker = super::worker::Worker::default();
    if let Err(e) = app.store.close() {
        let _ = writeln!(io::stderr(), "kam: {}", crate::safe_text::lines(&e.to_string()));
    }
    Ok(())
}

/// The next event as an action: a `Tick` after `wait` ms without one,
/// `None` for events kam does not use.
fn next_action(wait: u64) -> io::Result<Option<Action>> {
    if !event::poll(Duration::from_millis(wait))? {
        return Ok(Some(Action::Tick));
    }
    Ok(match event::read()? {
        Event::Key(k) => Some(Action::Key(k)),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    })
}

/// SIGTERM, SIGHUP and SIGINT. signal-hook's thread notes the signal in an
/// atomic that the event loop reads between events, which then keeps the
/// draft and restores the terminal on its normal way out. When the loop
/// does not get there in time (a closed terminal can hold it inside the
/// terminal read), the same thread keeps the last snapshot of the open form
/// itself, restores the terminal and exits.
struct Signals {
    caught: Arc<AtomicUsize>,
    /// The open form as of the last event, for the thread's way out.
    snapshot: Arc<Mutex<Option<Draft>>>,
    /// Set once the event loop has left: the thread then stands down.
    finished: Arc<AtomicBool>,
    handle: signal_hook::iterator::Handle,
}

/// How long the event loop has to answer a signal before the signal thread
/// keeps the draft itself.
const ANSWER_WITHIN: Duration = Duration::from_millis(1_500);

impl Signals {
    fn register(app: &App) -> io::Result<Self> {
        let caught = Arc::new(AtomicUsize::new(0));
        let snapshot = Arc::new(Mutex::new(None));
        let finished = Arc::new(AtomicBool::new(false));
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
        let handle = signals.handle();
        let (db, lang) = (app.paths.db.clone(), app.lang);
        let (c, snap, fin) = (Arc::clone(&caught), Arc::clone(&snapshot), Arc::clone(&finished));
        std::thread::Builder::new().name("kam-signals".into()).spawn(move || {
            if let Some(sig) = signals.forever().next() {
                c.store(usize::try_from(sig).unwrap_or(usize::MAX), Ordering::SeqCst);
                std::thread::sleep(ANSWER_WITHIN);
                if !fin.load(Ordering::SeqCst) {
                    let draft = snap.lock().ok().and_then(|d| d.clone());
                    let kept = draft.and_then(|d| super::draft::keep(&db, &d));
                    terminal::restore();
                    // The terminal may be gone (SIGHUP): a failed write is no reason to stop here.
                    let msg = signal_message(lang, name_of(sig), kept.as_deref());
                    let _ = writeln!(io::stderr(), "{}", crate::safe_text::lines(&msg));
                    std::process::exit(128 + sig);
                }
            }
        })?;
        Ok(Self { caught, snapshot, finished, handle })
    }

    /// The name of the signal caught, if any.
    fn caught(&self) -> Option<&'static str> {
        match i32::try_from(self.caught.load(Ordering::SeqCst)).unwrap_or(0) {
            0 => None,
            sig => Some(name_of(sig)),
        }
    }

    /// Notes the open form, for the signal thread's way out.
    fn note(&self, app: &App) {
        if let Ok(mut s) = self.snapshot.lock() {
            *s = app.draft();
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        self.finished.store(true, Ordering::SeqCst);
        self.handle.close();
    }
}

fn name_of(sig: i32) -> &'static str {
    match sig {
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        SIGINT => "SIGINT",
        _ => "signal",
    }
}

fn signal_message(lang: kam_rules::Lang, name: &str, kept: Option<&std::path::Path>) -> String {
    match kept {
        Some(path) => T::SignalDraftKept.fill(lang, &[("signal", name), ("path", &path.display().to_string())]),
        None => T::SignalStop.fill(lang, &[("signal", name)]),
    }
}

/// After a signal: the open form written as a draft, and the error that says so.
fn on_signal(app: &App, name: &str) -> io::Error {
    io::Error::other(signal_message(app.lang, name, app.keep_draft().as_deref()))
}

/// The terminal failed (closed under kam): the open form kept, and the error.
fn lost_terminal(app: &App, e: &io::Error) -> io::Error {
    match app.keep_draft() {
        Some(path) => io::Error::other(format!(
            "{e}; {}",
            T::QuitDraftKept.fill(app.lang, &[("path", &path.display().to_string())])
        )),
        None => io::Error::new(e.kind(), e.to_string()),
    }
}

/// After a panic (on this thread or the worker's): the open form written as
/// a draft, and the error that says where.
fn stopped(app: &App) -> io::Error {
    let mut msg = match app.keep_draft() {
        Some(path) => T::DraftKept.fill(app.lang, &[("path", &path.display().to_string())]),
        None => T::InternalStop.get(app.lang).to_string(),
    };
    if let Some(why) = &app.stopped {
        msg.push('\n');
        msg.push_str(&T::WorkerStop.fill(app.lang, &[("error", why)]));
    }
    io::Error::other(msg)
}
