//! Following a component's own flags to the files they name: the configuration files loaded
//! as objects (encryption, authentication, authorization and admission configuration, audit
//! policy, the scheduler's and kube-proxy's configuration), and the
//! kubeconfigs, keys, certificates and data directories given roles. Files are found where
//! the component was told to look, never at a fixed path.

use std::collections::BTreeSet;

use bulkhead_model::{Node, Object};

use super::fs::NodeFs;
use super::load::{expect_kind, load_named};
use super::targets::Targets;
use crate::component::{CommandLine, Component};
use crate::roles;

/// A flag that names a file, and what the file is.
struct FileFlag {
    flag: &'static str,
    role: Option<&'static str>,
    /// The file holds certificates to read.
    certificate: bool,
}

const fn role(flag: &'static str, role: &'static str) -> FileFlag {
    FileFlag {
        flag,
        role: Some(role),
        certificate: false,
    }
}

const fn cert(flag: &'static str, role: Option<&'static str>) -> FileFlag {
    FileFlag {
        flag,
        role,
        certificate: true,
    }
}

const API_SERVER: &[FileFlag] = &[
    cert("client-ca-file", Some(roles::CLUSTER_CA)),
    cert("tls-cert-file", None),
    role("tls-private-key-file", roles::PRIVATE_KEY),
    cert("kubelet-client-certificate", None),
    role("kubelet-client-key", roles::PRIVATE_KEY),
    cert("kubelet-certificate-authority", None),
    cert("etcd-cafile", None),
    cert("etcd-certfile", None),
    role("etcd-keyfile", roles::PRIVATE_KEY),
    cert("proxy-client-cert-file", None),
    role("proxy-client-key-file", roles::PRIVATE_KEY),
    cert("requestheader-client-ca-file", None),
    role("service-account-signing-key-file", roles::PRIVATE_KEY),
    role("encryption-provider-config", roles::ENCRYPTION_CONFIG),
    role("audit-policy-file", roles::AUDIT_POLICY),
];

const CONTROLLER_MANAGER: &[FileFlag] = &[
    role("kubeconfig", roles::CONTROLLER_MANAGER_KUBECONFIG),
    cert("root-ca-file", None),
    role("service-account-private-key-file", roles::PRIVATE_KEY),
    cert("cluster-signing-cert-file", None),
    role("cluster-signing-key-file", roles::PRIVATE_KEY),
    cert("client-ca-file", None),
];

const SCHEDULER: &[FileFlag] = &[role("kubeconfig", roles::SCHEDULER_KUBECONFIG)];

const ETCD: &[FileFlag] = &[
    cert("cert-file", None),
    role("key-file", roles::PRIVATE_KEY),
    cert("peer-cert-file", None),
    role("peer-key-file", roles::PRIVATE_KEY),
    cert("trusted-ca-file", Some(roles::ETCD_CA)),
    cert("peer-trusted-ca-file", None),
];

const KUBE_PROXY: &[FileFlag] = &[role("kubeconfig", roles::KUBE_PROXY_KUBECONFIG)];

/// etcd's data directory when `--data-dir` is not given (kubeadm passes it explicitly).
const ETCD_DEFAULT_DATA_DIR: &str = "/var/lib/etcd";

/// Configuration files named by flags that are loaded as objects; each is loaded once.
const LOADED: &[(Component, &str, &str)] = &[
    (
        Component::ApiServer,
        "encryption-provider-config",
        "EncryptionConfiguration",
    ),
    (Component::ApiServer, "audit-policy-file", "Policy"),
    (
        Component::ApiServer,
        "authentication-config",
        "AuthenticationConfiguration",
    ),
    (
        Component::ApiServer,
        "authorization-config",
        "AuthorizationConfiguration",
    ),
    (
        Component::ApiServer,
        "admission-control-config-file",
        "AdmissionConfiguration",
    ),
    (Component::Scheduler, "config", "KubeSchedulerConfiguration"),
    (Component::KubeProxy, "config", "KubeProxyConfiguration"),
];

