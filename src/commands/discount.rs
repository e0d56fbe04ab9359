//! `kam discount --tier T --amount YUAN [--payment cash|credit] [--promo] [--json]`

use kam_rules::{discount, Labeled, Payment, Tier};

use super::{amount_arg, print_json, Ctx, Failure};
use crate::cli::{DiscountArgs, PaymentArg};
use crate::i18n::T;

pub fn run(ctx: &Ctx, args: &DiscountArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let tier = Tier::parse(&args.tier).ok_or_else(|| Failure::usage(T::BadTier.fill(l, &[("given", &args.tier)])))?;
    let amount = amount_arg(l, "amount", &args.amount)?;
    let payment = match args.payment {
        PaymentArg::Cash => Payment::Cash,
        PaymentArg::Credit => Payment::Credit,
    };
    let q = discount(&ctx.rules, tier, amount, payment, args.promo);
    if args.json {
        return print_json(&q.to_json(l));
    }
    let band = q.to_json(l).band.map_or_else(|| T::NoBand.get(l).to_string(), |b| b.to_string());
    crate::say!("{}: {} ({})", T::TierLabel.get(l), tier.label(l), tier.key());
    crate::say!("{}: {} {}", T::AmountLabel.get(l), amount.grouped(), T::Yuan.get(l));
    crate::say!("{}: {} ({})", T::PaymentLabel.get(l), payment.label(l), payment.key());
    crate::say!("{}: {band}", T::BandLabel.get(l));
    let in_words = crate::i18n::rate_in_words(q.rate, l);
    crate::say!("{}: {} ({in_words})", T::RateLabel.get(l), q.rate);
    crate::say!("{}: {} {}", T::NetLabel.get(l), q.net.grouped(), T::Yuan.get(l));
    crate::say!("{}: {}", T::ReasonLabel.get(l), q.reason_text(l));
    Ok(())
}
