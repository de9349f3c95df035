//! Stable finding fingerprints, for baselines and for tracking a finding across commits.
//!
//! A fingerprint hashes what the finding is about — the check, the object's identity and the
//! field — never where it sits in the file. List positions of named items (containers,
//! volumes, env vars) are replaced by their names, so reordering containers or adding an
//! unrelated one keeps every fingerprint.

use bulkhead_model::{Node, Object, ObjectRef, Value};
use sha2::{Digest, Sha256};

pub fn fingerprint(check: &str, object: &Object, object_ref: &ObjectRef, pointer: &str) -> String {
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
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
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
}
