//! The workbench's state, its one vocabulary of actions and `update`, the
//! only place that changes state (and the only caller of the store).
//! Drawing lives in `screens/` and only reads this state.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use kam_rules::discount::{discount, Payment};
use kam_rules::tier::{annual_volume, decide_tier, max_overdue_days, Receivable};
use kam_rules::{Behaviour, BuyingRole, Labeled, Lang, Money, Rules, SocialStyle, Tier, TierDecision};

use crate::config::{Config, Role};
use crate::i18n::T;
use crate::model::{Account, ChangeEvent, Contact, Feedback, Id, ObservedBehaviour, Order, Visit, VisitKind};
use crate::paths::Paths;
use crate::store::{ChangeLine, Store, StoreError, TrashEntry};

use super::widgets::form::{Field, Form};
use super::widgets::input::{TextInput, FILTER_MAX};
use super::widgets::keys::F;

/// The tabs across the top, in key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Accounts,
    CallPlans,
    Presentations,
    Vip,
    Today,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Accounts, Tab::CallPlans, Tab::Presentations, Tab::Vip, Tab::Today];

    pub fn title(self) -> T {
        match self {
            Tab::Accounts => T::TabAccounts,
            Tab::CallPlans => T::TabCallPlans,
            Tab::Presentations => T::TabPresentations,
            Tab::Vip => T::TabVip,
            Tab::Today => T::TabToday,
        }
    }
}

/// The sections of an account's detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Company,
    Contacts,
    Orders,
    Visits,
    Events,
    Feedback,
    Archive,
    History,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::Company,
        Section::Contacts,
        Section::Orders,
        Section::Visits,
        Section::Events,
        Section::Feedback,
        Section::Archive,
        Section::History,
    ];

    pub fn title(self) -> T {
        match self {
            Section::Company => T::SecCompany,
            Section::Contacts => T::SecContacts,
            Section::Orders => T::SecOrders,
            Section::Visits => T::SecVisits,
            Section::Events => T::SecEvents,
            Section::Feedback => T::SecFeedback,
            Section::Archive => T::SecArchive,
            Section::History => T::SecHistory,
        }
    }

    fn step(self, by: isize) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as isize;
        let n = Self::ALL.len() as isize;
        Self::ALL[((i + by).rem_euclid(n)) as usize]
    }
}

/// Columns the account list can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Name,
    Tier,
    Annual,
    Owner,
    LastContact,
}

impl SortBy {
    const ALL: [SortBy; 5] = [SortBy::Name, SortBy::Tier, SortBy::Annual, SortBy::Owner, SortBy::LastContact];

    pub(super) fn next(self) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// What an account's detail shows, read once when it is opened or changed.
#[derive(Debug)]
pub struct Detail {
    pub account: Account,
    pub tier: TierDecision,
    pub tier_reason: String,
    pub contacts: Vec<Contact>,
    pub orders: Vec<Order>,
    pub visits: Vec<Visit>,
    pub events: Vec<ChangeEvent>,
    pub feedback: Vec<Feedback>,
    pub history: Vec<ChangeLine>,
    /// The account's Pareto class among all accounts (§4.3): read on the
    /// worker after the detail opens, `None` until then.
    pub pareto: Option<kam_rules::AbcClass>,
    pub section: Section,
    pub contact_sel: usize,
    /// The selected archive entry, in the order the section shows them.
    pub archive_sel: usize,
    /// The selected record of the Orders, Visits, Events or Feedback
    /// section (back to the first when the section changes).
    pub row_sel: usize,
    pub scroll: u16,
}

impl Detail {
    /// Records the section lists, for the selection.
    pub fn rows_in(&self, section: Section) -> usize {
        match section {
            Section::Orders => self.orders.len(),
            Section::Visits => self.visits.len(),
            Section::Events => self.events.len(),
            Section::Feedback => self.feedback.len(),
            Section::Contacts => self.contacts.len(),
            Section::Company | Section::Archive | Section::History => 0,
        }
    }
}

/// What a form edits.
#[derive(Debug, Clone)]
pub enum Editing {
    Account(Box<Account>),
    Contact(Box<Contact>),
    Visit(Box<Visit>),
    Order(Box<Order>),
    ChangeEvent(Box<ChangeEvent>),
    Feedback(Box<Feedback>),
    /// An archive entry of the account: new (`index` `None`) or an edit.
    Archive {
        account: Box<Account>,
        index: Option<usize>,
    },
    /// The discount calculator: nothing is saved.
    Quote(Tier),
    Settings,
    /// A VIP visitor card (tab 4).
    VipCard(Box<crate::model::VipCard>),
    /// Handing a VIP card to another staff member.
    VipHandover(Box<crate::model::VipCard>),
    /// `s` on a VIP card: its status, chosen and confirmed.
    VipStatus(Box<crate::model::VipCard>),
    /// A rep's targets for a period (the evaluation view's `t`).
    Targets(Box<crate::model::Target>),
}

/// An open form: the fields, what it edits, and the duplicate guard's findings.
#[derive(Debug)]
pub struct FormState {
    pub form: Form,
    pub editing: Editing,
    /// Likely duplicates found on the first Ctrl-S; a second Ctrl-S saves anyway.
    pub duplicates: Option<Vec<String>>,
    /// Esc was pressed on a changed form: a second Esc drops the changes.
    pub confirm_drop: bool,
    /// A message about the save as a whole (a store error).
    pub error: Option<String>,
    /// Lines computed from the fields as they are typed (the discount quote).
    pub note: Vec<String>,
    /// The record was saved elsewhere since the form opened.
    pub conflict: Option<ConflictView>,
    /// A warning (a phone kept without consent) was shown on the first
    /// Ctrl-S; a second Ctrl-S saves anyway.
    pub warned: bool,
    /// The card a new VIP card's phone is already on: Ctrl-O opens it.
    pub open_match: Option<Id>,
}

/// A stale-version conflict: the fields that differ (yours | stored) and
/// the stored record, to keep yours over it or take it.
#[derive(Debug)]
pub struct ConflictView {
    pub version: i64,
    pub lines: Vec<(T, String, String)>,
    pub stored: Editing,
}

/// What a reason dialog is asking for.
#[derive(Debug, Clone)]
pub enum ReasonFor {
    DeleteAccount(Id, String),
    DeleteContact(Id, String),
    /// The account, the entry's position in its archive, its title.
    DeleteArchive(Id, usize, String),
    /// A call plan or presentation: its table, id and a label.
    DeletePlan(crate::store::PlanTable, Id, String),
    /// A VIP card: its id and a label.
    DeleteVip(Id, String),
    /// An order, visit, change event or feedback of the open account.
    DeleteActivity(super::records::Activity, Id, String),
    /// A contact erased for good at their request (#21): its id and name.
    EraseContact(Id, String),
    /// A VIP card erased for good: its id and a label.
    EraseVip(Id, String),
}

impl ReasonFor {
    /// What the popup names.
    pub fn label(&self) -> &str {
        match self {
            Self::DeleteAccount(_, n)
            | Self::DeleteContact(_, n)
            | Self::DeleteArchive(_, _, n)
            | Self::DeletePlan(_, _, n)
            | Self::DeleteVip(_, n)
            | Self::DeleteActivity(_, _, n)
            | Self::EraseContact(_, n)
            | Self::EraseVip(_, n) => n.as_str(),
        }
    }

