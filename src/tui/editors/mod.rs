//! One editor per record kind: each module says, once per field, which
//! field of the record a form field edits, with its key, label and look.
//! The form is built from that list and applied back through the same
//! list, so a form and its save cannot drift apart: a field shown is a
//! field saved, read back with the parser of its type (a date as a date,
//! an amount as fen, a choice by its key), and a record field that does
//! not exist is a compile error.

pub mod account;
pub mod archive;
pub mod contact;
pub mod event;
pub mod feedback;
pub mod handover;
pub mod order;
pub mod plans;
pub mod quote;
pub mod settings;
pub mod targets;
pub mod vip_card;
pub mod vip_status;
pub mod visit;

use chrono::{NaiveDate, NaiveTime};
use kam_rules::{Labeled, Lang, Money};

use super::app::App;
use super::widgets::form::{parse_date, parse_time, Field, Form};
use crate::i18n::T;
use crate::model::fields::{FieldDef, FieldVisitor, Fields};

/// A record field's type as a form field: how it is shown, and how the
/// typed text is read back (`old` when the text does not read: the form's
/// own check has already refused the save then).
pub trait FormValue: Sized {
    fn field(key: &'static str, label: T, value: &Self, lang: Lang) -> Field;
    fn read(text: &str, today: NaiveDate, old: &Self) -> Self;
}

impl FormValue for String {
    fn field(key: &'static str, label: T, value: &Self, _: Lang) -> Field {
        Field::text(key, label, value)
    }

    fn read(text: &str, _: NaiveDate, _: &Self) -> Self {
        text.to_string()
    }
}

impl FormValue for NaiveDate {
    fn field(key: &'static str, label: T, value: &Self, _: Lang) -> Field {
        Field::date(key, label, Some(*value))
    }

    fn read(text: &str, today: NaiveDate, old: &Self) -> Self {
        parse_date(text.trim(), today).unwrap_or(*old)
    }
}

impl FormValue for Option<NaiveDate> {
    fn field(key: &'static str, label: T, value: &Self, _: Lang) -> Field {
        Field::date(key, label, *value)
    }

    fn read(text: &str, today: NaiveDate, _: &Self) -> Self {
        parse_date(text.trim(), today)
    }
}

impl FormValue for Option<Money> {
    fn field(key: &'static str, label: T, value: &Self, _: Lang) -> Field {
        Field::amount(key, label, *value)
    }

    fn read(text: &str, _: NaiveDate, _: &Self) -> Self {
        (!text.trim().is_empty()).then(|| Money::parse(text).ok()).flatten()
    }
}

impl FormValue for Option<NaiveTime> {
    fn field(key: &'static str, label: T, value: &Self, _: Lang) -> Field {
        Field::time(key, label, *value)
    }

    fn read(text: &str, _: NaiveDate, _: &Self) -> Self {
        parse_time(text)
    }
}

/// A small whole number (a supervisor's score), blank when not given; the
/// editor's own check says which numbers it takes.
impl FormValue for Option<u8> {
    fn field(key: &'static str, label: T, value: &Self, _: Lang) -> Field {
        Field::text(key, label, &value.map(|n| n.to_string()).unwrap_or_default())
    }

    fn read(text: &str, _: NaiveDate, _: &Self) -> Self {
        text.trim().parse().ok()
    }
}

/// Yes or no, as a choice of the two.
impl FormValue for bool {
    fn field(key: &'static str, label: T, value: &Self, lang: Lang) -> Field {
        Field::choice(key, label, yes_no(lang), Some(yes_key(*value)))
    }

    fn read(text: &str, _: NaiveDate, _: &Self) -> Self {
        text == "yes"
    }
}

/// How a bound field looks and reads beyond its type.
#[derive(Clone, Copy, Debug, Default)]
pub struct Look {
    /// As the record declares it ([`crate::model::fields::Look`]), or as
    /// the editor set it for a field of its own.
    flags: crate::model::fields::Look,
    /// The options of an `Option<E>` choice start with this instead of "not set".
    none: Option<T>,
}

impl Look {
    /// The form refuses to save while the field is blank.
    pub fn required(&mut self) -> &mut Self {
        self.flags.required = true;
        self
    }

    /// A multi-line text.
    pub fn lines(&mut self) -> &mut Self {
        self.flags.lines = true;
        self
    }

    /// Spaces around the typed text are not kept.
    pub fn trim(&mut self) -> &mut Self {
        self.flags.trim = true;
        self
    }

    /// A yes/no shown as a tick box (☐ / ☑).
    pub fn tick(&mut self) -> &mut Self {
        self.flags.tick = true;
        self
    }

    /// The first option of a choice reads `none` (a tier override's "by volume").
    pub fn none_reads(&mut self, none: T) -> &mut Self {
        self.none = Some(none);
        self
    }
}

/// What a form is made and read in: the workbench, or what a plan's
/// editor carries (the account's contacts) where the workbench is busy.
pub trait Ctx {
    fn lang(&self) -> Lang;
    fn today(&self) -> NaiveDate;
}

impl Ctx for App {
    fn lang(&self) -> Lang {
        self.lang
    }

    fn today(&self) -> NaiveDate {
        self.today
    }
}

/// Makes the fields of a table's row `n`, blank.
type RowMaker<C> = dyn Fn(usize, &C) -> Vec<Field>;
/// Makes a table's rows from the record.
type RowsOf<R, C> = dyn Fn(&R, &C) -> Vec<Field>;
/// Makes a field from the record.
type FieldOf<R, C> = dyn Fn(&R, &C) -> Field;
/// Reads a form's fields back onto the record.
type ReadBack<R, C> = dyn Fn(&Form, &mut R, &C);

/// One field of a record's form (or one table of rows): made from the
/// record, applied back.
trait Bind<R, C> {
    /// The field's key and label (none for a table).
    fn labelled(&self) -> Option<(&'static str, T)>;
    fn fields(&self, r: &R, app: &C, look: Look) -> Vec<Field>;
    fn apply(&self, form: &Form, r: &mut R, app: &C, look: Look);
}

/// A form field bound to one record field of a [`FormValue`] type.
struct Bound<R, X> {
    key: &'static str,
    label: T,
    get: fn(&R) -> &X,
    set: fn(&mut R) -> &mut X,
}

impl<R, X: FormValue, C: Ctx> Bind<R, C> for Bound<R, X> {
    fn labelled(&self) -> Option<(&'static str, T)> {
        Some((self.key, self.label))
    }

