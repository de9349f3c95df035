//! Control plane: the flags of the API server, controller manager, scheduler and etcd (read
//! from static Pods, processes or systemd units alike, through `bulkhead_node`), encryption at
//! rest and the audit policy.

pub mod admission;
pub mod apiserver_always_admit;
pub mod apiserver_always_pull_images;
pub mod apiserver_anonymous_auth;
pub mod apiserver_audit_log_maxage;
pub mod apiserver_audit_log_maxbackup;
pub mod apiserver_audit_log_maxsize;
pub mod apiserver_audit_log_path;
pub mod apiserver_authorization_always_allow;
pub mod apiserver_authorization_node;
pub mod apiserver_authorization_rbac;
pub mod apiserver_client_ca_file;
pub mod apiserver_deny_service_external_ips;
pub mod apiserver_etcd_cafile;
pub mod apiserver_etcd_client_certificate;
pub mod apiserver_event_rate_limit;
pub mod apiserver_extend_token_expiration;
pub mod apiserver_kubelet_certificate_authority;
pub mod apiserver_kubelet_client_certificate;
pub mod apiserver_namespace_lifecycle_plugin;
pub mod apiserver_node_restriction_plugin;
pub mod apiserver_profiling;
pub mod apiserver_removed_flags;
pub mod apiserver_request_timeout;
pub mod apiserver_secure_port_disabled;
pub mod apiserver_service_account_key_file;
pub mod apiserver_service_account_lookup;
pub mod apiserver_service_account_plugin;
pub mod apiserver_tls_certificate;
pub mod apiserver_token_auth_file;
pub mod apiserver_weak_tls_ciphers;
pub mod audit_log;
pub mod authorization;
pub mod config_files;
pub mod controller_manager_bind_address;
pub mod controller_manager_profiling;
pub mod controller_manager_root_ca_file;
pub mod controller_manager_rotate_kubelet_server_certificate;
pub mod controller_manager_service_account_credentials;
pub mod controller_manager_service_account_private_key_file;
pub mod controller_manager_terminated_pod_gc_threshold;
pub mod etcd_auto_tls;
pub mod etcd_client_cert_auth;
pub mod etcd_client_tls;
pub mod etcd_peer_auto_tls;
pub mod etcd_peer_client_cert_auth;
pub mod etcd_peer_tls;
pub mod etcd_shared_ca;
pub mod expect;
pub mod flags;
pub mod scheduler_bind_address;
pub mod scheduler_profiling;

