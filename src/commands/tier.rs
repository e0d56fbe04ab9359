//! `kam tier --annual YUAN [--overdue-days N] [--json]`

use kam_rules::{decide_tier, Labeled, Money, Tier};
use serde::Serialize;

use super::{amount_arg, print_json, Ctx, Failure};
use crate::cli::TierArgs;
use crate::i18n::T;

/// `--json`: keys `annual`, `tier`, `downgraded`, `reason` (DESIGN §5).
#[derive(Serialize)]
struct TierJson {
    annual: Money,
    tier: Tier,
    downgraded: bool,
    reason: String,
}

pub fn run(ctx: &Ctx, args: &TierArgs) -> Result<(), Failure> {
    let annual = amount_arg(ctx.lang, "annual", &args.annual)?;
    let d = decide_tier(&ctx.rules, annual, args.overdue_days, None);
    let reason = d.reason(&ctx.rules, ctx.lang);
    if args.json {
        return print_json(&TierJson { annual, tier: d.tier, downgraded: d.downgraded, reason });
    }
    let l = ctx.lang;
    let mark = if d.downgraded { format!(" {}", T::DowngradedMark.get(l)) } else { String::new() };
    crate::say!("{}: {} ({}){mark}", T::TierLabel.get(l), d.tier.label(l), d.tier.key());
    crate::say!("{}: {} {}", T::AnnualLabel.get(l), annual.grouped(), T::Yuan.get(l));
    crate::say!("{}: {reason}", T::ReasonLabel.get(l));
    Ok(())
}
