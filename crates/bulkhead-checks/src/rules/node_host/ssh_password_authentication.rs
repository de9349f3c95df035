use crate::rules::node_host::sshd::report_unless_no;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The SSH server's effective `PasswordAuthentication` (first value in reading order, `Include`s
    /// followed, `Match` blocks not judged): `yes`, or not set at all, since sshd's default is `yes`.
    ///
    /// ## Why it matters
    /// Passwords are guessed, reused and phished; a node reachable over SSH with passwords is a
    /// brute-force target forever. Keys or SSH certificates cannot be guessed.
    ///
    /// ## Example
    /// ```text
    /// PasswordAuthentication yes
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// PasswordAuthentication no
    /// ```
    ///
    /// ## References
    /// - sshd_config(5), `PasswordAuthentication`
    /// - MITRE ATT&CK T1110 (Brute Force)
    pub static SSH_PASSWORD_AUTHENTICATION = Check {
        id: "BHN061",
        slug: "ssh-password-authentication",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set PasswordAuthentication no in /etc/ssh/sshd_config and log in with keys or certificates",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1110"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_unless_no(
        cx,
        sink,
        "PasswordAuthentication",
        "yes",
        "SSH accepts passwords",
    );
}
