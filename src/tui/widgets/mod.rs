//! Reusable pieces: the text input and typed form fields.

pub mod form;
pub mod input;
