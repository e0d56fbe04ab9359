//! The editor of a major change event (大客户经营重大异动表, DESIGN §3.5):
//! every field as [`ChangeEvent`] declares it.

use super::Binds;
use crate::i18n::T;
use crate::model::ChangeEvent;
use crate::tui::app::App;
use crate::tui::widgets::form::Form;

pub fn binds() -> Binds<ChangeEvent> {
    Binds::<ChangeEvent>::declared()
}

pub fn form(app: &App, e: &ChangeEvent) -> Form {
    let title = if e.meta.version == 0 { T::NewEvent } else { T::EditEvent };
    binds().form(title, e, app)
}

pub fn apply(app: &App, form: &Form, e: &mut ChangeEvent) {
    binds().apply(form, e, app);
}
