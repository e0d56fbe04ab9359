//! The open form, kept when kam stops on an internal error (a panic): the
//! event loop catches the panic, writes what was typed next to the database
//! (mode 0600: it holds customer data) and the next start offers it back.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::app::{App, Editing, Popup, Section, Tab};
use super::plans::Plan;
use crate::i18n::T;
use crate::model::{Account, CallPlan, Presentation};

/// What the draft was a form of: a popup form's [`Editing`] (the record as
/// it was when the form opened; the typed text is in `values`), or one of
/// the editors that are not popup forms. Untagged: both are written as
/// `{"Kind": record}`, as drafts always were.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DraftForm {
    Form(Editing),
    Other(Kept),
}

/// The editors a draft keeps that are not popup forms.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Kept {
    /// An account with the scores typed into its scorecard.
    Scores(Box<Account>),
    CallPlan(Box<CallPlan>),
    Presentation(Box<Presentation>),
}

/// A form kept across a crash.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Draft {
    /// The form's title as it was shown.
    pub title: String,
    pub form: DraftForm,
    /// Every field's text by key (fields of repeated rows are in the record).
    pub values: Vec<(String, String)>,
    /// When it was kept (local time, for the offer).
    pub at: String,
}

/// `kam.db` → `kam.db.draft.json`, beside the database.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".draft.json");
    db.with_file_name(name)
}

/// Writes `draft` beside the database `db`; the path when it was written.
/// Also called from the signal thread when the event loop cannot answer.
pub fn keep(db: &Path, draft: &Draft) -> Option<PathBuf> {
    let path = path_for(db);
    let text = serde_json::to_string_pretty(draft).ok()?;
    crate::files::write_private(&path, text).ok().map(|()| path)
}

impl App {
    /// The form open now, as a draft (none when no form is open).
    pub fn draft(&self) -> Option<Draft> {
        let today = self.today;
        if let Some(ed) = self.plans.list(self.tab).and_then(|l| l.editor.as_deref()) {
            let form = DraftForm::Other(match ed.collect(today) {
                Plan::Call(p) => Kept::CallPlan(p),
                Plan::Presentation(p) => Kept::Presentation(p),
            });
            return Some(Self::draft_of(self.t(ed.form.title), form, &ed.form, self.store.clock(), today));
        }
        if let Some(Popup::Scores(e)) = &self.popup {
            return Some(Draft {
                title: self.t(T::ScorecardTitle).to_string(),
                form: DraftForm::Other(Kept::Scores(Box::new(e.applied(&self.rules)))),
                values: Vec::new(),
                at: self.store.clock().local_now().format("%Y-%m-%d %H:%M").to_string(),
            });
        }
        // A new card set aside for the card its phone is on is what is at
        // stake, unless the open form has changes of its own.
        let open = match &self.popup {
            Some(Popup::Form(f)) => Some(f),
            _ => None,
        };
        let f = match (open, &self.vip.parked) {
            (Some(f), Some(parked)) if !f.form.changed() => parked,
            (Some(f), _) => f,
            (None, Some(parked)) => parked,
            (None, None) => return None,
        };
        if !f.editing.kept() {
            return None;
        }
        let form = DraftForm::Form(f.editing.clone());
        Some(Self::draft_of(self.t(f.form.title), form, &f.form, self.store.clock(), today))
    }

