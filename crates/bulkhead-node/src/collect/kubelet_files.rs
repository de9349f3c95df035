//! The kubelet's configuration files and the paths they name, following what the kubelet
//! was given: `--config` and the `--config-dir` drop-ins (`*.conf`, in name order), with
//! command-line flags over drop-ins over the file. Only when no kubelet command line is
//! known at all are the usual locations of the distributions tried (kubeadm, EKS, GKE, AKS).

use bulkhead_model::{Inventory, Object};

use super::fs::{join_node, parent, NodeFs};
use super::load::{expect_kind, load_named, load_optional};
use crate::component::CommandLine;
use crate::kubelet::{fields, Field, Kubelet, Source};

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
}

/// The files the kubelet's effective configuration names.
#[derive(Debug, Default)]
pub(crate) struct KubeletPaths {
    pub kubeconfig: Option<Named>,
    pub client_ca: Option<Named>,
    pub tls_cert: Option<Named>,
    pub tls_key: Option<Named>,
    pub static_pod_path: Option<Named>,
}

/// Follows the kubelet's effective settings (flags over drop-ins over the config file, as
/// [`Kubelet::setting`] decides) to the files they name. A relative path in a configuration
/// file is relative to that file's directory, as the kubelet reads it.
pub(crate) fn kubelet_paths(fs: &NodeFs, objects: &[Object]) -> KubeletPaths {
    let inventory = Inventory::new(objects.to_vec());
    let kubelets = Kubelet::resolve(&inventory);
    let Some(kubelet) = kubelets.first() else {
        return KubeletPaths::default();
    };
    let path = |field: &Field| -> Option<Named> {
        let setting = kubelet.setting(field);
        let value = setting.value.as_text()?.trim().to_string();
        if value.is_empty() {
            return None;
        }
        match &setting.source {
            Source::Flag { arg, .. } => Some((value, format!("the kubelet's `{}`", arg.written))),
            Source::Config { object, pointer } | Source::DropIn { object, pointer } => {
                let file = &object.origin.file.path;
                Some((
                    join_node(parent(file), &value),
                    format!("{pointer} in {file}"),
                ))
            }
            Source::Default => None,
        }
    };
    let mut paths = KubeletPaths {
        kubeconfig: path(&fields::KUBECONFIG),
        client_ca: path(&fields::CLIENT_CA_FILE),
        tls_cert: path(&fields::TLS_CERT_FILE),
        tls_key: path(&fields::TLS_PRIVATE_KEY_FILE),
        static_pod_path: path(&fields::STATIC_POD_PATH),
    };
    if paths.kubeconfig.is_none() && kubelet.command_line.is_none() && fs.exists(KUBEADM_KUBECONFIG)
    {
        paths.kubeconfig = Some((
            KUBEADM_KUBECONFIG.to_string(),
            "kubeadm's usual location".to_string(),
        ));
    }
    paths
}

const CONSEQUENCE: &str = "the kubelet settings it holds are not evaluated";

/// Reads what the kubelet's command line (when known) names.
pub(crate) fn kubelet_files(fs: &mut NodeFs, line: Option<&CommandLine<'_>>) -> KubeletFiles {
    let mut files = KubeletFiles::default();
    let flag = |name: &str| {
        line.and_then(|l| l.flag(name))
            .map(|a| a.text().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut configs: Vec<(String, Vec<Object>)> = Vec::new();
    match flag("config") {
        Some(path) => {
            let named_by = "the kubelet's --config";
            let objects = load_named(fs, &path, named_by, CONSEQUENCE);
            expect_kind(fs, &path, &objects, "KubeletConfiguration", named_by);
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
    for (path, objects) in configs {
        files.config_files.push(path);
        files.objects.extend(objects);
    }
    files
}
