//! CSV export, spreadsheet import and merging, over `impl Write` / `impl Read`;
//! plans printed as Markdown.

pub mod csv_out;
pub mod day_end;
pub mod export;
pub mod hub_sync;
pub mod import;
pub mod markdown;
pub mod progress;
pub mod scan;
pub mod text;
