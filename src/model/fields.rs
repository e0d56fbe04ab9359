//! A record's fields declared once.
//!
//! A record kind is a struct written with [`record_struct!`]: each stored
//! field carries its label in both languages and how its form shows it,
//! beside its name and type. The store's columns, the export's headers, the
//! change history's names and the default editor all come from that
//! declaration through [`Fields`], so a new field is one line plus the
//! schema's column.
//!
//! Consumers walk the fields with a [`FieldVisitor`]: one method per field
//! type, each handed the field's declaration and typed accessors. A
//! consumer that treats every type alike (the store converts each through
//! its column trait) writes the methods with [`for_each_field_type!`] and
//! one generic function; a field of a type the list lacks does not compile.

use crate::i18n::{Label, T};

/// How a field's form shows it beyond its type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    /// The form refuses to save while it is blank.
    pub required: bool,
    /// A multi-line text.
    pub lines: bool,
    /// Spaces around the typed text are not kept.
    pub trim: bool,
    /// A yes/no shown as a tick box.
    pub tick: bool,
    /// Kept and exported but not on the form (a link to the parent, a
    /// value a rule computes).
    pub hidden: bool,
}

impl Look {
    pub const PLAIN: Self = Self { required: false, lines: false, trim: false, tick: false, hidden: false };
}

/// One stored field of a record: its column's name, its label and its look.
#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub label: Label,
    pub look: Look,
}

impl FieldDef {
    /// The label as a UI string.
    pub fn t(&'static self) -> T {
        T::Of(&self.label)
    }
}

/// A record kind whose stored fields are declared with [`record_struct!`].
pub trait Fields: Sized + 'static {
    /// The stored fields, in column order.
    const FIELDS: &'static [FieldDef];
    /// Their names: the table's columns after the bookkeeping ones.
    const NAMES: &'static [&'static str];
    /// Hands each stored field, in order, to `v`.
    fn each<V: FieldVisitor<Self>>(v: &mut V);

    /// The declaration of the field `name`.
    fn field(name: &str) -> Option<&'static FieldDef> {
        Self::FIELDS.iter().find(|f| f.name == name)
    }
}

/// Calls `$cb! { ($($arg)*) method: Type, … }` with every field type a
/// record may declare, each with the name of its [`FieldVisitor`] method.
macro_rules! for_each_field_type {
    ($cb:ident ! ($($arg:tt)*)) => {
        $cb! {
            ($($arg)*)
            text: String,
            flag: bool,
            small: u8,
            maybe_small: Option<u8>,
            day: chrono::NaiveDate,
            maybe_day: Option<chrono::NaiveDate>,
            maybe_time: Option<chrono::NaiveTime>,
            id: $crate::model::Id,
            maybe_id: Option<$crate::model::Id>,
            money: kam_rules::Money,
            maybe_money: Option<kam_rules::Money>,
            maybe_rate: Option<kam_rules::Rate>,
            payment: kam_rules::Payment,
            visit_kind: $crate::model::VisitKind,
            vip_status: $crate::model::VipStatus,
            plan_status: $crate::model::PlanStatus,
            maybe_tier: Option<kam_rules::Tier>,
            maybe_style: Option<kam_rules::SocialStyle>,
            maybe_role: Option<kam_rules::BuyingRole>,
        }
    };
}
pub(crate) use for_each_field_type;

