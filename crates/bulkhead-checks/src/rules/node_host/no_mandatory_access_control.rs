use bulkhead_model::Object;

use crate::rules::node_host::facts::{spec_of, text};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A node where neither AppArmor is enabled (`/sys/module/apparmor/parameters/enabled` is `Y`)
    /// nor SELinux enforcing (`/sys/fs/selinux/enforce` is `1`). SELinux in permissive mode is
    /// reported: it logs and allows.
    ///
    /// ## Why it matters
    /// The container runtime's default AppArmor profile or SELinux labels are what stop a container
    /// process from writing to `/proc/sys`, mounting file systems or reading other containers' files
    /// once another layer fails. Without a mandatory access control system, `RuntimeDefault`
    /// profiles are silently nothing.
    ///
    /// ## Example
    /// ```yaml
    /// kind: MandatoryAccessControl
    /// spec:
    ///   apparmor: absent
    ///   selinux: permissive
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   apparmor: enabled
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 1.6.1.1 "Ensure SELinux or AppArmor
    ///   are installed" (section 1.6, Mandatory Access Control)
    /// - Kubernetes documentation, "Restrict a Container's Access to Resources with AppArmor"
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Pod security: hardening container environments"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static NO_MANDATORY_ACCESS_CONTROL = Check {
        id: "BHN050",
        slug: "no-mandatory-access-control",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "enable AppArmor (the apparmor=1 security=apparmor boot parameters) or run SELinux in enforcing mode",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Pod security: hardening container environments"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["MandatoryAccessControl"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "MandatoryAccessControl") else {
        return;
    };
    let apparmor = text(spec, "apparmor").unwrap_or_default();
    let selinux = text(spec, "selinux").unwrap_or_default();
    if apparmor == "enabled" || selinux == "enforcing" {
        return;
    }
    let pointer = if selinux == "permissive" {
        "/spec/selinux"
    } else {
        "/spec/apparmor"
    };
    sink.report(
    object,
    pointer,
    format!("no mandatory access control confines containers: AppArmor is {apparmor}, SELinux is {selinux}"),
);
}
