use bulkhead_model::{Node, Object};

use crate::rules::common::is_windows;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

/// The first Kubernetes minor version with `spec.hostUsers` (user namespaces, alpha).
const SINCE_MINOR: u32 = 25;

declare_check! {
    /// ## What it checks
    /// Pods that do not set `hostUsers: false`, and so run in the node's user namespace. A
    /// hardening note, at info level.
    ///
    /// Not reported: pods that share a host namespace (`hostNetwork`, `hostPID` or
    /// `hostIPC`), which the API server does not allow to combine with `hostUsers: false`
    /// (and which [BHW003](BHW003.md) reports); Windows pods, which have no user namespaces;
    /// and manifests for a Kubernetes version older than 1.25 (`--kubernetes-version`), which
    /// has no `hostUsers` field.
    ///
    /// ## Why it matters
    /// In a user namespace, UID 0 and every other ID of the container map to an unprivileged
    /// range of the node: a process that escapes the container, or reaches a node file
    /// through a mount, is nobody there. Known container escapes such as the runc binary
    /// overwrite (CVE-2019-5736) and the cgroup `release_agent` escape (CVE-2022-0492) are
    /// made harmless by it.
    ///
    /// Severity: info. User namespaces are on by default from Kubernetes 1.33 (earlier, the
    /// `UserNamespacesSupport` feature gate) and need a recent kernel (6.3 or later for
    /// id-mapped mounts of every volume type) and runtime (containerd 2.0, CRI-O 1.25, runc
    /// 1.2 or crun 1.9); images that `chown` at start or expect a specific node UID may need
    /// changes. Turn it on where the platform supports it.
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
    ///   hostUsers: false
    ///   containers:
    ///     - name: app
    ///       image: registry.example/app:1.4.2
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "User Namespaces"
    /// - CIS Kubernetes Benchmark v1.12, 5.6.3
    /// - NSA-CISA Kubernetes Hardening Guidance, "Non-root containers and \"rootless\" container engines"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static HOST_USERS_NOT_DISABLED = Check {
        id: "BHW034",
        slug: "host-users-not-disabled",
        severity: Severity::Info,
        family: Family::Workload,
        remediation: "set hostUsers: false on the pod to run it in its own user namespace",
        compliance: Compliance {
            cis: &["5.6.3"],
            pss: &[],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

const HOST_NAMESPACES: [&str; 3] = ["hostNetwork", "hostPID", "hostIPC"];

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if cx
        .options
        .kubernetes_version
        .is_some_and(|(major, minor)| major == 1 && minor < SINCE_MINOR)
    {
        return;
    }
    let shares_host_namespace = HOST_NAMESPACES
        .iter()
        .any(|field| pod.get(field).and_then(Node::as_bool) == Some(true));
    if is_windows(&pod) || crate::rules::common::in_user_namespace(&pod) || shares_host_namespace {
        return;
    }
    let message = match pod.get("hostUsers").and_then(Node::as_bool) {
        Some(true) => "pod runs in the node's user namespace (hostUsers: true)",
        _ => "pod runs in the node's user namespace (hostUsers: false is not set)",
    };
    sink.report(object, &pod.pointer_to("hostUsers"), message);
}
