//! Tab 5: what needs doing now (DESIGN §2.5).
//! State and keys; drawing is in `screens/`.

use crossterm::event::KeyEvent;

use super::app::App;

/// The tab's state.
#[derive(Debug, Default)]
pub struct TodayTab {}

impl TodayTab {
    /// Whether the tab is taking text (a filter), so shared keys are text.
    pub fn typing(&self) -> bool {
        false
    }
}

impl App {
    pub(super) fn today_key(&mut self, key: KeyEvent) {
        self.shared_key(key);
    }
}
