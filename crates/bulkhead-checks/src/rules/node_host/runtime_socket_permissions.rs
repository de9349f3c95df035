use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::report_mode;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The mode of the container runtime's API socket (`/run/containerd/containerd.sock`,
    /// `/run/docker.sock`, `/run/crio/crio.sock`): no more permissive than 0660.
    ///
    /// ## Why it matters
    /// Whoever can write to the runtime's socket starts privileged containers with the host's file
    /// system mounted: it is root on the node. A socket others can write to hands that to every
    /// local user and every container that sees the file.
    ///
    /// ## Example
    /// ```yaml
    /// kind: File
    /// spec:
    ///   path: /run/containerd/containerd.sock
    ///   mode: "0666"
    ///   roles: [runtime-socket]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   mode: "0660"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 3.16 "Ensure that the Docker socket file permissions are set
    ///   to 660 or more restrictive"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static RUNTIME_SOCKET_PERMISSIONS = Check {
        id: "BHN080",
        slug: "runtime-socket-permissions",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "chmod 660 the runtime socket (systemd: SocketMode=0660 in the socket unit)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["File"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    report_mode(object, sink, &[roles::RUNTIME_SOCKET], 0o660, "Docker 3.16");
}
