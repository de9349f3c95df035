//! Credentials written where they should not be.

pub mod patterns;
pub mod secret_in_env;
