use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers whose `command` or `args` run `sudo`: as the program itself
    /// (`command: [sudo, ...]`, `/usr/bin/sudo`), or inside a shell script passed as one
    /// argument (`sh -c "sudo chown ..."`, `bash -c "...; sudo ..."`), in init, regular and
    /// ephemeral containers of every workload kind.
    ///
    /// A script is split into words at blanks, quotes and the shell's separators
    /// (`;`, `&`, `|`, parentheses, backquotes, `$(`), and a word that is `sudo` or ends
    /// in `/sudo` counts; `sudo` inside another word (`pseudo`, `sudoers`) does not.
    ///
    /// ## Why it matters
    /// `sudo` in a container means the image ships a setuid-root binary and a sudoers rule,
    /// and that the workload expects to become root at run time: one step from any process
    /// in the container to root, which `runAsNonRoot` does not prevent. It also needs
    /// `allowPrivilegeEscalation`, which the restricted Pod Security level forbids.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     command: ["sh", "-c", "sudo chown app /data && exec app"]
    /// ```
    ///
    /// Use instead: prepare ownership in the image or with `securityContext.fsGroup`, and
    /// start the program directly.
    /// ```yaml
    ///     command: ["app"]
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1548.003 (Abuse Elevation Control Mechanism: Sudo and Sudo Caching; an Enterprise technique outside ATT&CK for Containers, so not mapped)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Pod security: non-root containers"
    pub static SUDO_IN_COMMAND = Check {
        id: "BHW043",
        slug: "sudo-in-command",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "remove sudo from the command: prepare the image (or use fsGroup) so that the program runs as its own user from the start",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// Whether a shell word runs sudo.
fn is_sudo(word: &str) -> bool {
    word == "sudo" || word.ends_with("/sudo")
}

/// Whether a command-line word, or a script held in it, runs sudo.
pub(crate) fn runs_sudo(text: &str) -> bool {
    text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ';' | '&' | '|' | '(' | ')' | '`' | '"' | '\'' | '$' | '{' | '}'
            )
    })
    .any(is_sudo)
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers() {
        for field in ["command", "args"] {
            let words = container.get(field).map(Node::as_seq).unwrap_or(&[]);
            for (i, word) in words.iter().enumerate() {
                let Some(text) = word.as_str() else {
                    continue;
                };
                if runs_sudo(text) {
                    sink.report(
                        object,
                        &container.pointer_to(&format!("{field}/{i}")),
                        format!("{} runs sudo in its {field}", describe(&container)),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::runs_sudo;

    #[test]
    fn sudo_as_a_word_only() {
        assert!(runs_sudo("sudo"));
        assert!(runs_sudo("/usr/bin/sudo"));
        assert!(runs_sudo("sudo chown app /data && exec app"));
        assert!(runs_sudo("set -e; sudo -u app run"));
        assert!(runs_sudo("x=$(sudo cat /etc/shadow)"));
        assert!(runs_sudo("echo ok|sudo tee /etc/x"));
        assert!(!runs_sudo("pseudo-random"));
        assert!(!runs_sudo("/etc/sudoers.d"));
        assert!(!runs_sudo("--no-sudo"));
        assert!(!runs_sudo("app --serve"));
    }
}
