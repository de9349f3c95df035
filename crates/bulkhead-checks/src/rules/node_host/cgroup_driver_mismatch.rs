use bulkhead_model::Node;
use bulkhead_node::kubelet::{Default, Field};

use crate::rules::node_host::facts::{
    boolean, containerd_parent, containerd_runtimes, describe_config, facts, on_defaults, CriPart,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The container runtime and the kubelet using different cgroup drivers: containerd's
    /// `SystemdCgroup` option of the runc handler (default false, that is cgroupfs) or CRI-O's
    /// `cgroup_manager` (default systemd), against the kubelet's effective `cgroupDriver` (default
    /// cgroupfs).
    ///
    /// ## Why it matters
    /// Two cgroup managers on one node disagree about the resources they account: under pressure
    /// the node becomes unstable, limits are enforced in one hierarchy and not in the other, and
    /// the kubelet's eviction decisions no longer match reality. Kubernetes requires the two to
    /// match.
    ///
    /// ## Example
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    ///   SystemdCgroup = false
    /// ```
    /// with `cgroupDriver: systemd` in the kubelet's configuration.
    ///
    /// Use instead:
    /// ```toml
    ///   SystemdCgroup = true
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Container Runtimes" (cgroup drivers)
    pub static CGROUP_DRIVER_MISMATCH = Check {
        id: "BHN074",
        slug: "cgroup-driver-mismatch",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "use the systemd cgroup driver in both: SystemdCgroup = true for containerd (cgroup_manager = \"systemd\" for CRI-O) and cgroupDriver: systemd for the kubelet",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(kubelet) = cx.kubelets().iter().find(|k| k.missing_config().is_none()) else {
        return;
    };
    let setting = kubelet.setting(&CGROUP_DRIVER);
    let Some(kubelet_driver) = setting.value.as_text().map(str::to_string) else {
        return;
    };
    for object in facts(cx, "ContainerdConfig") {
        let Some(spec) = object.root.get("spec") else {
            continue;
        };
        let runc = containerd_runtimes(spec)
            .into_iter()
            .find(|(name, ..)| name == "runc");
        let (pointer, driver) = match &runc {
            Some((_, pointer, runtime)) => match runtime.path(&["options", "SystemdCgroup"]) {
                Some(node) => (
                    format!("{pointer}/options/SystemdCgroup"),
                    if boolean(node) == Some(true) {
                        "systemd"
                    } else {
                        "cgroupfs"
                    },
                ),
                None => (pointer.clone(), "cgroupfs"),
            },
            None => (containerd_parent(spec, CriPart::Runtime), "cgroupfs"),
        };
        if driver != kubelet_driver {
            sink.report(
                object,
                &pointer,
                format!(
                    "{} uses the {driver} cgroup driver, the kubelet {kubelet_driver}",
                    describe_config(object, "containerd")
                ),
            );
        }
    }
    let crio = facts(cx, "CrioConfig");
    // A drop-in that sets the manager decides it (the collector keeps only the value CRI-O
    // runs with); the default applies only when no file sets it.
    let crio_sets_manager = crio.iter().any(|o| {
        o.root
            .path(&["spec", "crio", "runtime", "cgroup_manager"])
            .is_some()
    });
    for object in crio {
        let Some(spec) = object.root.get("spec") else {
            continue;
        };
        let (pointer, driver) = match spec
            .path(&["crio", "runtime", "cgroup_manager"])
            .and_then(Node::as_str)
        {
            Some(manager) => (
                "/spec/crio/runtime/cgroup_manager".to_string(),
                manager.to_string(),
            ),
            None if !crio_sets_manager && (object.name == CRIO_MAIN || on_defaults(spec)) => {
                ("/spec".to_string(), "systemd".to_string())
            }
            None => continue,
        };
        if driver != kubelet_driver {
            sink.report(
                object,
                &pointer,
                format!(
                    "{} uses the {driver} cgroup manager, the kubelet {kubelet_driver}",
                    describe_config(object, "CRI-O")
                ),
            );
        }
    }
}

/// CRI-O's main configuration file; drop-ins that do not set `cgroup_manager` leave it.
const CRIO_MAIN: &str = "/etc/crio/crio.conf";

/// `cgroupDriver` (`--cgroup-driver`): cgroupfs unless set.
const CGROUP_DRIVER: Field = Field {
    config: "/cgroupDriver",
    flag: Some("cgroup-driver"),
    config_default: Default::Text("cgroupfs"),
    flag_default: Default::Text("cgroupfs"),
};
