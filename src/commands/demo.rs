//! `kam demo [--accounts N] [--seed S] [--force]`: fills an empty file with
//! the demo data of [`crate::demo`].

use std::time::Instant;

use chrono::NaiveDate;

use super::{Ctx, Failure};
use crate::cli::DemoArgs;
use crate::demo::{generate, Options};
use crate::i18n::T;
use crate::store::{Store, StoreError};

pub fn run(ctx: &Ctx, store: &mut Store, args: &DemoArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let today = match &args.today {
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| Failure::usage(T::DemoBadToday.fill(l, &[("given", t)])))?,
        None => store.clock().today(),
    };
    let empty = store.is_empty().map_err(store_failure)?;
    if !empty {
        if !args.force {
            let path = store.path().display().to_string();
            return Err(Failure::failed(T::DemoNotEmpty.fill(l, &[("path", &path)])).with_hint(T::DemoForceHint.get(l)));
        }
        store.clear_all().map_err(store_failure)?;
    }
    let started = Instant::now();
    let counts = generate(store, &ctx.rules, &Options { accounts: args.accounts, seed: args.seed, today })
        .map_err(store_failure)?;
    let secs = format!("{:.1}", started.elapsed().as_secs_f64());
    crate::say!(
        "{}",
        T::DemoDone.fill(
            l,
            &[
                ("accounts", &counts.accounts.to_string()),
                ("records", &counts.records.to_string()),
                ("path", &store.path().display().to_string()),
                ("secs", &secs),
            ],
        )
    );
    Ok(())
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(store_failure)`
fn store_failure(e: StoreError) -> Failure {
    Failure::failed(e.to_string())
}
