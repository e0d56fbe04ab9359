//! `kam erase contact|vip ID… --reason TEXT`: a person erased for good at
//! their request (PIPL, issue #21). See `crate::store` for what is removed.

use super::{Ctx, Failure};
use crate::cli::{EraseArgs, EraseWhat};
use crate::i18n::T;
use crate::model::Id;
use crate::store::{RecordKind, Store};

/// The one record of `kind` (live or in the trash) whose id begins or ends
/// with `prefix` (the short id kam shows is the id's last 8 characters).
pub fn resolve(ctx: &Ctx, store: &Store, kind: RecordKind, prefix: &str) -> Result<Id, Failure> {
    let l = ctx.lang;
    let what = if kind == RecordKind::Contact { T::EraseKindContact } else { T::EraseKindVip }.get(l);
    let prefix = prefix.trim();
    let found = if prefix.is_empty() {
        Vec::new()
    } else {
        store.ids_by_part(kind, prefix, 2, false).map_err(|e| Failure::failed(e.to_string()))?
    };
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Failure::usage(T::EraseNotFound.fill(l, &[("kind", what), ("prefix", prefix)]))),
        _ => Err(Failure::usage(T::EraseAmbiguous.fill(l, &[("kind", what), ("prefix", prefix)]))),
    }
}

pub fn run(ctx: &Ctx, store: &mut Store, args: &EraseArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    if args.reason.trim().is_empty() {
        return Err(Failure::usage(T::EraseNeedsReason.get(l)));
    }
    let (kind, what) = match args.what {
        EraseWhat::Contact => (RecordKind::Contact, T::EraseKindContact),
        EraseWhat::Vip => (RecordKind::VipCard, T::EraseKindVip),
    };
    let mut ids = Vec::with_capacity(args.ids.len());
    for p in &args.ids {
        let id = resolve(ctx, store, kind, p)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let n =
        store.erase(kind, &ids, args.reason.trim()).map_err(|e| super::restore::store_failure(l, store.path(), &e))?;
    crate::say!("{}", T::Erased.fill(l, &[("n", &n.to_string()), ("kind", what.get(l))]));
    for id in &ids {
        crate::say!("  {id}");
    }
    crate::say!("{}", T::ErasedBackups.get(l));
    Ok(())
}
