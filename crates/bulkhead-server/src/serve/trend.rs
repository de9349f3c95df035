//! Scans over time, for the dashboard's charts. [`TrendSource`] is what the charts read;
//! [`InMemoryTrend`] keeps the last scans of this process (a sink of every scan), and a
//! history store that outlives the process implements the same trait.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::report::{ScanReport, ScanSink};

/// One scan as a point of the trend charts.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendPoint {
    pub started: SystemTime,
    pub duration: Duration,
    /// Open findings per severity (critical, high, medium, low, info); `None` for a scan
    /// that failed.
    pub by_severity: Option<[usize; 5]>,
    /// Framework id → score in percent (scored controls that passed).
    pub scores: Vec<(String, f64)>,
}

/// Where the trend charts read scans from, oldest first.
pub trait TrendSource: Send + Sync {
    /// At most `limit` of the latest scans of `cluster`, oldest first.
    fn points(&self, cluster: &str, limit: usize) -> Vec<TrendPoint>;
}

/// The last scans of this process.
pub struct InMemoryTrend {
    capacity: usize,
    points: Mutex<VecDeque<(String, TrendPoint)>>,
}

impl InMemoryTrend {
    pub fn new(capacity: usize) -> Self {
        InMemoryTrend {
            capacity: capacity.max(1),
            points: Mutex::new(VecDeque::new()),
        }
    }
}

impl TrendPoint {
    pub fn of(report: &ScanReport) -> TrendPoint {
        let scanned = report.succeeded();
        TrendPoint {
            started: report.started,
            duration: report.duration,
            by_severity: scanned.map(|s| s.by_severity()),
            scores: scanned
                .map(|s| {
                    s.frameworks
                        .iter()
                        .filter_map(|f| f.score.map(|score| (f.id.to_string(), score)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl ScanSink for InMemoryTrend {
    fn name(&self) -> &str {
        "trend"
    }

    fn record(&self, report: &ScanReport) -> Result<(), String> {
        let mut points = self
            .points
            .lock()
            .map_err(|_| "the trend's lock is poisoned".to_string())?;
        if points.len() == self.capacity {
            points.pop_front();
        }
        points.push_back((report.cluster.clone(), TrendPoint::of(report)));
        Ok(())
    }
}

impl TrendSource for InMemoryTrend {
    fn points(&self, cluster: &str, limit: usize) -> Vec<TrendPoint> {
        let Ok(points) = self.points.lock() else {
            return Vec::new();
        };
        let mine: Vec<TrendPoint> = points
            .iter()
            .filter(|(c, _)| c == cluster)
            .map(|(_, p)| p.clone())
            .collect();
        mine[mine.len().saturating_sub(limit)..].to_vec()
    }
}
