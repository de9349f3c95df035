//! The PostgreSQL backend, for a team that keeps the history of many clusters in one place.
//!
//! The client is the synchronous `postgres` crate: it runs its own small runtime, so a
//! caller inside an async runtime must call the store from a blocking thread
//! (`tokio::task::spawn_blocking`). A scan is one transaction; its findings go in with two
//! statements over arrays (`unnest`), not one round trip each.

use postgres::{Client, NoTls, Row};

use crate::error::Result;
use crate::migrate::{self, Migration};
use crate::query::{sql, Changes, ScanSummary, ScorePoint, TrackedFinding};
use crate::record::{FindingRecord, FrameworkScore, ScanRecord, SeverityCounts};

/// The advisory lock that serialises migrations when several processes open one database.
const MIGRATION_LOCK: i64 = 0x6275_6c6b_6864; // "bulkhd"

pub struct Postgres {
    client: Client,
}

impl Postgres {
    pub fn open(url: &str) -> Result<Self> {
        let mut client = Client::connect(url, NoTls)
            .map_err(|e| format!("cannot connect to the store {}: {e}", redact(url)))?;
        migrate(&mut client, migrate::POSTGRES)?;
        Ok(Postgres { client })
    }

    pub fn schema_version(&mut self) -> Result<i64> {
        let row = self.client.query_one(
            &format!("SELECT COALESCE(MAX(version), 0) FROM {}", migrate::TABLE),
            &[],
        )?;
        Ok(row.get(0))
    }

    pub fn record(&mut self, record: &ScanRecord) -> Result<i64> {
        let mut tx = self.client.transaction()?;
        let c = &record.counts;
        let scan_id: i64 = tx
            .query_one(
                sql::INSERT_SCAN,
                &[
                    &record.cluster,
                    &record.started_ms,
                    &record.duration_ms,
                    &record.status.as_str(),
                    &record.status.reason(),
                    &record.objects,
                    &record.input_errors,
                    &c.critical,
                    &c.high,
                    &c.medium,
                    &c.low,
                    &c.info,
                    &record.suppressed,
                ],
            )?
            .get(0);
        if !record.findings.is_empty() {
            let column = |f: fn(&FindingRecord) -> &str| -> Vec<&str> {
                record.findings.iter().map(f).collect()
            };
            let fingerprints = column(|f| &f.fingerprint);
            let severities = column(|f| &f.severity);
            let namespaces: Vec<Option<&str>> = record
                .findings
                .iter()
                .map(|f| f.namespace.as_deref())
                .collect();
            let suppressed: Vec<bool> = record.findings.iter().map(|f| f.suppressed).collect();
            tx.execute(
                UPSERT_FINDINGS,
                &[
                    &record.cluster,
                    &scan_id,
                    &fingerprints,
                    &column(|f| &f.check_id),
                    &severities,
                    &column(|f| &f.message),
                    &column(|f| &f.kind),
                    &namespaces,
                    &column(|f| &f.name),
                    &column(|f| &f.location),
                ],
            )?;
            tx.execute(
                "INSERT INTO scan_findings (scan_id, finding_id, severity, suppressed) \
                 SELECT $1, f.id, u.severity, u.suppressed \
                 FROM unnest($3::text[], $4::text[], $5::bool[]) AS u(fingerprint, severity, suppressed) \
                 JOIN findings f ON f.cluster = $2 AND f.fingerprint = u.fingerprint",
                &[
                    &scan_id,
                    &record.cluster,
                    &fingerprints,
                    &severities,
                    &suppressed,
                ],
            )?;
        }
        for s in &record.scores {
            tx.execute(
                sql::INSERT_SCORE,
                &[
                    &scan_id,
                    &s.framework,
                    &s.score,
                    &s.passed,
                    &s.failed,
                    &s.not_evaluated,
                ],
            )?;
        }
        tx.commit()?;
        Ok(scan_id)
    }

