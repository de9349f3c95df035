use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd servers without `--peer-cert-file` or `--peer-key-file`, the certificate used
    /// between etcd members. Each missing flag is reported. etcd ignores its other flags when
    /// `--config-file` is given; the check then reports that file as unread.
    /// In a Pod, a flag missing from the command line is read from the container's
    /// `ETCD_<FLAG>` environment variable, as etcd does.
    ///
    /// ## Why it matters
    /// Members replicate every write to each other. Without peer certificates that replication,
    /// secrets included, crosses the network in plain text, and nothing stops a stranger from
    /// joining as a member.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --listen-peer-urls=http://10.0.0.10:2380
    /// ```
    ///
    /// Use instead: encrypt and authenticate peer traffic.
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    ///   - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.4
    /// - etcd documentation, configuration flags: `--peer-cert-file` (default none): https://etcd.io/docs/v3.5/op-guide/configuration/
    /// - https://etcd.io/docs/v3.5/op-guide/security/
    pub static ETCD_PEER_TLS = Check {
        id: "BHC040",
        slug: "etcd-peer-tls",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set etcd's --peer-cert-file and --peer-key-file",
        compliance: Compliance {
            cis: &["2.4"],
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
        Component::Etcd,
        "peer-cert-file",
        "replication between etcd members is not protected by a verifiable certificate",
    );
    expect::required(
        cx,
        sink,
        Component::Etcd,
        "peer-key-file",
        "replication between etcd members is not protected by a verifiable certificate",
    );
}
