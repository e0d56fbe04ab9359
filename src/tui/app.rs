//! The workbench's state and the one place that changes it.
//!
//! Events become changes through [`App::update`]; drawing (in `screens`)
//! only reads the state. Database work here is one indexed query or one
//! short transaction per key, well within a frame.

use chrono::NaiveDate;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use kam_rules::{Labeled, Lang, Rules, SocialStyle, Tier};
use tui_input::backend::crossterm::to_input_request;
use tui_input::Input;

use crate::i18n::T;
use crate::model::{Account, ChangeEvent, Contact, Feedback, Id, Order, Visit};
use crate::store::{
    overlay_cells, record_cells, AccountCursor, AccountListQuery, AccountRow, ChangeLine, Store, StoreError,
};
use crate::tui::widgets::form::{Form, Kind, Outcome};

/// The five tabs, in key order 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Accounts,
    CallPlans,
    Presentations,
    Vip,
    Today,
}

impl Tab {
    pub const ALL: [Self; 5] = [Self::Accounts, Self::CallPlans, Self::Presentations, Self::Vip, Self::Today];

    pub fn title(self) -> T {
        match self {
            Self::Accounts => T::TabAccounts,
            Self::CallPlans => T::TabCallPlans,
            Self::Presentations => T::TabPresentations,
            Self::Vip => T::TabVip,
            Self::Today => T::TabToday,
        }
    }
}

/// Rows fetched per page of the account list.
const PAGE: u32 = 200;

/// The account list: the rows loaded so far (keyset pages), the selection
/// and the filter as typed.
pub struct AccountList {
    pub rows: Vec<AccountRow>,
    pub next: Option<AccountCursor>,
    pub selected: usize,
    pub offset: usize,
    pub filter: Input,
    pub filtering: bool,
    /// Per loaded row, the characters of the name the filter matched (fuzzy).
    pub highlights: Vec<Vec<u32>>,
}

/// The sections of an account's detail, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Company,
    Contacts,
    Orders,
    Visits,
    Events,
    Archive,
    History,
}

impl Section {
    pub const ALL: [Self; 7] =
        [Self::Company, Self::Contacts, Self::Orders, Self::Visits, Self::Events, Self::Archive, Self::History];

    pub fn title(self) -> T {
        match self {
            Self::Company => T::SectionCompany,
            Self::Contacts => T::SectionContacts,
            Self::Orders => T::SectionOrders,
            Self::Visits => T::SectionVisits,
            Self::Events => T::SectionEvents,
            Self::Archive => T::SectionArchive,
            Self::History => T::SectionHistory,
        }
    }
}

/// An open account with everything its detail shows, read once on opening.
pub struct Detail {
    pub account: Account,
    pub row: Option<AccountRow>,
    pub contacts: Vec<Contact>,
    pub orders: Vec<Order>,
    pub visits: Vec<Visit>,
    pub events: Vec<ChangeEvent>,
    pub feedback: Vec<Feedback>,
    pub history: Vec<ChangeLine>,
    pub section: Section,
    pub selected: usize,
    pub scroll: u16,
}

/// What a form saves into.
pub enum Target {
    Account(Box<Account>),
    Contact(Box<Contact>),
}

/// A form being filled, with what it will save.
pub struct FormState {
    pub form: Form,
    pub target: Target,
    /// The duplicate warning was shown; the next save goes ahead.
    pub duplicate_seen: bool,
}

/// What to delete once a reason is given.
pub enum Doomed {
    Account(Id),
    Contact(Id),
}

/// A popup over the screen; only one at a time.
pub enum Popup {
    Help,
    FirstRun,
    Form(Box<FormState>),
    Reason { input: Input, doomed: Doomed, name: String, error: bool },
}

/// The whole state of the workbench.
pub struct App {
    pub store: Store,
    pub rules: Rules,
    pub lang: Lang,
    pub today: NaiveDate,
    pub tab: Tab,
    pub list: AccountList,
    pub detail: Option<Detail>,
    pub popup: Option<Popup>,
    /// A message on the status line until the next key.
    pub message: Option<String>,
    pub quit: bool,
    /// Rows the list shows at once; set by drawing through [`App::set_page_height`].
    pub page_height: usize,
}

