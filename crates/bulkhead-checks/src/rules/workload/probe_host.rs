use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Probes and lifecycle handlers that name a `host` (`httpGet.host`, `tcpSocket.host` in
    /// liveness, readiness and startup probes and in `postStart`/`preStop`), forbidden by the
    /// Pod Security Standards from v1.34.
    ///
    /// ## Why it matters
    /// Probes are sent by the kubelet, from the node. A probe with a host of its choosing
    /// turns the kubelet into a proxy towards any address the node can reach — the node's
    /// own services, the cloud metadata endpoint — past NetworkPolicies.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     host: 169.254.169.254
    ///     path: /latest/meta-data/
    ///     port: 80
    /// ```
    ///
    /// Use instead: omit `host`; the probe then targets the pod's own IP.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Probes / Lifecycle Hooks" (`hostProbesAndHostLifecycle`)
    pub static PROBE_HOST = Check {
        id: "BHW017",
        slug: "probe-host",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "remove the host field from probes and lifecycle handlers",
        compliance: Compliance {
            cis: &[],
            pss: &["baseline:hostProbesAndHostLifecycle", "restricted:hostProbesAndHostLifecycle"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1090"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

const HANDLERS: &[&[&str]] = &[
    &["livenessProbe"],
    &["readinessProbe"],
    &["startupProbe"],
    &["lifecycle", "postStart"],
    &["lifecycle", "preStop"],
];

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (
        cx.pod_spec(object),
        cx.pss_entries("hostProbesAndHostLifecycle"),
    ) else {
        return;
    };
    for container in pod.containers() {
        for handler in HANDLERS {
            let Some(node) = container.node.path(handler) else {
                continue;
            };
            for action in ["httpGet", "tcpSocket"] {
                let host = node
                    .get(action)
                    .and_then(|a| a.get("host"))
                    .and_then(Node::scalar_text)
                    .unwrap_or_default();
                if host.is_empty() || host == "null" {
                    continue;
                }
                let path = format!("{}/{action}/host", handler.join("/"));
                sink.report_pss(
                    object,
                    &container.pointer_to(&path),
                    format!(
                        "{}: {} targets host {host:?}",
                        describe(&container),
                        handler.join(".")
                    ),
                    pss.clone(),
                );
            }
        }
    }
}
