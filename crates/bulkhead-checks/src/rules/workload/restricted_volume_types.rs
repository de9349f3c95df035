use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Pod volumes of a type the restricted level does not allow: anything but `configMap`,
    /// `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`,
    /// `projected` and `secret` (`nfs`, `iscsi`, `gitRepo`, cloud disks, ...). `hostPath` is
    /// reported by BHW004, with this control attached.
    ///
    /// ## Why it matters
    /// Inline volume sources bypass the PersistentVolume layer where storage access is
    /// administered: a pod can mount any NFS export or iSCSI target its node can reach, and
    /// `gitRepo` runs `git` on the node with the pod's input (CVE-2024-10220).
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     nfs: {server: nfs.example, path: /exports}
    /// ```
    ///
    /// Use instead: a PersistentVolumeClaim bound to an administrator-created PersistentVolume.
    ///
    /// ## References
    /// - Pod Security Standards, restricted, "Volume Types" (`restrictedVolumes`)
    pub static RESTRICTED_VOLUME_TYPES = Check {
        id: "BHW018",
        slug: "restricted-volume-types",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "use a PersistentVolumeClaim, or one of the allowed volume types",
        compliance: Compliance {
            cis: &[],
            pss: &["restricted:restrictedVolumes"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("restrictedVolumes")) else {
        return;
    };
    for (i, volume) in pod
        .get("volumes")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let sources: Vec<&str> = volume
            .as_map()
            .iter()
            .filter(|e| &*e.key != "name" && !e.value.is_null())
            .map(|e| &*e.key)
            .collect();
        // No source at all is defaulted to emptyDir by the API server.
        if sources.is_empty()
            || sources.iter().any(|s| ALLOWED.contains(s))
            || sources.contains(&"hostPath")
        {
            continue;
        }
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
        let kind = sources[0];
        sink.report_pss(
            object,
            &pod.pointer_to(&format!("volumes/{i}/{kind}")),
            format!(
                "volume \"{name}\" is of type {kind}, which the restricted level does not allow"
            ),
            pss.clone(),
        );
    }
}
