//! The `Certificate` objects `bulkhead node` makes from PEM files (`CertificateFact` in
//! `bulkhead_node::render`), read once into a view for the certificate checks.

use bulkhead_model::{Node, Object};
use bulkhead_node::NODE_API_VERSION;

/// One certificate of a PEM file, with the fields the checks judge.
pub struct Certificate<'a> {
    pub object: &'a Object,
    pub path: &'a str,
    /// Position in its file: bundles hold several certificates.
    pub index: i64,
    pub subject: &'a str,
    pub issuer: &'a str,
    pub not_after: &'a str,
    pub signature_algorithm: &'a str,
    pub public_key_algorithm: &'a str,
    /// `None` when the collector could not tell the key size.
    pub public_key_bits: Option<i64>,
    pub sha256: &'a str,
    pub roles: Vec<&'a str>,
}

impl<'a> Certificate<'a> {
    /// The view of a `node.bulkhead.dev/v1` `Certificate`; `None` for any other object.
    pub fn of(object: &'a Object) -> Option<Certificate<'a>> {
        if object.api_version != NODE_API_VERSION || object.kind != "Certificate" {
            return None;
        }
        let spec = object.root.get("spec")?;
        let text = |key: &str| spec.get(key).and_then(Node::as_str).unwrap_or("");
        Some(Certificate {
            object,
            path: text("path"),
            index: spec.get("index").and_then(Node::as_i64).unwrap_or(0),
            subject: text("subject"),
            issuer: text("issuer"),
            not_after: text("notAfter"),
            signature_algorithm: text("signatureAlgorithm"),
            public_key_algorithm: text("publicKeyAlgorithm"),
            public_key_bits: spec
                .get("publicKeyBits")
                .and_then(Node::as_i64)
                .filter(|b| *b > 0),
            sha256: text("sha256"),
            roles: spec
                .get("roles")
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::as_str)
                .collect(),
        })
    }

    /// Whether the certificate signs itself (subject and issuer are the same name). Its own
    /// signature is then never checked by anyone: it is trusted because it was installed as
    /// a trust anchor, not because of what signed it.
    pub fn is_self_signed(&self) -> bool {
        !self.subject.is_empty() && self.subject == self.issuer
    }

    /// `certificate /etc/kubernetes/pki/ca.crt (CN=kubernetes)`, with `#<index>` for the
    /// second and later certificates of a bundle.
    pub fn describe(&self) -> String {
        let index = if self.index > 0 {
            format!("#{}", self.index)
        } else {
            String::new()
        };
        let subject = if self.subject.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.subject)
        };
        format!("certificate {}{index}{subject}", self.path)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.contains(&role)
    }
}

/// Every certificate of the inventory.
pub fn certificates(objects: &[Object]) -> impl Iterator<Item = Certificate<'_>> {
    objects.iter().filter_map(Certificate::of)
}
