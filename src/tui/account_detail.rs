//! The Accounts tab's account detail: its sections, what it shows (read
//! once when it opens or changes), its keys, the account's and its
//! contacts' forms and the contact's political-alliance popup. The list of
//! accounts is `account_list`; the records of the other sections are
//! `records` (their editors are in `editors`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kam_rules::tier::{annual_volume, decide_tier, max_overdue_days, Receivable};
use kam_rules::{Behaviour, Labeled, TierDecision};

use crate::i18n::T;
use crate::model::{Account, ChangeEvent, Contact, Feedback, Id, ObservedBehaviour, Order, Visit, VisitKind};
use crate::store::{ChangeLine, StoreError};

use super::app::{App, Editing, Popup, ReasonFor};
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
}
