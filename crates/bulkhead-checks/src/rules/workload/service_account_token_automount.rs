use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Workloads that get a Kubernetes API token mounted: `automountServiceAccountToken` is
    /// not false on the pod, and not false on its ServiceAccount when that is among the
    /// scanned objects. The pod's setting wins over the ServiceAccount's.
    ///
    /// ## Why it matters
    /// Every pod gets its service account's token at
    /// `/var/run/secrets/kubernetes.io/serviceaccount/token` unless told otherwise. Most
    /// applications never call the API server; for them the token only serves an attacker,
    /// who can use it to list secrets or create pods if RBAC allows it.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example/app:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.6
    /// - NSA-CISA Kubernetes Hardening Guidance, "Protecting Pod service account tokens"
    /// - MITRE ATT&CK T1528 (Steal Application Access Token)
    pub static SERVICE_ACCOUNT_TOKEN_AUTOMOUNT = Check {
        id: "BHW009",
        slug: "service-account-token-automount",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless it calls the Kubernetes API",
        compliance: Compliance {
            cis: &["5.1.6"],
            pss: &[],
            nsa: &["Pod security: protecting pod service account tokens"],
            mitre: &["T1528"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    let pointer = pod.pointer_to("automountServiceAccountToken");
    match pod
        .get("automountServiceAccountToken")
        .and_then(Node::as_bool)
    {
        Some(false) => {}
        Some(true) => sink.report(
            object,
            &pointer,
            "pod mounts its service account token (automountServiceAccountToken: true)",
        ),
        None => {
            let account = pod.service_account().map_or("default", |(name, _)| name);
            let namespace = object.namespace.as_deref();
            let disabled_by_account = cx
                .inventory
                .get("ServiceAccount", namespace, account)
                .and_then(|sa| sa.root.get("automountServiceAccountToken"))
                .and_then(Node::as_bool)
                == Some(false);
            if !disabled_by_account {
                sink.report(
                    object,
                    &pointer,
                    format!(
                        "pod mounts the token of service account \"{account}\" (automountServiceAccountToken is not false)"
                    ),
                );
            }
        }
    }
}
