//! Node files: modes and owners of the files the CIS benchmark names (found by following the
//! components' own flags), certificates and private keys.

pub mod admin_kubeconfig_ownership;
pub mod admin_kubeconfig_permissions;
pub mod apiserver_manifest_ownership;
pub mod apiserver_manifest_permissions;
pub mod certificate;
pub mod certificate_expiry;
pub mod client_ca_ownership;
pub mod client_ca_permissions;
pub mod cni_config_ownership;
pub mod cni_config_permissions;
pub mod controller_manager_kubeconfig_ownership;
pub mod controller_manager_kubeconfig_permissions;
pub mod controller_manager_manifest_ownership;
pub mod controller_manager_manifest_permissions;
pub mod etcd_data_dir_ownership;
pub mod etcd_data_dir_permissions;
pub mod etcd_manifest_ownership;
pub mod etcd_manifest_permissions;
pub mod kube_proxy_kubeconfig_ownership;
pub mod kube_proxy_kubeconfig_permissions;
pub mod kubelet_config_ownership;
pub mod kubelet_config_permissions;
pub mod kubelet_kubeconfig_ownership;
pub mod kubelet_kubeconfig_permissions;
pub mod kubelet_service_ownership;
pub mod kubelet_service_permissions;
pub mod permissions;
pub mod pki_certificate_permissions;
pub mod pki_ownership;
pub mod private_key_permissions;
pub mod scheduler_kubeconfig_ownership;
pub mod scheduler_kubeconfig_permissions;
pub mod scheduler_manifest_ownership;
pub mod scheduler_manifest_permissions;
pub mod weak_certificate_key;
pub mod weak_certificate_signature;

#[cfg(test)]
mod tests;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &apiserver_manifest_permissions::APISERVER_MANIFEST_PERMISSIONS,
    &apiserver_manifest_ownership::APISERVER_MANIFEST_OWNERSHIP,
    &controller_manager_manifest_permissions::CONTROLLER_MANAGER_MANIFEST_PERMISSIONS,
    &controller_manager_manifest_ownership::CONTROLLER_MANAGER_MANIFEST_OWNERSHIP,
    &scheduler_manifest_permissions::SCHEDULER_MANIFEST_PERMISSIONS,
    &scheduler_manifest_ownership::SCHEDULER_MANIFEST_OWNERSHIP,
    &etcd_manifest_permissions::ETCD_MANIFEST_PERMISSIONS,
    &etcd_manifest_ownership::ETCD_MANIFEST_OWNERSHIP,
    &cni_config_permissions::CNI_CONFIG_PERMISSIONS,
    &cni_config_ownership::CNI_CONFIG_OWNERSHIP,
    &etcd_data_dir_permissions::ETCD_DATA_DIR_PERMISSIONS,
    &etcd_data_dir_ownership::ETCD_DATA_DIR_OWNERSHIP,
    &admin_kubeconfig_permissions::ADMIN_KUBECONFIG_PERMISSIONS,
    &admin_kubeconfig_ownership::ADMIN_KUBECONFIG_OWNERSHIP,
    &scheduler_kubeconfig_permissions::SCHEDULER_KUBECONFIG_PERMISSIONS,
    &scheduler_kubeconfig_ownership::SCHEDULER_KUBECONFIG_OWNERSHIP,
    &controller_manager_kubeconfig_permissions::CONTROLLER_MANAGER_KUBECONFIG_PERMISSIONS,
    &controller_manager_kubeconfig_ownership::CONTROLLER_MANAGER_KUBECONFIG_OWNERSHIP,
    &pki_ownership::PKI_OWNERSHIP,
    &pki_certificate_permissions::PKI_CERTIFICATE_PERMISSIONS,
    &private_key_permissions::PRIVATE_KEY_PERMISSIONS,
    &kubelet_service_permissions::KUBELET_SERVICE_PERMISSIONS,
    &kubelet_service_ownership::KUBELET_SERVICE_OWNERSHIP,
    &kube_proxy_kubeconfig_permissions::KUBE_PROXY_KUBECONFIG_PERMISSIONS,
    &kube_proxy_kubeconfig_ownership::KUBE_PROXY_KUBECONFIG_OWNERSHIP,
    &kubelet_kubeconfig_permissions::KUBELET_KUBECONFIG_PERMISSIONS,
    &kubelet_kubeconfig_ownership::KUBELET_KUBECONFIG_OWNERSHIP,
    &client_ca_permissions::CLIENT_CA_PERMISSIONS,
    &client_ca_ownership::CLIENT_CA_OWNERSHIP,
    &kubelet_config_permissions::KUBELET_CONFIG_PERMISSIONS,
    &kubelet_config_ownership::KUBELET_CONFIG_OWNERSHIP,
    // Certificates
    &certificate_expiry::CERTIFICATE_EXPIRY,
    &weak_certificate_key::WEAK_CERTIFICATE_KEY,
    &weak_certificate_signature::WEAK_CERTIFICATE_SIGNATURE,
];
