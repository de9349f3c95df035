use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd servers that generate their own peer certificate: `--peer-auto-tls` true or bare.
    /// The default is false. etcd ignores its other flags when `--config-file` is given; the
    /// check then reports that file as unread.
    ///
    /// ## Why it matters
    /// Self-signed peer certificates cannot be verified, so members cannot tell a real peer
    /// from an impostor.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --peer-auto-tls=true
    /// ```
    ///
    /// Use instead: use peer certificates signed by etcd's CA.
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    ///   - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.6
    /// - etcd documentation, configuration flags: `--peer-auto-tls` (default false): https://etcd.io/docs/v3.5/op-guide/configuration/
    /// - https://etcd.io/docs/v3.5/op-guide/security/
    pub static ETCD_PEER_AUTO_TLS = Check {
        id: "BHC042",
        slug: "etcd-peer-auto-tls",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "remove --peer-auto-tls and give etcd peer certificates from its CA",
        compliance: Compliance {
            cis: &["2.6"],
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
        "peer-auto-tls",
        false,
        false,
        "members cannot verify each other's self-signed certificates",
    );
}
