//! Network policy, reachability and exposure.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
