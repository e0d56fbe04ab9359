//! Reusable pieces: the one-line and multi-line text inputs and typed form fields.

pub mod form;
pub mod input;
pub mod keys;
pub mod lines;
