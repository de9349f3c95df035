use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--etcd-certfile` or `--etcd-keyfile`: the client certificate the
    /// API server authenticates to etcd with. Each missing flag is reported.
    ///
    /// ## Why it matters
    /// etcd holds every object of the cluster, secrets included. If the API server needs no
    /// certificate to talk to etcd, etcd cannot demand one, and anyone who reaches etcd's port
    /// reads and writes the cluster directly.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --etcd-servers=https://127.0.0.1:2379
    /// ```
    ///
    /// Use instead: authenticate to etcd with a client certificate.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    ///   - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.23
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--etcd-certfile` (default none): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters
    pub static APISERVER_ETCD_CLIENT_CERTIFICATE = Check {
        id: "BHC022",
        slug: "apiserver-etcd-client-certificate",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --etcd-certfile and --etcd-keyfile to the API server's etcd client certificate",
        compliance: Compliance {
            cis: &["1.2.23"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd"],
            mitre: &["T1552"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "etcd-certfile",
        "the API server presents no client certificate to etcd, so etcd must accept unauthenticated clients",
    );
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "etcd-keyfile",
        "without the key the API server presents no client certificate to etcd",
    );
}