macro_rules! visitor_trait {
    (() $($m:ident: $t:ty,)*) => {
        /// Walks a record's fields: one method per field type.
        pub trait FieldVisitor<R> {
            $(fn $m(&mut self, def: &'static FieldDef, get: fn(&R) -> &$t, set: fn(&mut R) -> &mut $t);)*
        }

        /// A type a record field may have: calls its visitor's method.
        pub trait FieldType: Sized {
            fn accept<R, V: FieldVisitor<R>>(
                v: &mut V,
                def: &'static FieldDef,
                get: fn(&R) -> &Self,
                set: fn(&mut R) -> &mut Self,
            );
        }

        $(impl FieldType for $t {
            fn accept<R, V: FieldVisitor<R>>(
                v: &mut V,
                def: &'static FieldDef,
                get: fn(&R) -> &Self,
                set: fn(&mut R) -> &mut Self,
            ) {
                v.$m(def, get, set)
            }
        })*
    };
}
for_each_field_type!(visitor_trait!());

/// The methods of a [`FieldVisitor`] that hand every type to one generic
/// method of the visitor, `self.$go(def, get, set)`: use inside
/// `impl FieldVisitor<R> for …` as `for_each_field_type!(delegate_to!(go))`.
macro_rules! delegate_to {
    (($go:ident) $($m:ident: $t:ty,)*) => {
        $(fn $m(
            &mut self,
            def: &'static $crate::model::fields::FieldDef,
            get: fn(&R) -> &$t,
            set: fn(&mut R) -> &mut $t,
        ) {
            self.$go(def, get, set)
        })*
    };
}
pub(crate) use delegate_to;

/// Declares a record struct whose stored fields carry their label and look:
///
/// ```ignore
/// record_struct! {
///     /// A visit.
///     #[derive(Clone, Debug, Default)]
///     pub struct Visit {
///         pub meta: Meta,
///         pub account_id: Id => ("客户ID", "Account") [hidden],
///         pub contacts: Vec<VisitContact>,
///         pub date: NaiveDate => ("日期", "Date") [required],
///     }
/// }
/// ```
///
/// A field with `=> (zh, en)` is stored in the record's table, in the
/// order written; one without (the bookkeeping, the tables of rows) is
/// not. The bracket names the [`Look`] flags that are set.
macro_rules! record_struct {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fattr:meta])*
                $fvis:vis $f:ident : $t:ty $(=> ($zh:literal, $en:literal) $([$($look:ident)*])?)?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $($(#[$fattr])* $fvis $f: $t,)*
        }

        impl $crate::model::fields::Fields for $name {
            const FIELDS: &'static [$crate::model::fields::FieldDef] = &[$($(
                $crate::model::fields::FieldDef {
                    name: stringify!($f),
                    label: $crate::i18n::Label { zh: $zh, en: $en },
                    look: $crate::model::fields::Look {
                        $($($look: true,)*)?
                        ..$crate::model::fields::Look::PLAIN
                    },
                },
            )?)*];
            const NAMES: &'static [&'static str] = &[$($({
                let _ = $zh;
                stringify!($f)
            },)?)*];

            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn each<V: $crate::model::fields::FieldVisitor<Self>>(v: &mut V) {
                let mut i = 0;
                $($(
                    let _ = $zh;
                    <$t as $crate::model::fields::FieldType>::accept::<Self, V>(
                        v,
                        &Self::FIELDS[i],
                        |r| &r.$f,
                        |r| &mut r.$f,
                    );
                    i += 1;
                )?)*
            }
        }
    };
}
pub(crate) use record_struct;

/// A record of kind `R` with every stored field set to a value of its
/// type that is not the default (links to other records, ids and
/// computed rates left as they are), for tests that a field declared once
/// goes everywhere: a field added to a declaration is filled here too.
#[doc(hidden)]
pub fn sample<R: Fields + Default>() -> R {
    let mut r = R::default();
    let mut v = Sample(&mut r);
    R::each(&mut v);
    r
}

struct Sample<'a, R>(&'a mut R);

impl<R> Sample<'_, R> {
    fn put<X>(&mut self, set: fn(&mut R) -> &mut X, x: X) {
        *set(self.0) = x;
    }

    fn second<E: kam_rules::Labeled>(&mut self, set: fn(&mut R) -> &mut E) {
        self.put(set, E::ALL[1]);
    }

    fn some_second<E: kam_rules::Labeled>(&mut self, set: fn(&mut R) -> &mut Option<E>) {
        self.put(set, Some(E::ALL[1]));
    }
}

