//! The order's editor (销售台帐, DESIGN §3.4): the order and its
//! collections (回款) as a table of rows.

use kam_rules::discount::discount;
use kam_rules::{Money, Tier};

use super::Binds;
use crate::i18n::T;
use crate::model::Order;
use crate::tui::app::App;
use crate::tui::records::{collection_row, form_collections};
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<Order> {
    let mut b = Binds::<Order>::declared();
    // A new order's amount starts blank, not 0.00.
    let amount = b.label_of(F::Amount);
    b.custom(
        F::Amount,
        amount,
        move |o: &Order, _: &App| Field::amount(F::Amount, amount, (o.meta.version != 0).then_some(o.amount)),
        |f: &Form, o: &mut Order, _: &App| o.amount = Money::parse(&f.text(F::Amount)).unwrap_or(Money::ZERO),
    );
    // The rep is credited to the account's owner as it is booked; another
    // rep may be named.
    b.table(
        |o: &Order, _: &App| o.collections.iter().enumerate().flat_map(|(i, c)| collection_row(i, Some(c))).collect(),
        |n, _: &App| collection_row(n, None),
        |f: &Form, o: &mut Order, app: &App| o.collections = form_collections(f, app.today),
    );
    b
}

pub fn form(app: &App, o: &Order) -> Form {
    let title = if o.meta.version == 0 { T::RecordOrder } else { T::EditOrder };
    binds().form(title, o, app)
}

/// The order as the form says. The discount is the rule's for the
/// account's tier when the order is new or its amount, payment or
/// promotion changed; a correction of other fields keeps the rate the
/// order was booked at.
pub fn apply(app: &App, form: &Form, o: &mut Order) {
    let before = (o.amount, o.payment, o.promotion);
    binds().apply(form, o, app);
    if o.meta.version == 0 || before != (o.amount, o.payment, o.promotion) {
        let tier = app.detail.as_ref().map_or(Tier::Silver, |d| d.tier.tier);
        let q = discount(&app.rules, tier, o.amount, o.payment, o.promotion);
        o.discount_rate = Some(q.rate);
        o.net_amount = q.net;
    }
}
