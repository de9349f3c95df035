//! Every built-in check, one file each, grouped by family.

pub mod attack_paths;
pub mod common;
pub mod control_plane;
pub mod deprecations;
pub mod images;
pub mod known_risks;
pub mod kubelet;
pub mod multitenancy;
pub mod network;
pub mod node_files;
pub mod node_host;
pub mod policy;
pub mod rbac;
pub mod references;
pub mod resources;
pub mod secrets;
pub mod versions;
pub mod workload;
