//! Reading a node into objects: the entry point of `bulkhead node`.
//!
//! The order follows what each step needs from the ones before: running processes first
//! (what is in effect), then the kubelet's command line from systemd or k3s when no kubelet
//! runs, then the kubelet's configuration files (named by its flags), its static Pods (from
//! its effective `staticPodPath`), the files every component's flags name, and last the
//! modes, owners and certificates of all the files with a role.

mod accounts;
mod arguments;
mod certificates;
mod files;
mod follow;
mod fs;
mod k3s;
mod kubelet_files;
mod load;
mod processes;
mod static_pods;
mod systemd;
mod targets;

use std::collections::BTreeSet;
use std::path::PathBuf;

use bulkhead_model::{Inventory, LoadError, LoadStats, Object};

use crate::component::{command_lines, Component};
use crate::render::load_fact;
use crate::roles;
use accounts::Accounts;
use fs::{join_node, NodeFs};
use processes::Distribution;
use targets::Targets;

/// What to read.
#[derive(Clone, Debug)]
pub struct CollectOptions {
    /// The node's root: `/` on the node itself, `/host` in a DaemonSet that mounts the host's
    /// root there, or a copy of a node's files. Paths in reports are the node's own paths.
    pub root: PathBuf,
    /// Ask running components for their version (`<exe> --version`); only meaningful when
    /// `root` is `/`.
    pub probe_versions: bool,
}

/// Everything read from a node.
#[derive(Debug, Default)]
pub struct Collected {
    pub objects: Vec<Object>,
    /// What could not be read (a permission denied, a malformed file): each is an error or a
    /// warning with its path; the controls that needed it are then not evaluated.
    pub errors: Vec<LoadError>,
    pub stats: LoadStats,
    /// What was found and where, one line each (`kube-apiserver: static Pod
    /// /etc/kubernetes/manifests/kube-apiserver.yaml`), for the report's preamble.
    pub found: Vec<String>,
}

/// Fixed locations the CIS benchmark names by path (kubeadm's layout).
const ADMIN_KUBECONFIGS: [&str; 2] = [
    "/etc/kubernetes/admin.conf",
    "/etc/kubernetes/super-admin.conf",
];
const CNI_DIR: &str = "/etc/cni/net.d";
const PKI_DIR: &str = "/etc/kubernetes/pki";
const KUBELET_PKI_DIR: &str = "/var/lib/kubelet/pki";

