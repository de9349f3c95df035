use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::rules::workload::is_static_pod;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Container `volumeMounts` of a hostPath volume that are not `readOnly: true`, in every
    /// kind of container (init, regular and ephemeral). Each writable mount is reported, at
    /// the mount. Static pods (the control plane's own manifests, such as etcd writing to
    /// `/var/lib/etcd`) are not reported: they are part of the node.
    ///
    /// ## Why it matters
    /// A writable hostPath lets the container change the node's files: drop a binary or a
    /// cron job the node runs, replace a static pod manifest, fill the node's disk, or tamper
    /// with files other pods share. Most agents that need a node path (log shippers, exporters)
    /// only read it.
    ///
    /// Severity: medium, like hostPath volumes themselves ([BHW004](BHW004.md)); the
    /// paths that are dangerous even read-only are reported by [BHW030](BHW030.md).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: shipper
    ///     volumeMounts:
    ///       - name: varlog
    ///         mountPath: /var/log
    /// volumes:
    ///   - name: varlog
    ///     hostPath:
    ///       path: /var/log
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     volumeMounts:
    ///       - name: varlog
    ///         mountPath: /var/log
    ///         readOnly: true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.2.11
    /// - NSA-CISA Kubernetes Hardening Guidance, "Immutable container file systems"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static WRITABLE_HOST_PATH = Check {
        id: "BHW031",
        slug: "writable-host-path",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "set readOnly: true on every volumeMount of a hostPath volume",
        compliance: Compliance {
            cis: &["5.2.11"],
            pss: &[],
            nsa: &["Pod security: immutable container file systems"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if is_static_pod(object) {
        return;
    }
    // Volume name → node path, for the hostPath volumes only.
    let host_paths: Vec<(&str, &str)> = pod
        .get("volumes")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| {
            let host_path = v.get("hostPath")?;
            let name = v.get("name")?.as_str()?;
            let path = host_path.get("path").and_then(Node::as_str).unwrap_or("?");
            Some((name, path))
        })
        .collect();
    if host_paths.is_empty() {
        return;
    }
    for container in pod.containers() {
        for (j, mount) in container
            .get("volumeMounts")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let Some(name) = mount.get("name").and_then(Node::as_str) else {
                continue;
            };
            let Some((_, path)) = host_paths.iter().find(|(v, _)| *v == name) else {
                continue;
            };
            if mount.get("readOnly").and_then(Node::as_bool) == Some(true) {
                continue;
            }
            let at = mount.get("mountPath").and_then(Node::as_str).unwrap_or("?");
            sink.report(
                object,
                &container.pointer_to(&format!("volumeMounts/{j}/readOnly")),
                format!(
                    "{} mounts hostPath volume \"{name}\" (the node's {path}) writable at {at}",
                    describe(&container)
                ),
            );
        }
    }
}
