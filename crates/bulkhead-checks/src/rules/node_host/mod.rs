//! The host under the node (`bulkhead node`): kernel settings, mandatory access control,
//! listening services, the SSH server, automatic updates, the container runtimes and the
//! node's identity, judged from the host facts the collector reads (`bulkhead_node`'s host
//! steps). A source that could not be read gives no fact, and the framework controls that
//! need it are then not evaluated.

pub mod aslr_not_full;
pub mod automatic_updates_disabled;
pub mod bootstrap_token_on_disk;
pub mod cgroup_driver_mismatch;
pub mod docker_api_plain_tcp;
pub mod docker_icc;
pub mod docker_live_restore;
pub mod docker_no_new_privileges;
pub mod docker_userns_remap;
pub mod etcd_all_interfaces;
pub mod facts;
pub mod icmp_redirects_accepted;
pub mod icmp_redirects_sent;
pub mod kernel_information_exposed;
pub mod kernel_version_features;
pub mod kubelet_api_unauthenticated;
pub mod kubelet_client_certificate_identity;
pub mod kubelet_client_certificate_not_rotating;
pub mod kubelet_read_only_port_open;
pub mod link_protection_disabled;
pub mod listeners;
pub mod no_mandatory_access_control;
pub mod privileged_gets_host_devices;
pub mod ptrace_unrestricted;
pub mod reverse_path_filter_off;
pub mod runtime_data;
pub mod runtime_disables_mac;
pub mod runtime_insecure_registry;
pub mod runtime_socket_ownership;
pub mod runtime_socket_permissions;
pub mod ssh_empty_passwords;
pub mod ssh_password_authentication;
pub mod ssh_root_login;
pub mod sshd;
pub mod unexpected_listener;
pub mod unprivileged_bpf;
pub mod unprivileged_ports_icmp;
pub mod vulnerable_container_runtime;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &kernel_information_exposed::KERNEL_INFORMATION_EXPOSED,
    &unprivileged_bpf::UNPRIVILEGED_BPF,
    &ptrace_unrestricted::PTRACE_UNRESTRICTED,
    &link_protection_disabled::LINK_PROTECTION_DISABLED,
    &aslr_not_full::ASLR_NOT_FULL,
    &reverse_path_filter_off::REVERSE_PATH_FILTER_OFF,
    &icmp_redirects_accepted::ICMP_REDIRECTS_ACCEPTED,
    &icmp_redirects_sent::ICMP_REDIRECTS_SENT,
    &kernel_version_features::KERNEL_VERSION_FEATURES,
    &no_mandatory_access_control::NO_MANDATORY_ACCESS_CONTROL,
    &runtime_disables_mac::RUNTIME_DISABLES_MAC,
    &docker_api_plain_tcp::DOCKER_API_PLAIN_TCP,
    &etcd_all_interfaces::ETCD_ALL_INTERFACES,
    &kubelet_read_only_port_open::KUBELET_READ_ONLY_PORT_OPEN,
    &kubelet_api_unauthenticated::KUBELET_API_UNAUTHENTICATED,
    &unexpected_listener::UNEXPECTED_LISTENER,
    &ssh_root_login::SSH_ROOT_LOGIN,
    &ssh_password_authentication::SSH_PASSWORD_AUTHENTICATION,
    &ssh_empty_passwords::SSH_EMPTY_PASSWORDS,
    &automatic_updates_disabled::AUTOMATIC_UPDATES_DISABLED,
    &runtime_insecure_registry::RUNTIME_INSECURE_REGISTRY,
    &privileged_gets_host_devices::PRIVILEGED_GETS_HOST_DEVICES,
    &unprivileged_ports_icmp::UNPRIVILEGED_PORTS_ICMP,
    &cgroup_driver_mismatch::CGROUP_DRIVER_MISMATCH,
    &docker_icc::DOCKER_ICC,
    &docker_userns_remap::DOCKER_USERNS_REMAP,
    &docker_no_new_privileges::DOCKER_NO_NEW_PRIVILEGES,
    &docker_live_restore::DOCKER_LIVE_RESTORE,
    &runtime_socket_permissions::RUNTIME_SOCKET_PERMISSIONS,
    &runtime_socket_ownership::RUNTIME_SOCKET_OWNERSHIP,
    &vulnerable_container_runtime::VULNERABLE_CONTAINER_RUNTIME,
    &kubelet_client_certificate_identity::KUBELET_CLIENT_CERTIFICATE_IDENTITY,
    &kubelet_client_certificate_not_rotating::KUBELET_CLIENT_CERTIFICATE_NOT_ROTATING,
    &bootstrap_token_on_disk::BOOTSTRAP_TOKEN_ON_DISK,
];

/// CIS Docker Benchmark v1.6.0 recommendations each check decides (the compliance data of the
/// `cis-docker-1.6` framework; `Compliance::cis` holds CIS Kubernetes ids only).
pub const CIS_DOCKER: &[(&str, &[&str])] = &[
    ("BHN052", &["2.7"]),
    ("BHN070", &["2.5"]),
    ("BHN075", &["2.2"]),
    ("BHN076", &["2.9"]),
    ("BHN077", &["2.14"]),
    ("BHN078", &["2.15"]),
    ("BHN080", &["3.16"]),
    ("BHN081", &["3.15"]),
];

/// The CIS Docker ids of a check.
pub fn cis_docker(check_id: &str) -> Vec<String> {
    CIS_DOCKER
        .iter()
        .filter(|(id, _)| *id == check_id)
        .flat_map(|(_, ids)| ids.iter().map(|s| s.to_string()))
        .collect()
}

/// CIS Distribution Independent Linux Benchmark v2.0.0 recommendations each check decides (the
/// compliance data of the `cis-linux-2.0` framework; ids as the framework's catalogue cites
/// them, with its sources). Checks of settings v2.0.0 has no recommendation for (kptr_restrict,
/// dmesg_restrict, ptrace_scope, unprivileged BPF, protected links, sshd password
/// authentication) cite none.
pub const CIS_LINUX: &[(&str, &[&str])] = &[
    ("BHN044", &["1.5.3"]),
    ("BHN045", &["3.2.7"]),
    ("BHN046", &["3.2.2"]),
    ("BHN047", &["3.1.2"]),
    ("BHN050", &["1.6.1.1"]),
    ("BHN060", &["5.2.10"]),
    ("BHN062", &["5.2.11"]),
    ("BHN065", &["1.8"]),
];

/// The CIS Distribution Independent Linux ids of a check.
pub fn cis_linux(check_id: &str) -> Vec<String> {
    CIS_LINUX
        .iter()
        .filter(|(id, _)| *id == check_id)
        .flat_map(|(_, ids)| ids.iter().map(|s| s.to_string()))
        .collect()
}