    fn fields(&self, r: &R, app: &C, look: Look) -> Vec<Field> {
        let mut f = X::field(self.key, self.label, (self.get)(r), app.lang());
        if look.flags.lines {
            let text = f.value();
            f = Field::lines(self.key, self.label, &text);
        }
        if look.flags.tick {
            f = Field::check(self.key, self.label, f.value() == yes_key(true), app.lang());
        }
        vec![f]
    }

    fn apply(&self, form: &Form, r: &mut R, app: &C, look: Look) {
        let text = form.text(self.key);
        let text = if look.flags.trim { text.trim() } else { text.as_str() };
        // A tick box reads 1 for ticked.
        let yes = yes_key(true);
        let text = if look.flags.tick && text == "1" { yes.as_str() } else { text };
        let value = X::read(text, app.today(), (self.get)(r));
        *(self.set)(r) = value;
    }
}

/// A choice of one of a labelled enum's values, or none ("not set", or
/// what [`Look::none_reads`] says).
struct Chosen<R, E> {
    key: &'static str,
    label: T,
    get: fn(&R) -> &Option<E>,
    set: fn(&mut R) -> &mut Option<E>,
}

impl<R, E: Labeled, C: Ctx> Bind<R, C> for Chosen<R, E> {
    fn labelled(&self) -> Option<(&'static str, T)> {
        Some((self.key, self.label))
    }

    fn fields(&self, r: &R, app: &C, look: Look) -> Vec<Field> {
        let options = choices::<E>(look.none.unwrap_or(T::NotSet), app.lang());
        vec![Field::choice(self.key, self.label, options, (self.get)(r).map(|v| v.key().to_string()))]
    }

    fn apply(&self, form: &Form, r: &mut R, _: &C, _: Look) {
        *(self.set)(r) = E::parse(&form.text(self.key));
    }
}

/// A choice of one of a labelled enum's values (one is always chosen).
struct Picked<R, E> {
    key: &'static str,
    label: T,
    get: fn(&R) -> &E,
    set: fn(&mut R) -> &mut E,
}

impl<R, E: Labeled, C: Ctx> Bind<R, C> for Picked<R, E> {
    fn labelled(&self) -> Option<(&'static str, T)> {
        Some((self.key, self.label))
    }

    fn fields(&self, r: &R, app: &C, _: Look) -> Vec<Field> {
        let options = E::ALL.iter().map(|e| (e.key().to_string(), e.label(app.lang()).to_string())).collect();
        vec![Field::choice(self.key, self.label, options, Some((self.get)(r).key().to_string()))]
    }

    fn apply(&self, form: &Form, r: &mut R, _: &C, _: Look) {
        if let Some(v) = E::parse(&form.text(self.key)) {
            *(self.set)(r) = v;
        }
    }
}

/// A table of rows: the rows made from the record, a blank row kept last
/// for typing a new one, and the filled rows read back.
struct Table<R, C> {
    rows: Box<RowsOf<R, C>>,
    blank: Box<RowMaker<C>>,
    read: Box<ReadBack<R, C>>,
}

impl<R, C> Bind<R, C> for Table<R, C> {
    fn labelled(&self) -> Option<(&'static str, T)> {
        None
    }

    /// The record's rows, then a blank row in the table's place (none when
    /// the table is full).
    fn fields(&self, r: &R, app: &C, _: Look) -> Vec<Field> {
        let mut fields = (self.rows)(r, app);
        let n = fields.iter().filter_map(|f| f.row.map(|t| t.row + 1)).max().unwrap_or(0);
        if n < crate::model::TABLE_ROWS_MAX {
            fields.extend((self.blank)(n, app));
        }
        fields
    }

    fn apply(&self, form: &Form, r: &mut R, app: &C, _: Look) {
        (self.read)(form, r, app);
    }
}

/// A form field whose making and reading are the editor's own (options
/// that depend on the account, a value with a default, a list in one text).
struct Custom<R, C> {
    key: &'static str,
    label: T,
    make: Box<FieldOf<R, C>>,
    read: Box<ReadBack<R, C>>,
}

impl<R, C> Bind<R, C> for Custom<R, C> {
    fn labelled(&self) -> Option<(&'static str, T)> {
        Some((self.key, self.label))
    }

    fn fields(&self, r: &R, app: &C, _: Look) -> Vec<Field> {
        let f = (self.make)(r, app);
        debug_assert_eq!((f.key, f.label), (self.key, self.label), "a field made by an editor keeps its key and label");
        vec![f]
    }

    fn apply(&self, form: &Form, r: &mut R, app: &C, _: Look) {
        (self.read)(form, r, app);
    }
}

/// A declared field whose type has no form field of its own (an id, a
/// whole amount the editor shows its own way): the editor must put a
/// [`Binds::custom`] in its place ([`Binds::unfilled`] finds any left).
struct Placeholder {
    key: &'static str,
    label: T,
}

impl<R, C> Bind<R, C> for Placeholder {
    fn labelled(&self) -> Option<(&'static str, T)> {
        Some((self.key, self.label))
    }

    fn fields(&self, _: &R, _: &C, _: Look) -> Vec<Field> {
        Vec::new()
    }

