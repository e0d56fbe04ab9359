//! The editors of an account's activity, each on its own section of the
//! account: orders with their collections (the ledger), visits with their
//! contacts, major change events and feedback. Each builds its form from a
//! record, applies the form back onto the record, checks what the form
//! alone cannot, and saves.

use chrono::NaiveDate;
use kam_rules::{Lang, Money};

use super::app::{App, Editing, ReasonFor, Section};
use super::widgets::form::{parse_date, Field, Form, RowTag};
use super::widgets::keys::F;
use crate::i18n::T;
use crate::model::{ChangeEvent, Collection, Feedback, Id, Order, Visit, VisitKind, TABLE_ROWS_MAX};
use crate::store::StoreError;

/// The table of an order form holding its collections.
pub const COLLECTIONS: u8 = 0;
/// The table of a visit form holding the contacts met.
pub const VISIT_CONTACTS: u8 = 0;

/// Makes the fields of row `n` of a form's table.
type RowMaker = Box<dyn Fn(usize) -> Vec<Field>>;

/// An account's records that live in a section of its own, for the keys
/// that act on the selected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Order,
    Visit,
    Event,
    Feedback,
}

impl Activity {
    /// The activity a section lists, if it lists one.
    pub fn of(section: Section) -> Option<Self> {
        match section {
            Section::Orders => Some(Self::Order),
            Section::Visits => Some(Self::Visit),
            Section::Events => Some(Self::Event),
            Section::Feedback => Some(Self::Feedback),
            _ => None,
        }
    }

    pub fn section(self) -> Section {
        match self {
            Self::Order => Section::Orders,
            Self::Visit => Section::Visits,
            Self::Event => Section::Events,
            Self::Feedback => Section::Feedback,
        }
    }
}

/// A collection row of the order form.
pub fn collection_row(row: usize, c: Option<&Collection>) -> Vec<Field> {
    let tag = RowTag { table: COLLECTIONS, row, title: T::RowCollection };
    vec![
        Field::date(F::CollectionDate, T::FDate, c.map(|c| c.date)).in_row(tag),
        Field::amount(F::CollectionAmount, T::FCollectionAmount, c.map(|c| c.amount)).in_row(tag),
    ]
}

/// A contact row of the visit form: one of the account's contacts.
pub fn visit_contact_row(row: usize, options: &[(String, String)], id: Option<&Id>) -> Vec<Field> {
    let tag = RowTag { table: VISIT_CONTACTS, row, title: T::RowVisitContact };
    vec![Field::choice(F::VisitContact, T::FPersonName, options.to_vec(), id.map(ToString::to_string)).in_row(tag)]
}

/// After an edit: a table whose last row got text gains a blank row (up
/// to the table's maximum), as the plan editors' tables do.
pub fn keep_blank_row(form: &mut Form, table: u8, make: &dyn Fn(usize) -> Vec<Field>) {
    let n = form.row_count(table);
    if (n == 0 || !form.is_blank_row(table, n - 1)) && n < TABLE_ROWS_MAX {
        form.insert_row(table, n, form.fields.len(), make(n));
    }
}

/// The rows of `table` that are not blank.
pub fn filled_rows(form: &Form, table: u8) -> impl Iterator<Item = usize> + '_ {
    (0..form.row_count(table)).filter(move |r| !form.is_blank_row(table, *r))
}

/// The collections typed in an order form (rows that do not read are left
/// out: the form shows their errors and refuses the save).
pub fn form_collections(form: &Form, today: NaiveDate) -> Vec<Collection> {
    filled_rows(form, COLLECTIONS)
        .filter_map(|r| {
            let date = parse_date(&form.cell(COLLECTIONS, r, F::CollectionDate), today)?;
            let amount = Money::parse(&form.cell(COLLECTIONS, r, F::CollectionAmount)).ok()?;
            Some(Collection { date, amount })
        })
        .collect()
}

impl App {
    // ---- orders ----------------------------------------------------------------

