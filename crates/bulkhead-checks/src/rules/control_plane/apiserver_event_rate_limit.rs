use super::admission;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that do not run the EventRateLimit admission plugin. It is off by default,
    /// so it must be listed in `--enable-admission-plugins`. CIS marks this recommendation
    /// manual.
    ///
    /// ## Why it matters
    /// Events are written by every component and by any user allowed to create them. Without a
    /// limit a flood of events fills etcd and slows the API server for everyone; the plugin
    /// caps event creation per server, namespace, user or source.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// Use instead: enable the plugin and give it limits in the admission configuration file.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction,EventRateLimit
    ///   - --admission-control-config-file=/etc/kubernetes/admission.yaml
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.9
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--enable-admission-plugins` (default the plugins enabled by default, which exclude EventRateLimit): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#eventratelimit
    pub static APISERVER_EVENT_RATE_LIMIT = Check {
        id: "BHC009",
        slug: "apiserver-event-rate-limit",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "add EventRateLimit to --enable-admission-plugins and configure it in --admission-control-config-file",
        compliance: Compliance {
            cis: &["1.2.9"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &["T1499"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    admission::require(
        cx,
        sink,
        "EventRateLimit",
        "nothing limits how fast events are written to etcd",
    );
}
