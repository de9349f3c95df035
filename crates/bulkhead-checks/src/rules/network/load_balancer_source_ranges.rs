use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `LoadBalancer` Services without `spec.loadBalancerSourceRanges` (or with `0.0.0.0/0`
    /// among them), unless an annotation marks the load balancer internal.
    ///
    /// ## Why it matters
    /// The cloud load balancer then accepts connections from the whole internet. Most
    /// services behind one are meant for known clients (an office, a CDN, a partner).
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: LoadBalancer
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: [198.51.100.0/24]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static LOAD_BALANCER_SOURCE_RANGES = Check {
        id: "BHN008",
        slug: "load-balancer-open-to-internet",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "set spec.loadBalancerSourceRanges to the client networks that need access",
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

/// Annotations of the major clouds that make a load balancer internal-only.
fn is_internal(object: &Object) -> bool {
    object.annotations().any(|(k, v)| {
        matches!(
            (k, v),
            (
                "service.beta.kubernetes.io/aws-load-balancer-internal",
                "true" | "0.0.0.0/0"
            ) | (
                "service.beta.kubernetes.io/aws-load-balancer-scheme",
                "internal"
            ) | (
                "service.beta.kubernetes.io/azure-load-balancer-internal",
                "true"
            ) | ("networking.gke.io/load-balancer-type", "Internal")
                | (
                    "cloud.google.com/load-balancer-type",
                    "Internal" | "internal"
                )
                | (
                    "service.beta.kubernetes.io/oci-load-balancer-internal",
                    "true"
                )
        )
    })
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Service" || !object.group().is_empty() {
        return;
    }
    let spec = object.root.get("spec");
    if spec.and_then(|s| s.get("type")).and_then(Node::as_str) != Some("LoadBalancer")
        || is_internal(object)
    {
        return;
    }
    let ranges: Vec<&str> = spec
        .and_then(|s| s.get("loadBalancerSourceRanges"))
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect();
    if ranges.is_empty() {
        // The field is missing: point at `type: LoadBalancer`, the line that opens it up.
        sink.report(
            object,
            "/spec/type",
            format!(
                "LoadBalancer Service \"{}\" accepts connections from any address",
                object.name
            ),
        );
    } else if let Some(i) = ranges
        .iter()
        .position(|r| *r == "0.0.0.0/0" || *r == "::/0")
    {
        sink.report(
            object,
            &format!("/spec/loadBalancerSourceRanges/{i}"),
            format!(
                "LoadBalancer Service \"{}\" allows {} in loadBalancerSourceRanges",
                object.name, ranges[i]
            ),
        );
    }
}
