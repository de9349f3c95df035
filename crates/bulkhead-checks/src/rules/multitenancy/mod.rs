//! Namespace use and tenancy boundaries.

pub mod default_namespace;
