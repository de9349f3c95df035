use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--etcd-cafile`, the CA that verifies etcd's serving certificate.
    ///
    /// ## Why it matters
    /// Without it the API server trusts the system's CAs for etcd (or cannot connect at all
    /// over TLS), so a server impersonating etcd with any publicly trusted certificate receives
    /// every object the cluster writes.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --etcd-servers=https://127.0.0.1:2379
    /// ```
    ///
    /// Use instead: verify etcd against its own CA.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.26
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--etcd-cafile` (default none): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    pub static APISERVER_ETCD_CAFILE = Check {
        id: "BHC025",
        slug: "apiserver-etcd-cafile",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --etcd-cafile to the CA of etcd's serving certificate",
        compliance: Compliance {
            cis: &["1.2.26"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "etcd-cafile",
        "the API server does not verify etcd against etcd's own CA",
    );
}
