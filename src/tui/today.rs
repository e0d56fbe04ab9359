//! Tab 5: what needs doing now (DESIGN §2.5), and the evaluation view
//! (§4.9) opened from it with `v`. State and keys; drawing is in `screens/`.
//!
//! The sections are read by one worker job ([`Job::Today`]) so that a file
//! of 100,000 accounts never holds up a keystroke; the tab shows the last
//! read (or "Reading…") meanwhile.

use std::path::PathBuf;

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::evaluation::{evaluate, Evaluation, EvaluationInput, Period};
use kam_rules::today::{evaluation_deadlines, DeadlineKind};
use kam_rules::{Labeled, Lang, Money};

use super::app::{App, Editing, FormState, Popup, Section, Tab};
use super::keymap::{self, k, Binding};
use super::worker::{Done, Job};
use crate::config::Role;
/// Shared with `kam report`, so the view and the command read the same.
pub use crate::evaluation_text::{kpi_value, missing_text};
use crate::exchange::day_end::{day_end_options, default_dir, note_export, start_of};
use crate::i18n::T;
use crate::model::{Id, Target as Targets};
use crate::store::{PlanType, StoreError, TodayData};

/// Rows an expanded section lists at most; the rest are counted on a last line.
pub const SECTION_ROWS: usize = 100;

/// Rows a section lists before it is expanded: a quarter of the list's
/// height, at least 5 (5 at 80×24, 8 at 120×40), so that one long section
/// cannot push the others off the screen. The rest are counted on a "… and
/// k more" line; Enter on that line or `+` on the section shows them.
pub fn short_rows(page_rows: usize) -> usize {
    (page_rows / 4).max(5)
}

/// The tab's state.
#[derive(Debug, Default)]
pub struct TodayTab {
    /// The last read of every section.
    pub data: Option<Box<TodayData>>,
    /// A read is on the worker.
    pub loading: bool,
    /// Something changed while a read was running: read again when it is done.
    stale: bool,
    generation: u64,
    /// The selected row among the rows that open something.
    pub selected: usize,
    /// The day-end export is running.
    pub exporting: bool,
    /// The last export of this session: the folder and the rows per file.
    pub exported: Option<(PathBuf, Vec<(String, u64)>)>,
    /// The evaluation view, when open.
    pub eval: Option<EvalView>,
    /// The sections shown whole (up to [`SECTION_ROWS`]), by their titles.
    pub expanded: Vec<T>,
    /// How long the last read took, in milliseconds.
    pub last_ms: f64,
}

impl TodayTab {
    /// Whether the tab is taking text (a filter), so shared keys are text.
    pub fn typing(&self) -> bool {
        false
    }
}

/// The evaluation of one rep for one period, with what it was computed from.
#[derive(Debug)]
pub struct EvalView {
    pub reps: Vec<String>,
    pub rep: usize,
    pub period: Period,
    /// The inputs and the evaluation once read (`None` while reading).
    pub input: Option<EvaluationInput>,
    /// Who entered the ability and attitude scores (read with the input).
    pub scorer: Option<String>,
    pub eval: Option<Evaluation>,
    generation: u64,
}

impl EvalView {
    pub fn rep(&self) -> &str {
        self.reps.get(self.rep).map_or("", String::as_str)
    }
}

/// What a row of the tab opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An account's detail at a section.
    Account(Id, Section),
    /// A contact in its account's detail.
    Contact { account: Id, contact: Id },
    /// A call plan or presentation, opened in its tab's editor.
    Plan { tab: Tab, id: Id },
    /// A VIP card, selected on the VIP tab.
    Vip(Id),
    /// A commitment of a done call: Enter opens the call, Space ticks it done.
    Commitment { plan: Id, pos: usize, what: String },
    /// The "… and k more" line of a section: Enter shows the section whole.
    More(T),
}

/// One row of the tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TodayLine {
    Header { title: T, count: usize },
    Item { text: String, target: Option<Target> },
}

