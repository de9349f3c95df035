//! Pod and container security: privilege, host access, identity, capabilities, tokens.

pub mod apparmor_profile;
pub mod bare_pod;
pub mod capabilities_not_dropped;
pub mod dangerous_capabilities;
pub mod default_service_account;
pub mod deprecated_service_account_field;
pub mod host_namespaces;
pub mod host_path_volume;
pub mod host_ports;
pub mod host_users_not_disabled;
pub mod low_uid;
pub mod missing_service_account;
pub mod namespace_pss_violation;
pub mod privilege_escalation;
pub mod privileged_container;
pub mod privileged_container_port;
pub mod probe_host;
pub mod proc_mount;
pub mod restricted_volume_types;
pub mod run_as_group_root;
pub mod run_as_root;
pub mod run_as_user_root;
pub mod seccomp_profile;
pub mod selector_template_mismatch;
pub mod selinux_options;
pub mod sensitive_host_path;
pub mod service_account_token_automount;
pub mod sudo_in_command;
pub mod unsafe_sysctls;
pub mod windows_host_process;
pub mod writable_host_path;
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
    &host_ports::HOST_PORTS,
    &apparmor_profile::APPARMOR_PROFILE,
    &selinux_options::SELINUX_OPTIONS,
    &proc_mount::PROC_MOUNT,
    &seccomp_profile::SECCOMP_PROFILE,
    &unsafe_sysctls::UNSAFE_SYSCTLS,
    &windows_host_process::WINDOWS_HOST_PROCESS,
    &probe_host::PROBE_HOST,
    &restricted_volume_types::RESTRICTED_VOLUME_TYPES,
    &run_as_user_root::RUN_AS_USER_ROOT,
    &namespace_pss_violation::NAMESPACE_PSS_VIOLATION,
    &sensitive_host_path::SENSITIVE_HOST_PATH,
    &writable_host_path::WRITABLE_HOST_PATH,
    &run_as_group_root::RUN_AS_GROUP_ROOT,
    &low_uid::LOW_UID,
    &host_users_not_disabled::HOST_USERS_NOT_DISABLED,
    &default_service_account::DEFAULT_SERVICE_ACCOUNT,
    &missing_service_account::MISSING_SERVICE_ACCOUNT,
    &deprecated_service_account_field::DEPRECATED_SERVICE_ACCOUNT_FIELD,
    &selector_template_mismatch::SELECTOR_TEMPLATE_MISMATCH,
    &bare_pod::BARE_POD,
    &sudo_in_command::SUDO_IN_COMMAND,
    &privileged_container_port::PRIVILEGED_CONTAINER_PORT,
];

/// The checks that implement the Pod Security Standards' controls, one or two controls each:
/// together they are the Pod Security admission policy, version for version.
pub static PSS_CHECKS: &[&Check] = &[
    &privileged_container::PRIVILEGED_CONTAINER,
    &privilege_escalation::PRIVILEGE_ESCALATION,
    &host_namespaces::HOST_NAMESPACES,
    &host_path_volume::HOST_PATH_VOLUME,
    &run_as_root::RUN_AS_ROOT,
    &dangerous_capabilities::DANGEROUS_CAPABILITIES,
    &capabilities_not_dropped::CAPABILITIES_NOT_DROPPED,
    &host_ports::HOST_PORTS,
    &apparmor_profile::APPARMOR_PROFILE,
    &selinux_options::SELINUX_OPTIONS,
    &proc_mount::PROC_MOUNT,
    &seccomp_profile::SECCOMP_PROFILE,
    &unsafe_sysctls::UNSAFE_SYSCTLS,
    &windows_host_process::WINDOWS_HOST_PROCESS,
    &probe_host::PROBE_HOST,
    &restricted_volume_types::RESTRICTED_VOLUME_TYPES,
    &run_as_user_root::RUN_AS_USER_ROOT,
];

/// The service account a pod names (`serviceAccountName`, else the deprecated
/// `serviceAccount`) with its pointer; `None` when neither is set or both are empty, which
/// means `default`.
pub(crate) fn named_service_account<'a>(
    pod: &bulkhead_model::PodSpec<'a>,
) -> Option<(&'a str, String)> {
    pod.service_account()
        .map(|(name, field)| (name, pod.pointer_to(field)))
}

/// Static pods (a kubelet's manifest directory, or their mirror pods read from a cluster):
/// they cannot use service accounts, ConfigMaps or Secrets, so several checks do not apply.
/// Recognized by the kubelet's mirror and source annotations, or by kubeadm's
/// `tier: control-plane` label in `kube-system`.
pub(crate) fn is_static_pod(object: &bulkhead_model::Object) -> bool {
    object.kind == "Pod"
        && (object.annotation("kubernetes.io/config.mirror").is_some()
            || object.annotation("kubernetes.io/config.source").is_some()
            || (object.namespace.as_deref() == Some("kube-system")
                && object.label("tier") == Some("control-plane")))
}
