//! The SQLite backend: one file, write-ahead log, every scan in one transaction.
//!
//! `synchronous = FULL` with WAL makes a committed scan durable across a crash of the
//! process or the machine; a scan killed mid-write is rolled back when the file is next
//! opened, and the scans committed before it are intact.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::error::Result;
use crate::migrate::{self, Migration};
use crate::query::{for_sqlite, sql, Changes, ScanSummary, ScorePoint, TrackedFinding};
use crate::record::{FindingRecord, FrameworkScore, ScanRecord, SeverityCounts};

pub struct Sqlite {
    conn: Connection,
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)
            .map_err(|e| format!("cannot open the store {}: {e}", path.display()))?;
        // Another process (serve writing while `history` reads) may hold the write lock.
        conn.busy_timeout(Duration::from_secs(30))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!(
                "the store {} cannot use a write-ahead log (journal mode {mode})",
                path.display()
            )
            .into());
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        migrate(&mut conn, migrate::SQLITE)?;
        Ok(Sqlite { conn })
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            &format!("SELECT COALESCE(MAX(version), 0) FROM {}", migrate::TABLE),
            [],
            |r| r.get(0),
        )?)
    }

    pub fn record(&mut self, record: &ScanRecord) -> Result<i64> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let c = &record.counts;
        let scan_id: i64 = tx.query_row(
            &for_sqlite(sql::INSERT_SCAN),
            params![
                record.cluster,
                record.started_ms,
                record.duration_ms,
                record.status.as_str(),
                record.status.reason(),
                record.objects,
                record.input_errors,
                c.critical,
                c.high,
                c.medium,
                c.low,
                c.info,
                record.suppressed,
            ],
            |r| r.get(0),
        )?;
        {
            let mut upsert = tx.prepare(UPSERT_FINDING)?;
            let mut seen = tx.prepare(
                "INSERT INTO scan_findings (scan_id, finding_id, severity, suppressed) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for f in &record.findings {
                let finding_id: i64 = upsert.query_row(
                    params![
                        record.cluster,
                        f.fingerprint,
                        f.check_id,
                        f.severity,
                        f.message,
                        f.kind,
                        f.namespace,
                        f.name,
                        f.location,
                        scan_id,
                    ],
                    |r| r.get(0),
                )?;
                seen.execute(params![scan_id, finding_id, f.severity, f.suppressed])?;
            }
            let mut score = tx.prepare(&for_sqlite(sql::INSERT_SCORE))?;
            for s in &record.scores {
                score.execute(params![
                    scan_id,
                    s.framework,
                    s.score,
                    s.passed,
                    s.failed,
                    s.not_evaluated
                ])?;
            }
        }
        tx.commit()?;
        Ok(scan_id)
    }

    pub fn scans(&self, cluster: Option<&str>, limit: usize) -> Result<Vec<ScanSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM scans WHERE (?1 IS NULL OR cluster = ?1) ORDER BY id DESC LIMIT ?2",
            sql::SCAN_COLUMNS
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![cluster, limit], scan_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn scan(&self, id: i64) -> Result<Option<ScanSummary>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {} FROM scans WHERE id = ?1", sql::SCAN_COLUMNS),
                params![id],
                scan_row,
            )
            .optional()?)
    }

    pub fn changes(&self, a: i64, b: i64) -> Result<Changes> {
        let of = |scan: i64, other: i64, present: bool| -> Result<Vec<TrackedFinding>> {
            let mut stmt = self.conn.prepare(&for_sqlite(&sql::findings_of(present)))?;
            let rows = stmt.query_map(params![scan, other], finding_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        Ok(Changes {
            new: of(b, a, false)?,
            resolved: of(a, b, false)?,
            still_open: of(b, a, true)?,
        })
    }

    pub fn score_trend(&self, framework: &str, cluster: Option<&str>) -> Result<Vec<ScorePoint>> {
        let mut stmt = self.conn.prepare(&for_sqlite(sql::SCORE_TREND))?;
        let rows = stmt.query_map(params![framework, cluster], |r| {
            Ok(ScorePoint {
                scan_id: r.get(0)?,
                cluster: r.get(1)?,
                started_ms: r.get(2)?,
                score: r.get(3)?,
                passed: r.get(4)?,
                failed: r.get(5)?,
                not_evaluated: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn scores(&self, scan_id: i64) -> Result<Vec<FrameworkScore>> {
        let mut stmt = self.conn.prepare(&for_sqlite(sql::SCORES_OF_SCAN))?;
        let rows = stmt.query_map(params![scan_id], |r| {
            Ok(FrameworkScore {
                framework: r.get(0)?,
                score: r.get(1)?,
                passed: r.get(2)?,
                failed: r.get(3)?,
                not_evaluated: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// SQLite's own consistency check of every page and index: `ok` when sound.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let lines: Vec<String> = lines.collect::<rusqlite::Result<_>>()?;
        Ok(lines.join("\n"))
    }
}

/// A finding seen again keeps its first scan and takes this scan as its last; what it
/// says (message, location, severity) is this scan's.
const UPSERT_FINDING: &str = "INSERT INTO findings (cluster, fingerprint, check_id, severity, \
    message, kind, namespace, name, location, first_seen_scan, last_seen_scan) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) \
    ON CONFLICT (cluster, fingerprint) DO UPDATE SET check_id = excluded.check_id, \
    severity = excluded.severity, message = excluded.message, kind = excluded.kind, \
    namespace = excluded.namespace, name = excluded.name, location = excluded.location, \
    last_seen_scan = excluded.last_seen_scan RETURNING id";

fn migrate(conn: &mut Connection, all: &'static [Migration]) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
         applied_ms INTEGER NOT NULL)",
        migrate::TABLE
    ))?;
    let current: i64 = tx.query_row(
        &format!("SELECT COALESCE(MAX(version), 0) FROM {}", migrate::TABLE),
        [],
        |r| r.get(0),
    )?;
    for m in migrate::pending(all, current)? {
        tx.execute_batch(m.sql)
            .map_err(|e| format!("migration {} ({}): {e}", m.version, m.name))?;
        tx.execute(
            &format!(
                "INSERT INTO {} (version, name, applied_ms) VALUES (?1, ?2, ?3)",
                migrate::TABLE
            ),
            params![m.version, m.name, crate::now_ms()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn scan_row(r: &Row<'_>) -> rusqlite::Result<ScanSummary> {
    Ok(ScanSummary {
        id: r.get(0)?,
        cluster: r.get(1)?,
        started_ms: r.get(2)?,
        duration_ms: r.get(3)?,
        status: r.get(4)?,
        reason: r.get(5)?,
        objects: r.get(6)?,
        input_errors: r.get(7)?,
        counts: SeverityCounts {
            critical: r.get(8)?,
            high: r.get(9)?,
            medium: r.get(10)?,
            low: r.get(11)?,
            info: r.get(12)?,
        },
        suppressed: r.get(13)?,
    })
}

fn finding_row(r: &Row<'_>) -> rusqlite::Result<TrackedFinding> {
    Ok(TrackedFinding {
        finding: FindingRecord {
            fingerprint: r.get(0)?,
            check_id: r.get(1)?,
            severity: r.get(2)?,
            message: r.get(3)?,
            kind: r.get(4)?,
            namespace: r.get(5)?,
            name: r.get(6)?,
            location: r.get(7)?,
            suppressed: r.get(8)?,
        },
        first_seen_scan: r.get(9)?,
        last_seen_scan: r.get(10)?,
    })
}
