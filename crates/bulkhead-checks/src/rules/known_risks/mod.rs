//! Well-known dangerous components and settings.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