impl TodayLine {
    pub fn target(&self) -> Option<&Target> {
        match self {
            Self::Item { target, .. } => target.as_ref(),
            Self::Header { .. } => None,
        }
    }
}

/// The rows of the tab from the last read: sections with their full
/// counts, the most urgent first, at most [`short_rows`] rows each (at most
/// [`SECTION_ROWS`] when expanded), then a line counting the rest.
pub fn lines(app: &App) -> Vec<TodayLine> {
    let Some(d) = app.day.data.as_deref() else { return Vec::new() };
    let l = app.lang;
    let short = short_rows(app.page_rows);
    let mut out = Vec::new();
    // How many rows a section shows: only those are written out (a frame's
    // work must not grow with the file).
    let cap = |title: T| if app.day.expanded.contains(&title) { SECTION_ROWS } else { short };
    let take = |title: T, n: usize| n.min(cap(title));
    // `count` is the header's figure; `rows` how many rows the section has.
    let mut section = |title: T, mut items: Vec<(String, Option<Target>)>, count: usize, rows: usize| {
        out.push(TodayLine::Header { title, count });
        let expanded = app.day.expanded.contains(&title);
        items.truncate(cap(title));
        let shown = items.len();
        for (text, target) in items {
            out.push(TodayLine::Item { text, target });
        }
        if rows > shown {
            let n = (rows - shown).to_string();
            let line = if expanded {
                TodayLine::Item { text: T::TodayMore.fill(l, &[("n", &n)]), target: None }
            } else {
                TodayLine::Item { text: T::TodayMoreExpand.fill(l, &[("n", &n)]), target: Some(Target::More(title)) }
            };
            out.push(line);
        }
    };

    let items = d.overdue[..take(T::TodaySecOverdue, d.overdue.len())]
        .iter()
        .map(|o| {
            let mut why = Vec::new();
            if o.cadence.visit_overdue_by.is_some() {
                why.push(T::TodayVisitOverdue.fill(l, &[("days", &o.cadence.days_since_manager_visit.to_string())]));
            }
            if o.cadence.contact_overdue_by.is_some() {
                why.push(T::TodayContactOverdue.fill(l, &[("days", &o.cadence.days_since_contact.to_string())]));
            }
            // The name first: a narrow screen cuts the reasons, not who.
            (format!("{} · {}", o.name, why.join(" · ")), Some(Target::Account(o.id.clone(), Section::Visits)))
        })
        .collect();
    section(T::TodaySecOverdue, items, d.overdue.len(), d.overdue.len());

    let items = d.plans_due[..take(T::TodaySecPlans, d.plans_due.len())]
        .iter()
        .map(|p| {
            let kind = if p.kind == PlanType::Call { T::TodayCall } else { T::TodayPresentation };
            let text = format!("{} {} {} · {}", p.date, kind.get(l), p.account, super::screens::one_line(&p.objective));
            (text, Some(Target::Plan { tab: plan_tab(p.kind), id: p.id.clone() }))
        })
        .collect();
    section(T::TodaySecPlans, items, d.plans_due.len(), d.plans_due.len());

    let items = d.commitments[..take(T::TodaySecCommitments, d.commitments.len())]
        .iter()
        .map(|c| {
            let by = c
                .by
                .map_or_else(|| T::TodayNoDate.get(l).to_string(), |b| T::TodayBy.fill(l, &[("by", &b.to_string())]));
            let text = format!("[ ] {} {} · {} · {}", c.who, c.what, by, c.account);
            let target = Target::Commitment { plan: c.plan_id.clone(), pos: c.pos, what: c.what.clone() };
            (text, Some(target))
        })
        .collect();
    section(T::TodaySecCommitments, items, d.commitments.len(), d.commitments.len());

    let items = d.vip_due[..take(T::TodaySecVip, d.vip_due.len())]
        .iter()
        .map(|v| {
            let when = T::TodayContactOn.fill(l, &[("date", &v.next_contact.to_string())]);
            (format!("{} · {} · {when}", v.salutation, v.store), Some(Target::Vip(v.id.clone())))
        })
        .collect();
    section(T::TodaySecVip, items, d.vip_due.len(), d.vip_due.len());

    let items = d.birthdays[..take(T::TodaySecBirthdays, d.birthdays.len())]
        .iter()
        .map(|b| {
            let when = if b.in_days == 0 {
                T::TodayBirthdayToday.get(l).to_string()
            } else {
                T::TodayBirthdayIn.fill(l, &[("n", &b.in_days.to_string())])
            };
            let text = format!("{} {when} {} · {}", b.on.format("%m-%d"), b.name, b.account);
            (text, Some(Target::Contact { account: b.account_id.clone(), contact: b.contact_id.clone() }))
        })
        .collect();
    section(T::TodaySecBirthdays, items, d.birthdays.len(), d.birthdays.len());

    let items = d.downgrades[..take(T::TodaySecDowngrades, d.downgrades.len())]
        .iter()
        .map(|x| {
            let days = T::TodayOverdueDays.fill(l, &[("days", &x.days_overdue.to_string())]);
            let amount = T::TodayYuan.fill(l, &[("amount", &x.amount.grouped())]);
            let text = format!("{days} · {amount} · {} → {} · {}", x.from.label(l), x.to.label(l), x.name);
            (text, Some(Target::Account(x.id.clone(), Section::Orders)))
        })
        .collect();
    section(T::TodaySecDowngrades, items, d.downgrades.len(), d.downgrades.len());

    let items = d.next_steps[..take(T::TodaySecNextSteps, d.next_steps.len())]
        .iter()
        .map(|x| {
            let late = (app.today - x.due).num_days();
            let when = if late == 0 {
                T::TodayDueToday.get(l).to_string()
            } else {
                T::TodayOverdueDays.fill(l, &[("days", &late.to_string())])
            };
            let step = super::screens::one_line(&x.step);
            // A next date set with no step written: no empty part after the account.
            let text = if step.trim().is_empty() {
                format!("{} {when} · {}", x.due, x.account)
            } else {
                format!("{} {when} · {} · {step}", x.due, x.account)
            };
            (text, Some(Target::Account(x.account_id.clone(), Section::Visits)))
        })
        .collect();
    section(T::TodaySecNextSteps, items, d.next_steps.len(), d.next_steps.len());

    let items = d.complaints[..take(T::TodaySecComplaints, d.complaints.len())]
        .iter()
        .map(|x| {
            let text = format!("{} {} · {} · {}", x.date, x.from_whom, x.account, super::screens::one_line(&x.content));
            (text, Some(Target::Account(x.account_id.clone(), Section::Feedback)))
        })
        .collect();
    section(T::TodaySecComplaints, items, d.complaints.len(), d.complaints.len());

    let total: usize = d.warnings.iter().map(|w| w.warnings.len()).sum();
    let items = d.warnings[..take(T::TodaySecWarnings, d.warnings.len())]
        .iter()
        .map(|w| {
            let kind = if w.kind == PlanType::Call { T::TodayCall } else { T::TodayPresentation };
            let date = w.date.map_or_else(|| "—".to_string(), |d| d.to_string());
            let first = w.warnings.first().map(|x| x.message(l)).unwrap_or_default();
            let n = T::TodayWarningCount.fill(l, &[("n", &w.warnings.len().to_string())]);
            let text = format!("{date} {} {} · {n} · {first}", kind.get(l), w.account);
            (text, Some(Target::Plan { tab: plan_tab(w.kind), id: w.id.clone() }))
        })
        .collect();
    section(T::TodaySecWarnings, items, total, d.warnings.len());

    if app.config.role == Role::Manager {
        let items: Vec<(String, Option<Target>)> = evaluation_deadlines(app.today)
            .into_iter()
            .map(|dl| {
                let what = match dl.kind {
                    DeadlineKind::Month => T::TodayDeadlineMonth,
                    DeadlineKind::Quarter => T::TodayDeadlineQuarter,
                    DeadlineKind::Year => T::TodayDeadlineYear,
                };
                let due = T::TodayDue.fill(l, &[("due", &dl.due.to_string())]);
                (format!("{} {} · {due}", what.get(l), dl.period), None)
            })
            .collect();
        let n = items.len();
        section(T::TodaySecDeadlines, items, n, n);
    }
    out
}

