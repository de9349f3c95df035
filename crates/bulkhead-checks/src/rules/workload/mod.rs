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
