//! The VIP card's handover editor (`h` on a card): to whom the card goes,
//! with a note. Who hands it over and when are the card's holder and
//! today, not typed.

use kam_rules::Lang;

use super::Binds;
use crate::i18n::T;
use crate::model::Handover;
use crate::tui::app::App;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<Handover> {
    let mut b = Binds::<Handover>::default();
    b.add(F::HandoverTo, T::VipFHandTo, |h| &h.to, |h| &mut h.to).required().trim();
    b.add(F::HandoverNote, T::VipFHandNote, |h| &h.note, |h| &mut h.note).lines();
    b
}

pub fn form(app: &App, h: &Handover) -> Form {
    binds().form(T::VipHandoverTitle, h, app)
}

/// The handover as the form says (spaces after the note are not kept).
pub fn apply(app: &App, form: &Form, h: &mut Handover) {
    binds().apply(form, h, app);
    h.note.truncate(h.note.trim_end().len());
}

/// Marks a handover to whom already holds the card, beside the receiver.
pub fn check(f: &mut Form, h: &Handover, lang: Lang) {
    if h.to == h.from {
        f.set_error(F::HandoverTo, &T::VipAlreadyHolds.fill(lang, &[("to", &h.to)]));
    }
}
