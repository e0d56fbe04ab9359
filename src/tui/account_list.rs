//! The account list's state and keys: the filter runs over the in-memory
//! [`SearchIndex`] (no keystroke waits on the file), the lines on screen are
//! read by the worker, and a sort by a derived column (tier, volume, owner,
//! last contact) reads every shown account's line on the worker first.

use std::collections::{HashMap, HashSet};

use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::Tier;

use super::app::{App, Section, SortBy, Tab};
use super::keymap::{self, k, Binding};
use super::widgets::input::TextInput;
use super::worker::{Done, Job};
use crate::finder::{ContactHit, Found, SearchIndex, Through};
use crate::i18n::T;
use crate::model::Id;
use crate::store::AccountRow;

/// Lines kept in memory; past this the cache starts again from what is on screen.
const LINES_KEPT: usize = 20_000;
/// Filter results kept for Backspace.
const RECENT_KEPT: usize = 16;
/// Larger results are not kept (they come from a letter or two, found again
/// in a few milliseconds), so that the kept ones stay within 1.3 MB.
const RECENT_LARGEST: usize = 20_000;

/// The account list: what the filter found, in the order shown, the lines
/// read for it, the selection and the filter.
#[derive(Debug, Default)]
pub struct AccountList {
    /// The search index; `None` until the worker has read it.
    pub index: Option<SearchIndex>,
    /// Account slots of the index in the order shown.
    pub shown: Vec<u32>,
    /// List lines read so far, by account.
    pub lines: HashMap<Id, AccountRow>,
    /// Lines asked of the worker and not back yet.
    requested: HashSet<Id>,
    pub selected: usize,
    /// First row on screen; kept by `update` from the last known height.
    pub offset: usize,
    pub filter: TextInput,
    pub filtering: bool,
    pub sort: SortBy,
    pub descending: bool,
    /// How long the last search took, shown beside the count.
    pub last_query_ms: f64,
    /// Contacts the filter found, with their accounts.
    pub contact_hits: Vec<ContactHit>,
    /// The filter `shown` was found for, to narrow within it as the user types.
    found_for: String,
    /// Results of the filters typed lately, so that Backspace is instant.
    recent: Vec<(String, Found)>,
    /// The index is being read.
    pub loading: bool,
    /// A sort by a derived column is being read.
    pub sorting: bool,
    /// Bumped whenever `shown` changes, so a late sort result is dropped.
    generation: u64,
    /// The account to select once the index is read.
    keep: Option<Id>,
    /// Another program changed the file: the lines read so far are dropped
    /// when the index read after the change arrives.
    pub stale: bool,
}

impl AccountList {
    /// The id and line (when read) of the row at `i` of the shown list.
    pub fn row(&self, i: usize) -> Option<(Id, &str, Option<&AccountRow>)> {
        let index = self.index.as_ref()?;
        let slot = *self.shown.get(i)?;
        let id = index.id(slot);
        let line = self.lines.get(&id);
        Some((id, index.name(slot), line))
    }

    /// Why the row at `i` was found when its account did not match the
    /// filter itself: a contact or the owner (asked for rows on screen).
    pub fn through(&self, i: usize) -> Option<Through> {
        let index = self.index.as_ref()?;
        index.through(*self.shown.get(i)?, self.filter.value().trim())
    }

    /// Rows shown.
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }
}

fn tier_rank(t: Tier) -> u8 {
    match t {
        Tier::Silver => 0,
        Tier::Gold => 1,
        Tier::Platinum => 2,
    }
}

/// What a key does on the account list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKey {
    Filter,
    ClearFilter,
    Move,
    Open,
    New,
    Edit,
    Delete,
    Sort,
    Trash,
    TextSearch,
}

