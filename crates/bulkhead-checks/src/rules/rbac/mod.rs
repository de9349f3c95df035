//! RBAC: risky grants and escalation paths.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