/// Reads the node under `options.root`.
pub fn collect(options: &CollectOptions) -> Collected {
    let mut fs = NodeFs::new(&options.root);
    let accounts = Accounts::read(&mut fs);
    let mut objects: Vec<Object> = Vec::new();
    let mut found: Vec<String> = Vec::new();
    let mut targets = Targets::default();

    let processes = processes::scan(&mut fs, options.probe_versions);
    for running in &processes.running {
        let fact = &running.fact;
        let loaded = load_fact(&fact.document_path(), &fact.to_yaml());
        fs.errors.extend(loaded.errors);
        objects.extend(loaded.objects);
    }
    for (distribution, pid, command) in &processes.distributions {
        let name = match distribution {
            Distribution::K3s => "k3s",
            Distribution::Rke2 => "rke2",
        };
        found.push(format!(
            "{name}: process {pid} ({command}); it runs the components inside itself"
        ));
    }
    let has = |d: Distribution| processes.distributions.iter().any(|(x, _, _)| *x == d);

    // The kubelet's unit files are judged whatever runs (CIS 4.1.1); the command line they
    // describe is used only when no kubelet process shows the one in effect.
    let kubelet_runs = processes.has(Component::Kubelet);
    if let Some(unit) = systemd::kubelet_unit(&mut fs) {
        for path in &unit.unit_files {
            targets.add(path, roles::KUBELET_SERVICE, None);
        }
        if !kubelet_runs && !unit.objects.is_empty() {
            let mut line = format!("kubelet: systemd unit {}", unit.unit_files.join(", "));
            if !unit.environment_files.is_empty() {
                line.push_str(&format!(
                    " with environment files {}",
                    unit.environment_files.join(", ")
                ));
            }
            found.push(line);
            objects.extend(unit.objects);
        }
    }
    if !kubelet_runs && (has(Distribution::K3s) || k3s::present(&fs)) {
        let k3s = k3s::kubelet_arguments(&mut fs);
        let sources = if k3s.config_files.is_empty() {
            "k3s's own flags".to_string()
        } else {
            format!(
                "k3s's own flags and kubelet-arg in {}",
                k3s.config_files.join(", ")
            )
        };
        found.push(format!("kubelet: embedded in k3s ({sources})"));
        objects.extend(k3s.objects);
    }

    // The kubelet's configuration, following its flags.
    let kubelet_config = {
        let inventory = Inventory::new(objects.clone());
        let lines = command_lines(&inventory);
        let line = lines.iter().find(|l| l.component == Component::Kubelet);
        kubelet_files::kubelet_files(&mut fs, line)
    };
    for path in &kubelet_config.config_files {
        targets.add(path, roles::KUBELET_CONFIG, None);
    }
    if !kubelet_config.config_files.is_empty() {
        found.push(format!(
            "kubelet configuration: {}",
            kubelet_config.config_files.join(", ")
        ));
    }
    objects.extend(kubelet_config.objects);
    let kubelet = kubelet_files::kubelet_paths(&fs, &objects);
    if let Some((path, by)) = &kubelet.kubeconfig {
        targets.add(path, roles::KUBELET_KUBECONFIG, Some(by));
    }
    if let Some((path, by)) = &kubelet.client_ca {
        targets.add(path, roles::CLIENT_CA, Some(by));
        targets.certificate(path, None, Some(by));
    }
    if let Some((path, by)) = &kubelet.tls_cert {
        targets.certificate(path, None, Some(by));
    }
    if let Some((path, by)) = &kubelet.tls_key {
        targets.add(path, roles::PRIVATE_KEY, Some(by));
    }

    // Static Pods, from the kubelet's effective path.
    let manifest_dir = match &kubelet.static_pod_path {
        Some((path, _)) => path.clone(),
        None if has(Distribution::Rke2) || fs.is_dir(static_pods::RKE2_DIR) => {
            static_pods::RKE2_DIR.to_string()
        }
        None => static_pods::DEFAULT_DIR.to_string(),
    };
    for manifest in static_pods::read_dir(&mut fs, &manifest_dir) {
        let inventory = Inventory::new(manifest.objects.clone());
        for line in command_lines(&inventory) {
            if let Some(role) = manifest_role(line.component) {
                targets.add(&manifest.path, role, None);
            }
        }
        objects.extend(manifest.objects);
    }

    // What every component's flags name.
    let mut loaded = BTreeSet::new();
    let mut more = Vec::new();
    {
        let inventory = Inventory::new(objects.clone());
        for line in command_lines(&inventory) {
            // Command lines rebuilt from systemd or k3s were reported as they were read.
            if line.origin != "systemd unit" {
                found.push(found_line(&line));
            }
            follow::follow(&mut fs, &line, &mut targets, &mut loaded, &mut more);
        }
    }
    objects.extend(more);

    // Locations the benchmark names by path.
    for path in ADMIN_KUBECONFIGS {
        if fs.exists(path) || fs.link_metadata(path).is_some() {
            targets.add(path, roles::ADMIN_KUBECONFIG, None);
        }
    }
    for name in fs.list(CNI_DIR) {
        targets.add(&join_node(CNI_DIR, &name), roles::CNI_CONFIG, None);
    }
    if fs.is_dir(PKI_DIR) {
        targets.add(PKI_DIR, roles::PKI_DIRECTORY, None);
        walk_pki(&mut fs, PKI_DIR, &mut targets, 0);
    }
    for name in fs.list(KUBELET_PKI_DIR) {
        if name.ends_with(".crt") || name.ends_with(".pem") {
            targets.certificate(&join_node(KUBELET_PKI_DIR, &name), None, None);
        }
    }

    objects.extend(files::stat_all(&mut fs, &accounts, &targets));
    objects.extend(certificates::read_all(&mut fs, &targets));

    Collected {
        objects,
        errors: fs.errors,
        stats: fs.stats,
        found,
    }
}

/// The role of a component's static Pod manifest.
fn manifest_role(component: Component) -> Option<&'static str> {
    match component {
        Component::ApiServer => Some(roles::API_SERVER_MANIFEST),
        Component::ControllerManager => Some(roles::CONTROLLER_MANAGER_MANIFEST),
        Component::Scheduler => Some(roles::SCHEDULER_MANIFEST),
        Component::Etcd => Some(roles::ETCD_MANIFEST),
        Component::Kubelet | Component::KubeProxy => None,
    }
}

/// `kube-apiserver: static Pod /etc/kubernetes/manifests/kube-apiserver.yaml`.
fn found_line(line: &crate::component::CommandLine<'_>) -> String {
    let program = line.component.program();
    let first = line.sources.first();
    match line.origin {
        "process" => {
            let pid = first
                .and_then(|o| o.root.path(&["spec", "pid"]))
                .and_then(bulkhead_model::Node::as_i64)
                .unwrap_or_default();
            format!("{program}: process {pid}")
        }
        origin => {
            let mut paths: Vec<&str> = line
                .sources
                .iter()
                .map(|o| o.origin.file.path.as_str())
                .collect();
            paths.dedup();
            format!("{program}: {origin} {}", paths.join(", "))
        }
    }
}

/// Everything under the PKI directory: `*.crt` are certificates, `*.key` private keys, and
/// every entry a PKI file (CIS 1.1.19–1.1.21).
fn walk_pki(fs: &mut NodeFs, dir: &str, targets: &mut Targets, depth: usize) {
    if depth > 8 {
        return;
    }
    for name in fs.list(dir) {
        let path = join_node(dir, &name);
        targets.add(&path, roles::PKI_FILE, None);
        if name.ends_with(".crt") {
            targets.add(&path, roles::PKI_CERTIFICATE, None);
            targets.certificate(&path, None, None);
        } else if name.ends_with(".key") {
            targets.add(&path, roles::PRIVATE_KEY, None);
        } else if fs.is_dir(&path) {
            walk_pki(fs, &path, targets, depth + 1);
        }
    }
}
