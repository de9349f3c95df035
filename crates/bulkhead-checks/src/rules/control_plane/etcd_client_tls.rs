use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd servers without `--cert-file` or `--key-file`, the certificate etcd serves its
    /// clients with. Each missing flag is reported. etcd ignores its other flags when
    /// `--config-file` is given; the check then reports that file as unread.
    /// In a Pod, a flag missing from the command line is read from the container's
    /// `ETCD_<FLAG>` environment variable, as etcd does.
    ///
    /// ## Why it matters
    /// Without a serving certificate etcd talks to its clients in plain text (or, with
    /// --auto-tls, with a certificate nobody can verify): every object of the cluster, secrets
    /// included, crosses the network readable.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --listen-client-urls=http://0.0.0.0:2379
    /// ```
    ///
    /// Use instead: serve clients over TLS with a certificate from etcd's CA.
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///   - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.1
    /// - etcd documentation, configuration flags: `--cert-file` (default none): https://etcd.io/docs/v3.5/op-guide/configuration/
    /// - https://etcd.io/docs/v3.5/op-guide/security/
    pub static ETCD_CLIENT_TLS = Check {
        id: "BHC037",
        slug: "etcd-client-tls",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set etcd's --cert-file and --key-file to its serving certificate",
        compliance: Compliance {
            cis: &["2.1"],
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
        Component::Etcd,
        "cert-file",
        "etcd serves its clients without a verifiable certificate",
    );
    expect::required(
        cx,
        sink,
        Component::Etcd,
        "key-file",
        "etcd serves its clients without a verifiable certificate",
    );
}