impl App {
    /// The workbench over an open store; offers demo data on an empty file.
    pub fn new(store: Store, rules: Rules, lang: Lang, today: NaiveDate) -> Self {
        let empty = store.is_empty().unwrap_or(false);
        let mut app = Self {
            store,
            rules,
            lang,
            today,
            tab: Tab::Accounts,
            list: AccountList {
                rows: Vec::new(),
                next: None,
                selected: 0,
                offset: 0,
                filter: Input::default(),
                filtering: false,
                highlights: Vec::new(),
            },
            detail: None,
            popup: empty.then_some(Popup::FirstRun),
            message: None,
            quit: false,
            page_height: 20,
        };
        app.reload();
        app
    }

    pub fn set_page_height(&mut self, h: usize) {
        self.page_height = h.max(1);
    }

    fn fail(&mut self, e: &StoreError) {
        self.message = Some(e.to_string());
    }

    /// Reads the first page of the list for the filter, keeping the
    /// selection on the same account when it is still listed.
    pub fn reload(&mut self) {
        let keep = self.list.rows.get(self.list.selected).map(|r| r.id.clone());
        let q = AccountListQuery {
            filter: self.list.filter.value().to_string(),
            after: None,
            limit: PAGE,
            today: self.today,
        };
        match self.store.account_page(&self.rules, &q) {
            Ok(page) => {
                self.list.rows = page.rows;
                self.list.next = page.next;
                self.list.highlights = highlights(self.list.filter.value(), &self.list.rows);
                self.list.selected = keep.and_then(|id| self.list.rows.iter().position(|r| r.id == id)).unwrap_or(0);
                self.list.offset = self.list.offset.min(self.list.selected);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Loads the next page when the selection nears the end of what is loaded.
    fn load_more_if_needed(&mut self, all: bool) {
        while self.list.next.is_some() && (all || self.list.selected + self.page_height >= self.list.rows.len()) {
            let q = AccountListQuery {
                filter: self.list.filter.value().to_string(),
                after: self.list.next.clone(),
                limit: if all { PAGE * 10 } else { PAGE },
                today: self.today,
            };
            match self.store.account_page(&self.rules, &q) {
                Ok(page) => {
                    let more = highlights(self.list.filter.value(), &page.rows);
                    self.list.highlights.extend(more);
                    self.list.rows.extend(page.rows);
                    self.list.next = page.next;
                }
                Err(e) => {
                    self.fail(&e);
                    return;
                }
            }
            if !all {
                break;
            }
        }
    }

    /// Applies one terminal event.
    pub fn update(&mut self, event: &Event) {
        if let Event::Key(k) = event {
            if k.kind != KeyEventKind::Press && k.kind != KeyEventKind::Repeat {
                return;
            }
            if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
                self.quit = true;
                return;
            }
        }
        if self.popup.is_some() {
            self.update_popup(event);
            return;
        }
        let Event::Key(key) = event else {
            if let Event::Paste(text) = event {
                if self.list.filtering {
                    for c in text.chars().filter(|c| !c.is_control()) {
                        self.list.filter.handle(tui_input::InputRequest::InsertChar(c));
                    }
                    self.reload();
                }
            }
            return;
        };
        self.message = None;
        if self.list.filtering && self.tab == Tab::Accounts && self.detail.is_none() {
            self.update_filter(key, event);
            return;
        }
        match key.code {
            KeyCode::Char('?') => self.popup = Some(Popup::Help),
            KeyCode::Char(c @ '1'..='5') if self.detail.is_none() => {
                self.tab = Tab::ALL[c as usize - '1' as usize];
            }
            KeyCode::Char('q') if self.detail.is_none() => self.quit = true,
            _ if self.tab != Tab::Accounts => {}
            _ if self.detail.is_some() => self.update_detail(key),
            _ => self.update_list(key),
        }
    }

    fn update_filter(&mut self, key: &KeyEvent, event: &Event) {
        match key.code {
            KeyCode::Esc => {
                self.list.filter.reset();
                self.list.filtering = false;
                self.reload();
            }
            KeyCode::Enter => {
                self.list.filtering = false;
                self.open_selected();
            }
            KeyCode::Down | KeyCode::Up | KeyCode::PageDown | KeyCode::PageUp => self.update_list(key),
            _ => {
                if let Some(req) = to_input_request(event) {
                    if self.list.filter.handle(req).is_some() {
                        self.list.selected = 0;
                        self.list.offset = 0;
                        self.reload();
                    }
                }
            }
        }
    }

    fn update_list(&mut self, key: &KeyEvent) {
        let n = self.list.rows.len();
        let page = self.page_height;
        let sel = &mut self.list.selected;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => *sel = (*sel + 1).min(n.saturating_sub(1)),
            KeyCode::Up | KeyCode::Char('k') => *sel = sel.saturating_sub(1),
            KeyCode::PageDown => *sel = (*sel + page).min(n.saturating_sub(1)),
            KeyCode::PageUp => *sel = sel.saturating_sub(page),
            KeyCode::Home => *sel = 0,
            KeyCode::End => {
                self.load_more_if_needed(true);
                self.list.selected = self.list.rows.len().saturating_sub(1);
            }
            KeyCode::Char('/') => self.list.filtering = true,
            KeyCode::Esc if !self.list.filter.value().is_empty() => {
                self.list.filter.reset();
                self.reload();
            }
            KeyCode::Enter => self.open_selected(),
            KeyCode::Char('n') => self.new_account(),
            KeyCode::Char('e') => {
                if let Some(id) = self.list.rows.get(self.list.selected).map(|r| r.id.clone()) {
                    match self.store.get::<Account>(&id) {
                        Ok(a) => self.edit_account(a),
                        Err(e) => self.fail(&e),
                    }
                }
            }
            KeyCode::Char('d') => {
                if let Some(r) = self.list.rows.get(self.list.selected) {
                    self.ask_delete(Doomed::Account(r.id.clone()), r.name.clone());
                }
            }
            _ => {}
        }
        self.load_more_if_needed(false);
        self.keep_selection_visible();
    }

    fn keep_selection_visible(&mut self) {
        let h = self.page_height;
        let l = &mut self.list;
        if l.selected < l.offset {
            l.offset = l.selected;
        } else if l.selected >= l.offset + h {
            l.offset = l.selected + 1 - h;
        }
    }

    fn open_selected(&mut self) {
        if let Some(id) = self.list.rows.get(self.list.selected).map(|r| r.id.clone()) {
            self.open(&id);
        }
    }

    /// Opens an account's detail, reading its records once.
    pub fn open(&mut self, id: &Id) {
        let read = || -> Result<Detail, StoreError> {
            Ok(Detail {
                account: self.store.get(id)?,
                row: self.list.rows.iter().find(|r| &r.id == id).cloned(),
                contacts: self.store.list_for_account(id)?,
                orders: self.store.list_for_account(id)?,
                visits: self.store.list_for_account(id)?,
                events: self.store.list_for_account(id)?,
                feedback: self.store.list_for_account(id)?,
                history: self.store.history(id)?,
                section: Section::Company,
                selected: 0,
                scroll: 0,
            })
        };
        match read() {
            Ok(mut d) => {
                if let Some(old) = &self.detail {
                    if old.account.meta.id == *id {
                        d.section = old.section;
                        d.selected = old.selected.min(d.contacts.len().saturating_sub(1));
                    }
                }
                self.detail = Some(d);
            }
            Err(e) => self.fail(&e),
        }
    }

    fn update_detail(&mut self, key: &KeyEvent) {
        let Some(d) = self.detail.as_mut() else { return };
        let i = Section::ALL.iter().position(|s| *s == d.section).unwrap_or(0);
        match key.code {
            KeyCode::Esc | KeyCode::Backspace => {
                self.detail = None;
                self.reload();
            }
            KeyCode::Tab | KeyCode::Right => {
                d.section = Section::ALL[(i + 1) % Section::ALL.len()];
                d.scroll = 0;
            }
            KeyCode::BackTab | KeyCode::Left => {
                d.section = Section::ALL[(i + Section::ALL.len() - 1) % Section::ALL.len()];
                d.scroll = 0;
            }
            KeyCode::Down | KeyCode::Char('j') => {
                if d.section == Section::Contacts {
                    d.selected = (d.selected + 1).min(d.contacts.len().saturating_sub(1));
                } else {
                    d.scroll = d.scroll.saturating_add(1);
                }
            }
            KeyCode::Up | KeyCode::Char('k') => {
                if d.section == Section::Contacts {
                    d.selected = d.selected.saturating_sub(1);
                } else {
                    d.scroll = d.scroll.saturating_sub(1);
                }
            }
            KeyCode::PageDown => d.scroll = d.scroll.saturating_add(10),
            KeyCode::PageUp => d.scroll = d.scroll.saturating_sub(10),
            KeyCode::Char('n') if d.section == Section::Contacts => {
                let c = Contact::of(d.account.meta.id.clone(), "");
                self.edit_contact(c);
            }
            KeyCode::Enter | KeyCode::Char('e') if d.section == Section::Contacts => {
                if let Some(c) = d.contacts.get(d.selected).cloned() {
                    self.edit_contact(c);
                }
            }
            KeyCode::Char('e') => {
                let a = d.account.clone();
                self.edit_account(a);
            }
            KeyCode::Char('d') if d.section == Section::Contacts => {
                if let Some(c) = d.contacts.get(d.selected) {
                    let (id, name) = (c.meta.id.clone(), c.name.clone());
                    self.ask_delete(Doomed::Contact(id), name);
                }
            }
            KeyCode::Char('d') => {
                let (id, name) = (d.account.meta.id.clone(), d.account.name.clone());
                self.ask_delete(Doomed::Account(id), name);
            }
            _ => {}
        }
    }

    fn ask_delete(&mut self, doomed: Doomed, name: String) {
        self.popup = Some(Popup::Reason { input: Input::default(), doomed, name, error: false });
    }

    fn new_account(&mut self) {
        self.edit_account(Account::named(""));
    }

    fn edit_account(&mut self, a: Account) {
        let v = record_cells(&a);
        let get = |c: &str| v.iter().find(|(k, _)| *k == c).map_or("", |(_, t)| t.as_str());
        let title = if a.meta.is_new() { T::NewAccount } else { T::EditAccount }.get(self.lang).to_string();
        let mut tiers = vec![(String::new(), "—".to_string())];
        tiers.extend(Tier::ALL.iter().map(|t| (t.key().to_string(), t.label(self.lang).to_string())));
        let form = Form::new(title, self.today)
            .field("name", Kind::Text, get("name"))
            .required()
            .field("short_name", Kind::Text, get("short_name"))
            .field("industry", Kind::Text, get("industry"))
            .field("region", Kind::Text, get("region"))
            .field("address", Kind::Text, get("address"))
            .field("phone", Kind::Text, get("phone"))
            .field("website", Kind::Text, get("website"))
            .field("company_size", Kind::Text, get("company_size"))
            .field("registered_capital", Kind::Amount, get("registered_capital"))
            .field("listed", Kind::Flag, get("listed"))
            .field("owner", Kind::Text, get("owner"))
            .field("tier_override", Kind::Choice(tiers), get("tier_override"))
            .field("tier_override_reason", Kind::Text, get("tier_override_reason"))
            .field("credit_limit", Kind::Amount, get("credit_limit"))
            .field("payment_terms", Kind::Text, get("payment_terms"))
            .field("notes", Kind::Text, get("notes"));
        self.popup = Some(Popup::Form(Box::new(FormState {
            form,
            target: Target::Account(Box::new(a)),
            duplicate_seen: false,
        })));
    }

    fn edit_contact(&mut self, c: Contact) {
        let v = record_cells(&c);
        let get = |col: &str| v.iter().find(|(k, _)| *k == col).map_or("", |(_, t)| t.as_str());
        let lang = self.lang;
        let title = if c.meta.is_new() { T::NewContact } else { T::EditContact }.get(lang).to_string();
        let none = || (String::new(), "—".to_string());
        let mut styles = vec![none()];
        styles.extend(
            SocialStyle::ALL.iter().map(|s| (s.key().to_string(), format!("{} — {}", s.label(lang), s.advice(lang)))),
        );
        let mut roles = vec![none()];
        roles.extend(
            kam_rules::BuyingRole::ALL
                .iter()
                .map(|r| (r.key().to_string(), format!("{} — {}", r.label(lang), r.note(lang)))),
        );
        let mut bosses = vec![none()];
        if let Some(d) = &self.detail {
            bosses.extend(
                d.contacts
                    .iter()
                    .filter(|o| o.meta.id != c.meta.id)
                    .map(|o| (o.meta.id.to_string(), format!("{} {}", o.name, o.title))),
            );
        }
        let form = Form::new(title, self.today)
            .field("name", Kind::Text, get("name"))
            .required()
            .field("company", Kind::Text, get("company"))
            .field("title", Kind::Text, get("title"))
            .field("phone", Kind::Text, get("phone"))
            .field("fax", Kind::Text, get("fax"))
            .field("email", Kind::Text, get("email"))
            .field("education", Kind::Text, get("education"))
            .field("birth_date", Kind::Date, get("birth_date"))
            .field("address", Kind::Text, get("address"))
            .field("spouse", Kind::Text, get("spouse"))
            .field("secretary", Kind::Text, get("secretary"))
            .field("employer", Kind::Text, get("employer"))
            .field("reports_to", Kind::Choice(bosses), get("reports_to"))
            .field("background", Kind::Text, get("background"))
            .field("personality", Kind::Text, get("personality"))
            .field("social_style", Kind::Choice(styles), get("social_style"))
            .field("recent", Kind::Text, get("recent"))
            .field("criteria_technical", Kind::Text, get("criteria_technical"))
            .field("criteria_business", Kind::Text, get("criteria_business"))
            .field("buying_role", Kind::Choice(roles), get("buying_role"))
            .field("personal_agenda", Kind::Text, get("personal_agenda"))
            .field("political_strategy", Kind::Text, get("political_strategy"))
            .field("consent", Kind::Flag, get("consent"))
            .field("consent_date", Kind::Date, get("consent_date"));
        self.popup = Some(Popup::Form(Box::new(FormState {
            form,
            target: Target::Contact(Box::new(c)),
            duplicate_seen: false,
        })));
    }

    fn update_popup(&mut self, event: &Event) {
        let Some(popup) = self.popup.take() else { return };
        self.popup = match popup {
            Popup::Help => match event {
                Event::Key(_) => None,
                _ => Some(Popup::Help),
            },
            Popup::FirstRun => match event {
                Event::Key(k) if k.code == KeyCode::Char('d') => {
                    self.fill_demo();
                    None
                }
                Event::Key(k) if matches!(k.code, KeyCode::Char('b') | KeyCode::Esc) => None,
                _ => Some(Popup::FirstRun),
            },
            Popup::Reason { mut input, doomed, name, error } => match event {
                Event::Key(k) if k.code == KeyCode::Esc => None,
                Event::Key(k) if k.code == KeyCode::Enter => {
                    if input.value().trim().is_empty() {
                        Some(Popup::Reason { input, doomed, name, error: true })
                    } else {
                        self.delete(&doomed, input.value().trim(), &name);
                        None
                    }
                }
                _ => {
                    if let Some(req) = to_input_request(event) {
                        input.handle(req);
                    } else if let Event::Paste(t) = event {
                        for c in t.chars().filter(|c| !c.is_control()) {
                            input.handle(tui_input::InputRequest::InsertChar(c));
                        }
                    }
                    Some(Popup::Reason { input, doomed, name, error })
                }
            },
            Popup::Form(mut state) => match state.form.handle(event, self.lang) {
                Outcome::Cancel => None,
                Outcome::Nothing => Some(Popup::Form(state)),
                Outcome::Save => self.save(state),
            },
        };
    }

    fn fill_demo(&mut self) {
        let opts = crate::commands::demo::Options { accounts: 300, seed: 1, today: self.today };
        if let Err(e) = crate::commands::demo::generate(&mut self.store, &self.rules, &opts) {
            self.fail(&e);
        }
        self.reload();
    }

    fn delete(&mut self, doomed: &Doomed, reason: &str, name: &str) {
        let done = match doomed {
            Doomed::Account(id) => self.store.delete::<Account>(id, reason),
            Doomed::Contact(id) => self.store.delete::<Contact>(id, reason),
        };
        match done {
            Ok(()) => {
                self.message = Some(T::Deleted.fill(self.lang, &[("name", name)]));
                if matches!(doomed, Doomed::Account(_)) {
                    self.detail = None;
                }
                self.refresh_open();
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Re-reads the open account (after a save) and the list.
    fn refresh_open(&mut self) {
        self.reload();
        if let Some(id) = self.detail.as_ref().map(|d| d.account.meta.id.clone()) {
            self.open(&id);
        }
    }

    /// Saves a form; on any failure the form comes back with the error
    /// beside its field and every typed character in place.
    fn save(&mut self, mut state: Box<FormState>) -> Option<Popup> {
        let lang = self.lang;
        state.form.message = None;
        if !state.form.check_all(lang) {
            return Some(Popup::Form(state));
        }
        let cells = state.form.cells();
        let refs: Vec<(&str, &str)> = cells.iter().map(|(c, t)| (*c, t.as_str())).collect();
        let result = match &state.target {
            Target::Account(base) => match overlay_cells(base.as_ref(), &refs) {
                Err(errors) => Err(errors),
                Ok(mut a) => {
                    if a.meta.is_new() && !state.duplicate_seen {
                        match self.store.similar_accounts(&a.name, &a.phone) {
                            Ok(similar) if !similar.is_empty() => {
                                let names: Vec<String> = similar.into_iter().map(|(_, n)| n).collect();
                                state.form.message =
                                    Some(T::DuplicateWarning.fill(lang, &[("names", &names.join("、"))]));
                                state.duplicate_seen = true;
                                return Some(Popup::Form(state));
                            }
                            Ok(_) => {}
                            Err(e) => {
                                state.form.message = Some(e.to_string());
                                return Some(Popup::Form(state));
                            }
                        }
                    }
                    let id = a.meta.id.clone();
                    Ok(self.store.save(&mut a, "").map(|()| Some(id)))
                }
            },
            Target::Contact(base) => match overlay_cells(base.as_ref(), &refs) {
                Err(errors) => Err(errors),
                Ok(mut c) => Ok(self.store.save(&mut c, "").map(|()| None)),
            },
        };
        match result {
            Err(errors) => {
                state.form.set_errors(errors.into_iter().map(|e| (e.column, e.message)).collect());
                Some(Popup::Form(state))
            }
            Ok(Err(StoreError::Conflict(c))) => {
                let theirs = c.current_version();
                state.form.message = Some(T::ConflictMessage.fill(lang, &[("theirs", &theirs.to_string())]));
                match &mut state.target {
                    Target::Account(a) => a.meta.version = theirs,
                    Target::Contact(x) => x.meta.version = theirs,
                }
                Some(Popup::Form(state))
            }
            Ok(Err(StoreError::Invalid { error, .. })) => {
                state.form.set_errors(vec![(error.field, error.message)]);
                Some(Popup::Form(state))
            }
            Ok(Err(e)) => {
                state.form.message = Some(e.to_string());
                Some(Popup::Form(state))
            }
            Ok(Ok(opened)) => {
                self.message = Some(T::Saved.get(lang).to_string());
                self.reload();
                match opened {
                    Some(id) if self.detail.is_none() => {
                        if let Some(i) = self.list.rows.iter().position(|r| r.id == id) {
                            self.list.selected = i;
                            self.keep_selection_visible();
                        }
                    }
                    _ => self.refresh_open(),
                }
                None
            }
        }
    }
}

/// The characters of each name the filter matches, by nucleo's fuzzy
/// matcher (a pinyin or phone match highlights nothing in the name).
fn highlights(filter: &str, rows: &[AccountRow]) -> Vec<Vec<u32>> {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher, Utf32Str};
    let filter = filter.trim();
    if filter.is_empty() {
        return vec![Vec::new(); rows.len()];
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(filter, CaseMatching::Ignore, Normalization::Smart);
    let mut buf = Vec::new();
    rows.iter()
        .map(|r| {
            let mut hits = Vec::new();
            pattern.indices(Utf32Str::new(&r.name, &mut buf), &mut matcher, &mut hits);
            hits.sort_unstable();
            hits.dedup();
            hits
        })
        .collect()
}
