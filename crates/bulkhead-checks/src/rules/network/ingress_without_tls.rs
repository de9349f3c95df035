use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Ingresses (`networking.k8s.io/v1`, `v1beta1`, `extensions/v1beta1`) that serve a host,
    /// a host-less rule or a default backend without a `spec.tls` entry covering it. A rule's
    /// host is covered by a TLS entry listing it, a wildcard entry (`*.example.com` covers
    /// `www.example.com`) or an entry without `hosts` (the controller's default certificate);
    /// host-less rules and the default backend are covered by any TLS entry.
    ///
    /// Ingresses whose annotations show TLS terminated by the load balancer are skipped, for
    /// these documented annotations only:
    /// - AWS Load Balancer Controller: `alb.ingress.kubernetes.io/certificate-arn`, or
    ///   `alb.ingress.kubernetes.io/listen-ports` with an `HTTPS` listener (certificate
    ///   discovery by host name);
    /// - GKE: `networking.gke.io/managed-certificates`, `networking.gke.io/pre-shared-cert`,
    ///   `ingress.gcp.kubernetes.io/pre-shared-cert`, or `kubernetes.io/ingress.allow-http:
    ///   "false"` (the load balancer then has no HTTP frontend: it serves HTTPS with
    ///   certificates configured on it, or nothing);
    /// - Azure Application Gateway: `appgw.ingress.kubernetes.io/appgw-ssl-certificate`;
    /// - Traefik: `traefik.ingress.kubernetes.io/router.tls: "true"`.
    ///
    /// The ingress class alone is not taken as proof of TLS. Whether plain HTTP stays open
    /// beside TLS is BHN014's question.
    ///
    /// ## Why it matters
    /// Without TLS, requests, session cookies and credentials cross the network in plain text,
    /// readable and alterable by anyone on the path. cert-manager's ingress annotations do
    /// nothing without a `spec.tls` entry either.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   rules:
    ///     - host: shop.example
    /// ```
    ///
    /// Use instead: a TLS entry for every host:
    /// ```yaml
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example]
    ///       secretName: shop-tls
    ///   rules:
    ///     - host: shop.example
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ssl
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static INGRESS_WITHOUT_TLS = Check {
        id: "BHN013",
        slug: "ingress-without-tls",
        severity: Severity::Medium,
        family: Family::Network,
        remediation: "add a spec.tls entry (hosts and secretName) covering every host the Ingress serves",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Ingress"]),
    };
}

/// Whether an object is an Ingress of the networking or extensions group.
pub(crate) fn is_ingress(object: &Object) -> bool {
    object.kind == "Ingress"
        && (object.group().starts_with("networking.k8s.io")
            || object.group().starts_with("extensions"))
}

/// Annotations documented to terminate TLS at the load balancer.
fn tls_terminated_elsewhere(object: &Object) -> bool {
    const CERTIFICATE_ANNOTATIONS: &[&str] = &[
        "alb.ingress.kubernetes.io/certificate-arn",
        "networking.gke.io/managed-certificates",
        "networking.gke.io/pre-shared-cert",
        "ingress.gcp.kubernetes.io/pre-shared-cert",
        "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
    ];
    CERTIFICATE_ANNOTATIONS
        .iter()
        .any(|k| object.annotation(k).is_some_and(|v| !v.trim().is_empty()))
        || object
            .annotation("alb.ingress.kubernetes.io/listen-ports")
            .is_some_and(|v| v.contains("\"HTTPS\""))
        || object
            .annotation("kubernetes.io/ingress.allow-http")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
        || object
            .annotation("traefik.ingress.kubernetes.io/router.tls")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Whether a TLS host entry covers `host` (exactly, or as a one-label wildcard).
fn covers(tls_host: &str, host: &str) -> bool {
    if tls_host.eq_ignore_ascii_case(host) {
        return true;
    }
    match (tls_host.strip_prefix("*."), host.split_once('.')) {
        (Some(domain), Some((_, rest))) => {
            !host.starts_with('*') && domain.eq_ignore_ascii_case(rest)
        }
        _ => false,
    }
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_ingress(object) || tls_terminated_elsewhere(object) {
        return;
    }
    let Some(spec) = object.root.get("spec") else {
        return;
    };
    let tls = spec.get("tls").map(Node::as_seq).unwrap_or(&[]);
    // An entry without hosts stands for the controller's default certificate: every host.
    let default_certificate = tls
        .iter()
        .any(|t| t.get("hosts").is_none_or(|h| h.as_seq().is_empty()));
    let tls_hosts: Vec<&str> = tls
        .iter()
        .flat_map(|t| t.get("hosts").map(Node::as_seq).unwrap_or(&[]))
        .filter_map(Node::as_str)
        .collect();
    let mut hostless = spec.get("defaultBackend").is_some() || spec.get("backend").is_some();
    for (i, rule) in spec
        .get("rules")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let Some(host) = rule
            .get("host")
            .and_then(Node::as_str)
            .filter(|h| !h.is_empty())
        else {
            hostless = true;
            continue;
        };
        if default_certificate || tls_hosts.iter().any(|t| covers(t, host)) {
            continue;
        }
        sink.report(
            object,
            &format!("/spec/rules/{i}/host"),
            format!(
                "Ingress \"{}\" serves {host} without TLS: no spec.tls entry covers it",
                object.name
            ),
        );
    }
    if hostless && tls.is_empty() {
        sink.report(
            object,
            "/spec",
            format!(
                "Ingress \"{}\" serves requests without a host and has no spec.tls: plain HTTP only",
                object.name
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn tls_hosts_cover_exact_names_and_one_label_wildcards() {
        assert!(covers("shop.example", "Shop.Example"));
        assert!(covers("*.shop.example", "www.shop.example"));
        assert!(covers("*.shop.example", "*.shop.example"));
        assert!(!covers("*.shop.example", "shop.example"));
        assert!(!covers("*.shop.example", "a.b.shop.example"));
        assert!(!covers("www.shop.example", "*.shop.example"));
    }
}
