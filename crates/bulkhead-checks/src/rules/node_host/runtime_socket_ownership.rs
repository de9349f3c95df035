use bulkhead_model::Object;
use bulkhead_node::roles;

use crate::rules::node_files::permissions::{report_owner, Owners};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The owner of the container runtime's API socket: user root, group root (or `docker`, the
    /// group Docker's socket is meant for).
    ///
    /// ## Why it matters
    /// The socket's owner and group decide who may drive the runtime, which is root on the node.
    /// Any other owner is a user whose compromise is the node's.
    ///
    /// ## Example
    /// ```yaml
    /// kind: File
    /// spec:
    ///   path: /run/docker.sock
    ///   user: ubuntu
    ///   group: ubuntu
    ///   roles: [runtime-socket]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   user: root
    ///   group: docker
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 3.15 "Ensure that the Docker socket file ownership is set to
    ///   root:docker"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static RUNTIME_SOCKET_OWNERSHIP = Check {
        id: "BHN081",
        slug: "runtime-socket-ownership",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "chown root:root (or root:docker for Docker) the runtime socket",
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
    report_owner(
        object,
        sink,
        &[roles::RUNTIME_SOCKET],
        &SOCKET_OWNERS,
        "Docker 3.15",
    );
}

/// root, with the root group or Docker's own group.
const SOCKET_OWNERS: Owners = Owners {
    users: &["root"],
    groups: &["root", "docker"],
    expected: "root:root or root:docker",
};
