//! Static Pod manifests: the control plane of kubeadm and RKE2 nodes. Each file is loaded
//! like any manifest, under its node path, so the API-server checks read its `command:`.

use bulkhead_model::Object;

use super::fs::{join_node, NodeFs};
use super::load::load_optional;

/// The kubelet's default, and kubeadm's.
pub(crate) const DEFAULT_DIR: &str = "/etc/kubernetes/manifests";
/// RKE2's.
pub(crate) const RKE2_DIR: &str = "/var/lib/rancher/rke2/agent/pod-manifests";

/// One manifest file and its objects.
pub(crate) struct Manifest {
    pub path: String,
    pub objects: Vec<Object>,
}

/// Every `*.yaml`, `*.yml` and `*.json` of the directory (hidden files are skipped, as the
/// kubelet does).
pub(crate) fn read_dir(fs: &mut NodeFs, dir: &str) -> Vec<Manifest> {
    fs.list(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .filter(|n| [".yaml", ".yml", ".json"].iter().any(|e| n.ends_with(e)))
        .map(|name| {
            let path = join_node(dir, &name);
            let objects = load_optional(
                fs,
                &path,
                "the component it defines is not evaluated from it",
            );
            Manifest { path, objects }
        })
        .collect()
}
