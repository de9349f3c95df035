//! Kubelet and kube-proxy: every setting resolved with its real precedence (defaults, the
//! `--config` file, `--config-dir` drop-ins, flags) and reported where it was decided.
//! Configurations kept in kubeadm's ConfigMaps (`kubelet-config`, `kube-proxy`) are judged
//! too, so a live cluster scan covers them.

pub mod anonymous_auth;
pub mod authorization_always_allow;
pub mod client_ca_file;
pub mod config_not_scanned;
pub mod event_record_qps;
pub mod hostname_override;
pub mod iptables_util_chains;
pub mod judge;
pub mod kube_proxy_config;
pub mod kube_proxy_metrics;
pub mod pod_pids_limit;
pub mod protect_kernel_defaults;
pub mod read_only_port;
pub mod rotate_certificates;
pub mod rotate_server_certificate;
pub mod seccomp_default;
pub mod serving_certificate;
pub mod streaming_idle_timeout;
pub mod tls_cipher_suites;
pub mod tls_serving_certificate;

use bulkhead_model::{load_text, Limits, Object};

use crate::Check;

/// The objects of `kind` in a configuration kept as text in a ConfigMap value (kubeadm's
/// `kubelet-config` and `kube-proxy` ConfigMaps), read as a document named `name`.
pub fn objects_in_text(name: &str, text: &str, kind: &str) -> Vec<Object> {
    load_text(name, text, &Limits::default())
        .objects
        .into_iter()
        .filter(|o| o.kind == kind)
        .collect()
}

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &anonymous_auth::ANONYMOUS_AUTH_ENABLED,
    &authorization_always_allow::AUTHORIZATION_ALWAYS_ALLOW,
    &client_ca_file::CLIENT_CA_FILE_MISSING,
    &read_only_port::READ_ONLY_PORT_OPEN,
    &streaming_idle_timeout::STREAMING_IDLE_TIMEOUT_DISABLED,
    &iptables_util_chains::IPTABLES_UTIL_CHAINS_DISABLED,
    &hostname_override::HOSTNAME_OVERRIDE_SET,
    &event_record_qps::EVENT_RECORD_QPS_ZERO,
    &tls_serving_certificate::SELF_SIGNED_SERVING_CERTIFICATE,
    &rotate_certificates::CLIENT_CERTIFICATE_NOT_ROTATED,
    &rotate_server_certificate::SERVING_CERTIFICATE_NOT_ROTATED,
    &tls_cipher_suites::WEAK_CIPHER_SUITES,
    &pod_pids_limit::POD_PIDS_UNLIMITED,
    &seccomp_default::SECCOMP_DEFAULT_DISABLED,
    &kube_proxy_metrics::KUBE_PROXY_METRICS_EXPOSED,
    &config_not_scanned::CONFIG_FILE_NOT_SCANNED,
    &protect_kernel_defaults::PROTECT_KERNEL_DEFAULTS_DISABLED,
];
