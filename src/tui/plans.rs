//! Tabs 2 and 3: call plans (DESIGN §3.6) and presentation plans (§3.7).
//! State and keys; drawing is in `screens/call_plans.rs`.
//!
//! Each tab has a list (views upcoming / past due / done / all, filtered as
//! everywhere through the same search index as the accounts) and an editor:
//! one form whose repeated rows (participants, influence, questions,
//! commitments, action steps) are runs of fields tagged with their table
//! and row. Every table keeps one blank row at its end to type a new row
//! into; blank rows are never saved.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::plan_check::PlanWarning;
use kam_rules::{Labeled, Lang};

use super::app::{App, ReasonFor, Tab};
use super::keymap::{self, k, Binding, FormKey};
use super::widgets::form::{Field, Form, RowTag};
use super::widgets::input::TextInput;
use super::worker::Job;
use crate::finder::SearchIndex;
use crate::i18n::T;
use crate::model::{
    ActionStep, CallPlan, Commitment, Contact, CustomerParticipant, Id, Influence, IntroQuestion, OurParticipant,
    PlanStatus, Presentation, PresentationParticipant, Visit, VisitContact, VisitKind,
};
use crate::store::{IndexAccount, PlanRow, PlanTable, StoreError};

use super::editors::plans::{
    commitment_row, customer_row, influence_row, intro_row, ours_row, participant_row, step_row, PlanCtx, COMMITMENTS,
    CUSTOMERS, INFLUENCE, INTRO, OURS, PARTICIPANTS, STEPS,
};

/// Which plans a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlanView {
    #[default]
    Upcoming,
    PastDue,
    Done,
    All,
}

impl PlanView {
    pub const ALL: [PlanView; 4] = [PlanView::Upcoming, PlanView::PastDue, PlanView::Done, PlanView::All];

    pub fn label(self) -> T {
        match self {
            Self::Upcoming => T::ViewUpcoming,
            Self::PastDue => T::ViewPastDue,
            Self::Done => T::ViewDone,
            Self::All => T::ViewAll,
        }
    }

    fn step(self, by: isize) -> Self {
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(4) as usize]
    }

    /// Upcoming: not done, today or later (or not dated yet); past due:
    /// not done and the date has passed.
    pub fn holds(self, row: &PlanRow, today: NaiveDate) -> bool {
        match self {
            Self::Upcoming => !row.done && row.date.is_none_or(|d| d >= today),
            Self::PastDue => !row.done && row.date.is_some_and(|d| d < today),
            Self::Done => row.done,
            Self::All => true,
        }
    }
}

/// A list of plans with its view, filter and selection.
#[derive(Debug, Default)]
pub struct PlanList {
    pub rows: Vec<PlanRow>,
    /// Account name and opportunity of each row, in row order, searched as
    /// the account list is (pinyin, fuzzy).
    index: SearchIndex,
    /// Rows in view and matching the filter, in the order shown.
    pub shown: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub view: PlanView,
    pub filter: TextInput,
    pub filtering: bool,
    pub loaded: bool,
    /// A read of the rows is under way on the worker.
    pub loading: bool,
    /// The plan to select once the rows are read (the one just saved).
    pub select_after: Option<Id>,
    /// Plan-check warnings of the rows drawn so far, by plan.
    pub warnings: HashMap<Id, usize>,
    pub editor: Option<Box<PlanEditor>>,
}

/// The finder over plan rows: the account's name and the opportunity.
pub fn plan_index(rows: &[PlanRow]) -> SearchIndex {
    let entries: Vec<IndexAccount> = rows
        .iter()
        .map(|r| IndexAccount {
            id: r.id.clone(),
            name: r.account.clone(),
            short_name: r.opportunity.clone(),
            phone_digits: String::new(),
            owner: String::new(),
        })
        .collect();
    SearchIndex::build(&entries, &[])
}

impl PlanList {
    pub fn selected_row(&self) -> Option<&PlanRow> {
        self.shown.get(self.selected).and_then(|&i| self.rows.get(i))
    }

    fn set_rows(&mut self, rows: Vec<PlanRow>, index: SearchIndex) {
        self.index = index;
        self.rows = rows;
        self.warnings.clear();
        self.loaded = true;
        self.loading = false;
    }

