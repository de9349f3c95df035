//! Attack paths: the checks of `bulkhead-paths`' graph, and the facts the graph takes from
//! the other checks (container escapes, open kubelets), so that what counts as an escape is
//! decided in one place: the check that reports it.

use std::collections::HashSet;

use bulkhead_model::{Object, ObjectRef};
use bulkhead_paths::{Fact, FactKind, Facts};
use rayon::prelude::*;

use crate::rules::kubelet::authorization_always_allow::AUTHORIZATION_ALWAYS_ALLOW;
use crate::rules::workload::dangerous_capabilities::DANGEROUS_CAPABILITIES;
use crate::rules::workload::host_namespaces::HOST_NAMESPACES;
use crate::rules::workload::privileged_container::PRIVILEGED_CONTAINER;
use crate::rules::workload::sensitive_host_path::SENSITIVE_HOST_PATH;
use crate::rules::workload::windows_host_process::WINDOWS_HOST_PROCESS;
use crate::{Check, Context, Finding, Run, Severity, Sink};

pub mod internet_reaches_cluster_admin;

pub static CHECKS: &[&Check] = &[&internet_reaches_cluster_admin::INTERNET_REACHES_CLUSTER_ADMIN];

/// The checks whose findings are edges of the graph.
const FACT_CHECKS: &[&Check] = &[
    &PRIVILEGED_CONTAINER,
    &DANGEROUS_CAPABILITIES,
    &HOST_NAMESPACES,
    &SENSITIVE_HOST_PATH,
    &WINDOWS_HOST_PROCESS,
    &AUTHORIZATION_ALWAYS_ALLOW,
];

/// What a finding gives an attacker, if it is an edge: privileged containers, Windows
/// HostProcess pods, the capabilities the capability check rates critical (`SYS_ADMIN`,
/// `SYS_MODULE`, `SYS_PTRACE`…), the host paths the host-path check rates critical (the
/// runtime socket, `/`, `/etc`, the kubelet's directory…) and `hostPID` are escapes (hostIPC
/// and hostNetwork alone are not: they share memory segments and the network, not the node's
/// processes or files). A kubelet that authorizes every request serves any pod with a token.
fn kind_of(finding: &Finding) -> Option<FactKind> {
    match finding.check.id {
        "BHW001" | "BHW016" => Some(FactKind::Escape),
        "BHW007" | "BHW030" => (finding.severity == Severity::Critical).then_some(FactKind::Escape),
        "BHW003" => finding
            .location
            .pointer
            .ends_with("/hostPID")
            .then_some(FactKind::Escape),
        "BHL002" => Some(FactKind::OpenKubelet),
        _ => None,
    }
}

/// The facts of an inventory: the fact checks run over the objects behind the network's
/// workloads (the only ones the graph draws edges from) and over the inventory for the
/// kubelet, their findings kept as edges (suppressed ones too: a suppression accepts a risk,
/// it does not remove it). Uses the scan's network and kubelet models, so a scan computes
/// neither twice.
pub fn facts(cx: &Context<'_>) -> Facts {
    let mut seen = HashSet::new();
    let objects: Vec<&Object> = cx
        .network()
        .workloads
        .iter()
        .flat_map(|w| std::iter::once(w.object).chain(w.pods.iter().copied()))
        .filter(|o| seen.insert(std::ptr::from_ref::<Object>(o)))
        .collect();
    let mut findings: Vec<Finding> = objects
        .par_iter()
        .flat_map_iter(|object| {
            let mut out = Vec::new();
            for check in FACT_CHECKS {
                if let Run::Object(f) = check.run {
                    f(cx, object, &mut Sink::new(check, &mut out));
                }
            }
            out
        })
        .collect();
    for check in FACT_CHECKS {
        if let Run::Inventory(f) = check.run {
            f(cx, &mut Sink::new(check, &mut findings));
        }
    }
    // The order of the full run of the checks, so that the graph's edges keep their order.
    crate::engine::sort_in_scan_order(&mut findings);
    Facts {
        facts: findings
            .iter()
            .filter_map(|f| {
                Some(Fact {
                    kind: kind_of(f)?,
                    object: ObjectRef::clone(&f.object),
                    check: f.check.id.to_string(),
                    message: f.message.clone(),
                    remediation: f.check.remediation.to_string(),
                    location: f.location.clone(),
                })
            })
            .collect(),
    }
}
