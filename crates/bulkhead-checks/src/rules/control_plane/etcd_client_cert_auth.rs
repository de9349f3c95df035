use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd servers that do not require client certificates: `--client-cert-auth` false, or not
    /// set (the default is false). etcd ignores its other flags when `--config-file` is given;
    /// the check then reports that file as unread.
    /// In a Pod, a flag missing from the command line is read from the container's
    /// `ETCD_<FLAG>` environment variable, as etcd does.
    ///
    /// ## Why it matters
    /// Without client certificate authentication anyone who reaches etcd's client port reads
    /// and writes every object of the cluster directly, secrets included, bypassing
    /// authentication, RBAC, admission and audit.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --client-cert-auth=false
    /// ```
    ///
    /// Use instead: require client certificates signed by etcd's CA.
    /// ```yaml
    /// command:
    ///   - etcd
    ///   - --client-cert-auth=true
    ///   - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.2
    /// - etcd documentation, configuration flags: `--client-cert-auth` (default false): https://etcd.io/docs/v3.5/op-guide/configuration/
    /// - https://etcd.io/docs/v3.5/op-guide/security/
    pub static ETCD_CLIENT_CERT_AUTH = Check {
        id: "BHC038",
        slug: "etcd-client-cert-auth",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "start etcd with --client-cert-auth=true and --trusted-ca-file",
        compliance: Compliance {
            cis: &["2.2"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd"],
            mitre: &["T1552"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::boolean(
        cx,
        sink,
        Component::Etcd,
        "client-cert-auth",
        false,
        true,
        "any client that reaches etcd reads and writes the whole cluster",
    );
}
