//! The archive section of an account's detail: entries by the six
//! categories of seed 003 (basic data, contracts, receivables arrangements,
//! complaints and concessions, competitors, internal notes). Adding one is
//! plain; editing or deleting one asks why, and the reason goes into the
//! account's change log (DESIGN §3.1, §3.10).

use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::Labeled;

use super::account_detail::DetailKey;
use super::app::{App, Editing, FormState, Popup, ReasonFor, Section};
use crate::i18n::T;
use crate::model::{Account, ArchiveCategory, ArchiveEntry};

/// The entries' positions in `account.archive`, in the order the section
/// shows them: by category (seed 003's order), then newest first.
pub fn archive_order(a: &Account) -> Vec<usize> {
    let rank = |c: ArchiveCategory| ArchiveCategory::ALL.iter().position(|x| *x == c).unwrap_or(0);
    let mut order: Vec<usize> = (0..a.archive.len()).collect();
    order.sort_by(|&x, &y| {
        let (ex, ey) = (&a.archive[x], &a.archive[y]);
        rank(ex.category).cmp(&rank(ey.category)).then(ey.date.cmp(&ex.date))
    });
    order
}

impl App {
    /// An action of the archive section on its entries
    /// ([`super::account_detail::ARCHIVE_KEYS`]).
    pub(super) fn archive_key(&mut self, action: DetailKey, key: KeyEvent) {
        let Some(d) = self.detail.as_mut() else { return };
        let order = archive_order(&d.account);
        let selected = order.get(d.archive_sel).copied();
        match action {
            DetailKey::Move => {
                d.archive_sel = match key.code {
                    KeyCode::Home => 0,
                    KeyCode::End => order.len().saturating_sub(1),
                    KeyCode::Up | KeyCode::Char('k') => d.archive_sel.saturating_sub(1),
                    _ => (d.archive_sel + 1).min(order.len().saturating_sub(1)),
                };
            }
            DetailKey::NewRow => self.open_archive_form(None),
            DetailKey::EditRow if selected.is_some() => self.open_archive_form(selected),
            DetailKey::DeleteRow => {
                if let Some(i) = selected {
                    let title = d.account.archive[i].title.clone();
                    let id = d.account.meta.id.clone();
                    self.ask_reason(ReasonFor::DeleteArchive(id, i, title));
                }
            }
            // The keys every section has are the detail's own.
            _ => {}
        }
    }

    /// The entry form: new (`None`) or an edit of entry `index`, which asks
    /// for the reason of the change.
    pub(super) fn open_archive_form(&mut self, index: Option<usize>) {
        let Some(d) = &self.detail else { return };
        // A new entry is dated today.
        let e = index
            .and_then(|i| d.account.archive.get(i))
            .cloned()
            .unwrap_or_else(|| ArchiveEntry { date: Some(self.today), ..ArchiveEntry::default() });
        let account = Box::new(d.account.clone());
        let form = super::editors::archive::form(self, &e, index.is_some());
        self.open_form(form, Editing::Archive { account, index });
    }

    /// Saves the account with the entry added or changed.
    pub(super) fn save_archive(&mut self, mut f: Box<FormState>) -> Option<Popup> {
        let Editing::Archive { account, index } = &f.editing else { return Some(Popup::Form(f)) };
        let mut a = (**account).clone();
        let index = *index;
        let entry = super::editors::archive::entry(self, &f.form);
        match index.and_then(|i| a.archive.get_mut(i)) {
            Some(slot) => *slot = entry.clone(),
            None => a.archive.push(entry.clone()),
        }
        // Only an edit asks why the entry changed.
        let why = super::editors::archive::CHANGE_REASON;
        let reason = if f.form.has(why) { f.form.text(why) } else { String::new() };
        match self.store.save(&mut a, &reason) {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(T::Saved.get(self.lang).to_string());
                let id = a.meta.id.clone();
                self.refresh_account(&id);
                self.open_detail(&id, Section::Archive);
                if let Some(d) = self.detail.as_mut() {
                    let order = archive_order(&d.account);
                    d.archive_sel = order.iter().position(|&i| d.account.archive[i] == entry).unwrap_or(0);
                }
                None
            }
            Err(e) => {
                // A failed save keeps every typed character.
                f.error = Some(self.error_text(&e));
                Some(Popup::Form(f))
            }
        }
    }

    /// Deletes entry `index` of the account, with the reason in its log.
    pub(super) fn delete_archive(&mut self, account: &crate::model::Id, index: usize, reason: &str) {
        let result = self.store.get::<Account>(account).and_then(|mut a| {
            if index < a.archive.len() {
                a.archive.remove(index);
            }
            self.store.save(&mut a, reason)
        });
        match result {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(T::Saved.get(self.lang).to_string());
                self.refresh_account(account);
                self.open_detail(account, Section::Archive);
            }
            Err(e) => self.fail(&e),
        }
    }
}
