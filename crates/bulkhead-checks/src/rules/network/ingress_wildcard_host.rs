use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Ingress rules and TLS entries with a wildcard host (`*.example.com`, `*`).
    ///
    /// ## Why it matters
    /// A wildcard routes every matching name to the backend, including names nobody meant to
    /// serve, and a wildcard certificate shared across services widens what one leaked key
    /// exposes. Subdomain takeovers and host-header tricks start here.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - host: "*.shop.example"
    /// ```
    ///
    /// Use instead: list the host names served:
    /// ```yaml
    /// rules:
    ///   - host: www.shop.example
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static INGRESS_WILDCARD_HOST = Check {
        id: "BHN009",
        slug: "ingress-wildcard-host",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "replace the wildcard with the exact host names the Ingress serves",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Ingress"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Ingress"
        || !object.group().starts_with("networking.k8s.io")
            && !object.group().starts_with("extensions")
    {
        return;
    }
    let spec = object.root.get("spec");
    for (i, rule) in spec
        .and_then(|s| s.get("rules"))
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        if let Some(host) = rule
            .get("host")
            .and_then(Node::as_str)
            .filter(|h| h.starts_with('*'))
        {
            sink.report(
                object,
                &format!("/spec/rules/{i}/host"),
                format!(
                    "Ingress \"{}\" routes the wildcard host {host}",
                    object.name
                ),
            );
        }
    }
    for (i, tls) in spec
        .and_then(|s| s.get("tls"))
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        for (j, host) in tls
            .get("hosts")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if let Some(host) = host.as_str().filter(|h| h.starts_with('*')) {
                sink.report(
                    object,
                    &format!("/spec/tls/{i}/hosts/{j}"),
                    format!(
                        "Ingress \"{}\" serves a wildcard certificate for {host}",
                        object.name
                    ),
                );
            }
        }
    }
}
