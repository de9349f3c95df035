//! `serve --admission`: the validating admission webhook in the same process, under
//! `/admission` on serve's HTTPS listener (`POST /admission/validate`, its own
//! `/admission/metrics` and `/admission/healthz`), so one Deployment both audits the cluster
//! on a schedule and answers the API server's reviews. The API server calls webhooks over
//! HTTPS only, so it needs serve's TLS.
//!
//! The webhook is the one `bulkhead admission` serves (same judge, modes and limits); the
//! namespaces' `bulkhead.dev/*` labels are watched in the cluster `serve` scans. Its own
//! routes and registry are mounted under a prefix so that nothing of serve's changes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use bulkhead_cluster::Target;
use bulkhead_engine::Settings;
use bulkhead_model::Limits;
use tokio::task::JoinHandle;

use crate::admission::judge::Judge;
use crate::admission::metrics::Metrics;
use crate::admission::{namespaces, router, Admission, Defaults, Namespaces};

/// Where the webhook's routes are mounted: its configuration names
/// `path: /admission/validate`.
pub const PREFIX: &str = "/admission";

/// How the mounted webhook answers.
pub struct AdmissionOptions {
    /// The mode of namespaces without a `bulkhead.dev/*` label, and its thresholds.
    pub defaults: Defaults,
    /// The checks and their configuration (as for the scans, resolved apart: the judge
    /// adapts them to one-object reviews).
    pub settings: Settings,
}

/// The webhook while it is mounted.
pub struct MountedAdmission {
    pub admission: Arc<Admission>,
    watch: JoinHandle<()>,
}

impl MountedAdmission {
    /// Stops watching the namespaces.
    pub fn stop(&self) {
        self.watch.abort();
    }
}

/// The webhook's router under [`PREFIX`], once the namespaces of the cluster of `target`
/// have been listed (within 30 s; then watched).
pub async fn mount(
    options: AdmissionOptions,
    target: &Target,
) -> Result<(Router, MountedAdmission), String> {
    let connection = bulkhead_cluster::connect(target)
        .await
        .map_err(|e| format!("admission: {e}"))?;
    let labels = Namespaces::fixed(HashMap::new());
    let watch = namespaces::watch(connection.client, labels.clone(), Duration::from_secs(30))
        .await
        .map_err(|e| format!("admission: {e}"))?;
    let admission = Arc::new(Admission {
        judge: Judge::new(options.settings, Limits::default()),
        defaults: options.defaults,
        namespaces: labels,
        metrics: Metrics::default(),
        max_body_bytes: 6 << 20,
        read_timeout: Duration::from_secs(5),
    });
    let routes = Router::new().nest(PREFIX, router(Arc::clone(&admission)));
    Ok((routes, MountedAdmission { admission, watch }))
}
