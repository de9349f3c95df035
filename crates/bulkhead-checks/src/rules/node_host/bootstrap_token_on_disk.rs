use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, spec_of, text};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A bootstrap token (`<id>.<secret>`) left in the kubelet's bootstrap kubeconfig
    /// (`/etc/kubernetes/bootstrap-kubelet.conf`, `/var/lib/kubelet/bootstrap-kubeconfig`). Only
    /// the token's public id is recorded, never its secret. It is high when the node has already
    /// joined (it holds its own client certificate), since the token is then no longer needed.
    ///
    /// ## Why it matters
    /// A bootstrap token lets anyone who reads it ask the cluster for a node certificate, or join
    /// a node of their own, for as long as the token lives (kubeadm's default is 24 hours; tokens
    /// created with `--ttl 0` never expire).
    ///
    /// ## Example
    /// ```yaml
    /// kind: BootstrapToken
    /// spec:
    ///   path: /etc/kubernetes/bootstrap-kubelet.conf
    ///   tokenId: abcdef
    ///   nodeJoined: true
    /// ```
    ///
    /// Use instead: no bootstrap kubeconfig on a node that has joined.
    ///
    /// ## References
    /// - Kubernetes documentation, "Authenticating with Bootstrap Tokens"
    /// - MITRE ATT&CK T1552.001 (Unsecured Credentials: Credentials In Files)
    pub static BOOTSTRAP_TOKEN_ON_DISK = Check {
        id: "BHN092",
        slug: "bootstrap-token-on-disk",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "delete the bootstrap kubeconfig once the node has its client certificate, and delete the token (kubeadm token delete <id>)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["BootstrapToken"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "BootstrapToken") else {
        return;
    };
    let path = text(spec, "path").unwrap_or_else(|| object.name.clone());
    let id = text(spec, "tokenId").unwrap_or_default();
    let line = text(spec, "line").unwrap_or_default();
    if spec.get("nodeJoined").and_then(boolean) == Some(true) {
        sink.report_with(
        object,
        "/spec/tokenId",
        Severity::High,
        format!("{path} line {line} still holds bootstrap token {id}, though the node has joined (it has its own client certificate)"),
    );
    } else {
        sink.report(
            object,
            "/spec/tokenId",
            format!("{path} line {line} holds bootstrap token {id}"),
        );
    }
}
