use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd servers that generate their own client certificate: `--auto-tls` true or bare. The
    /// default is false. etcd ignores its other flags when `--config-file` is given; the check
    /// then reports that file as unread.
    ///
    /// ## Why it matters
    /// An automatically generated certificate is self-signed, so clients cannot verify that
    /// they are talking to etcd: anyone in the middle can read the traffic.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --auto-tls=true
    /// ```
    ///
    /// Use instead: use certificates signed by etcd's CA.
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///   - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.3
    /// - etcd documentation, configuration flags: `--auto-tls` (default false): https://etcd.io/docs/v3.5/op-guide/configuration/
    /// - https://etcd.io/docs/v3.5/op-guide/security/
    pub static ETCD_AUTO_TLS = Check {
        id: "BHC039",
        slug: "etcd-auto-tls",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "remove --auto-tls and give etcd a certificate from its CA",
        compliance: Compliance {
            cis: &["2.3"],
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
        "auto-tls",
        false,
        false,
        "clients cannot verify etcd's self-signed certificate",
    );
}
