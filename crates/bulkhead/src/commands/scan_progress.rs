//! The progress bar of a file scan, on standard error: files read, then objects checked.
//!
//! Only on a terminal, never with `--quiet` or when `CI` is set (logs are not terminals, and
//! a bar's redraws would fill them), and only once the scan has taken more than a moment:
//! a small scan ends before anything is drawn.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bulkhead_engine::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a scan runs before its bar appears.
const DELAY: Duration = Duration::from_millis(300);

pub struct ScanBar {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl ScanBar {
    /// A bar when one should be drawn (see the module's documentation).
    pub fn new(quiet: bool) -> Option<Self> {
        wanted(
            quiet,
            std::io::stderr().is_terminal(),
            std::env::var_os("CI").is_some(),
        )
        .then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{msg:>8} [{bar:30}] {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            ScanBar {
                bar,
                started: Instant::now(),
                shown: AtomicBool::new(false),
            }
        })
    }

    /// Removes the bar before the report is written.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Whether to draw: asked for, on a terminal, not in CI.
fn wanted(quiet: bool, terminal: bool, ci: bool) -> bool {
    !quiet && terminal && !ci
}

impl Progress for ScanBar {
    fn stage(&self, name: &'static str, total: usize) {
        self.bar.set_message(name);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
    }

    fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn drawn_only_on_a_terminal_outside_ci_without_quiet() {
        assert!(wanted(false, true, false));
        assert!(!wanted(true, true, false));
        assert!(!wanted(false, false, false));
        assert!(!wanted(false, true, true));
    }
}
