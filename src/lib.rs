//! kam as a library: everything the binary does, so integration tests and
//! benchmarks can drive the store, the exchange and the commands directly.
//!
//! Arrows point one way: tui → store → model → kam-rules.

pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod demo;
pub mod evaluation_text;
pub mod exchange;
pub mod files;
pub mod finder;
pub mod i18n;
pub mod model;
pub mod os_keyring;
pub mod par;
pub mod paths;
pub mod safe_text;
pub mod store;
pub mod tui;
pub mod width;
