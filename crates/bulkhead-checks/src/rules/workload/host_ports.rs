use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container ports that bind a port of the node (`ports[].hostPort` set and not 0).
    ///
    /// ## Why it matters
    /// A host port exposes the container on every address of the node, past NetworkPolicies
    /// that only see pod traffic, and ties the pod to nodes where the port is free. It is a
    /// common way to reach services that were meant to stay inside the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// Use instead: remove `hostPort` and expose the pod through a Service.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Host Ports" (`hostPorts`)
    /// - CIS Kubernetes Benchmark v1.12, 5.2.12
    pub static HOST_PORTS = Check {
        id: "BHW010",
        slug: "host-ports",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "remove hostPort and expose the pod through a Service",
        compliance: Compliance {
            cis: &["5.2.12"],
            pss: &["baseline:hostPorts", "restricted:hostPorts"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("hostPorts")) else {
        return;
    };
    for container in pod.containers() {
        let ports = container.get("ports").map(Node::as_seq).unwrap_or(&[]);
        for (i, port) in ports.iter().enumerate() {
            let Some(host_port) = port.get("hostPort").and_then(Node::as_i64) else {
                continue;
            };
            if host_port != 0 {
                sink.report_pss(
                    object,
                    &container.pointer_to(&format!("ports/{i}/hostPort")),
                    format!("{} binds host port {host_port}", describe(&container)),
                    pss.clone(),
                );
            }
        }
    }
}