/// The tab whose editor opens a plan of this kind.
fn plan_tab(kind: PlanType) -> Tab {
    match kind {
        PlanType::Call => Tab::CallPlans,
        PlanType::Presentation => Tab::Presentations,
    }
}

/// The rows that open something, by their position among all rows.
fn targets(lines: &[TodayLine]) -> Vec<usize> {
    lines.iter().enumerate().filter(|(_, l)| l.target().is_some()).map(|(i, _)| i).collect()
}

pub use crate::i18n::kind_label;

/// What a key does on Today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TodayKey {
    Move,
    Open,
    Tick,
    Expand,
    Export,
    Evaluation,
    Reload,
}

/// Today's keys; with [`keymap::NAV`] and [`keymap::GLOBAL`].
pub const TODAY_KEYS: &[Binding<TodayKey>] = &[
    Binding {
        label: super::account_list::MOVE_LABEL,
        keys: super::account_list::MOVE_KEYS,
        help: T::KMove,
        action: TodayKey::Move,
    },
    Binding { label: "Enter", keys: &[k::ENTER], help: T::KTodayOpen, action: TodayKey::Open },
    Binding { label: "Space", keys: &[k::SPACE], help: T::KTodayTick, action: TodayKey::Tick },
    Binding { label: "+", keys: &[k::c('+')], help: T::KTodayExpand, action: TodayKey::Expand },
    Binding { label: "x", keys: &[k::c('x')], help: T::KTodayExport, action: TodayKey::Export },
    Binding { label: "v", keys: &[k::c('v')], help: T::KTodayEval, action: TodayKey::Evaluation },
    Binding { label: "r", keys: &[k::c('r')], help: T::KTodayReload, action: TodayKey::Reload },
];

