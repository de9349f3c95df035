//! Stable finding fingerprints, for baselines and for tracking a finding across commits.
//!
//! A fingerprint hashes what the finding is about — the check, the object's identity and the
//! field — never where it sits in the file. List positions of named items (containers,
//! volumes, env vars) are replaced by their names, so reordering containers or adding an
//! unrelated one keeps every fingerprint.

use std::fmt;

use bulkhead_model::{Node, Object, ObjectRef, Value};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

/// A finding's fingerprint: the first 16 bytes of a SHA-256, as 32 lowercase hex digits held
/// inline. Fixed-size on purpose: a large scan has hundreds of thousands of findings, and a
/// `String` each was one more heap allocation per finding. Reads and prints as the text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The 32 hex digits.
    pub fn as_str(&self) -> &str {
        // Only ever built from ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::ops::Deref for Fingerprint {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

pub fn fingerprint(
    check: &str,
    object: &Object,
    object_ref: &ObjectRef,
    pointer: &str,
) -> Fingerprint {
    let mut hasher = Sha256::new();
    for part in [
        check,
        object.group(),
        &object_ref.kind,
        object_ref.namespace.as_deref().unwrap_or(""),
        &object_ref.name,
        &stable_path(&object.root, pointer),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 32];
    for (i, b) in digest[..16].iter().enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 15)];
    }
    Fingerprint(out)
}

/// The pointer with each index into a list of named mappings replaced by `[name]`.
fn stable_path(root: &Node, pointer: &str) -> String {
    let mut node = Some(root);
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let mut written = false;
        if let (
            Some(Node {
                value: Value::Seq(items),
                ..
            }),
            Ok(i),
        ) = (node, token.parse::<usize>())
        {
            let item = items.get(i);
            if let Some(name) = item.and_then(|n| n.get("name")).and_then(Node::as_str) {
                out.push_str("/[");
                out.push_str(name);
                out.push(']');
                written = true;
            }
            node = item;
        } else {
            node = node.and_then(|n| {
                if token.contains('~') {
                    n.get(&token.replace("~1", "/").replace("~0", "~"))
                } else {
                    n.get(token)
                }
            });
        }
        if !written {
            out.push('/');
            out.push_str(token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    #[test]
    fn list_indices_become_names() {
        let loaded = load_text(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: web\n  - name: db\n    env: [{name: A, value: b}]\n",
            &Limits::default(),
        );
        let root = &loaded.objects[0].root;
        assert_eq!(
            stable_path(root, "/spec/containers/1/env/0/value"),
            "/spec/containers/[db]/env/[A]/value"
        );
        assert_eq!(
            stable_path(root, "/spec/containers/7/image"),
            "/spec/containers/7/image"
        );
    }

    #[test]
    fn a_fingerprint_reads_and_serializes_as_32_hex_digits() {
        let loaded = load_text(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\n",
            &Limits::default(),
        );
        let object = &loaded.objects[0];
        let f = fingerprint("BHW001", object, &object.object_ref(), "/spec");
        // The SHA-256 of the parts, each followed by a zero byte, cut to 16 bytes.
        let digest = Sha256::digest(b"BHW001\0\0Pod\0n\0p\0/spec\0");
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(f.as_str(), hex);
        assert_eq!(f.to_string(), hex);
        assert_ne!(
            f,
            fingerprint("BHW002", object, &object.object_ref(), "/spec")
        );
    }
}
