//! Credentials written where they should not be.

pub mod patterns;
pub mod secret_in_env;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &secret_in_env::SECRET_IN_ENV,
];
