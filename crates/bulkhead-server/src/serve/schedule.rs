//! The scan loop: a scan at start, then one every interval after the previous ended, and
//! one on demand (`POST /scan`; requests that arrive while a scan runs share the next
//! one). Each scan goes to the state, the metrics, every sink and the alerter, in that
//! order, before the waiting requests are answered.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::alerts::Alerter;
use super::metrics::Metrics;
use super::report::{ScanReport, ScanSink};
use super::scanner::ClusterScanner;
use super::state::{Attempt, State};

/// A `POST /scan` waiting for the scan it asked for.
pub type Waiter = oneshot::Sender<Attempt>;

pub struct Scheduler {
    pub scanner: ClusterScanner,
    pub interval: Duration,
    pub state: Arc<State>,
    pub metrics: Arc<Metrics>,
    pub sinks: Vec<Arc<dyn ScanSink>>,
    pub alerter: Option<Alerter>,
    /// Returns the memory the calling thread's allocator holds free to the system; run on
    /// every thread of the check pool once a replaced result is dropped.
    pub release_memory: Option<fn()>,
}

impl Scheduler {
    /// Runs until `stop` turns true (or its sender is gone). A scan in progress when it
    /// does is abandoned: its cluster read is dropped and nothing is recorded.
    pub async fn run(self, mut requests: mpsc::Receiver<Waiter>, mut stop: watch::Receiver<bool>) {
        let mut sequence = 0u64;
        let mut next = Instant::now();
        loop {
            let mut waiters = Vec::new();
            tokio::select! {
                _ = tokio::time::sleep_until(next) => {}
                Some(waiter) = requests.recv() => waiters.push(waiter),
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
            while let Ok(waiter) = requests.try_recv() {
                waiters.push(waiter);
            }
            sequence += 1;
            let report = tokio::select! {
                report = self.scanner.scan(sequence) => report,
                _ = stop.changed() => return,
            };
            let attempt = self.take(report).await;
            for waiter in waiters {
                let _ = waiter.send(attempt.clone());
            }
            next = Instant::now() + self.interval;
        }
    }

    async fn take(&self, report: ScanReport) -> Attempt {
        log(&report, self.state.latest_good().as_deref());
        let report = Arc::new(report);
        let (attempt, replaced) = self.state.record(Arc::clone(&report));
        self.metrics.record(&report);
        for sink in &self.sinks {
            let sink = Arc::clone(sink);
            let scan = Arc::clone(&report);
            // Sinks may write files or databases: off the async threads.
            let recorded =
                tokio::task::spawn_blocking(move || sink.record(&scan).map_err(|e| (sink, e)))
                    .await;
            match recorded {
                Ok(Ok(())) => {}
                Ok(Err((sink, e))) => {
                    eprintln!(
                        "bulkhead: {} could not record scan {}: {e}",
                        sink.name(),
                        report.sequence
                    );
                    self.metrics.sink_failed(sink.name());
                }
                Err(e) => {
                    eprintln!("bulkhead: a sink stopped on scan {}: {e}", report.sequence);
                    self.metrics.sink_failed("unknown");
                }
            }
        }
        if let Some(alerter) = &self.alerter {
            let queued = alerter.scanned(&report);
            if queued > 0 {
                eprintln!(
                    "bulkhead: alert queued for {queued} new finding{}",
                    if queued == 1 { "" } else { "s" }
                );
            }
        }
        if let Some(replaced) = replaced {
            let release = self.release_memory;
            // Off the async threads, and not awaited: the scan's answer does not wait for it.
            drop(tokio::task::spawn_blocking(move || free(replaced, release)));
        }
        attempt
    }
}

/// Drops the result a newer scan replaced, then asks the allocator to give back what it
/// freed. The result was built by the check pool's threads (findings, the inventory) and is
/// freed here, on another thread: an allocator that keeps per-thread pages (mimalloc)
/// returns those pages only when their owning thread collects them, and the pool's threads
/// sit idle until the next scan, so without this the freed result stays resident until
/// then (docs/benchmarks.md, "Serve memory").
fn free(replaced: Arc<ScanReport>, release: Option<fn()>) {
    drop(replaced);
    if let Some(release) = release {
        rayon::broadcast(|_| release());
        release();
    }
}

fn log(report: &ScanReport, previous: Option<&ScanReport>) {
    match &report.result {
        Ok(scanned) => {
            let counts = scanned.by_severity();
            eprintln!(
                "bulkhead: scan {} of {}: {} objects, {} open findings ({} critical, {} high, {} medium, {} low, {} info), {} resources unread, {:.1}s",
                report.sequence,
                report.cluster,
                scanned.objects_read,
                counts.iter().sum::<usize>(),
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                counts[4],
                scanned.api_errors,
                report.duration.as_secs_f64()
            );
        }
        Err(failure) => {
            let kept = match previous {
                Some(p) => format!("keeping the result of scan {}", p.sequence),
                None => "no result yet".to_string(),
            };
            eprintln!(
                "bulkhead: scan {} failed ({}): {}; {kept}",
                report.sequence, failure.kind, failure.reason
            );
        }
    }
}
