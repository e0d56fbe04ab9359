//! `kam fold ID INTO [--reason TEXT]`: one account folded into another when
//! two reps entered the same company (issue #20; a merge lists such pairs
//! with their short ids). See [`crate::store::Store::fold`].

use super::{Ctx, Failure};
use crate::cli::FoldArgs;
use crate::config::{Config, Role};
use crate::i18n::T;
use crate::model::Id;
use crate::store::{RecordKind, Store};

/// The one live account whose id begins or ends with `part`.
fn account(ctx: &Ctx, store: &Store, part: &str) -> Result<Id, Failure> {
    let l = ctx.lang;
    let part = part.trim();
    let found = if part.is_empty() {
        Vec::new()
    } else {
        store.ids_by_part(RecordKind::Account, part, 2, true).map_err(|e| Failure::failed(e.to_string()))?
    };
    let shown = crate::safe_text::cell(part);
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Failure::usage(T::FoldNotFound.fill(l, &[("prefix", &shown)]))),
        _ => Err(Failure::usage(T::FoldAmbiguous.fill(l, &[("prefix", &shown)]))),
    }
}

pub fn run(ctx: &Ctx, store: &mut Store, config: &Config, args: &FoldArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    if config.role != Role::Manager {
        return Err(Failure::usage(T::FoldManagerOnly.get(l)));
    }
    let from = account(ctx, store, &args.from)?;
    let into = account(ctx, store, &args.into)?;
    if from == into {
        return Err(Failure::usage(T::FoldSame.get(l)));
    }
    let kept: crate::model::Account =
        store.get(&into).map_err(|e| super::restore::store_failure(l, store.path(), &e))?;
    let reason = match args.reason.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => T::FoldDefaultReason.fill(l, &[("into", &kept.name)]),
    };
    let done = store.fold(&from, &into, &reason).map_err(|e| super::restore::store_failure(l, store.path(), &e))?;
    let moved = if done.moved.is_empty() {
        T::FoldedNothing.get(l).to_string()
    } else {
        let sep = if l == kam_rules::Lang::Zh { "、" } else { ", " };
        done.moved
            .iter()
            .map(|(k, n)| {
                let kind =
                    crate::i18n::kind_label(k.key()).map_or_else(|| k.key().to_string(), |t| t.get(l).to_string());
                format!("{kind} {n}")
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    crate::say!(
        "{}",
        T::Folded.fill(
            l,
            &[
                ("from", &crate::safe_text::cell(&done.from)),
                ("into", &crate::safe_text::cell(&done.into)),
                ("moved", &moved)
            ]
        )
    );
    Ok(())
}
