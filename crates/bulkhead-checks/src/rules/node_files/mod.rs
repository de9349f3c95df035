//! Node files: modes and owners of the files the CIS benchmark names (found by following the
//! components' own flags), certificates and private keys.

pub mod certificate;
pub mod certificate_expiry;
pub mod weak_certificate_key;
pub mod weak_certificate_signature;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    // Certificates
    &certificate_expiry::CERTIFICATE_EXPIRY,
    &weak_certificate_key::WEAK_CERTIFICATE_KEY,
    &weak_certificate_signature::WEAK_CERTIFICATE_SIGNATURE,
];
