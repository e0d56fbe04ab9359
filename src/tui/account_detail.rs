//! The Accounts tab's account detail: its sections, what it shows (read
//! once when it opens or changes), its keys, the account's and its
//! contacts' forms and the contact's political-alliance popup. The list of
//! accounts is `account_list`; the records of the other sections are
//! `records` (their editors are in `editors`).

use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::tier::{annual_volume, decide_tier, max_overdue_days, Receivable};
use kam_rules::{Behaviour, Labeled, TierDecision};

use crate::i18n::T;
use crate::model::{Account, ChangeEvent, Contact, Feedback, Id, ObservedBehaviour, Order, Visit, VisitKind};
use crate::store::{ChangeLine, StoreError};

use super::app::{App, Editing, Popup, ReasonFor};
use super::keymap::{self, k, Binding, Key, Pop};
use super::widgets::form::Form;

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

/// What a key does on an account's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailKey {
    Back,
    Tab,
    Sections,
    Move,
    EditAccount,
    Scorecard,
    DeleteAccount,
    NewContact,
    EditContact,
    Alliance,
    DeleteContact,
    EraseContact,
    /// A record of the section in front: the Orders, Visits, Events and
    /// Feedback sections' records, or the Archive's entries.
    NewRow,
    EditRow,
    DeleteRow,
    Visit,
    Order,
    Calculator,
    Call,
    Presentation,
}

const fn bind(label: &'static str, keys: &'static [Key], help: T, action: DetailKey) -> Binding<DetailKey> {
    Binding { label, keys, help, action }
}

const DETAIL_MOVE: &str = "↑↓ j k Home End";
const DETAIL_MOVE_KEYS: &[Key] = &[k::UP, k::DOWN, k::c('j'), k::c('k'), k::HOME, k::END];

/// The keys of the Company section.
pub const COMPANY_KEYS: &[Binding<DetailKey>] = &[
    bind(DETAIL_MOVE, DETAIL_MOVE_KEYS, T::KMoveDetail, DetailKey::Move),
    bind("e", &[k::c('e')], T::KEditAccount, DetailKey::EditAccount),
    bind("s", &[k::c('s')], T::KScorecard, DetailKey::Scorecard),
    bind("n", &[k::c('n')], T::KNewContact, DetailKey::NewContact),
    bind("d", &[k::c('d')], T::KDeleteAccount, DetailKey::DeleteAccount),
];

/// The keys of the Contacts section.
pub const CONTACT_KEYS: &[Binding<DetailKey>] = &[
    bind(DETAIL_MOVE, DETAIL_MOVE_KEYS, T::KMoveDetail, DetailKey::Move),
    bind("n", &[k::c('n')], T::KNewContact, DetailKey::NewContact),
    bind("Enter / e", &[k::ENTER, k::c('e')], T::KEditContact, DetailKey::EditContact),
    bind("a", &[k::c('a')], T::KAlliance, DetailKey::Alliance),
    bind("d", &[k::c('d')], T::KDelete, DetailKey::DeleteContact),
    bind("X", &[k::c('X')], T::KErase, DetailKey::EraseContact),
];

/// The keys of the Orders, Visits, Events and Feedback sections.
pub const RECORD_KEYS: &[Binding<DetailKey>] = &[
    bind(DETAIL_MOVE, DETAIL_MOVE_KEYS, T::KSectionMove, DetailKey::Move),
    bind("n", &[k::c('n')], T::KSectionNew, DetailKey::NewRow),
    bind("Enter / e", &[k::ENTER, k::c('e')], T::KSectionEdit, DetailKey::EditRow),
    bind("d", &[k::c('d')], T::KSectionDelete, DetailKey::DeleteRow),
];

