use bulkhead_model::Object;

use crate::rules::network::ingress_without_tls::is_ingress;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Ingress annotations that keep plain HTTP open next to HTTPS.
    ///
    /// Reported:
    /// - ingress-nginx `nginx.ingress.kubernetes.io/ssl-redirect: "false"` on an Ingress with
    ///   `spec.tls` (the controller redirects HTTP to HTTPS by default when there is TLS);
    /// - GKE `kubernetes.io/ingress.allow-http: "true"`, when written (it is the default, which
    ///   is not reported: the annotation is only judged when it is set explicitly);
    /// - AWS Load Balancer Controller `alb.ingress.kubernetes.io/listen-ports` with an `HTTP`
    ///   listener and no `alb.ingress.kubernetes.io/ssl-redirect`.
    ///
    /// Not reported: `nginx.ingress.kubernetes.io/force-ssl-redirect: "false"` (its default;
    /// it does not turn off `ssl-redirect`) and `backend-protocol: HTTP` (the default for every
    /// controller; traffic to the backends is the mesh's business, see BHN010/BHN011).
    ///
    /// ## Why it matters
    /// A site reachable over plain HTTP can be downgraded: a client that types the bare name
    /// or follows an `http://` link sends its cookies and credentials in clear text, and an
    /// attacker on the path can strip TLS from every later link.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/ssl-redirect: "false"
    /// ```
    ///
    /// Use instead: remove the annotation (or set it to `"true"`); for the AWS controller add
    /// `alb.ingress.kubernetes.io/ssl-redirect: '443'`; for GKE set
    /// `kubernetes.io/ingress.allow-http: "false"` or a `FrontendConfig` redirect.
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#server-side-https-enforcement-through-redirect
    /// - https://cloud.google.com/kubernetes-engine/docs/concepts/ingress-xlb#disabling_http
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ssl-redirect
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening"
    pub static INGRESS_PLAIN_HTTP_ALLOWED = Check {
        id: "BHN014",
        slug: "ingress-plain-http-allowed",
        severity: Severity::Low,
        family: Family::Network,
        remediation: "redirect HTTP to HTTPS (or close the HTTP listener) instead of serving plain HTTP",
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

fn pointer(key: &str) -> String {
    format!(
        "/metadata/annotations/{}",
        key.replace('~', "~0").replace('/', "~1")
    )
}

fn is(value: Option<&str>, expected: &str) -> bool {
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_ingress(object) {
        return;
    }
    let has_tls = object
        .root
        .path(&["spec", "tls"])
        .is_some_and(|t| !t.as_seq().is_empty());
    const SSL_REDIRECT: &str = "nginx.ingress.kubernetes.io/ssl-redirect";
    if has_tls && is(object.annotation(SSL_REDIRECT), "false") {
        sink.report(
            object,
            &pointer(SSL_REDIRECT),
            format!(
                "Ingress \"{}\" has TLS but turns off ingress-nginx's HTTP-to-HTTPS redirect: plain HTTP stays open",
                object.name
            ),
        );
    }
    const ALLOW_HTTP: &str = "kubernetes.io/ingress.allow-http";
    if is(object.annotation(ALLOW_HTTP), "true") {
        sink.report(
            object,
            &pointer(ALLOW_HTTP),
            format!(
                "Ingress \"{}\" sets kubernetes.io/ingress.allow-http: \"true\": the load balancer serves plain HTTP",
                object.name
            ),
        );
    }
    const LISTEN_PORTS: &str = "alb.ingress.kubernetes.io/listen-ports";
    if let Some(ports) = object.annotation(LISTEN_PORTS) {
        if http_listener(ports)
            && object
                .annotation("alb.ingress.kubernetes.io/ssl-redirect")
                .is_none()
        {
            sink.report(
                object,
                &pointer(LISTEN_PORTS),
                format!(
                    "Ingress \"{}\" opens an HTTP listener without alb.ingress.kubernetes.io/ssl-redirect: plain HTTP is served",
                    object.name
                ),
            );
        }
    }
}

/// Whether a `listen-ports` value (`[{"HTTP": 80}, {"HTTPS": 443}]`) has an HTTP listener.
fn http_listener(value: &str) -> bool {
    value
        .match_indices("\"HTTP\"")
        .any(|(i, m)| value[i + m.len()..].trim_start().starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::http_listener;

    #[test]
    fn listen_ports_with_an_http_listener() {
        assert!(http_listener(r#"[{"HTTP": 80}, {"HTTPS": 443}]"#));
        assert!(http_listener(r#"[{"HTTP":8080}]"#));
        assert!(!http_listener(r#"[{"HTTPS": 443}]"#));
        assert!(!http_listener("not json"));
    }
}