    /// `o` anywhere on the account, `n` in its Orders section: a new order;
    /// `=` the discount calculator, which saves nothing.
    pub(super) fn open_order_form(&mut self, quote_only: bool) {
        let Some(d) = &self.detail else { return };
        if quote_only {
            let tier = d.tier.tier;
            let form = super::editors::quote::form(self, &super::editors::quote::Quote::default());
            self.open_form(form, Editing::Quote(tier));
            return;
        }
        let o = Order { date: self.today, ..Order::for_account(&d.account) };
        self.edit_order(o);
    }

    /// An order's form: new (version 0) or an edit of a saved one.
    pub(super) fn edit_order(&mut self, o: Order) {
        let form = self.order_form(&o);
        self.open_form(form, Editing::Order(Box::new(o)));
    }

    pub(super) fn order_form(&self, o: &Order) -> Form {
        super::editors::order::form(self, o)
    }

    // ---- visits ----------------------------------------------------------------

    /// `v`/`t` anywhere on the account, `n` in its Visits section.
    pub(super) fn open_visit_form(&mut self, kind: VisitKind) {
        let Some(d) = &self.detail else { return };
        let v = Visit {
            account_id: d.account.meta.id.clone(),
            date: self.today,
            kind,
            by: self.user_name(),
            ..Visit::default()
        };
        self.edit_visit(v);
    }

    pub(super) fn edit_visit(&mut self, v: Visit) {
        let form = self.visit_form(&v);
        self.open_form(form, Editing::Visit(Box::new(v)));
    }

    /// The account's contacts as the options of a visit's contact row.
    pub(super) fn contact_options(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), T::NotSet.get(self.lang).to_string()))
            .chain(
                self.detail
                    .iter()
                    .flat_map(|d| d.contacts.iter())
                    .map(|c| (c.meta.id.to_string(), format!("{} {}", c.name, c.title).trim_end().to_string())),
            )
            .collect()
    }

    pub(super) fn visit_form(&self, v: &Visit) -> Form {
        super::editors::visit::form(self, v)
    }

    // ---- major change events ---------------------------------------------------

    pub(super) fn open_event_form(&mut self) {
        let Some(d) = &self.detail else { return };
        let e = ChangeEvent { account_id: d.account.meta.id.clone(), date: self.today, ..ChangeEvent::default() };
        self.edit_event(e);
    }

    pub(super) fn edit_event(&mut self, e: ChangeEvent) {
        let form = super::editors::event::form(self, &e);
        self.open_form(form, Editing::ChangeEvent(Box::new(e)));
    }

    // ---- feedback --------------------------------------------------------------

    pub(super) fn open_feedback_form(&mut self) {
        let Some(d) = &self.detail else { return };
        let f = Feedback { account_id: d.account.meta.id.clone(), date: self.today, ..Feedback::default() };
        self.edit_feedback(f);
    }

    pub(super) fn edit_feedback(&mut self, x: Feedback) {
        let form = super::editors::feedback::form(self, &x);
        self.open_form(form, Editing::Feedback(Box::new(x)));
    }

    // ---- the section's keys ------------------------------------------------------

    /// `n` in a section of records: a new one of its kind.
    pub(super) fn new_activity(&mut self, what: Activity) {
        match what {
            Activity::Order => self.open_order_form(false),
            Activity::Visit => self.open_visit_form(VisitKind::Visit),
            Activity::Event => self.open_event_form(),
            Activity::Feedback => self.open_feedback_form(),
        }
    }

    /// `Enter`/`e` in a section of records: the selected one's form.
    pub(super) fn edit_activity(&mut self, what: Activity) {
        let Some(d) = &self.detail else { return };
        let i = d.row_sel;
        match what {
            Activity::Order => {
                if let Some(o) = d.orders.get(i).cloned() {
                    self.edit_order(o);
                }
            }
            Activity::Visit => {
                if let Some(v) = d.visits.get(i).cloned() {
                    self.edit_visit(v);
                }
            }
            Activity::Event => {
                if let Some(e) = d.events.get(i).cloned() {
                    self.edit_event(e);
                }
            }
            Activity::Feedback => {
                if let Some(f) = d.feedback.get(i).cloned() {
                    self.edit_feedback(f);
                }
            }
        }
    }

    /// `d` in a section of records: the selected one to the trash, asking
    /// a reason (never the account).
    pub(super) fn delete_activity(&mut self, what: Activity) {
        let Some(d) = &self.detail else { return };
        let i = d.row_sel;
        let target = match what {
            Activity::Order => {
                d.orders.get(i).map(|o| (o.meta.id.clone(), format!("{} {}", o.date, o.amount.grouped())))
            }
            Activity::Visit => d.visits.get(i).map(|v| (v.meta.id.clone(), format!("{} {}", v.date, v.purpose))),
            Activity::Event => d.events.get(i).map(|e| (e.meta.id.clone(), format!("{} {}", e.date, e.kind))),
            Activity::Feedback => d.feedback.get(i).map(|f| (f.meta.id.clone(), format!("{} {}", f.date, f.from_whom))),
        };
        if let Some((id, label)) = target {
            self.ask_reason(ReasonFor::DeleteActivity(what, id, label));
        }
    }

    /// Moves a record of a section to the trash; the account reopens on it.
    pub(super) fn delete_activity_now(&mut self, what: Activity, id: &Id, reason: &str) {
        let result = match what {
            Activity::Order => self.store.delete::<Order>(id, reason),
            Activity::Visit => self.store.delete::<Visit>(id, reason),
            Activity::Event => self.store.delete::<ChangeEvent>(id, reason),
            Activity::Feedback => self.store.delete::<Feedback>(id, reason),
        };
        self.after_activity_change(result, what, T::MovedToTrash);
    }

    /// The account re-read on the same section after a change to one of
    /// its records, the selection kept in range.
    pub(super) fn after_activity_change(&mut self, result: Result<(), StoreError>, what: Activity, said: T) {
        let Some(account) = self.detail.as_ref().map(|d| d.account.meta.id.clone()) else { return };
        let sel = self.detail.as_ref().map_or(0, |d| d.row_sel);
        match result {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(said.get(self.lang).to_string());
                self.refresh_account(&account);
                self.open_detail(&account, what.section());
                if let Some(d) = self.detail.as_mut() {
                    d.row_sel = sel.min(d.rows_in(what.section()).saturating_sub(1));
                }
            }
            Err(e) => self.fail(&e),
        }
    }
}

