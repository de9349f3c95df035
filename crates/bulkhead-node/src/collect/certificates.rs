//! `Certificate` objects: every certificate of each PEM file to look at (a CA bundle holds
//! several), with the facts the PKI checks judge: validity dates, key algorithm and size,
//! signature algorithm, whether it is a CA, and a fingerprint to recognise the same CA in
//! two files.

use bulkhead_model::Object;
use sha2::{Digest, Sha256};
use x509_parser::objects::{oid2sn, oid_registry};
use x509_parser::oid_registry::Oid;
use x509_parser::pem::Pem;
use x509_parser::prelude::X509Certificate;

use super::fs::{NodeFs, ReadFailure};
use super::targets::Targets;
use crate::render::{load_fact, CertificateFact};

/// The certificates of every target that holds some.
pub(crate) fn read_all(fs: &mut NodeFs, targets: &Targets) -> Vec<Object> {
    let mut objects = Vec::new();
    for (path, target) in &targets.files {
        if !target.certificates {
            continue;
        }
        let consequence = "the certificate controls for it are not evaluated";
        let bytes = match fs.read_bytes(path) {
            Ok(bytes) => bytes,
            Err(ReadFailure::Missing) => {
                // A missing file that a flag names is reported once (the `File` pass may have).
                if let (Some(named_by), false) = (&target.named_by, fs.has_error_for(path)) {
                    fs.warning(
                        path,
                        format!("{named_by} names {path}, which does not exist on this node; {consequence}"),
                    );
                }
                continue;
            }
            Err(ReadFailure::Other(reason)) => {
                fs.error(path, format!("cannot read {path}: {reason}; {consequence}"));
                continue;
            }
        };
        let roles: Vec<String> = target.roles.iter().map(|r| r.to_string()).collect();
        let mut index = 0;
        for block in Pem::iter_from_buffer(&bytes) {
            let pem = match block {
                Ok(pem) => pem,
                Err(e) => {
                    fs.error(
                        path,
                        format!("{path} holds a malformed PEM block ({e}); {consequence}"),
                    );
                    break;
                }
            };
            if pem.label != "CERTIFICATE" {
                continue;
            }
            let fact = match pem.parse_x509() {
                Ok(cert) => fact_of(path, index, &cert, &pem.contents, &roles),
                Err(e) => {
                    fs.error(
                        path,
                        format!(
                            "certificate {index} of {path} cannot be parsed ({e}); {consequence}"
                        ),
                    );
                    index += 1;
                    continue;
                }
            };
            index += 1;
            let loaded = load_fact(&fact.document_path(), &fact.to_yaml());
            fs.errors.extend(loaded.errors);
            objects.extend(loaded.objects);
        }
        if index == 0 && target.named_by.is_some() {
            fs.warning(
                path,
                format!("{path} holds no PEM certificate; {consequence}"),
            );
        }
    }
    objects
}

fn fact_of(
    path: &str,
    index: usize,
    cert: &X509Certificate<'_>,
    der: &[u8],
    roles: &[String],
) -> CertificateFact {
    let key = cert.public_key();
    let key_algorithm = short_name(&key.algorithm.algorithm);
    let (public_key_algorithm, bits) = match key_algorithm.as_str() {
        "rsaEncryption" => ("RSA".to_string(), key_bits(cert)),
        "id-ecPublicKey" => ("EC".to_string(), key_bits(cert)),
        "ed25519" => ("Ed25519".to_string(), 256),
        "ed448" => ("Ed448".to_string(), 456),
        "dsa" => ("DSA".to_string(), key_bits(cert)),
        other => (other.to_string(), key_bits(cert)),
    };
    CertificateFact {
        path: path.to_string(),
        index,
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: rfc3339(cert.validity().not_before.timestamp()),
        not_after: rfc3339(cert.validity().not_after.timestamp()),
        signature_algorithm: short_name(&cert.signature_algorithm.algorithm),
        public_key_algorithm,
        public_key_bits: bits,
        is_ca: cert.is_ca(),
        sha256: hex(&Sha256::digest(der)),
        roles: roles.to_vec(),
    }
}

fn key_bits(cert: &X509Certificate<'_>) -> u32 {
    cert.public_key()
        .parsed()
        .map_or(0, |k| k.key_size() as u32)
}

/// The registry's short name (`sha256WithRSAEncryption`), or the dotted OID.
fn short_name(oid: &Oid<'_>) -> String {
    oid2sn(oid, oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Seconds since the epoch as `2026-11-27T16:00:00Z`.
pub(crate) fn rfc3339(seconds: i64) -> String {
    bulkhead_model::calendar::rfc3339(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
