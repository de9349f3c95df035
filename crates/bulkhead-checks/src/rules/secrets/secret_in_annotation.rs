use bulkhead_model::yaml::parse_chunk;
use bulkhead_model::{pointer, Limits, Node, Object};

use crate::rules::secrets::patterns::{decode_base64, find_credential, is_template_value};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Annotations that hold a credential, and Secrets whose last-applied configuration
    /// repeats their values.
    ///
    /// Reported: annotations, on the object and on its pod template, whose value holds a
    /// credential with a recognisable shape (private keys, cloud and SaaS tokens, JWTs, URLs with a
    /// password, Slack and Discord webhook URLs, `Bearer` credentials: the detector BHS001,
    /// BHS002 and BHS005 share), and Secrets that carry a `kubectl.kubernetes.io/last-applied-configuration`
    /// annotation repeating their `data` or `stringData`. Annotations are matched by the
    /// shape of their value only: annotation names such as
    /// `vault.hashicorp.com/agent-inject-secret-db` talk about secrets without holding one.
    /// The value is never printed.
    ///
    /// `kubectl apply` stores the whole applied manifest in `last-applied-configuration`. On
    /// most objects that copy repeats fields the other checks already read, so it is not
    /// searched. On a Secret it is reported on its own: the copy holds every value of the
    /// Secret in clear (base64 for `data`, plain text for `stringData`), and it sits in
    /// metadata, which is shown where data is hidden. A manifest with this annotation was
    /// usually exported from a cluster (`kubectl get -o yaml`) and committed.
    ///
    /// ## Why it matters
    /// Annotations are metadata: `kubectl describe` prints them (it hides a Secret's data,
    /// not its annotations), metadata-only clients and controllers read them, and tools that
    /// list objects (dashboards, GitOps UIs, backup and inventory tools) show and store them
    /// freely. A credential in an annotation is readable by anyone who can list the object,
    /// and it lands in Git with the manifest. The finding is high, as for other credentials
    /// stored in the clear (BHS001, BHS002).
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// metadata:
    ///   name: db
    ///   annotations:
    ///     kubectl.kubernetes.io/last-applied-configuration: |
    ///       {"apiVersion":"v1","kind":"Secret","stringData":{"password":"hunter2"},...}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Secret      # created by an external-secrets or sealed-secrets controller,
    /// metadata:         # or applied with server-side apply (no last-applied copy)
    ///   name: db
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Declarative Management of Kubernetes Objects Using
    ///   Configuration Files" (the last-applied-configuration annotation)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static SECRET_IN_ANNOTATION = Check {
        id: "BHS003",
        slug: "secret-in-annotation",
        severity: Severity::High,
        family: Family::Secrets,
        remediation: "remove the credential from the annotation (for Secrets: drop last-applied-configuration, use server-side apply or an external secret store)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: secrets"],
            mitre: &["T1552"],
        },
        run: Run::Object(check),
    };
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let pod = cx.pod_spec(object);
    let mut places = vec![(object.metadata(), "/metadata".to_string(), "")];
    if let Some(pod) = pod.filter(|p| p.metadata_pointer != "/metadata") {
        places.push((
            pod.metadata,
            pod.metadata_pointer.to_string(),
            "pod template ",
        ));
    }
    for (metadata, at, whose) in places {
        let annotations = metadata
            .and_then(|m| m.get("annotations"))
            .map(Node::as_map)
            .unwrap_or(&[]);
        for entry in annotations {
            let Some(value) = entry.value.as_str() else {
                continue;
            };
            let here = format!("{at}{}", pointer(["annotations", &*entry.key]));
            if &*entry.key == LAST_APPLIED {
                if whose.is_empty() && is_secret(object) {
                    let count = applied_secret_values(value);
                    if count > 0 {
                        sink.report(
                            object,
                            &here,
                            format!(
                                "Secret \"{}\": annotation {LAST_APPLIED} repeats the Secret's {count} value(s) in clear (values redacted)",
                                object.name
                            ),
                        );
                    }
                }
                continue;
            }
            if let Some(kind) = find_credential(value) {
                sink.report(
                    object,
                    &here,
                    format!(
                        "{} \"{}\": {whose}annotation \"{}\" holds {kind} (value redacted)",
                        object.kind, object.name, entry.key
                    ),
                );
            }
        }
    }
}

fn is_secret(object: &Object) -> bool {
    object.kind == "Secret" && object.group().is_empty()
}

/// How many non-placeholder `data` and `stringData` values the applied manifest holds.
fn applied_secret_values(text: &str) -> usize {
    let parsed = parse_chunk(text, 0, &Limits::default());
    let Some(root) = parsed.documents.first().map(|d| &d.root) else {
        return 0;
    };
    let plain = root
        .get("stringData")
        .map(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| e.value.scalar_text())
        .filter(|v| !is_template_value(v))
        .count();
    let encoded = root
        .get("data")
        .map(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| e.value.as_str())
        .filter(|v| match decode_base64(v) {
            Some(bytes) => !is_template_value(&String::from_utf8_lossy(&bytes)),
            None => !is_template_value(v),
        })
        .count();
    plain + encoded
}
