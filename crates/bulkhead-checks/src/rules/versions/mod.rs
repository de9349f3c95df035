//! Versions of the control-plane and node components: supported minors and patch levels
//! with known vulnerabilities (data in `versions.yaml`, dated).

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