/// Checks of an order form that need more than one field: each collection
/// row needs both its date and amount, and the collections may not pass
/// the net amount (the rule's, or the one the order was booked at).
pub fn check_order_form(form: &mut Form, net: Option<Money>, lang: Lang) {
    let rows: Vec<usize> = filled_rows(form, COLLECTIONS).collect();
    let mut collected = Money::ZERO;
    for r in rows {
        let date = form.cell(COLLECTIONS, r, F::CollectionDate);
        let amount = form.cell(COLLECTIONS, r, F::CollectionAmount);
        let Some(span) = form.row_span(COLLECTIONS, r) else { continue };
        let message = if date.trim().is_empty() || amount.trim().is_empty() {
            let blank = if date.trim().is_empty() { "collection_date" } else { "collection_amount" };
            Some((blank, T::CollectionNeedsBoth.get(lang).to_string()))
        } else if let (Ok(m), Some(net)) = (Money::parse(&amount), net) {
            let left = kam_rules::tier::collectable(net, collected).unwrap_or(Money::ZERO);
            collected = Money::from_fen(collected.fen().saturating_add(m.fen()));
            (m > left).then(|| ("collection_amount", T::CollectionOverOwed.fill(lang, &[("left", &left.grouped())])))
        } else {
            None
        };
        if let Some((key, text)) = message {
            if let Some(f) = form.fields[span].iter_mut().find(|f| f.key == key && f.error.is_none()) {
                f.error = Some(text);
            }
        }
    }
}

