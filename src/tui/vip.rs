//! Tab 4: the store's VIP visitor cards (DESIGN §3.8).
//! State and keys; drawing is in `screens/`.

use crossterm::event::KeyEvent;

use super::app::App;

/// The tab's state.
#[derive(Debug, Default)]
pub struct VipTab {}

impl VipTab {
    /// Whether the tab is taking text (a filter), so shared keys are text.
    pub fn typing(&self) -> bool {
        false
    }
}

impl App {
    pub(super) fn vip_key(&mut self, key: KeyEvent) {
        self.shared_key(key);
    }
}
