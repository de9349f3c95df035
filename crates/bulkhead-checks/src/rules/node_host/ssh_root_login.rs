use crate::rules::node_host::sshd::report_unless_no;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The SSH server's effective `PermitRootLogin`, following `Include`s in the order sshd reads
    /// them (the first value wins; settings inside `Match` blocks apply only to some connections
    /// and are not judged): anything but `no` is reported, `yes` included, and so is the default
    /// `prohibit-password` when no file sets it.
    ///
    /// ## Why it matters
    /// Root logging in directly leaves no trace of who it was, and makes root's password or key the
    /// one secret between the network and the node. Administrators log in as themselves and
    /// escalate with `sudo`, which records who did what.
    ///
    /// ## Example
    /// ```text
    /// # /etc/ssh/sshd_config.d/50-cloud-init.conf
    /// PermitRootLogin yes
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// PermitRootLogin no
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 5.2.10 "Ensure SSH root login is disabled"
    /// - sshd_config(5), `PermitRootLogin`
    /// - MITRE ATT&CK T1133 (External Remote Services)
    pub static SSH_ROOT_LOGIN = Check {
        id: "BHN060",
        slug: "ssh-root-login",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "set PermitRootLogin no in /etc/ssh/sshd_config (before any Match block and before drop-ins that set it)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1133"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_unless_no(
        cx,
        sink,
        "PermitRootLogin",
        "prohibit-password",
        "root can log in over SSH",
    );
}