/// What a key does on the month's evaluation (`v` on Today).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalKey {
    Rep,
    Period,
    Targets,
    Back,
}

/// The evaluation's keys; with the tab numbers of [`keymap::NAV`] and
/// [`keymap::GLOBAL`] (its `q` goes back instead of quitting).
pub const EVAL_KEYS: &[Binding<EvalKey>] = &[
    Binding {
        label: "← → h l",
        keys: &[k::LEFT, k::RIGHT, k::c('h'), k::c('l')],
        help: T::KEvalRep,
        action: EvalKey::Rep,
    },
    Binding { label: "[ ]", keys: &[k::c('['), k::c(']')], help: T::KEvalPeriod, action: EvalKey::Period },
    Binding { label: "t", keys: &[k::c('t')], help: T::KEvalTargets, action: EvalKey::Targets },
    Binding { label: "Esc / q", keys: &[k::ESC, k::c('q')], help: T::KEvalBack, action: EvalKey::Back },
];

impl App {
    pub(super) fn today_key(&mut self, key: KeyEvent) {
        if self.day.eval.is_some() {
            self.eval_key(key);
            return;
        }
        let lines = lines(self);
        let rows = targets(&lines);
        let Some(action) = keymap::find(TODAY_KEYS, &key) else {
            self.shared_key(key);
            return;
        };
        let last = rows.len().saturating_sub(1);
        match action {
            TodayKey::Move => {
                let page = self.page_rows.max(1);
                let sel = self.day.selected;
                self.day.selected = match key.code {
                    KeyCode::Up | KeyCode::Char('k') => sel.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => (sel + 1).min(last),
                    KeyCode::PageUp => sel.saturating_sub(page),
                    KeyCode::PageDown => (sel + page).min(last),
                    KeyCode::Home => 0,
                    _ => last,
                };
            }
            TodayKey::Open => {
                if let Some(t) = rows.get(self.day.selected).and_then(|i| lines[*i].target()).cloned() {
                    self.open_target(t);
                }
            }
            TodayKey::Tick => {
                if let Some(Target::Commitment { plan, pos, what, .. }) =
                    rows.get(self.day.selected).and_then(|i| lines[*i].target()).cloned()
                {
                    match self.store.tick_commitment(&plan, pos) {
                        Ok(()) => {
                            self.changes += 1;
                            self.message = Some(T::TodayTicked.fill(self.lang, &[("what", &what)]));
                            self.load_today();
                        }
                        Err(e) => self.fail(&e),
                    }
                }
            }
            TodayKey::Expand => {
                if let Some(at) = rows.get(self.day.selected) {
                    self.toggle_section(&lines, *at);
                }
            }
            TodayKey::Export => self.day_end_export(),
            TodayKey::Evaluation => self.open_evaluation(),
            TodayKey::Reload => self.load_today(),
        }
    }

