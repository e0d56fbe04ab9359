//! CSV export, spreadsheet import and merging, over `impl Write` / `impl Read`.

pub mod csv_out;
pub mod export;
pub mod import;
pub mod progress;
pub mod text;
