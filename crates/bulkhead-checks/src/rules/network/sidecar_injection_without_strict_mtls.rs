use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Namespaces labelled for Istio sidecar injection (`istio-injection: enabled` or an
    /// `istio.io/rev` label) where no `PeerAuthentication` of the scan enforces `STRICT` mTLS:
    /// neither a namespace-wide one in the namespace nor a mesh-wide one in the root namespace
    /// (`istio-system`). It runs when the scan holds at least one PeerAuthentication.
    ///
    /// ## Why it matters
    /// Istio's default is `PERMISSIVE`: sidecars accept plain text. A mesh whose namespaces
    /// are injected but not STRICT looks encrypted and authenticated without being so.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels: {istio-injection: enabled}
    /// ```
    ///
    /// Use instead: add a STRICT policy (mesh-wide in `istio-system`, or per namespace):
    /// ```yaml
    /// apiVersion: security.istio.io/v1
    /// kind: PeerAuthentication
    /// metadata: {name: default, namespace: shop}
    /// spec:
    ///   mtls: {mode: STRICT}
    /// ```
    ///
    /// ## References
    /// - https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static SIDECAR_INJECTION_WITHOUT_STRICT_MTLS = Check {
        id: "BHN011",
        slug: "sidecar-injection-without-strict-mtls",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "add a PeerAuthentication with spec.mtls.mode: STRICT to the namespace or mesh-wide",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

const MESH_ROOT: &str = "istio-system";

fn is_peer_authentication(o: &Object) -> bool {
    o.kind == "PeerAuthentication" && o.group().starts_with("security.istio.io")
}

/// A namespace-wide (no selector) STRICT policy in `namespace`.
fn strict_in(objects: &[&Object], namespace: &str) -> bool {
    objects.iter().any(|o| {
        o.namespace.as_deref() == Some(namespace)
            && o.root.path(&["spec", "selector"]).is_none()
            && o.root
                .path(&["spec", "mtls", "mode"])
                .and_then(Node::as_str)
                == Some("STRICT")
    })
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let policies: Vec<&Object> = cx
        .inventory
        .objects()
        .iter()
        .filter(|o| is_peer_authentication(o))
        .collect();
    if policies.is_empty() || strict_in(&policies, MESH_ROOT) {
        return;
    }
    for ns in cx.inventory.of_kind("Namespace") {
        let injected =
            ns.label("istio-injection") == Some("enabled") || ns.label("istio.io/rev").is_some();
        if !injected || strict_in(&policies, &ns.name) {
            continue;
        }
        let pointer = if ns.label("istio-injection").is_some() {
            "/metadata/labels/istio-injection"
        } else {
            "/metadata/labels/istio.io~1rev"
        };
        sink.report(
            ns,
            pointer,
            format!(
                "namespace \"{}\" gets Istio sidecars but no PeerAuthentication makes mTLS STRICT (Istio's default is PERMISSIVE)",
                ns.name
            ),
        );
    }
}
