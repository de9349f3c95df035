//! `bulkhead serve`: the live cluster scanned on a schedule and on demand, the latest good
//! result kept in memory and served as a dashboard, Prometheus metrics and health
//! endpoints, alerts on new findings, and (optionally) the audit receiver on the same
//! listener.
//!
//! Everything a scan produces is a [`ScanReport`] handed to the state, the metrics, every
//! [`ScanSink`] and the alerter; a history store or a PolicyReport writer plugs in as a
//! sink, and the dashboard's trend reads a [`TrendSource`]. The router is served over plain
//! HTTP by [`http::serve_plain`], which a TLS front can replace without touching a route.

pub mod alerts;
pub mod audit;
pub mod dashboard;
pub mod http;
pub mod metrics;
pub mod report;
pub mod routes;
pub mod scanner;
pub mod schedule;
pub mod state;
pub mod trend;
pub mod trend_chart;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bulkhead_audit::Detector;
use bulkhead_cluster::Target;
use bulkhead_engine::Settings;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use alerts::AlertOptions;
pub use audit::AuditOptions;
pub use report::{ScanFailure, ScanReport, ScanSink, Scanned};
pub use trend::{InMemoryTrend, TrendPoint, TrendSource};

use crate::audit_webhook::{self, Mounted};
use alerts::{Alerter, Endpoint, Queue};
use metrics::Metrics;
use scanner::ClusterScanner;
use schedule::Scheduler;
use state::State;

/// `POST /scan` requests that may wait at once.
const PENDING_REQUESTS: usize = 64;

/// How long shutdown waits for queued alerts to go out.
const ALERT_FLUSH: Duration = Duration::from_secs(5);

/// Everything `serve` is started with.
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub target: Target,
    /// Namespaces to read (empty: all).
    pub namespaces: Vec<String>,
    pub settings: Settings,
    pub interval: Duration,
    pub alerts: Option<AlertOptions>,
    pub audit: Option<AuditOptions>,
    /// Receive every scan besides the in-memory trend (a history store, a PolicyReport
    /// writer).
    pub sinks: Vec<Arc<dyn ScanSink>>,
    /// Scans the in-memory trend keeps.
    pub trend_capacity: usize,
}

/// A running `serve`.
pub struct Serving {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    pub state: Arc<State>,
    pub metrics: Arc<Metrics>,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    scheduler: JoinHandle<()>,
    alerts: Option<(Arc<Queue>, watch::Sender<bool>, JoinHandle<()>)>,
    audit: Option<Mounted>,
}

/// What shutdown left behind.
pub struct Stopped {
    /// Alert messages the endpoint had not accepted.
    pub alerts_undelivered: usize,
    /// The audit detector, with its statistics, when the receiver ran here.
    pub audit: Option<Detector>,
}

/// Binds, starts the scheduler (its first scan starts at once), the alert delivery and the
/// HTTP server.
pub async fn start(options: ServeOptions) -> Result<Serving, String> {
    let metrics = Arc::new(Metrics::new(options.audit.is_some()));
    let state = Arc::new(State::default());
    let trend = Arc::new(InMemoryTrend::new(options.trend_capacity));
    let (stop, stopped) = watch::channel(false);

    let alerts = match &options.alerts {
        Some(alert_options) => {
            let endpoint = Endpoint::new(&alert_options.url)?;
            let queue = Queue::new(alert_options.queue, Arc::clone(&metrics));
            let (alert_stop, alert_stopped) = watch::channel(false);
            let delivery = tokio::spawn(Arc::clone(&queue).deliver(
                endpoint,
                alert_options.backoff,
                alert_stopped,
            ));
            let alerter = Alerter::new(alert_options, Arc::clone(&queue));
            Some((alerter, (queue, alert_stop, delivery)))
        }
        None => None,
    };
    let (alerter, alerts) = match alerts {
        Some((alerter, running)) => (Some(alerter), Some(running)),
        None => (None, None),
    };

    let mut sinks: Vec<Arc<dyn ScanSink>> = vec![Arc::clone(&trend) as Arc<dyn ScanSink>];
    sinks.extend(options.sinks);
    let (requests, requested) = mpsc::channel(PENDING_REQUESTS);
    let scheduler = Scheduler {
        scanner: ClusterScanner {
            target: options.target,
            namespaces: options.namespaces,
            settings: Arc::new(options.settings),
        },
        interval: options.interval,
        state: Arc::clone(&state),
        metrics: Arc::clone(&metrics),
        sinks,
        alerter,
    };

    let (audit_router, audit) = match options.audit {
        Some(a) => {
            let sink = Box::new(audit::CountingSink {
                inner: a.sink,
                metrics: Arc::clone(&metrics),
            });
            let (router, mounted) = audit_webhook::receiver(
                Some(audit_webhook::PATH),
                a.queue,
                a.max_body_bytes,
                a.detector,
                sink,
            )?;
            (Some(router), Some(mounted))
        }
        None => (None, None),
    };
    let mut router = routes::router(routes::Shared {
        state: Arc::clone(&state),
        metrics: Arc::clone(&metrics),
        trend: trend as Arc<dyn TrendSource>,
        requests,
        audit: audit.as_ref().map(|m| Arc::clone(&m.counters)),
    });
    if let Some(audit_router) = audit_router {
        router = router.merge(audit_router);
    }

    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let mut server_stop = stopped.clone();
    let server = tokio::spawn(http::serve_plain(listener, router, async move {
        let _ = server_stop.wait_for(|s| *s).await;
    }));
    let scheduler = tokio::spawn(scheduler.run(requested, stopped));
    Ok(Serving {
        addr,
        state,
        metrics,
        stop,
        server,
        scheduler,
        alerts,
        audit,
    })
}

impl Serving {
    /// Stops scanning (a scan in progress is abandoned), stops accepting requests and lets
    /// open ones finish, gives queued alerts a few seconds to go out, and drains the audit
    /// receiver's queue.
    pub async fn shutdown(self) -> Result<Stopped, String> {
        let _ = self.stop.send(true);
        let _ = self.scheduler.await;
        match self.server.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(format!("server: {e}")),
            Err(e) => return Err(format!("server task: {e}")),
        }
        let mut alerts_undelivered = 0;
        if let Some((queue, alert_stop, delivery)) = self.alerts {
            let deadline = tokio::time::Instant::now() + ALERT_FLUSH;
            while !queue.is_empty() && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let _ = alert_stop.send(true);
            let _ = delivery.await;
            alerts_undelivered = queue.len();
        }
        let audit = match self.audit {
            Some(mounted) => Some(mounted.finish().await?),
            None => None,
        };
        Ok(Stopped {
            alerts_undelivered,
            audit,
        })
    }
}
