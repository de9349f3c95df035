//! Namespace use and tenancy boundaries.

pub mod default_namespace;
pub mod namespace_without_pod_security_labels;
pub mod user_workload_in_kube_system;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &default_namespace::DEFAULT_NAMESPACE,
    &user_workload_in_kube_system::USER_WORKLOAD_IN_KUBE_SYSTEM,
    &namespace_without_pod_security_labels::NAMESPACE_WITHOUT_POD_SECURITY_LABELS,
];