    /// Recomputes the rows shown, keeping the selected plan selected.
    pub fn reshow(&mut self, today: NaiveDate) {
        let keep = self.selected_row().map(|r| r.id.clone());
        let filter = self.filter.value().trim().to_string();
        let candidates: Vec<usize> = if filter.is_empty() {
            (0..self.rows.len()).collect()
        } else {
            self.index.find(&filter, None).accounts.into_iter().map(|s| s as usize).collect()
        };
        self.shown =
            candidates.into_iter().filter(|&i| self.rows.get(i).is_some_and(|r| self.view.holds(r, today))).collect();
        if self.view == PlanView::Upcoming && filter.is_empty() {
            // What comes next first; the stored order is newest first.
            let rows = &self.rows;
            self.shown.sort_by_key(|&i| (rows[i].date.is_none(), rows[i].date, rows[i].time));
        }
        self.selected = keep
            .and_then(|id| self.shown.iter().position(|&i| self.rows[i].id == id))
            .unwrap_or(0)
            .min(self.shown.len().saturating_sub(1));
    }

    fn step(&mut self, by: isize, page: usize) {
        let n = self.shown.len();
        if n == 0 {
            return;
        }
        self.selected = (self.selected as isize + by).clamp(0, n as isize - 1) as usize;
        self.keep_visible(page);
    }

    pub fn keep_visible(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}

/// The plan being edited.
#[derive(Clone, Debug)]
pub enum Plan {
    Call(Box<CallPlan>),
    Presentation(Box<Presentation>),
}

impl Plan {
    pub fn id(&self) -> &Id {
        match self {
            Self::Call(p) => &p.meta.id,
            Self::Presentation(p) => &p.meta.id,
        }
    }

    pub fn account_id(&self) -> &Id {
        match self {
            Self::Call(p) => &p.account_id,
            Self::Presentation(p) => &p.account_id,
        }
    }

    pub fn is_new(&self) -> bool {
        match self {
            Self::Call(p) => p.meta.is_new(),
            Self::Presentation(p) => p.meta.is_new(),
        }
    }

    fn warnings(&self, contacts: &[Contact]) -> Vec<PlanWarning> {
        match self {
            Self::Call(p) => p.warnings(contacts),
            Self::Presentation(p) => p.warnings(contacts),
        }
    }
}

/// An open plan: its form, the account's contacts and the live checks.
#[derive(Debug)]
pub struct PlanEditor {
    /// The plan as read (or as started); the form's values go over it.
    pub plan: Plan,
    pub form: Form,
    pub account: String,
    /// The language, the day and the account's contacts the form is made in.
    pub ctx: PlanCtx,
    pub warnings: Vec<PlanWarning>,
    /// The stored plan was already done (finishing logs a visit only once).
    pub was_done: bool,
    pub confirm_drop: bool,
    pub error: Option<String>,
    pub message: Option<String>,
}

/// A blank row of a table, numbered `row`.
fn blank_row(plan: &Plan, table: u8, row: usize, contacts: &[Contact], lang: Lang) -> Vec<Field> {
    match (plan, table) {
        (Plan::Call(_), CUSTOMERS) => customer_row(row, &CustomerParticipant::default(), contacts, lang),
        (Plan::Call(_), OURS) => ours_row(row, &OurParticipant::default()),
        (Plan::Call(_), INFLUENCE) => influence_row(row, &Influence::default()),
        (Plan::Call(_), INTRO) => intro_row(row, &IntroQuestion::default()),
        (Plan::Call(_), _) => commitment_row(row, &Commitment::default(), lang),
        (Plan::Presentation(_), PARTICIPANTS) => {
            participant_row(row, &PresentationParticipant::default(), contacts, lang)
        }
        (Plan::Presentation(_), _) => step_row(row, &ActionStep::default(), lang),
    }
}

fn tables(plan: &Plan) -> &'static [u8] {
    match plan {
        Plan::Call(_) => &[CUSTOMERS, OURS, INFLUENCE, INTRO, COMMITMENTS],
        Plan::Presentation(_) => &[PARTICIPANTS, STEPS],
    }
}

impl PlanEditor {
    pub fn new(plan: Plan, account: String, contacts: Vec<Contact>, lang: Lang, today: NaiveDate) -> Self {
        let ctx = PlanCtx { lang, today, contacts };
        let form = match &plan {
            Plan::Call(p) => super::editors::plans::call_form(&ctx, p),
            Plan::Presentation(p) => super::editors::plans::presentation_form(&ctx, p),
        };
        let was_done = matches!(&plan, Plan::Call(p) if p.status == PlanStatus::Done);
        let warnings = plan.warnings(&ctx.contacts);
        Self { plan, form, account, ctx, warnings, was_done, confirm_drop: false, error: None, message: None }
    }

