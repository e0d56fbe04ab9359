//! Progress of a long import or export on the terminal: a spinner with the
//! table and row count once the work has taken a second, on stderr, and
//! nothing at all when stderr is not a terminal (output piped or logged).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Reports `(what, rows so far)` as work goes on.
pub type OnProgress<'a> = &'a mut dyn FnMut(&str, u64);

/// A terminal progress line that appears only after a second.
pub struct TermProgress {
    start: Instant,
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl TermProgress {
    /// Shown only when stderr is a terminal.
    pub fn new() -> Self {
        Self { start: Instant::now(), bar: None, enabled: std::io::stderr().is_terminal() }
    }

    /// Updates the line; called often, it costs a clock read until the second has passed.
    pub fn update(&mut self, what: &str, rows: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= Duration::from_secs(1) {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {pos} rows ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_string());
            bar.set_position(rows);
        }
    }

    /// Removes the line.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Default for TermProgress {
    fn default() -> Self {
        Self::new()
    }
}
