//! The account's editor: the company's fields of DESIGN §3.1.

use kam_rules::Tier;

use super::{bind, Binds};
use crate::i18n::T;
use crate::model::Account;
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

/// The account form's fields, in the paper form's order.
pub fn binds() -> Binds<Account> {
    let mut b = Binds::<Account>::default();
    bind!(b, T::FName, name).required().trim();
    bind!(b, T::FShortName, short_name);
    bind!(b, T::FPhone, phone);
    bind!(b, T::FIndustry, industry);
    bind!(b, T::FRegion, region);
    bind!(b, T::FAddress, address);
    bind!(b, T::FWebsite, website);
    bind!(b, T::FSize, company_size);
    bind!(b, T::FCapital, registered_capital);
    bind!(b, T::FListed, listed);
    // A new account is the user's own unless they name another owner.
    b.custom(
        F::Owner,
        T::FOwner,
        |a: &Account, app: &App| {
            let owner = if a.meta.version == 0 && a.owner.is_empty() { app.user_name() } else { a.owner.clone() };
            Field::text(F::Owner, T::FOwner, &owner)
        },
        |f: &Form, a: &mut Account, _: &App| a.owner = f.text(F::Owner),
    );
    b.choice::<Tier>(F::TierOverride, T::FTierOverride, |a| &a.tier_override, |a| &mut a.tier_override)
        .none_reads(T::ByVolume);
    bind!(b, T::FTierReason, tier_override_reason);
    bind!(b, T::FCreditLimit, credit_limit);
    bind!(b, T::FPaymentTerms, payment_terms);
    bind!(b, T::FCustomerSince, customer_since);
    bind!(b, T::FNotes, notes).lines();
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