    /// The plan with the form's values: blank rows left out.
    pub fn collect(&self, today: NaiveDate) -> Plan {
        let moved;
        let ctx = if today == self.ctx.today {
            &self.ctx
        } else {
            moved = PlanCtx { today, ..self.ctx.clone() };
            &moved
        };
        match &self.plan {
            Plan::Call(p) => {
                let mut p = p.clone();
                super::editors::plans::call_binds().apply(&self.form, &mut p, ctx);
                Plan::Call(p)
            }
            Plan::Presentation(p) => {
                let mut p = p.clone();
                super::editors::plans::presentation_binds().apply(&self.form, &mut p, ctx);
                Plan::Presentation(p)
            }
        }
    }

    /// After an edit: a table whose last row got text gains a blank row,
    /// and the checks are recomputed.
    pub fn refresh(&mut self, lang: Lang, today: NaiveDate) {
        (self.ctx.lang, self.ctx.today) = (lang, today);
        for &t in tables(&self.plan) {
            let n = self.form.row_count(t);
            if (n == 0 || !self.form.is_blank_row(t, n - 1)) && n < crate::model::TABLE_ROWS_MAX {
                let blank = blank_row(&self.plan, t, n, &self.ctx.contacts, lang);
                self.form.insert_row(t, n, self.form.fields.len(), blank);
            }
        }
        self.form.validate_all(lang, today);
        self.warnings = self.collect(today).warnings(&self.ctx.contacts);
    }

    /// The table and row of the focused field, when it is in one.
    fn focused_row(&self) -> Option<RowTag> {
        self.form.fields.get(self.form.focus).and_then(|f| f.row)
    }

    /// Ctrl-N: a blank row inserted below the focused one, the focus on it.
    fn insert_row(&mut self, lang: Lang) {
        let Some(t) = self.focused_row() else { return };
        if self.form.row_count(t.table) >= crate::model::TABLE_ROWS_MAX {
            let max = crate::model::TABLE_ROWS_MAX.to_string();
            self.error = Some(T::RowsFull.fill(lang, &[("max", &max)]));
            return;
        }
        let blank = blank_row(&self.plan, t.table, t.row + 1, &self.ctx.contacts, lang);
        self.form.insert_row(t.table, t.row + 1, self.form.fields.len(), blank);
        if let Some(r) = self.form.row_span(t.table, t.row + 1) {
            self.form.focus = r.start;
        }
    }

    /// Ctrl-D: the focused row removed (the trailing blank one is only cleared).
    fn remove_row(&mut self, lang: Lang) {
        let Some(t) = self.focused_row() else { return };
        let last = self.form.row_count(t.table).saturating_sub(1);
        self.form.remove_row(t.table, t.row);
        if t.row == last {
            let blank = blank_row(&self.plan, t.table, t.row, &self.ctx.contacts, lang);
            self.form.insert_row(t.table, t.row, self.form.fields.len(), blank);
            if let Some(r) = self.form.row_span(t.table, t.row) {
                self.form.focus = r.start;
            }
        }
    }

    /// Alt-↑/↓: the focused row swapped with its neighbour; the blank row
    /// at the end stays last.
    fn move_row(&mut self, by: isize) {
        let Some(t) = self.focused_row() else { return };
        let last = self.form.row_count(t.table).saturating_sub(1);
        let target = t.row.checked_add_signed(by);
        if t.row == last || target.is_none_or(|r| r >= last) {
            return;
        }
        self.form.move_row(t.table, t.row, by);
    }
}

impl PlansTab {
    /// Whether the tab in view is taking text (a filter or the editor).
    pub fn typing(&self, tab: Tab) -> bool {
        self.list(tab).is_some_and(|l| l.filtering || l.editor.is_some())
    }

    pub fn list(&self, tab: Tab) -> Option<&PlanList> {
        match tab {
            Tab::CallPlans => Some(&self.calls),
            Tab::Presentations => Some(&self.presentations),
            _ => None,
        }
    }

    pub(super) fn list_mut(&mut self, tab: Tab) -> Option<&mut PlanList> {
        match tab {
            Tab::CallPlans => Some(&mut self.calls),
            Tab::Presentations => Some(&mut self.presentations),
            _ => None,
        }
    }
}

/// The tabs' state: one list (and editor) per kind of plan.
#[derive(Debug, Default)]
pub struct PlansTab {
    pub calls: PlanList,
    pub presentations: PlanList,
}

fn table_of(tab: Tab) -> PlanTable {
    if tab == Tab::Presentations {
        PlanTable::Presentations
    } else {
        PlanTable::Calls
    }
}

