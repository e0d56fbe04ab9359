//! Tabs 2 and 3: call plans (DESIGN §3.6) and presentation plans (§3.7).
//! State and keys; drawing is in `screens/`.

use crossterm::event::KeyEvent;

use super::app::App;

/// The tab's state.
#[derive(Debug, Default)]
pub struct PlansTab {}

impl PlansTab {
    /// Whether the tab is taking text (a filter), so shared keys are text.
    pub fn typing(&self) -> bool {
        false
    }
}

impl App {
    pub(super) fn plans_key(&mut self, key: KeyEvent) {
        self.shared_key(key);
    }
}
