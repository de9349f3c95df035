//! Bulkhead's history: every scan of every cluster, so that trends, new and resolved
//! findings and a framework's score over time are queries.
//!
//! - [`ScanRecord`] is what is kept of one scan: time, cluster, `ok` or `failed` with the
//!   reason, counts by severity, duration, objects read, framework scores, and each finding
//!   by fingerprint (stable across reformatting, see `bulkhead_checks::fingerprint`).
//! - [`Store`] keeps records in SQLite (one file, write-ahead log; the default) or in
//!   PostgreSQL (`postgres://…`). The schema is versioned by numbered migrations in
//!   `migrations/<backend>/`, applied on open and recorded in `schema_migrations`.
//! - Each finding has one row per cluster with the first and the last scan that saw it, and
//!   each scan lists the findings it saw: "new", "resolved" and "still open" between two
//!   scans ([`Store::changes`]) are set differences over those lists.
//!
//! `serve` records after every scan (failed ones too); `bulkhead scan --store` records a
//! command-line scan; `bulkhead history` reads.

mod error;
pub mod migrate;
mod postgres;
pub mod query;
pub mod record;
mod sqlite;
mod store;

pub use error::{Error, Result};
pub use query::{Changes, ScanSummary, ScorePoint, TrackedFinding};
pub use record::{FindingRecord, FrameworkScore, ScanRecord, ScanStatus, SeverityCounts};
pub use store::{Store, DEFAULT_STORE};

/// Now, in milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