/// A call finished: the visit it logs on the account, so nothing is typed twice.
pub fn visit_for(p: &CallPlan, today: NaiveDate, user: &str) -> Visit {
    let kind = if p.location.trim().is_empty() { VisitKind::Phone } else { VisitKind::Visit };
    let next = p.commitments.iter().filter(|c| !c.done).min_by_key(|c| c.by.unwrap_or(NaiveDate::MAX));
    Visit {
        account_id: p.account_id.clone(),
        contacts: p
            .customer_participants
            .iter()
            .filter_map(|c| c.contact_id.clone())
            .map(|contact_id| VisitContact { contact_id })
            .collect(),
        // A call marked done before its planned day happened today.
        date: p.call_date.map_or(today, |d| d.min(today)),
        // At the plan's own time when it happened on the planned day.
        time: p.call_date.filter(|d| *d <= today).and(p.call_time),
        kind,
        by: if p.sales_rep.trim().is_empty() { user.to_string() } else { p.sales_rep.clone() },
        by_manager: !p.manager.trim().is_empty() && p.our_participants.iter().any(|o| o.name == p.manager),
        purpose: p.objective.clone(),
        summary: p.what_happened.clone(),
        next_step: next.map(|c| c.what.clone()).unwrap_or_default(),
        next_date: next.and_then(|c| c.by),
        ..Visit::default()
    }
}

/// What a key does on the Call plans and Presentations tabs' list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKey {
    Filter,
    ClearFilter,
    Move,
    Views,
    Open,
    Print,
    Delete,
    New,
}

/// The plan list's keys; with [`keymap::NAV`] and [`keymap::GLOBAL`]. A
/// plan's form has [`keymap::PLAN_FORM_KEYS`].
pub const PLAN_LIST_KEYS: &[Binding<PlanKey>] = &[
    Binding { label: "/", keys: &[k::c('/')], help: T::KFilter, action: PlanKey::Filter },
    Binding { label: "Esc", keys: &[k::ESC], help: T::KClearFilter, action: PlanKey::ClearFilter },
    Binding {
        label: super::account_list::MOVE_LABEL,
        keys: super::account_list::MOVE_KEYS,
        help: T::KMove,
        action: PlanKey::Move,
    },
    Binding {
        label: "Tab / Shift-Tab / v",
        keys: &[k::TAB, k::BACKTAB, k::c('v')],
        help: T::KPlanViews,
        action: PlanKey::Views,
    },
    Binding { label: "Enter / e", keys: &[k::ENTER, k::c('e')], help: T::KPlanOpen, action: PlanKey::Open },
    Binding { label: "w", keys: &[k::c('w')], help: T::KPlanPrint, action: PlanKey::Print },
    Binding { label: "d", keys: &[k::c('d')], help: T::KDelete, action: PlanKey::Delete },
    Binding { label: "n", keys: &[k::c('n')], help: T::KPlanNew, action: PlanKey::New },
];

impl App {
    pub(super) fn plans_key(&mut self, key: KeyEvent) {
        let tab = self.tab;
        self.ensure_plans(tab);
        let Some(list) = self.plans.list_mut(tab) else { return };
        if list.editor.is_some() {
            self.plan_editor_key(key);
            return;
        }
        let page = self.page_rows;
        let today = self.today;
        if list.filtering {
            match key.code {
                KeyCode::Esc => {
                    list.filter.clear();
                    list.filtering = false;
                    list.reshow(today);
                }
                KeyCode::Enter => {
                    // As on the account list: Enter opens what the filter found.
                    list.filtering = false;
                    let found = list.selected_row().filter(|_| !list.filter.value().trim().is_empty());
                    if let Some(id) = found.map(|r| r.id.clone()) {
                        self.fill_plan_warnings(tab);
                        self.open_plan(tab, &id);
                        return;
                    }
                }
                KeyCode::Up => list.step(-1, page),
                KeyCode::Down => list.step(1, page),
                _ => {
                    if list.filter.handle_key(key) {
                        list.reshow(today);
                        list.offset = 0;
                    }
                }
            }
            self.fill_plan_warnings(tab);
            return;
        }
        match keymap::find(PLAN_LIST_KEYS, &key) {
            Some(PlanKey::Filter) => list.filtering = true,
            Some(PlanKey::ClearFilter) => {
                if !list.filter.value().is_empty() {
                    list.filter.clear();
                    list.reshow(today);
                }
            }
            Some(PlanKey::Move) => match key.code {
                KeyCode::Up | KeyCode::Char('k') => list.step(-1, page),
                KeyCode::Down | KeyCode::Char('j') => list.step(1, page),
                KeyCode::PageUp => list.step(-(page as isize), page),
                KeyCode::PageDown => list.step(page as isize, page),
                KeyCode::Home => list.step(isize::MIN / 2, page),
                _ => list.step(isize::MAX / 2, page),
            },
            Some(PlanKey::Views) => {
                list.view = list.view.step(if key.code == KeyCode::BackTab { -1 } else { 1 });
                list.reshow(today);
                list.offset = 0;
            }
            Some(PlanKey::Open) => {
                if let Some(id) = list.selected_row().map(|r| r.id.clone()) {
                    self.open_plan(tab, &id);
                }
            }
            Some(PlanKey::Print) => {
                if let Some(id) = list.selected_row().map(|r| r.id.clone()) {
                    self.print_plan(tab, &id);
                }
            }
            Some(PlanKey::Delete) => {
                if let Some(r) = list.selected_row() {
                    let label = format!("{} {}", r.date.map(|d| d.to_string()).unwrap_or_default(), r.account);
                    let what = ReasonFor::DeletePlan(table_of(tab), r.id.clone(), label);
                    self.ask_reason(what);
                }
            }
            Some(PlanKey::New) => self.open_picker(table_of(tab)),
            None => {
                self.shared_key(key);
            }
        }
        self.fill_plan_warnings(tab);
    }