// Encryption at rest and audit policy
pub mod aescbc_provider_first;
pub mod audit_catch_all_none_rule;
pub mod audit_pod_creation_not_logged;
pub mod audit_pod_exec_not_logged;
pub mod audit_policy;
pub mod audit_policy_file_not_set;
pub mod audit_rbac_changes_not_logged;
pub mod audit_sensitive_resources_level;
pub mod encryption_config;
pub mod encryption_provider_config_not_set;
pub mod identity_provider_first;
pub mod invalid_encryption_key;
pub mod kms_v1_provider;
pub mod secrets_not_encrypted;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &apiserver_anonymous_auth::APISERVER_ANONYMOUS_AUTH,
    &apiserver_token_auth_file::APISERVER_TOKEN_AUTH_FILE,
    &apiserver_deny_service_external_ips::APISERVER_DENY_SERVICE_EXTERNAL_IPS,
    &apiserver_kubelet_client_certificate::APISERVER_KUBELET_CLIENT_CERTIFICATE,
    &apiserver_kubelet_certificate_authority::APISERVER_KUBELET_CERTIFICATE_AUTHORITY,
    &apiserver_authorization_always_allow::APISERVER_AUTHORIZATION_ALWAYS_ALLOW,
    &apiserver_authorization_node::APISERVER_AUTHORIZATION_NODE,
    &apiserver_authorization_rbac::APISERVER_AUTHORIZATION_RBAC,
    &apiserver_event_rate_limit::APISERVER_EVENT_RATE_LIMIT,
    &apiserver_always_admit::APISERVER_ALWAYS_ADMIT,
    &apiserver_always_pull_images::APISERVER_ALWAYS_PULL_IMAGES,
    &apiserver_service_account_plugin::APISERVER_SERVICE_ACCOUNT_PLUGIN,
    &apiserver_namespace_lifecycle_plugin::APISERVER_NAMESPACE_LIFECYCLE_PLUGIN,
    &apiserver_node_restriction_plugin::APISERVER_NODE_RESTRICTION_PLUGIN,
    &apiserver_profiling::APISERVER_PROFILING,
    &apiserver_audit_log_path::APISERVER_AUDIT_LOG_PATH,
    &apiserver_audit_log_maxage::APISERVER_AUDIT_LOG_MAXAGE,
    &apiserver_audit_log_maxbackup::APISERVER_AUDIT_LOG_MAXBACKUP,
    &apiserver_audit_log_maxsize::APISERVER_AUDIT_LOG_MAXSIZE,
    &apiserver_service_account_lookup::APISERVER_SERVICE_ACCOUNT_LOOKUP,
    &apiserver_service_account_key_file::APISERVER_SERVICE_ACCOUNT_KEY_FILE,
    &apiserver_etcd_client_certificate::APISERVER_ETCD_CLIENT_CERTIFICATE,
    &apiserver_tls_certificate::APISERVER_TLS_CERTIFICATE,
    &apiserver_client_ca_file::APISERVER_CLIENT_CA_FILE,
    &apiserver_etcd_cafile::APISERVER_ETCD_CAFILE,
    &apiserver_weak_tls_ciphers::APISERVER_WEAK_TLS_CIPHERS,
    &apiserver_extend_token_expiration::APISERVER_EXTEND_TOKEN_EXPIRATION,
    &controller_manager_terminated_pod_gc_threshold::CONTROLLER_MANAGER_TERMINATED_POD_GC_THRESHOLD,
    &controller_manager_profiling::CONTROLLER_MANAGER_PROFILING,
    &controller_manager_service_account_credentials::CONTROLLER_MANAGER_SERVICE_ACCOUNT_CREDENTIALS,
    &controller_manager_service_account_private_key_file::CONTROLLER_MANAGER_SERVICE_ACCOUNT_PRIVATE_KEY_FILE,
    &controller_manager_root_ca_file::CONTROLLER_MANAGER_ROOT_CA_FILE,
    &controller_manager_rotate_kubelet_server_certificate::CONTROLLER_MANAGER_ROTATE_KUBELET_SERVER_CERTIFICATE,
    &controller_manager_bind_address::CONTROLLER_MANAGER_BIND_ADDRESS,
    &scheduler_profiling::SCHEDULER_PROFILING,
    &scheduler_bind_address::SCHEDULER_BIND_ADDRESS,
    &etcd_client_tls::ETCD_CLIENT_TLS,
    &etcd_client_cert_auth::ETCD_CLIENT_CERT_AUTH,
    &etcd_auto_tls::ETCD_AUTO_TLS,
    &etcd_peer_tls::ETCD_PEER_TLS,
    &etcd_peer_client_cert_auth::ETCD_PEER_CLIENT_CERT_AUTH,
    &etcd_peer_auto_tls::ETCD_PEER_AUTO_TLS,
    // etcd certificate authority
    &etcd_shared_ca::ETCD_SHARED_CA,
    // Encryption at rest and audit policy
    &encryption_provider_config_not_set::ENCRYPTION_PROVIDER_CONFIG_NOT_SET,
    &secrets_not_encrypted::SECRETS_NOT_ENCRYPTED,
    &identity_provider_first::IDENTITY_PROVIDER_FIRST,
    &invalid_encryption_key::INVALID_ENCRYPTION_KEY,
    &aescbc_provider_first::AESCBC_PROVIDER_FIRST,
    &kms_v1_provider::KMS_V1_PROVIDER,
    &audit_policy_file_not_set::AUDIT_POLICY_FILE_NOT_SET,
    &audit_sensitive_resources_level::AUDIT_SENSITIVE_RESOURCES_LEVEL,
    &audit_pod_exec_not_logged::AUDIT_POD_EXEC_NOT_LOGGED,
    &audit_rbac_changes_not_logged::AUDIT_RBAC_CHANGES_NOT_LOGGED,
    &audit_pod_creation_not_logged::AUDIT_POD_CREATION_NOT_LOGGED,
    &audit_catch_all_none_rule::AUDIT_CATCH_ALL_NONE_RULE,
    &apiserver_request_timeout::APISERVER_REQUEST_TIMEOUT,
    &apiserver_secure_port_disabled::APISERVER_SECURE_PORT_DISABLED,
    &apiserver_removed_flags::APISERVER_REMOVED_FLAGS,
];
