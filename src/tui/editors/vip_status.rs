//! The VIP card's status change (`s` on a card): one choice that starts on
//! the next status (prospect → VIP → closed) and is saved only on Ctrl-S,
//! so a key pressed twice never moves a VIP to closed.

use kam_rules::Labeled;

use super::Binds;
use crate::i18n::T;
use crate::model::VipStatus;
use crate::tui::app::App;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<VipStatus> {
    let mut b = Binds::<VipStatus>::default();
    b.pick::<VipStatus>(F::Status, T::VipFStatus, |s| s, |s| s);
    b
}

/// The status after `s`, in the order the statuses are listed.
pub fn next(s: VipStatus) -> VipStatus {
    let i = VipStatus::ALL.iter().position(|x| *x == s).unwrap_or(0);
    VipStatus::ALL[(i + 1) % VipStatus::ALL.len()]
}

/// The form of a card whose status is `current`: it starts on the next one.
pub fn form(app: &App, current: VipStatus) -> Form {
    binds().form(T::VipStatusTitle, &next(current), app)
}

/// The status the form says (`s` kept when the choice does not read).
pub fn apply(app: &App, form: &Form, s: &mut VipStatus) {
    binds().apply(form, s, app);
}