/// The keys of the Archive section (its entries are the account's).
pub const ARCHIVE_KEYS: &[Binding<DetailKey>] = &[
    bind(DETAIL_MOVE, DETAIL_MOVE_KEYS, T::KSectionMove, DetailKey::Move),
    bind("n", &[k::c('n')], T::KSectionNew, DetailKey::NewRow),
    bind("Enter / e", &[k::ENTER, k::c('e')], T::KArchiveEdit, DetailKey::EditRow),
    bind("d", &[k::c('d')], T::KArchiveDelete, DetailKey::DeleteRow),
];

/// The keys of the History section.
pub const HISTORY_KEYS: &[Binding<DetailKey>] = &[bind(DETAIL_MOVE, DETAIL_MOVE_KEYS, T::KMoveDetail, DetailKey::Move)];

/// The keys of every section, after the section's own.
pub const DETAIL_KEYS: &[Binding<DetailKey>] = &[
    bind(
        "← → h l Tab Shift-Tab",
        &[k::LEFT, k::RIGHT, k::c('h'), k::c('l'), k::TAB, k::BACKTAB],
        T::KSections,
        DetailKey::Sections,
    ),
    bind("v / t", &[k::c('v'), k::c('t')], T::KVisit, DetailKey::Visit),
    bind("o", &[k::c('o')], T::KOrder, DetailKey::Order),
    bind("=", &[k::c('=')], T::KCalculator, DetailKey::Calculator),
    bind("c", &[k::c('c')], T::KStartCall, DetailKey::Call),
    bind("p", &[k::c('p')], T::KStartPresentation, DetailKey::Presentation),
    bind("1–5", &[k::TABS], T::KTabs, DetailKey::Tab),
    bind("Esc / q", &[k::ESC, k::c('q')], T::KBack, DetailKey::Back),
];

