use std::path::Path;

use bulkhead_node::roles::{CLUSTER_CA, ETCD_CA};
use bulkhead_node::{CommandLine, Component};

use crate::rules::control_plane::expect::lookup;
use crate::rules::control_plane::flags::{origin, report_flag};
use crate::rules::node_files::certificate::{certificates, Certificate};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// etcd trusting the same certificate authority as the rest of the cluster. Either its
    /// `--trusted-ca-file` is the file the API server's `--client-ca-file` names, or the CA
    /// certificate etcd trusts (role `etcd-ca`) is byte for byte the cluster CA (role
    /// `cluster-ca`, same SHA-256 fingerprint) even though it sits in another file. Files are
    /// compared by their normalised path, certificates by fingerprint, never by name.
    /// In a Pod, a `--trusted-ca-file` missing from the command line is read from the
    /// container's `ETCD_TRUSTED_CA_FILE` environment variable, as etcd does.
    ///
    /// ## Why it matters
    /// etcd holds every object of the cluster, Secrets included, and it authorises clients by
    /// nothing more than a certificate its trusted CA signed. When that CA is the cluster CA,
    /// every kubelet, controller and user certificate the cluster issues is also a valid etcd
    /// client certificate: one stolen kubelet key reads and rewrites the whole cluster state
    /// directly, past RBAC, admission and the audit log. Copying `ca.crt` to `etcd/ca.crt`
    /// changes the path, not the trust, which is why the certificates are compared too.
    ///
    /// ## Example
    /// ```yaml
    /// # etcd
    /// - --trusted-ca-file=/etc/kubernetes/pki/ca.crt
    /// # kube-apiserver
    /// - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// Use instead: give etcd a CA of its own, used for nothing else (kubeadm creates
    /// `/etc/kubernetes/pki/etcd/ca.crt`), and issue the API server's etcd client certificate
    /// from it.
    /// ```yaml
    /// # etcd
    /// - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// # kube-apiserver
    /// - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 2.7 (manual)
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Etcd"
    /// - Kubernetes documentation, "PKI certificates and requirements"
    ///   (https://kubernetes.io/docs/setup/best-practices/certificates/)
    /// - etcd documentation, "Transport security model"
    ///   (https://etcd.io/docs/v3.5/op-guide/security/)
    pub static ETCD_SHARED_CA = Check {
        id: "BHC080",
        slug: "etcd-shared-ca",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "give etcd a certificate authority of its own and point --trusted-ca-file at it",
        compliance: Compliance {
            cis: &["2.7"],
            pss: &[],
            nsa: &["Network separation and hardening: etcd"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let api_servers: Vec<&CommandLine<'_>> = cx.command_lines(Component::ApiServer).collect();
    let shared = shared_certificate(cx);
    let mut reported_at_flag = false;
    for etcd in cx.command_lines(Component::Etcd) {
        let Some(trusted) = lookup(etcd, "trusted-ca-file") else {
            // No client CA at all is a different problem: without one, client certificate
            // authentication cannot work, which the --client-cert-auth check (BHC038) judges.
            continue;
        };
        let same_file = api_servers.iter().find_map(|api| {
            let client_ca = api.flag("client-ca-file")?;
            same_path(trusted.text(), client_ca.text()).then_some((api, client_ca))
        });
        if let Some((api, client_ca)) = same_file {
            report_flag(
                sink,
                etcd,
                &trusted,
                &format!(
                    "is the file kube-apiserver `{}` ({}) names as the cluster's client CA: every client certificate the cluster issues is also an etcd client certificate",
                    client_ca.written,
                    origin(api)
                ),
            );
            reported_at_flag = true;
        } else if let Some((etcd_ca, cluster_ca)) = &shared {
            report_flag(sink, etcd, &trusted, &same_certificate(etcd_ca, cluster_ca));
            reported_at_flag = true;
        }
    }
    if !reported_at_flag {
        if let Some((etcd_ca, cluster_ca)) = &shared {
            sink.report(
                etcd_ca.object,
                "/spec/sha256",
                same_certificate(etcd_ca, cluster_ca),
            );
        }
    }
}

/// A certificate etcd trusts that is also the cluster CA (the first, in inventory order).
fn shared_certificate<'a>(cx: &Context<'a>) -> Option<(Certificate<'a>, Certificate<'a>)> {
    let all: Vec<Certificate<'a>> = certificates(cx.inventory.objects()).collect();
    all.iter()
        .filter(|c| c.has_role(ETCD_CA) && !c.sha256.is_empty())
        .find_map(|etcd_ca| {
            let cluster_ca = all.iter().find(|c| {
                c.has_role(CLUSTER_CA) && c.sha256.eq_ignore_ascii_case(etcd_ca.sha256)
            })?;
            Some((
                Certificate::of(etcd_ca.object)?,
                Certificate::of(cluster_ca.object)?,
            ))
        })
}

fn same_certificate(etcd_ca: &Certificate<'_>, cluster_ca: &Certificate<'_>) -> String {
    if std::ptr::eq(etcd_ca.object, cluster_ca.object) {
        format!(
            "etcd trusts {}, which is also the cluster CA (SHA-256 {}): every client certificate the cluster issues is also an etcd client certificate",
            etcd_ca.describe(),
            etcd_ca.sha256
        )
    } else {
        format!(
            "etcd trusts {}, which is the same certificate as the cluster CA {} (SHA-256 {}): every client certificate the cluster issues is also an etcd client certificate",
            etcd_ca.describe(),
            cluster_ca.describe(),
            etcd_ca.sha256
        )
    }
}

/// Two paths name the same file when their components agree (`//` and `/./` do not count).
fn same_path(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && Path::new(a).components().eq(Path::new(b).components())
}

#[cfg(test)]
mod tests {
    use super::{same_path, ETCD_SHARED_CA};
    use crate::{run_checks, Options};
    use bulkhead_model::{load_text, Inventory, Limits};

    fn findings(yaml: &str) -> Vec<(String, String)> {
        let loaded = load_text("t.yaml", yaml, &Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let inventory = Inventory::new(loaded.objects);
        run_checks(&inventory, &[&ETCD_SHARED_CA], &Options::default())
            .into_iter()
            .map(|f| (f.location.pointer, f.message))
            .collect()
    }

    const ETCD: &str = "apiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: etcd}\nspec:\n  pid: 1\n  command: [etcd, --trusted-ca-file, /etc/kubernetes/pki/ca.crt]\n";

    fn certificate(path: &str, sha: &str, role: &str) -> String {
        format!("---\napiVersion: node.bulkhead.dev/v1\nkind: Certificate\nmetadata: {{name: {path}}}\nspec: {{path: {path}, subject: CN=x, issuer: CN=x, sha256: {sha}, roles: [{role}]}}\n")
    }

    #[test]
    fn the_same_file_as_the_api_server_client_ca_is_reported_at_the_etcd_flag_value() {
        let api = "---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kube-apiserver}\nspec:\n  pid: 2\n  command: [kube-apiserver, --client-ca-file=/etc/kubernetes//pki/ca.crt]\n";
        let found = findings(&format!("{ETCD}{api}"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/spec/command/2");
        assert!(found[0]
            .1
            .contains("`--client-ca-file=/etc/kubernetes//pki/ca.crt` (process 2)"));
    }

    #[test]
    fn a_static_pod_trusted_ca_from_the_environment_is_compared_like_the_flag() {
        let etcd = "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd-cp, namespace: kube-system}\nspec:\n  containers:\n  - name: etcd\n    command: [etcd, --client-cert-auth=true]\n    env:\n    - {name: ETCD_TRUSTED_CA_FILE, value: /etc/kubernetes/pki/ca.crt}\n";
        let api = "---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kube-apiserver}\nspec:\n  pid: 2\n  command: [kube-apiserver, --client-ca-file=/etc/kubernetes/pki/ca.crt]\n";
        let found = findings(&format!("{etcd}{api}"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/spec/containers/0/env/0/value");
        assert!(found[0]
            .1
            .contains("`ETCD_TRUSTED_CA_FILE=/etc/kubernetes/pki/ca.crt`"));
    }

    #[test]
    fn without_an_etcd_command_line_a_shared_certificate_is_reported_at_the_certificate() {
        let yaml = format!(
            "{}{}",
            certificate("/pki/etcd/ca.crt", "ab", "etcd-ca"),
            certificate("/pki/ca.crt", "AB", "cluster-ca")
        );
        let found = findings(&yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/spec/sha256");
    }

    #[test]
    fn distinct_certificates_and_paths_are_quiet() {
        let yaml = format!(
            "{ETCD}{}{}",
            certificate("/etc/kubernetes/pki/ca.crt", "ab", "etcd-ca"),
            certificate("/pki/cluster-ca.crt", "cd", "cluster-ca")
        );
        assert!(findings(&yaml).is_empty());
    }

    #[test]
    fn paths_compare_by_component() {
        assert!(same_path(
            "/etc/kubernetes/pki/ca.crt",
            "/etc/kubernetes//pki/./ca.crt"
        ));
        assert!(!same_path(
            "/etc/kubernetes/pki/ca.crt",
            "/etc/kubernetes/pki/etcd/ca.crt"
        ));
        assert!(!same_path("", ""));
    }
}
