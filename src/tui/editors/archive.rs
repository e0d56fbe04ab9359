//! The editor of an account's archive entry (客户档案的分类整理归档, seed
//! 003): its category, date, title, content and amount, and who approved
//! it, why and who was responsible. An edit also asks why the entry
//! changed; that reason goes into the account's change log, not the entry.

use super::{bind, Binds};
use crate::i18n::T;
use crate::model::{ArchiveCategory, ArchiveEntry};
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};

/// The key of the edit's "why" field.
pub const CHANGE_REASON: &str = "change_reason";

pub fn binds() -> Binds<ArchiveEntry> {
    let mut b = Binds::<ArchiveEntry>::default();
    b.pick::<ArchiveCategory>("category", T::FArchiveCategory, |e| &e.category, |e| &mut e.category);
    bind!(b, T::FDate, date);
    bind!(b, T::FArchiveTitle, title).required();
    bind!(b, T::FArchiveContent, content).lines();
    bind!(b, T::FArchiveAmount, amount);
    bind!(b, T::FArchiveApproval, approval);
    bind!(b, T::FArchiveReason, reason);
    bind!(b, T::FArchiveResponsibility, responsibility);
    b
}

/// The form of entry `e`: new, or an edit, which asks why.
pub fn form(app: &App, e: &ArchiveEntry, edit: bool) -> Form {
    let title = if edit { T::EditArchive } else { T::NewArchive };
    let mut form = binds().form(title, e, app);
    if edit {
        form.fields.push(Field::text(CHANGE_REASON, T::FChangeReason, "").required());
    }
    form
}

/// The entry as the form says.
pub fn entry(app: &App, form: &Form) -> ArchiveEntry {
    let mut e = ArchiveEntry::default();
    binds().apply(form, &mut e, app);
    e
}
