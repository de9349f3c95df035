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
mod host;
mod k3s;
mod kubelet_files;
mod load;
mod processes;
mod run;
mod static_pods;
mod systemd;
mod targets;

use std::path::PathBuf;

use bulkhead_model::{LoadError, LoadStats, Object};

use run::Run;

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

/// Reads the node under `options.root`.
pub fn collect(options: &CollectOptions) -> Collected {
    let mut run = Run::start(options);
    run.kubelet_command_line();
    run.kubelet_configuration();
    run.static_pods();
    run.component_files();
    run.fixed_locations();
    run.host();
    run.finish()
}
