//! Pod and container security: privilege, host access, identity, capabilities, tokens.

pub mod capabilities_not_dropped;
pub mod dangerous_capabilities;
pub mod host_namespaces;
pub mod host_path_volume;
pub mod privilege_escalation;
pub mod privileged_container;
pub mod run_as_root;
pub mod service_account_token_automount;
pub mod writable_root_filesystem;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &privileged_container::PRIVILEGED_CONTAINER,
    &privilege_escalation::PRIVILEGE_ESCALATION,
    &host_namespaces::HOST_NAMESPACES,
    &host_path_volume::HOST_PATH_VOLUME,
    &run_as_root::RUN_AS_ROOT,
    &writable_root_filesystem::WRITABLE_ROOT_FILESYSTEM,
    &dangerous_capabilities::DANGEROUS_CAPABILITIES,
    &capabilities_not_dropped::CAPABILITIES_NOT_DROPPED,
    &service_account_token_automount::SERVICE_ACCOUNT_TOKEN_AUTOMOUNT,
];
