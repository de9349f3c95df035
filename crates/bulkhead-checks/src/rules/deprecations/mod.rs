//! API versions deprecated or removed in the target Kubernetes version.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