macro_rules! sample_values {
    ($($m:ident: $t:ty => |$this:ident, $d:ident, $set:ident| $e:expr,)*) => {
        impl<R> FieldVisitor<R> for Sample<'_, R> {
            $(
                #[allow(unused_variables)]
                fn $m(&mut self, $d: &'static FieldDef, _: fn(&R) -> &$t, $set: fn(&mut R) -> &mut $t) {
                    let $this = self;
                    $e
                }
            )*
        }
    };
}

fn sample_day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default()
}

sample_values! {
    text: String => |s, d, set| s.put(set, format!("样例 {}", d.name)),
    flag: bool => |s, d, set| s.put(set, true),
    small: u8 => |s, d, set| s.put(set, 7),
    maybe_small: Option<u8> => |s, d, set| s.put(set, Some(4)),
    day: chrono::NaiveDate => |s, d, set| s.put(set, sample_day(9)),
    maybe_day: Option<chrono::NaiveDate> => |s, d, set| s.put(set, Some(sample_day(20))),
    maybe_time: Option<chrono::NaiveTime> => |s, d, set| s.put(set, chrono::NaiveTime::from_hms_opt(14, 30, 0)),
    id: super::Id => |s, d, set| (),
    maybe_id: Option<super::Id> => |s, d, set| (),
    money: kam_rules::Money => |s, d, set| s.put(set, kam_rules::Money::from_yuan(1234)),
    maybe_money: Option<kam_rules::Money> => |s, d, set| s.put(set, Some(kam_rules::Money::from_yuan(56))),
    maybe_rate: Option<kam_rules::Rate> => |s, d, set| (),
    payment: kam_rules::Payment => |s, d, set| s.second(set),
    visit_kind: super::VisitKind => |s, d, set| s.second(set),
    vip_status: super::VipStatus => |s, d, set| s.second(set),
    plan_status: super::PlanStatus => |s, d, set| s.second(set),
    maybe_tier: Option<kam_rules::Tier> => |s, d, set| s.some_second(set),
    maybe_style: Option<kam_rules::SocialStyle> => |s, d, set| s.some_second(set),
    maybe_role: Option<kam_rules::BuyingRole> => |s, d, set| s.some_second(set),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts fields by visiting them, to check `each` walks FIELDS in order.
    struct Names<R>(Vec<&'static str>, std::marker::PhantomData<R>);

    impl<R> Names<R> {
        fn go<X>(&mut self, def: &'static FieldDef, _: fn(&R) -> &X, _: fn(&mut R) -> &mut X) {
            self.0.push(def.name);
        }
    }

    impl<R> FieldVisitor<R> for Names<R> {
        for_each_field_type!(delegate_to!(go));
    }

    fn walked<R: Fields>() -> Vec<&'static str> {
        let mut n = Names(Vec::new(), std::marker::PhantomData);
        R::each(&mut n);
        n.0
    }

    #[test]
    fn each_walks_the_declared_fields_in_order() {
        use crate::model::*;
        assert_eq!(walked::<Visit>(), Visit::NAMES);
        assert_eq!(walked::<Account>(), Account::NAMES);
        assert_eq!(walked::<Contact>(), Contact::NAMES);
        assert_eq!(walked::<Order>(), Order::NAMES);
        assert_eq!(walked::<CallPlan>(), CallPlan::NAMES);
        assert_eq!(walked::<VipCard>(), VipCard::NAMES);
        assert_eq!(Visit::NAMES.first(), Some(&"account_id"));
        assert!(Visit::field("next_date").is_some_and(|f| !f.look.hidden));
    }

    #[test]
    fn every_declared_label_is_given_in_both_languages() {
        use crate::model::*;
        let all = [
            Account::FIELDS,
            Contact::FIELDS,
            Order::FIELDS,
            Visit::FIELDS,
            ChangeEvent::FIELDS,
            Feedback::FIELDS,
            Target::FIELDS,
            CallPlan::FIELDS,
            Presentation::FIELDS,
            VipCard::FIELDS,
        ];
        for f in all.iter().flat_map(|fs| fs.iter()) {
            assert!(!f.label.zh.trim().is_empty() && !f.label.en.trim().is_empty(), "{}", f.name);
            assert!(f.label.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}: {}", f.name, f.label.zh);
        }
    }
}
