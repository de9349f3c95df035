use bulkhead_model::Object;

use crate::rules::node_host::facts::{spec_of, text};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The node's kernel release (`/proc/sys/kernel/osrelease`) against the releases Kubernetes
    /// documents for two isolation features: cgroup v2, which needs Linux 5.8 or later, and user
    /// namespaces for Pods (`hostUsers: false`), which need Linux 6.3 or later (idmapped mounts on
    /// tmpfs). A release that cannot be read as a version is reported as not judged.
    ///
    /// ## Why it matters
    /// User namespaces make root in a container an unprivileged user on the node, the strongest
    /// defence against escapes Kubernetes offers; cgroup v2 gives memory-pressure isolation and is
    /// required by newer kubelets. An old kernel cannot offer either, whatever the Pods ask for.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   release: "5.4.0-150-generic"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   release: "6.8.0-45-generic"
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "About cgroup v2" (Linux kernel 5.8 or later)
    /// - Kubernetes documentation, "User Namespaces" (Linux 6.3 or later for idmap mounts on tmpfs)
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static KERNEL_VERSION_FEATURES = Check {
        id: "BHN048",
        slug: "kernel-lacks-isolation-features",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "upgrade the node to a kernel that supports cgroup v2 (5.8 or later) and user namespaces for Pods (6.3 or later)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Kernel"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "Kernel") else {
        return;
    };
    let Some(release) = text(spec, "release") else {
        return;
    };
    let Some((major, minor)) = kernel_version(&release) else {
        sink.report(
            object,
            "/spec/release",
            format!(
                "kernel release `{release}` is not a version, so its features cannot be judged"
            ),
        );
        return;
    };
    let mut missing = Vec::new();
    if (major, minor) < CGROUP_V2 {
        missing.push(format!(
            "cgroup v2 (Linux {}.{} or later)",
            CGROUP_V2.0, CGROUP_V2.1
        ));
    }
    if (major, minor) < USER_NAMESPACES {
        missing.push(format!(
            "user namespaces for Pods (Linux {}.{} or later)",
            USER_NAMESPACES.0, USER_NAMESPACES.1
        ));
    }
    if !missing.is_empty() {
        sink.report(
            object,
            "/spec/release",
            format!("kernel {release} is too old for {}", missing.join(" and ")),
        );
    }
}

/// The releases the Kubernetes documentation names for each feature.
const CGROUP_V2: (u32, u32) = (5, 8);
const USER_NAMESPACES: (u32, u32) = (6, 3);

/// `6.8.0-45-generic` → (6, 8).
fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}
