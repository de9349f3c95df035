//! References to objects that do not exist.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