/// The account list's keys; with [`keymap::NAV`] and [`keymap::GLOBAL`].
pub const LIST_KEYS: &[Binding<ListKey>] = &[
    Binding { label: "/", keys: &[k::c('/')], help: T::KFilter, action: ListKey::Filter },
    Binding { label: "Esc", keys: &[k::ESC], help: T::KClearFilter, action: ListKey::ClearFilter },
    Binding { label: MOVE_LABEL, keys: MOVE_KEYS, help: T::KMove, action: ListKey::Move },
    Binding { label: "Enter", keys: &[k::ENTER], help: T::KOpen, action: ListKey::Open },
    Binding { label: "n", keys: &[k::c('n')], help: T::KNewAccount, action: ListKey::New },
    Binding { label: "e", keys: &[k::c('e')], help: T::KEdit, action: ListKey::Edit },
    Binding { label: "d", keys: &[k::c('d')], help: T::KDelete, action: ListKey::Delete },
    Binding { label: "s / S", keys: &[k::c('s'), k::c('S')], help: T::KSort, action: ListKey::Sort },
    Binding { label: "t", keys: &[k::c('t')], help: T::KTrash, action: ListKey::Trash },
    Binding { label: "F", keys: &[k::c('F')], help: T::KTextSearch, action: ListKey::TextSearch },
];

/// Moving in a list: the arrows, j and k, a page, the ends.
pub const MOVE_LABEL: &str = "↑↓ j k PgUp PgDn Home End";
pub const MOVE_KEYS: &[keymap::Key] = &[k::UP, k::DOWN, k::c('j'), k::c('k'), k::PGUP, k::PGDN, k::HOME, k::END];

impl App {
    pub(super) fn list_key(&mut self, key: KeyEvent) {
        let Some(action) = keymap::find(LIST_KEYS, &key) else {
            self.shared_key(key);
            return;
        };
        match action {
            ListKey::Filter => self.list.filtering = true,
            ListKey::ClearFilter => {
                if !self.list.filter.value().is_empty() {
                    self.list.filter.clear();
                    self.run_filter();
                }
            }
            ListKey::Move => self.move_key(key),
            ListKey::Open => self.open_selected(),
            ListKey::New => self.open_account_form(crate::model::Account::default()),
            ListKey::Edit => {
                if let Some(id) = self.selected_id() {
                    match self.store.get::<crate::model::Account>(&id) {
                        Ok(a) => self.open_account_form(a),
                        Err(e) => self.fail(&e),
                    }
                }
            }
            ListKey::Delete => {
                if let Some((id, name, _)) = self.list.row(self.list.selected) {
                    let name = name.to_string();
                    self.ask_reason(super::app::ReasonFor::DeleteAccount(id, name));
                }
            }
            ListKey::Trash => self.open_trash(),
            ListKey::TextSearch => self.open_text_search(),
            ListKey::Sort if key.code == KeyCode::Char('S') => {
                self.list.descending = !self.list.descending;
                self.run_filter();
            }
            ListKey::Sort => {
                self.list.sort = self.list.sort.next();
                self.list.descending = false;
                self.run_filter();
            }
        }
    }

    pub(super) fn move_key(&mut self, key: KeyEvent) {
        let page = self.page_rows.max(1);
        let sel = self.list.selected;
        let target = match key.code {
            KeyCode::Up | KeyCode::Char('k') => sel.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => sel + 1,
            KeyCode::PageUp => sel.saturating_sub(page),
            KeyCode::PageDown => sel + page,
            KeyCode::Home => 0,
            KeyCode::End => usize::MAX,
            _ => return,
        };
        self.list.selected = target.min(self.list.len().saturating_sub(1));
        self.keep_selection_visible();
    }

