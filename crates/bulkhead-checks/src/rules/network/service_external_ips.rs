use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Services with `spec.externalIPs`.
    ///
    /// ## Why it matters
    /// Every node accepts traffic for an external IP and forwards it to the Service. Anyone who
    /// can create a Service can claim any address this way and intercept traffic meant for it
    /// (CVE-2020-8554); upstream recommends denying `externalIPs` by admission policy.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   externalIPs: [203.0.113.10]
    /// ```
    ///
    /// Use instead: a `LoadBalancer` Service (with `loadBalancerSourceRanges`) or an Ingress.
    ///
    /// ## References
    /// - CVE-2020-8554, https://github.com/kubernetes/kubernetes/issues/97076
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static SERVICE_EXTERNAL_IPS = Check {
        id: "BHN007",
        slug: "service-external-ips",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "remove spec.externalIPs; expose the Service through a LoadBalancer or an Ingress",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: network policies"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Service"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Service" || !object.group().is_empty() {
        return;
    }
    let Some(ips) = object.root.path(&["spec", "externalIPs"]) else {
        return;
    };
    let list: Vec<&str> = ips.as_seq().iter().filter_map(Node::as_str).collect();
    if list.is_empty() {
        return;
    }
    sink.report(
        object,
        "/spec/externalIPs",
        format!(
            "Service \"{}\" claims the external IP(s) {}",
            object.name,
            list.join(", ")
        ),
    );
}
