use bulkhead_model::Object;

use crate::rules::node_host::facts::{
    boolean, containerd_setting, describe_config, spec_of, CriPart,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// containerd's `enable_unprivileged_ports` and `enable_unprivileged_icmp` set to true: every
    /// container may bind ports below 1024 and send ICMP echo without a capability. Noted, not
    /// judged: containerd 2.x turns both on by default, and the Pod Security Standards accept it.
    ///
    /// ## Why it matters
    /// These settings replace `NET_BIND_SERVICE` and `NET_RAW` for their narrow uses, which is
    /// good: the capabilities can then be dropped. A reviewer should still know that any container
    /// on the node can bind port 80 or 443 of its own network namespace.
    ///
    /// ## Example
    /// ```toml
    /// [plugins."io.containerd.grpc.v1.cri"]
    ///   enable_unprivileged_ports = true
    ///   enable_unprivileged_icmp = true
    /// ```
    ///
    /// Use instead (when no Pod needs them):
    /// ```toml
    ///   enable_unprivileged_ports = false
    ///   enable_unprivileged_icmp = false
    /// ```
    ///
    /// ## References
    /// - containerd documentation, CRI plugin configuration
    /// - Linux kernel documentation, networking/ip-sysctl (`ip_unprivileged_port_start`,
    ///   `ping_group_range`)
    pub static UNPRIVILEGED_PORTS_ICMP = Check {
        id: "BHN072",
        slug: "unprivileged-ports-and-icmp",
        severity: Severity::Info,
        family: Family::NodeHost,
        remediation: "nothing to fix if Pods are meant to bind low ports or ping without capabilities; otherwise set enable_unprivileged_ports and enable_unprivileged_icmp to false",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
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
    for (key, grants) in [
        ("enable_unprivileged_ports", "bind ports below 1024"),
        ("enable_unprivileged_icmp", "send ICMP echo requests"),
    ] {
        if let Some((pointer, node)) = containerd_setting(spec, CriPart::Runtime, &[key]) {
            if boolean(node) == Some(true) {
                sink.report(object, &pointer, format!("{what} sets {key} = true: every container may {grants} without a capability"));
            }
        }
    }
}