/// Adds what one command line names to `targets` and loads its configuration files.
pub(crate) fn follow(
    fs: &mut NodeFs,
    line: &CommandLine<'_>,
    targets: &mut Targets,
    loaded: &mut BTreeSet<String>,
    objects: &mut Vec<Object>,
) {
    let program = line.component.program();
    let table = match line.component {
        Component::ApiServer => API_SERVER,
        Component::ControllerManager => CONTROLLER_MANAGER,
        Component::Scheduler => SCHEDULER,
        Component::Etcd => ETCD,
        Component::KubeProxy => KUBE_PROXY,
        Component::Kubelet => &[],
    };
    for entry in table {
        let Some(arg) = line.flag(entry.flag).filter(|a| !a.text().is_empty()) else {
            continue;
        };
        let path = visible_path(fs, line, arg.text());
        let named_by = format!("{program}'s `{}` ({})", arg.written, line.origin);
        if let Some(role) = entry.role.filter(|_| !entry.certificate) {
            targets.add(&path, role, Some(&named_by));
        }
        if entry.certificate {
            targets.certificate(&path, entry.role, Some(&named_by));
        }
    }
    for (component, flag, kind) in LOADED {
        if *component != line.component {
            continue;
        }
        let Some(arg) = line.flag(flag).filter(|a| !a.text().is_empty()) else {
            continue;
        };
        let path = visible_path(fs, line, arg.text());
        if !loaded.insert(path.clone()) {
            continue;
        }
        let named_by = format!("{program}'s `{}` ({})", arg.written, line.origin);
        let consequence = "the controls that judge its content are not evaluated";
        let found = load_named(fs, &path, &named_by, consequence);
        expect_kind(fs, &path, &found, kind, &named_by);
        if line.component == Component::KubeProxy {
            kube_proxy_kubeconfig(fs, line, &found, targets);
        }
        objects.extend(found);
    }
    if line.component == Component::Etcd {
        match line.flag("data-dir").filter(|a| !a.text().is_empty()) {
            Some(arg) => {
                let named_by = format!("etcd's `{}` ({})", arg.written, line.origin);
                let path = visible_path(fs, line, arg.text());
                targets.add(&path, roles::ETCD_DATA_DIR, Some(&named_by));
            }
            None => targets.add(ETCD_DEFAULT_DATA_DIR, roles::ETCD_DATA_DIR, None),
        }
    }
}

/// `clientConnection.kubeconfig` of a `KubeProxyConfiguration`.
fn kube_proxy_kubeconfig(
    fs: &NodeFs,
    line: &CommandLine<'_>,
    objects: &[Object],
    targets: &mut Targets,
) {
    for object in objects
        .iter()
        .filter(|o| o.kind == "KubeProxyConfiguration")
    {
        if let Some(path) = object
            .root
            .path(&["clientConnection", "kubeconfig"])
            .and_then(Node::as_str)
            .filter(|p| !p.is_empty())
        {
            let named_by = format!("clientConnection.kubeconfig in {}", object.origin.file.path);
            let path = visible_path(fs, line, path);
            targets.add(&path, roles::KUBE_PROXY_KUBECONFIG, Some(&named_by));
        }
    }
}

/// A path a running process was given is a path in its own mount namespace: kube-proxy in
/// a container reads `/var/lib/kube-proxy/config.conf` from its volume. When the node has no
/// such file but the process's root (`/proc/<pid>/root`) does, that is the file it reads.
fn visible_path(fs: &NodeFs, line: &CommandLine<'_>, path: &str) -> String {
    if line.origin != "process" || fs.exists(path) || !path.starts_with('/') {
        return path.to_string();
    }
    let pid = line
        .sources
        .first()
        .and_then(|o| o.root.path(&["spec", "pid"]))
        .and_then(Node::as_i64);
    match pid {
        Some(pid) => {
            let inside = format!("/proc/{pid}/root{path}");
            if fs.exists(&inside) {
                inside
            } else {
                path.to_string()
            }
        }
        None => path.to_string(),
    }
}
