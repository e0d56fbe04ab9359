//! The visit's editor (拜访记录): when, how, who went, what was said and
//! what comes next, and the contacts met as a table of rows.

use super::Binds;
use crate::i18n::T;
use crate::model::{Id, Visit, VisitContact};
use crate::tui::app::App;
use crate::tui::records::{filled_rows, visit_contact_row, VISIT_CONTACTS};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<Visit> {
    let mut b = Binds::<Visit>::declared();
    b.table(
        |v: &Visit, app: &App| {
            let options = app.contact_options();
            v.contacts
                .iter()
                .enumerate()
                .flat_map(|(i, c)| visit_contact_row(i, &options, Some(&c.contact_id)))
                .collect()
        },
        |n, app: &App| visit_contact_row(n, &app.contact_options(), None),
        |f: &Form, v: &mut Visit, _: &App| {
            let mut contacts: Vec<VisitContact> = Vec::new();
            for r in filled_rows(f, VISIT_CONTACTS) {
                if let Ok(contact_id) = Id::parse(&f.cell(VISIT_CONTACTS, r, F::VisitContact)) {
                    // The same person picked twice counts once.
                    if !contacts.iter().any(|c| c.contact_id == contact_id) {
                        contacts.push(VisitContact { contact_id });
                    }
                }
            }
            v.contacts = contacts;
        },
    );
    b
}

pub fn form(app: &App, v: &Visit) -> Form {
    let title = if v.meta.version == 0 { T::LogVisit } else { T::EditVisit };
    binds().form(title, v, app)
}

pub fn apply(app: &App, form: &Form, v: &mut Visit) {
    binds().apply(form, v, app);
}
