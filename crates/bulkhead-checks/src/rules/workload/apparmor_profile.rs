use bulkhead_model::{escape_token, Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// AppArmor turned off or overridden: a pod or container `securityContext.appArmorProfile`
    /// whose type is not `RuntimeDefault` or `Localhost`, or a
    /// `container.apparmor.security.beta.kubernetes.io/*` annotation whose value is not
    /// `runtime/default` or `localhost/...`.
    ///
    /// ## Why it matters
    /// On hosts with AppArmor, the runtime's default profile blocks writes to sensitive `/proc`
    /// and `/sys` paths, mounts and other escape steps. `Unconfined` removes that layer.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: Unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "AppArmor" (`appArmorProfile`)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Pod security"
    pub static APPARMOR_PROFILE = Check {
        id: "BHW011",
        slug: "apparmor-unconfined",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "use the RuntimeDefault or a Localhost AppArmor profile",
        compliance: Compliance {
            cis: &[],
            pss: &["baseline:appArmorProfile", "restricted:appArmorProfile"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn allowed_type(profile: &Node) -> bool {
    let kind = profile.get("type").and_then(Node::as_str).unwrap_or("");
    matches!(kind, "RuntimeDefault" | "Localhost")
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("appArmorProfile")) else {
        return;
    };
    let type_of = |p: &Node| {
        p.get("type")
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    };
    if let Some(profile) = pod
        .get("securityContext")
        .and_then(|sc| sc.get("appArmorProfile"))
        .filter(|p| !p.is_null() && !allowed_type(p))
    {
        sink.report_pss(
            object,
            &pod.pointer_to("securityContext/appArmorProfile/type"),
            format!("pod sets AppArmor profile type {:?}", type_of(profile)),
            pss.clone(),
        );
    }
    for container in pod.containers() {
        if let Some(profile) = container
            .security_context()
            .and_then(|sc| sc.get("appArmorProfile"))
            .filter(|p| !p.is_null() && !allowed_type(p))
        {
            sink.report_pss(
                object,
                &container.pointer_to("securityContext/appArmorProfile/type"),
                format!(
                    "{} sets AppArmor profile type {:?}",
                    describe(&container),
                    type_of(profile)
                ),
                pss.clone(),
            );
        }
    }
    let annotations = pod.metadata.and_then(|m| m.get("annotations"));
    for entry in annotations.map(Node::as_map).unwrap_or(&[]) {
        if !entry.key.starts_with(ANNOTATION_PREFIX) {
            continue;
        }
        let value = entry.value.scalar_text().unwrap_or_default();
        let allowed =
            value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
        if !allowed {
            sink.report_pss(
                object,
                &format!(
                    "{}/annotations/{}",
                    pod.metadata_pointer,
                    escape_token(&entry.key)
                ),
                format!("annotation {} sets AppArmor profile {value:?}", entry.key),
                pss.clone(),
            );
        }
    }
}
