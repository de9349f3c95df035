//! Control plane: the flags of the API server, controller manager, scheduler and etcd (read
//! from static Pods, processes or systemd units alike, through `bulkhead_node`), encryption at
//! rest and the audit policy.

pub mod flags;

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
];
