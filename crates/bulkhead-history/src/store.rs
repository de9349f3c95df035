//! [`Store`]: one history, in SQLite or PostgreSQL, chosen by what `open` is given.

use std::path::Path;

use crate::error::{Error, Result};
use crate::postgres::{redact, Postgres};
use crate::query::{Changes, ScanSummary, ScorePoint};
use crate::record::{FrameworkScore, ScanRecord};
use crate::sqlite::Sqlite;

/// The store a front end writes every scan to and `bulkhead history` reads.
///
/// Every call blocks until the database answers; inside an async runtime, call it from a
/// blocking thread.
pub struct Store {
    backend: Backend,
    /// What was opened, without a password: for messages.
    location: String,
}

enum Backend {
    Sqlite(Sqlite),
    Postgres(Postgres),
}

/// The store `serve` and `history` use when none is named: a file in the working directory.
pub const DEFAULT_STORE: &str = "bulkhead.db";

impl Store {
    /// Opens (creating it when missing) and migrates the store: a `postgres://` or
    /// `postgresql://` URL is a PostgreSQL database, `sqlite://PATH` or anything else a
    /// SQLite file.
    pub fn open(url_or_path: &str) -> Result<Store> {
        if url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://") {
            return Ok(Store {
                backend: Backend::Postgres(Postgres::open(url_or_path)?),
                location: redact(url_or_path),
            });
        }
        let path = url_or_path.strip_prefix("sqlite://").unwrap_or(url_or_path);
        if path.is_empty() {
            return Err(Error("the store's path is empty".into()));
        }
        Ok(Store {
            backend: Backend::Sqlite(Sqlite::open(Path::new(path))?),
            location: path.to_string(),
        })
    }

    /// Where the store is (a path, or the URL without its password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The latest migration the store holds.
    pub fn schema_version(&mut self) -> Result<i64> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.schema_version(),
            Backend::Postgres(p) => p.schema_version(),
        }
    }

    /// Stores one scan in one transaction (all of it or none) and returns its id. Findings
    /// seen before keep their first scan and take this one as their last; a failed scan
    /// touches no finding.
    pub fn record(&mut self, record: &ScanRecord) -> Result<i64> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.record(record),
            Backend::Postgres(p) => p.record(record),
        }
    }

    /// The latest `limit` scans, newest first; of one cluster, or of all.
    pub fn scans(&mut self, cluster: Option<&str>, limit: usize) -> Result<Vec<ScanSummary>> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.scans(cluster, limit),
            Backend::Postgres(p) => p.scans(cluster, limit),
        }
    }

    /// One scan by id.
    pub fn scan(&mut self, id: i64) -> Result<Option<ScanSummary>> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.scan(id),
            Backend::Postgres(p) => p.scan(id),
        }
    }

    /// Every framework's score recorded with scan `scan_id`, by framework id (none for a
    /// failed scan or an unknown id).
    pub fn scores(&mut self, scan_id: i64) -> Result<Vec<FrameworkScore>> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.scores(scan_id),
            Backend::Postgres(p) => p.scores(scan_id),
        }
    }

    /// What is new in scan `b`, resolved since scan `a` and still open, by fingerprint. Both
    /// must be stored scans that succeeded: a failed scan saw nothing, and comparing with it
    /// would call everything resolved.
    pub fn changes(&mut self, a: i64, b: i64) -> Result<Changes> {
        for id in [a, b] {
            match self.scan(id)? {
                None => return Err(Error(format!("no scan {id} in {}", self.location))),
                Some(s) if !s.is_ok() => {
                    return Err(Error(format!(
                        "scan {id} failed ({}): it has no findings to compare",
                        s.reason.as_deref().unwrap_or("no reason recorded")
                    )))
                }
                Some(_) => {}
            }
        }
        match &mut self.backend {
            Backend::Sqlite(s) => s.changes(a, b),
            Backend::Postgres(p) => p.changes(a, b),
        }
    }

    /// A framework's score in every scan that recorded it, oldest first; of one cluster, or
    /// of all.
    pub fn score_trend(
        &mut self,
        framework: &str,
        cluster: Option<&str>,
    ) -> Result<Vec<ScorePoint>> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.score_trend(framework, cluster),
            Backend::Postgres(p) => p.score_trend(framework, cluster),
        }
    }

    /// SQLite's integrity check (`ok` when the file is sound); PostgreSQL keeps its own
    /// consistency and answers `ok`.
    pub fn integrity_check(&mut self) -> Result<String> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.integrity_check(),
            Backend::Postgres(_) => Ok("ok".into()),
        }
    }
}