impl App {
    /// Ctrl-S on an order, visit, change event or feedback form.
    pub(super) fn save_activity(&mut self, mut f: Box<super::app::FormState>) -> Option<super::app::Popup> {
        use super::app::{ConflictView, Popup};
        let lang = self.lang;
        let (what, result, id) = match &f.editing {
            Editing::Order(o) => {
                let mut o = (**o).clone();
                super::editors::order::apply(self, &f.form, &mut o);
                (Activity::Order, self.store.save(&mut o, ""), o.meta.id)
            }
            Editing::Visit(v) => {
                let mut v = (**v).clone();
                super::editors::visit::apply(self, &f.form, &mut v);
                (Activity::Visit, self.store.save(&mut v, ""), v.meta.id)
            }
            Editing::ChangeEvent(e) => {
                let mut e = (**e).clone();
                super::editors::event::apply(self, &f.form, &mut e);
                (Activity::Event, self.store.save(&mut e, ""), e.meta.id)
            }
            Editing::Feedback(x) => {
                let mut x = (**x).clone();
                super::editors::feedback::apply(self, &f.form, &mut x);
                (Activity::Feedback, self.store.save(&mut x, ""), x.meta.id)
            }
            _ => return Some(Popup::Form(f)),
        };
        match result {
            Ok(()) => {
                self.after_activity_change(Ok(()), what, T::Saved);
                if let Some(d) = self.detail.as_mut() {
                    let at = match what {
                        Activity::Order => d.orders.iter().position(|x| x.meta.id == id),
                        Activity::Visit => d.visits.iter().position(|x| x.meta.id == id),
                        Activity::Event => d.events.iter().position(|x| x.meta.id == id),
                        Activity::Feedback => d.feedback.iter().position(|x| x.meta.id == id),
                    };
                    d.row_sel = at.unwrap_or(0);
                }
                None
            }
            Err(StoreError::Conflict(conf)) => {
                let stored = match what {
                    Activity::Order => {
                        conf.current_as::<Order>().map(|o| (self.order_form(&o), Editing::Order(Box::new(o))))
                    }
                    Activity::Visit => {
                        conf.current_as::<Visit>().map(|v| (self.visit_form(&v), Editing::Visit(Box::new(v))))
                    }
                    Activity::Event => conf.current_as::<ChangeEvent>().map(|e| {
                        self.edit_event(e.clone());
                        let form = self.take_form();
                        (form, Editing::ChangeEvent(Box::new(e)))
                    }),
                    Activity::Feedback => conf.current_as::<Feedback>().map(|x| {
                        self.edit_feedback(x.clone());
                        let form = self.take_form();
                        (form, Editing::Feedback(Box::new(x)))
                    }),
                };
                if let Some((sf, stored)) = stored {
                    f.conflict =
                        Some(ConflictView { version: conf.current_version(), lines: differing(&f.form, &sf), stored });
                }
                let v = conf.current_version().to_string();
                f.error = Some(T::ConflictMsg.fill(lang, &[("v", &v)]));
                Some(Popup::Form(f))
            }
            Err(StoreError::Invalid { error, .. }) => {
                f.error = Some(f.form.invalid(&error.field, &error, lang));
                Some(Popup::Form(f))
            }
            Err(e) => {
                // A failed save keeps every typed character.
                f.error = Some(self.error_text(&e));
                Some(Popup::Form(f))
            }
        }
    }

    /// The form a form-opening call just put up, taken off the screen.
    fn take_form(&mut self) -> Form {
        match self.popup.take() {
            Some(super::app::Popup::Form(f)) => f.form,
            _ => Form::new(T::Saved, Vec::new()),
        }
    }

    /// Ctrl-R on a conflict: the form reopens on the stored record.
    pub(super) fn reopen_stored(&mut self, stored: Editing) {
        match stored {
            Editing::Order(o) => self.edit_order(*o),
            Editing::Visit(v) => self.edit_visit(*v),
            Editing::ChangeEvent(e) => self.edit_event(*e),
            Editing::Feedback(x) => self.edit_feedback(*x),
            Editing::Account(a) => self.open_account_form(*a),
            Editing::Contact(c) => self.open_contact_form(*c),
            _ => {}
        }
    }
}

/// The fields whose values differ between two forms of the same record
/// (label, mine, theirs): rows matched by position.
pub fn differing(mine: &Form, theirs: &Form) -> Vec<(T, String, String)> {
    let key = |f: &Field| (f.key, f.row.map(|t| (t.table, t.row)));
    let mut out: Vec<(T, String, String)> = Vec::new();
    for m in &mine.fields {
        let t = theirs.fields.iter().find(|t| key(t) == key(m));
        let (tv, ts) = t.map(|t| (t.value(), t.shown())).unwrap_or_default();
        if m.value() != tv {
            out.push((m.label, m.shown(), ts));
        }
    }
    for t in theirs.fields.iter().filter(|t| !mine.fields.iter().any(|m| key(m) == key(t))) {
        out.push((t.label, String::new(), t.shown()));
    }
    out
}