    fn apply(&self, _: &Form, _: &mut R, _: &C, _: Look) {}
}

/// A record kind's form fields, in the order the form shows them.
pub struct Binds<R, C = App> {
    items: Vec<(Look, Box<dyn Bind<R, C>>)>,
    /// Where the next field that is not a declared one goes (after
    /// [`Binds::after`]); the end when none.
    cursor: Option<usize>,
    placeholders: Vec<&'static str>,
}

impl<R: 'static, C> Default for Binds<R, C> {
    fn default() -> Self {
        Self { items: Vec::new(), cursor: None, placeholders: Vec::new() }
    }
}

impl<R: Fields, C: Ctx + 'static> Binds<R, C> {
    /// Every field the record declares for its form ([`crate::model::fields`]),
    /// in declaration order, each shown as its type is: the editor then
    /// replaces the fields it shows its own way and places its tables.
    pub fn declared() -> Self {
        let mut d = Declared { b: Self::default() };
        R::each(&mut d);
        d.b
    }
}

/// Makes [`Binds::declared`] from the record's declaration.
struct Declared<R, C> {
    b: Binds<R, C>,
}

impl<R: 'static, C: Ctx + 'static> Declared<R, C> {
    fn add(&mut self, def: &'static FieldDef, bind: Box<dyn Bind<R, C>>) {
        if def.look.hidden {
            return;
        }
        self.b.push(bind).flags = def.look;
    }

    fn value<X: FormValue + 'static>(&mut self, def: &'static FieldDef, get: fn(&R) -> &X, set: fn(&mut R) -> &mut X) {
        self.add(def, Box::new(Bound { key: def.name, label: def.t(), get, set }));
    }

    fn pick<E: Labeled + 'static>(&mut self, def: &'static FieldDef, get: fn(&R) -> &E, set: fn(&mut R) -> &mut E) {
        self.add(def, Box::new(Picked { key: def.name, label: def.t(), get, set }));
    }

    fn choose<E: Labeled + 'static>(
        &mut self,
        def: &'static FieldDef,
        get: fn(&R) -> &Option<E>,
        set: fn(&mut R) -> &mut Option<E>,
    ) {
        self.add(def, Box::new(Chosen { key: def.name, label: def.t(), get, set }));
    }

    fn other<X>(&mut self, def: &'static FieldDef, _: fn(&R) -> &X, _: fn(&mut R) -> &mut X) {
        if !def.look.hidden {
            self.b.placeholders.push(def.name);
        }
        self.add(def, Box::new(Placeholder { key: def.name, label: def.t() }));
    }
}

/// Each field type's form field: `value` by its [`FormValue`], `pick` and
/// `choose` a choice of a labelled enum, `other` left to the editor.
macro_rules! shown_as {
    ($($m:ident: $t:ty => $how:ident,)*) => {
        impl<R: 'static, C: Ctx + 'static> FieldVisitor<R> for Declared<R, C> {
            $(fn $m(&mut self, def: &'static FieldDef, get: fn(&R) -> &$t, set: fn(&mut R) -> &mut $t) {
                self.$how(def, get, set)
            })*
        }
    };
}

shown_as! {
    text: String => value,
    flag: bool => value,
    small: u8 => other,
    maybe_small: Option<u8> => value,
    day: NaiveDate => value,
    maybe_day: Option<NaiveDate> => value,
    maybe_time: Option<NaiveTime> => value,
    id: crate::model::Id => other,
    maybe_id: Option<crate::model::Id> => other,
    money: Money => other,
    maybe_money: Option<Money> => value,
    maybe_rate: Option<kam_rules::Rate> => other,
    payment: kam_rules::Payment => pick,
    visit_kind: crate::model::VisitKind => pick,
    vip_status: crate::model::VipStatus => pick,
    plan_status: crate::model::PlanStatus => pick,
    maybe_tier: Option<kam_rules::Tier> => choose,
    maybe_style: Option<kam_rules::SocialStyle> => choose,
    maybe_role: Option<kam_rules::BuyingRole> => choose,
}

