//! Reading an `EncryptionConfiguration` (`apiserver.config.k8s.io/v1`) the way the API server
//! does: resource entries in order, the first entry that covers a resource decides how it is
//! stored, and within an entry the first provider encrypts new writes while the others only
//! decrypt what was written before. Shared by the encryption-at-rest checks.

use bulkhead_model::{Node, Object};

/// The API group of the API server's own configuration files.
const GROUP: &str = "apiserver.config.k8s.io";

/// Whether an object is an encryption configuration the API server would read.
pub fn is_encryption_configuration(object: &Object) -> bool {
    object.kind == "EncryptionConfiguration" && object.group() == GROUP
}

/// One element of `resources`: the resources it covers and the providers, in order.
pub struct ResourceEntry<'a> {
    /// Index in `resources`.
    pub index: usize,
    /// The resource names as written (`secrets`, `*.apps`, `*.*`).
    pub resources: Vec<&'a str>,
    pub providers: Vec<Provider<'a>>,
}

impl ResourceEntry<'_> {
    /// Pointer to this entry.
    pub fn pointer(&self) -> String {
        format!("/resources/{}", self.index)
    }

    /// Whether one of this entry's names covers `group`/`resource`.
    pub fn covers(&self, group: &str, resource: &str) -> bool {
        self.resources
            .iter()
            .any(|name| name_covers(name, group, resource))
    }

    /// The resources as written, for messages: `secrets, configmaps`.
    pub fn describe_resources(&self) -> String {
        if self.resources.is_empty() {
            "no resources".to_string()
        } else {
            self.resources.join(", ")
        }
    }
}

/// The providers the API server knows.
pub const KNOWN_PROVIDERS: &[&str] = &["aescbc", "aesgcm", "secretbox", "kms", "identity"];

/// One element of an entry's `providers`.
pub struct Provider<'a> {
    /// `aescbc`, `aesgcm`, `secretbox`, `kms`, `identity`, or whatever key was written
    /// (empty for an empty element).
    pub kind: &'a str,
    /// The provider's own settings (the value under its key).
    pub node: &'a Node,
    /// Pointer to the provider's key: `/resources/0/providers/1/aescbc`.
    pub pointer: String,
}

/// The entries of a configuration, in order.
pub fn entries(object: &Object) -> Vec<ResourceEntry<'_>> {
    let list = object
        .root
        .get("resources")
        .map(Node::as_seq)
        .unwrap_or(&[]);
    list.iter()
        .enumerate()
        .map(|(index, entry)| {
            let resources = entry
                .get("resources")
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::as_str)
                .collect();
            let providers = entry
                .get("providers")
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(j, provider)| match provider.as_map().first() {
                    Some(first) => Provider {
                        kind: &first.key,
                        node: &first.value,
                        pointer: format!("/resources/{index}/providers/{j}/{}", first.key),
                    },
                    // An empty element: no provider the API server knows.
                    None => Provider {
                        kind: "",
                        node: provider,
                        pointer: format!("/resources/{index}/providers/{j}"),
                    },
                })
                .collect();
            ResourceEntry {
                index,
                resources,
                providers,
            }
        })
        .collect()
}

/// The entry that decides how `group`/`resource` is stored: the first that covers it
/// ("earlier lists take precedence").
pub fn deciding_entry<'e, 'a>(
    entries: &'e [ResourceEntry<'a>],
    group: &str,
    resource: &str,
) -> Option<&'e ResourceEntry<'a>> {
    entries.iter().find(|e| e.covers(group, resource))
}

/// Whether a resource name of an encryption configuration covers `group`/`resource`.
///
/// Names are parsed like `schema.ParseGroupResource`: the text before the first dot is the
/// resource, the rest the group (`secrets` and `secrets.` are core Secrets). `*.` is every
/// resource of the core group, `*.<group>` every resource of a group, `*.*` every resource.
/// A bare `*` covers nothing: the API server rejects it.
pub fn name_covers(name: &str, group: &str, resource: &str) -> bool {
    if name == "*" {
        return false;
    }
    let (name_resource, name_group) = name.split_once('.').unwrap_or((name, ""));
    if name_resource == "*" && name_group == "*" {
        return true;
    }
    name_group == group && (name_resource == "*" || name_resource == resource)
}

