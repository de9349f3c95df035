use bulkhead_model::{pointer, Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// ingress-nginx annotations and settings that let whoever can write an Ingress write
    /// nginx configuration.
    ///
    /// Reported:
    /// - Ingress annotations `nginx.ingress.kubernetes.io/*-snippet`
    ///   (`configuration-snippet`, `server-snippet`, `auth-snippet`, `stream-snippet`,
    ///   `modsecurity-snippet`), the custom-snippet feature behind CVE-2021-25742;
    /// - the annotations fixed in March 2025 as "IngressNightmare" (`auth-url`,
    ///   CVE-2025-24514; `auth-tls-match-cn`, CVE-2025-1097; `mirror-target` and
    ///   `mirror-host`, CVE-2025-1098) when their value contains nginx syntax (a line break,
    ///   `;`, `{`, `}`, a double quote or a backtick): the shape of an injection attempt,
    ///   reported as critical;
    /// - the controller's ConfigMap turning the protection off: `allow-snippet-annotations:
    ///   "true"`, or `annotations-risk-level: Critical`, which since ingress-nginx 1.12 is
    ///   also needed for snippets to be accepted.
    ///
    /// ## Why it matters
    /// The ingress-nginx controller can read every Secret in the cluster in its default
    /// installation, and snippet annotations are copied into its nginx configuration as
    /// they are. Anyone allowed to create or edit an Ingress in any namespace can use them
    /// to read files of the controller, including its service account token, and from
    /// there every Secret (CVE-2021-25742, rated high). The project's answer was not a fix
    /// but a switch: snippets have been off by default since controller v1.9. The 2025
    /// IngressNightmare CVEs showed the same injection through other annotations, and,
    /// with CVE-2025-1974 (critical), that the admission webhook could be made to run such
    /// a configuration without creating any Ingress at all; upgrading the controller
    /// (v1.11.5, v1.12.1 or later) is the fix for those.
    ///
    /// Severity: snippets and `allow-snippet-annotations` are high, the rating of
    /// CVE-2021-25742; an annotation value shaped like an injection is critical, since it
    /// is an attack rather than a risk; `annotations-risk-level: Critical` on its own is
    /// medium.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "X-Frame-Options: DENY";
    /// ```
    ///
    /// Use instead: a dedicated annotation or a controller-wide setting, with snippets left
    /// disabled:
    /// ```yaml
    /// kind: ConfigMap   # the controller's
    /// data:
    ///   allow-snippet-annotations: "false"
    ///   add-headers: ingress-nginx/custom-headers
    /// ```
    ///
    /// ## References
    /// - CVE-2021-25742, kubernetes/ingress-nginx#7837
    /// - CVE-2025-24514, CVE-2025-1097, CVE-2025-1098 (kubernetes/kubernetes#131006, #131007,
    ///   #131008) and CVE-2025-1974, "Ingress-nginx CVE-2025-1974: What You Need to Know"
    ///   (Kubernetes blog, 2025-03-24)
    /// - ingress-nginx documentation, ConfigMap options `allow-snippet-annotations` and
    ///   `annotations-risk-level`
    /// - NSA-CISA Kubernetes Hardening Guidance, "Upgrading and application security practices"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static INGRESS_NGINX_SNIPPET_ANNOTATIONS = Check {
        id: "BHK003",
        slug: "ingress-nginx-snippet-annotations",
        severity: Severity::High,
        family: Family::KnownRisks,
        remediation: "remove the snippet annotation (use a dedicated annotation or controller setting) and set allow-snippet-annotations to \"false\"",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Upgrading and application security practices"],
            mitre: &["T1552"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Ingress", "ConfigMap"]),
    };
}

const PREFIX: &str = "nginx.ingress.kubernetes.io/";

/// Annotations whose values were copied into nginx.conf unsanitised, with their CVE.
const INJECTABLE: &[(&str, &str)] = &[
    ("auth-url", "CVE-2025-24514"),
    ("auth-tls-match-cn", "CVE-2025-1097"),
    ("mirror-target", "CVE-2025-1098"),
    ("mirror-host", "CVE-2025-1098"),
];

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    match object.kind.as_str() {
        "Ingress" => check_ingress(object, sink),
        "ConfigMap" if object.group().is_empty() => check_config_map(object, sink),
        _ => {}
    }
}

fn check_ingress(object: &Object, sink: &mut Sink<'_>) {
    for (key, value) in object.annotations() {
        let Some(name) = key.strip_prefix(PREFIX) else {
            continue;
        };
        let at = pointer(["metadata", "annotations", key]);
        if name.ends_with("-snippet") {
            sink.report(
                object,
                &at,
                format!(
                    "Ingress \"{}\": annotation {key} injects raw nginx configuration into the ingress-nginx controller (CVE-2021-25742)",
                    object.name
                ),
            );
        } else if let Some((_, cve)) = INJECTABLE.iter().find(|(n, _)| *n == name) {
            if value.contains(['\n', '\r', ';', '{', '}', '"', '`']) {
                sink.report_with(
                    object,
                    &at,
                    Severity::Critical,
                    format!(
                        "Ingress \"{}\": annotation {key} contains nginx configuration syntax, the shape of the {cve} injection",
                        object.name
                    ),
                );
            }
        }
    }
}

fn check_config_map(object: &Object, sink: &mut Sink<'_>) {
    let data = object.root.get("data");
    let setting = |key: &str| {
        data.and_then(|d| d.get(key))
            .and_then(Node::scalar_text)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if setting("allow-snippet-annotations").as_deref() == Some("true") {
        sink.report(
            object,
            "/data/allow-snippet-annotations",
            format!(
                "ConfigMap \"{}\": allow-snippet-annotations is \"true\", so anyone who can write an Ingress can inject nginx configuration (CVE-2021-25742)",
                object.name
            ),
        );
    }
    if setting("annotations-risk-level").as_deref() == Some("critical") {
        sink.report_with(
            object,
            "/data/annotations-risk-level",
            Severity::Medium,
            format!(
                "ConfigMap \"{}\": annotations-risk-level Critical accepts the riskiest annotations, snippets included",
                object.name
            ),
        );
    }
}
