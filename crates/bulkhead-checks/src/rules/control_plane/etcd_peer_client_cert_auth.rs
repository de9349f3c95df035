use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd servers that do not require certificates from their peers:
    /// `--peer-client-cert-auth` false, or not set (the default is false). etcd ignores its
    /// other flags when `--config-file` is given; the check then reports that file as unread.
    /// In a Pod, a flag missing from the command line is read from the container's
    /// `ETCD_<FLAG>` environment variable, as etcd does.
    ///
    /// ## Why it matters
    /// Without it any host that reaches the peer port can take part in replication and receive
    /// every write of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --peer-client-cert-auth=false
    /// ```
    ///
    /// Use instead: require peer certificates signed by etcd's CA.
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --peer-client-cert-auth=true
    ///   - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.5
    /// - etcd documentation, configuration flags: `--peer-client-cert-auth` (default false): https://etcd.io/docs/v3.5/op-guide/configuration/
    /// - https://etcd.io/docs/v3.5/op-guide/security/
    pub static ETCD_PEER_CLIENT_CERT_AUTH = Check {
        id: "BHC041",
        slug: "etcd-peer-client-cert-auth",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "start etcd with --peer-client-cert-auth=true and --peer-trusted-ca-file",
        compliance: Compliance {
            cis: &["2.5"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::boolean(
        cx,
        sink,
        Component::Etcd,
        "peer-client-cert-auth",
        false,
        true,
        "any host that reaches the peer port can join replication",
    );
}