    fn draft_of(
        title: &str,
        form: DraftForm,
        f: &super::widgets::form::Form,
        clock: crate::clock::Clock,
        today: chrono::NaiveDate,
    ) -> Draft {
        Draft {
            title: title.to_string(),
            form,
            values: draft_values(f, today),
            at: clock.local_now().format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// Writes the open form beside the database; the path when one was written.
    pub fn keep_draft(&self) -> Option<PathBuf> {
        keep(&self.paths.db, &self.draft()?)
    }

    /// On start: a draft kept by an earlier run is offered back.
    pub fn offer_draft(&mut self) -> bool {
        let path = path_for(&self.paths.db);
        let Ok(text) = std::fs::read_to_string(&path) else { return false };
        let read = serde_json::from_str::<serde_json::Value>(&text).and_then(|mut v| {
            clean_draft_text(&mut v);
            serde_json::from_value::<Draft>(v)
        });
        match read {
            Ok(d) => {
                self.popup = Some(Popup::Draft(Box::new(d)));
                true
            }
            Err(e) => {
                self.message = Some(format!("{}: {}: {e}", T::ErrorPrefix.get(self.lang), path.display()));
                false
            }
        }
    }

    /// Enter on the offer: the form reopened with what was typed; the
    /// file is removed (a new crash keeps a new one).
    pub(super) fn restore_draft(&mut self, d: Draft) {
        let _ = std::fs::remove_file(path_for(&self.paths.db));
        match d.form {
            // The form opens on the stored record (or a blank one) and the
            // draft's text goes over it, so it counts as unsaved changes.
            DraftForm::Form(Editing::Account(a)) => {
                let base = if a.meta.is_new() {
                    Account { meta: a.meta.clone(), ..Account::default() }
                } else {
                    self.open_detail(&a.meta.id, Section::Company);
                    self.store.get::<Account>(&a.meta.id).unwrap_or(*a)
                };
                self.open_account_form(base);
                self.fill_draft_values(&d.values);
            }
            DraftForm::Form(Editing::Contact(c)) => self.restore_on_account(*c, &d.values),
            DraftForm::Form(Editing::Visit(v)) => self.restore_on_account(*v, &d.values),
            DraftForm::Form(Editing::Order(o)) => self.restore_on_account(*o, &d.values),
            DraftForm::Other(Kept::Scores(a)) => {
                self.open_detail(&a.meta.id, Section::Company);
                let stored = self.store.get::<Account>(&a.meta.id).unwrap_or_else(|_| (*a).clone());
                let mut e = super::scorecard::ScoresEdit::of(stored);
                e.scores = a.score_map();
                self.popup = Some(Popup::Scores(Box::new(e)));
            }
            DraftForm::Form(Editing::ChangeEvent(e)) => self.restore_on_account(*e, &d.values),
            DraftForm::Form(Editing::Feedback(x)) => self.restore_on_account(*x, &d.values),
            DraftForm::Form(Editing::Archive { account, index }) => {
                self.open_detail(&account.meta.id, Section::Archive);
                self.open_archive_form(index);
                self.fill_draft_values(&d.values);
            }
            DraftForm::Other(Kept::CallPlan(p)) => self.edit_plan(Tab::CallPlans, Plan::Call(p)),
            DraftForm::Other(Kept::Presentation(p)) => self.edit_plan(Tab::Presentations, Plan::Presentation(p)),
            DraftForm::Form(Editing::VipCard(c)) => {
                self.tab = Tab::Vip;
                self.vip_reload(None);
                self.open_vip_card_form(*c);
                self.fill_draft_values(&d.values);
            }
            // Never written (see `Editing::kept`).
            DraftForm::Form(
                Editing::Quote(_)
                | Editing::Settings
                | Editing::VipHandover(_)
                | Editing::VipStatus(_)
                | Editing::Targets(_),
            ) => {}
        }
    }

    /// A draft of a record kept on an account: the account opens at the
    /// record's section, and the form reopens on the stored record (a new
    /// one: blank) and takes every typed value back, rows included.
    fn restore_on_account<R: super::editors::OnAccount>(&mut self, r: R, values: &[(String, String)]) {
        self.open_detail(&r.account().clone(), R::SECTION);
        let base = if r.meta().is_new() { r.blank_like() } else { self.store.get::<R>(&r.meta().id).unwrap_or(r) };
        R::open(self, base);
        self.fill_draft_values(values);
    }

    /// `d` on the offer: the draft deleted.
    pub(super) fn discard_draft(&mut self) {
        let _ = std::fs::remove_file(path_for(&self.paths.db));
    }

    /// Puts a draft's typed values back into the open form: a table first
    /// takes the draft's number of rows, then each cell its text.
    fn fill_draft_values(&mut self, values: &[(String, String)]) {
        let Some(Popup::Form(mut f)) = self.popup.take() else { return };
        for (k, v) in values {
            if let Some(table) = k.strip_prefix("rows@").and_then(|t| t.parse::<u8>().ok()) {
                let n = v.parse::<usize>().unwrap_or(0).min(crate::model::TABLE_ROWS_MAX);
                self.resize_table(&mut f, table, n);
            } else if let Some((key, at)) = k.split_once('@') {
                let mut parts = at.split('.');
                let table = parts.next().and_then(|t| t.parse::<u8>().ok());
                let row = parts.next().and_then(|r| r.parse::<usize>().ok());
                if let (Some(table), Some(row)) = (table, row) {
                    f.form.set_cell(table, row, key, v);
                }
            } else {
                f.form.set_value(k, v);
            }
        }
        self.recheck_form(&mut f);
        self.popup = Some(Popup::Form(f));
    }
}

/// A form's typed values for its draft: each field by key, and each table
/// as its number of rows (`rows@T`) then its cells (`key@T.R`). A date
/// typed as a day relative to today (`明天`, `+3d`, `下周一`) is kept as the
/// day it meant: the draft may be restored on a later day.
fn draft_values(f: &super::widgets::form::Form, today: chrono::NaiveDate) -> Vec<(String, String)> {
    use super::widgets::form::{parse_date, FieldKind};
    let value = |x: &super::widgets::form::Field| {
        let v = x.value();
        match x.kind {
            FieldKind::Date => parse_date(&v, today).map_or(v, |d| d.to_string()),
            _ => v,
        }
    };
    let mut out: Vec<(String, String)> =
        f.fields.iter().filter(|x| x.row.is_none()).map(|x| (x.key.to_string(), value(x))).collect();
    let mut tables: Vec<u8> = f.fields.iter().filter_map(|x| x.row.map(|t| t.table)).collect();
    tables.dedup();
    for t in tables {
        out.push((format!("rows@{t}"), f.row_count(t).to_string()));
    }
    out.extend(f.fields.iter().filter_map(|x| x.row.map(|t| (format!("{}@{}.{}", x.key, t.table, t.row), value(x)))));
    out
}

/// Every text of a draft (its title, the typed values and the records it
/// holds, child rows included) without the control characters (ESC, BEL,
/// backspace…) and bidi overrides that typing and pasting never enter: the
/// draft file is text anyone can edit, and its texts went into the form and
/// on to the store and exports as they were.
fn clean_draft_text(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(c) = crate::safe_text::without_refused(s) {
                *s = c;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(clean_draft_text),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(clean_draft_text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_restored_drafts_text_has_no_control_characters() {
        let mut v = serde_json::json!({
            "title": "新客户\u{1b}]0;x\u{7}",
            "values": [["name", "甲\u{1b}[2J公司\u{8}"], ["notes", "一\n二\t三"]],
            // A record's child rows, as a call plan's influence rows are kept.
            "form": {"CallPlan": {"influence": [{"view": "价格\u{1b}[31m", "weight": 3}]}},
        });
        super::clean_draft_text(&mut v);
        assert_eq!(v["title"], "新客户]0;x");
        assert_eq!(v["values"][0][1], "甲[2J公司");
        assert_eq!(v["values"][1][1], "一\n二\t三", "line breaks and tabs are text");
        assert_eq!(v["form"]["CallPlan"]["influence"][0]["view"], "价格[31m", "child rows too");
        assert_eq!(v["form"]["CallPlan"]["influence"][0]["weight"], 3);
    }
}
