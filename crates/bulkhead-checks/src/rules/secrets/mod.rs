//! Credentials written where they should not be.

pub mod patterns;
pub mod secret_in_annotation;
pub mod secret_in_command;
pub mod secret_in_configmap;
pub mod secret_in_env;
pub mod secret_string_data_committed;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &secret_in_env::SECRET_IN_ENV,
    &secret_in_configmap::SECRET_IN_CONFIGMAP,
    &secret_in_annotation::SECRET_IN_ANNOTATION,
    &secret_string_data_committed::SECRET_STRING_DATA_COMMITTED,
    &secret_in_command::SECRET_IN_COMMAND,
];
