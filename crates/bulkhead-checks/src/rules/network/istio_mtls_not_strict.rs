use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Istio `PeerAuthentication` objects whose mTLS mode (for the workload or for a port) is
    /// `PERMISSIVE` or `DISABLE`.
    ///
    /// ## Why it matters
    /// `PERMISSIVE` accepts plain text next to mTLS, so any pod (or anyone on the network
    /// path) can talk to the workload without a verified identity, and authorization policies
    /// based on peer identity can be bypassed. `DISABLE` turns mutual TLS off entirely.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: security.istio.io/v1
    /// kind: PeerAuthentication
    /// metadata: {name: default, namespace: shop}
    /// spec:
    ///   mtls: {mode: PERMISSIVE}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   mtls: {mode: STRICT}
    /// ```
    ///
    /// ## References
    /// - https://istio.io/latest/docs/reference/config/security/peer_authentication/
    /// - https://istio.io/latest/docs/ops/best-practices/security/#mutual-tls
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static ISTIO_MTLS_NOT_STRICT = Check {
        id: "BHN010",
        slug: "istio-mtls-not-strict",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "set spec.mtls.mode to STRICT once every client has a sidecar",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["PeerAuthentication"]),
    };
}

fn weak(mode: Option<&Node>) -> Option<&str> {
    mode.and_then(Node::as_str)
        .filter(|m| matches!(*m, "PERMISSIVE" | "DISABLE"))
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "PeerAuthentication" || !object.group().starts_with("security.istio.io") {
        return;
    }
    let spec = object.root.get("spec");
    if let Some(mode) = weak(spec.and_then(|s| s.path(&["mtls", "mode"]))) {
        sink.report(
            object,
            "/spec/mtls/mode",
            format!(
                "PeerAuthentication \"{}\" sets mTLS mode {mode}: plain-text connections are accepted",
                object.name
            ),
        );
    }
    for entry in spec
        .and_then(|s| s.get("portLevelMtls"))
        .map(Node::as_map)
        .unwrap_or(&[])
    {
        if let Some(mode) = weak(entry.value.get("mode")) {
            sink.report(
                object,
                &bulkhead_model::pointer(["spec", "portLevelMtls", &entry.key, "mode"]),
                format!(
                    "PeerAuthentication \"{}\" sets mTLS mode {mode} on port {}",
                    object.name, entry.key
                ),
            );
        }
    }
}