    /// An erase rather than a delete to the trash.
    pub fn erases(&self) -> bool {
        matches!(self, Self::EraseContact(..) | Self::EraseVip(..))
    }
}

/// Popups over the screen, at most one at a time.
#[derive(Debug)]
pub enum Popup {
    Help,
    Form(Box<FormState>),
    Reason {
        what: ReasonFor,
        input: TextInput,
        error: bool,
    },
    Trash {
        entries: Vec<TrashEntry>,
        selected: usize,
    },
    /// Asked on an empty database: fill with demo data, or start blank.
    Welcome,
    /// A form kept when kam stopped on an internal error, offered back.
    Draft(Box<super::draft::Draft>),
    /// Picking the account a new plan is for (tabs 2 and 3).
    Picker(Box<super::picker::Picker>),
    /// The text search over what was written (#22).
    TextSearch(Box<super::text_search::TextSearch>),
    /// The account's scorecard (§4.3).
    Scores(Box<super::scorecard::ScoresEdit>),
    /// The fifteen alliance behaviours of a contact, ticked with the day observed.
    Alliance {
        contact: Box<Contact>,
        cursor: usize,
        confirm_drop: bool,
    },
}

/// Everything the workbench shows.
pub struct App {
    /// The database file as the status line shows it.
    pub db_label: String,
    pub lang: Lang,
    pub rules: Rules,
    pub store: Store,
    pub paths: Paths,
    pub config: Config,
    pub today: NaiveDate,
    pub tab: Tab,
    pub list: super::account_list::AccountList,
    pub detail: Option<Detail>,
    /// Where Esc goes back to once the record opened from it is closed
    /// (the Today tab opens accounts and plans on other tabs).
    pub back_to: Option<Tab>,
    /// Tabs 2 and 3: call plans and presentation plans.
    pub plans: super::plans::PlansTab,
    /// Tab 4: VIP visitor cards.
    pub vip: super::vip::VipTab,
    /// Tab 5: the rep's day.
    pub day: super::today::TodayTab,
    pub popup: Option<Popup>,
    /// Changes saved in this session (not yet exported).
    pub changes: u32,
    /// A one-line message for the status line (last save, last error).
    pub message: Option<String>,
    /// Rows of the list visible on screen at the last draw (for paging).
    pub page_rows: usize,
    pub quit: bool,
    /// Where slow reads run: a thread in the workbench, inline in tests.
    pub worker: super::worker::Worker,
    /// The whole-file check and the day's backup are running on the worker.
    pub checking: bool,
    /// Ctrl-C was pressed on a form with changes: asked before quitting.
    pub confirm_quit: bool,
    /// A line printed once the terminal is restored (where a draft was kept).
    pub exit_note: Option<String>,
    /// A worker thread failed (it panicked): the event loop stops, keeping
    /// the open form as a draft, since the panic hook has already switched
    /// the terminal back.
    pub stopped: Option<String>,
    /// The file's `data_version` when the list was last read: another
    /// program's commit changes it, and the list is read again.
    pub live_version: Option<i64>,
}

/// The one vocabulary of what can happen to the workbench.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    /// The terminal now has this many rows for the list.
    Resize(usize),
    /// Time passed with no event: applies what the worker has read.
    Tick,
    Quit,
}

impl App {
    /// A workbench over `store`. `first_run` opens the settings popup.
    pub fn new(store: Store, paths: Paths, config: Config, rules: Rules, lang: Lang) -> Self {
        let today = store.clock().today();
        Self {
            db_label: store.path().display().to_string(),
            lang,
            rules,
            store,
            paths,
            config,
            today,
            tab: Tab::Accounts,
            list: super::account_list::AccountList::default(),
            worker: super::worker::Worker::default(),
            checking: false,
            confirm_quit: false,
            exit_note: None,
            stopped: None,
            live_version: None,
            detail: None,
            back_to: None,
            plans: super::plans::PlansTab::default(),
            vip: super::vip::VipTab::default(),
            day: super::today::TodayTab::default(),
            popup: None,
            changes: 0,
            message: None,
            page_rows: 20,
            quit: false,
        }
    }

    /// Reads through a worker thread from now on, so that nothing slower
    /// than a frame runs on the UI thread, and starts reading the list.
    pub fn start_worker(&mut self) {
        match self.store.open_reader().and_then(|reader| {
            super::worker::Worker::spawn(reader, self.rules.clone(), self.today)
                .map_err(|source| crate::store::StoreError::Io { path: self.db_label.clone(), source })
        }) {
            Ok(w) => self.worker = w,
            Err(e) => self.fail(&e),
        }
        self.reload_list(None);
        match self.store.open_reader() {
            Ok(reader) => {
                self.checking = true;
                let backups = (!self.store.read_only()).then(|| self.paths.backups.clone());
                let job = super::worker::Job::Check { backups };
                self.worker.submit_aside(job, reader, &self.store);
            }
            Err(e) => self.fail(&e),
        }
        // Store staff work on the VIP cards: the workbench opens there for them.
        if self.config.role == Role::Staff && self.tab == Tab::Accounts && self.detail.is_none() {
            self.switch_tab('4');
        }
    }

    /// On the first start: the settings popup (name, role, language), and on
    /// an empty file the offer of demo data.
    pub fn first_start(&mut self, config_exists: bool) {
        if self.offer_draft() {
            return;
        }
        if matches!(self.store.is_empty(), Ok(true)) {
            self.popup = Some(Popup::Welcome);
        } else if !config_exists {
            self.open_settings();
        }
    }

