//! Every built-in check, one file each, grouped by family.

pub mod common;
pub mod deprecations;
pub mod images;
pub mod known_risks;
pub mod multitenancy;
pub mod network;
pub mod rbac;
pub mod references;
pub mod resources;
pub mod secrets;
pub mod workload;