    /// Reads every section again, on a thread of its own (one read at a
    /// time: asked again meanwhile, it reads once more when that is done).
    pub(super) fn load_today(&mut self) {
        if self.day.loading {
            self.day.stale = true;
            return;
        }
        self.day.generation += 1;
        self.day.loading = true;
        self.day.stale = false;
        let next = self.today.succ_opt().unwrap_or(self.today);
        let job = Job::Today { generation: self.day.generation, start: start_of(self.today), end: start_of(next) };
        self.worker.submit_own(job, &self.store, &self.rules, self.today);
    }

    /// Applies what the worker did for this tab.
    pub(super) fn today_done(&mut self, done: Done) {
        match done {
            Done::Today { generation, data, ms } if generation == self.day.generation => {
                self.day.loading = false;
                self.day.last_ms = ms;
                match data {
                    Ok(d) => {
                        self.day.data = Some(d);
                        let n = targets(&lines(self)).len();
                        self.day.selected = self.day.selected.min(n.saturating_sub(1));
                    }
                    Err(e) => self.fail(&e),
                }
                if self.day.stale {
                    self.load_today();
                }
            }
            Done::Evaluation { generation, input } => {
                let lang = self.lang;
                let Some(v) = self.day.eval.as_mut().filter(|v| v.generation == generation) else { return };
                match input {
                    Ok(input) => {
                        v.eval = Some(evaluate(&self.rules, &input, lang));
                        v.input = Some(*input);
                        let period = v.period.to_string();
                        let rep = v.rep().to_string();
                        match self.store.target_of(&rep, &period) {
                            Ok(t) => {
                                if let Some(v) = self.day.eval.as_mut() {
                                    v.scorer = t.as_ref().and_then(|t| crate::evaluation_text::scorer_text(t, lang));
                                }
                            }
                            Err(e) => self.fail(&e),
                        }
                    }
                    Err(e) => self.fail(&e),
                }
            }
            Done::Exported { opts, manifest } => {
                self.day.exporting = false;
                match manifest {
                    Ok(m) => {
                        if let Err(e) = note_export(&self.store, &opts) {
                            self.fail(&e);
                        }
                        // Every export leaves a trace in the change log (#21).
                        let trace = crate::store::ExportTrace {
                            files: m.files.clone(),
                            masked: !opts.unmask,
                            to: opts.dir.display().to_string(),
                        };
                        if let Err(e) = self.store.log_export(&trace) {
                            self.fail(&e);
                        }
                        let total: u64 = m.files.values().sum();
                        let files = m.files.into_iter().filter(|(_, n)| *n > 0).collect();
                        self.message = Some(T::TodayExported.fill(
                            self.lang,
                            &[("dir", &opts.dir.display().to_string()), ("rows", &total.to_string())],
                        ));
                        self.day.exported = Some((opts.dir.clone(), files));
                        self.changes = 0;
                        self.load_today();
                    }
                    Err(e) => self.message = Some(format!("{}: {e}", T::ErrorPrefix.get(self.lang))),
                }
            }
            Done::Today { .. }
            | Done::Index { .. }
            | Done::Lines(_)
            | Done::Sorted { .. }
            | Done::Checked(_)
            | Done::Plans { .. }
            | Done::Pareto(..)
            | Done::Photo(_)
            | Done::Viewer { .. }
            | Done::TextSearch { .. }
            | Done::SyncStatus { .. }
            | Done::SyncProgress(_)
            | Done::Synced(_)
            | Done::Requests(_)
            | Done::Panicked(_) => {}
        }
    }

