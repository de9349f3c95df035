//! What the store answers: the scans of a cluster, the changes between two scans, a
//! framework's score over time. Shared by both backends.

use crate::record::{FindingRecord, SeverityCounts};

/// One stored scan, as listed by [`crate::Store::scans`].
#[derive(Clone, Debug, PartialEq)]
pub struct ScanSummary {
    pub id: i64,
    pub cluster: String,
    pub started_ms: i64,
    pub duration_ms: i64,
    /// `ok` or `failed`.
    pub status: String,
    pub reason: Option<String>,
    pub objects: i64,
    pub input_errors: i64,
    pub counts: SeverityCounts,
    pub suppressed: i64,
}

impl ScanSummary {
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

/// A finding in a comparison, with the scans that first and last saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackedFinding {
    pub finding: FindingRecord,
    pub first_seen_scan: i64,
    pub last_seen_scan: i64,
}

/// What changed from scan A to scan B, by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// In B, not in A.
    pub new: Vec<TrackedFinding>,
    /// In A, not in B.
    pub resolved: Vec<TrackedFinding>,
    /// In both (as B saw them).
    pub still_open: Vec<TrackedFinding>,
}

/// A framework's score in one scan.
#[derive(Clone, Debug, PartialEq)]
pub struct ScorePoint {
    pub scan_id: i64,
    pub cluster: String,
    pub started_ms: i64,
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub not_evaluated: i64,
}

/// The statements both backends run, with PostgreSQL's `$N` placeholders (SQLite takes
/// them as `?N`, see [`for_sqlite`]).
pub mod sql {
    pub const INSERT_SCAN: &str = "INSERT INTO scans (cluster, started_ms, duration_ms, status, \
        reason, objects, input_errors, critical, high, medium, low, info, suppressed) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";

    pub const INSERT_SCORE: &str = "INSERT INTO scan_scores (scan_id, framework, score, \
        passed, failed, not_evaluated) VALUES ($1, $2, $3, $4, $5, $6)";

    /// The columns of a [`super::ScanSummary`], in its order.
    pub const SCAN_COLUMNS: &str = "id, cluster, started_ms, duration_ms, status, reason, \
        objects, input_errors, critical, high, medium, low, info, suppressed";

    /// The columns of a [`super::TrackedFinding`], in its order; `f` is `findings`, `sf`
    /// is `scan_findings`.
    pub const FINDING_COLUMNS: &str = "f.fingerprint, f.check_id, sf.severity, f.message, \
        f.kind, f.namespace, f.name, f.location, sf.suppressed, f.first_seen_scan, \
        f.last_seen_scan";

    /// The findings of scan `$1` that scan `$2` has (`EXISTS`) or lacks (`NOT EXISTS`),
    /// matched by fingerprint: the same manifests scanned under two cluster names compare too.
    pub fn findings_of(present_in_other: bool) -> String {
        let not = if present_in_other { "" } else { "NOT " };
        format!(
            "SELECT {FINDING_COLUMNS} FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id \
             WHERE sf.scan_id = $1 AND {not}EXISTS (SELECT 1 FROM scan_findings o \
             JOIN findings g ON g.id = o.finding_id WHERE o.scan_id = $2 \
             AND g.fingerprint = f.fingerprint) \
             ORDER BY f.check_id, f.namespace, f.name, f.fingerprint"
        )
    }

    /// Every framework's score in scan `$1`, by framework id.
    pub const SCORES_OF_SCAN: &str = "SELECT framework, score, passed, failed, not_evaluated \
        FROM scan_scores WHERE scan_id = $1 ORDER BY framework";

    pub const SCORE_TREND: &str = "SELECT s.id, s.cluster, s.started_ms, c.score, c.passed, \
        c.failed, c.not_evaluated FROM scan_scores c JOIN scans s ON s.id = c.scan_id \
        WHERE c.framework = $1 AND (CAST($2 AS TEXT) IS NULL OR s.cluster = $2) ORDER BY s.id";
}

/// `$N` placeholders as SQLite's `?N` (none of the statements holds a `$` otherwise).
pub fn for_sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}
