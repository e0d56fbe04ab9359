//! The contact's editor: every field of the personal profile (个人档案,
//! DESIGN §3.2), in the paper form's order.

use super::Binds;
use crate::i18n::T;
use crate::model::{Contact, Id, Responsibility};
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<Contact> {
    let mut b = Binds::<Contact>::declared();
    // Whom they report to: one of the account's other contacts.
    let reports_to = b.label_of(F::ReportsTo);
    b.custom(
        F::ReportsTo,
        reports_to,
        move |c: &Contact, app: &App| {
            let others = std::iter::once((String::new(), T::NotSet.get(app.lang).to_string()))
                .chain(
                    app.detail
                        .iter()
                        .flat_map(|d| d.contacts.iter())
                        .filter(|o| o.meta.id != c.meta.id)
                        .map(|o| (o.meta.id.to_string(), format!("{} {}", o.name, o.title))),
                )
                .collect();
            Field::choice(F::ReportsTo, reports_to, others, c.reports_to.as_ref().map(ToString::to_string))
        },
        |f: &Form, c: &mut Contact, _: &App| c.reports_to = Id::parse(&f.text(F::ReportsTo)).ok(),
    );
    b.after(F::Recent);
    // Ranked responsibilities, most important first, separated by ; or ；
    b.custom(
        F::Responsibilities,
        T::FResponsibilities,
        |c: &Contact, _: &App| {
            let duties: Vec<&str> = c.responsibilities.iter().map(|r| r.text.as_str()).collect();
            Field::lines(F::Responsibilities, T::FResponsibilities, &duties.join("; "))
        },
        |f: &Form, c: &mut Contact, _: &App| {
            c.responsibilities = f
                .text(F::Responsibilities)
                .split([';', '；'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Responsibility { text: t.to_string() })
                .collect();
        },
    );
    // Consent given without a date is dated today (consent is read first).
    let consent_date = b.label_of(F::ConsentDate);
    b.custom(
        F::ConsentDate,
        consent_date,
        move |c: &Contact, _: &App| Field::date(F::ConsentDate, consent_date, c.consent_date),
        |f: &Form, c: &mut Contact, app: &App| {
            c.consent_date = f.date(F::ConsentDate, app.today).or(c.consent.then_some(app.today));
        },
    );
    b
}

pub fn form(app: &App, c: &Contact) -> Form {
    let title = if c.meta.version == 0 { T::NewContact } else { T::EditContact };
    binds().form(title, c, app)
}

pub fn apply(app: &App, form: &Form, c: &mut Contact) {
    binds().apply(form, c, app);
}