    fn open_target(&mut self, t: Target) {
        // Esc on what opens comes back here.
        if !matches!(t, Target::More(_)) {
            self.back_to = Some(Tab::Today);
        }
        let (account, section, contact) = match t {
            Target::Account(id, section) => (id, section, None),
            Target::Contact { account, contact } => (account, Section::Contacts, Some(contact)),
            Target::Plan { tab, id } => return self.open_plan(tab, &id),
            Target::Commitment { plan, .. } => return self.open_plan(Tab::CallPlans, &plan),
            Target::Vip(id) => return self.show_vip_card(&id),
            Target::More(title) => {
                // The selection stays put: on the first row that was hidden.
                self.day.expanded.push(title);
                return;
            }
        };
        self.tab = Tab::Accounts;
        self.open_detail(&account, section);
        if let (Some(d), Some(c)) = (self.detail.as_mut(), contact) {
            d.contact_sel = d.contacts.iter().position(|x| x.meta.id == c).unwrap_or(0);
        }
    }

    /// `+`: shows the section holding the row at `line` whole, or short
    /// again; shortened, the selection goes to the section's first row so
    /// that it is not left on a row now hidden.
    fn toggle_section(&mut self, lines: &[TodayLine], line: usize) {
        let header = lines[..=line].iter().enumerate().rev().find_map(|(i, l)| match l {
            TodayLine::Header { title, .. } => Some((i, *title)),
            TodayLine::Item { .. } => None,
        });
        let Some((at, title)) = header else { return };
        if let Some(pos) = self.day.expanded.iter().position(|t| *t == title) {
            self.day.expanded.remove(pos);
            // The first row of the section is the first target after its header.
            self.day.selected = lines[..at].iter().filter(|l| l.target().is_some()).count();
        } else {
            self.day.expanded.push(title);
        }
    }

    /// The VIP tab with this card selected: the filter and "my cards" are
    /// dropped first, or a card they hide could not be selected.
    pub(super) fn show_vip_card(&mut self, id: &Id) {
        self.vip.filter.clear();
        self.vip.filtering = false;
        self.vip.mine = false;
        self.tab = Tab::Vip;
        self.vip_reload(Some(id));
    }

    /// `x`: the day-end export of today into the default folder beside the
    /// database, on the worker.
    fn day_end_export(&mut self) {
        if self.day.exporting {
            return;
        }
        let base = self.paths.db.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let opts =
            day_end_options(&self.store, self.lang, self.today, default_dir(&base, self.today), self.store.now());
        self.day.exporting = true;
        self.message = Some(T::TodayExporting.get(self.lang).to_string());
        self.worker.submit_own(Job::Export(Box::new(opts)), &self.store, &self.rules, self.today);
    }

    // ---- the evaluation view ------------------------------------------------

    /// `v`: the evaluation of the current rep for the current month.
    fn open_evaluation(&mut self) {
        let me = self.user_name();
        let mut reps = match self.store.reps() {
            Ok(r) => r,
            Err(e) => return self.fail(&e),
        };
        if !reps.contains(&me) {
            reps.insert(0, me.clone());
        }
        let rep = reps.iter().position(|r| *r == me).unwrap_or(0);
        let period = Period::month_of(self.today);
        self.day.eval = Some(EvalView { reps, rep, period, input: None, scorer: None, eval: None, generation: 0 });
        self.refresh_evaluation();
    }

