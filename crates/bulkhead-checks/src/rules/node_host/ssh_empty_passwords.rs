use crate::rules::node_host::sshd::report_unless_no;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The SSH server's effective `PermitEmptyPasswords` (first value in reading order, `Include`s
    /// followed): anything but `no` (the default).
    ///
    /// ## Why it matters
    /// An account without a password then logs in over the network with nothing at all: service
    /// accounts created without passwords become remote shells.
    ///
    /// ## Example
    /// ```text
    /// PermitEmptyPasswords yes
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// PermitEmptyPasswords no
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 5.2.11 "Ensure SSH PermitEmptyPasswords is
    ///   disabled"
    /// - sshd_config(5), `PermitEmptyPasswords`
    /// - MITRE ATT&CK T1078 (Valid Accounts)
    pub static SSH_EMPTY_PASSWORDS = Check {
        id: "BHN062",
        slug: "ssh-empty-passwords",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "set PermitEmptyPasswords no in /etc/ssh/sshd_config",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_unless_no(
        cx,
        sink,
        "PermitEmptyPasswords",
        "no",
        "SSH lets accounts with empty passwords log in",
    );
}