impl App {
    /// Every check of an open form, after each key: each field's own, the
    /// checks across fields, a blank row at the end of each table, and the
    /// discount quote.
    pub(super) fn recheck_form(&self, f: &mut super::app::FormState) {
        let lang = self.lang;
        let table = match &f.editing {
            Editing::Order(_) => Some(COLLECTIONS),
            Editing::Visit(_) => Some(VISIT_CONTACTS),
            _ => None,
        };
        if let Some(make) = table.and_then(|t| self.row_maker(&f.editing, t).map(|m| (t, m))) {
            keep_blank_row(&mut f.form, make.0, &make.1);
        }
        f.form.validate_all(lang, self.today);
        super::app::cross_check(&mut f.form, lang);
        // Every check of the form at once: a bad amount does not hide a
        // score out of range.
        if let Editing::Targets(_) = &f.editing {
            super::editors::targets::check(&mut f.form, self);
        }
        if let Editing::Order(o) = &f.editing {
            let net = Money::parse(&f.form.text(F::Amount)).ok().map(|_| {
                let mut o = (**o).clone();
                super::editors::order::apply(self, &f.form, &mut o);
                o.net_amount
            });
            check_order_form(&mut f.form, net, lang);
        }
        self.refresh_note(f);
    }

    /// How the rows of `table` of a form editing `editing` are made.
    fn row_maker(&self, editing: &Editing, table: u8) -> Option<RowMaker> {
        match editing {
            Editing::Order(_) if table == COLLECTIONS => Some(Box::new(|r| collection_row(r, None))),
            Editing::Visit(_) if table == VISIT_CONTACTS => {
                let options = self.contact_options();
                Some(Box::new(move |r| visit_contact_row(r, &options, None)))
            }
            _ => None,
        }
    }

    /// The table the focused field of a form is in, and how its rows are made.
    fn focused_table(&self, f: &super::app::FormState) -> Option<(RowTag, RowMaker)> {
        let tag = f.form.fields.get(f.form.focus).and_then(|x| x.row)?;
        Some((tag, self.row_maker(&f.editing, tag.table)?))
    }

    /// Ctrl-N in a table of a form: a blank row below the focused one.
    pub(super) fn form_insert_row(&mut self, f: &mut super::app::FormState) {
        let Some((t, make)) = self.focused_table(f) else { return };
        if f.form.row_count(t.table) >= TABLE_ROWS_MAX {
            let max = TABLE_ROWS_MAX.to_string();
            f.error = Some(T::RowsFull.fill(self.lang, &[("max", &max)]));
            return;
        }
        f.form.insert_row(t.table, t.row + 1, f.form.fields.len(), make(t.row + 1));
        if let Some(r) = f.form.row_span(t.table, t.row + 1) {
            f.form.focus = r.start;
        }
        f.form.rows_changed = true;
    }

    /// Ctrl-D in a table of a form: the focused row removed.
    pub(super) fn form_remove_row(&mut self, f: &mut super::app::FormState) {
        let Some((t, make)) = self.focused_table(f) else { return };
        f.form.remove_row(t.table, t.row);
        if f.form.row_count(t.table) == 0 {
            f.form.insert_row(t.table, 0, f.form.fields.len(), make(0));
        }
        if let Some(r) = f.form.row_span(t.table, t.row.min(f.form.row_count(t.table).saturating_sub(1))) {
            f.form.focus = r.start;
        }
        f.form.rows_changed = true;
    }
}

impl App {
    /// Gives a table of the open form exactly `n` rows (rows past `n`
    /// removed, blank ones added), for a draft put back.
    pub(super) fn resize_table(&self, f: &mut super::app::FormState, table: u8, n: usize) {
        let Some(make) = self.row_maker(&f.editing, table) else { return };
        while f.form.row_count(table) > n {
            f.form.remove_row(table, f.form.row_count(table) - 1);
        }
        while f.form.row_count(table) < n {
            let r = f.form.row_count(table);
            f.form.insert_row(table, r, f.form.fields.len(), make(r));
        }
        f.form.focus = 0;
    }
}