impl<R: 'static, C: Ctx + 'static> Binds<R, C> {
    /// A field editing the record field that `get` and `set` reach (see [`bind!`]).
    pub fn add<X: FormValue + 'static>(
        &mut self,
        key: impl Into<&'static str>,
        label: T,
        get: fn(&R) -> &X,
        set: fn(&mut R) -> &mut X,
    ) -> &mut Look {
        self.push(Box::new(Bound { key: key.into(), label, get, set }))
    }

    /// A choice of a labelled enum's values, or none.
    pub fn choice<E: Labeled>(
        &mut self,
        key: impl Into<&'static str>,
        label: T,
        get: fn(&R) -> &Option<E>,
        set: fn(&mut R) -> &mut Option<E>,
    ) -> &mut Look {
        self.push(Box::new(Chosen { key: key.into(), label, get, set }))
    }

    /// A choice of a labelled enum's values, one always chosen.
    pub fn pick<E: Labeled>(
        &mut self,
        key: impl Into<&'static str>,
        label: T,
        get: fn(&R) -> &E,
        set: fn(&mut R) -> &mut E,
    ) -> &mut Look {
        self.push(Box::new(Picked { key: key.into(), label, get, set }))
    }

    /// A table of rows (see [`Table`]): `rows` makes the record's rows,
    /// `blank` row `n` empty, `read` the filled rows back.
    pub fn table(
        &mut self,
        rows: impl Fn(&R, &C) -> Vec<Field> + 'static,
        blank: impl Fn(usize, &C) -> Vec<Field> + 'static,
        read: impl Fn(&Form, &mut R, &C) + 'static,
    ) -> &mut Look {
        self.push(Box::new(Table { rows: Box::new(rows), blank: Box::new(blank), read: Box::new(read) }))
    }

    /// A field made and read by the editor itself.
    pub fn custom(
        &mut self,
        key: impl Into<&'static str>,
        label: T,
        make: impl Fn(&R, &C) -> Field + 'static,
        read: impl Fn(&Form, &mut R, &C) + 'static,
    ) -> &mut Look {
        self.push(Box::new(Custom { key: key.into(), label, make: Box::new(make), read: Box::new(read) }))
    }

    /// Adds a field, or puts it in the place of the declared field of its
    /// key (keeping that field's look); a table or another field goes where
    /// [`Binds::after`] said, else last.
    fn push(&mut self, b: Box<dyn Bind<R, C>>) -> &mut Look {
        let key = b.labelled().map(|(key, _)| key);
        if let Some(i) = key.and_then(|k| self.items.iter().position(|(_, x)| x.labelled().map(|l| l.0) == Some(k))) {
            self.placeholders.retain(|p| Some(*p) != key);
            self.items[i].1 = b;
            return &mut self.items[i].0;
        }
        let at = match self.cursor.as_mut() {
            Some(c) => {
                *c += 1;
                *c - 1
            }
            None => self.items.len(),
        };
        self.items.insert(at, (Look::default(), b));
        &mut self.items[at].0
    }

    /// Puts the fields and tables added next after the field `key`.
    pub fn after(&mut self, key: impl Into<&'static str>) -> &mut Self {
        let key = key.into();
        let i = self.position(key);
        self.cursor = Some(i + 1);
        self
    }

    /// Moves the field `key` to just before the field `before`.
    pub fn move_before(&mut self, key: impl Into<&'static str>, before: impl Into<&'static str>) -> &mut Self {
        let item = self.items.remove(self.position(key.into()));
        let at = self.position(before.into());
        self.items.insert(at, item);
        self
    }

    /// Moves the field `key` to the end of the form.
    pub fn move_last(&mut self, key: impl Into<&'static str>) -> &mut Self {
        let item = self.items.remove(self.position(key.into()));
        self.items.push(item);
        self
    }

    /// The look of the field `key`, to change it.
    pub fn look(&mut self, key: impl Into<&'static str>) -> &mut Look {
        let i = self.position(key.into());
        &mut self.items[i].0
    }

    /// The label of the field `key` (as declared).
    pub fn label_of(&self, key: impl Into<&'static str>) -> T {
        let key = key.into();
        self.labels().find(|(k, _)| *k == key).map_or_else(|| panic!("no field {key} in this form"), |(_, t)| t)
    }

    fn position(&self, key: &str) -> usize {
        self.items
            .iter()
            .position(|(_, x)| x.labelled().map(|l| l.0) == Some(key))
            .unwrap_or_else(|| panic!("no field {key} in this form"))
    }

    /// Declared fields whose type has no form field and that the editor
    /// has not replaced: each would be missing from the form.
    pub fn unfilled(&self) -> &[&'static str] {
        &self.placeholders
    }

    /// The form titled `title`, made from `r`: each table with a blank row last.
    pub fn form(&self, title: T, r: &R, app: &C) -> Form {
        let fields = self
            .items
            .iter()
            .flat_map(|(look, b)| {
                b.fields(r, app, *look).into_iter().map(|f| if look.flags.required { f.required() } else { f })
            })
            .collect();
        Form::new(title, fields)
    }

    /// Each field of `r` by its label, as its form shows it (a choice by
    /// its label, an amount in yuan, a multi-line text with its lines), and
    /// whether it is blank (nothing typed, a choice not made), for the
    /// record shown in full. Tables are left to the caller.
    pub fn shown(&self, r: &R, app: &C) -> Vec<(T, String, bool)> {
        self.items
            .iter()
            .filter(|(_, b)| b.labelled().is_some())
            .flat_map(|(look, b)| b.fields(r, app, *look))
            .filter(|f| f.row.is_none())
            .map(|f| (f.label, f.shown(), f.is_blank()))
            .collect()
    }

    /// Each field's key and label, in order (tables have none).
    fn labels(&self) -> impl Iterator<Item = (&'static str, T)> + '_ {
        self.items.iter().filter_map(|(_, b)| b.labelled())
    }

    /// The form's text applied onto `r`, field by field.
    pub fn apply(&self, form: &Form, r: &mut R, app: &C) {
        for (look, b) in &self.items {
            b.apply(form, r, app, *look);
        }
    }
}

/// A field of a record kind (by the store's kind key) by the label its
/// form shows: how the change history names it. The labels of every
/// editor are gathered once; the history asks for each line it draws.
pub fn field_label(kind: &str, field: &str) -> Option<T> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    type Labels = HashMap<(&'static str, &'static str), T>;
    static LABELS: OnceLock<Labels> = OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        let mut m = Labels::new();
        let mut add = |kind: &'static str, labels: &mut dyn Iterator<Item = (&'static str, T)>| {
            m.extend(labels.map(|(key, t)| ((kind, key), t)));
        };
        add("account", &mut account::binds().labels());
        add("contact", &mut contact::binds().labels());
        add("order", &mut order::binds().labels());
        add("visit", &mut visit::binds().labels());
        add("change_event", &mut event::binds().labels());
        add("feedback", &mut feedback::binds().labels());
        add("vip_card", &mut vip_card::binds().labels());
        add("target", &mut targets::binds().labels());
        add("call_plan", &mut plans::call_binds().labels());
        add("presentation", &mut plans::presentation_binds().labels());
        m
    });
    labels.get(&(kind, field)).copied()
}

/// The label a plan's table shows for a column of its child table
/// (`call_plan_customers.name` → 姓名, as 客户1 姓名 reads on the form); the
/// contact picked is an id, named by its own header.
pub fn row_label(table: &str, column: &str) -> Option<T> {
    use crate::model::{
        ActionStep, Commitment, CustomerParticipant, Influence, IntroQuestion, OurParticipant, PresentationParticipant,
    };
    let lang = Lang::Zh;
    let row = match table {
        "call_plan_customers" => plans::customer_row(0, &CustomerParticipant::default(), &[], lang),
        "call_plan_ours" => plans::ours_row(0, &OurParticipant::default()),
        "call_plan_influence" => plans::influence_row(0, &Influence::default()),
        "call_plan_introduction" => plans::intro_row(0, &IntroQuestion::default()),
        "call_plan_commitments" => plans::commitment_row(0, &Commitment::default(), lang),
        "presentation_participants" => plans::participant_row(0, &PresentationParticipant::default(), &[], lang),
        "presentation_steps" => plans::step_row(0, &ActionStep::default(), lang),
        _ => return None,
    };
    row.into_iter().find(|f| f.key == column && column != "contact_id").map(|f| f.label)
}

