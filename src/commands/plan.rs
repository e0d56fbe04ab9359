//! `kam plan print ID [--out FILE]`: a plan as Markdown, for a phone or paper.

use super::{Ctx, Failure};
use crate::cli::PlanPrintArgs;
use crate::exchange::markdown;
use crate::i18n::T;
use crate::model::{Account, CallPlan, Contact, Id, Presentation};
use crate::store::{Store, StoreError};

pub fn print(ctx: &Ctx, store: &Store, args: &PlanPrintArgs) -> Result<(), Failure> {
    let lang = ctx.lang;
    let id = Id::parse(args.id.trim()).map_err(|e| Failure::usage(format!("{}: {}", args.id, e.message)))?;
    let not_found = || Failure::failed(T::PlanNotFound.fill(lang, &[("id", &args.id)]));
    let fail = |e: StoreError| Failure::failed(e.to_string());
    let account_of = |account: &Id| -> Result<(String, Vec<Contact>), Failure> {
        let name = store.get_any::<Account>(account).map(|a| a.name).map_err(fail)?;
        Ok((name, store.list_for_account::<Contact>(account).map_err(fail)?))
    };
    let text = match store.get::<CallPlan>(&id) {
        Ok(p) => {
            let (name, contacts) = account_of(&p.account_id)?;
            markdown::call_plan(&p, &name, &contacts, lang)
        }
        Err(StoreError::NotFound { .. }) => match store.get::<Presentation>(&id) {
            Ok(p) => {
                let (name, contacts) = account_of(&p.account_id)?;
                markdown::presentation(&p, &name, &contacts, lang)
            }
            Err(StoreError::NotFound { .. }) => return Err(not_found()),
            Err(e) => return Err(fail(e)),
        },
        Err(e) => return Err(fail(e)),
    };
    // The print leaves a trace in the plan's change log (#21): where it
    // went, "-" for standard output.
    let to = args.out.as_ref().map_or_else(|| "-".to_string(), |p| p.display().to_string());
    store.log_print(&id, &to).map_err(fail)?;
    match &args.out {
        Some(path) => {
            crate::files::write_private(path, text).map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
            crate::say!("{}", T::PlanPrinted.fill(lang, &[("path", &path.display().to_string())]));
        }
        None => crate::say!("{}", text.trim_end()),
    }
    Ok(())
}
