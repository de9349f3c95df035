//! The audit webhook receiver: the API server's webhook backend POSTs `EventList` batches
//! over HTTPS; each batch is checked, queued, and judged by one detector thread in arrival
//! order, so windows see events in order.
//!
//! The queue between the handler and the detector is bounded. When it is full the handler
//! answers `429 Too Many Requests` with `Retry-After`, and the API server's webhook backend
//! retries the batch: nothing is dropped silently, and every refusal is counted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use tokio::sync::mpsc;

use bulkhead_audit::read::parse_batch;
use bulkhead_audit::{Detector, Sink};

/// Seconds the API server is asked to wait before sending a refused batch again.
pub const RETRY_AFTER_SECONDS: u64 = 1;

pub struct WebhookOptions {
    pub listen: SocketAddr,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    /// Batches held between the handler and the detector.
    pub queue: usize,
    pub max_body_bytes: usize,
}

/// What the receiver did, readable while it runs.
#[derive(Debug, Default)]
pub struct Counters {
    /// Batches accepted into the queue (answered 200).
    pub batches_accepted: AtomicU64,
    /// Events in the accepted batches.
    pub events_accepted: AtomicU64,
    /// Events the detector has judged.
    pub events_processed: AtomicU64,
    /// Batches refused with 429 because the queue was full (the sender retries them).
    pub batches_refused_full: AtomicU64,
    /// Requests that were not an audit EventList (answered 400).
    pub bad_requests: AtomicU64,
}

/// Holds the detector between batches while closed (maintenance, and the tests that fill the
/// queue on purpose).
#[derive(Default)]
struct Gate {
    closed: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    fn set(&self, closed: bool) {
        if let Ok(mut c) = self.closed.lock() {
            *c = closed;
        }
        self.changed.notify_all();
    }

    fn wait_open(&self) {
        let Ok(mut closed) = self.closed.lock() else {
            return;
        };
        while *closed {
            closed = match self.changed.wait(closed) {
                Ok(c) => c,
                Err(_) => return,
            };
        }
    }
}

#[derive(Clone)]
struct AppState {
    queue: mpsc::Sender<Bytes>,
    counters: Arc<Counters>,
}

/// A running receiver.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
    gate: Arc<Gate>,
    server: axum_server::Handle<SocketAddr>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
    worker: std::thread::JoinHandle<Detector>,
}

/// Starts the receiver: binds, loads the certificate, starts the detector thread.
pub async fn start(
    options: WebhookOptions,
    detector: Detector,
    sink: Box<dyn Sink + Send>,
) -> Result<Running, String> {
    // One crypto provider in the whole graph (ring, as kube-rs uses); installing it twice is
    // harmless. rustls marks ring's provider deprecated for lacking post-quantum key exchange;
    // the alternative (aws-lc-rs) needs a C toolchain with cmake at build time.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tls = RustlsConfig::from_pem_file(&options.tls_cert, &options.tls_key)
        .await
        .map_err(|e| {
            format!(
                "TLS certificate or key ({}, {}): {e}",
                options.tls_cert.display(),
                options.tls_key.display()
            )
        })?;
    // Standalone, the receiver answers at every path: the API server's webhook kubeconfig
    // names whichever it likes.
    let (app, mounted) = receiver(None, options.queue, options.max_body_bytes, detector, sink)?;
    let Mounted {
        counters,
        gate,
        worker,
    } = mounted;
    let server = axum_server::Handle::new();
    let served = tokio::spawn(
        axum_server::bind_rustls(options.listen, tls)
            .handle(server.clone())
            .serve(app.into_make_service()),
    );
    let addr = server
        .listening()
        .await
        .ok_or_else(|| format!("cannot listen on {}", options.listen))?;
    Ok(Running {
        addr,
        counters,
        gate,
        server,
        served,
        worker,
    })
}

/// The receiver's detector thread and counters, for a server that hosts the receiver beside
/// other endpoints (`serve`): the router from [`receiver`] answers POSTs at `/audit`.
pub struct Mounted {
    pub counters: Arc<Counters>,
    gate: Arc<Gate>,
    worker: std::thread::JoinHandle<Detector>,
}

