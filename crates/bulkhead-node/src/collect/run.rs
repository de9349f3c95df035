//! The steps of one collection, in the order each needs the ones before: running processes
//! (what is in effect), the kubelet's command line from systemd or k3s when no kubelet runs,
//! the kubelet's configuration (named by its flags), its static Pods (from its effective
//! `staticPodPath`), the files every component's flags name, the locations the benchmark
//! names by path, and last the modes, owners and certificates of every file with a role.

use std::collections::BTreeSet;

use bulkhead_model::{Inventory, Node, Object};

use super::accounts::Accounts;
use super::fs::{join_node, NodeFs};
use super::processes::{self, Distribution, Processes};
use super::targets::Targets;
use super::{
    certificates, files, follow, host, k3s, kubelet_files, static_pods, systemd, CollectOptions,
    Collected,
};
use crate::component::{command_lines, CommandLine, Component};
use crate::render::load_fact;
use crate::roles;

/// Fixed locations the CIS benchmark names by path (kubeadm's layout).
const ADMIN_KUBECONFIGS: [&str; 2] = [
    "/etc/kubernetes/admin.conf",
    "/etc/kubernetes/super-admin.conf",
];
const CNI_DIR: &str = "/etc/cni/net.d";
const PKI_DIR: &str = "/etc/kubernetes/pki";
const KUBELET_PKI_DIR: &str = "/var/lib/kubelet/pki";

/// What one collection has gathered so far.
pub(crate) struct Run {
    fs: NodeFs,
    accounts: Accounts,
    processes: Processes,
    objects: Vec<Object>,
    found: Vec<String>,
    targets: Targets,
    /// The static Pod directory, once the kubelet's configuration is known.
    static_pod_dir: Option<String>,
    /// Whether programs may be asked their version (`CollectOptions::probe_versions`).
    probe_versions: bool,
}

impl Run {
    /// Reads the node's accounts and running processes.
    pub fn start(options: &CollectOptions) -> Run {
        let mut fs = NodeFs::new(&options.root);
        let accounts = Accounts::read(&mut fs);
        let processes = processes::scan(&mut fs, options.probe_versions);
        let mut run = Run {
            fs,
            accounts,
            processes,
            objects: Vec::new(),
            found: Vec::new(),
            targets: Targets::default(),
            static_pod_dir: None,
            probe_versions: options.probe_versions,
        };
        for running in &run.processes.running {
            let fact = &running.fact;
            let loaded = load_fact(&fact.document_path(), &fact.to_yaml());
            run.fs.errors.extend(loaded.errors);
            run.objects.extend(loaded.objects);
        }
        for (distribution, pid, command) in &run.processes.distributions {
            let name = match distribution {
                Distribution::K3s => "k3s",
                Distribution::Rke2 => "rke2",
            };
            run.found.push(format!(
                "{name}: process {pid} ({command}); it runs the components inside itself"
            ));
        }
        run
    }

    fn runs(&self, distribution: Distribution) -> bool {
        self.processes
            .distributions
            .iter()
            .any(|(d, _, _)| *d == distribution)
    }

    /// The kubelet's unit files are judged whatever runs (CIS 4.1.1); the command line they
    /// describe (or k3s's) is used only when no kubelet process shows the one in effect.
    pub fn kubelet_command_line(&mut self) {
        let kubelet_runs = self.processes.has(Component::Kubelet);
        if let Some(unit) = systemd::kubelet_unit(&mut self.fs) {
            for path in &unit.unit_files {
                self.targets.add(path, roles::KUBELET_SERVICE, None);
            }
            if !kubelet_runs && !unit.objects.is_empty() {
                let mut line = format!("kubelet: systemd unit {}", unit.unit_files.join(", "));
                if !unit.environment_files.is_empty() {
                    line.push_str(&format!(
                        " with environment files {}",
                        unit.environment_files.join(", ")
                    ));
                }
                self.found.push(line);
                self.objects.extend(unit.objects);
            }
        }
        if !kubelet_runs && (self.runs(Distribution::K3s) || k3s::present(&self.fs)) {
            let k3s = k3s::kubelet_arguments(&mut self.fs);
            let sources = if k3s.config_files.is_empty() {
                "k3s's own flags".to_string()
            } else {
                format!(
                    "k3s's own flags and kubelet-arg in {}",
                    k3s.config_files.join(", ")
                )
            };
            self.found
                .push(format!("kubelet: embedded in k3s ({sources})"));
            self.objects.extend(k3s.objects);
        }
    }