    pub fn scans(&mut self, cluster: Option<&str>, limit: usize) -> Result<Vec<ScanSummary>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client.query(
            &format!(
                "SELECT {} FROM scans WHERE ($1::text IS NULL OR cluster = $1) \
                 ORDER BY id DESC LIMIT $2",
                sql::SCAN_COLUMNS
            ),
            &[&cluster, &limit],
        )?;
        Ok(rows.iter().map(scan_row).collect())
    }

    pub fn scan(&mut self, id: i64) -> Result<Option<ScanSummary>> {
        let row = self.client.query_opt(
            &format!("SELECT {} FROM scans WHERE id = $1", sql::SCAN_COLUMNS),
            &[&id],
        )?;
        Ok(row.as_ref().map(scan_row))
    }

    pub fn changes(&mut self, a: i64, b: i64) -> Result<Changes> {
        let mut of = |scan: i64, other: i64, present: bool| -> Result<Vec<TrackedFinding>> {
            let rows = self
                .client
                .query(&sql::findings_of(present), &[&scan, &other])?;
            Ok(rows.iter().map(finding_row).collect())
        };
        Ok(Changes {
            new: of(b, a, false)?,
            resolved: of(a, b, false)?,
            still_open: of(b, a, true)?,
        })
    }

    pub fn scores(&mut self, scan_id: i64) -> Result<Vec<FrameworkScore>> {
        let rows = self.client.query(sql::SCORES_OF_SCAN, &[&scan_id])?;
        Ok(rows
            .iter()
            .map(|r| FrameworkScore {
                framework: r.get(0),
                score: r.get(1),
                passed: r.get(2),
                failed: r.get(3),
                not_evaluated: r.get(4),
            })
            .collect())
    }

    pub fn score_trend(
        &mut self,
        framework: &str,
        cluster: Option<&str>,
    ) -> Result<Vec<ScorePoint>> {
        let rows = self
            .client
            .query(sql::SCORE_TREND, &[&framework, &cluster])?;
        Ok(rows
            .iter()
            .map(|r| ScorePoint {
                scan_id: r.get(0),
                cluster: r.get(1),
                started_ms: r.get(2),
                score: r.get(3),
                passed: r.get(4),
                failed: r.get(5),
                not_evaluated: r.get(6),
            })
            .collect())
    }
}

/// The same rule as SQLite's upsert: the first scan stays, the last and the text move on.
const UPSERT_FINDINGS: &str = "INSERT INTO findings (cluster, fingerprint, check_id, severity, \
    message, kind, namespace, name, location, first_seen_scan, last_seen_scan) \
    SELECT $1, u.fingerprint, u.check_id, u.severity, u.message, u.kind, u.namespace, u.name, \
    u.location, $2, $2 \
    FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], \
    $9::text[], $10::text[]) AS u(fingerprint, check_id, severity, message, kind, namespace, \
    name, location) \
    ON CONFLICT (cluster, fingerprint) DO UPDATE SET check_id = excluded.check_id, \
    severity = excluded.severity, message = excluded.message, kind = excluded.kind, \
    namespace = excluded.namespace, name = excluded.name, location = excluded.location, \
    last_seen_scan = excluded.last_seen_scan";

fn migrate(client: &mut Client, all: &'static [Migration]) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {} (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         applied_ms BIGINT NOT NULL)",
        migrate::TABLE
    ))?;
    let current: i64 = tx
        .query_one(
            &format!(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM {}",
                migrate::TABLE
            ),
            &[],
        )?
        .get(0);
    for m in migrate::pending(all, current)? {
        tx.batch_execute(m.sql)
            .map_err(|e| format!("migration {} ({}): {e}", m.version, m.name))?;
        tx.execute(
            &format!(
                "INSERT INTO {} (version, name, applied_ms) VALUES ($1, $2, $3)",
                migrate::TABLE
            ),
            &[&m.version, &m.name, &crate::now_ms()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

fn scan_row(r: &Row) -> ScanSummary {
    ScanSummary {
        id: r.get(0),
        cluster: r.get(1),
        started_ms: r.get(2),
        duration_ms: r.get(3),
        status: r.get(4),
        reason: r.get(5),
        objects: r.get(6),
        input_errors: r.get(7),
        counts: SeverityCounts {
            critical: r.get(8),
            high: r.get(9),
            medium: r.get(10),
            low: r.get(11),
            info: r.get(12),
        },
        suppressed: r.get(13),
    }
}

fn finding_row(r: &Row) -> TrackedFinding {
    TrackedFinding {
        finding: FindingRecord {
            fingerprint: r.get(0),
            check_id: r.get(1),
            severity: r.get(2),
            message: r.get(3),
            kind: r.get(4),
            namespace: r.get(5),
            name: r.get(6),
            location: r.get(7),
            suppressed: r.get(8),
        },
        first_seen_scan: r.get(9),
        last_seen_scan: r.get(10),
    }
}
