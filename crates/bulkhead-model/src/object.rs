//! Kubernetes objects: a document's root mapping plus its identity and origin.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::node::{escape_token, Node};
use crate::source::SourceFile;
use crate::span::{Position, Span};

/// Where an object came from.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    /// 0-based index of the document in its file.
    pub document: u32,
    /// JSON pointer from the document root to this object (`/items/3` for a `List` item,
    /// empty otherwise).
    pub pointer: String,
    /// The chart template named by a Helm `# Source:` comment above the document.
    pub helm_source: Option<String>,
    /// Which input root the object was read from: the index of the command-line argument
    /// (file, directory, glob or `-`) that named its file, 0 when there is only one. Each
    /// root is one `kubectl apply`: see [`crate::identity`].
    pub root: u32,
}

/// One Kubernetes object with its full value tree.
#[derive(Clone, Debug)]
pub struct Object {
    pub api_version: String,
    pub kind: String,
    /// `metadata.name`, or `metadata.generateName` when only that is set, or empty.
    pub name: String,
    pub namespace: Option<String>,
    pub root: Node,
    pub origin: Origin,
}

/// The identity of an object, as printed in findings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// A resolved location: the file, the byte span and its line/column form, and the pointer.
/// Serialized as one flat map: `path`, the [`Position`] fields, `pointer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub position: Position,
    /// JSON pointer from the document root to the field the finding is about. When the field
    /// is missing, the position is that of its nearest existing parent.
    pub pointer: String,
    pub span: Span,
    /// Whether the pointed-at field exists (false: the position is its nearest parent's).
    pub exact: bool,
}

/// Written by hand, not derived with `#[serde(flatten)]`: the same map, without serde's
/// flattening machinery, which was a measurable share of writing a large JSON report (one
/// location per finding).
impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let p = &self.position;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("line", &p.line)?;
        map.serialize_entry("column", &p.column)?;
        map.serialize_entry("endLine", &p.end_line)?;
        map.serialize_entry("endColumn", &p.end_column)?;
        map.serialize_entry("offset", &p.offset)?;
        map.serialize_entry("length", &p.length)?;
        map.serialize_entry("pointer", &self.pointer)?;
        map.end()
    }
}

impl Object {
    pub fn metadata(&self) -> Option<&Node> {
        self.root.get("metadata")
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group.
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> {
        string_map(self.metadata().and_then(|m| m.get("labels")))
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.metadata()?.get("labels")?.get(key)?.as_str()
    }

    pub fn annotations(&self) -> impl Iterator<Item = (&str, &str)> {
        string_map(self.metadata().and_then(|m| m.get("annotations")))
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata()?.get("annotations")?.get(key)?.as_str()
    }

    /// The `ownerReferences` entry with `controller: true`: the object that manages this one
    /// (a ReplicaSet for its Pods, a DaemonSet for its Pods, …), if any.
    pub fn controller_reference(&self) -> Option<&Node> {
        self.metadata()?
            .get("ownerReferences")?
            .as_seq()
            .iter()
            .find(|r| r.get("controller").and_then(Node::as_bool) == Some(true))
    }

    /// Whether `other` lives in the same namespace as this object. Objects written without a
    /// namespace and read from the same root are applied together (`kubectl apply -f DIR`
    /// puts them all in the one current namespace), so they share a namespace; across roots
    /// they do not. Every check that pairs objects by namespace asks this.
    pub fn same_namespace(&self, other: &Object) -> bool {
        match (&self.namespace, &other.namespace) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.origin.root == other.origin.root,
            _ => false,
        }
    }

    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    /// Locates a pointer relative to the object root: the field's `key: value` span, or the
    /// nearest existing parent's when the field is missing.
    pub fn locate(&self, pointer: &str) -> Location {
        let found = self.root.locate(pointer);
        let file = &self.origin.file;
        Location {
            path: file.path.clone(),
            position: file.position(found.span),
            pointer: format!("{}{}", self.origin.pointer, pointer),
            span: found.span,
            exact: found.exact,
        }
    }
}

fn string_map(node: Option<&Node>) -> impl Iterator<Item = (&str, &str)> {
    node.map(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((&*e.key, e.value.as_str()?)))
}

/// Builds a JSON pointer from tokens, escaping each one.
pub fn pointer<I, T>(tokens: I) -> String
where
    I: IntoIterator<Item = T>,
    T: fmt::Display,
{
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(&token.to_string()));
    }
    out
}

#[cfg(test)]
mod location_tests {
    use super::*;

    #[test]
    fn a_location_is_written_as_one_flat_map_in_field_order() {
        let location = Location {
            path: "dir/app.yaml".to_string(),
            position: Position {
                line: 3,
                column: 5,
                end_line: 4,
                end_column: 9,
                offset: 40,
                length: 17,
            },
            pointer: "/spec/replicas".to_string(),
            span: Span::default(),
            exact: true,
        };
        let json = serde_json::to_string(&location).expect("serializes");
        assert_eq!(
            json,
            r#"{"path":"dir/app.yaml","line":3,"column":5,"endLine":4,"endColumn":9,"offset":40,"length":17,"pointer":"/spec/replicas"}"#
        );
    }
}
