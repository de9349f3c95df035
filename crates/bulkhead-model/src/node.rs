//! The value tree of a document: JSON-shaped values, every node with its span.

use crate::span::Span;

/// Mapping keys and string values: text of up to 24 bytes is kept inline, without an
/// allocation of its own. Nearly every key of a manifest (`containers`, `securityContext`) and
/// most values (names, images, `100m`) fit, so a tree costs a fraction of the allocations and
/// memory it would with boxed strings. Derefs to `str` and compares with `&str`.
pub type Str = compact_str::CompactString;

/// One value of a document with the byte range it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// JSON-shaped values, typed the way Kubernetes reads YAML (see [`crate::yaml::scalar`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Keys are kept as text, as Kubernetes turns every key into a JSON string.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Str,
    pub key_span: Span,
    pub value: Node,
}

impl Entry {
    /// From the start of the key to the end of the value: `privileged: true`.
    pub fn span(&self) -> Span {
        self.key_span.to(self.value.span)
    }
}

impl Node {
    /// The value as JSON, spans dropped: how the value would travel in an API request, for
    /// the cluster snapshot, the test API server and drift's comparisons.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Str(s) => Json::String(s.to_string()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn new(span: Span, value: Value) -> Self {
        Node { span, value }
    }

    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            // Kubernetes takes the last of duplicate keys (the duplicate itself is reported).
            Value::Map(entries) => entries.iter().rev().find(|e| &*e.key == key),
            _ => None,
        }
    }

    /// Follows a path of keys: `node.path(&["spec", "template"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The scalar as Kubernetes would print it in JSON, for messages (`true`, `420`, `nginx`).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    /// Number of nodes in this subtree, itself included.
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.value.count()).sum(),
            _ => 0,
        }
    }

    /// The node at a JSON pointer, if it exists (a null value counts as absent).
    pub fn at(&self, pointer: &str) -> Option<&Node> {
        let found = self.locate(pointer);
        (found.exact && !found.node.is_null()).then_some(found.node)
    }

    /// Resolves an RFC 6901 JSON pointer relative to this node.
    ///
    /// Returns the deepest node reached and the span that best locates the pointer: the whole
    /// `key: value` entry when the target exists, otherwise the entry of the nearest existing
    /// parent. The flag says whether the full pointer was found.
    pub fn locate(&self, pointer: &str) -> Located<'_> {
        let mut node = self;
        let mut span = self.span;
        if pointer.is_empty() {
            return Located {
                node,
                span,
                exact: true,
            };
        }
        for raw in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            let token = unescape_token(raw);
            let next = match &node.value {
                Value::Map(entries) => entries
                    .iter()
                    .rev()
                    .find(|e| *e.key == *token)
                    .map(|e| (&e.value, e.span())),
                Value::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|n| (n, n.span)),
                _ => None,
            };
            match next {
                Some((n, s)) => {
                    node = n;
                    span = s;
                }
                None => {
                    return Located {
                        node,
                        span,
                        exact: false,
                    }
                }
            }
        }
        Located {
            node,
            span,
            exact: true,
        }
    }
}

/// The result of [`Node::locate`].
#[derive(Debug)]
pub struct Located<'a> {
    pub node: &'a Node,
    pub span: Span,
    pub exact: bool,
}

/// Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(start: u32, end: u32, v: Value) -> Node {
        Node::new(Span::new(start, end), v)
    }

    #[test]
    fn locate_falls_back_to_nearest_parent_entry() {
        let inner = scalar(10, 14, Value::Bool(true));
        let map = Node::new(
            Span::new(0, 14),
            Value::Map(vec![Entry {
                key: "a/b".into(),
                key_span: Span::new(0, 3),
                value: Node::new(
                    Span::new(5, 14),
                    Value::Map(vec![Entry {
                        key: "x".into(),
                        key_span: Span::new(5, 6),
                        value: inner,
                    }]),
                ),
            }]),
        );
        let found = map.locate("/a~1b/x");
        assert!(found.exact);
        assert_eq!(found.span, Span::new(5, 14));
        let missing = map.locate("/a~1b/y/z");
        assert!(!missing.exact);
        assert_eq!(missing.span, Span::new(0, 14));
        assert_eq!(escape_token("a/b~"), "a~1b~0");
    }
}
