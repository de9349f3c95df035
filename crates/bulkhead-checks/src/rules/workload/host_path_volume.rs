use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Pod volumes of type `hostPath`, which mount a directory or file of the node.
    ///
    /// ## Why it matters
    /// A hostPath volume gives the container the node's files: the container runtime socket,
    /// the kubelet's credentials, other pods' data. Written to, it can plant code that the
    /// node runs. Even read-only, it exposes secrets.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead: an `emptyDir`, a `configMap`/`secret` projection, a PersistentVolumeClaim,
    /// or a CSI driver that exposes only what the workload needs.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "HostPath Volumes"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.11
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static HOST_PATH_VOLUME = Check {
        id: "BHW004",
        slug: "host-path-volume",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "replace the hostPath volume with emptyDir, a projected volume or a PersistentVolumeClaim",
        compliance: Compliance {
            cis: &["5.2.11"],
            pss: &["baseline:hostPathVolumes", "restricted:restrictedVolumes"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("hostPathVolumes")) else {
        return;
    };
    for (i, volume) in pod
        .get("volumes")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let Some(host_path) = volume.get("hostPath") else {
            continue;
        };
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
        let path = host_path.get("path").and_then(Node::as_str).unwrap_or("?");
        sink.report_pss(
            object,
            &pod.pointer_to(&format!("volumes/{i}/hostPath")),
            format!("volume \"{name}\" mounts the node's path {path}"),
            pss.clone(),
        );
    }
}
