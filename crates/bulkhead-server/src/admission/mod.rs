//! The validating admission webhook: the API server asks before it stores an object, and the
//! same checks that audit manifests answer — denied with the failing checks and their field
//! paths (enforce), allowed with warnings kubectl prints (warn), or allowed and recorded
//! (audit), chosen per namespace by its `bulkhead.dev/*` labels.
//!
//! - [`review`]: the `admission.k8s.io/v1` wire format;
//! - [`judge`]: the engine over the review's object (and old object on UPDATE);
//! - [`mode`]: namespace labels → thresholds; [`namespaces`]: the labels, watched;
//! - [`decision`]: verdict and thresholds → the answer;
//! - [`kinds`]: which checks and kinds a one-object review can judge;
//! - [`handler`]: HTTP, limits and metrics; [`metrics`]: the Prometheus registry.

pub mod decision;
pub mod handler;
pub mod judge;
pub mod kinds;
pub mod metrics;
pub mod mode;
pub mod namespaces;
pub mod review;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bulkhead_engine::Settings;
use bulkhead_model::Limits;

pub use handler::{router, Admission};
pub use mode::{Defaults, Mode};
pub use namespaces::Namespaces;

use crate::tls::{serve_tls, TlsOptions, TlsServer};

/// How the webhook is started.
pub struct AdmissionOptions {
    pub listen: SocketAddr,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    pub defaults: Defaults,
    pub max_body_bytes: usize,
    /// Longest time a client may take to send a review's body.
    pub read_timeout: Duration,
    pub tls: TlsOptions,
    /// A client of the cluster whose namespace labels choose the modes; without one every
    /// namespace gets the default mode.
    pub cluster: Option<kube::Client>,
    /// Longest wait for the first list of namespaces.
    pub first_list: Duration,
    /// Namespace labels known without a cluster (the watch replaces them when there is one).
    pub namespace_labels: HashMap<String, namespaces::Labels>,
}

impl AdmissionOptions {
    pub fn new(listen: SocketAddr, tls_cert: PathBuf, tls_key: PathBuf) -> Self {
        AdmissionOptions {
            listen,
            tls_cert,
            tls_key,
            defaults: Defaults::default(),
            max_body_bytes: 6 << 20,
            read_timeout: Duration::from_secs(5),
            tls: TlsOptions::default(),
            cluster: None,
            first_list: Duration::from_secs(30),
            namespace_labels: HashMap::new(),
        }
    }
}

/// A running webhook.
pub struct Running {
    pub addr: SocketAddr,
    pub admission: Arc<Admission>,
    server: TlsServer,
    watch: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting and lets open reviews finish.
    pub async fn shutdown(self) -> Result<(), String> {
        if let Some(watch) = &self.watch {
            watch.abort();
        }
        self.server.shutdown(Duration::from_secs(10)).await
    }

    /// Waits until the server ends (after the shutdown future given to [`start`]).
    pub async fn finish(self) -> Result<(), String> {
        let result = self.server.finish().await;
        if let Some(watch) = &self.watch {
            watch.abort();
        }
        result
    }
}

/// Starts the webhook: lists the cluster's namespaces (with a client), then serves HTTPS
/// until `shutdown` completes.
pub async fn start(
    options: AdmissionOptions,
    settings: Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, String> {
    let namespaces = Namespaces::fixed(options.namespace_labels);
    let watch = match options.cluster {
        Some(client) => {
            Some(namespaces::watch(client, namespaces.clone(), options.first_list).await?)
        }
        None => None,
    };
    let admission = Arc::new(Admission {
        judge: judge::Judge::new(settings, Limits::default()),
        defaults: options.defaults,
        namespaces,
        metrics: metrics::Metrics::default(),
        max_body_bytes: options.max_body_bytes,
        read_timeout: options.read_timeout,
    });
    let server = serve_tls(
        router(Arc::clone(&admission)),
        options.listen,
        options.tls_cert,
        options.tls_key,
        shutdown,
        options.tls,
    )
    .await?;
    Ok(Running {
        addr: server.addr,
        admission,
        server,
        watch,
    })
}
