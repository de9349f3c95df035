//! The kubelet's configuration files and the paths they name, following what the kubelet
//! was given: `--config` and the `--config-dir` drop-ins (`*.conf`, in name order), with
//! command-line flags over drop-ins over the file. Only when no kubelet command line is
//! known at all are the usual locations of the distributions tried (kubeadm, EKS, GKE, AKS).

use bulkhead_model::{Node, Object};

use super::fs::{join_node, parent, NodeFs};
use super::load::{load_named, load_optional};
use crate::component::CommandLine;

/// Where distributions put the kubelet's configuration when the command line is unknown.
const LAYOUT_CONFIGS: [&str; 5] = [
    "/var/lib/kubelet/config.yaml",
    "/etc/kubernetes/kubelet/kubelet-config.json",
    "/etc/kubernetes/kubelet/config.json",
    "/home/kubernetes/kubelet-config.yaml",
    "/etc/default/kubeletconfig.json",
];
const LAYOUT_DROP_IN_DIRS: [&str; 1] = ["/etc/kubernetes/kubelet/config.json.d"];
const KUBEADM_KUBECONFIG: &str = "/etc/kubernetes/kubelet.conf";

/// A path and what named it (`the kubelet's --kubeconfig`).
pub(crate) type Named = (String, String);

/// The kubelet's configuration objects and the files they point to.
#[derive(Debug, Default)]
pub(crate) struct KubeletFiles {
    pub objects: Vec<Object>,
    /// The configuration file and the drop-ins, as read.
    pub config_files: Vec<String>,
    pub kubeconfig: Option<Named>,
    pub client_ca: Option<Named>,
    pub tls_cert: Option<Named>,
    pub tls_key: Option<Named>,
    pub static_pod_path: Option<Named>,
}

const CONSEQUENCE: &str = "the kubelet settings it holds are not evaluated";

/// Reads what the kubelet's command line (when known) names.
pub(crate) fn kubelet_files(
    fs: &mut NodeFs,
    line: Option<&CommandLine<'_>>,
    extra_drop_in_dir: Option<&str>,
) -> KubeletFiles {
    let mut files = KubeletFiles::default();
    let flag = |name: &str| {
        line.and_then(|l| l.flag(name))
            .map(|a| a.text().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut configs: Vec<(String, Vec<Object>)> = Vec::new();
    match flag("config") {
        Some(path) => {
            let objects = load_named(fs, &path, "the kubelet's --config", CONSEQUENCE);
            configs.push((path, objects));
        }
        None if line.is_none() => {
            for path in LAYOUT_CONFIGS {
                let objects = load_optional(fs, path, CONSEQUENCE);
                if !objects.is_empty() {
                    configs.push((path.to_string(), objects));
                }
            }
        }
        None => {}
    }
    let mut drop_in_dirs: Vec<String> = flag("config-dir").into_iter().collect();
    if line.is_none() {
        drop_in_dirs.extend(LAYOUT_DROP_IN_DIRS.iter().map(|d| d.to_string()));
    }
    drop_in_dirs.extend(extra_drop_in_dir.map(str::to_string));
    drop_in_dirs.dedup();
    for dir in drop_in_dirs {
        for name in fs.list(&dir) {
            if !name.ends_with(".conf") {
                continue;
            }
            let path = join_node(&dir, &name);
            let objects = load_optional(fs, &path, CONSEQUENCE);
            configs.push((path, objects));
        }
    }
    // The later file wins for each field; a flag wins over every file.
    let field = |keys: &[&str], flag_name: &str| -> Option<Named> {
        if let Some(value) = flag(flag_name) {
            return Some((value, format!("the kubelet's --{flag_name}")));
        }
        configs.iter().rev().find_map(|(path, objects)| {
            let value = objects
                .iter()
                .filter(|o| o.kind == "KubeletConfiguration")
                .find_map(|o| o.root.path(keys).and_then(Node::as_str))
                .filter(|v| !v.is_empty())?;
            Some((
                join_node(parent(path), value),
                format!("{} in {path}", keys.join(".")),
            ))
        })
    };
    files.client_ca = field(&["authentication", "x509", "clientCAFile"], "client-ca-file");
    files.tls_cert = field(&["tlsCertFile"], "tls-cert-file");
    files.tls_key = field(&["tlsPrivateKeyFile"], "tls-private-key-file");
    files.static_pod_path = field(&["staticPodPath"], "pod-manifest-path");
    files.kubeconfig = match flag("kubeconfig") {
        Some(path) => Some((path, "the kubelet's --kubeconfig".to_string())),
        None if line.is_none() && fs.exists(KUBEADM_KUBECONFIG) => Some((
            KUBEADM_KUBECONFIG.to_string(),
            "kubeadm's usual location".to_string(),
        )),
        None => None,
    };
    for (path, objects) in configs {
        files.config_files.push(path);
        files.objects.extend(objects);
    }
    files
}
