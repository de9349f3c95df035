//! One scan of the live cluster, as `scan --cluster` does it but without command-line code:
//! connect (the kubeconfig is read again every time, so rotated credentials are picked up),
//! read through `bulkhead-cluster`, render the snapshot, judge it with `bulkhead-engine`.
//! The checks run on a blocking thread, so the HTTP endpoints keep answering meanwhile.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bulkhead_checks::frameworks::catalogue::all_frameworks;
use bulkhead_cluster::{ClusterError, Options, Target};
use bulkhead_engine::{frameworks, unread, Request, Settings, Sources};
use bulkhead_model::Input;

use super::report::{ScanFailure, ScanReport, Scanned};

/// What to read and how to judge it.
pub struct ClusterScanner {
    pub target: Target,
    /// Namespaces to read (empty: all).
    pub namespaces: Vec<String>,
    pub settings: Arc<Settings>,
}

impl ClusterScanner {
    /// Reads and judges the cluster once. Never fails: a failure is the report's result.
    pub async fn scan(&self, sequence: u64) -> ScanReport {
        let started = SystemTime::now();
        let clock = Instant::now();
        let mut cluster = self
            .target
            .context
            .clone()
            .unwrap_or_else(|| "cluster".into());
        let result = match self.read(&mut cluster).await {
            Ok((text, objects_read, api_errors)) => {
                let settings = Arc::clone(&self.settings);
                let name = format!("cluster:{cluster}");
                tokio::task::spawn_blocking(move || judge(name, text, settings))
                    .await
                    .map_err(|e| ScanFailure {
                        kind: "engine",
                        reason: format!("the scan stopped: {e}"),
                    })
                    .and_then(|judged| judged)
                    .map(|(outcome, frameworks, settings)| Scanned {
                        outcome,
                        settings,
                        frameworks,
                        objects_read,
                        api_errors,
                    })
            }
            Err(failure) => Err(failure),
        };
        ScanReport {
            sequence,
            cluster,
            started,
            duration: clock.elapsed(),
            result,
        }
    }

    /// The snapshot text, the number of objects served and of resources that could not be
    /// read. `cluster` becomes the context actually used.
    async fn read(&self, cluster: &mut String) -> Result<(String, usize, usize), ScanFailure> {
        let options = Options {
            namespaces: self.namespaces.clone(),
            ..Options::default()
        };
        let connection = bulkhead_cluster::connect(&self.target)
            .await
            .map_err(failure)?;
        if !connection.context.is_empty() {
            *cluster = connection.context.clone();
        }
        let collection = bulkhead_cluster::collect(&connection, &options)
            .await
            .map_err(failure)?;
        let text =
            bulkhead_cluster::render(&collection, &bulkhead_cluster::snapshot::now_rfc3339());
        let objects_read = collection.objects.len() + collection.resolved_to_owners;
        let api_errors = collection.unread.len();
        Ok((text, objects_read, api_errors))
    }
}

type Judged = (
    bulkhead_engine::Outcome,
    Vec<bulkhead_checks::frameworks::FrameworkReport>,
    Arc<Settings>,
);

/// The engine's scan of the snapshot, and every framework judged over it.
fn judge(name: String, text: String, settings: Arc<Settings>) -> Result<Judged, ScanFailure> {
    let outcome = bulkhead_engine::run(Request::new(
        Sources::Inputs(vec![Input::Text { name, text }]),
        &settings,
    ))
    .map_err(|reason| ScanFailure {
        kind: "engine",
        reason,
    })?;
    let gaps = unread::of(&outcome.inventory);
    let judged = all_frameworks()
        .iter()
        .map(|f| {
            frameworks::evaluate(
                f,
                &outcome.inventory,
                &outcome.errors,
                &outcome.findings,
                &settings,
                &gaps.blind,
            )
        })
        .collect();
    Ok((outcome, judged, settings))
}

fn failure(error: ClusterError) -> ScanFailure {
    let kind = match &error {
        ClusterError::Config(_) => "config",
        ClusterError::Unreachable(_) => "unreachable",
        ClusterError::Credentials(_) => "credentials",
        ClusterError::Server(_) => "server",
    };
    ScanFailure {
        kind,
        reason: error.to_string(),
    }
}
