//! Every built-in check, one file each, grouped by family.

pub mod common;
pub mod images;
pub mod multitenancy;
pub mod resources;
pub mod secrets;
pub mod workload;
