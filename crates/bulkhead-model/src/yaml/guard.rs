//! The parser's last line of defence: a panic inside it becomes a value, silently.
//!
//! The YAML parser is a dependency; a bug in it must cost one document, not the scan, and must
//! not print a panic message (or a backtrace under `RUST_BACKTRACE`) on the user's terminal:
//! the document's error already says what happened. The standard panic hook is process-wide,
//! so one wrapping hook is installed once; it stays quiet only on a thread that is inside
//! [`quietly`] and hands every other panic to the hook that was there before it.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`quietly`] calls are running on this thread.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

static INSTALL: Once = Once::new();

/// Runs `f`; a panic inside it returns `None`, and no panic message is printed for it.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    result.ok()
}
