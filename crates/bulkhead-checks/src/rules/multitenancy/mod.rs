//! Namespace use and tenancy boundaries.

pub mod default_namespace;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &default_namespace::DEFAULT_NAMESPACE,
];
