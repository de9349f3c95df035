use bulkhead_node::kubelet::fields::CLIENT_CA_FILE;

use crate::rules::kubelet::judge::judge_setting;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets without a client CA file (`authentication.x509.clientCAFile` or
    /// `--client-ca-file`). There is no default: unset or empty means no client certificate
    /// is ever verified.
    ///
    /// ## Why it matters
    /// Without a client CA the kubelet cannot authenticate the API server (or anyone else) by
    /// certificate: the API server's exec, logs and port-forward requests then depend on
    /// tokens alone, and a kubelet that also allows anonymous requests treats every
    /// certificate-bearing caller as anonymous.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   x509: {}
    /// ```
    ///
    /// Use instead: name the cluster CA that signs the API server's kubelet client certificate.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   x509:
    ///     clientCAFile: /etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.3
    /// - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authentication
    pub static CLIENT_CA_FILE_MISSING = Check {
        id: "BHL003",
        slug: "kubelet-client-ca-file",
        severity: Severity::High,
        family: Family::Kubelet,
        remediation: "set authentication.x509.clientCAFile in the kubelet config file (or --client-ca-file) to the cluster CA",
        compliance: Compliance {
            cis: &["4.2.3"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &CLIENT_CA_FILE, |value| {
        let set = value.as_text().is_some_and(|t| !t.trim().is_empty());
        (!set).then(|| {
            "no client CA file is set: the kubelet cannot verify client certificates".to_string()
        })
    });
}
