//! `scan --cluster --write-policyreports`: the scan's PolicyReports (split so that no object
//! exceeds 1 MiB) written into the cluster it read, with server-side apply, only what
//! changed, deleting Bulkhead's reports that this scan no longer produces.

use std::time::SystemTime;

use bulkhead_cluster::policyreports::{write_blocking, Scope};
use bulkhead_cluster::Target;
use bulkhead_report::policyreport::{reports_at, MAX_REPORT_BYTES};
use bulkhead_report::ScanResult;

use super::cluster::ClusterArgs;

/// Writes the reports of `result` into the cluster of `args`; namespaces limit what may be
/// deleted. Says on standard error what was applied, left alone and deleted.
pub fn write(
    result: &ScanResult<'_>,
    args: &ClusterArgs,
    namespaces: &[String],
) -> Result<(), String> {
    let reports: Vec<serde_json::Value> = reports_at(result, SystemTime::now(), MAX_REPORT_BYTES)
        .iter()
        .map(|r| r.json())
        .collect();
    let target = Target {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
    };
    let scope = if namespaces.is_empty() {
        Scope::Cluster
    } else {
        Scope::Namespaces(namespaces.to_vec())
    };
    let written = write_blocking(&target, &reports, &scope)
        .map_err(|e| format!("cannot write the PolicyReports: {e}"))?;
    eprintln!(
        "bulkhead: PolicyReports: {} applied, {} unchanged, {} deleted",
        written.applied.len(),
        written.unchanged.len(),
        written.deleted.len()
    );
    Ok(())
}
