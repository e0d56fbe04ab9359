//! Terminal set-up and restore on every exit path: a drop guard for normal
//! returns and errors, and a panic hook that restores before the message is
//! printed (the hook runs before unwinding drops the guard, so the message
//! lands on a sane screen).

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// Whether the terminal is currently switched into raw/alternate mode, so
/// the guard and the hook restore it exactly once.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal when dropped.
pub struct Guard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        let _ = self.terminal.show_cursor();
    }
}

/// Switches the terminal on (raw mode, alternate screen, bracketed paste)
/// and installs the panic hook.
pub fn init() -> io::Result<Guard> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(out)) {
        Ok(terminal) => Ok(Guard { terminal }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Undoes everything `init` switched on. Safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen, crossterm::cursor::Show);
        let _ = disable_raw_mode();
    }
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(move |info| {
        restore();
        // The message may quote a field's text: printed safe, never raw.
        eprintln!("{}", crate::safe_text::lines(&info.to_string()));
        let trace = std::backtrace::Backtrace::capture();
        if trace.status() == std::backtrace::BacktraceStatus::Captured {
            eprintln!("{}", crate::safe_text::lines(&trace.to_string()));
        }
    }));
}

/// Whether the terminal is switched on (for tests of the restore paths).
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_restores_the_terminal() {
        // Simulate an active terminal without touching the real tty, then panic
        // through the installed hook: the hook must switch it off.
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        let r = std::panic::catch_unwind(|| panic!("boom in update"));
        assert!(r.is_err());
        assert!(!is_active(), "the panic hook restored the terminal");
    }
}