    /// The kubelet's configuration files, following its flags, and the files its effective
    /// settings name.
    pub fn kubelet_configuration(&mut self) {
        let config = {
            let inventory = Inventory::new(self.objects.clone());
            let lines = command_lines(&inventory);
            let line = lines.iter().find(|l| l.component == Component::Kubelet);
            kubelet_files::kubelet_files(&mut self.fs, line)
        };
        for path in &config.config_files {
            self.targets.add(path, roles::KUBELET_CONFIG, None);
        }
        if !config.config_files.is_empty() {
            self.found.push(format!(
                "kubelet configuration: {}",
                config.config_files.join(", ")
            ));
        }
        self.objects.extend(config.objects);
        let paths = kubelet_files::kubelet_paths(&self.fs, &self.objects);
        let targets = &mut self.targets;
        if let Some((path, by)) = &paths.kubeconfig {
            targets.add(path, roles::KUBELET_KUBECONFIG, Some(by));
        }
        if let Some((path, by)) = &paths.client_ca {
            targets.add(path, roles::CLIENT_CA, Some(by));
            targets.certificate(path, None, Some(by));
        }
        if let Some((path, by)) = &paths.tls_cert {
            targets.certificate(path, None, Some(by));
        }
        if let Some((path, by)) = &paths.tls_key {
            targets.add(path, roles::PRIVATE_KEY, Some(by));
        }
        self.static_pod_dir = paths.static_pod_path.map(|(path, _)| path);
    }

    /// Static Pods from the kubelet's effective path (else RKE2's or the kubelet's default).
    pub fn static_pods(&mut self) {
        let dir = match self.static_pod_dir.take() {
            Some(path) => path,
            None if self.runs(Distribution::Rke2) || self.fs.is_dir(static_pods::RKE2_DIR) => {
                static_pods::RKE2_DIR.to_string()
            }
            None => static_pods::DEFAULT_DIR.to_string(),
        };
        for manifest in static_pods::read_dir(&mut self.fs, &dir) {
            let inventory = Inventory::new(manifest.objects.clone());
            for line in command_lines(&inventory) {
                if let Some(role) = manifest_role(line.component) {
                    self.targets.add(&manifest.path, role, None);
                }
            }
            self.objects.extend(manifest.objects);
        }
    }

    /// What every component's flags name.
    pub fn component_files(&mut self) {
        let mut loaded = BTreeSet::new();
        let mut more = Vec::new();
        let inventory = Inventory::new(self.objects.clone());
        for line in command_lines(&inventory) {
            // Command lines rebuilt from systemd or k3s were reported as they were read.
            if line.origin != "systemd unit" {
                self.found.push(found_line(&line));
            }
            follow::follow(
                &mut self.fs,
                &line,
                &mut self.targets,
                &mut loaded,
                &mut more,
            );
        }
        self.objects.extend(more);
    }

    /// Locations the benchmark names by path.
    pub fn fixed_locations(&mut self) {
        let (fs, targets) = (&mut self.fs, &mut self.targets);
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
            walk_pki(fs, PKI_DIR, targets, 0);
        }
        for name in fs.list(KUBELET_PKI_DIR) {
            if name.ends_with(".crt") || name.ends_with(".pem") {
                targets.certificate(&join_node(KUBELET_PKI_DIR, &name), None, None);
            }
        }
    }

    /// The host under the node: kernel, access control, listeners, SSH, updates, runtimes,
    /// identity.
    pub fn host(&mut self) {
        let probe = self.probe_versions && self.fs.is_live();
        let objects = host::collect(&mut self.fs, &mut self.targets, &mut self.found, probe);
        self.objects.extend(objects);
    }

    /// Stats every file with a role, reads every certificate, and hands everything over.
    pub fn finish(mut self) -> Collected {
        let files = files::stat_all(&mut self.fs, &self.accounts, &self.targets);
        let certificates = certificates::read_all(&mut self.fs, &self.targets);
        self.objects.extend(files);
        self.objects.extend(certificates);
        Collected {
            objects: self.objects,
            errors: self.fs.errors,
            stats: self.fs.stats,
            found: self.found,
        }
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
fn found_line(line: &CommandLine<'_>) -> String {
    let program = line.component.program();
    let first = line.sources.first();
    match line.origin {
        "process" => {
            let pid = first
                .and_then(|o| o.root.path(&["spec", "pid"]))
                .and_then(Node::as_i64)
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