/// A section's own keys.
pub fn section_keys(section: Section) -> &'static [Binding<DetailKey>] {
    match section {
        Section::Company => COMPANY_KEYS,
        Section::Contacts => CONTACT_KEYS,
        Section::Orders | Section::Visits | Section::Events | Section::Feedback => RECORD_KEYS,
        Section::Archive => ARCHIVE_KEYS,
        Section::History => HISTORY_KEYS,
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

impl App {
    pub(super) fn detail_key(&mut self, key: KeyEvent) {
        let Some(d) = self.detail.as_mut() else { return };
        let section = d.section;
        let Some(action) = keymap::find(section_keys(section), &key).or_else(|| keymap::find(DETAIL_KEYS, &key)) else {
            return;
        };
        let on_entries =
            matches!(action, DetailKey::Move | DetailKey::NewRow | DetailKey::EditRow | DetailKey::DeleteRow);
        if section == Section::Archive && on_entries {
            self.archive_key(action, key);
            return;
        }
        let activity = super::records::Activity::of(section);
        let rows = d.rows_in(section);
        match action {
            DetailKey::Back | DetailKey::Tab => {
                let id = d.account.meta.id.clone();
                self.detail = None;
                self.reselect(&id);
                // The tab bar's numbers work from an account's page too: it
                // closes, as Esc would, and the tab opens.
                if let (DetailKey::Tab, KeyCode::Char(c)) = (action, key.code) {
                    self.switch_tab(c);
                } else if let Some(tab) = self.back_to.take() {
                    self.tab = tab;
                }
            }
            DetailKey::Sections => {
                let back = matches!(key.code, KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h'));
                d.section = d.section.step(if back { -1 } else { 1 });
                d.scroll = 0;
                d.row_sel = 0;
            }
            DetailKey::Move => match key.code {
                KeyCode::Home => {
                    d.contact_sel = 0;
                    d.row_sel = 0;
                    d.scroll = 0;
                }
                KeyCode::End => {
                    d.contact_sel = d.contacts.len().saturating_sub(1);
                    d.row_sel = rows.saturating_sub(1);
                }
                KeyCode::Up | KeyCode::Char('k') => match section {
                    Section::Contacts => d.contact_sel = d.contact_sel.saturating_sub(1),
                    _ if activity.is_some() => d.row_sel = d.row_sel.saturating_sub(1),
                    _ => d.scroll = d.scroll.saturating_sub(1),
                },
                _ => match section {
                    Section::Contacts => d.contact_sel = (d.contact_sel + 1).min(rows.saturating_sub(1)),
                    _ if activity.is_some() => d.row_sel = (d.row_sel + 1).min(rows.saturating_sub(1)),
                    _ => d.scroll = d.scroll.saturating_add(1),
                },
            },
            // A section's keys act on its own records only: never on the
            // account (each section has its own table).
            DetailKey::EditAccount => {
                let a = d.account.clone();
                self.open_account_form(a);
            }
            DetailKey::Scorecard => self.open_scorecard(),
            DetailKey::DeleteAccount => {
                let what = ReasonFor::DeleteAccount(d.account.meta.id.clone(), d.account.name.clone());
                self.ask_reason(what);
            }
            // On the company page `n` is the first thing a new account
            // needs: a contact, in the Contacts section.
            DetailKey::NewContact => {
                d.section = Section::Contacts;
                let c = Contact::of(d.account.meta.id.clone(), "");
                self.open_contact_form(c);
            }
            DetailKey::EditContact => {
                if let Some(c) = d.contacts.get(d.contact_sel).cloned() {
                    self.open_contact_form(c);
                }
            }
            DetailKey::Alliance => {
                if let Some(c) = d.contacts.get(d.contact_sel).cloned() {
                    self.popup = Some(Popup::Alliance { contact: Box::new(c), cursor: 0, confirm_drop: false });
                }
            }
            DetailKey::DeleteContact | DetailKey::EraseContact => {
                if let Some(c) = d.contacts.get(d.contact_sel) {
                    let (id, name) = (c.meta.id.clone(), c.name.clone());
                    let what = if action == DetailKey::EraseContact {
                        ReasonFor::EraseContact(id, name)
                    } else {
                        ReasonFor::DeleteContact(id, name)
                    };
                    self.ask_reason(what);
                }
            }
            DetailKey::NewRow | DetailKey::EditRow | DetailKey::DeleteRow => {
                let Some(a) = activity else { return };
                match action {
                    DetailKey::NewRow => self.new_activity(a),
                    DetailKey::EditRow => self.edit_activity(a),
                    _ => self.delete_activity(a),
                }
            }
            DetailKey::Visit if key.code == KeyCode::Char('t') => self.open_visit_form(VisitKind::Phone),
            DetailKey::Visit => self.open_visit_form(VisitKind::Visit),
            DetailKey::Order => self.open_order_form(false),
            DetailKey::Calculator => self.open_order_form(true),
            DetailKey::Call => self.start_plan(crate::store::PlanTable::Calls),
            DetailKey::Presentation => self.start_plan(crate::store::PlanTable::Presentations),
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
        super::editors::account::form(self, a)
    }

    pub(super) fn open_contact_form(&mut self, c: Contact) {
        let form = self.contact_form(&c);
        self.open_form(form, Editing::Contact(Box::new(c)));
    }

    pub(super) fn contact_form(&self, c: &Contact) -> Form {
        super::editors::contact::form(self, c)
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
        match keymap::find(keymap::ALLIANCE_KEYS, &key) {
            Some(Pop::Close) if confirm || !changed => return None,
            Some(Pop::Close) => return Some(Popup::Alliance { contact: c, cursor, confirm_drop: true }),
            Some(Pop::Save) => {
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
            Some(Pop::Move) if key.code == KeyCode::Up => cursor = (cursor + n - 1) % n,
            Some(Pop::Move) => cursor = (cursor + 1) % n,
            Some(Pop::Tick) => {
                if let Some(b) = Behaviour::ALL.get(cursor).copied() {
                    if let Some(i) = c.behaviours.iter().position(|o| o.behaviour == b) {
                        c.behaviours.remove(i);
                    } else {
                        c.behaviours.push(ObservedBehaviour { behaviour: b, observed_on: self.today });
                    }
                }
            }
            Some(Pop::Adjust) => {
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
}
