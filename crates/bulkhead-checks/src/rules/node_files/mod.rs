//! Node files: modes and owners of the files the CIS benchmark names (found by following the
//! components' own flags), certificates and private keys.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
