use bulkhead_node::Component;

use crate::rules::control_plane::flags::{report_flag, report_unset};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An API server started without `--encryption-provider-config`.
    ///
    /// The flag is read from every command line of the API server (static Pod, running
    /// process or systemd unit) by its exact name; an empty value counts as not set. What the
    /// named file contains is judged by the encryption-configuration checks (BHC061–BHC065).
    ///
    /// ## Why it matters
    /// Without an encryption configuration the API server writes every object, Secrets
    /// included, to etcd as it is: anyone who reads the etcd data directory, a snapshot or a
    /// backup reads every credential of the cluster, without going through the API server's
    /// authentication, authorization or audit log.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --etcd-servers=https://127.0.0.1:2379
    /// ```
    ///
    /// Use instead: give the API server an EncryptionConfiguration that encrypts Secrets.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --etcd-servers=https://127.0.0.1:2379
    ///   - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.27
    /// - Kubernetes documentation, "Encrypting Confidential Data at Rest"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening: encryption"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static ENCRYPTION_PROVIDER_CONFIG_NOT_SET = Check {
        id: "BHC060",
        slug: "encryption-provider-config-not-set",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "start kube-apiserver with --encryption-provider-config pointing at an EncryptionConfiguration that encrypts secrets",
        compliance: Compliance {
            cis: &["1.2.27"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &["T1552"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        match line.flag("encryption-provider-config") {
            None => report_unset(
                sink,
                line,
                "encryption-provider-config",
                "no encryption at rest: Secrets are written to etcd in plain text",
            ),
            Some(arg) if arg.text().trim().is_empty() => report_flag(
                sink,
                line,
                arg,
                "the value is empty, so no encryption configuration is read: Secrets are written to etcd in plain text",
            ),
            Some(_) => {}
        }
    }
}