/// Where `serve` mounts the receiver.
pub const PATH: &str = "/audit";

/// The receiver's router (batches POSTed to `path`, or to any path when `None`) and its
/// detector thread, which ends once the router (and with it the queue's sender) is dropped
/// and the queue is drained.
pub fn receiver(
    path: Option<&str>,
    queue: usize,
    max_body_bytes: usize,
    mut detector: Detector,
    mut sink: Box<dyn Sink + Send>,
) -> Result<(Router, Mounted), String> {
    let (sender, mut receiver) = mpsc::channel::<Bytes>(queue.max(1));
    let counters = Arc::new(Counters::default());
    let gate = Arc::new(Gate::default());
    let worker = {
        let counters = Arc::clone(&counters);
        let gate = Arc::clone(&gate);
        std::thread::Builder::new()
            .name("audit-detector".into())
            .spawn(move || {
                while let Some(body) = receiver.blocking_recv() {
                    gate.wait_open();
                    // The handler checked the body already; a failure here cannot happen.
                    if let Ok(items) = parse_batch(&body) {
                        detector.process("webhook", &items, sink.as_mut());
                        counters
                            .events_processed
                            .fetch_add(items.len() as u64, Ordering::Relaxed);
                    }
                }
                detector
            })
            .map_err(|e| format!("starting the detector thread: {e}"))?
    };
    let state = AppState {
        queue: sender,
        counters: Arc::clone(&counters),
    };
    let app = match path {
        Some(path) => Router::new().route(path, any(receive)),
        None => Router::new().fallback(receive),
    };
    let app = app
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state);
    Ok((
        app,
        Mounted {
            counters,
            gate,
            worker,
        },
    ))
}

impl Mounted {
    /// Waits for the detector to judge every queued batch (call after the server that
    /// held the router has stopped) and returns it.
    pub async fn finish(self) -> Result<Detector, String> {
        self.gate.set(false);
        tokio::task::spawn_blocking(move || self.worker.join())
            .await
            .map_err(|e| format!("detector thread: {e}"))?
            .map_err(|_| "the detector thread panicked".to_string())
    }
}

impl Running {
    /// Holds the detector: batches wait in the queue, and once it is full senders get 429.
    pub fn hold(&self) {
        self.gate.set(true);
    }

    pub fn release(&self) {
        self.gate.set(false);
    }

    /// Stops accepting, lets open requests finish, judges every queued batch, and returns
    /// the detector (its statistics).
    pub async fn shutdown(self) -> Result<Detector, String> {
        self.release();
        self.server.graceful_shutdown(Some(Duration::from_secs(10)));
        match self.served.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(format!("server: {e}")),
            Err(e) => return Err(format!("server task: {e}")),
        }
        // The router (and with it the queue's sender) is dropped with the server: the
        // worker drains the queue and ends.
        tokio::task::spawn_blocking(move || self.worker.join())
            .await
            .map_err(|e| format!("detector thread: {e}"))?
            .map_err(|_| "the detector thread panicked".to_string())
    }
}

async fn receive(State(state): State<AppState>, method: Method, body: Bytes) -> Response {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "POST an audit.k8s.io/v1 EventList\n",
        )
            .into_response();
    }
    let events = match parse_batch(&body) {
        Ok(items) => items.len() as u64,
        Err(message) => {
            state.counters.bad_requests.fetch_add(1, Ordering::Relaxed);
            return (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response();
        }
    };
    match state.queue.try_send(body) {
        Ok(()) => {
            state
                .counters
                .batches_accepted
                .fetch_add(1, Ordering::Relaxed);
            state
                .counters
                .events_accepted
                .fetch_add(events, Ordering::Relaxed);
            StatusCode::OK.into_response()
        }
        Err(mpsc::error::TrySendError::Full(_)) => {
            state
                .counters
                .batches_refused_full
                .fetch_add(1, Ordering::Relaxed);
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string())],
                "the detector's queue is full; send this batch again\n",
            )
                .into_response()
        }
        Err(mpsc::error::TrySendError::Closed(_)) => {
            (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response()
        }
    }
}