    pub fn t(&self, t: T) -> &'static str {
        t.get(self.lang)
    }

    /// The single mutator.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Tick => self.check_live(),
            Action::Resize(rows) => {
                self.page_rows = rows.max(1);
                self.keep_selection_visible();
            }
            Action::Paste(text) => self.paste(&text),
            Action::Key(key) => {
                // Act on presses only: Windows reports releases too.
                if key.kind != KeyEventKind::Release {
                    self.key(key);
                }
            }
        }
        self.apply_worker();
        self.request_lines();
        self.apply_worker();
    }

    /// A bracketed paste: inserted in one step into the field taking text,
    /// or refused whole when it would pass the field's limit (the message
    /// beside the field, or on the status line for a filter).
    pub(super) fn paste(&mut self, text: &str) {
        let lang = self.lang;
        let refused = match &mut self.popup {
            Some(Popup::Form(f)) => {
                if f.form.paste(text, lang) {
                    f.duplicates = None;
                    f.open_match = None;
                }
                None
            }
            Some(Popup::Reason { input, .. }) => input.paste(text, FILTER_MAX).err(),
            Some(Popup::Picker(_)) => {
                let Some(Popup::Picker(mut p)) = self.popup.take() else { return };
                let refused = self.picker_paste(&mut p, text);
                self.popup = Some(Popup::Picker(p));
                refused
            }
            Some(Popup::TextSearch(_)) => {
                let Some(Popup::TextSearch(mut s)) = self.popup.take() else { return };
                let refused = self.text_search_paste(&mut s, text);
                self.popup = Some(Popup::TextSearch(s));
                refused
            }
            None if matches!(self.tab, Tab::CallPlans | Tab::Presentations) => {
                self.plan_paste(text);
                None
            }
            None if self.tab == Tab::Vip && self.vip.filtering => self.vip_paste(text),
            None if self.list.filtering && self.detail.is_none() => match self.list.filter.paste(text, FILTER_MAX) {
                Ok(()) => {
                    self.filter_changed();
                    None
                }
                Err(e) => Some(e),
            },
            Some(_) | None => None,
        };
        if let Some(e) = refused {
            self.message = Some(e.message(lang));
        }
    }

    pub(super) fn key(&mut self, key: KeyEvent) {
        // Fault injection for the crash tests: with KAM_FAULT_PANIC_KEY=F12
        // in the environment, F12 panics as a bug would.
        assert!(
            !(key.code == KeyCode::F(12) && std::env::var("KAM_FAULT_PANIC_KEY").is_ok_and(|v| v == "F12")),
            "fault injected by KAM_FAULT_PANIC_KEY"
        );
        // The same on the worker thread: with KAM_FAULT_PANIC_KEY=F11, F11
        // hands the worker a job that panics.
        if key.code == KeyCode::F(11) && std::env::var("KAM_FAULT_PANIC_KEY").is_ok_and(|v| v == "F11") {
            self.worker.submit(super::worker::Job::Fault, &self.store, &self.rules, self.today);
            return;
        }
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        if self.confirm_quit {
            self.confirm_quit = false;
            if ctrl_c || matches!(key.code, KeyCode::Enter | KeyCode::Char('y')) {
                self.quit_keeping_draft();
            }
            return;
        }
        if ctrl_c {
            // Typing is never lost on the way out: a form with changes asks
            // first, and is kept as a draft when the answer is to quit.
            if self.form_changed() {
                self.confirm_quit = true;
            } else {
                self.quit = true;
            }
            return;
        }
        if self.popup.is_some() {
            self.popup_key(key);
            return;
        }
        // A tab that is taking text (a filter) gets every key first.
        let typing = match self.tab {
            Tab::Accounts => self.list.filtering && self.detail.is_none(),
            Tab::CallPlans | Tab::Presentations => self.plans.typing(self.tab),
            Tab::Vip => self.vip.typing(),
            Tab::Today => false,
        };
        if typing {
            match self.tab {
                Tab::Accounts => self.filter_key(key),
                Tab::CallPlans | Tab::Presentations => self.plans_key(key),
                Tab::Vip => self.vip_key(key),
                Tab::Today => self.today_key(key),
            }
            return;
        }
        match key.code {
            KeyCode::Char('?') => {
                self.popup = Some(Popup::Help);
                return;
            }
            KeyCode::Char(',') => {
                self.open_settings();
                return;
            }
            _ => {}
        }
        match self.tab {
            Tab::Accounts if self.detail.is_some() => self.detail_key(key),
            Tab::Accounts => self.list_key(key),
            Tab::CallPlans | Tab::Presentations => self.plans_key(key),
            Tab::Vip => self.vip_key(key),
            Tab::Today => self.today_key(key),
        }
    }

    /// Whether a form that would be kept as a draft is open with changes.
    /// Whether a form is open with changes (the calculator saves nothing,
    /// so it never counts); the alliance ticks count too.
    pub fn form_changed(&self) -> bool {
        if let Some(ed) = self.plans.list(self.tab).and_then(|l| l.editor.as_deref()) {
            return ed.form.changed();
        }
        match &self.popup {
            Some(Popup::Form(f)) => !matches!(f.editing, Editing::Quote(_)) && f.form.changed(),
            Some(Popup::Scores(e)) => e.changed(),
            Some(Popup::Alliance { contact, .. }) => self
                .detail
                .as_ref()
                .and_then(|d| d.contacts.iter().find(|x| x.meta.id == contact.meta.id))
                .is_some_and(|orig| orig.behaviours != contact.behaviours),
            _ => false,
        }
    }

    /// Quits, keeping the open form as a draft; when it cannot be written
    /// kam stays open with the form as it was.
    fn quit_keeping_draft(&mut self) {
        if self.draft().is_none() {
            self.quit = true;
            return;
        }
        if let Some(path) = self.keep_draft() {
            self.exit_note = Some(T::QuitDraftKept.fill(self.lang, &[("path", &path.display().to_string())]));
            self.quit = true;
        } else {
            let path = super::draft::path_for(&self.paths.db).display().to_string();
            self.message = Some(T::QuitDraftFailed.fill(self.lang, &[("path", &path)]));
        }
    }

    /// The keys every tab's list shares: `q` quits, `1`–`5` switch tabs.
    /// Returns whether the key was one of them.
    pub(super) fn shared_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char(c @ '1'..='5') => self.switch_tab(c),
            _ => return false,
        }
        true
    }

    pub(super) fn switch_tab(&mut self, c: char) {
        let i = (c as usize).saturating_sub('1' as usize);
        if let Some(t) = Tab::ALL.get(i) {
            self.tab = *t;
            self.back_to = None;
            self.ensure_plans(*t);
            if self.tab == Tab::Vip {
                self.vip_reload(None);
            }
            if self.tab == Tab::Today {
                self.load_today();
            }
        }
    }

    pub(super) fn detail_key(&mut self, key: KeyEvent) {
        if self.detail.as_ref().is_some_and(|d| d.section == Section::Archive) && self.archive_key(key) {
            return;
        }
        let Some(d) = self.detail.as_mut() else { return };
        let section = d.section;
        let activity = super::records::Activity::of(section);
        let rows = d.rows_in(section);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                let id = d.account.meta.id.clone();
                self.detail = None;
                self.reselect(&id);
                if let Some(tab) = self.back_to.take() {
                    self.tab = tab;
                }
            }
            // The tab bar's numbers work from an account's page too: it
            // closes, as Esc would, and the tab opens.
            KeyCode::Char(c @ '2'..='5') => {
                let id = d.account.meta.id.clone();
                self.detail = None;
                self.reselect(&id);
                self.switch_tab(c);
            }
            KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => {
                d.section = d.section.step(1);
                d.scroll = 0;
                d.row_sel = 0;
            }
            KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => {
                d.section = d.section.step(-1);
                d.scroll = 0;
                d.row_sel = 0;
            }
            KeyCode::Up | KeyCode::Char('k') => match section {
                Section::Contacts => d.contact_sel = d.contact_sel.saturating_sub(1),
                _ if activity.is_some() => d.row_sel = d.row_sel.saturating_sub(1),
                _ => d.scroll = d.scroll.saturating_sub(1),
            },
            KeyCode::Down | KeyCode::Char('j') => match section {
                Section::Contacts => d.contact_sel = (d.contact_sel + 1).min(rows.saturating_sub(1)),
                _ if activity.is_some() => d.row_sel = (d.row_sel + 1).min(rows.saturating_sub(1)),
                _ => d.scroll = d.scroll.saturating_add(1),
            },
            KeyCode::Home => {
                d.contact_sel = 0;
                d.row_sel = 0;
                d.scroll = 0;
            }
            KeyCode::End => {
                d.contact_sel = d.contacts.len().saturating_sub(1);
                d.row_sel = rows.saturating_sub(1);
            }
            // A section's keys act on its own records only: never on the account.
            KeyCode::Char('e') | KeyCode::Enter => match (section, activity) {
                (Section::Contacts, _) => {
                    if let Some(c) = d.contacts.get(d.contact_sel).cloned() {
                        self.open_contact_form(c);
                    }
                }
                (_, Some(a)) => self.edit_activity(a),
                (Section::Company, _) if key.code == KeyCode::Char('e') => {
                    let a = d.account.clone();
                    self.open_account_form(a);
                }
                _ => {}
            },
            KeyCode::Char('s') if section == Section::Company => self.open_scorecard(),
            KeyCode::Char('a') if section == Section::Contacts => {
                if let Some(c) = d.contacts.get(d.contact_sel).cloned() {
                    self.popup = Some(Popup::Alliance { contact: Box::new(c), cursor: 0, confirm_drop: false });
                }
            }
            KeyCode::Char('n') => match (section, activity) {
                // On the company page `n` is the first thing a new account
                // needs: a contact, in the Contacts section.
                (Section::Contacts | Section::Company, _) => {
                    d.section = Section::Contacts;
                    let c = Contact::of(d.account.meta.id.clone(), "");
                    self.open_contact_form(c);
                }
                (_, Some(a)) => self.new_activity(a),
                _ => {}
            },
            KeyCode::Char('d') => match (section, activity) {
                (Section::Contacts, _) => {
                    if let Some(c) = d.contacts.get(d.contact_sel) {
                        let what = ReasonFor::DeleteContact(c.meta.id.clone(), c.name.clone());
                        self.ask_reason(what);
                    }
                }
                (_, Some(a)) => self.delete_activity(a),
                (Section::Company, _) => {
                    let what = ReasonFor::DeleteAccount(d.account.meta.id.clone(), d.account.name.clone());
                    self.ask_reason(what);
                }
                _ => {}
            },
            KeyCode::Char('X') if section == Section::Contacts => {
                if let Some(c) = d.contacts.get(d.contact_sel) {
                    let what = ReasonFor::EraseContact(c.meta.id.clone(), c.name.clone());
                    self.ask_reason(what);
                }
            }
            KeyCode::Char('v') => self.open_visit_form(VisitKind::Visit),
            KeyCode::Char('t') => self.open_visit_form(VisitKind::Phone),
            KeyCode::Char('o') => self.open_order_form(false),
            KeyCode::Char('=') => self.open_order_form(true),
            KeyCode::Char('c') => self.start_plan(crate::store::PlanTable::Calls),
            KeyCode::Char('p') => self.start_plan(crate::store::PlanTable::Presentations),
            _ => {}
        }
    }

    // ---- detail --------------------------------------------------------------

    pub(super) fn open_detail(&mut self, id: &Id, section: Section) {
        match self.read_detail(id) {
            Ok(mut d) => {
                d.section = section;
                let job = super::worker::Job::Pareto(d.account.meta.id.clone());
                self.detail = Some(d);
                self.worker.submit(job, &self.store, &self.rules, self.today);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(super) fn read_detail(&self, id: &Id) -> Result<Detail, StoreError> {
        let account: Account = self.store.get(id)?;
        let mut contacts = self.store.contacts_of(id)?;
        contacts.sort_by(|a, b| a.name.cmp(&b.name));
        let mut orders: Vec<Order> = self.store.list_for_account(id)?;
        orders.sort_by_key(|x| std::cmp::Reverse(x.date));
        let mut visits: Vec<Visit> = self.store.list_for_account(id)?;
        visits.sort_by_key(|x| std::cmp::Reverse(x.date));
        let mut events: Vec<ChangeEvent> = self.store.list_for_account(id)?;
        events.sort_by_key(|x| std::cmp::Reverse(x.date));
        let mut feedback: Vec<Feedback> = self.store.list_for_account(id)?;
        feedback.sort_by_key(|x| std::cmp::Reverse(x.date));
        let mut history = self.store.history(id)?;
        history.reverse();
        let annual = annual_volume(&self.rules, orders.iter().map(|o| (o.date, o.amount)), self.today);
        let overdue = max_overdue_days(
            &self.rules,
            orders.iter().filter_map(|o| o.due_date.map(|due| Receivable { due, outstanding: o.outstanding() })),
            self.today,
        );
        let tier = decide_tier(&self.rules, annual, overdue, account.tier_override());
        let tier_reason = tier.reason(&self.rules, self.lang);
        Ok(Detail {
            account,
            tier,
            tier_reason,
            contacts,
            orders,
            visits,
            events,
            feedback,
            history,
            pareto: None,
            section: Section::Company,
            contact_sel: 0,
            archive_sel: 0,
            row_sel: 0,
            scroll: 0,
        })
    }

    // ---- forms -----------------------------------------------------------------

    pub(super) fn open_account_form(&mut self, a: Account) {
        let form = self.account_form(&a);
        self.open_form(form, Editing::Account(Box::new(a)));
    }

    pub(super) fn account_form(&self, a: &Account) -> Form {
        let lang = self.lang;
        let tiers = choices::<Tier>(T::ByVolume, lang);
        let owner = if a.meta.version == 0 && a.owner.is_empty() { self.user_name() } else { a.owner.clone() };
        let fields = vec![
            Field::text(F::Name, T::FName, &a.name).required(),
            Field::text(F::ShortName, T::FShortName, &a.short_name),
            Field::text(F::Phone, T::FPhone, &a.phone),
            Field::text(F::Industry, T::FIndustry, &a.industry),
            Field::text(F::Region, T::FRegion, &a.region),
            Field::text(F::Address, T::FAddress, &a.address),
            Field::text(F::Website, T::FWebsite, &a.website),
            Field::text(F::CompanySize, T::FSize, &a.company_size),
            Field::amount(F::RegisteredCapital, T::FCapital, a.registered_capital),
            Field::choice(F::Listed, T::FListed, yes_no(lang), Some(if a.listed { "yes" } else { "no" }.into())),
            Field::text(F::Owner, T::FOwner, &owner),
            Field::choice(F::TierOverride, T::FTierOverride, tiers, a.tier_override.map(|t| t.key().to_string())),
            Field::text(F::TierOverrideReason, T::FTierReason, &a.tier_override_reason),
            Field::amount(F::CreditLimit, T::FCreditLimit, a.credit_limit),
            Field::text(F::PaymentTerms, T::FPaymentTerms, &a.payment_terms),
            Field::date(F::CustomerSince, T::FCustomerSince, a.customer_since),
            Field::lines(F::Notes, T::FNotes, &a.notes),
        ];
        let title = if a.meta.version == 0 { T::NewAccount } else { T::EditAccount };
        Form::new(title, fields)
    }

    pub(super) fn open_contact_form(&mut self, c: Contact) {
        let form = self.contact_form(&c);
        self.open_form(form, Editing::Contact(Box::new(c)));
    }

    pub(super) fn contact_form(&self, c: &Contact) -> Form {
        let lang = self.lang;
        let styles = choices::<SocialStyle>(T::NotSet, lang);
        let roles = choices::<BuyingRole>(T::NotSet, lang);
        let others: Vec<(String, String)> = std::iter::once((String::new(), T::NotSet.get(lang).to_string()))
            .chain(
                self.detail
                    .iter()
                    .flat_map(|d| d.contacts.iter())
                    .filter(|o| o.meta.id != c.meta.id)
                    .map(|o| (o.meta.id.to_string(), format!("{} {}", o.name, o.title))),
            )
            .collect();
        let duties: Vec<&str> = c.responsibilities.iter().map(|r| r.text.as_str()).collect();
        let consent = if c.consent { "yes" } else { "no" };
        // Every field of the personal profile (DESIGN §3.2), in the paper form's order.
        let fields = vec![
            Field::text(F::Name, T::FPersonName, &c.name).required(),
            Field::text(F::Company, T::FCompany, &c.company),
            Field::text(F::Title, T::FTitle, &c.title),
            Field::text(F::Phone, T::FPhone, &c.phone),
            Field::text(F::Fax, T::FFax, &c.fax),
            Field::text(F::Email, T::FEmail, &c.email),
            Field::text(F::Education, T::FEducation, &c.education),
            Field::date(F::BirthDate, T::FBirthDate, c.birth_date),
            Field::text(F::Address, T::FAddress, &c.address),
            Field::text(F::Spouse, T::FSpouse, &c.spouse),
            Field::text(F::Secretary, T::FSecretary, &c.secretary),
            Field::text(F::Employer, T::FEmployer, &c.employer),
            Field::choice(F::ReportsTo, T::FReportsTo, others, c.reports_to.as_ref().map(ToString::to_string)),
            Field::lines(F::Background, T::FBackground, &c.background),
            Field::lines(F::Personality, T::FPersonality, &c.personality),
            Field::choice(F::SocialStyle, T::FSocialStyle, styles, c.social_style.map(|s| s.key().to_string())),
            Field::lines(F::Recent, T::FRecent, &c.recent),
            Field::lines(F::Responsibilities, T::FResponsibilities, &duties.join("; ")),
            Field::lines(F::CriteriaTechnical, T::FCriteriaTechnical, &c.criteria_technical),
            Field::lines(F::CriteriaBusiness, T::FCriteriaBusiness, &c.criteria_business),
            Field::choice(F::BuyingRole, T::FBuyingRole, roles, c.buying_role.map(|s| s.key().to_string())),
            Field::lines(F::PersonalAgenda, T::FAgenda, &c.personal_agenda),
            Field::lines(F::PoliticalStrategy, T::FStrategy, &c.political_strategy),
            Field::choice(F::Consent, T::FConsent, yes_no(lang), Some(consent.into())),
            Field::date(F::ConsentDate, T::FConsentDate, c.consent_date),
        ];
        let title = if c.meta.version == 0 { T::NewContact } else { T::EditContact };
        Form::new(title, fields)
    }

    pub(super) fn open_settings(&mut self) {
        let lang = self.lang;
        let roles = vec![
            ("rep".to_string(), T::RoleRep.get(lang).to_string()),
            ("staff".to_string(), T::RoleStaff.get(lang).to_string()),
            ("manager".to_string(), T::RoleManager.get(lang).to_string()),
        ];
        let role = match self.config.role {
            Role::Rep => "rep",
            Role::Staff => "staff",
            Role::Manager => "manager",
        };
        let langs = vec![("zh".to_string(), "中文".to_string()), ("en".to_string(), "English".to_string())];
        let fields = vec![
            Field::text(F::UserName, T::FUserName, &self.user_name()).required(),
            Field::choice(F::Role, T::FRole, roles, Some(role.to_string())),
            Field::text(F::Store, T::VipFStore, self.config.store.as_deref().unwrap_or_default()),
            Field::choice(F::Language, T::FLanguage, langs, Some(lang.key().to_string())),
        ];
        self.open_form(Form::new(T::Settings, fields), Editing::Settings);
    }

    pub(super) fn open_form(&mut self, form: Form, editing: Editing) {
        self.popup = Some(Popup::Form(Box::new(FormState {
            form,
            editing,
            duplicates: None,
            confirm_drop: false,
            error: None,
            note: Vec::new(),
            conflict: None,
            warned: false,
            open_match: None,
        })));
        if let Some(Popup::Form(mut f)) = self.popup.take() {
            self.recheck_form(&mut f);
            self.popup = Some(Popup::Form(f));
        }
    }

    pub fn user_name(&self) -> String {
        self.config.user.clone().unwrap_or_else(|| self.store.user().to_string())
    }

    pub(super) fn popup_key(&mut self, key: KeyEvent) {
        let Some(popup) = self.popup.take() else { return };
        self.popup = match popup {
            Popup::Help => None,
            Popup::Draft(d) => match key.code {
                KeyCode::Enter => {
                    self.restore_draft(*d);
                    self.popup.take()
                }
                KeyCode::Char('d' | 'D') => {
                    self.discard_draft();
                    None
                }
                KeyCode::Esc => None,
                _ => Some(Popup::Draft(d)),
            },
            Popup::Welcome => match key.code {
                KeyCode::Char('d' | 'D') => {
                    self.fill_demo();
                    None
                }
                KeyCode::Esc | KeyCode::Char('b' | 'B') | KeyCode::Enter => {
                    if self.paths.config_file().exists() {
                        None
                    } else {
                        self.open_settings();
                        self.popup.take()
                    }
                }
                _ => Some(Popup::Welcome),
            },
            Popup::Trash { entries, selected } => self.trash_key(key, entries, selected),
            Popup::Reason { what, mut input, error } => match key.code {
                KeyCode::Esc => None,
                KeyCode::Enter => {
                    let reason = input.value().trim().to_string();
                    if reason.is_empty() {
                        Some(Popup::Reason { what, input, error: true })
                    } else {
                        self.delete(&what, &reason);
                        None
                    }
                }
                _ => {
                    // The "a reason is required" message goes once one is typed.
                    let error = error && input.value().trim().is_empty();
                    input.handle_key(key);
                    let error = error && input.value().trim().is_empty();
                    Some(Popup::Reason { what, input, error })
                }
            },
            Popup::Form(f) => self.form_key(key, f),
            Popup::Alliance { contact, cursor, confirm_drop } => self.alliance_key(key, contact, cursor, confirm_drop),
            Popup::Scores(e) => self.scores_key(key, e),
            Popup::Picker(p) => self.picker_key(key, p),
            Popup::TextSearch(s) => self.text_search_key(key, s),
        };
        // The card opened from a new card's duplicate warning is closed:
        // the new card comes back as it was typed.
        if self.popup.is_none() {
            if let Some(f) = self.vip.parked.take() {
                self.discard_draft();
                self.popup = Some(Popup::Form(f));
            }
        }
    }

    pub(super) fn form_key(&mut self, key: KeyEvent, mut f: Box<FormState>) -> Option<Popup> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if f.confirm_drop {
            if key.code == KeyCode::Esc {
                return self.close_form(&f);
            }
            f.confirm_drop = false;
            return Some(Popup::Form(f));
        }
        match key.code {
            KeyCode::Esc => {
                if f.form.changed() {
                    f.confirm_drop = true;
                    return Some(Popup::Form(f));
                }
                return self.close_form(&f);
            }
            KeyCode::Char('s') if ctrl => {
                if let Some(c) = f.conflict.take() {
                    // Keep mine: save over the stored version.
                    match &mut f.editing {
                        Editing::Account(a) => a.meta.version = c.version,
                        Editing::Contact(x) => x.meta.version = c.version,
                        Editing::Order(x) => x.meta.version = c.version,
                        Editing::Visit(x) => x.meta.version = c.version,
                        Editing::ChangeEvent(x) => x.meta.version = c.version,
                        Editing::Feedback(x) => x.meta.version = c.version,
                        _ => {}
                    }
                }
                return self.save_form(f);
            }
            KeyCode::Char('r') if ctrl && f.conflict.is_some() => {
                // Take the stored one: the form reopens on it.
                if let Some(c) = f.conflict.take() {
                    self.reopen_stored(c.stored);
                }
                return self.popup.take();
            }
            KeyCode::Char('o') if ctrl && f.open_match.is_some() => return self.open_matched_card(f),
            KeyCode::Char('n') if ctrl => self.form_insert_row(&mut f),
            KeyCode::Char('d') if ctrl => self.form_remove_row(&mut f),
            KeyCode::Tab => f.form.focus_step(1),
            KeyCode::BackTab => f.form.focus_step(-1),
            KeyCode::Down | KeyCode::Enter if !f.form.focus_is_lines() => f.form.focus_step(1),
            KeyCode::Up if !f.form.focus_is_lines() => f.form.focus_step(-1),
            _ => {
                if f.form.edit_key(key) {
                    f.duplicates = None;
                    f.open_match = None;
                    f.error = None;
                }
            }
        }
        self.recheck_form(&mut f);
        Some(Popup::Form(f))
    }

    /// The discount rule applied to what is typed: rate, reason and net.
    pub(super) fn refresh_note(&self, f: &mut FormState) {
        let tier = match &f.editing {
            Editing::Quote(t) => *t,
            Editing::Order(_) => self.detail.as_ref().map_or(Tier::Silver, |d| d.tier.tier),
            _ => return,
        };
        let lang = self.lang;
        f.note.clear();
        let Ok(amount) = Money::parse(&f.form.text(F::Amount)) else { return };
        let payment = Payment::parse(&f.form.text(F::Payment)).unwrap_or(Payment::Cash);
        let promo = f.form.text(F::Promotion) == "yes";
        let q = discount(&self.rules, tier, amount, payment, promo);
        f.note.push(T::QuoteLine.fill(
            lang,
            &[
                ("tier", tier.label(lang)),
                ("rate", &format!("{:.2}", q.rate.as_f64())),
                ("zhe", &q.rate.zhe()),
                ("net", &q.net.grouped()),
            ],
        ));
        f.note.push(q.reason_text(lang));
    }

    pub(super) fn alliance_key(
        &mut self,
        key: KeyEvent,
        mut c: Box<Contact>,
        cursor: usize,
        confirm: bool,
    ) -> Option<Popup> {
        let n = Behaviour::ALL.len();
        let changed = self
            .detail
            .as_ref()
            .and_then(|d| d.contacts.iter().find(|x| x.meta.id == c.meta.id))
            .is_some_and(|orig| orig.behaviours != c.behaviours);
        let mut cursor = cursor;
        match key.code {
            KeyCode::Esc if confirm || !changed => return None,
            KeyCode::Esc => return Some(Popup::Alliance { contact: c, cursor, confirm_drop: true }),
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                let id = c.meta.id.clone();
                match self.store.save(&mut *c, "") {
                    Ok(()) => {
                        self.changes += 1;
                        self.message = Some(T::Saved.get(self.lang).to_string());
                        let account = c.account_id.clone();
                        self.open_detail(&account, Section::Contacts);
                        if let Some(d) = self.detail.as_mut() {
                            d.contact_sel = d.contacts.iter().position(|x| x.meta.id == id).unwrap_or(0);
                        }
                        return None;
                    }
                    Err(e) => self.fail(&e),
                }
            }
            KeyCode::Up => cursor = (cursor + n - 1) % n,
            KeyCode::Down | KeyCode::Tab => cursor = (cursor + 1) % n,
            KeyCode::Char(' ') | KeyCode::Enter => {
                if let Some(b) = Behaviour::ALL.get(cursor).copied() {
                    if let Some(i) = c.behaviours.iter().position(|o| o.behaviour == b) {
                        c.behaviours.remove(i);
                    } else {
                        c.behaviours.push(ObservedBehaviour { behaviour: b, observed_on: self.today });
                    }
                }
            }
            KeyCode::Left | KeyCode::Right => {
                // Move the observed day of a ticked behaviour by a day.
                let by: i64 = if key.code == KeyCode::Left { -1 } else { 1 };
                if let Some(o) =
                    Behaviour::ALL.get(cursor).and_then(|b| c.behaviours.iter_mut().find(|o| o.behaviour == *b))
                {
                    if let Some(d) = o.observed_on.checked_add_signed(chrono::Duration::days(by)) {
                        o.observed_on = d.min(self.today);
                    }
                }
            }
            _ => {}
        }
        Some(Popup::Alliance { contact: c, cursor, confirm_drop: false })
    }

    pub(super) fn close_form(&mut self, f: &FormState) -> Option<Popup> {
        if matches!(f.editing, Editing::Settings) && !self.paths.config_file().exists() {
            // Esc on the first-run popup keeps the defaults, and asks no more.
            self.write_config();
        }
        None
    }

    pub(super) fn save_form(&mut self, mut f: Box<FormState>) -> Option<Popup> {
        let lang = self.lang;
        self.recheck_form(&mut f);
        if let Some(i) = f.form.first_error() {
            f.form.focus = i;
            f.error = Some(T::FixErrors.get(lang).to_string());
            return Some(Popup::Form(f));
        }
        let reason = String::new();
        let result = match &f.editing {
            Editing::Settings => {
                self.config.user = Some(f.form.text(F::UserName).trim().to_string());
                self.config.role = match f.form.text(F::Role).as_str() {
                    "manager" => Role::Manager,
                    "staff" => Role::Staff,
                    _ => Role::Rep,
                };
                let store = f.form.text(F::Store).trim().to_string();
                self.config.store = (!store.is_empty()).then_some(store);
                let l = f.form.text(F::Language);
                self.config.language = Some(l.clone());
                if let Some(l) = Lang::parse(&l) {
                    self.lang = l;
                }
                self.store.set_user(self.user_name());
                self.write_config();
                self.list.lines.clear();
                return None;
            }
            Editing::Account(a) => {
                let mut a = (**a).clone();
                apply_account(&f.form, &mut a, self.today);
                if a.meta.version == 0 && f.duplicates.is_none() {
                    match self.store.similar_accounts(&a.name, &a.phone) {
                        Ok(d) if !d.is_empty() => {
                            f.duplicates = Some(d.into_iter().map(|(_, n)| n).collect());
                            return Some(Popup::Form(f));
                        }
                        Ok(_) => {}
                        Err(e) => {
                            f.error = Some(self.error_text(&e));
                            return Some(Popup::Form(f));
                        }
                    }
                }
                self.store.save(&mut a, &reason).map(|()| (a.meta.id.clone(), None))
            }
            Editing::Quote(_) => return None,
            Editing::Archive { .. } => return self.save_archive(f),
            Editing::VipCard(_) | Editing::VipHandover(_) | Editing::VipStatus(_) => return self.save_vip_form(f),
            Editing::Targets(_) => return self.save_targets(f),
            Editing::Visit(_) | Editing::Order(_) | Editing::ChangeEvent(_) | Editing::Feedback(_) => {
                return self.save_activity(f);
            }
            Editing::Contact(c) => {
                let mut c = (**c).clone();
                apply_contact(&f.form, &mut c, self.today);
                if c.meta.version == 0 && f.duplicates.is_none() {
                    match self.store.similar_contacts(&c.name, &c.phone, &c.account_id) {
                        Ok(d) if !d.is_empty() => {
                            f.duplicates = Some(vec![c.name.clone(); d.len()]);
                            return Some(Popup::Form(f));
                        }
                        Ok(_) => {}
                        Err(e) => {
                            f.error = Some(self.error_text(&e));
                            return Some(Popup::Form(f));
                        }
                    }
                }
                let account = c.account_id.clone();
                self.store.save(&mut c, &reason).map(|()| (account, Some(c.meta.id.clone())))
            }
        };
        match result {
            Ok((account_id, contact)) => {
                self.changes += 1;
                self.message = Some(T::Saved.get(lang).to_string());
                self.refresh_account(&account_id);
                let section = match (&f.editing, contact.is_some()) {
                    (Editing::Visit(_), _) => Section::Visits,
                    (Editing::Order(_), _) => Section::Orders,
                    (_, true) => Section::Contacts,
                    _ => Section::Company,
                };
                self.open_detail(&account_id, section);
                if let (Some(d), Some(cid)) = (self.detail.as_mut(), contact) {
                    d.contact_sel = d.contacts.iter().position(|c| c.meta.id == cid).unwrap_or(0);
                }
                None
            }
            Err(StoreError::Conflict(conf)) => {
                let stored = match &f.editing {
                    Editing::Account(_) => {
                        conf.current_as::<Account>().map(|a| (self.account_form(&a), Editing::Account(Box::new(a))))
                    }
                    Editing::Contact(_) => {
                        conf.current_as::<Contact>().map(|c| (self.contact_form(&c), Editing::Contact(Box::new(c))))
                    }
                    _ => None,
                };
                if let Some((sf, stored)) = stored {
                    let lines = f
                        .form
                        .fields
                        .iter()
                        .zip(&sf.fields)
                        .filter(|(mine, theirs)| mine.value() != theirs.value())
                        .map(|(mine, theirs)| (mine.label, mine.shown(), theirs.shown()))
                        .collect();
                    f.conflict = Some(ConflictView { version: conf.current_version(), lines, stored });
                }
                let v = conf.current_version().to_string();
                f.error = Some(T::ConflictMsg.fill(self.lang, &[("v", &v)]));
                Some(Popup::Form(f))
            }
            Err(StoreError::Invalid { error, .. }) => {
                f.error = Some(f.form.invalid(&error.field, &error, self.lang));
                Some(Popup::Form(f))
            }
            Err(e) => {
                // A failed save keeps every typed character.
                f.error = Some(self.error_text(&e));
                Some(Popup::Form(f))
            }
        }
    }

    pub(super) fn write_config(&mut self) {
        let path = self.paths.config_file();
        let text = match toml::to_string(&self.config) {
            Ok(t) => t,
            Err(e) => {
                self.message = Some(e.to_string());
                return;
            }
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = std::fs::write(&path, text) {
            self.message = Some(format!("{}: {e}", path.display()));
        }
    }

    // ---- delete, trash, demo --------------------------------------------------

    pub(super) fn ask_reason(&mut self, what: ReasonFor) {
        self.popup = Some(Popup::Reason { what, input: TextInput::default(), error: false });
    }

    pub(super) fn delete(&mut self, what: &ReasonFor, reason: &str) {
        if let ReasonFor::DeleteArchive(account, index, _) = what {
            self.delete_archive(account, *index, reason);
            return;
        }
        if let ReasonFor::DeletePlan(table, id, _) = what {
            self.delete_plan(*table, id, reason);
            return;
        }
        if let ReasonFor::DeleteVip(id, _) = what {
            self.delete_vip_card(id, reason);
            return;
        }
        if let ReasonFor::DeleteActivity(kind, id, _) = what {
            self.delete_activity_now(*kind, id, reason);
            return;
        }
        if let ReasonFor::EraseVip(id, _) = what {
            self.erase_vip_card(id, reason);
            return;
        }
        if let ReasonFor::EraseContact(id, _) = what {
            self.erase_contact(id, reason);
            return;
        }
        let result = match what {
            ReasonFor::DeleteArchive(..)
            | ReasonFor::DeletePlan(..)
            | ReasonFor::DeleteVip(..)
            | ReasonFor::DeleteActivity(..)
            | ReasonFor::EraseContact(..)
            | ReasonFor::EraseVip(..) => return,
            ReasonFor::DeleteAccount(id, _) => self.store.delete::<Account>(id, reason).map(|()| (id.clone(), None)),
            ReasonFor::DeleteContact(id, _) => self.store.delete::<Contact>(id, reason).map(|()| {
                let account = self.detail.as_ref().map(|d| d.account.meta.id.clone());
                (account.clone().unwrap_or_default(), account)
            }),
        };
        match result {
            Ok((account, reopen)) => {
                self.changes += 1;
                self.message = Some(T::MovedToTrash.get(self.lang).to_string());
                // The row below a deleted account takes its place.
                let at = self.list.selected;
                self.detail = None;
                self.refresh_account(&account);
                if reopen.is_none() {
                    self.list.selected = at.min(self.list.len().saturating_sub(1));
                    self.keep_selection_visible();
                }
                if let Some(id) = reopen {
                    self.open_detail(&id, Section::Contacts);
                }
            }
            Err(e) => self.fail(&e),
        }
    }

    /// `X` on a contact, confirmed with a reason: erased for good (#21).
    fn erase_contact(&mut self, id: &Id, reason: &str) {
        let account = self.detail.as_ref().map(|d| d.account.meta.id.clone()).unwrap_or_default();
        match self.store.erase(crate::store::RecordKind::Contact, std::slice::from_ref(id), reason) {
            Ok(_) => {
                self.changes += 1;
                self.detail = None;
                self.refresh_account(&account);
                self.open_detail(&account, Section::Contacts);
                self.message = Some(T::ErasedOne.get(self.lang).to_string());
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(super) fn open_trash(&mut self) {
        match self.store.trash() {
            Ok(entries) => self.popup = Some(Popup::Trash { entries, selected: 0 }),
            Err(e) => self.fail(&e),
        }
    }

    pub(super) fn trash_key(&mut self, key: KeyEvent, entries: Vec<TrashEntry>, selected: usize) -> Option<Popup> {
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => None,
            KeyCode::Up => Some(Popup::Trash { entries, selected: selected.saturating_sub(1) }),
            KeyCode::Down => {
                let s = (selected + 1).min(entries.len().saturating_sub(1));
                Some(Popup::Trash { entries, selected: s })
            }
            KeyCode::Enter | KeyCode::Char('r') => {
                let e = entries.get(selected)?;
                let id = e.id.clone();
                match self.store.restore(&id) {
                    Ok(_) => {
                        self.changes += 1;
                        self.message = Some(T::Restored.get(self.lang).to_string());
                        self.reload_list(Some(&id));
                    }
                    Err(err) => self.fail(&err),
                }
                match self.store.trash() {
                    Ok(entries) if !entries.is_empty() => {
                        let s = selected.min(entries.len() - 1);
                        Some(Popup::Trash { entries, selected: s })
                    }
                    _ => None,
                }
            }
            _ => Some(Popup::Trash { entries, selected }),
        }
    }

    pub(super) fn fill_demo(&mut self) {
        let o = crate::demo::Options { accounts: 200, seed: 1, today: self.today };
        match crate::demo::generate(&mut self.store, &self.rules, &o) {
            Ok(c) => {
                self.message = Some(T::DemoFilled.fill(self.lang, &[("accounts", &c.accounts.to_string())]));
                self.reload_list(None);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(super) fn fail(&mut self, e: &StoreError) {
        self.message = Some(format!("{}: {}", T::ErrorPrefix.get(self.lang), self.error_text(e)));
    }

    /// A store error as the user reads it: the cases a user can act on in
    /// their language (the form keeps what was typed), the rest as the store says.
    pub(super) fn error_text(&self, e: &StoreError) -> String {
        let (t, path, change) = match e {
            StoreError::ReadOnly { path } => (T::SaveReadOnly, path, ""),
            StoreError::DiskFull { path, change } => (T::SaveDiskFull, path, change.as_str()),
            StoreError::Busy { path } => (T::SaveBusy, path, ""),
            _ => return e.to_string(),
        };
        t.fill(self.lang, &[("path", path), ("change", change)])
    }
}

/// The options of a choice field over a labelled enum, after a first "none" option.
fn choices<E: Labeled>(none: T, lang: Lang) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.get(lang).to_string()))
        .chain(E::ALL.iter().map(|e| (e.key().to_string(), e.label(lang).to_string())))
        .collect()
}

fn yes_no(lang: Lang) -> Vec<(String, String)> {
    vec![("no".into(), T::No.get(lang).to_string()), ("yes".into(), T::Yes.get(lang).to_string())]
}

pub(super) fn apply_account(f: &Form, a: &mut Account, today: NaiveDate) {
    a.name = f.text(F::Name).trim().to_string();
    a.short_name = f.text(F::ShortName);
    a.phone = f.text(F::Phone);
    a.industry = f.text(F::Industry);
    a.region = f.text(F::Region);
    a.address = f.text(F::Address);
    a.owner = f.text(F::Owner);
    a.tier_override = Tier::parse(&f.text(F::TierOverride));
    a.tier_override_reason = f.text(F::TierOverrideReason);
    a.credit_limit = Money::parse(&f.text(F::CreditLimit)).ok().filter(|_| !f.text(F::CreditLimit).trim().is_empty());
    a.website = f.text(F::Website);
    a.company_size = f.text(F::CompanySize);
    a.registered_capital =
        Money::parse(&f.text(F::RegisteredCapital)).ok().filter(|_| !f.text(F::RegisteredCapital).trim().is_empty());
    a.listed = f.text(F::Listed) == "yes";
    a.payment_terms = f.text(F::PaymentTerms);
    a.customer_since = f.date(F::CustomerSince, today);
    a.notes = f.text(F::Notes);
}

pub(super) fn apply_contact(f: &Form, c: &mut Contact, today: NaiveDate) {
    c.name = f.text(F::Name).trim().to_string();
    c.company = f.text(F::Company);
    c.title = f.text(F::Title);
    c.phone = f.text(F::Phone);
    c.fax = f.text(F::Fax);
    c.email = f.text(F::Email);
    c.education = f.text(F::Education);
    c.birth_date = f.date(F::BirthDate, today);
    c.address = f.text(F::Address);
    c.spouse = f.text(F::Spouse);
    c.secretary = f.text(F::Secretary);
    c.employer = f.text(F::Employer);
    c.background = f.text(F::Background);
    c.recent = f.text(F::Recent);
    // Ranked responsibilities, most important first, separated by ; or ；
    c.responsibilities = f
        .text(F::Responsibilities)
        .split([';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| crate::model::Responsibility { text: t.to_string() })
        .collect();
    c.criteria_technical = f.text(F::CriteriaTechnical);
    c.criteria_business = f.text(F::CriteriaBusiness);
    c.consent = f.text(F::Consent) == "yes";
    c.consent_date = f.date(F::ConsentDate, today).or(if c.consent { Some(today) } else { None });
    c.social_style = SocialStyle::parse(&f.text(F::SocialStyle));
    c.buying_role = BuyingRole::parse(&f.text(F::BuyingRole));
    c.reports_to = Id::parse(&f.text(F::ReportsTo)).ok();
    c.personality = f.text(F::Personality);
    c.personal_agenda = f.text(F::PersonalAgenda);
    c.political_strategy = f.text(F::PoliticalStrategy);
}

/// Cross-field checks the form cannot make alone.
pub fn cross_check(f: &mut Form, lang: Lang) {
    if f.has(F::TierOverride) && !f.text(F::TierOverride).is_empty() && f.text(F::TierOverrideReason).trim().is_empty()
    {
        f.set_error(F::TierOverrideReason, T::OverrideNeedsReason.get(lang));
    }
}
