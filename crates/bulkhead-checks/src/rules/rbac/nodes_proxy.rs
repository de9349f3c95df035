use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow access to the nodes/proxy subresource.
    ///
    /// ## Why it matters
    /// nodes/proxy reaches the kubelet API of every node: it runs commands in any pod on the node,
    /// and those requests bypass the API server's admission control and audit log. Even get on
    /// nodes/proxy is enough to open an exec channel over a websocket.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/proxy"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// Use instead: read node metrics through the metrics API (nodes/metrics, nodes/stats) instead.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/metrics", "nodes/stats"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.10
    /// - MITRE ATT&CK T1609 (Container Administration Command)
    pub static NODES_PROXY = Check {
        id: "BHR008",
        slug: "nodes-proxy",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "remove access to nodes/proxy; use the metrics API or a node agent for node metrics",
        compliance: Compliance {
            cis: &["5.1.10"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1609"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        let verb = allowed_verb(
            rule,
            &["get", "create", "update", "patch"],
            "",
            "nodes",
            Some("proxy"),
        )?;
        Some(format!(
            "allows {verb} on nodes/proxy: the kubelet API, which runs commands in any pod unaudited"
        ))
    });
}
