//! Building value trees whose every node points at the characters of a real file (an
//! `sshd_config`, a TOML file), so that a finding on a host fact names the exact line and
//! column of the setting that decided it.

use std::sync::Arc;

use bulkhead_model::{Entry, Node, Object, Origin, SourceFile, Span, Value};

/// A string value written at `span`.
pub fn text(span: Span, value: &str) -> Node {
    Node::new(span, Value::Str(value.into()))
}

/// A mapping written at `span` from its entries (key, key span, value).
pub fn map(span: Span, entries: Vec<(String, Span, Node)>) -> Node {
    Node::new(
        span,
        Value::Map(
            entries
                .into_iter()
                .map(|(key, key_span, value)| Entry {
                    key: key.into(),
                    key_span,
                    value,
                })
                .collect(),
        ),
    )
}

/// An object of the node API group whose `spec` is `spec`, read from `file`: its fields point
/// into that file.
pub fn object(kind: &str, name: &str, file: Arc<SourceFile>, spec: Node) -> Object {
    let whole = Span::new(0, file.text.len() as u32);
    let root = map(whole, vec![("spec".to_string(), spec.span, spec)]);
    Object {
        api_version: crate::NODE_API_VERSION.to_string(),
        kind: kind.to_string(),
        name: name.to_string(),
        namespace: None,
        root,
        origin: Origin {
            file,
            document: 0,
            pointer: String::new(),
            helm_source: None,
            root: 0,
        },
    }
}
