use bulkhead_model::Object;

use crate::rules::node_host::facts::{
    boolean, child, containerd_parent, containerd_runtimes, describe_config, spec_of, CriPart,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// containerd runtime handlers (`containerd.runtimes.<name>`) without
    /// `privileged_without_host_devices = true`: a privileged Pod then gets every device of the
    /// host (`/dev/sda`, `/dev/mem`), containerd's default. A runtime on its defaults (no
    /// `config.toml`) is reported once.
    ///
    /// ## Why it matters
    /// Privileged Pods exist (CNI agents, storage drivers), and most need capabilities, not the
    /// host's disks. With host devices, a privileged container mounts the node's root disk and
    /// writes to it in one command; without them, it must work much harder.
    ///
    /// ## Example
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    ///   runtime_type = "io.containerd.runc.v2"
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    ///   runtime_type = "io.containerd.runc.v2"
    ///   privileged_without_host_devices = true
    /// ```
    ///
    /// ## References
    /// - containerd documentation, CRI plugin configuration (`privileged_without_host_devices`)
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static PRIVILEGED_GETS_HOST_DEVICES = Check {
        id: "BHN071",
        slug: "privileged-gets-host-devices",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "set privileged_without_host_devices = true on each containerd runtime handler",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["ContainerdConfig"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(spec) = spec_of(object, "ContainerdConfig") else {
        return;
    };
    let what = describe_config(object, "containerd");
    let runtimes = containerd_runtimes(spec);
    if runtimes.is_empty() {
        sink.report(
        object,
        &containerd_parent(spec, CriPart::Runtime),
        format!("{what} defines no runtime handler, so the default runc handler gives privileged containers every host device"),
    );
        return;
    }
    for (name, pointer, runtime) in runtimes {
        match runtime.get("privileged_without_host_devices").and_then(boolean) {
        Some(true) => {}
        Some(false) => sink.report(
            object,
            &child(&pointer, "privileged_without_host_devices"),
            format!("{what}: runtime {name} gives privileged containers every host device"),
        ),
        None => sink.report(
            object,
            &pointer,
            format!("{what}: runtime {name} does not set privileged_without_host_devices (default false), so privileged containers get every host device"),
        ),
    }
    }
}
