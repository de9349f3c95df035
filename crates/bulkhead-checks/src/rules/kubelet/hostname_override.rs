use crate::rules::control_plane::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets started with `--hostname-override`. It is a flag only (no configuration field
    /// sets it), so it is read from the kubelet's command line; a configuration file scanned
    /// on its own cannot show it. Low severity: some cloud providers need the flag, and then
    /// the finding is a lead to confirm, not a defect.
    ///
    /// ## Why it matters
    /// A node name that differs from the host name can break TLS between the API server and
    /// the kubelet (the serving certificate no longer matches the name the API server uses)
    /// and makes the Node authorizer's view of which node is which depend on the override.
    ///
    /// ## Example
    /// ```text
    /// kubelet --config=/var/lib/kubelet/config.yaml --hostname-override=worker-1
    /// ```
    ///
    /// Use instead: start the kubelet without the flag.
    /// ```text
    /// kubelet --config=/var/lib/kubelet/config.yaml
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.7
    /// - https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
    pub static HOSTNAME_OVERRIDE_SET = Check {
        id: "BHL007",
        slug: "kubelet-hostname-override",
        severity: Severity::Low,
        family: Family::Kubelet,
        remediation: "remove --hostname-override from the kubelet's command line, unless the cloud provider requires it",
        compliance: Compliance {
            cis: &["4.2.7"],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for kubelet in cx.kubelets() {
        let Some(line) = &kubelet.command_line else {
            continue;
        };
        if let Some(arg) = line.flag("hostname-override") {
            report_flag(
                sink,
                line,
                arg,
                "the node name is overridden; the kubelet's serving certificate and the Node authorizer must agree with it",
            );
        }
    }
}