    /// Reads a tab's plans the first time it is shown (and after a save),
    /// on the worker: the list says it is reading until the rows arrive.
    pub(super) fn ensure_plans(&mut self, tab: Tab) {
        let Some(list) = self.plans.list_mut(tab) else { return };
        if list.loaded || list.loading {
            return;
        }
        list.loading = true;
        let job = Job::Plans(table_of(tab));
        self.worker.submit_own(job, &self.store, &self.rules, self.today);
        // Without a worker thread (tests, a failed spawn) it is read already.
        self.apply_worker();
    }

    /// The rows of a plan tab read by the worker.
    pub(super) fn plans_done(&mut self, table: PlanTable, rows: Result<(Vec<PlanRow>, SearchIndex), StoreError>) {
        let today = self.today;
        let page = self.page_rows;
        let tab = if table == PlanTable::Calls { Tab::CallPlans } else { Tab::Presentations };
        let Some(list) = self.plans.list_mut(tab) else { return };
        match rows {
            Ok((rows, index)) => {
                list.set_rows(rows, index);
                list.reshow(today);
                if let Some(id) = list.select_after.take() {
                    if let Some(pos) = list.shown.iter().position(|&i| list.rows[i].id == id) {
                        list.selected = pos;
                    }
                    list.keep_visible(page);
                }
                self.fill_plan_warnings(tab);
            }
            Err(e) => {
                list.loading = false;
                self.fail(&e);
            }
        }
    }

    /// Counts the plan checks of the rows on screen not counted yet.
    pub(super) fn fill_plan_warnings(&mut self, tab: Tab) {
        let page = self.page_rows;
        let Some(list) = self.plans.list(tab) else { return };
        let todo: Vec<(Id, Id)> = list
            .shown
            .iter()
            .skip(list.offset)
            .take(page)
            .filter_map(|&i| list.rows.get(i))
            .filter(|r| !list.warnings.contains_key(&r.id))
            .map(|r| (r.id.clone(), r.account_id.clone()))
            .collect();
        let mut counted = Vec::with_capacity(todo.len());
        for (id, account) in todo {
            let contacts: Vec<Contact> = self.store.list_for_account(&account).unwrap_or_default();
            let n = match table_of(tab) {
                PlanTable::Calls => self.store.get::<CallPlan>(&id).map(|p| p.warnings(&contacts).len()),
                PlanTable::Presentations => self.store.get::<Presentation>(&id).map(|p| p.warnings(&contacts).len()),
            };
            counted.push((id, n.unwrap_or(0)));
        }
        if let Some(list) = self.plans.list_mut(tab) {
            list.warnings.extend(counted);
        }
    }

    /// Opens a stored plan in the editor.
    pub(super) fn open_plan(&mut self, tab: Tab, id: &Id) {
        let plan = match table_of(tab) {
            PlanTable::Calls => self.store.get::<CallPlan>(id).map(|p| Plan::Call(Box::new(p))),
            PlanTable::Presentations => self.store.get::<Presentation>(id).map(|p| Plan::Presentation(Box::new(p))),
        };
        match plan {
            Ok(p) => self.edit_plan(tab, p),
            Err(e) => self.fail(&e),
        }
    }

    /// Shows `plan` in its tab's editor, with its account's contacts.
    pub(super) fn edit_plan(&mut self, tab: Tab, plan: Plan) {
        let Ok(account) = self.store.get::<crate::model::Account>(plan.account_id()).map(|a| a.name) else {
            self.message = Some(T::PlanNoSuchAccount.get(self.lang).to_string());
            return;
        };
        let contacts: Vec<Contact> = match self.store.list_for_account(plan.account_id()) {
            Ok(c) => c,
            Err(e) => {
                self.fail(&e);
                return;
            }
        };
        let editor = PlanEditor::new(plan, account, contacts, self.lang, self.today);
        self.tab = tab;
        self.ensure_plans(tab);
        if let Some(list) = self.plans.list_mut(tab) {
            list.editor = Some(Box::new(editor));
        }
    }

