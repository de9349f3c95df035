//! API versions deprecated or removed in the target Kubernetes version.

pub mod api_versions;
pub mod deprecated_api_version;
pub mod removed_api_version;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &deprecated_api_version::DEPRECATED_API_VERSION,
    &removed_api_version::REMOVED_API_VERSION,
];
