use bulkhead_model::{Container, Node, Object};

use crate::rules::common::describe;
use crate::rules::known_risks::args::{flag_value, image_name, is_on, words};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Tiller, the in-cluster server of Helm v2, in any workload.
    ///
    /// Tiller is recognised by an image named `tiller` (`gcr.io/kubernetes-helm/tiller`,
    /// `ghcr.io/helm/tiller`). It is critical when Tiller accepts unauthenticated connections: no `--tls-verify`
    /// flag or `TILLER_TLS_VERIFY=1` setting, and not bound to localhost with `--listen`.
    /// With mutual TLS or a localhost listener it is still reported, as high: Helm v2 has
    /// been unsupported since November 2020 and receives no security fixes.
    ///
    /// ## Why it matters
    /// Tiller installs whatever chart it is sent, with its own service account, which the
    /// usual setup binds to `cluster-admin`. Its gRPC port (44134) has no authentication
    /// unless mutual TLS is configured, so any pod that can reach it, in any namespace, can
    /// deploy a privileged pod or read every Secret: a one-step escalation from any
    /// compromised container to the whole cluster, hence critical. Helm v3 removed Tiller
    /// entirely.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: tiller
    ///     image: gcr.io/kubernetes-helm/tiller:v2.16.12
    /// ```
    ///
    /// Use instead: migrate the releases to Helm v3 (`helm 2to3`), which runs in the
    /// client with the user's own credentials, and delete the Tiller deployment, its
    /// service account and its binding.
    ///
    /// ## References
    /// - Helm, "Helm 2 and the Charts Project Are Now Unsupported" (November 2020)
    /// - Helm v2 documentation, "Securing your Helm Installation"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Authentication and authorization"
    /// - MITRE ATT&CK T1610 (Deploy Container)
    pub static TILLER = Check {
        id: "BHK002",
        slug: "tiller",
        severity: Severity::Critical,
        family: Family::KnownRisks,
        remediation: "migrate to Helm v3 (helm 2to3) and remove Tiller, its service account and its role binding",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1610"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers() {
        let Some(image) = container.get("image").and_then(Node::as_str) else {
            continue;
        };
        if image_name(image) != "tiller" {
            continue;
        }
        let at = container.pointer_to("image");
        match protection(&container) {
            Some(how) => sink.report_with(
                object,
                &at,
                Severity::High,
                format!(
                    "{} runs Tiller (Helm v2, unsupported since 2020); it {how}, but gets no security fixes",
                    describe(&container)
                ),
            ),
            None => sink.report(
                object,
                &at,
                format!(
                    "{} runs Tiller (Helm v2) without TLS client verification: any pod that reaches port 44134 can deploy anything with Tiller's service account",
                    describe(&container)
                ),
            ),
        }
    }
}

/// How Tiller is kept from unauthenticated callers, if it is.
fn protection(container: &Container<'_>) -> Option<&'static str> {
    let words = words(container);
    let flag = |name: &str| words.iter().find_map(|w| flag_value(w.text, name));
    let env = |name: &str| {
        container
            .get("env")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter(|e| e.get("name").and_then(Node::as_str) == Some(name))
            .find_map(|e| e.get("value").and_then(Node::scalar_text))
    };
    let verify = flag("tls-verify").is_some_and(is_on)
        || env("TILLER_TLS_VERIFY").is_some_and(|v| is_on(&v) && !v.is_empty());
    if verify {
        return Some("verifies client certificates");
    }
    let listen = flag("listen").unwrap_or("");
    if listen.starts_with("127.0.0.1:") || listen.starts_with("localhost:") {
        return Some("listens on localhost only");
    }
    None
}