    /// `c` / `p` on an account's detail: a new plan for it, header prefilled.
    pub(super) fn start_plan(&mut self, table: PlanTable) {
        let Some(d) = &self.detail else { return };
        let a = &d.account;
        let user = self.store.user().to_string();
        let plan = match table {
            PlanTable::Calls => Plan::Call(Box::new(CallPlan {
                account_id: a.meta.id.clone(),
                phone: a.phone.clone(),
                location: a.address.clone(),
                sales_rep: user,
                ..CallPlan::default()
            })),
            PlanTable::Presentations => Plan::Presentation(Box::new(Presentation {
                account_id: a.meta.id.clone(),
                sales_rep: user,
                ..Presentation::default()
            })),
        };
        let tab = if table == PlanTable::Calls { Tab::CallPlans } else { Tab::Presentations };
        self.edit_plan(tab, plan);
    }

    fn plan_editor_key(&mut self, key: KeyEvent) {
        let (lang, today, tab) = (self.lang, self.today, self.tab);
        let Some(ed) = self.plans.list_mut(tab).and_then(|l| l.editor.as_mut()) else { return };
        if ed.confirm_drop {
            ed.confirm_drop = false;
            if key.code == KeyCode::Esc {
                self.close_plan_editor(tab);
            }
            return;
        }
        ed.message = None;
        match keymap::find(keymap::PLAN_FORM_KEYS, &key) {
            Some(FormKey::Close) => {
                if ed.form.changed() {
                    ed.confirm_drop = true;
                } else {
                    self.close_plan_editor(tab);
                }
                return;
            }
            Some(FormKey::Save) => {
                self.message = None;
                self.save_plan(tab);
                return;
            }
            Some(FormKey::Print) => {
                let plan = ed.collect(today);
                let (account, contacts) = (ed.account.clone(), ed.ctx.contacts.clone());
                self.write_plan(&plan, &account, &contacts);
                return;
            }
            Some(FormKey::Rows) => match key.code {
                KeyCode::Up => ed.move_row(-1),
                KeyCode::Down => ed.move_row(1),
                KeyCode::Char('d' | 'D') => ed.remove_row(lang),
                _ => ed.insert_row(lang),
            },
            Some(FormKey::Fields) => ed.form.focus_step(if key.code == KeyCode::BackTab { -1 } else { 1 }),
            Some(FormKey::Arrows) if !ed.form.focus_is_lines() => {
                ed.form.focus_step(if key.code == KeyCode::Up { -1 } else { 1 });
            }
            Some(FormKey::Arrows | FormKey::Field | FormKey::TakeStored | FormKey::OpenMatch) | None => {
                if ed.form.edit_key(key) {
                    ed.error = None;
                }
            }
        }
        ed.refresh(lang, today);
    }

    pub(super) fn plan_paste(&mut self, text: &str) -> bool {
        let (lang, today, tab) = (self.lang, self.today, self.tab);
        let Some(list) = self.plans.list_mut(tab) else { return false };
        if let Some(ed) = list.editor.as_mut() {
            if ed.form.paste(text, lang) {
                ed.refresh(lang, today);
            }
            return true;
        }
        if list.filtering {
            match list.filter.paste(text, super::widgets::input::FILTER_MAX) {
                Ok(()) => list.reshow(today),
                Err(e) => self.message = Some(e.message(lang)),
            }
            return true;
        }
        false
    }

    fn close_plan_editor(&mut self, tab: Tab) {
        if let Some(list) = self.plans.list_mut(tab) {
            list.editor = None;
        }
        if let Some(back) = self.back_to.take() {
            self.tab = back;
        }
    }

