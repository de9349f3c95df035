//! What a scan reports while it runs, for a progress bar on a terminal. The engine only
//! counts; drawing (and deciding whether to draw at all) is the front end's business.

/// Receives a scan's progress; called from any thread.
pub trait Progress: Sync {
    /// A stage begins with `total` units of work: `"reading"` files, `"checking"` objects.
    fn stage(&self, name: &'static str, total: usize);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: usize);
}
