//! Rule files are YAML read by the model's loader, so every error in a rule names its file,
//! line and column.

use bulkhead_model::{parse_document, Limits, SourceFile, Value};

pub use bulkhead_model::Node;

/// One parsed YAML file.
pub struct Doc {
    pub file: SourceFile,
    pub root: Node,
}

/// A scalar as a condition reads it.
pub enum ScalarRef<'n> {
    Str(&'n str),
    Int(i64),
    Bool(bool),
}

pub trait NodeExt {
    fn as_f64(&self) -> Option<f64>;
    fn as_scalar(&self) -> Option<ScalarRef<'_>>;
}

impl NodeExt for Node {
    fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    fn as_scalar(&self) -> Option<ScalarRef<'_>> {
        match &self.value {
            Value::Str(s) => Some(ScalarRef::Str(s)),
            Value::Int(i) => Some(ScalarRef::Int(*i)),
            Value::Bool(b) => Some(ScalarRef::Bool(*b)),
            _ => None,
        }
    }
}

impl Doc {
    pub fn parse(path: &str, text: &str) -> Result<Doc, String> {
        let file = SourceFile::new(path, text);
        let root = parse_document(&file, &Limits::default())
            .map_err(|errors| {
                errors
                    .iter()
                    .map(|e| match (e.line, e.column) {
                        (Some(l), Some(c)) => format!("{}:{l}:{c}: {}", e.path, e.message),
                        _ => format!("{}: {}", e.path, e.message),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?
            .ok_or_else(|| format!("{path}: empty file"))?;
        Ok(Doc { file, root })
    }

    pub fn error(&self, node: &Node, message: &str) -> String {
        let (line, column) = self.file.line_col(node.span.start);
        format!("{}:{line}:{column}: {message}", self.file.path)
    }

    pub fn map<'n>(&self, node: &'n Node) -> Result<Vec<(&'n str, &'n Node)>, String> {
        match &node.value {
            Value::Map(entries) => Ok(entries.iter().map(|e| (&*e.key, &e.value)).collect()),
            _ => Err(self.error(node, "expected a mapping")),
        }
    }

    pub fn seq<'n>(&self, node: &'n Node) -> Result<&'n [Node], String> {
        match &node.value {
            Value::Seq(items) => Ok(items),
            _ => Err(self.error(node, "expected a list")),
        }
    }

    pub fn str<'n>(&self, node: &'n Node) -> Result<&'n str, String> {
        node.as_str()
            .ok_or_else(|| self.error(node, "expected a string"))
    }

    /// A string, number or boolean as text (list entries such as `[1, "a"]`).
    pub fn scalar_text(&self, node: &Node) -> Result<String, String> {
        match node.as_scalar() {
            Some(ScalarRef::Str(s)) => Ok(s.to_string()),
            Some(ScalarRef::Int(i)) => Ok(i.to_string()),
            Some(ScalarRef::Bool(b)) => Ok(b.to_string()),
            None => Err(self.error(node, "expected a string")),
        }
    }

    /// The string under `key`, required.
    pub fn required_str<'n>(&self, node: &'n Node, key: &str) -> Result<&'n str, String> {
        let value = node
            .get(key)
            .ok_or_else(|| self.error(node, &format!("missing {key:?}")))?;
        self.str(value)
    }
}
