//! The discount calculator's editor (`=` on an account): what an order's
//! discount depends on, the list amount, the payment and the promotion.
//! Nothing is saved; the order form's live note reads the same three
//! fields through [`apply`].

use kam_rules::discount::Payment;
use kam_rules::Money;

use super::Binds;
use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::keys::F;

/// What a discount is quoted on (`amount` none while it is blank or does
/// not read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    pub amount: Option<Money>,
    pub payment: Payment,
    pub promotion: bool,
}

/// A blank quote: paid in cash, no promotion.
impl Default for Quote {
    fn default() -> Self {
        Self { amount: None, payment: Payment::Cash, promotion: false }
    }
}

pub fn binds() -> Binds<Quote> {
    let mut b = Binds::<Quote>::default();
    b.add(F::Amount, T::FListAmount, |q| &q.amount, |q| &mut q.amount).required();
    b.pick::<Payment>(F::Payment, T::PaymentLabel, |q| &q.payment, |q| &mut q.payment);
    b.add(F::Promotion, T::FPromotion, |q| &q.promotion, |q| &mut q.promotion);
    b
}

pub fn form(app: &App, q: &Quote) -> Form {
    binds().form(T::Calculator, q, app)
}

/// The quote a form says: the calculator's, or an order form's amount,
/// payment and promotion.
pub fn apply(app: &App, form: &Form, q: &mut Quote) {
    binds().apply(form, q, app);
}
