//! The workbench: `kam` with no command. State and `update` in [`app`],
//! drawing in [`screens`], the event loop in [`run`], the terminal in
//! [`terminal`].

pub mod account_detail;
pub mod account_list;
pub mod app;
pub mod approvals;
pub mod archive;
pub mod draft;
pub mod editors;
pub mod forms;
pub mod keymap;
pub mod photo;
pub mod picker;
pub mod plans;
pub mod records;
pub mod run;
pub mod scorecard;
pub mod screens;
pub mod sync;
pub mod terminal;
pub mod text_search;
pub mod today;
pub mod vip;
pub mod widgets;
pub mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_erase;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_leave;
#[cfg(test)]
mod tests_ledger;
#[cfg(test)]
mod tests_plans;
#[cfg(test)]
mod tests_safety;
#[cfg(test)]
mod tests_sync;
#[cfg(test)]
mod tests_text_search;
#[cfg(test)]
mod tests_today;
#[cfg(test)]
mod tests_vip;
