//! Versions of the control-plane and node components: supported minors and patch levels
//! with known vulnerabilities (data in `versions.yaml`, dated).

pub mod data;
pub mod unsupported_minor;
pub mod version;
pub mod vulnerable_patch;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &unsupported_minor::UNSUPPORTED_MINOR,
    &vulnerable_patch::VULNERABLE_PATCH,
];
