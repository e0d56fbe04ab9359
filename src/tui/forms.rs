//! The form popup: the open form's state, its keys, the live note beside
//! it (the discount quote), saving it through its record's editor (with the
//! duplicate guard and the stale-version conflict), and the settings form.

use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::discount::discount;
use kam_rules::{Labeled, Lang, Tier};

use crate::i18n::T;
use crate::model::{Account, Contact, Id};
use crate::store::StoreError;

use super::account_detail::Section;
use super::app::{App, Editing, Popup};
use super::editors::quote::Quote;
use super::keymap::{self, FormKey};
use super::widgets::form::Form;
use super::widgets::keys::F;

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

impl App {
    pub(super) fn open_settings(&mut self) {
        let form = super::editors::settings::form(self, &self.config);
        self.open_form(form, Editing::Settings);
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

    pub(super) fn form_key(&mut self, key: KeyEvent, mut f: Box<FormState>) -> Option<Popup> {
        if f.confirm_drop {
            if key.code == KeyCode::Esc {
                return self.close_form(&f);
            }
            f.confirm_drop = false;
            return Some(Popup::Form(f));
        }
        let edited = match keymap::find(keymap::FORM_KEYS, &key) {
            Some(FormKey::Close) => {
                if f.form.changed() {
                    f.confirm_drop = true;
                    return Some(Popup::Form(f));
                }
                return self.close_form(&f);
            }
            Some(FormKey::Save) => {
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
            Some(FormKey::TakeStored) => {
                // Take the stored one: the form reopens on it.
                if let Some(c) = f.conflict.take() {
                    self.reopen_stored(c.stored);
                    return self.popup.take();
                }
                false
            }
            Some(FormKey::OpenMatch) => {
                if f.open_match.is_some() {
                    return self.open_matched_card(f);
                }
                false
            }
            Some(FormKey::Rows) => {
                if key.code == KeyCode::Char('d') || key.code == KeyCode::Char('D') {
                    self.form_remove_row(&mut f);
                } else {
                    self.form_insert_row(&mut f);
                }
                false
            }
            Some(FormKey::Fields) => {
                f.form.focus_step(if key.code == KeyCode::BackTab { -1 } else { 1 });
                false
            }
            Some(FormKey::Arrows) if !f.form.focus_is_lines() => {
                f.form.focus_step(if key.code == KeyCode::Up { -1 } else { 1 });
                false
            }
            Some(FormKey::Arrows | FormKey::Field | FormKey::Print) | None => f.form.edit_key(key),
        };
        if edited {
            f.duplicates = None;
            f.open_match = None;
            f.error = None;
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
        // The calculator and the order form read the three the same way.
        let mut typed = Quote::default();
        super::editors::quote::apply(self, &f.form, &mut typed);
        let Some(amount) = typed.amount else { return };
        let q = discount(&self.rules, tier, amount, typed.payment, typed.promotion);
        f.note.push(T::QuoteLine.fill(
            lang,
            &[
                ("tier", tier.label(lang)),
                ("rate", &format!("{:.2}", q.rate.as_f64())),
                ("zhe", &crate::i18n::rate_in_words(q.rate, lang)),
                ("net", &q.net.grouped()),
            ],
        ));
        f.note.push(q.reason_text(lang));
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
        // The status line says what this save did, not an earlier one.
        self.message = None;
        self.recheck_form(&mut f);
        if let Some((i, line)) = f.form.error_line(lang) {
            f.form.focus = i;
            f.error = Some(line);
            return Some(Popup::Form(f));
        }
        let reason = String::new();
        let result = match &f.editing {
            Editing::Settings => {
                let mut config = self.config.clone();
                super::editors::settings::apply(self, &f.form, &mut config);
                self.config = config;
                if let Some(l) = self.config.language.as_deref().and_then(Lang::parse) {
                    self.lang = l;
                }
                self.store.set_user(self.user_name());
                self.write_config();
                self.list.lines.clear();
                return None;
            }
            Editing::Account(a) => {
                let mut a = (**a).clone();
                super::editors::account::apply(self, &f.form, &mut a);
                if a.meta.version == 0 && f.duplicates.is_none() {
                    // In this file, or held by a colleague at head office
                    // (the hub's ownership index, known offline: 撞单).
                    let found = self
                        .store
                        .similar_accounts(&a.name, &a.phone)
                        .and_then(|d| Ok((d, self.store.held_at_hub(&a.name, &a.phone)?)));
                    match found {
                        Ok((d, held)) if !d.is_empty() || !held.is_empty() => {
                            let mut lines: Vec<String> = d.into_iter().map(|(_, n)| n).collect();
                            lines.extend(held.iter().map(|h| crate::exchange::hub_sync::held_at_hub_text(lang, h)));
                            f.duplicates = Some(lines);
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
                super::editors::contact::apply(self, &f.form, &mut c);
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
}

/// Cross-field checks the form cannot make alone.
pub fn cross_check(f: &mut Form, lang: Lang) {
    if f.has(F::TierOverride) && !f.text(F::TierOverride).is_empty() && f.text(F::TierOverrideReason).trim().is_empty()
    {
        f.set_error(F::TierOverrideReason, T::OverrideNeedsReason.get(lang));
    }
}
