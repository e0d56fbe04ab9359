//! The account's editor: the company's fields of DESIGN §3.1.

use super::Binds;
use crate::i18n::T;
use crate::model::Account;
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

/// The account form's fields (as [`Account`] declares them), in the paper
/// form's order.
pub fn binds() -> Binds<Account> {
    let mut b = Binds::<Account>::declared();
    b.move_before(F::Phone, F::Industry);
    // A new account is the user's own unless they name another owner.
    let owner = b.label_of(F::Owner);
    b.custom(
        F::Owner,
        owner,
        move |a: &Account, app: &App| {
            let name = if a.meta.version == 0 && a.owner.is_empty() { app.user_name() } else { a.owner.clone() };
            Field::text(F::Owner, owner, &name)
        },
        |f: &Form, a: &mut Account, _: &App| a.owner = f.text(F::Owner),
    );
    b.look(F::TierOverride).none_reads(T::ByVolume);
    b.move_last(F::Notes);
    b
}

/// The form of `a` (new when its version is 0).
pub fn form(app: &App, a: &Account) -> Form {
    let title = if a.meta.version == 0 { T::NewAccount } else { T::EditAccount };
    binds().form(title, a, app)
}

/// The form's text applied onto `a`.
pub fn apply(app: &App, form: &Form, a: &mut Account) {
    binds().apply(form, a, app);
}
