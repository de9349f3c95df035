use bulkhead_model::{escape_token, Node, Object, PodSpec};

use crate::pss;
use crate::rules::common::{describe, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Seccomp turned off or not set. Explicitly `Unconfined` (or any type but `RuntimeDefault`
    /// and `Localhost`) on the pod or a container fails the baseline level; a container with
    /// no profile of its own while the pod sets none fails the restricted level (Windows pods
    /// are exempt there from v1.25). Before v1.19 the profile is read from the
    /// `seccomp.security.alpha.kubernetes.io/pod` and
    /// `container.seccomp.security.alpha.kubernetes.io/<name>` annotations, as Pod Security
    /// admission did.
    ///
    /// ## Why it matters
    /// Seccomp filters the system calls a container may make. The runtime's default profile
    /// blocks dozens of calls used in kernel exploits and escapes (`unshare`, `keyctl`,
    /// `bpf`, ...). Without it, the whole kernel interface is open.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: Unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Seccomp" (`seccompProfile_baseline`); restricted
    ///   (`seccompProfile_restricted`)
    /// - CIS Kubernetes Benchmark v1.12, 5.6.2
    pub static SECCOMP_PROFILE = Check {
        id: "BHW014",
        slug: "seccomp-profile",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod",
        compliance: Compliance {
            cis: &["5.6.2"],
            pss: &["baseline:seccompProfile_baseline", "restricted:seccompProfile_restricted"],
            nsa: &["Pod security: hardening container environments"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn valid_type(profile: &Node) -> bool {
    matches!(
        profile.get("type").and_then(Node::as_str),
        Some("RuntimeDefault" | "Localhost")
    )
}

fn valid_annotation(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(entries)) = (
        cx.pod_spec(object),
        cx.pss_entries("seccompProfile_baseline"),
    ) else {
        return;
    };
    let version = cx.options.pss_version;
    if !version.at_least(19) {
        return annotations(&pod, object, sink, entries);
    }
    let windows_exempt = is_windows(&pod) && version.at_least(25);
    let explicit_entries = if windows_exempt {
        entries
            .into_iter()
            .filter(|e| e.starts_with("baseline:"))
            .collect()
    } else {
        entries
    };
    let implicit_entries = if windows_exempt {
        Vec::new()
    } else {
        pss::restricted_entry("seccompProfile_restricted", version)
    };
    let profile_type = |p: &Node| {
        p.get("type")
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    };

    let pod_profile = pod
        .get("securityContext")
        .and_then(|sc| sc.get("seccompProfile"))
        .filter(|p| !p.is_null());
    if let Some(profile) = pod_profile.filter(|p| !valid_type(p)) {
        sink.report_pss(
            object,
            &pod.pointer_to("securityContext/seccompProfile/type"),
            format!("pod sets seccomp profile type {:?}", profile_type(profile)),
            explicit_entries.clone(),
        );
    }
    let pod_set = pod_profile.is_some_and(valid_type);
    for container in pod.containers() {
        let own = container
            .security_context()
            .and_then(|sc| sc.get("seccompProfile"))
            .filter(|p| !p.is_null());
        match own {
            Some(profile) if !valid_type(profile) => sink.report_full(
                object,
                &container.pointer_to("securityContext/seccompProfile/type"),
                Severity::Medium,
                format!(
                    "{} sets seccomp profile type {:?}",
                    describe(&container),
                    profile_type(profile)
                ),
                explicit_entries.clone(),
            ),
            None if !pod_set && !implicit_entries.is_empty() => sink.report_full(
                object,
                &container.pointer_to("securityContext/seccompProfile"),
                Severity::Low,
                format!(
                    "{} runs without a seccomp profile (neither it nor the pod sets one)",
                    describe(&container)
                ),
                implicit_entries.clone(),
            ),
            _ => {}
        }
    }
}

/// Before v1.19: the alpha annotations.
fn annotations(pod: &PodSpec<'_>, object: &Object, sink: &mut Sink<'_>, entries: Vec<String>) {
    let annotations = pod.metadata.and_then(|m| m.get("annotations"));
    let mut keys = vec![POD_ANNOTATION.to_string()];
    keys.extend(
        pod.containers()
            .map(|c| format!("{CONTAINER_ANNOTATION}{}", c.name)),
    );
    for key in keys {
        let Some(value) = annotations
            .and_then(|a| a.get(&key))
            .and_then(Node::scalar_text)
        else {
            continue;
        };
        if !valid_annotation(&value) {
            sink.report_pss(
                object,
                &format!(
                    "{}/annotations/{}",
                    pod.metadata_pointer,
                    escape_token(&key)
                ),
                format!("annotation {key} sets seccomp profile {value:?}"),
                entries.clone(),
            );
        }
    }
}
