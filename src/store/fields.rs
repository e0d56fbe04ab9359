//! A record's declared fields ([`crate::model::fields`]) as the columns
//! of its table: each field's value written and read through its type's
//! [`Col`], in declaration order.

use std::marker::PhantomData;

use rusqlite::types::Value;

use super::col::{Col, Shown};
use super::StoreError;
use crate::model::fields::{delegate_to, for_each_field_type, FieldDef, FieldVisitor, Fields};
use crate::model::ModelError;

/// The record's stored fields as column values, in column order.
pub(crate) fn values<R: Fields>(r: &R) -> Vec<Value> {
    let mut v = Values { r, out: Vec::with_capacity(R::NAMES.len()) };
    R::each(&mut v);
    v.out
}

struct Values<'a, R> {
    r: &'a R,
    out: Vec<Value>,
}

impl<R> Values<'_, R> {
    fn go<X: Col>(&mut self, _: &'static FieldDef, get: fn(&R) -> &X, _: fn(&mut R) -> &mut X) {
        self.out.push(get(self.r).to_value());
    }
}

impl<R> FieldVisitor<R> for Values<'_, R> {
    for_each_field_type!(delegate_to!(go));
}

/// Sets the record's stored fields from column values in column order (a
/// missing value reads as NULL); the first value that does not read is
/// the error, naming its table, column and the record's id.
pub(crate) fn set_values<R: Fields + super::Record>(r: &mut R, values: Vec<Value>) -> Result<(), StoreError> {
    let id = r.meta().id.to_string();
    let mut s = SetValues { values: values.into_iter(), r, err: None };
    R::each(&mut s);
    match s.err {
        Some((column, detail)) => {
            Err(StoreError::BadValue { table: R::KIND.table(), column: column.to_string(), id, detail })
        }
        None => Ok(()),
    }
}

struct SetValues<'a, R> {
    values: std::vec::IntoIter<Value>,
    r: &'a mut R,
    err: Option<(&'static str, String)>,
}

impl<R> SetValues<'_, R> {
    fn go<X: Col>(&mut self, def: &'static FieldDef, _: fn(&R) -> &X, set: fn(&mut R) -> &mut X) {
        let v = self.values.next().unwrap_or(Value::Null);
        if self.err.is_some() {
            return;
        }
        match X::from_value(v) {
            Ok(x) => *set(self.r) = x,
            Err(detail) => self.err = Some((def.name, detail)),
        }
    }
}

impl<R> FieldVisitor<R> for SetValues<'_, R> {
    for_each_field_type!(delegate_to!(go));
}

/// Refuses text in any stored field that kam never keeps (control
/// characters, past the length limits).
pub(crate) fn check_texts<R: Fields>(r: &R) -> Result<(), ModelError> {
    let mut c = CheckTexts { r, err: None };
    R::each(&mut c);
    c.err.map_or(Ok(()), Err)
}

struct CheckTexts<'a, R> {
    r: &'a R,
    err: Option<ModelError>,
}

impl<R> CheckTexts<'_, R> {
    fn go<X: Col>(&mut self, def: &'static FieldDef, get: fn(&R) -> &X, _: fn(&mut R) -> &mut X) {
        if self.err.is_some() {
            return;
        }
        if let Value::Text(s) = get(self.r).to_value() {
            if let Err(e) = crate::model::check_text(def.name, def.name, &s) {
                self.err = Some(e);
            }
        }
    }
}

impl<R> FieldVisitor<R> for CheckTexts<'_, R> {
    for_each_field_type!(delegate_to!(go));
}

/// How each stored field reads to a person, in column order.
pub(crate) fn shown<R: Fields>() -> Vec<Shown> {
    let mut s = ShownOf(Vec::with_capacity(R::NAMES.len()), PhantomData);
    R::each(&mut s);
    s.0
}

struct ShownOf<R>(Vec<Shown>, PhantomData<R>);

impl<R> ShownOf<R> {
    fn go<X: Col>(&mut self, _: &'static FieldDef, _: fn(&R) -> &X, _: fn(&mut R) -> &mut X) {
        self.0.push(X::SHOWN);
    }
}

impl<R> FieldVisitor<R> for ShownOf<R> {
    for_each_field_type!(delegate_to!(go));
}