    /// Ctrl-S: the plan saved; a call marked done for the first time logs
    /// its visit in the same transaction.
    fn save_plan(&mut self, tab: Tab) {
        let (lang, today) = (self.lang, self.today);
        let user = self.store.user().to_string();
        let Some(ed) = self.plans.list_mut(tab).and_then(|l| l.editor.as_mut()) else { return };
        ed.form.validate_all(lang, today);
        if let Some((i, line)) = ed.form.error_line(lang) {
            ed.form.focus = i;
            ed.error = Some(line);
            return;
        }
        let mut plan = ed.collect(today);
        let mut logged = None;
        let result = match &mut plan {
            Plan::Call(p) if p.status == PlanStatus::Done && !ed.was_done => {
                let mut visit = visit_for(p, today, &user);
                let r = self.store.save_pair(p.as_mut(), "", &mut visit);
                logged = Some(visit);
                r
            }
            Plan::Call(p) => self.store.save(p.as_mut(), ""),
            Plan::Presentation(p) => self.store.save(p.as_mut(), ""),
        };
        let Some(ed) = self.plans.list_mut(tab).and_then(|l| l.editor.as_mut()) else { return };
        match result {
            Ok(()) => {
                let account = plan.account_id().clone();
                let id = plan.id().clone();
                self.changes += 1;
                self.message = Some(match &logged {
                    Some(v) => {
                        T::PlanVisitLogged.fill(lang, &[("kind", v.kind.label(lang)), ("date", &v.date.to_string())])
                    }
                    None => T::Saved.get(lang).to_string(),
                });
                if let Some(list) = self.plans.list_mut(tab) {
                    list.editor = None;
                    list.loaded = false;
                    list.select_after = Some(id);
                }
                // Saved: the plan's list stays in view.
                self.back_to = None;
                self.ensure_plans(tab);
                if logged.is_some() {
                    self.refresh_account(&account);
                    if self.detail.as_ref().is_some_and(|d| d.account.meta.id == account) {
                        self.open_detail(&account, super::app::Section::Visits);
                    }
                }
            }
            Err(StoreError::Invalid { error, .. }) => {
                ed.error = Some(ed.form.invalid(&error.field, &error, self.lang));
                if let Some(i) = ed.form.fields.iter().position(|f| f.key == error.field) {
                    ed.form.focus = i;
                }
            }
            Err(StoreError::Conflict(c)) => {
                // Ctrl-S again keeps what was typed, over the stored version.
                let v = c.current_version();
                match &mut ed.plan {
                    Plan::Call(p) => p.meta.version = v,
                    Plan::Presentation(p) => p.meta.version = v,
                }
                ed.error = Some(T::ConflictMsg.fill(lang, &[("v", &v.to_string())]));
            }
            Err(e) => {
                let text = self.error_text(&e);
                if let Some(ed) = self.plans.list_mut(tab).and_then(|l| l.editor.as_mut()) {
                    ed.error = Some(text);
                }
            }
        }
    }

    /// `w` on the list: the selected plan printed.
    fn print_plan(&mut self, tab: Tab, id: &Id) {
        self.open_plan(tab, id);
        let Some(ed) = self.plans.list_mut(tab).and_then(|l| l.editor.take()) else { return };
        self.write_plan(&ed.plan, &ed.account, &ed.ctx.contacts);
    }

    /// Writes the plan as Markdown into `plans/` beside the database.
    fn write_plan(&mut self, plan: &Plan, account: &str, contacts: &[Contact]) {
        let dir = self.paths.db.parent().map_or_else(|| PathBuf::from("plans"), |d| d.join("plans"));
        let path = dir.join(plan_file_name(plan, account));
        let text = match plan {
            Plan::Call(p) => crate::exchange::markdown::call_plan(p, account, contacts, self.lang),
            Plan::Presentation(p) => crate::exchange::markdown::presentation(p, account, contacts, self.lang),
        };
        let written = crate::files::private_dir(&dir).and_then(|()| crate::files::write_private(&path, text));
        let shown = path.display().to_string();
        if written.is_ok() {
            // The print leaves a trace in the plan's change log (#21).
            if let Err(e) = self.store.log_print(plan.id(), &shown) {
                self.fail(&e);
            }
        }
        let msg = match written {
            Ok(()) => T::PlanPrinted.fill(self.lang, &[("path", &shown)]),
            Err(e) => format!("{}: {shown}: {e}", T::ErrorPrefix.get(self.lang)),
        };
        match self.plans.list_mut(self.tab).and_then(|l| l.editor.as_mut()) {
            Some(ed) => ed.message = Some(msg),
            None => self.message = Some(msg),
        }
    }

    /// Deletes a plan to the trash with the reason given.
    pub(super) fn delete_plan(&mut self, table: PlanTable, id: &Id, reason: &str) {
        let result = match table {
            PlanTable::Calls => self.store.delete::<CallPlan>(id, reason),
            PlanTable::Presentations => self.store.delete::<Presentation>(id, reason),
        };
        match result {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(T::MovedToTrash.get(self.lang).to_string());
                let tab = if table == PlanTable::Calls { Tab::CallPlans } else { Tab::Presentations };
                if let Some(list) = self.plans.list_mut(tab) {
                    list.loaded = false;
                }
                self.ensure_plans(tab);
            }
            Err(e) => self.fail(&e),
        }
    }
}

