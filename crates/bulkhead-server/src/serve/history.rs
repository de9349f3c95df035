//! `serve --store`: every scan, good or failed, written to the history store, and the
//! dashboard's trend read back from it, so the charts survive a restart and a team that
//! keeps several clusters in one PostgreSQL database sees each cluster's own trend.
//!
//! The store blocks until the database answers; the scheduler hands sinks their scans on a
//! blocking thread and the dashboard reads its trend on one too, so the store is only ever
//! called off the async threads. One connection, behind a lock: a scan is written once an
//! interval, the trend read once per page view.
//!
//! The PostgreSQL client runs a small runtime of its own, which must not be dropped on an
//! async thread: `serve` closes the store on a blocking thread at shutdown
//! ([`HistorySink::close`]), and a sink dropped without being closed hands the store to a
//! thread of its own to drop.

use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

use bulkhead_history::{FrameworkScore, ScanRecord, Store};

use super::report::{ScanReport, ScanSink};
use super::trend::{TrendPoint, TrendSource};

/// The history store as a sink of every scan and the source of the trend.
pub struct HistorySink {
    /// `None` once closed.
    store: Mutex<Option<Store>>,
    location: String,
}

impl HistorySink {
    /// Takes an open store (opening it, and its migrations, happen before `serve` starts, so
    /// a store that cannot be opened stops the start with its reason).
    pub fn new(store: Store) -> HistorySink {
        let location = store.location().to_string();
        HistorySink {
            store: Mutex::new(Some(store)),
            location,
        }
    }

    /// Closes the store (SQLite checkpoints its log, PostgreSQL ends the session). Blocks:
    /// call it from a blocking thread. Later scans are not recorded (and say so).
    pub fn close(&self) {
        let store = match self.store.lock() {
            Ok(mut store) => store.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        drop(store);
    }

    /// Where the store is (a path, or the URL without its password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Runs `f` on the open store.
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, String>) -> Result<T, String> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| "the store's lock is poisoned".to_string())?;
        match store.as_mut() {
            Some(store) => f(store),
            None => Err("the store is closed".to_string()),
        }
    }
}

impl Drop for HistorySink {
    fn drop(&mut self) {
        let store = match self.store.get_mut() {
            Ok(store) => store.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(store) = store {
            // Possibly on an async thread: drop it where blocking is allowed.
            let _ = std::thread::Builder::new()
                .name("history-close".into())
                .spawn(move || drop(store));
        }
    }
}

/// What the store keeps of one scan of `serve`.
///
/// A good scan: its findings by fingerprint, the objects the cluster served, and the score
/// of every framework of the catalogue (the scan judged them all, as the metrics show
/// them). A failed scan: its kind and reason, and how long it took to fail.
pub fn record_of(report: &ScanReport) -> ScanRecord {
    match &report.result {
        Ok(scanned) => {
            let mut record = ScanRecord::from_outcome(
                &scanned.outcome,
                &report.cluster,
                report.started,
                report.duration,
            );
            record.objects = scanned.objects_read as i64;
            record.scores = scanned.frameworks.iter().map(FrameworkScore::of).collect();
            record
        }
        Err(failure) => {
            let mut record = ScanRecord::failed(
                &report.cluster,
                report.started,
                &format!("{}: {}", failure.kind, failure.reason),
            );
            record.duration_ms = i64::try_from(report.duration.as_millis()).unwrap_or(i64::MAX);
            record
        }
    }
}

impl ScanSink for HistorySink {
    fn name(&self) -> &str {
        "history"
    }

    fn record(&self, report: &ScanReport) -> Result<(), String> {
        let record = record_of(report);
        self.with_store(|store| store.record(&record).map_err(|e| e.to_string()))
            .map(|_| ())
            .map_err(|e| format!("{}: {e}", self.location))
    }
}

impl TrendSource for HistorySink {
    /// The latest scans of `cluster` in the store, oldest first. A store that cannot be read
    /// draws an empty trend (and says why on standard error): the report below it is still
    /// worth serving.
    fn points(&self, cluster: &str, limit: usize) -> Vec<TrendPoint> {
        match self.read_points(cluster, limit) {
            Ok(points) => points,
            Err(e) => {
                eprintln!(
                    "bulkhead: cannot read the trend from {}: {e}",
                    self.location
                );
                Vec::new()
            }
        }
    }
}

impl HistorySink {
    fn read_points(&self, cluster: &str, limit: usize) -> Result<Vec<TrendPoint>, String> {
        self.with_store(|store| trend_of(store, cluster, limit))
    }
}

/// The latest `limit` scans of `cluster` in `store` as trend points, oldest first.
fn trend_of(store: &mut Store, cluster: &str, limit: usize) -> Result<Vec<TrendPoint>, String> {
    let scans = store
        .scans(Some(cluster), limit)
        .map_err(|e| e.to_string())?;
    let mut points = Vec::with_capacity(scans.len());
    for scan in scans.into_iter().rev() {
        let ok = scan.is_ok();
        let scores = if ok {
            store
                .scores(scan.id)
                .map_err(|e| e.to_string())?
                .into_iter()
                .filter_map(|s| s.score.map(|score| (s.framework, score)))
                .collect()
        } else {
            Vec::new()
        };
        let c = scan.counts;
        points.push(TrendPoint {
            started: UNIX_EPOCH + Duration::from_millis(scan.started_ms.max(0) as u64),
            duration: Duration::from_millis(scan.duration_ms.max(0) as u64),
            by_severity: ok
                .then(|| [c.critical, c.high, c.medium, c.low, c.info].map(|n| n.max(0) as usize)),
            scores,
        });
    }
    Ok(points)
}
