use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Pod sysctls outside the safe set of the Pod Security Standards at the evaluated
    /// version (`kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
    /// `net.ipv4.ip_unprivileged_port_start`; from v1.27 `net.ipv4.ip_local_reserved_ports`;
    /// from v1.29 the TCP keepalive and `tcp_fin_timeout` settings; from v1.32 `tcp_rmem` and
    /// `tcp_wmem`; from v1.37 `tcp_slow_start_after_idle` and `tcp_notsent_lowat`).
    ///
    /// ## Why it matters
    /// Unsafe sysctls are not namespaced, or not isolated between pods: setting them changes
    /// the kernel for every pod on the node, and some disable security mechanisms.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///     - name: kernel.msgmax
    ///       value: "65536"
    /// ```
    ///
    /// Use instead: only the safe sysctls, or node-level tuning by the cluster operator.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Sysctls" (`sysctls`)
    pub static UNSAFE_SYSCTLS = Check {
        id: "BHW015",
        slug: "unsafe-sysctls",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "remove the sysctl, or use only the sysctls the Pod Security Standards list as safe",
        compliance: Compliance {
            cis: &[],
            pss: &["baseline:sysctls", "restricted:sysctls"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// The safe sysctls, each with the minor version from which it is allowed.
const SAFE: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("sysctls")) else {
        return;
    };
    let version = cx.options.pss_version;
    let sysctls = pod
        .get("securityContext")
        .and_then(|sc| sc.get("sysctls"))
        .map(Node::as_seq)
        .unwrap_or(&[]);
    for (i, sysctl) in sysctls.iter().enumerate() {
        let name = sysctl
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let safe = SAFE
            .iter()
            .any(|(safe, since)| *safe == name && version.at_least(*since));
        if !safe {
            sink.report_pss(
                object,
                &pod.pointer_to(&format!("securityContext/sysctls/{i}/name")),
                format!("pod sets the unsafe sysctl {name:?}"),
                pss.clone(),
            );
        }
    }
}