/// A record kind kept on an account's section, with its editor: what a
/// draft of it needs to reopen the form where it was.
pub trait OnAccount: crate::store::Record + Default + 'static {
    /// The section of the account the record is listed in.
    const SECTION: super::app::Section;
    /// The account the record belongs to.
    fn account(&self) -> &crate::model::Id;
    /// A blank record of the same id and account (a new record's draft
    /// reopens on it).
    fn blank_like(&self) -> Self;
    /// Opens the record's form.
    fn open(app: &mut App, r: Self);
}

macro_rules! on_account {
    ($($ty:ty => $section:ident, $open:ident;)+) => {$(
        impl OnAccount for $ty {
            const SECTION: super::app::Section = super::app::Section::$section;

            fn account(&self) -> &crate::model::Id {
                &self.account_id
            }

            fn blank_like(&self) -> Self {
                Self { meta: self.meta.clone(), account_id: self.account_id.clone(), ..Self::default() }
            }

            fn open(app: &mut App, r: Self) {
                app.$open(r);
            }
        }
    )+};
}

on_account! {
    crate::model::Contact => Contacts, open_contact_form;
    crate::model::Order => Orders, edit_order;
    crate::model::Visit => Visits, edit_visit;
    crate::model::ChangeEvent => Events, edit_event;
    crate::model::Feedback => Feedback, edit_feedback;
}

/// `bind!(binds, T::Label, field)`: a form field editing the record's
/// `field`, typed by that field and keyed by its name (the store's column,
/// the draft's and the change log's key).
macro_rules! bind {
    ($binds:expr, $label:expr, $field:ident) => {
        $binds.add(stringify!($field), $label, |r| &r.$field, |r| &mut r.$field)
    };
}
pub(crate) use bind;

/// The options of a choice over a labelled enum, after a first "none" option.
pub fn choices<E: Labeled>(none: T, lang: Lang) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.get(lang).to_string()))
        .chain(E::ALL.iter().map(|e| (e.key().to_string(), e.label(lang).to_string())))
        .collect()
}

/// The options of a yes/no choice.
pub fn yes_no(lang: Lang) -> Vec<(String, String)> {
    vec![("no".into(), T::No.get(lang).to_string()), ("yes".into(), T::Yes.get(lang).to_string())]
}

