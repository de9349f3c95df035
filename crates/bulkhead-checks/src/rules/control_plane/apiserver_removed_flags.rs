use bulkhead_node::Component;

use super::expect::{setting, Setting};
use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// kube-apiserver flags that were removed and were insecure while they existed:
    /// `--insecure-port` and `--insecure-bind-address` (removed in Kubernetes 1.24) and
    /// `--basic-auth-file` (removed in 1.19).
    ///
    /// For a target version (`--kubernetes-version`, else the newest this build knows) that
    /// no longer has the flag, any occurrence is reported: the API server exits at start-up
    /// with `unknown flag`. For an older target the flag is judged for what it did:
    /// `--insecure-port` other than 0 served the whole API without authentication or
    /// authorization, `--insecure-bind-address` chose where that port listened, and
    /// `--basic-auth-file` accepted static passwords.
    ///
    /// ## Why it matters
    /// After an upgrade, a manifest that still carries one of these flags keeps the API
    /// server down; on the versions that accept them, they open the API to anyone who
    /// reaches the port or to password guessing.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --insecure-port=8080
    ///   - --basic-auth-file=/etc/kubernetes/passwords.csv
    /// ```
    ///
    /// Use instead: remove the flags; authenticate clients with certificates, OIDC or
    /// service account tokens on the secure port.
    /// ```yaml
    ///   - --secure-port=6443
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.2 (basic-auth-file), 1.2.18 (insecure-bind-address), 1.2.19 (insecure-port); not in v1.12
    /// - MITRE ATT&CK T1190 (Exploit Public-Facing Application), T1110 (Brute Force)
    pub static APISERVER_REMOVED_FLAGS = Check {
        id: "BHC092",
        slug: "apiserver-removed-insecure-flags",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "remove --insecure-port, --insecure-bind-address and --basic-auth-file from the API server's command",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &["T1190", "T1110"],
        },
        run: Run::Inventory(check),
    };
}

/// (flag, the minor version that removed it).
const REMOVED: &[(&str, u32)] = &[
    ("insecure-port", 24),
    ("insecure-bind-address", 24),
    ("basic-auth-file", 19),
];

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let target = cx.options.kubernetes_version;
    for line in cx.command_lines(Component::ApiServer) {
        for &(flag, removed_in) in REMOVED {
            let arg = match setting(line, flag) {
                Setting::Written(arg) | Setting::Empty(arg) => arg,
                Setting::Unset => continue,
            };
            let removed = target.is_none_or(|(major, minor)| (major, minor) >= (1, removed_in));
            let version = target.map_or("the newest version".to_string(), |(major, minor)| {
                format!("version {major}.{minor}")
            });
            let problem = if removed {
                format!("removed in Kubernetes 1.{removed_in}: at {version} kube-apiserver exits at start-up with `unknown flag: --{flag}`")
            } else {
                let value = arg.text().trim();
                match flag {
                    "insecure-port" if value.parse::<u32>() == Ok(0) => continue,
                    "insecure-port" => format!("port {value} serves the whole API without authentication or authorization (removed in 1.{removed_in})"),
                    "insecure-bind-address" => format!("the insecure port listens on `{value}` (removed in 1.{removed_in}); it must not be set"),
                    _ => format!("static passwords authenticate API clients, in plain text and without rotation (removed in 1.{removed_in})"),
                }
            };
            report_flag(sink, line, &arg, &problem);
        }
    }
}

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Inventory, Limits};

    use super::APISERVER_REMOVED_FLAGS;
    use crate::{run_checks, Options};

    const APISERVER: &str = "apiVersion: node.bulkhead.dev/v1
kind: Process
metadata: {name: kube-apiserver}
spec:
  pid: 7
  command:
    - kube-apiserver
    - --insecure-port=0
    - --insecure-bind-address=0.0.0.0
    - --basic-auth-file=/etc/kubernetes/passwords.csv
";

    fn messages(version: Option<(u32, u32)>, text: &str) -> Vec<String> {
        let loaded = load_text("p.yaml", text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let options = Options {
            kubernetes_version: version,
            ..Options::default()
        };
        run_checks(&inventory, &[&APISERVER_REMOVED_FLAGS], &options)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn older_targets_judge_what_the_flags_did() {
        // 1.18: every flag still exists; port 0 is the safe value.
        let old = messages(Some((1, 18)), APISERVER);
        assert_eq!(old.len(), 2, "{old:?}");
        assert!(old[0].contains("the insecure port listens on `0.0.0.0`"));
        assert!(old[1].contains("static passwords"));
        // 1.23: basic authentication is gone, the insecure port is not.
        let mid = messages(Some((1, 23)), APISERVER);
        assert_eq!(mid.len(), 2, "{mid:?}");
        assert!(mid[1].contains("removed in Kubernetes 1.19: at version 1.23"));
        let open = messages(
            Some((1, 20)),
            &APISERVER.replace("--insecure-port=0", "--insecure-port=8080"),
        );
        assert!(open[0].contains("without authentication or authorization"));
        // 1.24 and later: each flag stops the API server.
        let new = messages(Some((1, 24)), APISERVER);
        assert_eq!(new.len(), 3);
        assert!(new.iter().all(|m| m.contains("unknown flag")));
    }
}
