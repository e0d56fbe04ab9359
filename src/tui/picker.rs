//! The account picker: `n` on the call plan and presentation tabs asks for
//! the account the new plan is for, filtered as you type by the account
//! list's own search (name, pinyin initials or syllables, phone digits).

use crate::tui::keymap::{self, Pop};
use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Popup, Section, Tab};
use super::widgets::input::{TextInput, FILTER_MAX};
use crate::i18n::T;
use crate::model::Id;
use crate::store::PlanTable;

/// Accounts the picker shows at most.
pub const PICKER_ROWS: usize = 200;

/// The open picker.
#[derive(Debug)]
pub struct Picker {
    /// What the picked account gets.
    pub table: PlanTable,
    pub input: TextInput,
    /// The accounts found (id, name), best first.
    pub found: Vec<(Id, String)>,
    /// How many the search found in all (more than `found` holds).
    pub total: usize,
    pub selected: usize,
}

impl App {
    /// `n` on tab 2 or 3: the picker, over every live account.
    pub(super) fn open_picker(&mut self, table: PlanTable) {
        let mut p = Picker { table, input: TextInput::default(), found: Vec::new(), total: 0, selected: 0 };
        self.pick_find(&mut p);
        self.popup = Some(Popup::Picker(Box::new(p)));
    }

    /// Runs the filter typed so far over the account list's search index.
    fn pick_find(&self, p: &mut Picker) {
        p.found.clear();
        p.selected = 0;
        let Some(index) = self.list.index.as_ref() else {
            p.total = 0;
            return;
        };
        let found = index.find(p.input.value(), None);
        p.total = found.accounts.len();
        p.found = found.accounts.iter().take(PICKER_ROWS).map(|&s| (index.id(s), index.name(s).to_string())).collect();
    }

    pub(super) fn picker_key(&mut self, key: KeyEvent, mut p: Box<Picker>) -> Option<Popup> {
        match keymap::find(keymap::PICKER_KEYS, &key) {
            Some(Pop::Close) => return None,
            Some(Pop::Move) if key.code == KeyCode::Up => p.selected = p.selected.saturating_sub(1),
            Some(Pop::Move) => p.selected = (p.selected + 1).min(p.found.len().saturating_sub(1)),
            Some(Pop::Choose) => {
                let Some((id, _)) = p.found.get(p.selected).cloned() else { return Some(Popup::Picker(p)) };
                self.pick(&id, p.table);
                return self.popup.take();
            }
            _ => {
                if p.input.handle_key(key) {
                    self.pick_find(&mut p);
                }
            }
        }
        Some(Popup::Picker(p))
    }

    /// A paste into the picker's filter.
    pub(super) fn picker_paste(&mut self, p: &mut Picker, text: &str) -> Option<crate::tui::widgets::input::TooLong> {
        match p.input.paste(text, FILTER_MAX) {
            Ok(()) => {
                self.pick_find(p);
                None
            }
            Err(e) => Some(e),
        }
    }

    /// The plan form for the picked account, on the tab the picker was
    /// opened from (the account is read as `c`/`p` in its detail read it).
    fn pick(&mut self, id: &Id, table: PlanTable) {
        let tab = self.tab;
        let back = self.detail.take();
        self.open_detail(id, Section::Company);
        if self.detail.is_some() {
            self.start_plan(table);
        }
        self.detail = back;
        self.tab = tab;
        if !matches!(tab, Tab::CallPlans | Tab::Presentations) {
            self.tab = if table == PlanTable::Calls { Tab::CallPlans } else { Tab::Presentations };
        }
        if self.plans.list(self.tab).and_then(|l| l.editor.as_ref()).is_none() {
            self.message = Some(T::PickerFailed.get(self.lang).to_string());
        }
    }
}