    /// Reads the evaluation's inputs again, as `kam report` does, on a
    /// thread of its own (the sums over a rep's ledger take a few hundred
    /// milliseconds at 100,000 accounts); the rules score them on arrival.
    fn refresh_evaluation(&mut self) {
        let Some(v) = self.day.eval.as_mut() else { return };
        v.generation += 1;
        v.input = None;
        v.scorer = None;
        v.eval = None;
        let job = Job::Evaluation { generation: v.generation, rep: v.rep().to_string(), period: v.period };
        self.worker.submit_own(job, &self.store, &self.rules, self.today);
    }

    fn eval_key(&mut self, key: KeyEvent) {
        let Some(v) = self.day.eval.as_mut() else { return };
        match keymap::find(EVAL_KEYS, &key) {
            Some(EvalKey::Back) => {
                self.day.eval = None;
                return;
            }
            Some(EvalKey::Rep) => {
                let n = v.reps.len().max(1);
                let back = matches!(key.code, KeyCode::Left | KeyCode::Char('h'));
                v.rep = (v.rep + if back { n - 1 } else { 1 }) % n;
            }
            Some(EvalKey::Period) if key.code == KeyCode::Char('[') => v.period = v.period.previous(),
            Some(EvalKey::Period) => v.period = Period::month_of(v.period.end() + Duration::days(1)),
            Some(EvalKey::Targets) => {
                self.open_targets_form();
                return;
            }
            // `q` goes back (above), never quits from here.
            None => {
                self.shared_key(key);
                return;
            }
        }
        self.refresh_evaluation();
    }

    fn open_targets_form(&mut self) {
        let Some(v) = self.day.eval.as_ref() else { return };
        let (rep, period) = (v.rep().to_string(), v.period.to_string());
        let t = match self.store.target_of(&rep, &period) {
            Ok(Some(t)) => t,
            Ok(None) => Targets { rep, period, ..Targets::default() },
            Err(e) => return self.fail(&e),
        };
        let scorer = crate::evaluation_text::scorer_text(&t, self.lang);
        self.open_form(super::editors::targets::form(self, &t), Editing::Targets(Box::new(t)));
        if let (Some(Popup::Form(f)), Some(line)) = (self.popup.as_mut(), scorer) {
            f.note = vec![line];
        }
    }

    /// Saves the targets form; a score outside 0–100 keeps the form open
    /// with the message beside the field.
    pub(super) fn save_targets(&mut self, mut f: Box<FormState>) -> Option<Popup> {
        let Editing::Targets(t) = &f.editing else { return Some(Popup::Form(f)) };
        let before = (**t).clone();
        let mut t = before.clone();
        let lang = self.lang;
        super::editors::targets::check(&mut f.form, self);
        let bad = f.form.error_line(lang);
        super::editors::targets::apply(self, &f.form, &mut t);
        t.note_scorer(&before, &self.user_name(), self.today);
        if let Some((i, line)) = bad {
            f.form.focus = i;
            f.error = Some(line);
            return Some(Popup::Form(f));
        }
        match self.store.save(&mut t, "") {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(T::Saved.get(lang).to_string());
                self.refresh_evaluation();
                None
            }
            Err(StoreError::Invalid { error, .. }) => {
                f.error = Some(f.form.invalid(&error.field, &error, self.lang));
                Some(Popup::Form(f))
            }
            Err(e) => {
                f.error = Some(e.to_string());
                Some(Popup::Form(f))
            }
        }
    }
}

/// A supervisor's score, or a dash when not entered.
pub fn score_text(v: Option<u8>) -> String {
    v.map_or_else(|| "—".to_string(), |s| s.to_string())
}

/// An amount for the evaluation view, or a dash when not entered.
pub fn money_text(m: Option<Money>, lang: Lang) -> String {
    m.map_or_else(|| "—".to_string(), |m| T::TodayYuan.fill(lang, &[("amount", &m.grouped())]))
}