/// `call-2026-11-24-杭州西湖精密机械有限公司-7c3e9a1f.md`: date, account and
/// the short id (`kam plan print` takes it back); characters a file name
/// cannot hold replaced.
pub fn plan_file_name(plan: &Plan, account: &str) -> String {
    let (kind, date) = match plan {
        Plan::Call(p) => ("call", p.call_date),
        Plan::Presentation(p) => ("presentation", p.date),
    };
    let account: String =
        account.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).take(40).collect();
    let short = plan.id().short();
    let date = date.map_or_else(|| "undated".into(), |d| d.to_string());
    format!("{kind}-{date}-{account}-{short}.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(done: bool, date: Option<NaiveDate>) -> PlanRow {
        PlanRow {
            id: Id::new(),
            account_id: Id::new(),
            account: "a".into(),
            opportunity: String::new(),
            date,
            time: None,
            done,
        }
    }

    #[test]
    fn the_editor_stops_adding_rows_at_the_maximum() {
        let max = crate::model::TABLE_ROWS_MAX;
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let p = CallPlan { influence: vec![Influence::default(); max - 1], ..CallPlan::default() };
        let mut ed = PlanEditor::new(Plan::Call(Box::new(p)), "a".into(), Vec::new(), Lang::En, today);
        assert_eq!(ed.form.row_count(INFLUENCE), max, "the rows and one blank row");
        ed.form.focus = ed.form.row_span(INFLUENCE, 0).expect("row").start;
        ed.insert_row(Lang::En);
        assert_eq!(ed.form.row_count(INFLUENCE), max, "no row past the maximum");
        assert!(ed.error.as_deref().is_some_and(|e| e.contains(&max.to_string())), "{:?}", ed.error);
        ed.refresh(Lang::En, today);
        assert_eq!(ed.form.row_count(INFLUENCE), max, "no blank row past the maximum either");
        let full = CallPlan { influence: vec![Influence::default(); max], ..CallPlan::default() };
        let ed = PlanEditor::new(Plan::Call(Box::new(full)), "a".into(), Vec::new(), Lang::En, today);
        assert_eq!(ed.form.row_count(INFLUENCE), max);
    }

    #[test]
    fn views_split_at_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let yesterday = today.pred_opt();
        assert!(PlanView::Upcoming.holds(&row(false, Some(today)), today), "today is still upcoming");
        assert!(PlanView::Upcoming.holds(&row(false, None), today), "an undated plan is upcoming");
        assert!(PlanView::PastDue.holds(&row(false, yesterday), today));
        assert!(!PlanView::PastDue.holds(&row(false, Some(today)), today));
        assert!(!PlanView::PastDue.holds(&row(true, yesterday), today), "done is never past due");
        assert!(PlanView::Done.holds(&row(true, yesterday), today));
        assert!(PlanView::All.holds(&row(true, None), today));
    }

    #[test]
    fn a_finished_call_logs_the_visit_it_was() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let contact = Id::new();
        let p = CallPlan {
            account_id: Id::new(),
            call_date: NaiveDate::from_ymd_opt(2026, 11, 20),
            call_time: chrono::NaiveTime::from_hms_opt(14, 30, 0),
            location: "客户总部".into(),
            objective: "确认方案".into(),
            what_happened: "同意试点".into(),
            customer_participants: vec![CustomerParticipant {
                contact_id: Some(contact.clone()),
                ..Default::default()
            }],
            commitments: vec![
                Commitment {
                    who: "我".into(),
                    what: "报价".into(),
                    by: NaiveDate::from_ymd_opt(2026, 12, 1),
                    done: false,
                },
                Commitment {
                    who: "他".into(),
                    what: "内部评审".into(),
                    by: NaiveDate::from_ymd_opt(2026, 11, 28),
                    done: false,
                },
            ],
            ..CallPlan::default()
        };
        let v = visit_for(&p, today, "rep");
        assert_eq!((v.kind, v.date, v.by.as_str()), (VisitKind::Visit, p.call_date.expect("d"), "rep"));
        assert_eq!(v.time, chrono::NaiveTime::from_hms_opt(14, 30, 0), "at the call's own time");
        assert_eq!(v.summary, "同意试点");
        assert_eq!(v.contacts, vec![VisitContact { contact_id: contact }]);
        assert_eq!((v.next_step.as_str(), v.next_date), ("内部评审", NaiveDate::from_ymd_opt(2026, 11, 28)));
        let phone = visit_for(&CallPlan { location: String::new(), ..p.clone() }, today, "rep");
        assert_eq!(phone.kind, VisitKind::Phone, "no location: it was a call");
        let early = visit_for(&CallPlan { call_date: NaiveDate::from_ymd_opt(2026, 11, 30), ..p }, today, "rep");
        assert_eq!(early.date, today, "done before the planned day: it happened today");
        assert_eq!(early.time, None, "at a time the plan does not know");
    }
}
