//! `kam plan list`: the plans with their short ids; `kam plan print ID
//! [--out FILE]`: a plan as Markdown, for a phone or paper, found by its id
//! or any unique beginning of it.

use super::{Ctx, Failure};
use crate::cli::PlanPrintArgs;
use crate::exchange::markdown;
use crate::i18n::T;
use crate::model::{Account, CallPlan, Contact, Id, Presentation};
use crate::safe_text::one_line;
use crate::store::{PlanRow, PlanTable, RecordKind, Store, StoreError};
use crate::width::{fit_ellipsis, pad};
use kam_rules::Lang;

pub fn print(ctx: &Ctx, store: &Store, args: &PlanPrintArgs) -> Result<(), Failure> {
    let lang = ctx.lang;
    let fail = |e: StoreError| Failure::failed(e.to_string());
    let id = plan_id(lang, store, args.id.trim())?;
    let not_found = || Failure::failed(T::PlanNotFound.fill(lang, &[("id", &args.id)]));
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

/// The plan a typed id names: a whole UUID, or its beginning or end (at
/// least four characters; `kam plan list` and the workbench show the last
/// eight) that only one live call plan or presentation has.
fn plan_id(lang: Lang, store: &Store, typed: &str) -> Result<Id, Failure> {
    if let Ok(id) = Id::parse(typed) {
        return Ok(id);
    }
    let hex = typed.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if typed.chars().filter(char::is_ascii_hexdigit).count() < 4 || !hex {
        return Err(Failure::usage(T::PlanIdBad.fill(lang, &[("id", typed)])));
    }
    let fail = |e: StoreError| Failure::failed(e.to_string());
    let mut ids = store.ids_by_part(RecordKind::CallPlan, typed, 2, true).map_err(fail)?;
    ids.extend(store.ids_by_part(RecordKind::Presentation, typed, 2, true).map_err(fail)?);
    match ids.as_slice() {
        [] => Err(Failure::failed(T::PlanNotFound.fill(lang, &[("id", typed)]))),
        [one] => Ok(one.clone()),
        many => {
            let list = many.iter().map(Id::as_str).collect::<Vec<_>>().join(", ");
            Err(Failure::usage(T::PlanIdAmbiguous.fill(lang, &[("id", typed), ("ids", &list)])))
        }
    }
}

pub fn list(ctx: &Ctx, store: &Store) -> Result<(), Failure> {
    let lang = ctx.lang;
    let fail = |e: StoreError| Failure::failed(e.to_string());
    // The plan tabs' own rows: id, account name, opportunity, date.
    let mut rows: Vec<(&'static str, PlanRow)> = Vec::new();
    for (table, kind) in [(PlanTable::Calls, T::PlanListCall), (PlanTable::Presentations, T::PlanListPresentation)] {
        rows.extend(store.plan_rows(table).map_err(fail)?.into_iter().map(|r| (kind.get(lang), r)));
    }
    if rows.is_empty() {
        crate::say!("{}", T::PlanListEmpty.get(lang));
        return Ok(());
    }
    // Newest first; plans without a date last.
    rows.sort_by(|(_, a), (_, b)| b.date.cmp(&a.date).then_with(|| a.id.short().cmp(b.id.short())));
    let width = |f: &dyn Fn(&(&str, PlanRow)) -> usize, head: &str| {
        rows.iter().map(f).chain([unicode_width::UnicodeWidthStr::width(head)]).max().unwrap_or(0)
    };
    let heads = [T::PlanListId.get(lang), T::PlanListKind.get(lang), T::FDate.get(lang), T::PlanListAccount.get(lang)];
    let w_kind = width(&|(k, _)| unicode_width::UnicodeWidthStr::width(*k), heads[1]);
    let w_account = width(&|(_, r)| unicode_width::UnicodeWidthStr::width(r.account.as_str()), heads[3]).min(30);
    crate::say!(
        "{}  {}  {}  {}  {}",
        pad(heads[0], Id::SHORT_LEN),
        pad(heads[1], w_kind),
        pad(heads[2], 10),
        pad(heads[3], w_account),
        T::PlanListWhat.get(lang)
    );
    for (kind, r) in &rows {
        let date = r.date.map_or_else(|| "-".to_string(), |d| d.to_string());
        let account = fit_ellipsis(&one_line(&r.account), w_account);
        crate::say!(
            "{}  {}  {}  {}  {}",
            r.id.short(),
            pad(kind, w_kind),
            pad(&date, 10),
            pad(&account, w_account),
            one_line(&r.opportunity)
        );
    }
    Ok(())
}
