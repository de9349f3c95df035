use bulkhead_model::Object;

use crate::rules::node_host::facts::{
    boolean, containerd_parent, containerd_setting, describe_config, facts, on_defaults, spec_of,
    CriPart,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A container runtime told not to use the node's mandatory access control: containerd with
    /// `disable_apparmor = true`, or `enable_selinux = false` (its default) on a node where SELinux
    /// enforces; CRI-O with `selinux = false` on such a node, or `apparmor_profile = "unconfined"`;
    /// Docker with `"selinux-enabled": false` on such a node.
    ///
    /// ## Why it matters
    /// The node enforces AppArmor or SELinux, and the runtime hands every container to it unconfined:
    /// the protection exists and protects nothing. Pods that ask for `RuntimeDefault` get nothing
    /// either.
    ///
    /// ## Example
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri"]
    ///   disable_apparmor = true
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri"]
    ///   disable_apparmor = false
    /// ```
    ///
    /// ## References
    /// - containerd documentation, CRI plugin configuration (`disable_apparmor`, `enable_selinux`)
    /// - CRI-O documentation, crio.conf(5) (`selinux`, `apparmor_profile`)
    /// - CIS Docker Benchmark v1.6.0, 5.2 "Ensure that, if applicable, SELinux security options are set"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static RUNTIME_DISABLES_MAC = Check {
        id: "BHN051",
        slug: "runtime-disables-mandatory-access-control",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "remove disable_apparmor = true from containerd, set enable_selinux = true (containerd) or selinux = true (CRI-O) on SELinux nodes, and do not make unconfined the default AppArmor profile",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["ContainerdConfig", "CrioConfig", "DockerDaemonConfig"]),
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !RUNTIME_CONFIGS.contains(&object.kind.as_str()) {
        return;
    }
    let enforcing = facts(cx, "MandatoryAccessControl")
        .iter()
        .any(|o| o.root.path(&["spec", "selinux"]).and_then(|n| n.as_str()) == Some("enforcing"));
    if let Some(spec) = spec_of(object, "ContainerdConfig") {
        let what = describe_config(object, "containerd");
        if let Some((pointer, node)) =
            containerd_setting(spec, CriPart::Runtime, &["disable_apparmor"])
        {
            if boolean(node) == Some(true) {
                sink.report(
                    object,
                    &pointer,
                    format!("{what} sets disable_apparmor = true: containers run without AppArmor"),
                );
            }
        }
        if enforcing {
            match containerd_setting(spec, CriPart::Runtime, &["enable_selinux"]) {
            Some((_, node)) if boolean(node) == Some(true) => {}
            Some((pointer, _)) => sink.report(object, &pointer, format!("{what} sets enable_selinux = false on a node where SELinux enforces: containers get no SELinux labels")),
            None => sink.report(object, &containerd_parent(spec, CriPart::Runtime), format!("{what} does not set enable_selinux, which defaults to false, on a node where SELinux enforces: containers get no SELinux labels")),
        }
        }
    }
    if let Some(spec) = spec_of(object, "CrioConfig") {
        let what = describe_config(object, "CRI-O");
        let runtime = spec.path(&["crio", "runtime"]);
        if let Some(profile) = runtime.and_then(|r| r.get("apparmor_profile")) {
            if profile.as_str() == Some("unconfined") {
                sink.report(
                    object,
                    "/spec/crio/runtime/apparmor_profile",
                    format!("{what} makes unconfined the default AppArmor profile"),
                );
            }
        }
        if enforcing {
            match runtime.and_then(|r| r.get("selinux")).map(boolean) {
                Some(Some(false)) => sink.report(
                    object,
                    "/spec/crio/runtime/selinux",
                    format!("{what} sets selinux = false on a node where SELinux enforces"),
                ),
                // CRI-O's default is false; drop-ins that do not set it leave it to the others
                // (the collector keeps only the value CRI-O runs with).
                None if !crio_sets_selinux(cx) && (object.name == CRIO_MAIN || on_defaults(spec)) => {
                    sink.report(
                        object,
                        "/spec",
                        format!("{what} does not set selinux, which defaults to false, on a node where SELinux enforces"),
                    )
                }
                _ => {}
            }
        }
    }
    if let Some(spec) = spec_of(object, "DockerDaemonConfig") {
        if enforcing {
            if let Some(node) = spec.get("selinux-enabled") {
                if boolean(node) == Some(false) {
                    sink.report(
                        object,
                        "/spec/selinux-enabled",
                        format!(
                            "{} sets selinux-enabled to false on a node where SELinux enforces",
                            describe_config(object, "Docker")
                        ),
                    );
                }
            }
        }
    }
}

/// The host facts this check judges; every other object is passed over before the node's
/// SELinux state is looked up.
const RUNTIME_CONFIGS: [&str; 3] = ["ContainerdConfig", "CrioConfig", "DockerDaemonConfig"];

/// CRI-O's main configuration file.
const CRIO_MAIN: &str = "/etc/crio/crio.conf";

/// Whether any CRI-O configuration file sets `selinux` (once drop-ins are merged, only the
/// file whose value CRI-O keeps still holds it).
fn crio_sets_selinux(cx: &Context<'_>) -> bool {
    facts(cx, "CrioConfig").iter().any(|o| {
        o.root
            .path(&["spec", "crio", "runtime", "selinux"])
            .is_some()
    })
}