/// A yes/no choice's key.
pub fn yes_key(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use kam_rules::{BuyingRole, Labeled, Lang, Money, SocialStyle, Tier};

    use crate::model::{
        Account, ChangeEvent, Collection, Contact, Feedback, Id, Meta, Order, Responsibility, Visit, VisitKind,
    };
    use crate::tui::widgets::form::Form;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).expect("date")
    }

    /// The form of `full` applied onto `blank` (its fields the form does
    /// not hold copied over) gives `full` back: every field a form shows is
    /// saved, and every field of the record is on the form, in both languages.
    fn round_trip<R: Clone + PartialEq + std::fmt::Debug>(
        full: &R,
        blank: &R,
        form: impl Fn(&crate::tui::app::App, &R) -> Form,
        apply: impl Fn(&crate::tui::app::App, &Form, &mut R),
    ) {
        for lang in [Lang::Zh, Lang::En] {
            let (_dir, app) = crate::tui::tests::app(lang);
            let f = form(&app, full);
            let mut keys: Vec<&str> = f.fields.iter().filter(|x| x.row.is_none()).map(|x| x.key).collect();
            keys.sort_unstable();
            let n = keys.len();
            keys.dedup();
            assert_eq!(keys.len(), n, "each field once (rows of a table repeat theirs)");
            let mut back = blank.clone();
            apply(&app, &f, &mut back);
            assert_eq!(&back, full, "{lang:?}");
        }
    }

    /// Every field a record declares for its form is on its editor's form:
    /// none is left as a placeholder for a type with no form field of its
    /// own, and each declared field (not hidden) is bound under its name.
    #[test]
    fn every_declared_field_is_on_its_editors_form() {
        use crate::model::fields::Fields;
        fn check<R: Fields, C: super::Ctx + 'static>(name: &str, b: &super::Binds<R, C>) {
            assert_eq!(b.unfilled(), &[] as &[&str], "{name}: declared fields with no form field");
            let bound: Vec<&str> = b.labels().map(|(k, _)| k).collect();
            for f in R::FIELDS.iter().filter(|f| !f.look.hidden) {
                assert!(bound.contains(&f.name), "{name}: {} is not on the form", f.name);
            }
        }
        check("account", &super::account::binds());
        check("contact", &super::contact::binds());
        check("order", &super::order::binds());
        check("visit", &super::visit::binds());
        check("change_event", &super::event::binds());
        check("feedback", &super::feedback::binds());
        check("target", &super::targets::binds());
        check("vip_card", &super::vip_card::binds());
        check("call_plan", &super::plans::call_binds());
        check("presentation", &super::plans::presentation_binds());
    }

    /// Every declared field of every editor, filled with a sample value
    /// ([`crate::model::fields::sample`]), goes through its form and back:
    /// a field added to a record's declaration is on its form and saved
    /// from it with no line of the editor written for it.
    #[test]
    fn every_declared_field_goes_through_its_form_and_back() {
        use crate::model::fields::{delegate_to, for_each_field_type, sample, FieldDef, FieldVisitor, Fields};
        use crate::model::{CallPlan, Presentation, Target, VipCard};

        /// The record with its form's fields set back to their defaults
        /// (hidden ones kept: the form does not hold them).
        struct Blank<'a, R>(&'a mut R, R);
        impl<R> Blank<'_, R> {
            fn go<X: Clone>(&mut self, d: &'static FieldDef, get: fn(&R) -> &X, set: fn(&mut R) -> &mut X) {
                if !d.look.hidden {
                    *set(self.0) = get(&self.1).clone();
                }
            }
        }
        impl<R> FieldVisitor<R> for Blank<'_, R> {
            for_each_field_type!(delegate_to!(go));
        }
        fn full_and_blank<R: Fields + Default + Clone + PartialEq + std::fmt::Debug + crate::store::Record>() -> (R, R)
        {
            let mut full = sample::<R>();
            full.meta_mut().version = 1;
            let mut blank = full.clone();
            R::each(&mut Blank(&mut blank, R::default()));
            assert_ne!(full, blank);
            (full, blank)
        }
        fn app_kind<R: Fields + Default + Clone + PartialEq + std::fmt::Debug + crate::store::Record>(
            form: impl Fn(&crate::tui::app::App, &R) -> Form,
            apply: impl Fn(&crate::tui::app::App, &Form, &mut R),
        ) {
            let (full, blank) = full_and_blank::<R>();
            round_trip(&full, &blank, form, apply);
        }
        // Each kind's declared bindings (not the editor's own steps after
        // them: an order's discount computed again from its amount).
        app_kind::<Account>(super::account::form, |a, f, r| super::account::binds().apply(f, r, a));
        app_kind::<Contact>(super::contact::form, |a, f, r| super::contact::binds().apply(f, r, a));
        app_kind::<Order>(super::order::form, |a, f, r| super::order::binds().apply(f, r, a));
        app_kind::<Visit>(super::visit::form, |a, f, r| super::visit::binds().apply(f, r, a));
        app_kind::<ChangeEvent>(super::event::form, |a, f, r| super::event::binds().apply(f, r, a));
        app_kind::<Feedback>(super::feedback::form, |a, f, r| super::feedback::binds().apply(f, r, a));
        app_kind::<Target>(super::targets::form, |a, f, r| super::targets::binds().apply(f, r, a));
        app_kind::<VipCard>(super::vip_card::form, super::vip_card::apply);
        for lang in [Lang::Zh, Lang::En] {
            let ctx = super::plans::PlanCtx { lang, today: day(1), contacts: Vec::new() };
            let (full, mut back) = full_and_blank::<CallPlan>();
            let f = super::plans::call_form(&ctx, &full);
            super::plans::call_binds().apply(&f, &mut back, &ctx);
            assert_eq!(back, full, "call plan {lang:?}");
            let (full, mut back) = full_and_blank::<Presentation>();
            let f = super::plans::presentation_form(&ctx, &full);
            super::plans::presentation_binds().apply(&f, &mut back, &ctx);
            assert_eq!(back, full, "presentation {lang:?}");
        }
    }

    /// A Chinese export's header is the label its form shows: a rep who
    /// reads 下一步日期 on the screen finds 下一步日期 in the spreadsheet.
    #[test]
    fn a_chinese_export_header_is_the_forms_label() {
        let mut differ = Vec::new();
        for kind in crate::store::RecordKind::ALL {
            let table = kind.table();
            for layout in crate::store::export_layouts().into_iter().filter(|l| l.table == table) {
                let mut headers: Vec<String> =
                    layout.columns.iter().map(|c| crate::exchange::export::header(table, c, Lang::Zh)).collect();
                headers.sort();
                let n = headers.len();
                headers.dedup();
                assert_eq!(headers.len(), n, "{table}: each header once, so a merge reads it back");
                for column in layout.columns {
                    let Some(label) = super::field_label(kind.key(), column) else { continue };
                    let header = crate::exchange::export::header(table, column, Lang::Zh);
                    if header != label.get(Lang::Zh) {
                        differ.push(format!("{table}.{column}: {header} ≠ {}", label.get(Lang::Zh)));
                    }
                }
            }
        }
        assert!(differ.is_empty(), "{}", differ.join("\n"));
        // A plan's tables too: 客户1 姓名 on the form is 姓名 in call_plan_customers.csv.
        for layout in crate::store::export_layouts().into_iter().filter(|l| l.child.is_some()) {
            let mut headers: Vec<String> =
                layout.columns.iter().map(|c| crate::exchange::export::header(layout.table, c, Lang::Zh)).collect();
            headers.sort();
            let n = headers.len();
            headers.dedup();
            assert_eq!(headers.len(), n, "{}: each header once", layout.table);
            for column in layout.columns {
                if let Some(label) = super::row_label(layout.table, column) {
                    assert_eq!(crate::exchange::export::header(layout.table, column, Lang::Zh), label.get(Lang::Zh));
                }
            }
        }
        assert_eq!(super::row_label("call_plan_customers", "name").map(|t| t.get(Lang::Zh)), Some("姓名"));
    }

    #[test]
    fn every_account_field_goes_through_its_form() {
        let full = Account {
            name: "上海华联有限公司".into(),
            short_name: "华联".into(),
            industry: "零售".into(),
            region: "华东".into(),
            address: "上海市南京西路 1 号".into(),
            phone: "021-62345678".into(),
            website: "example.com".into(),
            company_size: "500 人".into(),
            registered_capital: Some(Money::from_yuan(30_000_000)),
            listed: true,
            owner: "李雷".into(),
            tier_override: Some(Tier::Gold),
            tier_override_reason: "战略客户".into(),
            notes: "第一行\n第二行".into(),
            credit_limit: Some(Money::from_yuan(50_000)),
            payment_terms: "月结 30 天".into(),
            customer_since: Some(day(1)),
            ..Account::default()
        };
        let blank = Account {
            meta: full.meta.clone(),
            scores: full.scores.clone(),
            archive: full.archive.clone(),
            ..Account::default()
        };
        round_trip(&full, &blank, super::account::form, super::account::apply);
    }

    #[test]
    fn every_contact_field_goes_through_its_form() {
        let full = Contact {
            account_id: Id::new(),
            name: "曾志伟".into(),
            company: "华联".into(),
            title: "采购总监".into(),
            phone: "13800138000".into(),
            fax: "021-1".into(),
            email: "zeng@example.com".into(),
            education: "硕士".into(),
            birth_date: Some(day(2)),
            address: "上海".into(),
            spouse: "王丽".into(),
            secretary: "小陈".into(),
            employer: "华联".into(),
            background: "二十年采购".into(),
            personality: "谨慎".into(),
            social_style: Some(SocialStyle::ALL[1]),
            recent: "刚升职".into(),
            responsibilities: vec![Responsibility { text: "采购".into() }, Responsibility { text: "预算".into() }],
            criteria_technical: "稳定".into(),
            criteria_business: "价格".into(),
            buying_role: Some(BuyingRole::ALL[2]),
            personal_agenda: "升职".into(),
            political_strategy: "多沟通".into(),
            consent: true,
            consent_date: Some(day(3)),
            ..Contact::default()
        };
        // Whom they report to is chosen among the account's other contacts
        // (the key-driven test of every editor covers it).
        let blank = Contact {
            meta: full.meta.clone(),
            account_id: full.account_id.clone(),
            behaviours: full.behaviours.clone(),
            ..Contact::default()
        };
        round_trip(&full, &blank, super::contact::form, super::contact::apply);
    }

    #[test]
    fn every_event_and_feedback_field_goes_through_its_form() {
        let account_id = Id::new();
        let full = ChangeEvent {
            account_id: account_id.clone(),
            date: day(4),
            kind: "人事变动".into(),
            description: "采购总监离职".into(),
            follow_up: "拜访新负责人".into(),
            ..ChangeEvent::default()
        };
        let blank = ChangeEvent { meta: full.meta.clone(), account_id: account_id.clone(), ..ChangeEvent::default() };
        round_trip(&full, &blank, super::event::form, super::event::apply);
        let full = Feedback {
            account_id: account_id.clone(),
            date: day(5),
            from_whom: "曾志伟".into(),
            satisfaction: Some(3),
            complaint: true,
            content: "交货慢".into(),
            handling: "加急".into(),
            closed: true,
            ..Feedback::default()
        };
        let blank = Feedback { meta: full.meta.clone(), account_id, ..Feedback::default() };
        round_trip(&full, &blank, super::feedback::form, super::feedback::apply);
    }

    #[test]
    fn every_order_and_visit_field_goes_through_its_form() {
        use chrono::NaiveTime;
        use kam_rules::discount::{discount, Payment};
        let account_id = Id::new();
        let (amount, payment) = (Money::from_yuan(12_345), Payment::ALL[1]);
        // The discount is the rule's (the test workbench's rules, no account open: silver).
        let q = discount(&kam_rules::Rules::default(), Tier::Silver, amount, payment, true);
        let full = Order {
            meta: Meta { version: 1, ..Meta::default() },
            account_id: account_id.clone(),
            date: day(6),
            amount,
            payment,
            promotion: true,
            discount_rate: Some(q.rate),
            net_amount: q.net,
            due_date: Some(day(30)),
            rep: "李雷".into(),
            collections: vec![
                Collection { date: day(7), amount: Money::from_yuan(100) },
                Collection { date: day(8), amount: Money::from_yuan(200) },
            ],
        };
        let blank = Order { meta: full.meta.clone(), account_id: account_id.clone(), ..Order::default() };
        round_trip(&full, &blank, super::order::form, super::order::apply);
        let full = Visit {
            account_id: account_id.clone(),
            date: day(9),
            time: NaiveTime::from_hms_opt(14, 30, 0),
            kind: VisitKind::ALL[1],
            by: "王芳".into(),
            by_manager: true,
            purpose: "介绍新品".into(),
            summary: "客户关心交货期".into(),
            next_step: "寄样品".into(),
            next_date: Some(day(20)),
            ..Visit::default()
        };
        // The contacts met are chosen among the account's contacts (the
        // key-driven test of every editor covers them).
        let blank = Visit { meta: full.meta.clone(), account_id, ..Visit::default() };
        round_trip(&full, &blank, super::visit::form, super::visit::apply);
    }

    #[test]
    fn every_vip_card_field_goes_through_its_form() {
        use crate::model::{FabItem, Objection, Resolution, VipCard, VipStatus};
        use chrono::NaiveTime;
        use kam_rules::ObjectionType;
        let fab = |n: &str| FabItem { item: format!("项链{n}"), image_path: String::new(), fab: format!("FAB{n}") };
        let full = VipCard {
            store: "南京西路店".into(),
            received_by: "李娜".into(),
            visit_date: day(11),
            visit_time: NaiveTime::from_hms_opt(15, 5, 0),
            photo_path: String::new(),
            salutation: "王女士".into(),
            age: "30-40".into(),
            // A value the card does not offer stays as it was.
            industry: "航运".into(),
            position: "总经理".into(),
            vehicle: "宝马".into(),
            phone: "13900001111".into(),
            accessories: "手表".into(),
            style: "简约".into(),
            usage: "送礼".into(),
            price_range: "1-2万".into(),
            material: "18K金".into(),
            traits: "果断".into(),
            recommended: vec![fab("1"), FabItem::default(), fab("3")],
            objections: vec![Objection { kind: Some(ObjectionType::ALL[0]), text: "太贵".into() }],
            reception_summary: "第一行\n第二行".into(),
            team_suggestions: "下次带新款".into(),
            re_recommended: vec![fab("4")],
            resolutions: vec![Resolution { text: "分期".into() }],
            status: VipStatus::ALL[1],
            next_contact: Some(day(20)),
            consent: true,
            consent_date: Some(day(11)),
            ..VipCard::default()
        };
        // Handovers and the account made from the card have keys of their own.
        let blank = VipCard {
            meta: full.meta.clone(),
            account_id: full.account_id.clone(),
            handovers: full.handovers.clone(),
            ..VipCard::default()
        };
        round_trip(&full, &blank, super::vip_card::form, super::vip_card::apply);
    }

    #[test]
    fn every_handover_field_goes_through_its_form() {
        use crate::model::Handover;
        let full =
            Handover { from: "王芳".into(), to: "张伟".into(), date: day(12), note: "第一行\n第二行".into() };
        // Who hands the card over and when are the card's holder and today.
        let blank = Handover { from: full.from.clone(), date: full.date, ..Handover::default() };
        round_trip(&full, &blank, super::handover::form, super::handover::apply);
    }

    #[test]
    fn a_status_form_starts_on_the_next_status_and_saves_what_it_shows() {
        use crate::model::VipStatus;
        for lang in [Lang::Zh, Lang::En] {
            let (_dir, app) = crate::tui::tests::app(lang);
            for s in VipStatus::ALL.iter().copied() {
                let f = super::vip_status::form(&app, s);
                let offered: Vec<&str> = f.fields.iter().map(|x| x.key).collect();
                assert_eq!(offered, ["status"]);
                let mut back = s;
                super::vip_status::apply(&app, &f, &mut back);
                assert_eq!(back, super::vip_status::next(s), "{lang:?}");
                assert_ne!(back, s, "a key pressed and saved moves the status on");
            }
        }
        // Every status is shown and read back as itself.
        for s in VipStatus::ALL {
            let blank = VipStatus::ALL[0];
            round_trip(
                s,
                &blank,
                |app, s| super::vip_status::binds().form(crate::i18n::T::VipStatusTitle, s, app),
                super::vip_status::apply,
            );
        }
    }

    #[test]
    fn every_quote_field_goes_through_its_form() {
        use super::quote::Quote;
        use kam_rules::discount::Payment;
        for full in [
            Quote { amount: Some(Money::from_yuan(12_345)), payment: Payment::ALL[1], promotion: true },
            Quote { amount: Some(Money::parse("0.05").expect("amount")), payment: Payment::Cash, promotion: false },
            Quote::default(),
        ] {
            let blank = Quote { amount: Some(Money::from_yuan(1)), payment: Payment::ALL[1], promotion: true };
            round_trip(&full, &blank, super::quote::form, super::quote::apply);
        }
        // An order's form reads as the quote of its amount, payment and promotion.
        let (_dir, app) = crate::tui::tests::app(Lang::Zh);
        let o = Order {
            meta: Meta { version: 1, ..Meta::default() },
            amount: Money::from_yuan(50_000),
            payment: Payment::ALL[1],
            promotion: true,
            ..Order::default()
        };
        let mut q = Quote::default();
        super::quote::apply(&app, &super::order::form(&app, &o), &mut q);
        assert_eq!(q, Quote { amount: Some(o.amount), payment: o.payment, promotion: o.promotion });
    }

    #[test]
    fn every_target_field_goes_through_its_form() {
        use crate::model::Target;
        let full = Target {
            rep: "王芳".into(),
            period: "2026-11".into(),
            planned_sales: Some(Money::from_yuan(500_000)),
            planned_collection: Some(Money::from_yuan(400_000)),
            expense_budget: Some(Money::from_yuan(20_000)),
            expense_actual: Some(Money::from_yuan(18_500)),
            ability: Some(85),
            attitude: Some(100),
            ..Target::default()
        };
        // Who the targets are of and who scored them are not typed.
        let blank = Target {
            meta: full.meta.clone(),
            rep: full.rep.clone(),
            period: full.period.clone(),
            scored_by: full.scored_by.clone(),
            scored_on: full.scored_on,
            ..Target::default()
        };
        round_trip(&full, &blank, super::targets::form, super::targets::apply);
        // A score outside 0–100 is marked beside its field.
        let (_dir, app) = crate::tui::tests::app(Lang::Zh);
        let mut f = super::targets::form(&app, &full);
        f.set_value("attitude", "101");
        super::targets::check(&mut f, &app);
        let marked: Vec<&str> = f.fields.iter().filter(|x| x.error.is_some()).map(|x| x.key).collect();
        assert_eq!(marked, ["attitude"]);
    }

    #[test]
    fn every_setting_goes_through_its_form() {
        use crate::config::{Config, Role};
        for (role, language) in [(Role::Manager, "en"), (Role::Staff, "zh"), (Role::Rep, "zh")] {
            let full = Config {
                user: Some("王芳".into()),
                role,
                store: Some("南京西路店".into()),
                language: Some(language.into()),
                hub: Some("postgresql://kam@hub.example.com/kam".into()),
            };
            // The hub's address is set in config.toml, not on the form.
            let blank = Config { hub: full.hub.clone(), ..Config::default() };
            round_trip(&full, &blank, super::settings::form, super::settings::apply);
        }
    }

    #[test]
    fn every_archive_field_goes_through_its_form() {
        use crate::model::{ArchiveCategory, ArchiveEntry};
        let full = ArchiveEntry {
            category: ArchiveCategory::ALL[3],
            date: Some(day(10)),
            title: "价格让步".into(),
            content: "第一行\n第二行".into(),
            amount: Some(Money::from_yuan(8_000)),
            approval: "王总".into(),
            reason: "年底冲量".into(),
            responsibility: "销售部".into(),
        };
        round_trip(
            &full,
            &ArchiveEntry::default(),
            |app, e| super::archive::form(app, e, false),
            |app, f, e| {
                *e = super::archive::entry(app, f);
            },
        );
        // An edit asks why, apart from the entry.
        let (_dir, app) = crate::tui::tests::app(Lang::Zh);
        let f = super::archive::form(&app, &full, true);
        assert!(f.fields.last().is_some_and(|x| x.key == super::archive::CHANGE_REASON && x.required));
        assert_eq!(super::archive::entry(&app, &f), full);
    }
}
