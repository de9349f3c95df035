use bulkhead_model::Object;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads in the `kube-system` namespace that are not well-known cluster components.
    ///
    /// A workload counts as a cluster component when its name is one of the names below or
    /// starts with one followed by `-` (so `calico` covers `calico-node` and
    /// `calico-kube-controllers`, and `coredns` covers the Pods `coredns-5d78c9869d-x2k4p`), or
    /// when it carries the add-on manager's label `addonmanager.kubernetes.io/mode` or the
    /// legacy `kubernetes.io/cluster-service: "true"`:
    ///
    /// - control plane and core add-ons: `kube-apiserver`, `kube-controller-manager`,
    ///   `kube-scheduler`, `etcd`, `cloud-controller-manager`, `kube-proxy`, `coredns`,
    ///   `kube-dns`, `node-local-dns`, `metrics-server`, `konnectivity-agent`,
    ///   `konnectivity-server`, `cluster-autoscaler`, `snapshot-controller`;
    /// - network plugins: `calico`, `cilium`, `hubble`, `kube-flannel`, `canal`, `weave-net`,
    ///   `kube-router`, `antrea`, `ip-masq-agent`;
    /// - AWS EKS: `aws-node`, `ebs-csi`, `efs-csi`, `eks-pod-identity-agent`,
    ///   `aws-load-balancer-controller`;
    /// - Google GKE: `gke`, `pdcsi`, `nvidia-gpu-device-plugin`, `nvidia-driver-installer`,
    ///   `fluentbit-gke`, `event-exporter-gke`, `l7-default-backend`, `netd`, `anetd`;
    /// - Azure AKS: `azure-cns`, `azure-ip-masq-agent`, `cloud-node-manager`, `csi-azuredisk`,
    ///   `csi-azurefile`, `ama-logs`, `ama-metrics`.
    ///
    /// The list is deliberately short; anything else found there is worth a look, even when
    /// it turns out to be a legitimate add-on. Names are not proof: an attacker who can
    /// deploy to `kube-system` can also call a workload `kube-proxy-helper`, so this check
    /// catches misplaced workloads rather than disguised ones.
    ///
    /// ## Why it matters
    /// `kube-system` holds the cluster's most privileged identities (the controller
    /// manager's, the network plugin's), bootstrap tokens and the control plane's
    /// configuration, and Pod Security admission usually exempts it. An application placed
    /// there shares that neighbourhood: whoever compromises it, or whoever can deploy to
    /// `kube-system` for it, sits next to those credentials. And attackers hide their own
    /// workloads there, under names that look like system components.
    ///
    /// Severity: medium; the namespace itself weakens every other boundary.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: billing-api
    ///   namespace: kube-system
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   name: billing-api
    ///   namespace: billing
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.6.1
    /// - NSA-CISA Kubernetes Hardening Guidance, "Namespaces"
    /// - MITRE ATT&CK T1036.005 (Masquerading: Match Legitimate Name or Location)
    pub static USER_WORKLOAD_IN_KUBE_SYSTEM = Check {
        id: "BHM002",
        slug: "user-workload-in-kube-system",
        severity: Severity::Medium,
        family: Family::Multitenancy,
        remediation: "move the workload to a namespace of its own",
        compliance: Compliance {
            cis: &["5.6.1"],
            pss: &[],
            nsa: &["Network separation and hardening: namespaces"],
            mitre: &["T1036.005"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// Names (and name prefixes, before a `-`) of well-known cluster components. Keep the
/// documentation above in step.
const SYSTEM_COMPONENTS: &[&str] = &[
    // Control plane and core add-ons.
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
    "cloud-controller-manager",
    "kube-proxy",
    "coredns",
    "kube-dns",
    "node-local-dns",
    "metrics-server",
    "konnectivity-agent",
    "konnectivity-server",
    "cluster-autoscaler",
    "snapshot-controller",
    // Network plugins.
    "calico",
    "cilium",
    "hubble",
    "kube-flannel",
    "canal",
    "weave-net",
    "kube-router",
    "antrea",
    "ip-masq-agent",
    // AWS EKS.
    "aws-node",
    "ebs-csi",
    "efs-csi",
    "eks-pod-identity-agent",
    "aws-load-balancer-controller",
    // Google GKE.
    "gke",
    "pdcsi",
    "nvidia-gpu-device-plugin",
    "nvidia-driver-installer",
    "fluentbit-gke",
    "event-exporter-gke",
    "l7-default-backend",
    "netd",
    "anetd",
    // Azure AKS.
    "azure-cns",
    "azure-ip-masq-agent",
    "cloud-node-manager",
    "csi-azuredisk",
    "csi-azurefile",
    "ama-logs",
    "ama-metrics",
];

fn is_system_component(object: &Object) -> bool {
    let name = object.name.as_str();
    SYSTEM_COMPONENTS.iter().any(|component| {
        name.strip_prefix(component)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
    }) || object.label("addonmanager.kubernetes.io/mode").is_some()
        || object.label("kubernetes.io/cluster-service") == Some("true")
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.namespace.as_deref() != Some("kube-system")
        || cx.pod_spec(object).is_none()
        || is_system_component(object)
    {
        return;
    }
    sink.report(
        object,
        "/metadata/namespace",
        format!(
            "{} \"{}\" runs in kube-system but is not a known cluster component",
            object.kind, object.name
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    fn system(name: &str, labels: &str) -> bool {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: kube-system, labels: {{{labels}}}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n"
        );
        let loaded = load_text("p.yaml", &text, &Limits::default());
        is_system_component(&loaded.objects[0])
    }

    #[test]
    fn names_match_on_a_dash_boundary() {
        assert!(system("coredns", ""));
        assert!(system("coredns-5d78c9869d-x2k4p", ""));
        assert!(system("calico-kube-controllers", ""));
        assert!(system("kube-apiserver-control-plane-1", ""));
        assert!(!system("corednsx", ""));
        assert!(!system("etcdbackup", ""));
        assert!(!system("billing-api", ""));
        assert!(system(
            "billing-api",
            "\"addonmanager.kubernetes.io/mode\": Reconcile"
        ));
        assert!(system(
            "billing-api",
            "\"kubernetes.io/cluster-service\": \"true\""
        ));
    }
}