    pub(super) fn filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.list.filtering = false;
                self.list.filter.clear();
                self.run_filter();
            }
            KeyCode::Enter => {
                // The filter found what the user looked for: Enter opens it
                // (an empty filter only closes the prompt).
                self.list.filtering = false;
                if !self.list.filter.value().trim().is_empty() {
                    self.open_selected();
                }
            }
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => self.move_key(key),
            _ => {
                let before = self.list.filter.value().to_string();
                self.list.filter.handle_key(key);
                if self.list.filter.value() != before {
                    self.filter_changed();
                }
            }
        }
    }

    pub(super) fn selected_id(&self) -> Option<Id> {
        self.list.row(self.list.selected).map(|(id, _, _)| id)
    }

    /// The filter text changed.
    pub(super) fn filter_changed(&mut self) {
        self.run_filter();
    }

    /// Searches the index for the filter (narrowing within the last result
    /// when the filter only grew), then orders the result by the sort.
    pub(super) fn run_filter(&mut self) {
        let keep = self.selected_id();
        self.run_filter_keep(keep.as_ref());
    }

    fn run_filter_keep(&mut self, keep: Option<&Id>) {
        let Some(index) = &self.list.index else { return };
        let started = std::time::Instant::now();
        let filter = self.list.filter.value().trim().to_string();
        let last = &self.list.found_for;
        let narrow = crate::finder::can_narrow(last, &filter);
        let found = if let Some((_, f)) = self.list.recent.iter().find(|(q, _)| *q == filter) {
            f.clone()
        } else {
            // What is shown is what `last` found (perhaps sorted otherwise).
            let within = narrow.then_some(self.list.shown.as_slice());
            let f = index.find(&filter, within);
            if !filter.is_empty() && f.accounts.len() <= RECENT_LARGEST {
                if self.list.recent.len() >= RECENT_KEPT {
                    self.list.recent.remove(0);
                }
                self.list.recent.push((filter.clone(), f.clone()));
            }
            f
        };
        self.list.contact_hits = found.contacts.iter().filter_map(|c| index.contact(*c)).collect();
        self.list.shown = found.accounts;
        self.list.found_for = filter;
        self.list.last_query_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.list.generation += 1;
        self.list.sorting = false;
        match (self.list.sort, self.list.descending) {
            (SortBy::Name, false) => {}
            (SortBy::Name, true) => self.list.shown.reverse(),
            _ => {
                self.list.sorting = true;
                let ids: Vec<Id> = self.list.shown.iter().map(|s| index.id(*s)).collect();
                let job = Job::Sort { generation: self.list.generation, ids };
                self.worker.submit(job, &self.store, &self.rules, self.today);
            }
        }
        self.reselect_loaded(keep);
    }

    /// The file changed in ways not tracked one by one (demo data, a
    /// restore, a test writing to the store): read the index again, then
    /// select `keep`.
    pub fn reload_list(&mut self, keep: Option<&Id>) {
        self.list.lines.clear();
        self.list.requested.clear();
        self.list.loading = true;
        self.list.keep = keep.cloned().or_else(|| self.selected_id());
        self.live_version = self.store.data_version().ok();
        self.worker.submit(Job::Index, &self.store, &self.rules, self.today);
        self.request_sync_status();
        self.apply_worker();
        self.request_lines();
        self.apply_worker();
    }

    /// On an idle tick: when another program has committed to the file
    /// since the list was read, the index and the lines are read again on
    /// the worker (the list on screen stays until they arrive).
    pub(super) fn check_live(&mut self) {
        if self.worker.busy() || self.list.loading {
            return;
        }
        let Ok(version) = self.store.data_version() else { return };
        match self.live_version.replace(version) {
            Some(seen) if seen != version => {
                self.reread_all();
                self.message = Some(self.t(T::LiveRefreshed).to_string());
                // What waits for the hub may have changed too (a `kam sync`
                // in another terminal, an import).
                self.request_sync_status();
            }
            _ => {}
        }
    }

    /// The file changed in ways the workbench did not make one by one
    /// (another program's commit, a sync's pull): the index and the lines
    /// are read again on the worker (the list on screen stays until they
    /// arrive), and the other tabs too. An open form is left as it is.
    pub(super) fn reread_all(&mut self) {
        self.list.keep = self.selected_id();
        self.list.stale = true;
        self.list.loading = true;
        self.worker.submit(Job::Index, &self.store, &self.rules, self.today);
        // The other tabs read again too: the plan lists when next
        // shown (now, for the one in view without an open editor),
        // the day's sections and the cards in view.
        for tab in [Tab::CallPlans, Tab::Presentations] {
            if let Some(list) = self.plans.list_mut(tab) {
                if !list.loading && list.editor.is_none() {
                    list.loaded = false;
                }
            }
        }
        match self.tab {
            Tab::CallPlans | Tab::Presentations => self.ensure_plans(self.tab),
            Tab::Today => self.load_today(),
            Tab::Vip if self.popup.is_none() => self.vip_reload(None),
            Tab::Accounts | Tab::Vip => {}
        }
    }

    /// One account was saved or deleted (or one of its contacts, orders,
    /// visits): its entry and line are read again, the selection kept on it.
    pub(super) fn refresh_account(&mut self, id: &Id) {
        self.list.lines.remove(id);
        match self.store.index_account(id) {
            Ok(fresh) => {
                if let Some(index) = self.list.index.as_mut() {
                    index.upsert(id, fresh);
                }
                self.list.recent.clear();
            }
            Err(e) => self.fail(&e),
        }
        self.list.found_for.clear();
        self.run_filter_keep(Some(id));
        self.request_lines();
        self.apply_worker();
    }

    /// Applies what the worker has read.
    pub(super) fn apply_worker(&mut self) {
        for done in self.worker.poll() {
            match done {
                done @ (Done::Today { .. } | Done::Exported { .. } | Done::Evaluation { .. }) => self.today_done(done),
                Done::Plans { table, rows } => self.plans_done(table, rows),
                done @ Done::TextSearch { .. } => self.text_search_done(done),
                Done::Pareto(id, class) => match class {
                    Ok(class) => {
                        if let Some(d) = self.detail.as_mut().filter(|d| d.account.meta.id == id) {
                            d.pareto = Some(class);
                        }
                    }
                    Err(e) => self.fail(&e),
                },
                Done::Panicked(msg) => self.stopped = Some(msg),
                Done::SyncStatus { generation, status } => self.sync_status_done(generation, status),
                Done::SyncProgress(p) => self.sync_progress(p),
                Done::Synced(done) => self.sync_done(*done),
                Done::Requests(done) => self.requests_done(*done),
                Done::Photo(done) => self.vip.photos.done(*done),
                Done::Viewer { viewer, ok, code } => self.vip_viewer_ended(&viewer, ok, code),
                Done::Index { index, ms } => {
                    self.list.loading = false;
                    match index {
                        Ok(index) => {
                            if std::mem::take(&mut self.list.stale) {
                                self.list.lines.clear();
                                self.list.requested.clear();
                            }
                            self.list.index = Some(index);
                            self.list.recent.clear();
                            self.list.found_for.clear();
                            let keep = self.list.keep.take();
                            self.run_filter_keep(keep.as_ref());
                            self.list.last_query_ms = ms;
                        }
                        Err(e) => self.fail(&e),
                    }
                }
                Done::Lines(rows) => match rows {
                    Ok(rows) => {
                        for r in rows {
                            self.list.requested.remove(&r.id);
                            self.list.lines.insert(r.id.clone(), r);
                        }
                    }
                    Err(e) => {
                        self.list.requested.clear();
                        self.fail(&e);
                    }
                },
                Done::Checked(result) => {
                    self.checking = false;
                    if let Err(e) = result {
                        self.fail(&e);
                    }
                }
                Done::Sorted { generation, rows } => {
                    if generation != self.list.generation {
                        continue;
                    }
                    self.list.sorting = false;
                    match rows {
                        Ok(rows) => self.apply_sort(rows),
                        Err(e) => self.fail(&e),
                    }
                }
            }
        }
    }

    fn apply_sort(&mut self, mut rows: Vec<AccountRow>) {
        let keep = self.selected_id();
        let by = self.list.sort;
        // Stable: rows come in name order, which breaks ties.
        rows.sort_by(|a, b| match by {
            SortBy::Name => std::cmp::Ordering::Equal,
            SortBy::Tier => tier_rank(a.tier.tier).cmp(&tier_rank(b.tier.tier)),
            SortBy::Annual => a.annual.cmp(&b.annual),
            SortBy::Owner => a.owner.cmp(&b.owner),
            SortBy::LastContact => a.last_contact.cmp(&b.last_contact),
        });
        if self.list.descending {
            rows.reverse();
        }
        let Some(index) = &self.list.index else { return };
        self.list.shown = rows.iter().filter_map(|r| index.slot(&r.id)).collect();
        if self.list.lines.len() + rows.len() > LINES_KEPT {
            self.list.lines.clear();
        }
        if rows.len() <= LINES_KEPT {
            for r in rows {
                self.list.lines.insert(r.id.clone(), r);
            }
        }
        self.reselect_loaded(keep.as_ref());
    }

    /// Asks the worker for the lines on screen (and a page below) not read yet.
    pub(super) fn request_lines(&mut self) {
        if self.list.index.is_none() {
            return;
        }
        let from = self.list.offset;
        let to = (from + 2 * self.page_rows.max(1)).min(self.list.len());
        if self.list.lines.len() > LINES_KEPT {
            self.list.lines.clear();
        }
        let mut ids = Vec::new();
        for i in from..to {
            if let Some((id, _, None)) = self.list.row(i) {
                if self.list.requested.insert(id.clone()) {
                    ids.push(id);
                }
            }
        }
        if !ids.is_empty() {
            self.worker.submit(Job::Lines(ids), &self.store, &self.rules, self.today);
        }
    }

    /// Opens the selected account; when the filter found one of its
    /// contacts, on that contact's profile.
    pub(super) fn open_selected(&mut self) {
        let Some(id) = self.selected_id() else {
            self.open_contact_hit(None);
            return;
        };
        if self.list.contact_hits.iter().any(|c| c.account_id == id) {
            self.open_contact_hit(Some(&id));
        } else {
            self.open_detail(&id, Section::Company);
        }
    }

    /// Opens the account of the first contact found (of `account`, when
    /// given), on that contact's profile.
    fn open_contact_hit(&mut self, account: Option<&Id>) {
        let hit = self.list.contact_hits.iter().find(|c| account.is_none_or(|a| &c.account_id == a));
        let Some(c) = hit.cloned() else { return };
        self.list.filtering = false;
        self.open_detail(&c.account_id, Section::Contacts);
        if let Some(d) = self.detail.as_mut() {
            d.contact_sel = d.contacts.iter().position(|x| x.meta.id == c.id).unwrap_or(0);
        }
    }

    /// Selects `id` when shown, else the first row.
    pub(super) fn reselect_loaded(&mut self, id: Option<&Id>) {
        let found = match (id, &self.list.index) {
            (Some(id), Some(index)) => index.slot(id).and_then(|s| self.list.shown.iter().position(|x| *x == s)),
            _ => None,
        };
        self.list.selected = found.unwrap_or(0).min(self.list.len().saturating_sub(1));
        self.keep_selection_visible();
    }

    pub(super) fn reselect(&mut self, id: &Id) {
        self.reselect_loaded(Some(id));
    }

    pub(super) fn keep_selection_visible(&mut self) {
        let h = self.page_rows.max(1);
        let l = &mut self.list;
        if l.selected < l.offset {
            l.offset = l.selected;
        } else if l.selected >= l.offset + h {
            l.offset = l.selected + 1 - h;
        }
        l.offset = l.offset.min(l.len().saturating_sub(1));
    }
}