/// Decodes a key the way the API server does (`base64.StdEncoding`: the standard alphabet,
/// padding required; line breaks are ignored). `None` when it is not valid base64.
pub fn decode_key(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    let padding = symbols.iter().rev().take_while(|&&b| b == b'=').count();
    if symbols.len() % 4 != 0 || padding > 2 {
        return None;
    }
    let body = &symbols[..symbols.len() - padding];
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut acc = 0u32;
        for &c in chunk {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            acc = (acc << 6) | u32::from(value);
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        out.extend_from_slice(&acc.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

/// Keys printed in the Kubernetes documentation's examples (the encryption-at-rest task
/// page and the EncryptionConfiguration reference), as the bytes they decode to. A cluster
/// using one of them encrypts with a key anyone can read.
const DOCUMENTATION_KEYS: &[&[u8]] = &[
    b"secret is secure",
    b"this is password",
    b"abcdefghijklmnopqrstuvwxyz123456",
    b"secret is secure, or is it?\n",
    b"secret is secure, I think",
];

/// Whether decoded key bytes are one of the documentation's example keys.
pub fn is_documentation_key(key: &[u8]) -> bool {
    DOCUMENTATION_KEYS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_like_the_api_server() {
        assert!(name_covers("secrets", "", "secrets"));
        assert!(name_covers("secrets.", "", "secrets"));
        assert!(name_covers("*.", "", "secrets"));
        assert!(name_covers("*.*", "", "secrets"));
        assert!(name_covers("*.*", "apps", "deployments"));
        assert!(name_covers("*.apps", "apps", "deployments"));
        assert!(!name_covers("*.apps", "", "secrets"));
        assert!(!name_covers("secret", "", "secrets"));
        assert!(!name_covers("Secrets", "", "secrets"));
        assert!(!name_covers("secrets.example.com", "", "secrets"));
        assert!(!name_covers("*", "", "secrets"));
    }

    fn entries_of(text: &str) -> (bulkhead_model::Object, usize) {
        let text = format!(
            "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n{text}"
        );
        let mut loaded =
            bulkhead_model::load_text("e.yaml", &text, &bulkhead_model::Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let object = loaded.objects.remove(0);
        assert!(is_encryption_configuration(&object));
        let count = entries(&object).len();
        (object, count)
    }

    #[test]
    fn the_first_covering_entry_decides() {
        let (object, count) = entries_of(
            "- resources: [events]\n  providers: [{identity: {}}]\n- resources: ['*.']\n  providers: [{secretbox: {}}]\n- resources: [secrets]\n  providers: [{identity: {}}]\n",
        );
        assert_eq!(count, 3);
        let entries = entries(&object);
        let secrets = deciding_entry(&entries, "", "secrets").unwrap();
        assert_eq!(secrets.index, 1);
        assert_eq!(secrets.providers[0].kind, "secretbox");
        assert_eq!(
            secrets.providers[0].pointer,
            "/resources/1/providers/0/secretbox"
        );
        assert_eq!(deciding_entry(&entries, "", "events").unwrap().index, 0);
        assert!(deciding_entry(&entries, "apps", "deployments").is_none());
    }

    #[test]
    fn empty_provider_elements_are_kept() {
        let (object, _) = entries_of("- resources: [secrets]\n  providers: [{}, {identity: {}}]\n");
        let entries = entries(&object);
        let kinds: Vec<&str> = entries[0].providers.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["", "identity"]);
        assert_eq!(entries[0].providers[0].pointer, "/resources/0/providers/0");
    }

    #[test]
    fn keys_decode_strictly() {
        assert_eq!(
            decode_key("c2VjcmV0IGlzIHNlY3VyZQ==").unwrap(),
            b"secret is secure"
        );
        assert_eq!(decode_key("YWJj").unwrap(), b"abc");
        assert_eq!(decode_key("YWI=").unwrap(), b"ab");
        assert_eq!(decode_key("YWJj\nZA==").unwrap(), b"abcd");
        assert!(decode_key("YWI").is_none(), "padding is required");
        assert!(
            decode_key("YW_j").is_none(),
            "URL-safe alphabet is not standard"
        );
        assert!(decode_key("<BASE 64 ENCODED SECRET>").is_none());
        assert!(decode_key("YW=j").is_none());
        assert!(decode_key("Y===").is_none());
        assert_eq!(decode_key("").unwrap(), b"");
    }

    #[test]
    fn documentation_keys_are_recognised_after_decoding() {
        let key = decode_key("dGhpcyBpcyBwYXNzd29yZA==").unwrap();
        assert!(is_documentation_key(&key));
        assert!(!is_documentation_key(&[7; 32]));
    }
}
