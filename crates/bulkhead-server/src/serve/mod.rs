//! `bulkhead serve`: the live cluster scanned on a schedule and on demand, the latest good
//! result kept in memory and served as a dashboard, Prometheus metrics and health
//! endpoints, alerts on new findings, and (optionally) the audit receiver on the same
//! listener.
//!
//! Everything a scan produces is a [`ScanReport`] handed to the state, the metrics, every
//! [`ScanSink`] and the alerter; a history store or a PolicyReport writer plugs in as a
//! sink, and the dashboard's trend reads a [`TrendSource`]: with a store, the store
//! ([`history::HistorySink`]), so trends survive a restart; without, the last scans of this
//! process. The router is served over plain HTTP by [`http::serve_plain`], or over HTTPS with
//! certificate reload by [`crate::tls::serve_tls`] when certificate files are given.

pub mod admission_mount;
pub mod alerts;
pub mod audit;
pub mod dashboard;
pub mod history;
pub mod http;
pub mod metrics;
pub mod policy_reports;
pub mod report;
pub mod routes;
pub mod scanner;
pub mod schedule;
pub mod state;
pub mod trend;
pub mod trend_chart;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bulkhead_audit::Detector;
use bulkhead_cluster::Target;
use bulkhead_engine::Settings;
use bulkhead_history::Store;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use alerts::AlertOptions;
pub use audit::AuditOptions;
pub use report::{ScanFailure, ScanReport, ScanSink, Scanned};
pub use trend::{InMemoryTrend, TrendPoint, TrendSource};

use crate::audit_webhook::{self, Mounted};
use crate::tls::{serve_tls, TlsOptions, TlsServer};
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
    /// Scans the in-memory trend keeps (without a store).
    pub trend_capacity: usize,
    /// The history store every scan is written to and the trend is read from; without
    /// one, the trend is the last `trend_capacity` scans of this process.
    pub store: Option<Store>,
    /// Write each good scan's PolicyReports into the cluster it read.
    pub write_policyreports: bool,
    /// Serve HTTPS with this certificate and key (reloaded when they change) instead of
    /// plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Mount the admission webhook under `/admission` (needs `tls`).
    pub admission: Option<admission_mount::AdmissionOptions>,
    /// Gives the memory the calling thread's allocator holds free back to the system (the
    /// binary knows its allocator; `serve` calls it on the check pool's threads after a
    /// replaced result is freed).
    pub release_memory: Option<fn()>,
}

/// The certificate chain and key files of `serve`'s HTTPS endpoints.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub options: TlsOptions,
}

/// The HTTP server, plain or TLS.
enum Server {
    Plain(JoinHandle<std::io::Result<()>>),
    Tls(TlsServer),
}

impl Server {
    /// Waits until the server has stopped (after the stop signal) and its open requests
    /// have finished.
    async fn finish(self) -> Result<(), String> {
        match self {
            Server::Plain(handle) => match handle.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(format!("server: {e}")),
                Err(e) => Err(format!("server task: {e}")),
            },
            Server::Tls(server) => server.finish().await,
        }
    }
}

/// A running `serve`.
pub struct Serving {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    pub state: Arc<State>,
    pub metrics: Arc<Metrics>,
    /// Whether the endpoints are served over HTTPS.
    pub tls: bool,
    stop: watch::Sender<bool>,
    server: Server,
    scheduler: JoinHandle<()>,
    alerts: Option<(Arc<Queue>, watch::Sender<bool>, JoinHandle<()>)>,
    audit: Option<Mounted>,
    history: Option<Arc<history::HistorySink>>,
    /// The admission webhook, when mounted.
    pub admission: Option<admission_mount::MountedAdmission>,
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
    // First, so that an early error drops the store inside the sink (see `history`).
    let history = options
        .store
        .map(|store| Arc::new(history::HistorySink::new(store)));
    // The API server calls admission webhooks over HTTPS only.
    if options.admission.is_some() && options.tls.is_none() {
        return Err("the admission webhook needs HTTPS: add the TLS certificate and key".into());
    }
    let metrics = Arc::new(Metrics::new(options.audit.is_some()));
    let state = Arc::new(State::default());
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

    let (trend, trend_sink): (Arc<dyn TrendSource>, Arc<dyn ScanSink>) = match &history {
        Some(history) => (history.clone(), history.clone()),
        None => {
            let memory = Arc::new(InMemoryTrend::new(options.trend_capacity));
            (memory.clone(), memory)
        }
    };
    let mut sinks: Vec<Arc<dyn ScanSink>> = vec![trend_sink];
    if options.write_policyreports {
        sinks.push(Arc::new(policy_reports::PolicyReportWriter::new(
            options.target.clone(),
            &options.namespaces,
            tokio::runtime::Handle::current(),
        )));
    }
    sinks.extend(options.sinks);
    let admission = match options.admission {
        Some(admission_options) => {
            Some(admission_mount::mount(admission_options, &options.target).await?)
        }
        None => None,
    };
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
        release_memory: options.release_memory,
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
        trend,
        requests,
        audit: audit.as_ref().map(|m| Arc::clone(&m.counters)),
    });
    if let Some(audit_router) = audit_router {
        router = router.merge(audit_router);
    }
    let admission = match admission {
        Some((admission_router, mounted)) => {
            router = router.merge(admission_router);
            Some(mounted)
        }
        None => None,
    };

    let mut server_stop = stopped.clone();
    let shutdown = async move {
        let _ = server_stop.wait_for(|s| *s).await;
    };
    let tls = options.tls.is_some();
    let (addr, server) = match options.tls {
        Some(files) => {
            let server = serve_tls(
                router,
                options.listen,
                files.cert,
                files.key,
                shutdown,
                files.options,
            )
            .await?;
            (server.addr, Server::Tls(server))
        }
        None => {
            let listener = tokio::net::TcpListener::bind(options.listen)
                .await
                .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
            let addr = listener
                .local_addr()
                .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
            let server = tokio::spawn(http::serve_plain(listener, router, shutdown));
            (addr, Server::Plain(server))
        }
    };
    let scheduler = tokio::spawn(scheduler.run(requested, stopped));
    Ok(Serving {
        addr,
        state,
        metrics,
        tls,
        stop,
        server,
        scheduler,
        alerts,
        audit,
        history,
        admission,
    })
}

impl Serving {
    /// Stops scanning (a scan in progress is abandoned), stops accepting requests and lets
    /// open ones finish, gives queued alerts a few seconds to go out, and drains the audit
    /// receiver's queue.
    pub async fn shutdown(self) -> Result<Stopped, String> {
        let _ = self.stop.send(true);
        if let Some(admission) = &self.admission {
            admission.stop();
        }
        let _ = self.scheduler.await;
        self.server.finish().await?;
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
        if let Some(history) = self.history {
            // Every scan is already written (sinks run before a scan is answered); closing
            // checkpoints SQLite's log or ends the PostgreSQL session.
            let _ = tokio::task::spawn_blocking(move || history.close()).await;
        }
        Ok(Stopped {
            alerts_undelivered,
            audit,
        })
    }
}
