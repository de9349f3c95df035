use bulkhead_model::{Node, Object};

use crate::rules::network::common::NETWORK_POLICY_COMPLIANCE;
use crate::{declare_check, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Linkerd's default inbound policy set to allow everyone: the annotation
    /// `config.linkerd.io/default-inbound-policy: all-unauthenticated` (or `audit`, which
    /// allows the same traffic and only logs it) on a `Namespace` or on a workload's pod
    /// template (a plain Pod's own metadata).
    ///
    /// `all-authenticated`, `cluster-authenticated` and `deny` are fine, and so is
    /// `cluster-unauthenticated` (clear text only from the cluster's networks). The
    /// cluster-wide default set at install time (`proxy.defaultInboundPolicy`, itself
    /// `all-unauthenticated` unless changed) is not in the manifests and is not judged.
    ///
    /// ## Why it matters
    /// With `all-unauthenticated` the proxy admits any client, meshed or not, from inside or
    /// outside the cluster, where no `Server`/`AuthorizationPolicy` says otherwise: writing it
    /// explicitly opts a namespace or workload out of a stricter cluster default.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     config.linkerd.io/default-inbound-policy: all-unauthenticated
    /// ```
    ///
    /// Use instead: `all-authenticated` (meshed, mTLS-identified clients only) or `deny` with
    /// explicit `AuthorizationPolicy` resources.
    ///
    /// ## References
    /// - https://linkerd.io/2/reference/authorization-policy/#default-policies
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static LINKERD_DEFAULT_ALLOW = Check {
        id: "BHN015",
        slug: "linkerd-default-allow",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "set config.linkerd.io/default-inbound-policy to all-authenticated, cluster-authenticated or deny",
        compliance: NETWORK_POLICY_COMPLIANCE,
        run: Run::Object(check),
    };
}

const ANNOTATION: &str = "config.linkerd.io/default-inbound-policy";
const ESCAPED: &str = "config.linkerd.io~1default-inbound-policy";

fn allows_all(value: &str) -> bool {
    matches!(value.trim(), "all-unauthenticated" | "audit")
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind == "Namespace" {
        if let Some(value) = object.annotation(ANNOTATION).filter(|v| allows_all(v)) {
            sink.report(
                object,
                &format!("/metadata/annotations/{ESCAPED}"),
                format!(
                    "namespace \"{}\" sets Linkerd's default inbound policy to {}: its meshed pods admit unauthenticated clients from anywhere",
                    object.name,
                    value.trim()
                ),
            );
        }
        return;
    }
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    let value = pod
        .metadata
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(ANNOTATION))
        .and_then(Node::as_str)
        .filter(|v| allows_all(v));
    if let Some(value) = value {
        sink.report(
            object,
            &format!("{}/annotations/{ESCAPED}", pod.metadata_pointer),
            format!(
                "{} \"{}\" sets Linkerd's default inbound policy to {}: its pods admit unauthenticated clients from anywhere",
                object.kind,
                object.name,
                value.trim()
            ),
        );
    }
}
