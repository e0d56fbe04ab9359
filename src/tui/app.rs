//! The workbench's state, its one vocabulary of actions and `update`, the
//! only place that changes state (and the only caller of the store).
//! Drawing lives in `screens/` and only reads this state.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use kam_rules::{Lang, Rules, Tier};
use ratatui::layout::Size;

use crate::config::{Config, Role};
use crate::i18n::T;
use crate::model::{Account, ChangeEvent, Contact, Feedback, Id, Order, Visit};
use crate::paths::Paths;
use crate::store::{Store, StoreError, TrashEntry};

use super::keymap::{self, Pop};
use super::widgets::input::{TextInput, FILTER_MAX};

pub use super::account_detail::{Detail, Section};
pub use super::forms::{cross_check, ConflictView, FormState};

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

/// What a form edits: one variant per editor of a popup form. A form
/// open when kam stops is kept as its `Editing` with the typed text (see
/// `draft.rs`); the variants that are not worth keeping say so in
/// [`Editing::kept`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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

impl Editing {
    /// A form of this kind is kept as a draft when kam stops: records and
    /// cards are; the calculator, the settings, a handover, a status
    /// change and targets are quick to type again.
    pub fn kept(&self) -> bool {
        !matches!(self, Self::Quote(_) | Self::Settings | Self::VipHandover(_) | Self::VipStatus(_) | Self::Targets(_))
    }
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
    /// The keys of the screen (`?`), scrolled by this many lines when
    /// they do not fit.
    Help {
        scroll: u16,
    },
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
    /// The requests for approval waiting at the hub (#23).
    Requests(Box<super::approvals::RequestsView>),
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
    /// The terminal's size, for what depends on the layout (the summary's
    /// scrolling, the size a photo is scaled to).
    pub screen: Size,
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
    /// The head office's hub (#23): the sync key's state and the status
    /// line's indicator; without a hub, nothing.
    pub sync: super::sync::HubSync,
}

/// The one vocabulary of what can happen to the workbench.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    /// The terminal is now this many cells wide and high.
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed with no event: applies what the worker has read.
    Tick,
    Quit,
}

impl App {
    /// A workbench over `store`. `first_run` opens the settings popup.
    pub fn new(store: Store, paths: Paths, config: Config, rules: Rules, lang: Lang) -> Self {
        let today = store.clock().today();
        let hub = crate::exchange::hub_sync::configured_url(&config);
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
            sync: super::sync::HubSync::new(hub),
            detail: None,
            back_to: None,
            plans: super::plans::PlansTab::default(),
            vip: super::vip::VipTab::default(),
            day: super::today::TodayTab::default(),
            popup: None,
            changes: 0,
            message: None,
            page_rows: 20,
            screen: Size::new(80, 24),
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
        let changes = self.changes;
        match action {
            Action::Quit => self.quit = true,
            Action::Tick => self.check_live(),
            Action::Resize { width, height } => {
                self.screen = Size::new(width, height);
                self.page_rows = super::screens::accounts::list_rows(height.saturating_sub(2)).max(1);
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
        self.request_photo();
        // A save changes what waits for the hub: counted again (not on
        // every keystroke).
        if self.changes != changes {
            self.request_sync_status();
        }
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
        let ctrl_c = keymap::find(keymap::QUIT, &key).is_some();
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
        // The sync with the hub works everywhere, over a form too (which it
        // leaves as it is): a control key no field takes as text.
        let hub = keymap::find(keymap::HUB, &key);
        if hub == Some(keymap::HubKey::Sync) {
            self.start_sync();
            return;
        }
        if self.popup.is_some() {
            self.popup_key(key);
            return;
        }
        if hub == Some(keymap::HubKey::Requests) {
            self.open_requests();
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
        match keymap::find(keymap::GLOBAL, &key) {
            Some(keymap::Global::Help) => {
                self.popup = Some(Popup::Help { scroll: 0 });
                return;
            }
            Some(keymap::Global::Settings) => {
                self.open_settings();
                return;
            }
            None => {}
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
    /// The tab numbers and `q` on a tab's main view ([`keymap::NAV`]).
    pub(super) fn shared_key(&mut self, key: KeyEvent) -> bool {
        match keymap::find(keymap::NAV, &key) {
            Some(keymap::Nav::Quit) => self.quit = true,
            Some(keymap::Nav::Tab) => {
                if let KeyCode::Char(c) = key.code {
                    self.switch_tab(c);
                }
            }
            None => return false,
        }
        true
    }

    pub(super) fn switch_tab(&mut self, c: char) {
        let i = (c as usize).saturating_sub('1' as usize);
        if let Some(t) = Tab::ALL.get(i) {
            if self.tab != *t {
                // A message spoke of the screen left behind.
                self.message = None;
            }
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

    pub fn user_name(&self) -> String {
        self.config.user.clone().unwrap_or_else(|| self.store.user().to_string())
    }

    pub(super) fn popup_key(&mut self, key: KeyEvent) {
        let Some(popup) = self.popup.take() else { return };
        self.popup = match popup {
            Popup::Help { scroll } => match keymap::find(keymap::HELP_KEYS, &key) {
                // The keys scroll a help taller than the screen; any other
                // key closes it.
                Some(keymap::HelpKey::Scroll) => {
                    let screen = ratatui::layout::Rect::new(0, 0, self.screen.width, self.screen.height);
                    let last = super::screens::popups::help_scroll_max(self, screen);
                    let page = self.page_rows.max(1) as u16;
                    let scroll = match key.code {
                        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                        KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                        KeyCode::PageUp => scroll.saturating_sub(page),
                        KeyCode::PageDown => scroll.saturating_add(page),
                        KeyCode::Home => 0,
                        _ => last,
                    };
                    Some(Popup::Help { scroll: scroll.min(last) })
                }
                None => None,
            },
            Popup::Draft(d) => match keymap::find(keymap::DRAFT_KEYS, &key) {
                Some(Pop::Choose) => {
                    self.restore_draft(*d);
                    self.popup.take()
                }
                Some(Pop::Discard) => {
                    self.discard_draft();
                    None
                }
                Some(Pop::Close) => None,
                _ => Some(Popup::Draft(d)),
            },
            Popup::Welcome => match keymap::find(keymap::WELCOME_KEYS, &key) {
                Some(Pop::Demo) => {
                    self.fill_demo();
                    None
                }
                Some(Pop::Blank) => {
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
            Popup::Reason { what, mut input, error } => match keymap::find(keymap::REASON_KEYS, &key) {
                Some(Pop::Close) => None,
                Some(Pop::Choose) => {
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
            Popup::Requests(v) => self.requests_key(key, v),
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
        match keymap::find(keymap::TRASH_KEYS, &key) {
            Some(Pop::Close) => None,
            Some(Pop::Move) if key.code == KeyCode::Up => {
                Some(Popup::Trash { entries, selected: selected.saturating_sub(1) })
            }
            Some(Pop::Move) => {
                let s = (selected + 1).min(entries.len().saturating_sub(1));
                Some(Popup::Trash { entries, selected: s })
            }
            Some(Pop::Choose) => {
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
